//! Driving one job: a loop around [`Shared::step`], which does exactly one thing (submit, one
//! status check, or fetch and store the results) and commits what it learned before returning.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::job_data::{ResultUrls, kind_name, request_of};
use super::{JobStage, Running, Shared, now_ms};
use crate::library::{JobRecord, JobStatus, JobUpdate};
use crate::providers::{PollOutcome, Provider, ProviderError, SizePreset, SubmitOutcome};
use crate::{AppError, CoreError, Result};

const INTERRUPTED: &str = "Nanoforge stopped while sending this job, so it cannot tell whether \
Nano Banana received (and charged for) it. It was not sent again: check your Nano Banana task \
history, then retry it if you need to.";

/// What one step left the job in.
#[derive(Debug)]
pub(super) enum Step {
    /// Go on at once with the job as now stored.
    Next(JobRecord),
    /// Look again after the delay.
    Wait(JobRecord, Duration),
    /// The stored job has finished.
    Finished(JobRecord),
    /// This queue no longer drives the job: cancelled, taken over elsewhere, or shutting down.
    Lost,
}

/// One run of one job (a resumed job gets a fresh run, and a fresh time budget).
#[derive(Debug)]
pub(super) struct RunCtx {
    pub started: Instant,
    pub deadline: Instant,
    pub polls: u32,
}

impl RunCtx {
    fn timeout_error(&self) -> CoreError {
        CoreError::Provider(ProviderError::Timeout {
            what: "the generation".into(),
            after: self.started.elapsed(),
        })
    }
}

impl Shared {
    /// Starts driving `job` (already claimed) unless this queue already does.
    pub(super) fn spawn(self: &Arc<Self>, job: JobRecord) {
        let (done_tx, done_rx) = watch::channel(false);
        let cancel = CancellationToken::new();
        let cancelled_here = Arc::new(AtomicBool::new(false));
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
                },
            );
        }
        self.events.emit(&job.id, JobStage::Queued);
        let shared = Arc::clone(self);
        tokio::spawn(async move {
            let id = job.id.clone();
            shared.run(job, &cancel, &cancelled_here).await;
            shared.lock_running().remove(&id);
            let _ = done_tx.send(true);
        });
    }

    async fn run(&self, job: JobRecord, cancel: &CancellationToken, cancelled_here: &AtomicBool) {
        let id = job.id.clone();
        let slot = tokio::select! {
            permit = Arc::clone(&self.slots).acquire_owned() => permit.ok(),
            () = cancel.cancelled() => None,
        };
        let outcome = match slot {
            Some(_) => self.drive(job, cancel).await,
            None => Ok(Step::Lost),
        };
        let settled = match outcome {
            Ok(Step::Finished(job)) => self.announce_finished(&job).await,
            Ok(_) => self.after_stop(&id, cancelled_here).await,
            Err(error) => self.record_failure(&id, error, cancelled_here).await,
        };
        if let Err(e) = settled {
            tracing::error!(job = %id, error = %e, "could not record the end of a job");
        }
        // The slot is held until the job's end is recorded and announced, so with a limit of N at
        // most N jobs are between their start and their final event.
        drop(slot);
    }

    async fn drive(&self, mut job: JobRecord, cancel: &CancellationToken) -> Result<Step> {
        let started = Instant::now();
        let mut ctx = RunCtx {
            started,
            deadline: started + self.timeout_for(&job),
            polls: 0,
        };
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
    pub(super) async fn step(
        &self,
        job: JobRecord,
        ctx: &mut RunCtx,
        cancel: &CancellationToken,
    ) -> Result<Step> {
        let providers = self.providers().await?;
        let provider = providers.for_job(&job)?;
        // The demo provider charges nothing, so an interrupted demo job is simply drawn again.
        let demo = matches!(provider, Provider::Demo(_));
        match job.status {
            JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled => {
                Ok(Step::Finished(job))
            }
            JobStatus::Pending => self.submit(job, provider, demo).await,
            _ if demo => self.submit(job, provider, demo).await,
            JobStatus::Submitted | JobStatus::Processing => {
                self.poll(job, provider, ctx, cancel).await
            }
            JobStatus::Downloading => self.fetch_results(job, provider, ctx, cancel).await,
        }
    }

    /// PENDING → SUBMITTED. The attempt is committed before the request, so a crash during the
    /// submit is recognisable afterwards and never leads to a second, silent submit. Not
    /// cancellable while the request is in flight: the task id must be recorded.
    async fn submit(&self, job: JobRecord, provider: &Provider, demo: bool) -> Result<Step> {
        if job.attempts > 0 && !demo {
            return Err(CoreError::Interrupted(INTERRUPTED.into()));
        }
        let request = request_of(&job)?;
        let attempt = JobUpdate {
            increment_attempts: true,
            ..JobUpdate::default()
        };
        let Some(job) = self.commit(&job.id, attempt).await? else {
            return Ok(Step::Lost);
        };
        let submitted = |task: Option<String>| JobUpdate {
            status: Some(JobStatus::Submitted),
            remote_task_id: task,
            ..JobUpdate::default()
        };
        match provider.submit(&request).await? {
            SubmitOutcome::Remote { task_id } => {
                match self
                    .commit(&job.id, submitted(Some(task_id.clone())))
                    .await?
                {
                    Some(job) => {
                        let stage = JobStage::Submitted {
                            task_id: Some(task_id),
                        };
                        self.events.emit(&job.id, stage);
                        Ok(Step::Next(job))
                    }
                    None => {
                        // Cancelled or taken over during the submit: keep the task id anyway, so
                        // History shows what the service may charge for.
                        let keep = JobUpdate {
                            remote_task_id: Some(task_id),
                            ..JobUpdate::default()
                        };
                        self.library.update_job(&job.id, &keep).await?;
                        Ok(Step::Lost)
                    }
                }
            }
            SubmitOutcome::Immediate { images } => {
                let Some(job) = self.commit(&job.id, submitted(None)).await? else {
                    return Ok(Step::Lost);
                };
                self.events
                    .emit(&job.id, JobStage::Submitted { task_id: None });
                self.store_inline(job, images).await
            }
        }
    }

    /// One status check. Still generating → PROCESSING and wait; done → DOWNLOADING with the
    /// result URLs and the cost; successFlag 2/3 → the service's error, with no further request.
    async fn poll(
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
        let answer = tokio::select! {
            answer = tokio::time::timeout_at(ctx.deadline, provider.poll_once(&task_id)) => answer,
            () = cancel.cancelled() => return Ok(Step::Lost),
        };
        let interval = self.config.poll_interval;
        let outcome = match answer {
            Err(_) => return Err(ctx.timeout_error()),
            Ok(Ok(outcome)) => outcome,
            Ok(Err(e)) if e.is_retryable() => {
                tracing::warn!(job = %job.id, error = %e, "status check failed; trying again");
                self.emit_generating(&job, ctx);
                let delay = e.retry_after().map_or(interval, |d| d.max(interval));
                return Ok(Step::Wait(job, delay));
            }
            Ok(Err(e)) => return Err(e.into()),
        };
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
                };
                let size = request_of(&job)?.size;
                let count = u8::try_from(job.num_images).unwrap_or(1);
                let update = JobUpdate {
                    status: Some(JobStatus::Downloading),
                    response_data: Some(results.to_response_data()?),
                    cost: Some(provider.prices().cost(size, count)),
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

    /// A write that only lands while this queue holds the job.
    pub(super) async fn commit(&self, id: &str, update: JobUpdate) -> Result<Option<JobRecord>> {
        self.library
            .update_leased_job(id, &self.owner, &update)
            .await
    }

    fn emit_generating(&self, job: &JobRecord, ctx: &RunCtx) {
        let elapsed = (now_ms() as f64 - job.created_at).max(0.0);
        let stage = JobStage::Generating {
            elapsed_ms: elapsed,
            polls: ctx.polls,
        };
        self.events.emit(&job.id, stage);
    }

    fn timeout_for(&self, job: &JobRecord) -> Duration {
        if let Some(secs) = job.timeout_secs.filter(|s| *s > 0) {
            return Duration::from_secs(u64::from(secs));
        }
        let size = SizePreset::ALL
            .into_iter()
            .find(|s| s.target_long_side() == job.image_size)
            .unwrap_or_default();
        self.config.timeouts.for_size(size)
    }

    async fn announce_finished(&self, job: &JobRecord) -> Result<()> {
        let stage = match job.status {
            JobStatus::Completed => JobStage::Done {
                image_ids: self
                    .library
                    .job_images(&job.id)
                    .await?
                    .into_iter()
                    .map(|i| i.id)
                    .collect(),
                cost: job.cost,
                duration_ms: job.duration_ms.unwrap_or(0.0),
            },
            _ => return Ok(()),
        };
        self.events.emit(&job.id, stage);
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

    async fn record_failure(
        &self,
        id: &str,
        error: CoreError,
        cancelled_here: &AtomicBool,
    ) -> Result<()> {
        let kind = error.kind();
        let message = error.to_string();
        tracing::info!(job = id, error = %message, "job failed");
        let duration = self
            .library
            .get_job(id)
            .await
            .ok()
            .map(|j| u64::try_from(now_ms() - j.created_at as i64).unwrap_or(0));
        let update = JobUpdate {
            status: Some(JobStatus::Failed),
            error_kind: Some(kind_name(kind)),
            error_message: Some(message.clone()),
            duration_ms: duration,
            ..JobUpdate::default()
        };
        match self.commit(id, update).await? {
            Some(_) => {
                let error = AppError { kind, message };
                self.events.emit(id, JobStage::Failed { error });
                Ok(())
            }
            None => self.after_stop(id, cancelled_here).await,
        }
    }
}
