//! The durable generation queue.
//!
//! Every job is a row before anything is sent (PENDING); the remote task id is committed
//! (SUBMITTED) before the first poll; every later change (PROCESSING, DOWNLOADING with the result
//! URLs, COMPLETED/FAILED/CANCELLED) is committed as it happens, so a restarted app or a
//! `nanoforge resume` continues each unfinished job from where it stopped:
//!
//! - PENDING, never sent → submitted now;
//! - PENDING but a submit had started (`attempts > 0`) → FAILED `interrupted`: whether the service
//!   received (and charged for) it cannot be known, so it is never sent again silently; the user
//!   may retry it (demo jobs cost nothing and are simply run again);
//! - SUBMITTED/PROCESSING → polled again; DOWNLOADING → downloaded again from the recorded URLs,
//!   skipping slots already stored.
//!
//! Jobs are claimed with a lease (owner + expiry, renewed while the queue runs; see
//! `library::queue_support`) in one atomic UPDATE, so the app and a CLI never drive the same job.
//! Models that return one image per task (nano-banana-2, pro) get one job per image
//! ([`GenerationRequest::split_into_tasks`]); nano-banana's several images share one job.

mod download;
mod events;
mod job_data;
mod lease;
mod providers;
mod runner;
mod tuning;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) use crate::clock::now_ms;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{Semaphore, broadcast, watch};
use tokio_util::sync::CancellationToken;

pub use events::{EVENT_BUFFER, JobEvent, JobStage};
pub use job_data::{ResultUrls, kind_name};
pub use providers::ProviderKind;

use crate::accounts::Secrets;
use crate::library::{JobRecord, Library};
use crate::providers::GenerationRequest;
use crate::{CoreConfig, CoreError, Result};
use providers::{ProviderChoice, Providers};

/// Per-call choices besides the request itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct GenerateOptions {
    /// `None`: Nano Banana when an API key is known, else the demo provider.
    pub provider: Option<ProviderKind>,
    /// Overrides the size's default timeout for each job of this request.
    pub timeout_secs: Option<u32>,
}

/// What [`Queue::resume_unfinished`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResumeReport {
    /// Jobs this queue now drives (including ones it already did).
    pub resumed: Vec<String>,
    /// Jobs another live process holds; this queue takes them over if that process's lease runs
    /// out before they finish.
    pub held_elsewhere: Vec<String>,
    /// Jobs that cannot continue here, with the reason (e.g. a Nano Banana job and no API key).
    pub skipped: Vec<SkippedJob>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SkippedJob {
    pub id: String,
    pub reason: String,
}

/// The account behind the provider in use.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CreditsInfo {
    pub provider: ProviderKind,
    /// `None` for the demo provider, which has no balance.
    pub balance: Option<f64>,
}

/// The generation queue of one process. Cheap to clone.
#[derive(Clone)]
pub struct Queue {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    library: Library,
    config: CoreConfig,
    /// Keys are looked up for this queue's profile only.
    secrets: Secrets,
    /// Built on first use (the keychain is only asked then) and rebuilt after the key or the
    /// prices change; running jobs keep the `Arc` they started with.
    providers: tokio::sync::Mutex<Option<Arc<Providers>>>,
    choice: Mutex<ProviderChoice>,
    /// Identifies this queue in job leases.
    owner: String,
    slots: Arc<Semaphore>,
    /// The concurrency `slots` currently stands for.
    slot_count: Mutex<usize>,
    events: events::Events,
    running: Mutex<HashMap<String, Running>>,
}

/// A job this queue is driving.
struct Running {
    cancel: CancellationToken,
    /// Set when the user cancelled here (the event is already sent).
    cancelled_here: Arc<AtomicBool>,
    done: watch::Receiver<bool>,
}

impl Queue {
    /// A queue over `library`, announcing progress on `events`. Providers are set up on first use
    /// (the keychain is only asked then), with the keys of the library's profile.
    pub fn new(
        library: Library,
        config: CoreConfig,
        secrets: Secrets,
        events: broadcast::Sender<JobEvent>,
    ) -> Result<Self> {
        config.check()?;
        let owner = format!(
            "pid{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        );
        let choice = ProviderChoice {
            prices: config.prices,
        };
        let shared = Arc::new(Shared {
            slots: Arc::new(Semaphore::new(config.concurrency)),
            slot_count: Mutex::new(config.concurrency),
            events: events::Events::new(events, library.profile_id()),
            library,
            config,
            secrets,
            providers: tokio::sync::Mutex::new(None),
            choice: Mutex::new(choice),
            owner,
            running: Mutex::new(HashMap::new()),
        });
        lease::spawn_renewal(&shared);
        Ok(Self { shared })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.shared.events.subscribe()
    }

    /// The lease owner id of this queue.
    pub fn owner_id(&self) -> &str {
        &self.shared.owner
    }

    /// The provider used when a request names none.
    pub async fn default_provider(&self) -> Result<ProviderKind> {
        Ok(self.shared.providers().await?.default_kind())
    }

    /// Validates `request`, records one PENDING job per task and starts them. Returns once the
    /// jobs are recorded; follow them with [`Queue::subscribe`] or [`Queue::wait`]. Nothing is
    /// recorded or sent when the request is invalid.
    pub async fn generate(
        &self,
        request: GenerationRequest,
        options: GenerateOptions,
    ) -> Result<Vec<JobRecord>> {
        request.validate()?;
        if options.timeout_secs == Some(0) {
            return Err(CoreError::InvalidInput(
                "the timeout must be at least one second".into(),
            ));
        }
        let providers = self.shared.providers().await?;
        let kind = options.provider.unwrap_or_else(|| providers.default_kind());
        let provider = providers.get(kind)?;
        let mut request = request;
        if kind == ProviderKind::Demo {
            // The demo draws any number of images in one go, whatever model was picked.
            request.model = crate::providers::Model::Demo;
        }
        let mut jobs = Vec::new();
        for task in request.split_into_tasks() {
            let row = job_data::new_job(
                &task,
                kind.as_str(),
                provider.model_name(&task),
                options.timeout_secs,
                None,
            );
            jobs.push(self.shared.start_new(&row).await?);
        }
        Ok(jobs)
    }

    /// Runs a finished job again as a new job linked to it (`parent_job_id`).
    pub async fn retry(&self, job_id: &str) -> Result<JobRecord> {
        let old = self.shared.library.get_job(job_id).await?;
        if !old.status.is_terminal() {
            return Err(CoreError::InvalidInput(format!(
                "job {job_id} is still {}: wait for it or cancel it first",
                old.status.as_str()
            )));
        }
        let providers = self.shared.providers().await?;
        let kind: ProviderKind = old.provider.parse()?;
        let provider = providers.get(kind)?;
        let request = job_data::request_of(&old)?;
        request.validate()?;
        let row = job_data::new_job(
            &request,
            kind.as_str(),
            provider.model_name(&request),
            old.timeout_secs,
            Some(old.id.clone()),
        );
        self.shared.start_new(&row).await
    }

    /// Stops a job. Local only: a task already sent keeps running at the service, which may still
    /// charge for it (the job's message says so).
    pub async fn cancel(&self, job_id: &str) -> Result<JobRecord> {
        let job = self.shared.library.get_job(job_id).await?;
        if job.status.is_terminal() {
            return Err(CoreError::InvalidInput(format!(
                "job {job_id} has already finished ({})",
                job.status.as_str()
            )));
        }
        let message = if job.attempts == 0 && job.remote_task_id.is_none() {
            "Cancelled before it was sent; nothing was charged."
        } else {
            "Cancelled here; the service may still finish the task and charge for it."
        };
        if let Some(running) = self.shared.lock_running().get(job_id) {
            running.cancelled_here.store(true, Ordering::SeqCst);
        }
        let cancelled = self
            .shared
            .library
            .cancel_unfinished_job(job_id, "cancelled", message)
            .await?;
        let Some(cancelled) = cancelled else {
            let now = self.shared.library.get_job(job_id).await?;
            return Err(CoreError::InvalidInput(format!(
                "job {job_id} has already finished ({})",
                now.status.as_str()
            )));
        };
        if let Some(running) = self.shared.lock_running().get(job_id) {
            running.cancel.cancel();
        }
        self.shared.events.emit(
            job_id,
            JobStage::Cancelled {
                message: message.to_owned(),
            },
        );
        Ok(cancelled)
    }

    /// Continues every unfinished job of the library (see the module documentation).
    pub async fn resume_unfinished(&self) -> Result<ResumeReport> {
        let providers = self.shared.providers().await?;
        let mut report = ResumeReport::default();
        for job in self.shared.library.unfinished_jobs().await? {
            if self.shared.lock_running().contains_key(&job.id) {
                report.resumed.push(job.id);
                continue;
            }
            if let Err(e) = providers.for_job(&job) {
                report.skipped.push(SkippedJob {
                    id: job.id,
                    reason: e.to_string(),
                });
                continue;
            }
            if self.shared.claim(&job.id).await? {
                let job = self.shared.library.get_job(&job.id).await?;
                report.resumed.push(job.id.clone());
                self.shared.spawn(job);
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

    /// Waits until the job has finished and returns it. A job another process holds is watched
    /// through the library, and taken over if that process's lease runs out.
    pub async fn wait(&self, job_id: &str) -> Result<JobRecord> {
        loop {
            let done = self
                .shared
                .lock_running()
                .get(job_id)
                .map(|r| r.done.clone());
            let ran_here = done.is_some();
            if let Some(mut done) = done {
                // An error means the runner is gone, which is also the end of its run.
                let _ = done.wait_for(|finished| *finished).await;
            }
            let job = self.shared.library.get_job(job_id).await?;
            if job.status.is_terminal() {
                return Ok(job);
            }
            if self.shared.lock_running().contains_key(job_id) {
                continue;
            }
            if ran_here {
                // The run here ended without finishing the job (taken over, or the library failed):
                // do not spin on it.
                tokio::time::sleep(self.shared.watch_interval()).await;
            }
            let available = self.shared.providers().await?.for_job(&job).is_ok();
            if available && self.shared.claim(job_id).await? {
                let job = self.shared.library.get_job(job_id).await?;
                self.shared.spawn(job);
                continue;
            }
            tokio::time::sleep(self.shared.watch_interval()).await;
        }
    }

    /// The provider's balance (Nano Banana when a key is known).
    pub async fn credits(&self) -> Result<CreditsInfo> {
        let providers = self.shared.providers().await?;
        let provider = providers.default_kind();
        let balance = providers.get(provider)?.credits().await?;
        Ok(CreditsInfo { provider, balance })
    }

    /// Stops driving every job here and gives up their leases so another process can resume them
    /// at once (the CLI on Ctrl-C). A submit in flight is not interrupted.
    pub async fn shutdown(&self) -> Result<u32> {
        for running in self.shared.lock_running().values() {
            running.cancel.cancel();
        }
        self.shared.library.release_leases(&self.shared.owner).await
    }

    /// Jobs this queue is driving right now.
    pub fn running_jobs(&self) -> Vec<String> {
        self.shared.lock_running().keys().cloned().collect()
    }
}

impl Shared {
    async fn providers(&self) -> Result<Arc<Providers>> {
        let mut slot = self.providers.lock().await;
        if let Some(providers) = slot.as_ref() {
            return Ok(Arc::clone(providers));
        }
        let choice = lock(&self.choice).clone();
        let built = Providers::build(
            &self.config,
            &self.secrets,
            self.library.profile_id(),
            &choice,
        );
        let built = Arc::new(built.await?);
        *slot = Some(Arc::clone(&built));
        Ok(built)
    }

    fn lock_running(&self) -> MutexGuard<'_, HashMap<String, Running>> {
        // A runner that panicked while holding the lock leaves a usable map behind.
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lease_ttl_ms(&self) -> i64 {
        i64::try_from(self.config.lease_ttl.as_millis()).unwrap_or(i64::MAX)
    }

    fn watch_interval(&self) -> Duration {
        self.config.poll_interval.min(self.config.lease_ttl / 3)
    }

    async fn claim(&self, job_id: &str) -> Result<bool> {
        self.library
            .claim_job(job_id, &self.owner, self.lease_ttl_ms())
            .await
    }

    /// Records, claims and starts a new job.
    async fn start_new(self: &Arc<Self>, row: &crate::library::NewJob) -> Result<JobRecord> {
        let job = self.library.insert_job(row).await?;
        // Nobody else can know the id yet, so the claim only fails on a database error.
        self.claim(&job.id).await?;
        self.spawn(job.clone());
        Ok(job)
    }
}

pub(crate) use crate::lock;
