//! Progress bars on stderr (drawn only on a terminal), fed by the core's job events.

use std::collections::HashMap;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use nanoforge_core::JobEvents;
use nanoforge_core::queue::JobStage;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

/// Bars for a set of jobs, updated by a background task until dropped.
pub struct Bars {
    task: Option<JoinHandle<()>>,
}

impl Bars {
    pub fn follow(ids: &[String], mut events: JobEvents) -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {prefix} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bars: HashMap<String, ProgressBar> = ids
            .iter()
            .map(|id| {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(style.clone());
                bar.set_prefix(short_id(id));
                bar.set_message("waiting");
                bar.enable_steady_tick(Duration::from_millis(120));
                (id.clone(), bar)
            })
            .collect();
        let task = tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(event) => {
                        if let Some(bar) = bars.get(&event.job_id) {
                            show(bar, &event.stage);
                        }
                    }
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                }
            }
        });
        Self { task: Some(task) }
    }
}

impl Bars {
    /// Stops following and lets the bars finish drawing, before results go to stdout.
    pub async fn finish(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

fn show(bar: &ProgressBar, stage: &JobStage) {
    match stage {
        JobStage::Queued => bar.set_message("queued"),
        JobStage::Submitted { task_id } => bar.set_message(match task_id {
            Some(task) => format!("submitted (task {task})"),
            None => "drawing a demo image (not AI)".to_owned(),
        }),
        JobStage::Generating { elapsed_ms, polls } => bar.set_message(format!(
            "generating · {:.1} s · {polls} check{}",
            elapsed_ms / 1000.0,
            if *polls == 1 { "" } else { "s" }
        )),
        JobStage::Downloading {
            image,
            images,
            received_bytes,
            total_bytes,
        } => bar.set_message(format!(
            "downloading {}/{images} · {}{}",
            image + 1,
            kib(*received_bytes),
            total_bytes
                .map(|t| format!(" of {}", kib(t)))
                .unwrap_or_default()
        )),
        JobStage::Ingesting { image, images } => {
            bar.set_message(format!("storing {}/{images}", image + 1));
        }
        JobStage::Done { .. } => bar.finish_with_message("done"),
        JobStage::Failed { error } => bar.abandon_with_message(format!(
            "failed: {}",
            crate::output::sanitize(&error.message)
        )),
        JobStage::Recoverable { error } => bar.abandon_with_message(format!(
            "recoverable (still at the service): {}",
            crate::output::sanitize(&error.message)
        )),
        JobStage::Cancelled { .. } => bar.abandon_with_message("cancelled"),
    }
}

fn kib(bytes: f64) -> String {
    format!("{:.0} KiB", bytes / 1024.0)
}

/// The tail of a job id (v7 ids share their leading, time-based digits).
pub fn short_id(id: &str) -> String {
    let tail: String = id.chars().rev().take(8).collect();
    tail.chars().rev().collect()
}
