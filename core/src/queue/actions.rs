//! What a person does with jobs: generate, run again (a new paid job linked to the old one), recover
//! (finish a paid job whose result may exist: re-poll and re-download, never resubmit), cancel, and
//! resume everything unfinished after a restart.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::job_data::{ResultUrls, new_job, request_of};
use super::outcome::RECOVERY_BUDGET;
use super::{JobStage, Queue, ResumeReport, SkippedJob, lock};
use crate::catalog::{ImageSize, Model, ProviderKind};
use crate::library::{JobRecord, JobStatus, NewJob};
use crate::providers::GenerationRequest;
use crate::{CoreError, Result};

/// Per-call choices besides the request itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct GenerateOptions {
    /// `None`: the model's provider when its key is known, else the demo provider.
    pub provider: Option<ProviderKind>,
    /// Overrides the model's time limit for each job of this request.
    pub timeout_secs: Option<u32>,
    /// Go over the monthly budget for this submission (the user confirmed).
    pub over_budget: bool,
    /// The job this one runs again, or that it was remixed from.
    pub parent_job_id: Option<String>,
    /// The library image this one started from (remix, image-to-image, an edit).
    pub parent_image_id: Option<String>,
    /// The conversation turn the jobs start with (an edit: what it continues, its inputs' names);
    /// set by the core's edit, never by the page.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub conversation: Option<crate::conversation::Turn>,
    /// A masked edit's composite record (JSON); set by the core's masked edit, never by the page.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub mask_edit: Option<String>,
    /// What the jobs are for (an edit, an upscale…); set by the core, never by the page.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub purpose: Option<crate::library::JobPurpose>,
    /// USD each job is expected to cost beyond its images (a conversation's replayed inputs).
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub extra_estimate_usd: f64,
}

impl GenerateOptions {
    /// These options for running `old` again: its provider and time limit unless chosen here, and
    /// linked to it.
    pub fn rerun_of(self, old: &JobRecord) -> GenerateOptions {
        GenerateOptions {
            provider: self.provider.or(Some(old.provider)),
            timeout_secs: self.timeout_secs.or(old.timeout_secs),
            parent_job_id: Some(old.id.clone()),
            parent_image_id: old.parent_image_id.clone(),
            // An edit run again continues the same conversation, from the same turn.
            conversation: self.conversation.or_else(|| {
                crate::conversation::Turn::parse(old.conversation.as_deref())
                    .map(|t| crate::conversation::Turn::new(t.model, t.continues, t.labels))
            }),
            mask_edit: self.mask_edit.or_else(|| old.mask_edit.clone()),
            purpose: self.purpose.or(old.purpose),
            ..self
        }
    }
}

impl Queue {
    /// The provider that would run `request`: the chosen one, else the model's own when its key
    /// is known, else the default (the demo without any key).
    pub async fn provider_for(
        &self,
        request: &GenerationRequest,
        options: &GenerateOptions,
    ) -> Result<ProviderKind> {
        let providers = self.shared.providers().await?;
        Ok(providers.choose(request.model, options.provider))
    }

    /// Validates `request`, checks the budget and the balance, records one PENDING job per task and
    /// starts them. Returns once the jobs are recorded; follow them with [`Queue::subscribe`] or
    /// [`Queue::wait`]. Nothing is recorded or sent when anything is refused.
    pub async fn generate(
        &self,
        request: GenerationRequest,
        options: GenerateOptions,
    ) -> Result<Vec<JobRecord>> {
        let (kind, request, rows) = self.job_rows(request, &options).await?;
        self.shared.check_balance(kind, &request).await?;
        let budget = lock(&self.shared.money).monthly_budget_usd;
        // The budget is checked in the transaction that records the jobs.
        let limit = budget.filter(|_| !options.over_budget);
        let recorded = self
            .shared
            .library
            .insert_jobs_within_budget(&rows, limit)
            .await?;
        self.start_all(recorded).await
    }

    /// Starts jobs just recorded, in order.
    pub(super) async fn start_all(&self, recorded: Vec<JobRecord>) -> Result<Vec<JobRecord>> {
        let mut jobs = Vec::with_capacity(recorded.len());
        for job in recorded {
            jobs.push(self.shared.start_recorded(job).await?);
        }
        Ok(jobs)
    }

    /// Validates `request` and makes the rows it would record (one per task), at the prices in
    /// effect, with the provider that would run them; nothing is recorded, nothing is sent and
    /// the balance is not asked (a batch asks once for all its jobs). Generate and batches share
    /// it, so a batch's job is exactly the job a generation of its prompt would record.
    pub(super) async fn job_rows(
        &self,
        request: GenerationRequest,
        options: &GenerateOptions,
    ) -> Result<(ProviderKind, GenerationRequest, Vec<NewJob>)> {
        if options.timeout_secs == Some(0) {
            return Err(CoreError::InvalidInput(
                "the timeout must be at least one second".into(),
            ));
        }
        let providers = self.shared.providers().await?;
        let kind = self.provider_for(&request, options).await?;
        let mut request = request;
        if kind == ProviderKind::Demo {
            // The demo draws any model's request offline, at the nearest size it offers.
            request.model = Model::Demo;
            request.size = request.size.min(ImageSize::S2K);
            request.image_urls.clear();
        } else if request.model.provider() != kind {
            return Err(CoreError::InvalidInput(format!(
                "{} is not served by {}",
                request.model.info().label,
                kind.label()
            )));
        }
        request.validate()?;
        providers.get(kind)?;
        self.shared.check_inputs(kind, &request).await?;
        let prices = lock(&self.shared.money).prices.clone();
        let install = &self.shared.config.install_id;
        let rows: Vec<_> = request
            .split_into_tasks()
            .iter()
            .map(|task| {
                let mut row = new_job(task, kind, options.timeout_secs, &prices, install);
                row.parent_job_id = options.parent_job_id.clone();
                row.parent_image_id = options.parent_image_id.clone();
                row
            })
            .collect();
        let mut rows = rows;
        for row in &mut rows {
            row.mask_edit = options.mask_edit.clone();
            row.purpose = options.purpose;
            if kind != ProviderKind::Demo && options.extra_estimate_usd.is_finite() {
                row.estimated_cost = crate::catalog::round_micro_usd(
                    row.estimated_cost + options.extra_estimate_usd.max(0.0),
                );
            }
        }
        if kind.info().conversations
            && let Some(turn) = &options.conversation
        {
            let json = turn.to_json()?;
            for row in &mut rows {
                row.conversation = Some(json.clone());
            }
        }
        Ok((kind, request, rows))
    }

    /// Runs a job's request again as a new job linked to it (`parent_job_id`). It is paid again:
    /// the UI states the price and asks first, the CLI wants `--yes`.
    pub async fn rerun(&self, job_id: &str, options: GenerateOptions) -> Result<Vec<JobRecord>> {
        let old = self.shared.library.get_job(job_id).await?;
        let mut request = request_of(&old)?;
        // The person's words, not what was sent around them (a masked edit's region note).
        request.prompt = old.prompt.clone();
        self.generate(request, options.rerun_of(&old)).await
    }

    /// Recovers a job the service accepted: polls its task again and downloads its result, with a
    /// fresh time budget, in place. Never submits anything: a job without a task id or result URLs
    /// has nothing to recover (run it again instead).
    pub async fn retry(&self, job_id: &str) -> Result<JobRecord> {
        let job = self.shared.library.get_job(job_id).await?;
        refuse_other_devices(&job, &self.shared.config.install_id)?;
        match job.status {
            JobStatus::Completed => {
                return Err(CoreError::InvalidInput(format!(
                    "job {job_id} has already completed; run it again to make a new image"
                )));
            }
            status if status.is_unfinished() => {
                return Err(CoreError::InvalidInput(format!(
                    "job {job_id} is still {}: wait for it or cancel it first",
                    status.as_str()
                )));
            }
            _ => {}
        }
        let has_results = ResultUrls::of_job(&job).is_ok();
        if job.remote_task_id.is_none() && !has_results {
            return Err(CoreError::InvalidInput(format!(
                "job {job_id} has no task at the service, so there is nothing to recover; run it \
                 again instead (`nanoforge rerun {job_id}`), which is paid again"
            )));
        }
        self.shared.providers().await?.get(job.provider)?;
        self.shared.recover(&job).await?.ok_or_else(|| {
            CoreError::InvalidInput(format!(
                "job {job_id} is being recovered by another Nanoforge process"
            ))
        })
    }

    /// Stops a job. Local only: a task already sent keeps running at the service, which may still
    /// charge for it (the job's message says so, and Recover can fetch its result later).
    pub async fn cancel(&self, job_id: &str) -> Result<JobRecord> {
        refuse_other_devices(
            &self.shared.library.get_job(job_id).await?,
            &self.shared.config.install_id,
        )?;
        if let Some(running) = self.shared.lock_running().get(job_id) {
            running.cancelled_here.store(true, Ordering::SeqCst);
        }
        let Some(cancelled) = self.shared.ledger.cancel_unfinished_job(job_id).await? else {
            if let Some(running) = self.shared.lock_running().get(job_id) {
                running.cancelled_here.store(false, Ordering::SeqCst);
            }
            let now = self.shared.library.get_job(job_id).await?;
            return Err(CoreError::InvalidInput(format!(
                "job {job_id} is not running ({})",
                now.status.as_str()
            )));
        };
        if let Some(running) = self.shared.lock_running().get(job_id) {
            running.cancel.cancel();
        }
        let message = cancelled.error_message.clone().unwrap_or_default();
        self.shared
            .events
            .emit(job_id, JobStage::Cancelled { message });
        Ok(cancelled)
    }

    /// Continues every unfinished job of the library, and recovers the recoverable ones submitted
    /// within the recovery window (see [`super::outcome`]).
    pub async fn resume_unfinished(&self) -> Result<ResumeReport> {
        let providers = self.shared.providers().await?;
        let mut report = ResumeReport::default();
        self.spawn_remote_driver();
        let days = lock(&self.shared.money).recovery_window_days;
        let window = Duration::from_secs(u64::from(days) * 86_400);
        let oldest = crate::clock::now_ms() - i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        for job in self.shared.library.unfinished_jobs().await? {
            if self.shared.lock_running().contains_key(&job.id) {
                report.resumed.push(job.id);
                continue;
            }
            // Driven by its remote batch (`drive_remote_batches`) until its answer is staged.
            if super::remote_batch::waiting::waits_on_remote(&job)
                && self.shared.library.in_remote_batch(&job.id).await?
            {
                continue;
            }
            if let Err(e) = refuse_other_devices(&job, &self.shared.config.install_id) {
                report.skipped.push(SkippedJob {
                    id: job.id,
                    reason: e.to_string(),
                });
                continue;
            }
            if let Err(e) = providers.get(job.provider) {
                report.skipped.push(SkippedJob {
                    id: job.id,
                    reason: e.to_string(),
                });
                continue;
            }
            if job.status == JobStatus::Recoverable {
                let submitted = job.submitted_at.unwrap_or(job.created_at) as i64;
                if submitted < oldest {
                    report.skipped.push(SkippedJob {
                        id: job.id,
                        reason: format!(
                            "submitted more than {days} days ago, when the service's copy has likely \
                             expired; Recover it to try anyway"
                        ),
                    });
                    continue;
                }
                match self.shared.recover(&job).await? {
                    Some(job) => report.resumed.push(job.id),
                    None => report.held_elsewhere.push(job.id),
                }
                continue;
            }
            if self.shared.claim(&job.id).await? {
                let job = self.shared.library.get_job(&job.id).await?;
                report.resumed.push(job.id.clone());
                self.shared.spawn(job, None);
            } else {
                report.held_elsewhere.push(job.id.clone());
                let queue = self.clone();
                tokio::spawn(async move {
                    if let Err(e) = queue.wait(&job.id).await {
                        tracing::warn!(job = %job.id, error = %e, "watching a job held elsewhere failed");
                    }
                });
            }
        }
        Ok(report)
    }
}

/// Only the device that made a job drives it: no sync path can make a second device submit,
/// poll, recover or cancel it (and so pay for it).
fn refuse_other_devices(job: &JobRecord, install: &str) -> Result<()> {
    match (&job.origin_device, &job.driver_install) {
        (Some(device), _) => Err(CoreError::InvalidInput(format!(
            "job {} runs on another device ({device}); only that device can recover or cancel it",
            job.id
        ))),
        (None, Some(driver)) if driver != install => Err(CoreError::InvalidInput(format!(
            "job {} was recorded by another installation of Nanoforge (this library folder was \
             copied from another computer); only that installation can send, recover or cancel it",
            job.id
        ))),
        _ => Ok(()),
    }
}

impl super::shared::Shared {
    /// Starts a recovery: back to polling (a task id) or downloading (result URLs only), claimed
    /// here, driven with [`RECOVERY_BUDGET`]. `None` when another live queue holds the job.
    async fn recover(self: &Arc<Self>, job: &JobRecord) -> Result<Option<JobRecord>> {
        let to = if job.remote_task_id.is_some() {
            JobStatus::Submitted
        } else {
            JobStatus::Downloading
        };
        let started = self
            .ledger
            .begin_recovery(&job.id, to, &self.owner, self.lease_ttl_ms())
            .await?;
        if let Some(job) = &started {
            tracing::info!(job = %job.id, "recovering a paid job (re-poll and re-download, no resubmit)");
            self.spawn(job.clone(), Some(RECOVERY_BUDGET));
        }
        Ok(started)
    }
}
