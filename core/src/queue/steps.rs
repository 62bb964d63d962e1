//! The two steps that talk to the service before results exist: the submit (PENDING → SUBMITTED)
//! and one status check (SUBMITTED/PROCESSING → DOWNLOADING, or a wait).

use tokio_util::sync::CancellationToken;

use super::cooldown::Lane;
use super::job_data::{ResultUrls, request_of};
use super::outcome::submit_refused;
use super::runner::{RunCtx, Step};
use super::shared::Shared;
use super::{JobStage, now_ms};
use crate::crash::{CrashPoint, crash_point};
use crate::library::{JobRecord, JobStatus, JobUpdate};
use crate::providers::{PollOutcome, Provider, ProviderError, SubmitOutcome};
use crate::{CoreError, Result};

/// Submits of one run refused as rate limited before the job stops (never charged). Each waits
/// out the provider's cooldown first, so this bounds a service that never lets the job in.
const MAX_RATE_LIMITED: u32 = 20;

const INTERRUPTED: &str = "Nanoforge stopped while sending this job, so it cannot tell whether \
the service received (and charged for) it. It was not sent again: check your task history at the \
service, then run it again if you need to.";

impl Shared {
    /// PENDING → SUBMITTED. The attempt (and that it may now be charged) is committed before the
    /// request, durably, so a crash during the submit is recognisable afterwards and never leads to
    /// a second, silent submit; the task id is committed the moment it arrives. A refusal that
    /// proves nothing was created takes the attempt back. Not cancellable while the request is in
    /// flight: the task id must be recorded.
    pub(super) async fn submit(
        &self,
        job: JobRecord,
        provider: &Provider,
        demo: bool,
        ctx: &mut RunCtx,
    ) -> Result<Step> {
        if job.attempts > 0 && !demo {
            return Err(CoreError::Interrupted(INTERRUPTED.into()));
        }
        // The provider said "wait" to one of this profile's jobs: none is sent before then.
        let lane = Lane::Interactive(provider.kind());
        if let Some(wait) = self.cooldowns.remaining(lane).filter(|_| !demo) {
            return Ok(Step::Wait(job, ctx.cool_down(wait)));
        }
        // Links and bytes first: one that cannot be made fails the job before anything is paid.
        let inputs = self
            .provider_inputs(provider.kind(), request_of(&job)?)
            .await?;
        // A conversation's turn too: its chain and size are checked before anything is paid.
        let mut turn = if !demo && provider.kind().info().conversations {
            Some(self.prepare_turn(&job, &inputs.inline).await?)
        } else {
            None
        };
        let contents = turn.as_mut().map(|t| std::mem::take(&mut t.contents));
        if !demo && provider.kind().info().balance {
            // Read again when the job is done: the difference is what it cost in credits.
            let at = now_ms();
            ctx.balance_before = match provider.credits().await {
                Ok(Some(balance)) => Some((balance, at)),
                _ => None,
            };
        }
        // Again after preparing, which can take a while (links, the balance): closed meanwhile.
        if let Some(wait) = self.cooldowns.remaining(lane).filter(|_| !demo) {
            return Ok(Step::Wait(job, ctx.cool_down(wait)));
        }
        crash_point(CrashPoint::BeforeAttempt);
        // From the attempt's commit until the outcome is recorded, a quitting process waits.
        let paid = (!demo).then(|| ctx.paid.in_flight(&self.paid_done));
        let now = now_ms();
        let attempt = JobUpdate {
            increment_attempts: true,
            may_be_charged: Some(!demo),
            submitted_at: Some(now),
            queue_ms: Some(u64::try_from(now - job.created_at as i64).unwrap_or(0)),
            ..JobUpdate::default()
        };
        let Some(job) = self.commit_durably(&job.id, attempt).await? else {
            return Ok(Step::Lost);
        };
        // A synchronous call is the paid generation itself: cutting it at the job's own deadline
        // would drop an answer that is paid for, so it runs to the paid-call limit.
        let left = if provider.kind().info().remote_tasks {
            ctx.deadline
                .saturating_duration_since(tokio::time::Instant::now())
        } else {
            self.config.paid_call_timeout
        };
        if !demo && !provider.kind().info().remote_tasks {
            // The call is the generation (a minute or more): say so, not "queued".
            let stage = JobStage::Generating {
                elapsed_ms: (now_ms() - job.created_at as i64) as f64,
                polls: 0,
            };
            self.events.emit(&job.id, stage);
        }
        let submitted = provider
            .submit_with(&inputs.request, &inputs.inline, contents, left)
            .await;
        let outcome = match submitted {
            Ok(outcome) => {
                self.cooldowns.accepted(lane);
                outcome
            }
            Err(e) if submit_refused(&e) => return self.refused(job, lane, e, ctx).await,
            Err(e) => return Err(e.into()),
        };
        match outcome {
            SubmitOutcome::Remote { task_id } => {
                crash_point(CrashPoint::AfterSubmit);
                let submitted = JobUpdate {
                    status: Some(JobStatus::Submitted),
                    remote_task_id: Some(task_id.clone()),
                    ..JobUpdate::default()
                };
                match self.commit_durably(&job.id, submitted).await? {
                    Some(job) => {
                        let stage = JobStage::Submitted {
                            task_id: Some(task_id),
                        };
                        self.events.emit(&job.id, stage);
                        Ok(Step::Next(job))
                    }
                    None => {
                        // Cancelled or taken over during the submit: keep the task id anyway, so
                        // History shows what the service may charge for and Recover can fetch it.
                        let keep = JobUpdate {
                            remote_task_id: Some(task_id),
                            ..JobUpdate::default()
                        };
                        self.library.update_job(&job.id, &keep).await?;
                        Ok(Step::Lost)
                    }
                }
            }
            SubmitOutcome::Immediate { images, cost, .. } if demo => {
                let submitted = JobUpdate {
                    status: Some(JobStatus::Submitted),
                    cost,
                    ..JobUpdate::default()
                };
                let Some(job) = self.commit_durably(&job.id, submitted).await? else {
                    return Ok(Step::Lost);
                };
                self.events
                    .emit(&job.id, JobStage::Submitted { task_id: None });
                self.store_inline(job, images).await
            }
            SubmitOutcome::Immediate {
                images,
                cost,
                answer,
            } => {
                self.events
                    .emit(&job.id, JobStage::Submitted { task_id: None });
                let answer = super::answer::Answer {
                    images,
                    cost,
                    parts: answer,
                    turn: turn.map(|t| t.turn),
                };
                let step = self.stage_answer(job, answer).await;
                // Staged: quitting still waits while the next step stores it in the library.
                if matches!(step, Ok(Step::Next(_))) {
                    ctx.paid_answer = paid;
                }
                step
            }
        }
    }

    /// The service refused the submit (nothing was created): the attempt is taken back. A rate
    /// limit closes the provider's lane for every job (see `cooldown`) and this one tries again
    /// once it opens; a busy server waits and tries again within the job's budget; anything else
    /// ends the job.
    async fn refused(
        &self,
        job: JobRecord,
        lane: Lane,
        error: ProviderError,
        ctx: &mut RunCtx,
    ) -> Result<Step> {
        let undo = JobUpdate {
            undo_attempt: true,
            may_be_charged: Some(false),
            ..JobUpdate::default()
        };
        let Some(job) = self.commit(&job.id, undo).await? else {
            return Ok(Step::Lost);
        };
        if matches!(error, ProviderError::RateLimited { .. }) {
            ctx.rate_limited += 1;
            if ctx.rate_limited > MAX_RATE_LIMITED {
                return Err(error.into());
            }
            let policy = &self.config.retry;
            let wait = self
                .cooldowns
                .rate_limited(lane, error.retry_after(), policy);
            tracing::info!(job = %job.id, ?wait, error = %error, "rate limited; every submit to this service waits");
            return Ok(Step::Wait(job, ctx.cool_down(wait)));
        }
        // Overloaded, and nothing generated: sent again after a back-off while the budget lasts.
        let busy = matches!(
            error,
            ProviderError::Server {
                retryable: true,
                ..
            }
        );
        if busy && tokio::time::Instant::now() < ctx.deadline {
            let delay = ctx.backoff(self.config.poll_interval, error.retry_after());
            tracing::info!(job = %job.id, ?delay, error = %error, "the service is busy; sending later");
            return Ok(Step::Wait(job, delay));
        }
        Err(error.into())
    }

    /// One status check. Still generating → PROCESSING and wait; done → DOWNLOADING with the result
    /// URLs and the confirmed cost; successFlag 2/3 → the service's error, with no further request.
    /// Any other answer (not JSON, 404 just after the submit, 401, 5xx, 429) is waited out within
    /// the job's budget; past it the job is recoverable, never failed.
    pub(super) async fn poll(
        &self,
        job: JobRecord,
        provider: &Provider,
        ctx: &mut RunCtx,
        cancel: &CancellationToken,
    ) -> Result<Step> {
        let Some(task_id) = job.remote_task_id.clone() else {
            return Err(CoreError::Interrupted(format!(
                "job {} was submitted but its task id was not recorded",
                job.id
            )));
        };
        ctx.polls += 1;
        crash_point(CrashPoint::WhilePolling);
        let answer = tokio::select! {
            answer = tokio::time::timeout_at(ctx.deadline, provider.poll_once(&task_id)) => answer,
            () = cancel.cancelled() => return Ok(Step::Lost),
        };
        let interval = self.config.poll_interval;
        let outcome = match answer {
            Err(_) => return Err(ctx.timeout_error()),
            Ok(Ok(outcome)) => outcome,
            Ok(Err(e @ ProviderError::InvalidInput(_))) => return Err(e.into()),
            // The same failure for too long: stop waiting and say why (the job stays recoverable).
            Ok(Err(e)) if ctx.failing_for(self.config.failure_streak_limit) => {
                return Err(e.into());
            }
            Ok(Err(e)) => {
                let delay = ctx.backoff(interval, e.retry_after());
                tracing::warn!(job = %job.id, error = %e, ?delay, "status check failed; asking again");
                self.emit_generating(&job, ctx);
                return Ok(Step::Wait(job, delay));
            }
        };
        ctx.succeeded();
        self.emit_generating(&job, ctx);
        match outcome {
            PollOutcome::Pending { raw } => {
                if job.status == JobStatus::Processing {
                    return Ok(Step::Wait(job, interval));
                }
                let update = JobUpdate {
                    status: Some(JobStatus::Processing),
                    response_data: Some(raw.to_string()),
                    ..JobUpdate::default()
                };
                Ok(match self.commit(&job.id, update).await? {
                    Some(job) => Step::Wait(job, interval),
                    None => Step::Lost,
                })
            }
            PollOutcome::Done {
                urls,
                fallback_urls,
                raw,
            } => {
                let results = ResultUrls {
                    urls,
                    fallback_urls,
                    raw: Some(raw),
                    staged: Vec::new(),
                };
                let now = now_ms();
                let update = JobUpdate {
                    status: Some(JobStatus::Downloading),
                    response_data: Some(results.to_response_data()?),
                    // The service reports no cost: a result means the catalog's price was charged.
                    cost: Some(job.estimated_cost),
                    duration_ms: job
                        .submitted_at
                        .map(|at| u64::try_from(now - at as i64).unwrap_or(0)),
                    ..JobUpdate::default()
                };
                Ok(match self.commit(&job.id, update).await? {
                    Some(job) => Step::Next(job),
                    None => Step::Lost,
                })
            }
            PollOutcome::Failed { error, raw } => {
                let update = JobUpdate {
                    response_data: Some(raw.to_string()),
                    ..JobUpdate::default()
                };
                self.commit(&job.id, update).await?;
                Err(error.into())
            }
        }
    }

    pub(super) fn emit_generating(&self, job: &JobRecord, ctx: &RunCtx) {
        let elapsed = (now_ms() as f64 - job.created_at).max(0.0);
        let stage = JobStage::Generating {
            elapsed_ms: elapsed,
            polls: ctx.polls,
        };
        self.events.emit(&job.id, stage);
    }
}
