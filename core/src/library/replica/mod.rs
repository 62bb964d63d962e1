//! Replication, the library's side: everything sync needs from a library, behind one narrow
//! handle ([`Replica`]), so sync never runs SQL on the library's tables and the library never
//! calls into sync.
//!
//! - [`records`]: what copies tell each other (job records, new images, field edits, purges) and
//!   which columns a record carries; [`clock`]: the hybrid clock that orders them.
//! - [`outbox`]: this device's changes (recorded by migration 0006's triggers in the same
//!   transaction as the change) turned into the next segment, kept until the bucket confirms it.
//! - [`apply`] and [`merge`]: other devices' segments merged in one transaction (last writer wins
//!   per field, purges terminal), new images a chunk at a time ([`new_images`]); [`rescan`]:
//!   segments with kinds this version did not know yet;
//!   [`deletions`]: purges from elsewhere (a mass delete waits for the user; an original that
//!   exists only here is kept in this device's Trash).
//! - [`state`]: this device's identity, location, head and peers; [`files`]: the queue of files
//!   to move; [`originals`]: which originals live in the bucket and the on-demand cache;
//!   [`purges`]: what a delete-forever made here leaves to push.
//! - [`organise`]: albums (a record each, like references), memberships and tags (a flag per
//!   (image, album) and (image, tag), like favourites); [`prompts`]: saved prompts and wildcard
//!   lists (a record each, like albums).
//!
//! A new synced record kind is a new [`Op`] variant, its columns here, its merge rule in
//! [`merge`], and its trigger in a migration; devices that do not know it yet rescan later.

mod apply;
pub mod clock;
mod deletions;
mod files;
mod merge;
mod new_images;
mod organise;
mod originals;
mod outbox;
mod prompts;
pub(crate) mod purges;
pub mod records;
mod refs;
mod rescan;
mod state;

use std::path::{Path, PathBuf};

use sqlx::SqlitePool;

pub use apply::Applied;
pub use deletions::{MASS_DELETE_MIN, PendingApplied, PendingPurges, PendingPurgesOf};
pub use files::{FileDirection, QueuedFile};
pub use outbox::{Dirty, PendingSegment};
pub use records::{
    Field, KNOWN_KINDS, MAX_OPS_PER_SEGMENT, Op, PackedSegment, PeerUpdate, PulledSegment,
    is_record_id,
};
pub use rescan::Rescan;
pub use state::{Backlog, DeviceState, PeerRow};

use super::Library;
use crate::Result;

/// One library as sync sees it. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Replica {
    library: Library,
}

/// An image's original, as a file to move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalFile {
    /// Library-relative path, which is also its key under the bucket prefix.
    pub key: String,
    pub sha256: String,
    pub mime: String,
}

impl Library {
    /// This library's replication handle.
    pub fn replica(&self) -> Replica {
        Replica {
            library: self.clone(),
        }
    }
}

impl Replica {
    fn pool(&self) -> &SqlitePool {
        self.library.pool()
    }

    /// The library folder (sync keeps its lock file there).
    pub fn root(&self) -> &Path {
        self.library.root()
    }

    pub fn profile_id(&self) -> &str {
        self.library.profile_id()
    }

    /// Where a queued file lives in the library folder (keys are library-relative paths).
    pub fn absolute_path(&self, key: &str) -> Result<PathBuf> {
        self.library.absolute_path(key)
    }

    /// Image `id`'s original.
    pub async fn original_file(&self, id: &str) -> Result<OriginalFile> {
        let image = self.library.get_image(id).await?;
        Ok(OriginalFile {
            key: image.path,
            sha256: image.sha256,
            mime: image.mime,
        })
    }
}
