//! [`Session`]: one open profile, and the per-profile API every command goes through — generating
//! and following jobs, the library's reads and edits, image files and inputs, preferences and
//! keys, sync. A caller (a shell command, a CLI command, a background task) resolves the session
//! once with [`crate::AppCore::session`] and does its whole operation on it, so a profile switch
//! in the middle can never make one operation read one library and write another.
//!
//! A session never sees another profile's folder or secrets. Its library's changes, its jobs'
//! progress and its syncs are told on the core's one event stream, each naming the profile.

mod files;
mod generation;
mod inputs;
mod library;
mod preferences;
mod sync;

use std::sync::Arc;

pub use generation::{Catalog, PriceInEffect, Quote};
pub use preferences::ApiKeyStatus;
pub use sync::INPUT_URL_TTL;

use super::events::{Bus, CoreEvent};
use crate::accounts::{Profile, Secrets};
use crate::library::Library;
use crate::preferences::Preferences;
use crate::queue::Queue;
use crate::{CoreConfig, Result};

pub struct Session {
    profile: Profile,
    library: Library,
    queue: Queue,
    config: CoreConfig,
    secrets: Secrets,
    bus: Bus,
    /// One sync of this library at a time from this process (others wait their turn).
    sync_gate: tokio::sync::Mutex<()>,
}

impl Session {
    pub(super) async fn open(
        config: &CoreConfig,
        secrets: &Secrets,
        profile: Profile,
        bus: &Bus,
    ) -> Result<Self> {
        let library = Library::open(&config.data_dir, &profile).await?;
        let changes = bus.clone();
        library.changes().listen(Arc::new(move |change| {
            // No listener is not an error: the CLI in JSON mode does not follow changes.
            let _ = changes.send(CoreEvent::Library { change });
        }));
        let jobs = bus.clone();
        let links = Arc::new(inputs::BucketLinks::new(
            library.clone(),
            secrets.clone(),
            profile.id.clone(),
        ));
        let queue = Queue::new(
            library.clone(),
            config.clone(),
            secrets.clone(),
            Arc::new(move |event| {
                let _ = jobs.send(CoreEvent::Job { event });
            }),
            links,
        )?;
        // Saved preferences (prices, concurrency) win over the configuration's defaults.
        if let Some(preferences) = Preferences::load(&library).await? {
            preferences::apply(&queue, &preferences);
        }
        Ok(Self {
            profile,
            library,
            queue,
            config: config.clone(),
            secrets: secrets.clone(),
            bus: bus.clone(),
            sync_gate: tokio::sync::Mutex::new(()),
        })
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The raw library, for tools and tests that inspect it; commands use the session's methods.
    #[doc(hidden)]
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// The raw queue, for tools and tests; commands use the session's methods.
    #[doc(hidden)]
    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// The profile's library folder (for "show in folder"; the page never sees paths).
    pub fn library_folder(&self) -> &std::path::Path {
        self.library.root()
    }

    /// The absolute path of a library file named by a record (the CLI prints paths; the page
    /// never sees them). Refuses anything outside the library folder.
    pub fn file_path(&self, rel: &str) -> Result<std::path::PathBuf> {
        self.library.absolute_path(rel)
    }

    /// Job progress of this profile only.
    pub fn job_events(&self) -> super::events::JobEvents {
        super::events::JobEvents::of_profile(self.bus.subscribe(), &self.profile.id)
    }

    fn config(&self) -> &CoreConfig {
        &self.config
    }

    fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    fn emit(&self, event: CoreEvent) {
        let _ = self.bus.send(event);
    }
}
