//! Applying other devices' segments: the deterministic merge. Jobs are replaced by their newer
//! record (only their own device writes them); a new image is inserted once; each edited field
//! keeps the value with the highest (clock, device) version; a purge is terminal. Everything pulled
//! in one run is applied in one transaction with the peers' cursors, so a crash applies all of it
//! or none, and nothing is ever applied twice. Nothing is inferred from absence.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use sqlx::error::ErrorKind;
use sqlx::{AssertSqlSafe, SqliteConnection};

use super::clock;
use super::local::{IMAGE_COLUMNS, JOB_COLUMNS};
use super::ops::{Field, Op};
use crate::library::{
    FileSet, Library, Reach, begin_immediate, delete_image_rows, original_rel, thumb_rel,
};
use crate::{CoreError, Result};

/// One segment of another device, as read from the bucket.
#[derive(Debug, Clone)]
pub struct PulledSegment {
    pub device: String,
    pub seq: i64,
    pub last_modified_ms: i64,
    pub ops: Vec<Op>,
}

/// A peer's head as it is after this pull.
#[derive(Debug, Clone)]
pub struct PeerUpdate {
    pub device: String,
    pub etag: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub app_version: Option<String>,
    pub last_push_at: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub ops: usize,
    pub new_images: usize,
    pub purged: usize,
}

/// Applies `segments` (in device, seq order) and records the peers' heads, in one transaction.
pub async fn apply(
    library: &Library,
    segments: &[PulledSegment],
    peers: &[PeerUpdate],
    keep_originals: bool,
) -> Result<Applied> {
    let mut tx = begin_immediate(library.pool()).await?;
    // An image may name a job another device's segment (in this same pull) creates.
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE sync_device SET applying = 1")
        .execute(&mut *tx)
        .await?;
    let mut applied = Applied::default();
    let mut seen_hlc = 0;
    let mut jobs_touched = Vec::new();
    let mut images_added = Vec::new();
    let mut purged = Vec::new();
    // Jobs first, then new images, then edits and purges: a segment's edit may be about an image
    // that another device's segment, applied in the same pull, creates.
    for phase in 0..3 {
        for segment in segments {
            for op in &segment.ops {
                let eff = clock::effective(op.hlc(), segment.last_modified_ms);
                let dev = segment.device.as_str();
                let done = match (phase, op) {
                    (0, Op::Job { id, record, .. }) => {
                        jobs_touched.push(id.clone());
                        apply_job(&mut tx, library, dev, record).await?
                    }
                    (1, Op::Image { id, record, .. }) => {
                        let new =
                            apply_image(&mut tx, library, dev, id, eff, record, keep_originals)
                                .await?;
                        if new {
                            applied.new_images += 1;
                            images_added.push(id.clone());
                        }
                        true
                    }
                    (
                        2,
                        Op::Set {
                            id, field, value, ..
                        },
                    ) => set_field(&mut tx, id, *field, value, eff, dev).await?,
                    (2, Op::Purge { id, .. }) => {
                        purge(&mut tx, id, eff).await?;
                        purged.push(id.clone());
                        true
                    }
                    _ => false,
                };
                if done {
                    applied.ops += 1;
                    seen_hlc = seen_hlc.max(eff);
                }
            }
        }
    }
    let files: BTreeSet<FileSet> = delete_image_rows(&mut tx, &purged).await?;
    applied.purged = purged.len();
    forget_dangling_lineage(&mut tx, &jobs_touched, &images_added).await?;
    for segment in segments {
        sqlx::query(
            "INSERT INTO sync_peers (device_id, applied_seq) VALUES (?, ?)
             ON CONFLICT (device_id) DO UPDATE SET applied_seq = max(applied_seq, excluded.applied_seq)",
        )
        .bind(&segment.device)
        .bind(segment.seq)
        .execute(&mut *tx)
        .await?;
    }
    for peer in peers {
        sqlx::query(
            "INSERT INTO sync_peers (device_id, head_etag, name, platform, app_version, last_push_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (device_id) DO UPDATE SET head_etag = excluded.head_etag, name = excluded.name,
                 platform = excluded.platform, app_version = excluded.app_version,
                 last_push_at = excluded.last_push_at",
        )
        .bind(&peer.device)
        .bind(&peer.etag)
        .bind(&peer.name)
        .bind(&peer.platform)
        .bind(&peer.app_version)
        .bind(peer.last_push_at)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE sync_device SET applying = 0, hlc = max(hlc, ?)")
        .bind(seen_hlc)
        .execute(&mut *tx)
        .await?;
    super::crash::crash_point("mid_apply");
    tx.commit().await?;
    library
        .remove_unreferenced_files(files, Reach::ThisDevice)
        .await?;
    Ok(applied)
}

fn json_text(record: &Map<String, Value>) -> Result<String> {
    serde_json::to_string(record).map_err(|e| CoreError::Internal(e.to_string()))
}

/// Inserts or replaces another device's job. Never touches a job made here.
async fn apply_job(
    conn: &mut SqliteConnection,
    library: &Library,
    device: &str,
    record: &Map<String, Value>,
) -> Result<bool> {
    let columns = JOB_COLUMNS.join(", ");
    let values: Vec<String> = JOB_COLUMNS
        .iter()
        .map(|c| format!("json_extract(?1, '$.{c}')"))
        .collect();
    let updates: Vec<String> = JOB_COLUMNS
        .iter()
        .filter(|c| **c != "id")
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO jobs (profile_id, origin_device, updated_at, {columns})
         VALUES (?2, ?3, ?4, {})
         ON CONFLICT (id) DO UPDATE SET {}, updated_at = excluded.updated_at
         WHERE jobs.origin_device = excluded.origin_device",
        values.join(", "),
        updates.join(", ")
    );
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(json_text(record)?)
        .bind(library.profile_id())
        .bind(device)
        .bind(crate::clock::now_ms())
        .execute(&mut *conn)
        .await;
    match done {
        Ok(r) => Ok(r.rows_affected() > 0),
        // A record this version cannot store (a check it does not pass) is skipped, not fatal.
        Err(sqlx::Error::Database(e))
            if matches!(
                e.kind(),
                ErrorKind::CheckViolation | ErrorKind::NotNullViolation
            ) =>
        {
            tracing::warn!(device, error = %e, "skipping a job this version cannot store");
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Inserts another device's new image (its original is in the bucket) and queues its files for
/// download. Returns whether it was new here.
async fn apply_image(
    conn: &mut SqliteConnection,
    library: &Library,
    device: &str,
    id: &str,
    eff: i64,
    record: &Map<String, Value>,
    keep_originals: bool,
) -> Result<bool> {
    if tombstoned(conn, id).await? {
        return Ok(false);
    }
    let Some(files) = checked_files(record) else {
        tracing::warn!(
            device,
            id,
            "skipping an image whose file names are not its own"
        );
        return Ok(false);
    };
    let columns = IMAGE_COLUMNS.join(", ");
    let values: Vec<String> = IMAGE_COLUMNS
        .iter()
        .map(|c| format!("json_extract(?1, '$.{c}')"))
        .collect();
    let sql = format!(
        "INSERT INTO images (profile_id, original_remote, {columns}) VALUES (?2, 1, {})
         ON CONFLICT DO NOTHING",
        values.join(", ")
    );
    let inserted = sqlx::query(AssertSqlSafe(sql))
        .bind(json_text(record)?)
        .bind(library.profile_id())
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0;
    if !inserted {
        // Known already: its first field values are versions like any other edit.
        for field in [Field::Favourite, Field::Rating, Field::Trashed] {
            let value = record.get(field.column()).cloned().unwrap_or(Value::Null);
            set_field(conn, id, field, &value, eff, device).await?;
        }
        return Ok(false);
    }
    for field in [Field::Favourite, Field::Rating, Field::Trashed] {
        sqlx::query(
            "INSERT INTO sync_versions (entity, id, field, hlc, device) VALUES ('image', ?, ?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(field.as_str())
        .bind(eff)
        .bind(device)
        .execute(&mut *conn)
        .await?;
    }
    for (key, content_type, original) in files {
        if original && !keep_originals {
            continue;
        }
        sqlx::query(
            "INSERT INTO sync_files (key, direction, sha256, content_type, original)
             VALUES (?, 'down', ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(&key)
        .bind(
            record
                .get("sha256")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        )
        .bind(content_type)
        .bind(original)
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

/// The image's files, if their names are exactly the content-addressed names its hash gives (a
/// bucket can never make this device read or write anywhere else).
fn checked_files(record: &Map<String, Value>) -> Option<Vec<(String, String, bool)>> {
    let text = |k: &str| record.get(k).and_then(Value::as_str);
    let sha = text("sha256")?;
    if sha.len() != 64
        || !sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    let mime = text("mime")?;
    let ext = match mime {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        _ => return None,
    };
    let path = text("path")?;
    if path != original_rel(sha, ext) {
        return None;
    }
    let mut files = vec![(path.to_owned(), mime.to_owned(), true)];
    for (key, side) in [("thumb_path", 256), ("preview_path", 512)] {
        match record.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(p)) if *p == thumb_rel(sha, side) => {
                files.push((p.clone(), "image/jpeg".to_owned(), false));
            }
            Some(_) => return None,
        }
    }
    Some(files)
}

async fn tombstoned(conn: &mut SqliteConnection, id: &str) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM sync_tombstones WHERE image_id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
}

/// Last writer wins: applies `value` to `field` when (eff, device) beats the version here.
async fn set_field(
    conn: &mut SqliteConnection,
    id: &str,
    field: Field,
    value: &Value,
    eff: i64,
    device: &str,
) -> Result<bool> {
    if tombstoned(conn, id).await? {
        return Ok(false);
    }
    let current: Option<(i64, String)> = sqlx::query_as(
        "SELECT hlc, device FROM sync_versions WHERE entity = 'image' AND id = ? AND field = ?",
    )
    .bind(id)
    .bind(field.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((hlc, owner)) = &current
        && !clock::wins((eff, device), (*hlc, owner))
    {
        return Ok(false);
    }
    let stored: Option<i64> = match (field, value) {
        (Field::Favourite, Value::Bool(b)) => Some(i64::from(*b)),
        (Field::Favourite | Field::Rating, Value::Number(n)) => n.as_i64(),
        (Field::Trashed, Value::Null) => None,
        (Field::Trashed, Value::Number(n)) => Some(n.as_i64().unwrap_or(0)),
        _ => {
            tracing::warn!(id, ?field, %value, "skipping an edit with a value of the wrong kind");
            return Ok(false);
        }
    };
    let valid = match field {
        Field::Favourite => matches!(stored, Some(0 | 1)),
        Field::Rating => matches!(stored, Some(0..=5)),
        Field::Trashed => true,
    };
    if !valid {
        return Ok(false);
    }
    let sql = format!("UPDATE images SET {} = ? WHERE id = ?", field.column());
    let changed = sqlx::query(AssertSqlSafe(sql))
        .bind(stored)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if changed.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO sync_versions (entity, id, field, hlc, device) VALUES ('image', ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device",
    )
    .bind(id)
    .bind(field.as_str())
    .bind(eff)
    .bind(device)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// A delete-forever from another device: the tombstone now, the row with the others after.
async fn purge(conn: &mut SqliteConnection, id: &str, eff: i64) -> Result<()> {
    sqlx::query("INSERT INTO sync_tombstones (image_id, hlc) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(eff)
        .execute(&mut *conn)
        .await?;
    for table in ["sync_outbox", "sync_versions"] {
        // `table` is one of two constants above.
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE entity = 'image' AND id = ?"
        )))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Lineage that points at a job this device never received (a segment lost to compaction, a
/// device that never pushed) is dropped rather than failing the whole pull at commit.
async fn forget_dangling_lineage(
    conn: &mut SqliteConnection,
    jobs: &[String],
    images: &[String],
) -> Result<()> {
    for id in images {
        sqlx::query(
            "UPDATE images SET job_id = NULL WHERE id = ? AND job_id IS NOT NULL
               AND job_id NOT IN (SELECT id FROM jobs)",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    for id in jobs {
        sqlx::query(
            "UPDATE jobs SET parent_job_id = NULL WHERE id = ? AND parent_job_id IS NOT NULL
               AND parent_job_id NOT IN (SELECT id FROM jobs)",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
