//! A finished remote batch's inline results, given to jobs by `metadata.key` (the job id) only:
//! the order is not guaranteed and keys have gone missing, so a result without a key, with a key
//! that is not one of this batch's waiting jobs, or with a key seen more than once is quarantined
//! (kept as it came in `quarantine/<remote id>/` in the library folder, listed on the remote
//! batch's row) and never given to a job by position. Each matched answer is staged and stored
//! exactly as an interactive Gemini answer is (`queue/answer.rs`), at the batch price; a request's
//! own error fails that job only; a job left without a result fails as possibly charged.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde_json::{Value, json};

use super::BATCH_PRICE_FACTOR;
use crate::catalog::round_micro_usd;
use crate::library::{JobRecord, RemoteBatchRow, RemoteBatchUpdate};
use crate::providers::ImageSource;
use crate::providers::gemini::{InlineOutcome, InlineResult, RemoteBatch};
use crate::queue::answer::Answer;
use crate::queue::runner::Step;
use crate::queue::shared::Shared;
use crate::{CoreError, ErrorKind, Result};

/// The folder (in the library folder) of results given to no job.
const QUARANTINE_DIR: &str = "quarantine";

impl Shared {
    pub(super) async fn take_results(
        self: &Arc<Self>,
        row: &RemoteBatchRow,
        jobs: Vec<JobRecord>,
        batch: RemoteBatch,
    ) -> Result<()> {
        let results = batch.results.unwrap_or_default();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for result in &results {
            if let Some(key) = &result.key {
                *seen.entry(key.clone()).or_default() += 1;
            }
        }
        let mut waiting: HashMap<String, JobRecord> =
            jobs.into_iter().map(|j| (j.id.clone(), j)).collect();
        let mut quarantine: Vec<(InlineResult, String)> = Vec::new();
        let mut matched: Vec<(JobRecord, InlineResult)> = Vec::new();
        for result in results {
            let reason = match &result.key {
                None => Some("the result came back without metadata.key".to_owned()),
                Some(key) if seen.get(key).copied().unwrap_or(0) > 1 => {
                    Some(format!("the key {key} came back more than once"))
                }
                Some(key) if !waiting.contains_key(key) => Some(format!(
                    "the key {key} is no job of this batch still waiting for a result"
                )),
                Some(_) => None,
            };
            // Only a result with no reason to doubt it takes its job out of the waiting list;
            // a job whose key came back twice stays there and fails below.
            let job = match &reason {
                None => result.key.as_ref().and_then(|k| waiting.remove(k)),
                Some(_) => None,
            };
            match job {
                Some(job) => matched.push((job, result)),
                None => quarantine.push((result, reason.unwrap_or_default())),
            }
        }
        let kept = self.quarantine(row, quarantine).await?;
        for (job, result) in matched {
            self.take_result(row, job, result).await?;
        }
        for job in waiting.into_values() {
            let message = if kept > 0 {
                format!(
                    "Gemini's Batch API returned no result under this job's key; {kept} result(s) \
                     it could not attribute are kept in the library's {QUARANTINE_DIR} folder \
                     and were given to no job. It may have been charged."
                )
            } else {
                "Gemini's Batch API returned no result for this job; it may have been charged."
                    .to_owned()
            };
            self.fail_job(&job.id, ErrorKind::Protocol, &message, true)
                .await?;
        }
        Ok(())
    }

    /// One matched result: its images staged and stored like an interactive answer's, or its
    /// error recorded on the job.
    async fn take_result(
        self: &Arc<Self>,
        row: &RemoteBatchRow,
        job: JobRecord,
        result: InlineResult,
    ) -> Result<()> {
        let answer = match result.outcome {
            InlineOutcome::Answer(answer) => answer,
            InlineOutcome::Error { code, message } => {
                // The service refused or failed this request alone; nothing is expected to be
                // charged for a request that produced nothing.
                let text = format!("Gemini's Batch API failed this request ({code}): {message}");
                return self
                    .fail_job(&job.id, ErrorKind::GenerationFailed, &text, false)
                    .await;
            }
            InlineOutcome::Unreadable(why) => {
                self.quarantine(row, vec![(result_copy(&result.raw, &job.id), why.clone())])
                    .await?;
                let text = format!(
                    "Gemini's Batch API returned a result for this job that could not be read \
                     ({why}); it is kept in the library's {QUARANTINE_DIR} folder. It may have \
                     been charged."
                );
                return self
                    .fail_job(&job.id, ErrorKind::Protocol, &text, true)
                    .await;
            }
        };
        let cost = round_micro_usd(answer.usage.cost(row.model) * BATCH_PRICE_FACTOR);
        let checked = if answer.is_text_only() {
            Ok(())
        } else {
            answer.check_images(cost)
        };
        let staged = match checked {
            Ok(()) => {
                let answer = Answer {
                    images: answer.images.into_iter().map(ImageSource::Bytes).collect(),
                    cost: Some(cost),
                    parts: Some(answer.parts),
                    turn: None,
                };
                self.stage_answer(job.clone(), answer).await
            }
            Err(e) => Err(CoreError::Provider(e)),
        };
        match staged {
            // Stored by the runner, as any staged Gemini answer is.
            Ok(Step::Next(job)) => {
                self.spawn(job, None);
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(error) => {
                self.record_end(&job.id, error, &AtomicBool::new(false))
                    .await
            }
        }
    }

    /// Keeps `results` in the library folder and lists them on the remote batch's row; returns
    /// how many are now kept for it in all.
    async fn quarantine(
        &self,
        row: &RemoteBatchRow,
        results: Vec<(InlineResult, String)>,
    ) -> Result<usize> {
        // Read again: an earlier call of this round may have added to the list.
        let current = self.library.remote_batch(&row.id).await?;
        let mut listed: Vec<Value> = current
            .quarantined
            .as_deref()
            .and_then(|q| serde_json::from_str(q).ok())
            .unwrap_or_default();
        if results.is_empty() {
            return Ok(listed.len());
        }
        let dir = format!("{QUARANTINE_DIR}/{}", row.id);
        let abs = self.library.absolute_path(&dir)?;
        let start = listed.len();
        let files: Vec<(String, Vec<u8>)> = results
            .iter()
            .enumerate()
            .map(|(i, (r, _))| {
                let name = format!("{}.json", start + i);
                (name, serde_json::to_vec(&r.raw).unwrap_or_default())
            })
            .collect();
        tokio::task::spawn_blocking(move || write_all(&abs, &files)).await??;
        for (i, (result, reason)) in results.iter().enumerate() {
            tracing::warn!(remote = %row.display_name, key = ?result.key, %reason, "a batch result was quarantined");
            listed.push(json!({
                "key": result.key,
                "reason": reason,
                "file": format!("{dir}/{}.json", start + i),
            }));
        }
        let update = RemoteBatchUpdate {
            quarantined: Some(Value::Array(listed.clone()).to_string()),
            ..RemoteBatchUpdate::default()
        };
        self.library.update_remote_batch(&row.id, &update).await?;
        Ok(listed.len())
    }
}

/// A copy of an unreadable result to quarantine (the original was moved into the outcome).
fn result_copy(raw: &Value, job_id: &str) -> InlineResult {
    InlineResult {
        key: Some(job_id.to_owned()),
        outcome: InlineOutcome::Unreadable(String::new()),
        raw: raw.clone(),
    }
}

/// Writes each file and syncs it and the folder: a quarantined result may be paid for.
fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in files {
        let mut file = std::fs::File::create(dir.join(name))?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}
