//! This device's place in the replication log: its identity and hybrid clock, where its copy
//! lives (the verified library id and location), how far its own segments and its head reached the
//! bucket, and how far every other device's segments are applied here.

use sqlx::{SqliteConnection, SqlitePool};

use super::Replica;
use crate::Result;
use crate::library::begin_immediate;

/// This device in the library's sync log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviceState {
    pub device_id: String,
    pub last_seq: i64,
    pub head_seq: i64,
    pub head_etag: Option<String>,
    pub library_id: Option<String>,
    pub location: Option<String>,
    /// The owner `library.json` named when `location` was verified (`None`: not checked yet).
    pub owner: Option<String>,
    pub last_sync_at: Option<i64>,
}

/// Another device as this library last saw it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PeerRow {
    pub device_id: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub last_push_at: Option<i64>,
}

/// What waits to move, for the status screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Changes not pushed yet.
    pub outbox: u32,
    /// Files to upload or delete from the bucket.
    pub files_up: u32,
    pub files_down: u32,
}

pub(super) async fn device(pool: &SqlitePool) -> Result<DeviceState> {
    Ok(sqlx::query_as(
        "SELECT device_id, last_seq, head_seq, head_etag, library_id, location, owner, last_sync_at
         FROM sync_device",
    )
    .fetch_one(pool)
    .await?)
}

/// One tick of this device's hybrid clock (the same rule the triggers use).
pub(super) async fn tick(conn: &mut SqliteConnection) -> Result<i64> {
    let (hlc,): (i64,) = sqlx::query_as(
        "UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1)
         RETURNING hlc",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(hlc)
}

impl Replica {
    pub async fn device(&self) -> Result<DeviceState> {
        device(self.pool()).await
    }

    /// The bucket's library at `label` (endpoint|bucket|prefix) is `library_id`, owned by
    /// `owner`, verified.
    pub async fn set_location(&self, library_id: &str, label: &str, owner: &str) -> Result<()> {
        sqlx::query("UPDATE sync_device SET library_id = ?, location = ?, owner = ?")
            .bind(library_id)
            .bind(label)
            .bind(owner)
            .execute(self.pool())
            .await?;
        self.library.changes().sync();
        Ok(())
    }

    /// A sync run completed at `now_ms`.
    pub async fn mark_synced(&self, now_ms: i64) -> Result<()> {
        sqlx::query("UPDATE sync_device SET last_sync_at = ?")
            .bind(now_ms)
            .execute(self.pool())
            .await?;
        self.library.changes().sync();
        Ok(())
    }

    /// Our head in the bucket now announces `seq` and has this ETag.
    pub async fn head_written(&self, seq: i64, etag: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE sync_device SET head_seq = ?, head_etag = ?")
            .bind(seq)
            .bind(etag)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// How far `device`'s segments are applied here, and the ETag of its head when last read.
    pub async fn peer(&self, device: &str) -> Result<(i64, Option<String>)> {
        let known: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT applied_seq, head_etag FROM sync_peers WHERE device_id = ?")
                .bind(device)
                .fetch_optional(self.pool())
                .await?;
        Ok(known.unwrap_or((0, None)))
    }

    /// Other devices that announced themselves, the most recent first.
    pub async fn peers(&self) -> Result<Vec<PeerRow>> {
        Ok(sqlx::query_as(
            "SELECT device_id, name, platform, last_push_at FROM sync_peers
             WHERE head_etag IS NOT NULL ORDER BY last_push_at DESC",
        )
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn backlog(&self) -> Result<Backlog> {
        let (outbox,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sync_outbox")
            .fetch_one(self.pool())
            .await?;
        let (up, down): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(direction IN ('up', 'delete')), 0), COALESCE(SUM(direction = 'down'), 0)
             FROM sync_files",
        )
        .fetch_one(self.pool())
        .await?;
        let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        Ok(Backlog {
            outbox: count(outbox),
            files_up: count(up),
            files_down: count(down),
        })
    }

    /// Another bucket or prefix (or a library recreated there): this device starts its log over
    /// and sends everything it has — its jobs, its images and their files, its references,
    /// albums, tags, saved prompts and wildcard lists, and its delete-forevers (so an image
    /// purged here is not resurrected by a device that still has it).
    pub async fn start_over(&self) -> Result<()> {
        let mut tx = begin_immediate(self.pool()).await?;
        for sql in [
            "DELETE FROM sync_peers",
            "DELETE FROM sync_pending_segment",
            "DELETE FROM sync_rescan",
            "UPDATE sync_device SET last_seq = 0, head_seq = 0, head_etag = NULL",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'job', id, 'record', created_at * 65536 FROM jobs WHERE true ON CONFLICT DO NOTHING",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'image', id, 'create', created_at * 65536 FROM images
               WHERE id NOT IN (SELECT image_id FROM sync_tombstones) ON CONFLICT DO NOTHING",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'image', image_id, 'purge', hlc FROM sync_tombstones WHERE true ON CONFLICT DO NOTHING",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'ref', id, 'record', updated_at * 65536 FROM refs WHERE true ON CONFLICT DO NOTHING",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'album', id, 'record', updated_at * 65536 FROM albums WHERE true ON CONFLICT DO NOTHING",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'prompt', id, 'record', updated_at * 65536 FROM saved_prompts WHERE true ON CONFLICT DO NOTHING",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'wildcard', id, 'record', updated_at * 65536 FROM wildcard_lists WHERE true ON CONFLICT DO NOTHING",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'member', image_id, album_id, added_at * 65536 FROM album_images
               WHERE image_id NOT IN (SELECT image_id FROM sync_tombstones) ON CONFLICT DO NOTHING",
            "INSERT INTO sync_outbox (entity, id, field, hlc)
               SELECT 'tag', image_id, tag, added_at * 65536 FROM image_tags
               WHERE image_id NOT IN (SELECT image_id FROM sync_tombstones) ON CONFLICT DO NOTHING",
            "INSERT INTO sync_files (key, direction, sha256, content_type, original)
               SELECT p.value, 'up', i.sha256, CASE p.key WHEN 0 THEN i.mime ELSE 'image/jpeg' END, p.key = 0
               FROM images i, json_each(json_array(i.path, i.thumb_path, i.preview_path)) p
               WHERE p.value IS NOT NULL AND i.id NOT IN (SELECT image_id FROM sync_tombstones)
               ON CONFLICT DO NOTHING",
        ] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        self.library.changes().sync();
        Ok(())
    }

    /// This library is an older copy of this device (restored from a backup, or its segment
    /// numbers were reused): it takes a new device identity and pushes again from the start.
    pub async fn new_identity(&self) -> Result<()> {
        let mut tx = begin_immediate(self.pool()).await?;
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
}
