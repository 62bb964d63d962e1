//! One sync run, step by step: make sure the bucket holds this library (`library.json`), upload
//! new files, push the outbox as segments and announce them in this device's head, pull the
//! segments other devices announced, then fetch their files. One run at a time per library, in
//! this process (a mutex) and across processes (a file lock), so the app and the CLI never sync
//! the same library at once (the app also serialises its own runs).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::files;
use super::ops::{self, FORMAT, MAX_PACKED_SEGMENT_BYTES};
use super::setup::SyncLocation;
use super::store::{Body, Created, ObjectStore, S3Store};
use super::{Progress, SyncError, SyncStage};
use crate::crash::{CrashPoint, crash_point};
use crate::library::replica::{
    DeviceState, FileDirection as Direction, PeerUpdate, PendingSegment, PulledSegment, Replica,
};
use crate::{CoreError, Result};

pub(super) const LIBRARY_KEY: &str = "library.json";
const HEADS: &str = "heads/";
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
}

/// The bucket's root object for one library.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LibraryRoot {
    format: u32,
    library_id: String,
    created_ms: i64,
}

/// A device's head: how far its segments go, and who it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Head {
    format: u32,
    device: String,
    last_seq: i64,
    name: String,
    platform: String,
    app_version: String,
    pushed_at: i64,
}

/// Syncs one library with one location.
#[derive(Clone, Debug)]
pub struct Syncer {
    replica: Replica,
    location: SyncLocation,
    store: Arc<dyn ObjectStore>,
    device: DeviceInfo,
    keep_originals: bool,
}

impl Syncer {
    /// A syncer of `replica` with the S3 bucket at `location`.
    pub fn new(
        replica: Replica,
        location: SyncLocation,
        secret_access_key: &str,
        device: DeviceInfo,
        keep_originals: bool,
    ) -> Syncer {
        let store: Arc<dyn ObjectStore> = Arc::new(S3Store::new(&location, secret_access_key));
        Syncer::with_store(replica, location, store, device, keep_originals)
    }

    /// A syncer over any object store.
    pub fn with_store(
        replica: Replica,
        location: SyncLocation,
        store: Arc<dyn ObjectStore>,
        device: DeviceInfo,
        keep_originals: bool,
    ) -> Syncer {
        Syncer {
            replica,
            location,
            store,
            device,
            keep_originals,
        }
    }

    pub fn location(&self) -> &SyncLocation {
        &self.location
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
        self.preflight().await?;
        let up = files::move_all(&self.replica, &self.store, Direction::Up, progress).await?;
        report.uploaded_files = up.files;
        crash_point(CrashPoint::AfterUploads);
        self.push(&mut report, progress).await?;
        crash_point(CrashPoint::AfterHead);
        self.pull(&mut report, progress).await?;
        let down = files::move_all(&self.replica, &self.store, Direction::Down, progress).await?;
        crash_point(CrashPoint::AfterDownloads);
        let gone =
            files::move_all(&self.replica, &self.store, Direction::Delete, progress).await?;
        report.downloaded_files = down.files;
        report.deleted_files = gone.files;
        report.files_left = up.left + down.left + gone.left;
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

    /// Makes sure the bucket holds this library: adopts its `library.json`, or creates it (two
    /// first devices racing: one creates, the other gets a 412 and adopts). Known locations are
    /// not checked again.
    async fn preflight(&self) -> Result<()> {
        let device = self.replica.device().await?;
        let label = self.location.label();
        if device.location.as_deref() == Some(label.as_str()) && device.library_id.is_some() {
            return Ok(());
        }
        let root = match self.read_root().await? {
            Some(root) => root,
            None => {
                let fresh = LibraryRoot {
                    format: FORMAT,
                    library_id: uuid::Uuid::new_v4().to_string(),
                    created_ms: crate::clock::now_ms(),
                };
                let body =
                    serde_json::to_vec(&fresh).map_err(|e| CoreError::Internal(e.to_string()))?;
                match self
                    .store
                    .create(LIBRARY_KEY, Body::Bytes(body), "application/json")
                    .await?
                {
                    Created::Now => fresh,
                    Created::AlreadyThere => self
                        .read_root()
                        .await?
                        .ok_or_else(|| SyncError::Corrupt("library.json vanished".into()))?,
                }
            }
        };
        let moved = device.location.is_some() || device.library_id.is_some();
        if moved {
            // Another bucket or prefix (or a library recreated there): this device starts its log
            // over and sends everything it has.
            self.replica.start_over().await?;
        }
        self.replica.set_location(&root.library_id, &label).await

    }

    async fn read_root(&self) -> Result<Option<LibraryRoot>> {
        let Some(found) = self.store.get(LIBRARY_KEY, MAX_SMALL_OBJECT).await? else {
            return Ok(None);
        };
        let root: LibraryRoot = serde_json::from_slice(&found.body)
            .map_err(|e| SyncError::Corrupt(format!("library.json: {e}")))?;
        if root.format > FORMAT {
            return Err(SyncError::FormatTooNew(root.format).into());
        }
        Ok(Some(root))
    }

    fn segment_key(device: &str, seq: i64) -> String {
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
            )
            .await?;
        let last_modified = match created {
            Created::Now => self.store.last_modified(&key).await?,
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

    async fn put_head(&self, device: &str, last_seq: i64) -> Result<()> {
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

    /// One listing of the heads; only changed heads are read, and only their new segments.
    async fn pull(&self, report: &mut SyncReport, progress: &Progress) -> Result<()> {
        let me = self.replica.device().await?;
        let listed = self.store.list(HEADS).await?;
        let mut segments = Vec::new();
        let mut peers = Vec::new();
        for entry in &listed {
            let Some(device) = entry
                .key
                .strip_prefix(HEADS)
                .and_then(|k| k.strip_suffix(".json"))
            else {
                continue;
            };
            if device == me.device_id {
                if entry.etag.is_empty() || me.head_etag.as_deref() != Some(entry.etag.as_str()) {
                    self.check_own_head(&me, &entry.key).await?;
                }
                continue;
            }
            let (applied, etag) = self.replica.peer(device).await?;
            if !entry.etag.is_empty() && etag.as_deref() == Some(entry.etag.as_str()) {
                continue;
            }
            let Some(found) = self.store.get(&entry.key, MAX_SMALL_OBJECT).await? else {
                continue;
            };
            let head: Head = serde_json::from_slice(&found.body)
                .map_err(|e| SyncError::Corrupt(format!("{}: {e}", entry.key)))?;
            if head.format > FORMAT {
                return Err(SyncError::FormatTooNew(head.format).into());
            }
            let mut complete = true;
            for seq in applied + 1..=head.last_seq {
                progress.report(
                    SyncStage::Pulling,
                    report.segments_pulled,
                    report.segments_pulled + 1,
                    0,
                );
                let key = Self::segment_key(device, seq);
                let Some(body) = self.store.get(&key, MAX_PACKED_SEGMENT_BYTES).await? else {
                    tracing::warn!(
                        device,
                        seq,
                        "a segment its head announces is missing; trying later"
                    );
                    complete = false;
                    break;
                };
                let unpacked = ops::unpack(&body.body, device, seq)?;
                report.ops_pulled += u32::try_from(unpacked.ops.len()).unwrap_or(u32::MAX);
                report.segments_pulled += 1;
                segments.push(PulledSegment {
                    device: device.to_owned(),
                    seq,
                    last_modified_ms: body.last_modified_ms,
                    ops: unpacked.ops,
                    unknown_kinds: unpacked.unknown_kinds,
                });
            }
            if complete {
                peers.push(PeerUpdate {
                    device: device.to_owned(),
                    etag: entry.etag.clone(),
                    name: Some(head.name),
                    platform: Some(head.platform),
                    app_version: Some(head.app_version),
                    last_push_at: Some(head.pushed_at),
                });
            }
        }
        if !listed
            .iter()
            .any(|e| e.key == format!("{HEADS}{}.json", me.device_id))
            && me.last_seq > 0
        {
            // Our head is gone from the bucket (deleted by hand?): announce our segments again.
            self.put_head(&me.device_id, me.last_seq).await?;
        }
        segments.extend(self.rescans().await?);
        if segments.is_empty() && peers.is_empty() {
            return Ok(());
        }
        let applied = self
            .replica
            .apply(&segments, &peers, self.keep_originals)
            .await?;
        report.new_images += u32::try_from(applied.new_images).unwrap_or(u32::MAX);
        Ok(())
    }

    /// Segments read before with kinds this version did not know, read again for those kinds.
    async fn rescans(&self) -> Result<Vec<PulledSegment>> {
        let mut again = Vec::new();
        for rescan in self.replica.rescans_due().await? {
            let key = Self::segment_key(&rescan.device, rescan.seq);
            let Some(body) = self.store.get(&key, MAX_PACKED_SEGMENT_BYTES).await? else {
                continue;
            };
            let unpacked = ops::unpack(&body.body, &rescan.device, rescan.seq)?;
            let wanted = rescan.now_known();
            again.push(PulledSegment {
                device: rescan.device.clone(),
                seq: rescan.seq,
                last_modified_ms: body.last_modified_ms,
                ops: unpacked
                    .ops
                    .into_iter()
                    .filter(|op| wanted.iter().any(|k| k == op.kind()))
                    .collect(),
                unknown_kinds: unpacked.unknown_kinds,
            });
        }
        Ok(again)
    }

    /// Our head changed in the bucket without us: if it announces more than we pushed, this
    /// library is an older copy of this device (restored from a backup), so it takes a new
    /// identity and pulls its own later segments as another device's.
    async fn check_own_head(&self, me: &DeviceState, key: &str) -> Result<()> {
        let Some(found) = self.store.get(key, MAX_SMALL_OBJECT).await? else {
            return Ok(());
        };
        let head: Head = serde_json::from_slice(&found.body)
            .map_err(|e| SyncError::Corrupt(format!("{key}: {e}")))?;
        if head.last_seq > me.last_seq {
            tracing::warn!(device = %me.device_id, "this library is older than its own head: new device identity");
            self.replica.new_identity().await?;
        }
        Ok(())
    }
}
