//! The merge rules, one record at a time, inside apply's transaction: another device's job
//! replaces its older record (never a job made here); a new image is inserted once, only under its
//! own content-addressed file names; an edit wins by (clock, device); a purge is a terminal
//! tombstone.

use serde_json::{Map, Value};
use sqlx::error::ErrorKind;
use sqlx::{AssertSqlSafe, SqliteConnection};

use super::clock;
use super::records::{Field, JOB_COLUMNS};
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

/// Whose library a pulled record goes into, and from which device.
pub(super) struct Target<'a> {
    pub profile_id: &'a str,
    pub device: &'a str,
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
    // One statement per table, not per image: a phone's first pull brings thousands of images.
    let images = serde_json::to_string(images).map_err(|e| CoreError::Internal(e.to_string()))?;
    sqlx::query(
        "UPDATE images SET job_id = NULL
          WHERE id IN (SELECT value FROM json_each(?)) AND job_id IS NOT NULL
            AND job_id NOT IN (SELECT id FROM jobs)",
    )
    .bind(images)
    .execute(&mut *conn)
    .await?;
    let jobs = serde_json::to_string(jobs).map_err(|e| CoreError::Internal(e.to_string()))?;
    sqlx::query(
        "UPDATE jobs SET parent_job_id = NULL
          WHERE id IN (SELECT value FROM json_each(?)) AND parent_job_id IS NOT NULL
            AND parent_job_id NOT IN (SELECT id FROM jobs)",
    )
    .bind(jobs)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
