//! What a session holds: one profile's library and queue, the configuration and secrets it was
//! opened with, the event stream it tells, and its sync turn. Its operations are `impl Session`
//! blocks in the sibling files; `open.rs` builds one.

use crate::accounts::{Profile, Secrets};
use crate::app::events::{Bus, CoreEvent, JobEvents};
use crate::library::Library;
use crate::queue::Queue;
use crate::{CoreConfig, Result};

pub struct Session {
    pub(super) profile: Profile,
    pub(super) library: Library,
    pub(super) queue: Queue,
    pub(super) config: CoreConfig,
    pub(super) secrets: Secrets,
    pub(super) bus: Bus,
    /// One sync of this library at a time from this process (others wait their turn).
    pub(super) sync_gate: tokio::sync::Mutex<()>,
    /// A random key made when the session opens, part of every cacheable image URL: the web
    /// view may keep those responses for good, so URLs of a profile opened before (whose cached
    /// answers were cleared) never name anything again.
    pub(super) image_url_key: String,
}

impl Session {
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The key of this opening's cacheable image URLs (new each time the profile opens).
    pub fn image_url_key(&self) -> &str {
        &self.image_url_key
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
    pub fn job_events(&self) -> JobEvents {
        JobEvents::of_profile(self.bus.subscribe(), &self.profile.id)
    }

    pub(super) fn config(&self) -> &CoreConfig {
        &self.config
    }

    pub(super) fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    pub(super) fn emit(&self, event: CoreEvent) {
        let _ = self.bus.send(event);
    }
}
