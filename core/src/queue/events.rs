//! Progress of jobs, told to the queue's listener (the session puts them on the core's one event
//! stream, for the app's UI and the CLI's progress bars). A slow listener there loses the oldest
//! events, never blocks the queue; the job rows stay the source of truth.

use std::sync::Arc;

use serde::Serialize;

use crate::AppError;

/// One step in the life of one job.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct JobEvent {
    /// The profile whose library holds the job.
    pub profile_id: String,
    pub job_id: String,
    /// Unix ms when it happened.
    pub at: f64,
    pub stage: JobStage,
}

/// Where the job is. Serialised with a `kind` tag: `{ "kind": "generating", "elapsedMs": 1200,
/// "polls": 2 }`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum JobStage {
    /// Recorded (or resumed) and waiting for a free slot.
    Queued,
    /// The provider accepted it. `taskId` is the remote task (none for the demo provider).
    #[serde(rename_all = "camelCase")]
    Submitted {
        task_id: Option<String>,
    },
    /// The remote task is still generating: time since the job was created, status checks so far
    /// in this run.
    #[serde(rename_all = "camelCase")]
    Generating {
        elapsed_ms: f64,
        polls: u32,
    },
    /// Image `image` (0-based) of `images` is arriving.
    #[serde(rename_all = "camelCase")]
    Downloading {
        image: u32,
        images: u32,
        received_bytes: f64,
        total_bytes: Option<f64>,
    },
    /// Image `image` of `images` is being stored in the library.
    #[serde(rename_all = "camelCase")]
    Ingesting {
        image: u32,
        images: u32,
    },
    /// Finished with its images stored.
    #[serde(rename_all = "camelCase")]
    Done {
        image_ids: Vec<String>,
        cost: f64,
        duration_ms: f64,
    },
    Failed {
        error: AppError,
    },
    /// This run ended before the images were stored, but the service has the task (or the result
    /// URLs are known): it may be paid for and can be recovered (polled and downloaded again).
    Recoverable {
        error: AppError,
    },
    /// Cancelled by the user; the message says whether the service may still charge.
    Cancelled {
        message: String,
    },
}

impl JobStage {
    /// The `kind` tag, for logs and tests.
    pub fn name(&self) -> &'static str {
        match self {
            JobStage::Queued => "queued",
            JobStage::Submitted { .. } => "submitted",
            JobStage::Generating { .. } => "generating",
            JobStage::Downloading { .. } => "downloading",
            JobStage::Ingesting { .. } => "ingesting",
            JobStage::Done { .. } => "done",
            JobStage::Failed { .. } => "failed",
            JobStage::Recoverable { .. } => "recoverable",
            JobStage::Cancelled { .. } => "cancelled",
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(
            self,
            JobStage::Done { .. }
                | JobStage::Failed { .. }
                | JobStage::Recoverable { .. }
                | JobStage::Cancelled { .. }
        )
    }
}

/// Where one queue's events go (the session forwards them onto the core's one event stream).
pub type JobListener = Arc<dyn Fn(JobEvent) + Send + Sync>;

/// The sending side of one queue.
#[derive(Clone)]
pub(crate) struct Events {
    listener: JobListener,
    profile_id: String,
}

impl Events {
    pub(crate) fn new(listener: JobListener, profile_id: &str) -> Self {
        Self {
            listener,
            profile_id: profile_id.to_owned(),
        }
    }

    pub(crate) fn emit(&self, job_id: &str, stage: JobStage) {
        tracing::debug!(job = job_id, stage = stage.name(), "job event");
        (self.listener)(JobEvent {
            profile_id: self.profile_id.clone(),
            job_id: job_id.to_owned(),
            at: super::now_ms() as f64,
            stage,
        });
    }
}
