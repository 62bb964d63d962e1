//! One sync run, step by step: make sure the bucket holds this library and that it is this
//! account's (`library.json`, in `root.rs`), upload new files, push the outbox as segments and
//! announce them in this device's head, pull the segments other devices announced (`pull.rs`),
//! then fetch their files and delete what was deleted forever here. One run at a time per library, in
//! this process (a mutex) and across processes (a file lock), so the app and the CLI never sync
//! the same library at once (the app also serialises its own runs).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::files;
use super::ops::{self, FORMAT, MAX_PACKED_SEGMENT_BYTES};
use super::setup::SyncLocation;
use super::status::PendingDeletions;
use super::store::{Body, Created, ObjectStore, S3Store};
use super::{Progress, SyncError, SyncStage};
use crate::crash::{CrashPoint, crash_point};
use crate::library::replica::{FileDirection as Direction, PendingSegment, Replica};
use crate::{CoreError, Result};

pub(super) const LIBRARY_KEY: &str = "library.json";
pub(super) const HEADS: &str = "heads/";
const LOCK_FILE: &str = "sync.lock";
/// The most `library.json` or a head may weigh (they are a few hundred bytes).
pub(super) const MAX_SMALL_OBJECT: u64 = 1 << 20;

/// How this device introduces itself to the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub name: String,
    pub platform: String,
    pub app_version: String,
}

impl DeviceInfo {
    /// This computer: its host name and OS.
    pub fn this_device() -> DeviceInfo {
        DeviceInfo {
            name: sysinfo::System::host_name().unwrap_or_else(|_| "this device".to_owned()),
            platform: std::env::consts::OS.to_owned(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub uploaded_files: u32,
    pub downloaded_files: u32,
    pub deleted_files: u32,
    pub ops_pushed: u32,
    pub ops_pulled: u32,
    pub segments_pushed: u32,
    pub segments_pulled: u32,
    pub new_images: u32,
    /// Files still queued (e.g. an original its device has not uploaded yet).
    pub files_left: u32,
    pub duration_ms: f64,
    /// Another device deleted most of the library forever: those deletions wait for the user
    /// (`Session::apply_pending_deletions`); everything else was applied.
    pub pending_deletions: Option<PendingDeletions>,
    /// The bucket's library had no owner (made by an older Nanoforge) and this profile's account
    /// claimed it now.
    pub claimed_library: bool,
}

/// A device's head: how far its segments go, and who it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Head {
    pub format: u32,
    pub device: String,
    pub last_seq: i64,
    pub name: String,
    pub platform: String,
    pub app_version: String,
    pub pushed_at: i64,
}

/// Syncs one library with one location.
#[derive(Clone, Debug)]
pub struct Syncer {
    pub(super) replica: Replica,
    location: SyncLocation,
    pub(super) store: Arc<dyn ObjectStore>,
    device: DeviceInfo,
    pub(super) keep_originals: bool,
    /// The account this profile belongs to, as `library.json` records owners (see `root.rs`).
    owner: String,
}

/// Who syncs: this device, whether it keeps every original, and the profile's account (the
/// owner of the libraries it creates, and the only one whose libraries it syncs).
#[derive(Debug, Clone)]
pub struct SyncParty {
    pub device: DeviceInfo,
    pub keep_originals: bool,
    pub owner: String,
}

impl Syncer {
    /// A syncer of `replica` with the S3 bucket at `location`.
    pub fn new(
        replica: Replica,
        location: SyncLocation,
        secret_access_key: &str,
        party: SyncParty,
    ) -> Syncer {
        let store: Arc<dyn ObjectStore> = Arc::new(S3Store::new(&location, secret_access_key));
        Syncer::with_store(replica, location, store, party)
    }

    /// A syncer over any object store.
    pub fn with_store(
        replica: Replica,
        location: SyncLocation,
        store: Arc<dyn ObjectStore>,
        party: SyncParty,
    ) -> Syncer {
        Syncer {
            replica,
            location,
            store,
            device: party.device,
            keep_originals: party.keep_originals,
            owner: party.owner,
        }
    }

    pub fn location(&self) -> &SyncLocation {
        &self.location
    }

    pub(super) fn owner(&self) -> &str {
        &self.owner
    }

    pub(super) fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    pub(super) fn replica(&self) -> &Replica {
        &self.replica
    }

    /// One full sync. Safe to interrupt at any point: the next run carries on. Another run of
    /// the same library (here or in another process) makes this one fail with `Busy`.
    pub async fn run(&self, progress: &Progress) -> Result<SyncReport> {
        let _lock = self.lock_library().await?;
        let started = std::time::Instant::now();
        let mut report = SyncReport::default();
        progress.report(SyncStage::Connecting, 0, 1, 0);
        report.claimed_library = self.preflight().await?.claimed;
        let up = files::move_all(&self.replica, &self.store, Direction::Up, progress).await?;
        report.uploaded_files = up.files;
        crash_point(CrashPoint::AfterUploads);
        self.push(&mut report, progress).await?;
        crash_point(CrashPoint::AfterHead);
        self.pull(&mut report, progress).await?;
        let down = files::move_all(&self.replica, &self.store, Direction::Down, progress).await?;
        crash_point(CrashPoint::AfterDownloads);
        let gone = files::move_all(&self.replica, &self.store, Direction::Delete, progress).await?;
        report.downloaded_files = down.files;
        report.deleted_files = gone.files;
        report.files_left = up.left + down.left + gone.left;
        report.pending_deletions = self.replica.pending_purges().await?.map(Into::into);
        self.replica.mark_synced(crate::clock::now_ms()).await?;
        report.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        progress.report(SyncStage::Done, 1, 1, 0);
        Ok(report)
    }

    /// The cross-process lock, held for the run (released when the file closes).
    async fn lock_library(&self) -> Result<std::fs::File> {
        let path = self.replica.root().join(LOCK_FILE);
        tokio::task::spawn_blocking(move || -> Result<std::fs::File> {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)?;
            match file.try_lock() {
                Ok(()) => Ok(file),
                Err(std::fs::TryLockError::WouldBlock) => Err(SyncError::Busy.into()),
                Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
            }
        })
        .await?
    }

    pub(super) fn segment_key(device: &str, seq: i64) -> String {
        format!("ops/{device}/{seq:016x}.ndjson.gz")
    }

    /// Pushes the outbox, one segment at a time, then the head that announces them.
    async fn push(&self, report: &mut SyncReport, progress: &Progress) -> Result<()> {
        loop {
            let device = self.replica.device().await?;
            let id = device.device_id.clone();
            let pack = move |seq: i64, ops: &[crate::library::replica::Op]| -> Result<_> {
                Ok(ops::pack(&id, seq, ops)?)
            };
            let Some(segment) = self.replica.next_segment(&device.device_id, &pack).await? else {
                break;
            };
            progress.report(
                SyncStage::Pushing,
                report.segments_pushed,
                report.segments_pushed + 1,
                0,
            );
            if self.push_segment(&device.device_id, &segment).await? {
                report.segments_pushed += 1;
                report.ops_pushed += u32::try_from(segment.ops).unwrap_or(u32::MAX);
            }
        }
        let device = self.replica.device().await?;
        if device.head_seq < device.last_seq || device.head_etag.is_none() {
            self.put_head(&device.device_id, device.last_seq).await?;
        }
        Ok(())
    }

    /// `false` when the key was already taken by different bytes: this library was restored from
    /// an older copy and reused a number, so the device takes a new identity and pushes again.
    async fn push_segment(&self, device: &str, segment: &PendingSegment) -> Result<bool> {
        let key = Self::segment_key(device, segment.seq);
        let created = self
            .store
            .create(
                &key,
                Body::Bytes(segment.packed.body.clone()),
                "application/gzip",
                None,
            )
            .await?;
        let last_modified = match created {
            Created::Now => {
                self.store
                    .head(&key)
                    .await?
                    .ok_or_else(|| SyncError::Corrupt(format!("{key} vanished after its upload")))?
                    .last_modified_ms
            }
            Created::AlreadyThere => {
                let found = self
                    .store
                    .get(&key, MAX_PACKED_SEGMENT_BYTES)
                    .await?
                    .ok_or_else(|| SyncError::Corrupt(format!("{key} vanished after a 412")))?;
                if ops::hex(&Sha256::digest(&found.body)) != segment.packed.sha256 {
                    tracing::warn!(
                        device,
                        seq = segment.seq,
                        "segment number reused: taking a new device identity"
                    );
                    self.replica.new_identity().await?;
                    return Ok(false);
                }
                // Our own write whose answer was lost.
                found.last_modified_ms
            }
        };
        crash_point(CrashPoint::AfterSegmentPut);
        self.replica
            .segment_pushed(segment, device, last_modified)
            .await?;
        crash_point(CrashPoint::AfterSegmentRecorded);
        Ok(true)
    }

    pub(super) async fn put_head(&self, device: &str, last_seq: i64) -> Result<()> {
        let head = Head {
            format: FORMAT,
            device: device.to_owned(),
            last_seq,
            name: self.device.name.clone(),
            platform: self.device.platform.clone(),
            app_version: self.device.app_version.clone(),
            pushed_at: crate::clock::now_ms(),
        };
        let body = serde_json::to_vec(&head).map_err(|e| CoreError::Internal(e.to_string()))?;
        let etag = self
            .store
            .put(&format!("{HEADS}{device}.json"), body, "application/json")
            .await?;
        self.replica.head_written(last_seq, Some(&etag)).await
    }
}
