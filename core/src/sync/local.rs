//! This device's side of sync in the library database: its identity and hybrid clock, turning the
//! outbox into the next segment (kept until the bucket confirms it, so a retry after a crash sends
//! the same bytes), and what a delete-forever leaves for sync to do.

use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, SqliteConnection, SqlitePool};

use super::clock;
use super::ops::{self, Field, MAX_OPS_PER_SEGMENT, Op, Packed};
use crate::library::{FileSet, Library, begin_immediate};
use crate::{CoreError, Result};

/// The columns of a job that sync carries (not leases, the provider's raw answer or updated_at).
pub const JOB_COLUMNS: &[&str] = &[
    "id",
    "image_id",
    "prompt",
    "task_type",
    "provider",
    "model",
    "image_size",
    "aspect_ratio",
    "num_images",
    "watermark",
    "input_image_urls",
    "input_image_ids",
    "seed",
    "remote_task_id",
    "cost",
    "estimated_cost",
    "may_be_charged",
    "duration_ms",
    "queue_ms",
    "submitted_at",
    "status",
    "error_kind",
    "error_message",
    "attempts",
    "timeout_secs",
    "parent_job_id",
    "parent_image_id",
    "created_at",
    "completed_at",
];

/// The columns of a new image that sync carries.
pub const IMAGE_COLUMNS: &[&str] = &[
    "id",
    "job_id",
    "position",
    "sha256",
    "path",
    "mime",
    "width",
    "height",
    "bytes",
    "thumb_path",
    "preview_path",
    "image_size",
    "kind",
    "created_at",
    "favourite",
    "rating",
    "deleted_at",
];

/// `json_object('id', id, …)` over `columns`.
pub fn json_object_sql(columns: &[&str]) -> String {
    let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', {c}")).collect();
    format!("json_object({})", pairs.join(", "))
}

/// This device in the library's sync log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviceState {
    pub device_id: String,
    pub last_seq: i64,
    pub head_seq: i64,
    pub head_etag: Option<String>,
    pub library_id: Option<String>,
    pub location: Option<String>,
    pub last_sync_at: Option<i64>,
}

pub async fn device(pool: &SqlitePool) -> Result<DeviceState> {
    Ok(sqlx::query_as(
        "SELECT device_id, last_seq, head_seq, head_etag, library_id, location, last_sync_at
         FROM sync_device",
    )
    .fetch_one(pool)
    .await?)
}

/// One tick of this device's hybrid clock (the same rule the triggers use).
pub async fn tick(conn: &mut SqliteConnection) -> Result<i64> {
    let (hlc,): (i64,) = sqlx::query_as(
        "UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1)
         RETURNING hlc",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(hlc)
}

/// Records that `ids` are deleted forever (tombstones, and purge operations to push) in the
/// caller's transaction, before their rows go.
pub(crate) async fn record_purges(conn: &mut SqliteConnection, ids: &[String]) -> Result<()> {
    for id in ids {
        let hlc = tick(conn).await?;
        sqlx::query(
            "INSERT INTO sync_tombstones (image_id, hlc) VALUES (?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(hlc)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM sync_outbox WHERE entity = 'image' AND id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM sync_versions WHERE entity = 'image' AND id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('image', ?, 'purge', ?)",
        )
        .bind(id)
        .bind(hlc)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The last image using `set`'s bytes is gone: nothing of it is left to upload or download, and
/// (for a delete-forever made here) its files leave the bucket too.
pub(crate) async fn files_gone(
    conn: &mut SqliteConnection,
    set: &FileSet,
    from_bucket: bool,
) -> Result<()> {
    sqlx::query("DELETE FROM sync_files WHERE sha256 = ? AND direction IN ('up', 'down')")
        .bind(&set.sha256)
        .execute(&mut *conn)
        .await?;
    if from_bucket {
        let keys = [
            Some(&set.path),
            set.thumb_path.as_ref(),
            set.preview_path.as_ref(),
        ];
        for (i, key) in keys.into_iter().enumerate() {
            if let Some(key) = key {
                sqlx::query(
                    "INSERT INTO sync_files (key, direction, sha256, content_type, original)
                     VALUES (?, 'delete', ?, '', ?) ON CONFLICT DO NOTHING",
                )
                .bind(key)
                .bind(&set.sha256)
                .bind(i == 0)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}

/// An outbox row a segment carries; deleted when the segment is confirmed, unless a newer change
/// replaced it meanwhile (its clock differs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Dirty {
    pub entity: String,
    pub id: String,
    pub field: String,
    pub hlc: i64,
}

/// A segment built and waiting for the bucket's confirmation.
#[derive(Debug, Clone)]
pub struct PendingSegment {
    pub seq: i64,
    pub packed: Packed,
    pub dirty: Vec<Dirty>,
    pub ops: usize,
}

/// The segment a crash left unconfirmed, if any.
pub async fn pending_segment(pool: &SqlitePool) -> Result<Option<PendingSegment>> {
    let row: Option<(i64, Vec<u8>, String, String)> = sqlx::query_as(
        "SELECT seq, body, sha256, dirty FROM sync_pending_segment ORDER BY seq LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    row.map(|(seq, body, sha256, dirty)| {
        let dirty: Vec<Dirty> = serde_json::from_str(&dirty)
            .map_err(|e| CoreError::Internal(format!("a pending sync segment is damaged: {e}")))?;
        Ok(PendingSegment {
            seq,
            ops: dirty.len(),
            packed: Packed { body, sha256 },
            dirty,
        })
    })
    .transpose()
}

/// Builds the next segment from the outbox (jobs first, then new images, then edits, so an image
/// never arrives before its job) and keeps it as pending. `None` when nothing is left to push.
pub async fn build_segment(library: &Library, device: &str) -> Result<Option<PendingSegment>> {
    let mut tx = begin_immediate(library.pool()).await?;
    let rows: Vec<Dirty> = sqlx::query_as(
        "SELECT entity, id, field, hlc FROM sync_outbox
         ORDER BY CASE WHEN entity = 'job' THEN 0 WHEN field = 'create' THEN 1 ELSE 2 END, hlc
         LIMIT ?",
    )
    .bind(MAX_OPS_PER_SEGMENT as i64)
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let job_sql = format!(
        "SELECT {} FROM jobs WHERE id = ? AND origin_device IS NULL",
        json_object_sql(JOB_COLUMNS)
    );
    let image_sql = format!(
        "SELECT {} FROM images WHERE id = ?",
        json_object_sql(IMAGE_COLUMNS)
    );
    let mut ops = Vec::with_capacity(rows.len());
    let mut carried = Vec::with_capacity(rows.len());
    for row in rows {
        let op = match (row.entity.as_str(), row.field.as_str()) {
            ("job", _) => record(&mut tx, &job_sql, &row.id)
                .await?
                .map(|record| Op::Job {
                    id: row.id.clone(),
                    hlc: row.hlc,
                    record,
                }),
            ("image", "create") => {
                record(&mut tx, &image_sql, &row.id)
                    .await?
                    .map(|record| Op::Image {
                        id: row.id.clone(),
                        hlc: row.hlc,
                        record,
                    })
            }
            ("image", "purge") => Some(Op::Purge {
                id: row.id.clone(),
                hlc: row.hlc,
            }),
            ("image", field) => match Field::parse(field) {
                Some(field) => edit(&mut tx, &row.id, field, device).await?,
                None => None,
            },
            _ => None,
        };
        match op {
            Some(op) => {
                ops.push(op);
                carried.push(row);
            }
            // Gone, or a newer edit from another device won: nothing to say.
            None => {
                sqlx::query(
                    "DELETE FROM sync_outbox WHERE entity = ? AND id = ? AND field = ? AND hlc = ?",
                )
                .bind(&row.entity)
                .bind(&row.id)
                .bind(&row.field)
                .bind(row.hlc)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    if ops.is_empty() {
        tx.commit().await?;
        return Box::pin(build_segment(library, device)).await;
    }
    let (last_seq,): (i64,) = sqlx::query_as("SELECT last_seq FROM sync_device")
        .fetch_one(&mut *tx)
        .await?;
    let seq = last_seq + 1;
    let packed = ops::pack(device, seq, &ops)?;
    let dirty = serde_json::to_string(&carried)
        .map_err(|e| CoreError::Internal(format!("could not record a segment: {e}")))?;
    sqlx::query("INSERT INTO sync_pending_segment (seq, body, sha256, dirty) VALUES (?, ?, ?, ?)")
        .bind(seq)
        .bind(&packed.body)
        .bind(&packed.sha256)
        .bind(dirty)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(PendingSegment {
        seq,
        packed,
        ops: carried.len(),
        dirty: carried,
    }))
}

async fn record(
    conn: &mut SqliteConnection,
    sql: &str,
    id: &str,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>> {
    let json: Option<(String,)> = sqlx::query_as(AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(json.and_then(|(text,)| serde_json::from_str(&text).ok()))
}

/// The edit of `field` as this device made it, or `None` if another device's newer edit won.
async fn edit(
    conn: &mut SqliteConnection,
    id: &str,
    field: Field,
    device: &str,
) -> Result<Option<Op>> {
    let version: Option<(i64, String)> = sqlx::query_as(
        "SELECT hlc, device FROM sync_versions WHERE entity = 'image' AND id = ? AND field = ?",
    )
    .bind(id)
    .bind(field.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((hlc, _)) = version.filter(|(_, owner)| owner == device) else {
        return Ok(None);
    };
    let sql = format!(
        "SELECT json_object('v', {}) FROM images WHERE id = ?",
        field.column()
    );
    let value: Option<(String,)> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(value
        .and_then(|(text,)| serde_json::from_str::<serde_json::Value>(&text).ok())
        .map(|v| Op::Set {
            id: id.to_owned(),
            hlc,
            field,
            value: v.get("v").cloned().unwrap_or(serde_json::Value::Null),
        }))
}

/// The bucket holds segment `seq` (stored at `last_modified_ms`, server time): its outbox rows are
/// done, and this device's versions are clamped the way every reader clamps them.
pub async fn segment_pushed(
    library: &Library,
    segment: &PendingSegment,
    device: &str,
    last_modified_ms: i64,
) -> Result<()> {
    let mut tx = begin_immediate(library.pool()).await?;
    for d in &segment.dirty {
        sqlx::query(
            "DELETE FROM sync_outbox WHERE entity = ? AND id = ? AND field = ? AND hlc = ?",
        )
        .bind(&d.entity)
        .bind(&d.id)
        .bind(&d.field)
        .bind(d.hlc)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE sync_versions SET hlc = ? WHERE device = ? AND hlc > ?")
        .bind(clock::cap_for(last_modified_ms))
        .bind(device)
        .bind(clock::cap_for(last_modified_ms))
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE sync_device SET last_seq = max(last_seq, ?)")
        .bind(segment.seq)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sync_pending_segment WHERE seq = ?")
        .bind(segment.seq)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
