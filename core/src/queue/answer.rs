//! A synchronous provider's paid answer (Gemini): its images on disk first (staged and synced),
//! then the job records them with their cost and the conversation turn (DOWNLOADING, durably),
//! and the next step stores them in the library. If the images cannot be written, the job
//! records its cost and fails as charged, never to be resent. A text-only answer (a question, a
//! refusal) is a turn too: kept, then reported as the job's outcome, so the person can answer.

use serde_json::Value;

use super::job_data::ResultUrls;
use super::now_ms;
use super::runner::Step;
use super::shared::Shared;
use crate::conversation::{Turn, answer_text_of};
use crate::library::{JobRecord, JobStatus, JobUpdate};
use crate::providers::{ImageSource, ProviderError};
use crate::{CoreError, Result};

/// What came back.
pub(super) struct Answer {
    pub images: Vec<ImageSource>,
    pub cost: Option<f64>,
    /// The answer's parts as sent (with a conversation).
    pub parts: Option<Vec<Value>>,
    /// The job's turn as sent (with a conversation).
    pub turn: Option<Turn>,
}

impl Shared {
    pub(super) async fn stage_answer(&self, job: JobRecord, answer: Answer) -> Result<Step> {
        let Answer {
            images,
            cost,
            parts,
            turn,
        } = answer;
        let conversation = match (turn, &parts) {
            (Some(turn), Some(parts)) => Some(super::conversation::answered(turn, parts)?),
            _ => None,
        };
        let mut bytes = Vec::with_capacity(images.len());
        for image in images {
            match image {
                ImageSource::Bytes(b) => bytes.push(b),
                ImageSource::Url(_) => {
                    return Err(CoreError::Provider(ProviderError::protocol(
                        "a synchronous provider returned a URL instead of image bytes",
                    )));
                }
            }
        }
        let now = now_ms();
        let duration_ms = job
            .submitted_at
            .map(|at| u64::try_from(now - at as i64).unwrap_or(0));
        if bytes.is_empty() {
            // The model answered with text only: the turn is kept (the person can answer it).
            let kept = JobUpdate {
                cost,
                duration_ms,
                conversation,
                ..JobUpdate::default()
            };
            self.commit_durably(&job.id, kept).await?;
            return Err(ProviderError::NoImage {
                reason: "TEXT_ONLY".into(),
                text: parts.as_deref().and_then(answer_text_of),
                charged: cost.unwrap_or(0.0),
            }
            .into());
        }
        let root = self.library.root().to_path_buf();
        let id = job.id.clone();
        let staged =
            tokio::task::spawn_blocking(move || super::staging::stage(&root, &id, &bytes)).await?;
        let staged = match staged {
            Ok(staged) => staged,
            Err(e) => {
                let charged = JobUpdate {
                    cost,
                    duration_ms,
                    conversation,
                    ..JobUpdate::default()
                };
                self.commit_durably(&job.id, charged).await?;
                return Err(CoreError::Io(std::io::Error::other(format!(
                    "the paid answer could not be written to disk ({e}); it was charged and is not \
                     sent again: free some space or fix the library folder, then run it again if \
                     you need to"
                ))));
            }
        };
        let results = ResultUrls {
            urls: Vec::new(),
            fallback_urls: Vec::new(),
            raw: None,
            staged,
        };
        let recorded = JobUpdate {
            status: Some(JobStatus::Downloading),
            cost,
            duration_ms,
            response_data: Some(results.to_response_data()?),
            conversation,
            ..JobUpdate::default()
        };
        Ok(match self.commit_durably(&job.id, recorded).await? {
            Some(job) => Step::Next(job),
            None => Step::Lost,
        })
    }
}
