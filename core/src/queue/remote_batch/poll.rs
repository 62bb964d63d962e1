//! One look at a created remote batch (`GET /v1beta/batches/{id}`), and what its state does to
//! the jobs: still pending or running → look again later (backing off to minutes; a 429 waits
//! what the service asked); succeeded (or cancelled or failed with results) → the results go to
//! their jobs by key (`results.rs`); expired → the jobs fail as never charged (an expired batch
//! has no results); failed without results → the jobs fail; cancelled → the jobs are cancelled.
//! Cancel asks the service to cancel, then looks once more, since the batch may still finish.

use std::sync::Arc;

use crate::library::{JobRecord, JobStatus, JobUpdate, RemoteBatchRow, RemoteBatchUpdate};
use crate::providers::ProviderError;
use crate::providers::gemini::{RemoteBatch, RemoteState};
use crate::queue::shared::Shared;
use crate::{ErrorKind, Result};

use super::create::DAILY_QUOTA_WAIT;
use super::poll_delay;

const EXPIRED: &str = "Gemini's Batch API did not run this batch within 48 hours, so it expired \
with no results; it was never charged. Run it again (interactively or as a new batch).";
const CANCELLED: &str = "The batch was cancelled before Google ran this image; nothing was charged \
and there is nothing to recover. Run it again if you need it.";
const FAILED: &str = "Gemini's Batch API failed the whole batch without results; nothing is \
expected to be charged. Run it again if you need it.";

impl Shared {
    /// `created`: one look at the batch.
    pub(super) async fn poll_remote(
        self: &Arc<Self>,
        row: RemoteBatchRow,
        jobs: Vec<JobRecord>,
    ) -> Result<()> {
        let Some(name) = row.remote_name.clone() else {
            // Created without a name cannot happen; find it by its display name instead.
            return self.reconcile_remote(row, jobs).await;
        };
        let client = self.gemini().await?;
        let interval = self.config.poll_interval;
        let batch = match client.get_batch(&name).await {
            Ok(batch) => batch,
            Err(ProviderError::QuotaExhausted { message }) => {
                tracing::warn!(remote = %name, %message, "daily quota reached; looking again in an hour");
                return self.remote_later(&row, DAILY_QUOTA_WAIT, true).await;
            }
            Err(e) => {
                let wait = poll_delay(interval, row.polls, e.retry_after());
                tracing::warn!(remote = %name, error = %e, ?wait, "looking at a batch failed; trying later");
                return self.remote_later(&row, wait, true).await;
            }
        };
        self.apply_remote(&row, jobs, batch).await
    }

    /// What the batch's state does to the jobs.
    pub(super) async fn apply_remote(
        self: &Arc<Self>,
        row: &RemoteBatchRow,
        jobs: Vec<JobRecord>,
        batch: RemoteBatch,
    ) -> Result<()> {
        let seen = RemoteBatchUpdate {
            remote_state: Some(batch.state_text.clone()),
            ..RemoteBatchUpdate::default()
        };
        self.library.update_remote_batch(&row.id, &seen).await?;
        let has_results = batch.results.as_ref().is_some_and(|r| !r.is_empty());
        match batch.state {
            _ if batch.state.is_final() && has_results => {
                self.take_results(row, jobs, batch).await?;
                self.end_remote(row, None).await
            }
            RemoteState::Expired | RemoteState::Failed => {
                let (kind, message) = if batch.state == RemoteState::Expired {
                    (ErrorKind::BatchExpired, EXPIRED)
                } else {
                    (ErrorKind::GenerationFailed, FAILED)
                };
                for job in &jobs {
                    self.fail_job(&job.id, kind, message, false).await?;
                }
                self.end_remote(row, Some(message.to_owned())).await
            }
            RemoteState::Cancelled | RemoteState::Succeeded => {
                // Cancelled without results, or succeeded with none at all: each job says so.
                for job in &jobs {
                    if batch.state == RemoteState::Cancelled {
                        self.cancelled_by_service(&job.id).await?;
                    } else {
                        let message = "Gemini's Batch API finished the batch without any result \
                                       for this job; it may have been charged.";
                        self.fail_job(&job.id, ErrorKind::Protocol, message, true)
                            .await?;
                    }
                }
                self.end_remote(row, None).await
            }
            RemoteState::Pending | RemoteState::Running | RemoteState::Unknown => {
                if batch.state == RemoteState::Running {
                    for job in jobs.iter().filter(|j| j.status == JobStatus::Submitted) {
                        let running = JobUpdate {
                            status: Some(JobStatus::Processing),
                            ..JobUpdate::default()
                        };
                        self.commit(&job.id, running).await?;
                    }
                }
                let wait = poll_delay(self.config.poll_interval, row.polls, None);
                self.remote_later(row, wait, true).await
            }
        }
    }

    /// The service cancelled the batch and has no result for this job: Google never ran it, so it
    /// is not charged and nothing can be recovered (said with its own kind, not as a local cancel).
    async fn cancelled_by_service(&self, id: &str) -> Result<()> {
        let update = JobUpdate {
            status: Some(JobStatus::Cancelled),
            error_kind: Some(ErrorKind::BatchCancelled),
            error_message: Some(CANCELLED.to_owned()),
            may_be_charged: Some(false),
            ..JobUpdate::default()
        };
        if self.commit(id, update).await?.is_some() {
            let message = CANCELLED.to_owned();
            self.events
                .emit(id, crate::queue::JobStage::Cancelled { message });
        }
        Ok(())
    }

    /// Cancels one remote batch of a batch being cancelled (see `Queue::cancel_remote_batches`).
    pub(super) async fn cancel_remote(self: &Arc<Self>, row: RemoteBatchRow) -> Result<()> {
        if row.phase == "ended" {
            return Ok(());
        }
        // Never created: it never will be (the jobs are cancelled by the caller, never charged).
        if self
            .library
            .move_remote_batch(&row.id, "unsent", "ended")
            .await?
        {
            return Ok(());
        }
        let Some(jobs) = self.claim_remote_jobs(&row).await? else {
            return Ok(());
        };
        let row = if row.phase == "sending" {
            self.reconcile_remote(row.clone(), jobs.clone()).await?;
            self.library.remote_batch(&row.id).await?
        } else {
            row
        };
        let Some(name) = row.remote_name.clone() else {
            return Ok(());
        };
        let client = self.gemini().await?;
        if let Err(e) = client.cancel_batch(&name).await {
            tracing::warn!(remote = %name, error = %e, "cancelling the batch at the service failed");
        }
        // It may have finished before the cancel landed: its results are still ours.
        let jobs = match self.claim_remote_jobs(&row).await? {
            Some(jobs) => jobs,
            None => return Ok(()),
        };
        match client.get_batch(&name).await {
            Ok(batch) => self.apply_remote(&row, jobs, batch).await,
            Err(e) => {
                tracing::warn!(remote = %name, error = %e, "looking at a cancelled batch failed");
                Ok(())
            }
        }
    }
}
