//! What a queue's tasks share: the library and its ledger, the providers (built on first use),
//! the money settings, this process's lease identity, the concurrency slots, the event listener
//! and the jobs being driven here. Each step of the queue is an `impl Shared` block in its own file.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;

use super::events::Events;
use super::holder::Holder;
use super::ledger::Ledger;
use super::links::InputLinks;
use super::money::MoneySettings;
use super::paid::PaidFlag;
use crate::accounts::Secrets;
use crate::library::{JobRecord, Library};
use crate::providers::Registry;
use crate::{CoreConfig, Result, lock};

pub(crate) struct Shared {
    pub(super) library: Library,
    /// Leases and leased updates of the library's jobs.
    pub(super) ledger: Ledger,
    pub(super) config: CoreConfig,
    /// Keys are looked up for this queue's profile only.
    pub(super) secrets: Secrets,
    /// Built on first use (the keychain is only asked then) and rebuilt after the keys change;
    /// running jobs keep the `Arc` they started with.
    pub(super) providers: tokio::sync::Mutex<Option<Arc<Registry>>>,
    /// Links to library images for providers that take URLs.
    pub(super) links: Arc<dyn InputLinks>,
    /// Prices, budget and credits per image of the profile.
    pub(super) money: Mutex<MoneySettings>,
    /// This process, for leases.
    pub(super) holder: Holder,
    /// Identifies this queue in job leases.
    pub(super) owner: String,
    pub(super) slots: Arc<Semaphore>,
    /// The concurrency `slots` currently stands for.
    pub(super) slot_count: Mutex<usize>,
    pub(super) events: Events,
    pub(super) running: Mutex<HashMap<String, Running>>,
    /// The process is quitting: no new paid request starts.
    pub(super) closing: AtomicBool,
    /// Woken whenever a paid request ends.
    pub(super) paid_done: Arc<tokio::sync::Notify>,
    /// One round over the remote batches at a time in this process (the background driver and a
    /// caller's bounded drive take turns).
    pub(super) remote_round: tokio::sync::Mutex<()>,
    /// Whether the background driver of the remote batches runs.
    pub(super) remote_driver: AtomicBool,
    /// Batch API creates in flight (paid requests: a quitting process waits for their answer).
    pub(super) remote_creates: std::sync::atomic::AtomicU32,
    /// Providers that said "wait" (429): no new submit to them before the time they asked.
    pub(super) cooldowns: super::cooldown::Cooldowns,
}

/// A job this queue is driving.
pub(super) struct Running {
    pub(super) cancel: CancellationToken,
    /// Set when the user cancelled here (the event is already sent).
    pub(super) cancelled_here: Arc<AtomicBool>,
    pub(super) done: watch::Receiver<bool>,
    /// Set while its paid request is in flight.
    pub(super) paid: PaidFlag,
}

impl Shared {
    pub(super) async fn providers(&self) -> Result<Arc<Registry>> {
        let mut slot = self.providers.lock().await;
        if let Some(providers) = slot.as_ref() {
            return Ok(Arc::clone(providers));
        }
        let built = super::providers::build(&self.config, &self.secrets, self.library.profile_id());
        let built = Arc::new(built.await?);
        *slot = Some(Arc::clone(&built));
        Ok(built)
    }

    pub(super) fn lock_running(&self) -> MutexGuard<'_, HashMap<String, Running>> {
        lock(&self.running)
    }

    pub(super) fn lease_ttl_ms(&self) -> i64 {
        i64::try_from(self.config.lease_ttl.as_millis()).unwrap_or(i64::MAX)
    }

    pub(super) fn watch_interval(&self) -> Duration {
        self.config.poll_interval.min(self.config.lease_ttl / 3)
    }

    /// Claims and starts a job just recorded.
    pub(super) async fn start_recorded(self: &Arc<Self>, job: JobRecord) -> Result<JobRecord> {
        // Nobody else can know the id yet, so the claim only fails on a database error.
        self.claim(&job.id).await?;
        self.spawn(job.clone(), None);
        Ok(job)
    }
}
