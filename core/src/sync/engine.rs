//! One sync run, step by step: make sure the bucket holds this library (`library.json`), upload
//! new files, push the outbox as segments and announce them in this device's head, pull the
//! segments other devices announced, then fetch their files. One run at a time per library, in
//! this process (a mutex) and across processes (a file lock), so the app and the CLI never sync
//! the same library at once (the app also serialises its own runs).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::apply::{self, PeerUpdate, PulledSegment};
use super::crash::crash_point;
use super::files::{self, Direction};
use super::local::{self, PendingSegment};
use super::ops::{self, FORMAT};
use super::settings::SyncLocation;
use super::transport::{Created, Transport};
use super::{Progress, SyncError, SyncStage};
use crate::library::{Library, begin_immediate};
use crate::{CoreError, Result};

const LIBRARY_KEY: &str = "library.json";
const HEADS: &str = "heads/";
const LOCK_FILE: &str = "sync.lock";

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
    library: Library,
    location: SyncLocation,
    transport: Transport,
    device: DeviceInfo,
    keep_originals: bool,
}

impl Syncer {
    pub fn new(
        library: Library,
        location: SyncLocation,
        secret_access_key: &str,
        device: DeviceInfo,
        keep_originals: bool,
    ) -> Syncer {
        let transport = Transport::new(&location, secret_access_key);
        Syncer {
            library,
            location,
            transport,
            device,
            keep_originals,
        }
    }

    pub fn location(&self) -> &SyncLocation {
        &self.location
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }

    pub(crate) fn library(&self) -> &Library {
        &self.library
    }

    /// One full sync. Safe to interrupt at any point: the next run carries on. Another run of
    /// the same library (here or in another process) makes this one fail with `Busy`.
    pub async fn run(&self, progress: &Progress) -> Result<SyncReport> {
        let _lock = self.lock_library().await?;
        let started = std::time::Instant::now();
        let mut report = SyncReport::default();
        progress.report(SyncStage::Connecting, 0, 1, 0);
        self.preflight().await?;
        let up = files::move_all(&self.library, &self.transport, Direction::Up, progress).await?;
        report.uploaded_files = up.files;
        crash_point("after_uploads");
        self.push(&mut report, progress).await?;
        crash_point("after_head");
        self.pull(&mut report, progress).await?;
        let down =
            files::move_all(&self.library, &self.transport, Direction::Down, progress).await?;
        crash_point("after_downloads");
        let gone =
            files::move_all(&self.library, &self.transport, Direction::Delete, progress).await?;
        report.downloaded_files = down.files;
        report.deleted_files = gone.files;
        report.files_left = up.left + down.left + gone.left;
        sqlx::query("UPDATE sync_device SET last_sync_at = ?")
            .bind(crate::clock::now_ms())
            .execute(self.library.pool())
            .await?;
        report.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        progress.report(SyncStage::Done, 1, 1, 0);
        Ok(report)
    }

    /// The cross-process lock, held for the run (released when the file closes).
    async fn lock_library(&self) -> Result<std::fs::File> {
        let path = self.library.root().join(LOCK_FILE);
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
        let device = local::device(self.library.pool()).await?;
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
                    .transport
                    .create(LIBRARY_KEY, body, "application/json")
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
            self.start_over().await?;
        }
        sqlx::query("UPDATE sync_device SET library_id = ?, location = ?")
            .bind(&root.library_id)
            .bind(&label)
            .execute(self.library.pool())
            .await?;
        Ok(())
    }

    async fn read_root(&self) -> Result<Option<LibraryRoot>> {
        let Some(found) = self.transport.get(LIBRARY_KEY).await? else {
            return Ok(None);
        };
        let root: LibraryRoot = serde_json::from_slice(&found.body)
            .map_err(|e| SyncError::Corrupt(format!("library.json: {e}")))?;
        if root.format > FORMAT {
            return Err(SyncError::FormatTooNew(root.format).into());
        }
        Ok(Some(root))
    }

    async fn start_over(&self) -> Result<()> {
        let mut tx = begin_immediate(self.library.pool()).await?;
        for sql in [
            "DELETE FROM sync_peers",
            "DELETE FROM sync_pending_segment",
            "UPDATE sync_device SET last_seq = 0, head_seq = 0, head_etag = NULL",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'job', id, 'record', created_at * 65536 FROM jobs WHERE true ON CONFLICT DO NOTHING",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'image', id, 'create', created_at * 65536 FROM images WHERE true ON CONFLICT DO NOTHING",
            "INSERT INTO sync_files (key, direction, sha256, content_type, original)
               SELECT p.value, 'up', i.sha256, CASE p.key WHEN 0 THEN i.mime ELSE 'image/jpeg' END, p.key = 0
               FROM images i, json_each(json_array(i.path, i.thumb_path, i.preview_path)) p
               WHERE p.value IS NOT NULL ON CONFLICT DO NOTHING",
        ] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    fn segment_key(device: &str, seq: i64) -> String {
        format!("ops/{device}/{seq:016x}.ndjson.gz")
    }

    /// Pushes the outbox, one segment at a time, then the head that announces them.
    async fn push(&self, report: &mut SyncReport, progress: &Progress) -> Result<()> {
        loop {
            let device = local::device(self.library.pool()).await?;
            let segment = match local::pending_segment(self.library.pool()).await? {
                Some(segment) => segment,
                None => match local::build_segment(&self.library, &device.device_id).await? {
                    Some(segment) => segment,
                    None => break,
                },
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
        let device = local::device(self.library.pool()).await?;
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
            .transport
            .create(&key, segment.packed.body.clone(), "application/gzip")
            .await?;
        let last_modified = match created {
            Created::Now => self.transport.last_modified(&key).await?,
            Created::AlreadyThere => {
                let found = self
                    .transport
                    .get(&key)
                    .await?
                    .ok_or_else(|| SyncError::Corrupt(format!("{key} vanished after a 412")))?;
                if ops::hex(&Sha256::digest(&found.body)) != segment.packed.sha256 {
                    tracing::warn!(
                        device,
                        seq = segment.seq,
                        "segment number reused: taking a new device identity"
                    );
                    self.new_identity().await?;
                    return Ok(false);
                }
                // Our own write whose answer was lost.
                found.last_modified_ms
            }
        };
        crash_point("after_segment_put");
        local::segment_pushed(&self.library, segment, device, last_modified).await?;
        crash_point("after_segment_recorded");
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
            .transport
            .put(&format!("{HEADS}{device}.json"), body, "application/json")
            .await?;
        sqlx::query("UPDATE sync_device SET head_seq = ?, head_etag = ?")
            .bind(last_seq)
            .bind(etag)
            .execute(self.library.pool())
            .await?;
        Ok(())
    }

    async fn new_identity(&self) -> Result<()> {
        let mut tx = begin_immediate(self.library.pool()).await?;
        let (old,): (String,) = sqlx::query_as("SELECT device_id FROM sync_device")
            .fetch_one(&mut *tx)
            .await?;
        let fresh = uuid::Uuid::new_v4().simple().to_string();
        sqlx::query(
            "UPDATE sync_device SET device_id = ?, last_seq = 0, head_seq = 0, head_etag = NULL",
        )
        .bind(&fresh)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE sync_versions SET device = ? WHERE device = ?")
            .bind(&fresh)
            .bind(&old)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sync_pending_segment")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One listing of the heads; only changed heads are read, and only their new segments.
    async fn pull(&self, report: &mut SyncReport, progress: &Progress) -> Result<()> {
        let me = local::device(self.library.pool()).await?;
        let listed = self.transport.list(HEADS).await?;
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
            let known: Option<(i64, Option<String>)> =
                sqlx::query_as("SELECT applied_seq, head_etag FROM sync_peers WHERE device_id = ?")
                    .bind(device)
                    .fetch_optional(self.library.pool())
                    .await?;
            let (applied, etag) = known.unwrap_or((0, None));
            if !entry.etag.is_empty() && etag.as_deref() == Some(entry.etag.as_str()) {
                continue;
            }
            let Some(found) = self.transport.get(&entry.key).await? else {
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
                let Some(body) = self.transport.get(&key).await? else {
                    tracing::warn!(
                        device,
                        seq,
                        "a segment its head announces is missing; trying later"
                    );
                    complete = false;
                    break;
                };
                let ops = ops::unpack(&body.body, device, seq)?;
                report.ops_pulled += u32::try_from(ops.len()).unwrap_or(u32::MAX);
                report.segments_pulled += 1;
                segments.push(PulledSegment {
                    device: device.to_owned(),
                    seq,
                    last_modified_ms: body.last_modified_ms,
                    ops,
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
        if segments.is_empty() && peers.is_empty() {
            return Ok(());
        }
        let applied = apply::apply(&self.library, &segments, &peers, self.keep_originals).await?;
        report.new_images += u32::try_from(applied.new_images).unwrap_or(u32::MAX);
        Ok(())
    }

    /// Our head changed in the bucket without us: if it announces more than we pushed, this
    /// library is an older copy of this device (restored from a backup), so it takes a new
    /// identity and pulls its own later segments as another device's.
    async fn check_own_head(&self, me: &local::DeviceState, key: &str) -> Result<()> {
        let Some(found) = self.transport.get(key).await? else {
            return Ok(());
        };
        let head: Head = serde_json::from_slice(&found.body)
            .map_err(|e| SyncError::Corrupt(format!("{key}: {e}")))?;
        if head.last_seq > me.last_seq {
            tracing::warn!(device = %me.device_id, "this library is older than its own head: new device identity");
            self.new_identity().await?;
        }
        Ok(())
    }
}
