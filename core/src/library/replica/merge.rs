//! The merge rules, one record at a time, inside apply's transaction: another device's job
//! replaces its older record (never a job made here); a new image is inserted once, only under its
//! own content-addressed file names; an edit wins by (clock, device); a purge is a terminal
//! tombstone.

use serde_json::{Map, Value};
use sqlx::error::ErrorKind;
use sqlx::{AssertSqlSafe, SqliteConnection};

use super::clock;
use super::records::{Field, IMAGE_COLUMNS, JOB_COLUMNS};
use crate::library::{original_rel, thumb_rel};
use crate::{CoreError, Result};

fn json_text(record: &Map<String, Value>) -> Result<String> {
    serde_json::to_string(record).map_err(|e| CoreError::Internal(e.to_string()))
}

/// Inserts or replaces another device's job. Never touches a job made here.
pub(super) async fn apply_job(
    conn: &mut SqliteConnection,
    profile_id: &str,
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
        .bind(profile_id)
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

/// Whose library a pulled image goes into, from which device, and whether its original is fetched.
pub(super) struct Target<'a> {
    pub profile_id: &'a str,
    pub device: &'a str,
    pub keep_originals: bool,
}

/// Which of the images `ids` were deleted forever here, in one query (not one per image: see
/// `apply_image`).
pub(super) async fn tombstoned_among(
    conn: &mut SqliteConnection,
    ids: &[&str],
) -> Result<std::collections::HashSet<String>> {
    let ids = serde_json::to_string(ids).map_err(|e| CoreError::Internal(e.to_string()))?;
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT image_id FROM sync_tombstones WHERE image_id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Inserts another device's new image (its original is in the bucket) and queues its files for
/// download. Returns whether it was new here. The caller has made sure it was not deleted forever
/// here (`tombstoned_among`).
pub(super) async fn apply_image(
    conn: &mut SqliteConnection,
    target: &Target<'_>,
    id: &str,
    eff: i64,
    record: &Map<String, Value>,
) -> Result<bool> {
    let (device, keep_originals) = (target.device, target.keep_originals);
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
        .bind(target.profile_id)
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
    // One statement for the three versions and one for the files: a pull of 10,000 images runs
    // these for each, and each statement is a round trip to SQLite's worker thread (most of the
    // apply's time in the sync bench's profile, more than SQLite's own work).
    sqlx::query(
        "INSERT INTO sync_versions (entity, id, field, hlc, device)
         VALUES ('image', ?1, ?2, ?5, ?6), ('image', ?1, ?3, ?5, ?6), ('image', ?1, ?4, ?5, ?6)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(Field::Favourite.as_str())
    .bind(Field::Rating.as_str())
    .bind(Field::Trashed.as_str())
    .bind(eff)
    .bind(device)
    .execute(&mut *conn)
    .await?;
    let files: Vec<_> = files
        .into_iter()
        .filter(|(_, _, original)| keep_originals || !original)
        .collect();
    if !files.is_empty() {
        let rows = vec!["(?, 'down', ?, ?, ?)"; files.len()].join(", ");
        let sql = format!(
            "INSERT INTO sync_files (key, direction, sha256, content_type, original)
             VALUES {rows} ON CONFLICT DO NOTHING"
        );
        let sha256 = record
            .get("sha256")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut insert = sqlx::query(AssertSqlSafe(sql));
        for (key, content_type, original) in files {
            insert = insert
                .bind(key)
                .bind(sha256)
                .bind(content_type)
                .bind(original);
        }
        insert.execute(&mut *conn).await?;
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
pub(super) async fn set_field(
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
pub(super) async fn purge(conn: &mut SqliteConnection, id: &str, eff: i64) -> Result<()> {
    sqlx::query("INSERT INTO sync_tombstones (image_id, hlc) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(eff)
        .execute(&mut *conn)
        .await?;
    for table in ["sync_outbox", "sync_versions"] {
        // `table` is one of two constants above.
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE entity IN ('image', 'member', 'tag') AND id = ?"
        )))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Lineage that points at a job this device never received (a segment lost to compaction, a
/// device that never pushed) is dropped rather than failing the whole pull at commit.
pub(super) async fn forget_dangling_lineage(
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
