//! Creating a remote batch, guarded like a paid submit: creating is not idempotent (the same body
//! twice makes two batches, both billed), so the claim (`unsent` → `sending`, one compare-and-set)
//! and each job's attempt are committed durably before the POST, and the batch's name right after
//! the answer. A create whose answer was lost stays `sending`; it is resolved by listing the
//! service's batches for its display name, and only sent again once the listing, taken after any
//! call of ours could still be in flight, proves it does not exist.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::poll_delay;
use crate::crash::{CrashPoint, crash_point};
use crate::library::{JobRecord, JobStatus, JobUpdate, RemoteBatchRow, RemoteBatchUpdate};
use crate::providers::ProviderError;
use crate::providers::gemini::RemoteBatch;
use crate::queue::cooldown::Lane;
use crate::queue::job_data::request_of;
use crate::queue::outcome::submit_refused;
use crate::queue::shared::Shared;
use crate::queue::{JobStage, now_ms};
use crate::{CoreError, ErrorKind, Result};

/// How long a create of ours may still be in flight (the Batch API client's call timeout and a
/// margin): a listing that misses the batch proves nothing before this has passed.
const CREATE_IN_FLIGHT: Duration = Duration::from_secs(200);
/// How long a call refused for the day's quota waits before asking again.
pub(super) const DAILY_QUOTA_WAIT: Duration = Duration::from_secs(3600);

impl Shared {
    /// `unsent`: claims the create, commits every job's attempt, sends it, and records the answer.
    pub(super) async fn create_remote(
        &self,
        row: RemoteBatchRow,
        jobs: Vec<JobRecord>,
    ) -> Result<()> {
        if jobs.is_empty() {
            // Every job ended before it was sent (cancelled): nothing to create.
            self.end_remote(&row, None).await?;
            return Ok(());
        }
        // A quitting process starts no paid request.
        if self.closing.load(Ordering::SeqCst) {
            return Ok(());
        }
        // Another create was refused as rate limited: this one waits for the same time.
        if let Some(wait) = self.cooldowns.remaining(Lane::GeminiBatch) {
            return self.remote_later(&row, wait, false).await;
        }
        let client = self.gemini().await?;
        let mut items = Vec::with_capacity(jobs.len());
        for job in &jobs {
            items.push((job.id.clone(), request_of(job)?));
        }
        if !self
            .library
            .move_remote_batch(&row.id, "unsent", "sending")
            .await?
        {
            return Ok(());
        }
        crash_point(CrashPoint::BeforeAttempt);
        // From the claim until the answer is recorded, a quitting process waits (like a submit).
        let _in_flight = CreateInFlight::new(self);
        let now = now_ms();
        for job in &jobs {
            let attempt = JobUpdate {
                increment_attempts: true,
                may_be_charged: Some(true),
                submitted_at: Some(now),
                queue_ms: Some(u64::try_from(now - job.created_at as i64).unwrap_or(0)),
                ..JobUpdate::default()
            };
            self.commit_durably(&job.id, attempt).await?;
        }
        let created = client
            .create_batch(row.model, &row.display_name, &items)
            .await;
        match created {
            Ok(batch) => {
                self.cooldowns.accepted(Lane::GeminiBatch);
                crash_point(CrashPoint::AfterSubmit);
                self.record_created(&row, &jobs, &batch).await
            }
            Err(e) if submit_refused(&e) => self.create_refused(&row, &jobs, e).await,
            Err(e) => {
                tracing::warn!(remote = %row.display_name, error = %e,
                    "a batch create's answer was lost; looking for the batch by its name");
                let row = self.library.remote_batch(&row.id).await?;
                self.reconcile_remote(row, jobs).await
            }
        }
    }

    /// `sending`: the create's answer is unknown (lost, or this process stopped while it was in
    /// flight). The service's list decides: found, the batch is adopted; missing once no call of
    /// ours can still be in flight, the create may be sent again; otherwise look again later.
    pub(super) async fn reconcile_remote(
        &self,
        row: RemoteBatchRow,
        jobs: Vec<JobRecord>,
    ) -> Result<()> {
        let client = self.gemini().await?;
        let interval = self.config.poll_interval;
        match client.find_batch(&row.display_name).await {
            Ok(Some(batch)) => self.record_created(&row, &jobs, &batch).await,
            Ok(None) => {
                let sent_at = row.sent_at.unwrap_or(0);
                let in_flight = i64::try_from(CREATE_IN_FLIGHT.as_millis()).unwrap_or(i64::MAX);
                if now_ms() - sent_at < in_flight {
                    let wait = poll_delay(interval, row.polls, None);
                    return self.remote_later(&row, wait, false).await;
                }
                // Proven absent: the attempt is taken back and the create may go again.
                tracing::info!(remote = %row.display_name, "the lost create made no batch; it will be sent again");
                self.undo_attempts(&jobs).await?;
                self.library
                    .move_remote_batch(&row.id, "sending", "unsent")
                    .await?;
                Ok(())
            }
            Err(e) => {
                let wait = poll_delay(interval, row.polls, e.retry_after());
                tracing::warn!(remote = %row.display_name, error = %e, ?wait, "listing batches failed; trying later");
                self.remote_later(&row, wait, true).await
            }
        }
    }

    /// The create's answer (or the listing) named the batch: recorded durably, the jobs SUBMITTED.
    pub(super) async fn record_created(
        &self,
        row: &RemoteBatchRow,
        jobs: &[JobRecord],
        batch: &RemoteBatch,
    ) -> Result<()> {
        let update = RemoteBatchUpdate {
            phase: Some("created"),
            remote_name: Some(batch.name.clone()),
            remote_state: Some(batch.state_text.clone()),
            next_at: Some(now_ms() + duration_ms(self.config.poll_interval)),
            ..RemoteBatchUpdate::default()
        };
        self.library.update_remote_batch(&row.id, &update).await?;
        for job in jobs {
            let submitted = JobUpdate {
                status: Some(JobStatus::Submitted),
                ..JobUpdate::default()
            };
            if self.commit_durably(&job.id, submitted).await?.is_some() {
                let stage = JobStage::Submitted {
                    task_id: Some(batch.name.clone()),
                };
                self.events.emit(&job.id, stage);
            }
        }
        Ok(())
    }

    /// The service refused the create (nothing was made): the attempts are taken back. Busy (429,
    /// a retryable 5xx) waits what it asked and sends again; anything else fails the jobs, never
    /// charged.
    async fn create_refused(
        &self,
        row: &RemoteBatchRow,
        jobs: &[JobRecord],
        error: ProviderError,
    ) -> Result<()> {
        self.undo_attempts(jobs).await?;
        let busy = matches!(
            error,
            ProviderError::RateLimited { .. }
                | ProviderError::Network { .. }
                | ProviderError::Server {
                    retryable: true,
                    ..
                }
        );
        // The day's quota: nothing can be created before it resets (midnight Pacific), so the
        // create waits an hour at a time instead of failing the jobs.
        let daily = matches!(error, ProviderError::QuotaExhausted { .. });
        self.library
            .move_remote_batch(&row.id, "sending", "unsent")
            .await?;
        if busy || daily {
            let asked = if daily {
                Some(DAILY_QUOTA_WAIT)
            } else if matches!(error, ProviderError::RateLimited { .. }) {
                // Every create of this profile waits, not only this one (see `cooldown`).
                let policy = &self.config.retry;
                let asked = error.retry_after();
                Some(
                    self.cooldowns
                        .rate_limited(Lane::GeminiBatch, asked, policy),
                )
            } else {
                error.retry_after()
            };
            let wait = poll_delay(self.config.poll_interval, row.polls, asked);
            tracing::info!(remote = %row.display_name, ?wait, error = %error, "the service is busy; creating the batch later");
            return self.remote_later(row, wait, true).await;
        }
        let error = CoreError::Provider(error);
        for job in jobs {
            self.fail_job(&job.id, error.kind(), &error.to_string(), false)
                .await?;
        }
        self.end_remote(row, Some(error.to_string())).await
    }

    async fn undo_attempts(&self, jobs: &[JobRecord]) -> Result<()> {
        for job in jobs {
            let undo = JobUpdate {
                undo_attempt: true,
                may_be_charged: Some(false),
                ..JobUpdate::default()
            };
            self.commit_durably(&job.id, undo).await?;
        }
        Ok(())
    }

    /// Looks at `row` again after `wait`; `count` when this look was a setback (it backs off).
    pub(super) async fn remote_later(
        &self,
        row: &RemoteBatchRow,
        wait: Duration,
        count: bool,
    ) -> Result<()> {
        let update = RemoteBatchUpdate {
            count_poll: count,
            next_at: Some(now_ms() + duration_ms(wait)),
            ..RemoteBatchUpdate::default()
        };
        self.library.update_remote_batch(&row.id, &update).await
    }

    pub(super) async fn end_remote(
        &self,
        row: &RemoteBatchRow,
        error: Option<String>,
    ) -> Result<()> {
        let update = RemoteBatchUpdate {
            phase: Some("ended"),
            error,
            ..RemoteBatchUpdate::default()
        };
        self.library.update_remote_batch(&row.id, &update).await
    }

    /// Ends a job of a remote batch with `message` (held here; a job ended meanwhile is left).
    pub(super) async fn fail_job(
        &self,
        id: &str,
        kind: ErrorKind,
        message: &str,
        may_be_charged: bool,
    ) -> Result<()> {
        let update = JobUpdate {
            status: Some(JobStatus::Failed),
            error_kind: Some(kind),
            error_message: Some(message.to_owned()),
            may_be_charged: Some(may_be_charged),
            ..JobUpdate::default()
        };
        if self.commit(id, update).await?.is_some() {
            let error = crate::AppError {
                kind,
                message: message.to_owned(),
            };
            self.events.emit(id, JobStage::Failed { error });
        }
        Ok(())
    }
}

pub(super) fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Counts a create in flight for `Queue::paid_in_flight`, and wakes whoever waits for paid
/// requests when it ends, however it ends.
struct CreateInFlight<'a>(&'a Shared);

impl<'a> CreateInFlight<'a> {
    fn new(shared: &'a Shared) -> Self {
        shared.remote_creates.fetch_add(1, Ordering::SeqCst);
        Self(shared)
    }
}

impl Drop for CreateInFlight<'_> {
    fn drop(&mut self) {
        self.0.remote_creates.fetch_sub(1, Ordering::SeqCst);
        self.0.paid_done.notify_waiters();
    }
}
