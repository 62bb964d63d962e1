//! The durable generation queue.
//!
//! Every job is a row before anything is sent (PENDING). The attempt (with `submitted_at` and
//! `may_be_charged`) is committed before the submit, the remote task id (SUBMITTED) right after it,
//! and every later change (PROCESSING; DOWNLOADING with the result URLs and the confirmed cost;
//! COMPLETED, RECOVERABLE, FAILED or CANCELLED) as it happens, so a restarted app or a
//! `nanoforge resume` continues each job from where it stopped. How a job ends, what it may have
//! cost and whether it can still be finished is the outcome model in [`outcome`].
//!
//! Jobs are claimed with a lease (owner + expiry, renewed while the queue runs; see
//! `library::leases` and [`lease`]) in one atomic UPDATE, so the app and a CLI never drive the same
//! job; a holder that is provably gone is taken over at once. Models that return one image per
//! task get one job per image ([`GenerationRequest::split_into_tasks`]).

mod actions;
mod answer;
mod batch;
mod conversation;
mod cooldown;
mod download;
mod events;
mod holder;
mod inputs;
mod job_data;
mod lease;
mod ledger;
mod links;
mod masked;
mod money;
mod money_checks;
pub mod outcome;
mod paid;
mod providers;
mod remote_batch;
pub(crate) use providers::check_key;
mod runner;
mod shared;
mod staging;
#[cfg(test)]
mod step_tests;
mod steps;
mod tuning;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::Semaphore;

pub use crate::catalog::ProviderKind;
pub(crate) use crate::clock::now_ms;
pub(crate) use crate::lock;
pub use actions::GenerateOptions;
pub use batch::BatchRows;
pub use events::{JobEvent, JobListener, JobStage};
pub use job_data::ResultUrls;
pub use ledger::{JobLease, Ledger};
pub use links::{InputLinks, NoInputLinks};
pub use money::{
    BudgetLevel, BudgetStatus, DEFAULT_RECOVERY_WINDOW_DAYS, MoneySettings, WARN_AT, budget_status,
};
pub use outcome::RECOVERY_BUDGET;
pub use remote_batch::{
    BATCH_PRICE_FACTOR, MAX_PER_REMOTE_BATCH, RemoteRound, plan_remote_batches,
};

use crate::accounts::Secrets;
use crate::library::{JobRecord, Library};
use crate::{CoreConfig, Result};
use shared::Shared;

/// What [`Queue::resume_unfinished`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResumeReport {
    /// Jobs this queue now drives (including ones it already did and recoveries it started).
    pub resumed: Vec<String>,
    /// Jobs another live process holds; this queue takes them over if that process's lease runs
    /// out (or it is gone) before they finish.
    pub held_elsewhere: Vec<String>,
    /// Jobs that cannot continue here, with the reason (e.g. a Nano Banana job and no API key, or
    /// a recoverable job older than the recovery window).
    pub skipped: Vec<SkippedJob>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SkippedJob {
    pub id: String,
    pub reason: String,
}

/// The account behind a provider.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CreditsInfo {
    pub provider: ProviderKind,
    /// In the service's own credits (not dollars); `None` for providers without a balance.
    pub balance: Option<f64>,
    /// Credits one image costs, if the user said (only then is a batch compared to the balance).
    pub credits_per_image: Option<f64>,
}

/// The generation queue of one profile. Cheap to clone.
#[derive(Clone)]
pub struct Queue {
    shared: Arc<Shared>,
}

impl Queue {
    /// A queue over `library`, telling progress to `on_event`. Providers are set up on first use
    /// (the keychain is only asked then), with the keys of the library's profile; library images
    /// go to providers that take URLs through `links`.
    pub fn new(
        library: Library,
        config: CoreConfig,
        secrets: Secrets,
        on_event: JobListener,
        links: Arc<dyn InputLinks>,
    ) -> Result<Self> {
        config.check()?;
        let holder = holder::Holder::current();
        let owner = holder.owner_id();
        let shared = Arc::new(Shared {
            slots: Arc::new(Semaphore::new(config.concurrency)),
            slot_count: Mutex::new(config.concurrency),
            events: events::Events::new(on_event, library.profile_id()),
            ledger: Ledger::new(library.clone(), &config.install_id),
            library,
            links,
            config,
            secrets,
            providers: tokio::sync::Mutex::new(None),
            money: Mutex::new(MoneySettings::default()),
            holder,
            owner,
            running: Mutex::new(HashMap::new()),
            closing: std::sync::atomic::AtomicBool::new(false),
            paid_done: Arc::new(tokio::sync::Notify::new()),
            remote_round: tokio::sync::Mutex::new(()),
            remote_driver: std::sync::atomic::AtomicBool::new(false),
            remote_creates: std::sync::atomic::AtomicU32::new(0),
            cooldowns: cooldown::Cooldowns::default(),
        });
        lease::spawn_renewal(&shared);
        Ok(Self { shared })
    }

    /// The lease owner id of this queue.
    pub fn owner_id(&self) -> &str {
        &self.shared.owner
    }

    /// The provider used when a request names none.
    pub async fn default_provider(&self) -> Result<ProviderKind> {
        Ok(self.shared.providers().await?.default_kind())
    }

    /// Providers that can generate for this profile: those with a key, and the demo.
    pub async fn available_providers(&self) -> Result<Vec<ProviderKind>> {
        Ok(self.shared.providers().await?.available())
    }

    /// Waits until the job is no longer driven (finished, recoverable, failed or cancelled) and
    /// returns it. A job another process holds is watched through the library, and taken over if
    /// that process's lease runs out or it is gone.
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
            // A Batch API job's answer comes with its remote batch: watched, never sent alone.
            if remote_batch::waiting::waits_on_remote(&job)
                && self.shared.library.in_remote_batch(job_id).await?
            {
                tokio::time::sleep(self.shared.watch_interval()).await;
                continue;
            }
            let available = self.shared.providers().await?.get(job.provider).is_ok();
            if available && self.shared.claim(job_id).await? {
                let job = self.shared.library.get_job(job_id).await?;
                self.shared.spawn(job, None);
                continue;
            }
            tokio::time::sleep(self.shared.watch_interval()).await;
        }
    }

    /// The default provider's balance, in its own credits.
    pub async fn credits(&self) -> Result<CreditsInfo> {
        let providers = self.shared.providers().await?;
        let provider = providers.default_kind();
        let balance = providers.get(provider)?.credits().await?;
        let credits_per_image = lock(&self.shared.money).credits_per_image;
        Ok(CreditsInfo {
            provider,
            balance,
            credits_per_image,
        })
    }

    /// Stops driving every job here and gives up their leases so another process can resume them
    /// at once (the app on quit, the CLI on exit or Ctrl-C). A submit in flight is not interrupted.
    pub async fn shutdown(&self) -> Result<u32> {
        for running in self.shared.lock_running().values() {
            running.cancel.cancel();
        }
        self.shared.ledger.release_leases(&self.shared.owner).await
    }

    /// Paid requests of this queue in flight now (a Gemini call; a submit whose task id has not
    /// arrived; a Batch API create whose answer has not): quitting waits for them.
    pub fn paid_in_flight(&self) -> u32 {
        let running = self.shared.lock_running();
        let n = running.values().filter(|r| r.paid.is_set()).count();
        let creates = self
            .shared
            .remote_creates
            .load(std::sync::atomic::Ordering::SeqCst);
        u32::try_from(n).unwrap_or(u32::MAX).saturating_add(creates)
    }

    /// The first step of quitting: no paid request starts from now on, and this waits until the
    /// ones in flight have been recorded (the answer stored or staged, or the task id) — each is
    /// bounded by its own timeout. Call [`Queue::shutdown`] after it to hand the jobs back.
    pub async fn finish_paid_requests(&self) {
        self.shared
            .closing
            .store(true, std::sync::atomic::Ordering::SeqCst);
        loop {
            let ended = self.shared.paid_done.notified();
            tokio::pin!(ended);
            // Registered before the check, so an end between the two is not missed.
            ended.as_mut().enable();
            if self.paid_in_flight() == 0 {
                return;
            }
            ended.await;
        }
    }

    /// Jobs this queue is driving right now.
    pub fn running_jobs(&self) -> Vec<String> {
        self.shared.lock_running().keys().cloned().collect()
    }
}
