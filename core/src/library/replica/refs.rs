//! Another device's named references: each record is the reference as that device last saw it
//! (added, renamed, pointed at another image, removed); the newest wins, per reference, by the
//! same clock as image edits. A reference to an image this library does not have (yet) is kept:
//! the image arrives with its own operation.

use serde_json::{Map, Value};
use sqlx::SqliteConnection;

use super::clock;
use super::merge::Target;
use crate::Result;

/// Applies one reference record; `true` when it changed the library.
pub(super) async fn apply_ref(
    conn: &mut SqliteConnection,
    target: &Target<'_>,
    id: &str,
    eff: i64,
    record: &Map<String, Value>,
) -> Result<bool> {
    let current: Option<(i64, String)> = sqlx::query_as(
        "SELECT hlc, device FROM sync_versions WHERE entity = 'ref' AND id = ? AND field = 'record'",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((hlc, owner)) = &current
        && !clock::wins((eff, target.device), (*hlc, owner))
    {
        return Ok(false);
    }
    let text = |key: &str| record.get(key).and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str| record.get(key).and_then(Value::as_i64);
    let (Some(name), Some(image_id), Some(created_at), Some(updated_at)) = (
        text("name"),
        text("image_id"),
        number("created_at"),
        number("updated_at"),
    ) else {
        tracing::warn!(
            id,
            device = target.device,
            "skipping a reference record without its fields"
        );
        return Ok(false);
    };
    if crate::library::check_reference_name(&name).is_err() {
        tracing::warn!(
            id,
            device = target.device,
            "skipping a reference with an unusable name"
        );
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO refs (id, profile_id, name, image_id, created_at, updated_at, removed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, image_id = excluded.image_id,
             updated_at = excluded.updated_at, removed_at = excluded.removed_at",
    )
    .bind(id)
    .bind(target.profile_id)
    .bind(name.trim())
    .bind(&image_id)
    .bind(created_at)
    .bind(updated_at)
    .bind(number("removed_at"))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO sync_versions (entity, id, field, hlc, device) VALUES ('ref', ?, 'record', ?, ?)
         ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device",
    )
    .bind(id)
    .bind(eff)
    .bind(target.device)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}
