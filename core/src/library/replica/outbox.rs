//! Turning the outbox into the next segment: rows are read in an order that never sends an image
//! before its job, packed (by sync's packer) and kept until the bucket confirms them, so a retry
//! after a crash sends the same bytes; once confirmed, their outbox rows are done.

use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, SqliteConnection, SqlitePool};

use super::Replica;
use super::clock;
use super::records::{
    ALBUM_COLUMNS, Field, IMAGE_COLUMNS, JOB_COLUMNS, MAX_OPS_PER_SEGMENT, Op, PROMPT_COLUMNS,
    PackedSegment, REF_COLUMNS, WILDCARD_COLUMNS, json_object_sql,
};
use crate::library::begin_immediate;
use crate::{CoreError, Result};

impl Replica {
    /// The segment a crash left unconfirmed, else a new one built from the outbox; `None` when
    /// nothing is left to push.
    pub async fn next_segment(
        &self,
        device: &str,
        pack: &(dyn Fn(i64, &[Op]) -> Result<PackedSegment> + Sync),
    ) -> Result<Option<PendingSegment>> {
        match pending_segment(self.pool()).await? {
            Some(segment) => Ok(Some(segment)),
            None => build_segment(self.pool(), device, pack).await,
        }
    }

    /// The bucket confirmed `segment` (stored at `last_modified_ms`, server time).
    pub async fn segment_pushed(
        &self,
        segment: &PendingSegment,
        device: &str,
        last_modified_ms: i64,
    ) -> Result<()> {
        segment_pushed(self.pool(), segment, device, last_modified_ms).await?;
        self.library.changes().sync();
        Ok(())
    }
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
    pub packed: PackedSegment,
    pub dirty: Vec<Dirty>,
    pub ops: usize,
}

/// The segment a crash left unconfirmed, if any.
async fn pending_segment(pool: &SqlitePool) -> Result<Option<PendingSegment>> {
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
            packed: PackedSegment { body, sha256 },
            dirty,
        })
    })
    .transpose()
}

/// Builds the next segment from the outbox (jobs first, then new images, then edits, so an image
/// never arrives before its job), packed by `pack`, and keeps it as pending. `None` when nothing
/// is left to push.
async fn build_segment(
    pool: &SqlitePool,
    device: &str,
    pack: &(dyn Fn(i64, &[Op]) -> Result<PackedSegment> + Sync),
) -> Result<Option<PendingSegment>> {
    let mut tx = begin_immediate(pool).await?;
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
    let ref_sql = format!(
        "SELECT {} FROM refs WHERE id = ?",
        json_object_sql(REF_COLUMNS)
    );
    let album_sql = format!(
        "SELECT {} FROM albums WHERE id = ?",
        json_object_sql(ALBUM_COLUMNS)
    );
    let prompt_sql = format!(
        "SELECT {} FROM saved_prompts WHERE id = ?",
        json_object_sql(PROMPT_COLUMNS)
    );
    let wildcard_sql = format!(
        "SELECT {} FROM wildcard_lists WHERE id = ?",
        json_object_sql(WILDCARD_COLUMNS)
    );
    let mut ops = Vec::with_capacity(rows.len());
    let mut carried = Vec::with_capacity(rows.len());
    for row in rows {
        let op = match (row.entity.as_str(), row.field.as_str()) {
            // An image deleted forever elsewhere but kept here (see `deletions.rs`) is this
            // device's alone: nothing more about it is said.
            ("image", field) if field != "purge" && tombstoned(&mut tx, &row.id).await? => None,
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
            ("ref", _) => record(&mut tx, &ref_sql, &row.id)
                .await?
                .map(|record| Op::Ref {
                    id: row.id.clone(),
                    hlc: row.hlc,
                    record,
                }),
            ("album", _) => record(&mut tx, &album_sql, &row.id)
                .await?
                .map(|record| Op::Album {
                    id: row.id.clone(),
                    hlc: row.hlc,
                    record,
                }),
            ("prompt", _) => {
                record(&mut tx, &prompt_sql, &row.id)
                    .await?
                    .map(|record| Op::Prompt {
                        id: row.id.clone(),
                        hlc: row.hlc,
                        record,
                    })
            }
            ("wildcard", _) => record(&mut tx, &wildcard_sql, &row.id)
                .await?
                .map(|record| Op::Wildcard {
                    id: row.id.clone(),
                    hlc: row.hlc,
                    record,
                }),
            (entity @ ("member" | "tag"), field) => {
                super::organise::flag_op(&mut tx, (entity, &row.id, field), row.hlc).await?
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
        return Box::pin(build_segment(pool, device, pack)).await;
    }
    let (last_seq,): (i64,) = sqlx::query_as("SELECT last_seq FROM sync_device")
        .fetch_one(&mut *tx)
        .await?;
    let seq = last_seq + 1;
    let packed = pack(seq, &ops)?;
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

async fn tombstoned(conn: &mut SqliteConnection, id: &str) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM sync_tombstones WHERE image_id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
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
async fn segment_pushed(
    pool: &SqlitePool,
    segment: &PendingSegment,
    device: &str,
    last_modified_ms: i64,
) -> Result<()> {
    let mut tx = begin_immediate(pool).await?;
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
