//! Driving one job: a loop around [`Shared::step`], which does exactly one thing (submit, one
//! status check, or fetch and store the results) and commits what it learned before returning;
//! then the end of the run, recorded by the outcome model ([`super::outcome`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::JobStage;
use super::job_data::ResultUrls;
use super::outcome::{Stage, end_state};
use super::paid::{PaidFlag, PaidGuard};
use super::shared::{Running, Shared};
use crate::library::{JobRecord, JobStatus, JobUpdate};
use crate::providers::{Provider, ProviderError};
use crate::{AppError, CoreError, Result};

/// What one step left the job in.
#[derive(Debug)]
pub(crate) enum Step {
    /// Go on at once with the job as now stored.
    Next(JobRecord),
    /// Look again after the delay.
    Wait(JobRecord, Duration),
    /// The stored job has finished.
    Finished(JobRecord),
    /// This queue no longer drives the job: cancelled, taken over elsewhere, or shutting down.
    Lost,
}

/// One run of one job (a resumed or recovered job gets a fresh run, and a fresh time budget).
#[derive(Debug)]
pub(crate) struct RunCtx {
    pub started: Instant,
    pub deadline: Instant,
    pub polls: u32,
    /// Failed tries in a row (answers we could not use); they back off.
    pub setbacks: u32,
    /// Submits of this run refused as rate limited (429); past a limit the job stops.
    pub rate_limited: u32,
    /// Since when the same step keeps failing (a status that is not JSON, a result URL that
    /// answers 404): past `CoreConfig::failure_streak_limit` the job stops, naming the cause.
    pub failing_since: Option<Instant>,
    /// Set while a paid request of this job is in flight (see `Queue::paid_in_flight`).
    pub paid: PaidFlag,
    /// The credit balance just before this run's submit, and when it was read (Unix ms).
    pub balance_before: Option<(f64, i64)>,
    /// Held from a paid answer's arrival until it is stored in the library, so a quitting process
    /// waits for the whole answer to be kept, not only staged.
    pub paid_answer: Option<PaidGuard>,
}

impl RunCtx {
    pub(crate) fn new(budget: Duration, paid: PaidFlag) -> Self {
        let started = Instant::now();
        Self {
            started,
            deadline: started + budget,
            polls: 0,
            setbacks: 0,
            rate_limited: 0,
            failing_since: None,
            paid,
            balance_before: None,
            paid_answer: None,
        }
    }

    /// Another failure of the same step: `true` once failures have gone on for `limit`.
    pub(crate) fn failing_for(&mut self, limit: Duration) -> bool {
        let since = *self.failing_since.get_or_insert_with(Instant::now);
        since.elapsed() >= limit
    }

    /// The step worked: a later failure starts a new streak.
    pub(crate) fn succeeded(&mut self) {
        self.failing_since = None;
        self.setbacks = 0;
    }

    /// Waits for a provider's cooldown (nothing runs at the service meanwhile), so the wait is
    /// added to the job's time budget instead of using it up.
    pub(crate) fn cool_down(&mut self, wait: Duration) -> Duration {
        self.deadline += wait;
        wait
    }

    pub(crate) fn timeout_error(&self) -> CoreError {
        CoreError::Provider(ProviderError::Timeout {
            what: "the generation".into(),
            after: self.started.elapsed(),
        })
    }

    /// The wait after another setback: the interval doubled per setback, at most 30 s, at least
    /// what the service asked for.
    pub(crate) fn backoff(&mut self, interval: Duration, asked: Option<Duration>) -> Duration {
        self.setbacks += 1;
        let factor = 1u32 << self.setbacks.min(5);
        let delay = interval.saturating_mul(factor).min(Duration::from_secs(30));
        asked.map_or(delay, |a| a.max(delay))
    }
}

impl Shared {
    /// Starts driving `job` (already claimed) unless this queue already does; `budget` overrides
    /// the model's time limit (a recovery has its own).
    pub(super) fn spawn(self: &Arc<Self>, job: JobRecord, budget: Option<Duration>) {
        let (done_tx, done_rx) = watch::channel(false);
        let cancel = CancellationToken::new();
        let cancelled_here = Arc::new(AtomicBool::new(false));
        let paid = PaidFlag::default();
        {
            let mut running = self.lock_running();
            if running.contains_key(&job.id) {
                return;
            }
            running.insert(
                job.id.clone(),
                Running {
                    cancel: cancel.clone(),
                    cancelled_here: cancelled_here.clone(),
                    done: done_rx,
                    paid: paid.clone(),
                },
            );
        }
        self.events.emit(&job.id, JobStage::Queued);
        let shared = Arc::clone(self);
        tokio::spawn(async move {
            let id = job.id.clone();
            let budget = budget.unwrap_or_else(|| shared.timeout_for(&job));
            // The run in a task of its own: a bug that panics in it ends this job (recorded, its
            // waiters woken) instead of leaving it "running" until the process exits.
            let run = {
                let (shared, cancelled_here) = (Arc::clone(&shared), Arc::clone(&cancelled_here));
                tokio::spawn(async move {
                    shared
                        .run(job, budget, &cancel, &cancelled_here, paid)
                        .await;
                })
            };
            if let Err(e) = run.await
                && e.is_panic()
            {
                let bug = CoreError::Internal(
                    "a bug in Nanoforge stopped this job; the crash file in the logs folder says \
                     where (nothing is sent again on its own)"
                        .into(),
                );
                if let Err(e) = shared.record_end(&id, bug, &cancelled_here).await {
                    tracing::error!(job = %id, error = %e, "could not record the end of a job");
                }
            }
            shared.lock_running().remove(&id);
            let _ = done_tx.send(true);
        });
    }

    async fn run(
        &self,
        job: JobRecord,
        budget: Duration,
        cancel: &CancellationToken,
        cancelled_here: &AtomicBool,
        paid: PaidFlag,
    ) {
        let id = job.id.clone();
        let slot = tokio::select! {
            permit = Arc::clone(&self.slots).acquire_owned() => permit.ok(),
            () = cancel.cancelled() => None,
        };
        let outcome = match slot {
            Some(_) => self.drive(job, budget, cancel, paid).await,
            None => Ok(Step::Lost),
        };
        let settled = match outcome {
            // Cancelled in another process between a commit here and the read that followed it:
            // the run sees the job finished, and its listeners still hear why.
            Ok(Step::Finished(job)) if job.status == JobStatus::Cancelled => {
                self.after_stop(&id, cancelled_here).await
            }
            Ok(Step::Finished(job)) => self.announce_finished(&job).await,
            Ok(_) => self.after_stop(&id, cancelled_here).await,
            Err(error) => self.record_end(&id, error, cancelled_here).await,
        };
        if let Err(e) = settled {
            tracing::error!(job = %id, error = %e, "could not record the end of a job");
        }
        // The slot is held until the job's end is recorded and announced, so with a limit of N at
        // most N jobs are between their start and their final event.
        drop(slot);
    }

    async fn drive(
        &self,
        mut job: JobRecord,
        budget: Duration,
        cancel: &CancellationToken,
        paid: PaidFlag,
    ) -> Result<Step> {
        let mut ctx = RunCtx::new(budget, paid);
        loop {
            if cancel.is_cancelled() {
                return Ok(Step::Lost);
            }
            match self.step(job, &mut ctx, cancel).await? {
                Step::Next(next) => job = next,
                Step::Wait(next, delay) => {
                    job = next;
                    let wake = (Instant::now() + delay).min(ctx.deadline);
                    tokio::select! {
                        () = tokio::time::sleep_until(wake) => {}
                        () = cancel.cancelled() => return Ok(Step::Lost),
                    }
                    if Instant::now() >= ctx.deadline {
                        return Err(ctx.timeout_error());
                    }
                }
                other => return Ok(other),
            }
        }
    }

    /// Does the one thing the job's stored state calls for, and commits the result.
    pub(crate) async fn step(
        &self,
        job: JobRecord,
        ctx: &mut RunCtx,
        cancel: &CancellationToken,
    ) -> Result<Step> {
        let providers = self.providers().await?;
        let provider = providers.get(job.provider)?;
        // The demo provider charges nothing, so an interrupted demo job is simply drawn again.
        let demo = matches!(provider, Provider::Demo(_));
        // A Batch API job is the remote batch's until its answer is staged: never sent alone.
        if super::remote_batch::waiting::waits_on_remote(&job)
            && self.library.in_remote_batch(&job.id).await?
        {
            return Ok(Step::Lost);
        }
        match job.status {
            JobStatus::Completed
            | JobStatus::Failed
            | JobStatus::Cancelled
            | JobStatus::Recoverable => Ok(Step::Finished(job)),
            // A quitting process starts no paid request; the job stays queued for the next one.
            JobStatus::Pending if self.closing.load(Ordering::SeqCst) => Ok(Step::Lost),
            JobStatus::Pending => self.submit(job, provider, demo, ctx).await,
            _ if demo => self.submit(job, provider, demo, ctx).await,
            JobStatus::Submitted | JobStatus::Processing => {
                self.poll(job, provider, ctx, cancel).await
            }
            JobStatus::Downloading => self.fetch_results(job, provider, ctx, cancel).await,
        }
    }

    /// A write that only lands while this queue holds the job.
    pub(crate) async fn commit(&self, id: &str, update: JobUpdate) -> Result<Option<JobRecord>> {
        self.ledger
            .update_leased_job(id, &self.owner, &update)
            .await
    }

    /// [`Shared::commit`] that survives a power cut: for the commits that guard money.
    pub(crate) async fn commit_durably(
        &self,
        id: &str,
        update: JobUpdate,
    ) -> Result<Option<JobRecord>> {
        self.ledger
            .update_leased_job_durably(id, &self.owner, &update)
            .await
    }

    /// The model's time limit for the job's size; a job's own `timeout_secs` wins.
    fn timeout_for(&self, job: &JobRecord) -> Duration {
        if let Some(secs) = job.timeout_secs.filter(|s| *s > 0) {
            return Duration::from_secs(u64::from(secs));
        }
        let info = job.model.info();
        let secs = info
            .size(job.image_size)
            .or_else(|| info.sizes.last())
            .map_or(300, |s| s.timeout_secs);
        Duration::from_secs(u64::from(secs))
    }

    async fn announce_finished(&self, job: &JobRecord) -> Result<()> {
        if job.status == JobStatus::Completed {
            let image_ids = self
                .library
                .job_images(&job.id)
                .await?
                .into_iter()
                .map(|i| i.id)
                .collect();
            let stage = JobStage::Done {
                image_ids,
                cost: job.cost,
                duration_ms: job.duration_ms.unwrap_or(0.0),
            };
            self.events.emit(&job.id, stage);
        }
        Ok(())
    }

    /// The run stopped without finishing the job here. If it was cancelled in another process,
    /// this process's listeners still hear about it.
    async fn after_stop(&self, id: &str, cancelled_here: &AtomicBool) -> Result<()> {
        if cancelled_here.load(Ordering::SeqCst) {
            return Ok(());
        }
        let job = self.library.get_job(id).await?;
        if job.status == JobStatus::Cancelled {
            let message = job.error_message.unwrap_or_else(|| "Cancelled.".into());
            self.events.emit(id, JobStage::Cancelled { message });
        }
        Ok(())
    }

    /// Ends a run that failed with `error`: recoverable when the service has the task (or the
    /// results are known), failed otherwise, with what it may have cost (see `outcome`).
    pub(super) async fn record_end(
        &self,
        id: &str,
        error: CoreError,
        cancelled_here: &AtomicBool,
    ) -> Result<()> {
        let job = self.library.get_job(id).await?;
        let has_task = job.remote_task_id.is_some();
        let has_results = ResultUrls::of_job(&job).is_ok();
        let stage = if has_task || has_results {
            Stage::AfterSubmit {
                has_task,
                has_results,
            }
        } else {
            Stage::BeforeSubmit
        };
        let update = end_state(&error, stage);
        let status = update.status;
        tracing::info!(job = id, error = %error, ?status, "job ended without its images");
        match self.commit(id, update).await? {
            Some(_) => {
                let error = AppError {
                    kind: error.kind(),
                    message: error.to_string(),
                };
                let stage = if status == Some(JobStatus::Recoverable) {
                    JobStage::Recoverable { error }
                } else {
                    JobStage::Failed { error }
                };
                self.events.emit(id, stage);
                Ok(())
            }
            None => self.after_stop(id, cancelled_here).await,
        }
    }
}
