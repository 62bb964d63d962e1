//! One open profile: its library, its generation queue (with that profile's keys and saved
//! preferences) and its identity. A session never sees another profile's folder or secrets.

use tokio::sync::broadcast;

use crate::accounts::{Profile, Secrets};
use crate::library::Library;
use crate::queue::{JobEvent, Queue};
use crate::settings::Settings;
use crate::{CoreConfig, Result};

pub struct Session {
    profile: Profile,
    library: Library,
    queue: Queue,
    /// One sync of this library at a time from this process (others wait their turn).
    sync_gate: tokio::sync::Mutex<()>,
}

impl Session {
    pub(super) async fn open(
        config: &CoreConfig,
        secrets: &Secrets,
        profile: Profile,
        events: &broadcast::Sender<JobEvent>,
    ) -> Result<Self> {
        let library = Library::open(&config.data_dir, &profile).await?;
        let queue = Queue::new(
            library.clone(),
            config.clone(),
            secrets.clone(),
            events.clone(),
        )?;
        // Saved preferences (prices, concurrency) win over the configuration's defaults.
        if let Some(settings) = library.load_settings().await? {
            apply_settings(&queue, &settings).await;
        }
        Ok(Self {
            profile,
            library,
            queue,
            sync_gate: tokio::sync::Mutex::new(()),
        })
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn library(&self) -> &Library {
        &self.library
    }

    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    pub(super) fn sync_gate(&self) -> &tokio::sync::Mutex<()> {
        &self.sync_gate
    }
}

/// New prices, budget and concurrency apply to the running queue at once. Settings that no
/// longer validate (edited by hand) keep the defaults.
pub(super) async fn apply_settings(queue: &Queue, settings: &Settings) {
    match settings.money() {
        Ok(money) => queue.set_money(money),
        Err(e) => tracing::warn!(error = %e, "saved money settings are invalid; using defaults"),
    }
    queue.set_concurrency(usize::try_from(settings.concurrency).unwrap_or(1));
}
