//! One profile's library: a SQLite database plus content-addressed image files under one folder.
//! Every path stored in the database is relative to that folder, so a library can move or sync;
//! absolute paths are derived at read time with [`Library::absolute_path`].
//!
//! Layout of a library folder:
//! - `library.sqlite` (+ WAL files)
//! - `images/ab/<sha256>.<ext>`: originals, named by the SHA-256 of their exact bytes
//! - `thumbs/ab/<sha256>_256.jpg`, `thumbs/ab/<sha256>_512.jpg`: regenerable thumbnails
//! - `outgoing/drag-*/`: copies handed to other apps by a drag, cleared after a day (`outgoing.rs`)
//!
//! On Unix every folder is 0700 and every file 0600 (`crate::private_fs`).

mod albums;
mod batches;
mod changes;
mod charged_report;
mod copies;
mod credits;
mod db;
mod durations;
mod exifmeta;
mod export;
mod files;
mod fts;
mod gallery;
mod grid_records;
mod images;
mod imaging;
mod ingest;
mod ingest_files;
mod integrity;
mod job_kinds;
mod jobs;
mod lineage;
mod outgoing;
mod png_stream;
mod pngmeta;
mod prompts;
mod recall;
mod recalled;
mod refs;
mod remote_batches;
pub mod replica;
mod resize;
#[cfg(test)]
mod search_tests;
mod settings_table;
mod stats;
mod store;
mod synthetic;
mod tags;
mod thumb_files;
mod trash;
mod types;
mod wildcard_lists;

use std::path::{Path, PathBuf};

use sqlx::SqlitePool;

use crate::Result;
use crate::accounts::{self, Profile};

pub use albums::{Album, check_album_name};
pub use batches::BatchRow;
pub use changes::{ChangeFeed, ChangeListener, ChangedIds, LibraryChange};
pub use durations::{ExpectedTime, MIN_DURATION_SAMPLES};
pub use export::ExportOptions;
pub use files::{ImageFileKind, RgbaImage};
pub use gallery::{GalleryView, ImageQuery, ImageSort};
pub use grid_records::{CAPTION_CHARS, GridImage, GridPage};
pub use imaging::{MAX_ALLOC_BYTES, MAX_DIMENSION, MAX_FILE_BYTES};
pub use ingest::{IngestOptions, IngestSource, PreparedImage};
pub use integrity::IntegrityReport;
pub use lineage::{Lineage, LineageNode};
pub use outgoing::{OUTGOING_DIR, suggested_file_name};
pub use pngmeta::{EmbeddedMetadata, embed_png_metadata};
pub use prompts::{NewPrompt, PromptQuery, SavedPrompt, check_prompt_name};
pub use recall::{read_generation_metadata, try_read_generation_metadata};
pub use recalled::{MetadataSource, RecalledSettings};
pub use refs::{Reference, check_name as check_reference_name};
pub use remote_batches::{NewRemoteBatch, RemoteBatchRow, RemoteBatchUpdate, remote_display_name};
pub use stats::{DayStats, LibraryStats, MonthSpend, SizeStats, StatsQuery, StatsTotals};
pub use tags::{AlbumLabel, ImageLabels, TagCount, normalize_tag};
pub use thumb_files::is_sha256;
pub use types::{
    Cursor, ImageFlag, ImageKind, ImagePage, ImageRecord, JobFamily, JobPage, JobPurpose, JobQuery,
    JobRecord, JobStatus, JobUpdate, NewJob, Page, TaskType,
};

pub(crate) use db::begin_immediate;
pub(crate) use jobs::update_job_query;
pub(crate) use store::FileSet;
pub(crate) use store::{original_rel, thumb_rel};
pub(crate) use trash::{Reach, delete_image_rows};

pub const DATABASE_FILE: &str = "library.sqlite";

/// Creates `dir` (and missing parents) readable by this user only: prompts and images are private.
pub(crate) async fn create_private_dir(dir: &Path) -> Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || crate::private_fs::create_dir_all(&dir)).await??;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Library {
    root: PathBuf,
    profile_id: String,
    pool: SqlitePool,
    /// One `synchronous=FULL` connection for the commits that must survive a power cut.
    durable: SqlitePool,
    /// Where committed changes are told (see [`changes`]).
    changes: ChangeFeed,
}

impl Library {
    /// Opens (creating if needed) the library of `profile` under `data_dir`, runs migrations and
    /// makes sure the profile row exists and names the account.
    pub async fn open(data_dir: &Path, profile: &Profile) -> Result<Self> {
        let root = accounts::profile_dir(data_dir, &profile.id)?;
        create_private_dir(&root).await?;
        let (pool, durable) = db::open_pools(&root.join(DATABASE_FILE)).await?;
        db::ensure_profile(&pool, profile).await?;
        Ok(Self {
            root,
            changes: ChangeFeed::new(&profile.id),
            profile_id: profile.id.clone(),
            pool,
            durable,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// The database, for the library's own modules and tests that inspect it; the rest of the
    /// core goes through the library's methods (sync through [`Library::replica`]).
    #[doc(hidden)]
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The connection whose commits survive a power cut (the queue's money commits).
    pub(crate) fn durable_pool(&self) -> &SqlitePool {
        &self.durable
    }

    /// Where this library tells what it committed (see [`changes`]).
    pub fn changes(&self) -> &ChangeFeed {
        &self.changes
    }

    /// The absolute location of a library-relative path such as an image's `path`. Refuses
    /// absolute paths and `..` so a value from the database or the UI can never point outside.
    pub fn absolute_path(&self, rel: &str) -> Result<PathBuf> {
        store::checked_join(&self.root, rel)
    }

    pub async fn job_count(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE profile_id = ?")
            .bind(&self.profile_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.durable.close().await;
    }
}
