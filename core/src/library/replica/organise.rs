//! Another device's albums, memberships and tags. An album record is the album as that device
//! last saw it (made, renamed, deleted); the newest wins, per album, like a reference. A
//! membership and a tag are each one flag per (image, album) and (image, tag), merged like a
//! favourite: the highest (clock, device) wins, so an add on one device and a remove on another
//! end the same everywhere. A membership or tag of an image this library does not have yet is
//! kept (the image arrives with its own operation); one of an image deleted forever is ignored.

use serde_json::{Map, Value};
use sqlx::SqliteConnection;

use super::clock;
use super::merge::Target;
use crate::Result;

/// Whether (eff, device) beats the version of (entity, id, field) here (or there is none).
async fn newer(
    conn: &mut SqliteConnection,
    (entity, id, field): (&str, &str, &str),
    eff: i64,
    device: &str,
) -> Result<bool> {
    let current: Option<(i64, String)> = sqlx::query_as(
        "SELECT hlc, device FROM sync_versions WHERE entity = ? AND id = ? AND field = ?",
    )
    .bind(entity)
    .bind(id)
    .bind(field)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match &current {
        Some((hlc, owner)) => clock::wins((eff, device), (*hlc, owner)),
        None => true,
    })
}

async fn record_version(
    conn: &mut SqliteConnection,
    (entity, id, field): (&str, &str, &str),
    eff: i64,
    device: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sync_versions (entity, id, field, hlc, device) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device",
    )
    .bind(entity)
    .bind(id)
    .bind(field)
    .bind(eff)
    .bind(device)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn tombstoned(conn: &mut SqliteConnection, image_id: &str) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM sync_tombstones WHERE image_id = ?")
        .bind(image_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
}

/// Applies one album record; `true` when it changed the library.
pub(super) async fn apply_album(
    conn: &mut SqliteConnection,
    target: &Target<'_>,
    id: &str,
    eff: i64,
    record: &Map<String, Value>,
) -> Result<bool> {
    let key = ("album", id, "record");
    if !newer(conn, key, eff, target.device).await? {
        return Ok(false);
    }
    let text = |key: &str| record.get(key).and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str| record.get(key).and_then(Value::as_i64);
    let (Some(name), Some(created_at), Some(updated_at)) =
        (text("name"), number("created_at"), number("updated_at"))
    else {
        tracing::warn!(
            id,
            device = target.device,
            "skipping an album record without its fields"
        );
        return Ok(false);
    };
    let Ok(name) = crate::library::check_album_name(&name) else {
        tracing::warn!(
            id,
            device = target.device,
            "skipping an album with an unusable name"
        );
        return Ok(false);
    };
    sqlx::query(
        "INSERT INTO albums (id, profile_id, name, created_at, updated_at, removed_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at,
             removed_at = excluded.removed_at",
    )
    .bind(id)
    .bind(target.profile_id)
    .bind(&name)
    .bind(created_at)
    .bind(updated_at)
    .bind(number("removed_at"))
    .execute(&mut *conn)
    .await?;
    record_version(conn, key, eff, target.device).await?;
    Ok(true)
}

/// Applies one membership; `true` when it changed the library.
pub(super) async fn apply_member(
    conn: &mut SqliteConnection,
    (image_id, album_id, member): (&str, &str, bool),
    eff: i64,
    device: &str,
) -> Result<bool> {
    let key = ("member", image_id, album_id);
    if tombstoned(conn, image_id).await? || !newer(conn, key, eff, device).await? {
        return Ok(false);
    }
    let changed = if member {
        sqlx::query(
            "INSERT INTO album_images (album_id, image_id, added_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(album_id)
        .bind(image_id)
        .bind(eff >> 16) // the clock's milliseconds
        .execute(&mut *conn)
        .await?
    } else {
        sqlx::query("DELETE FROM album_images WHERE album_id = ? AND image_id = ?")
            .bind(album_id)
            .bind(image_id)
            .execute(&mut *conn)
            .await?
    };
    record_version(conn, key, eff, device).await?;
    Ok(changed.rows_affected() > 0)
}

/// Applies one tag; `true` when it changed the library.
pub(super) async fn apply_tag(
    conn: &mut SqliteConnection,
    (image_id, tag, tagged): (&str, &str, bool),
    eff: i64,
    device: &str,
) -> Result<bool> {
    let key = ("tag", image_id, tag);
    if tombstoned(conn, image_id).await? || !newer(conn, key, eff, device).await? {
        return Ok(false);
    }
    let changed = if tagged {
        sqlx::query(
            "INSERT INTO image_tags (image_id, tag, added_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(image_id)
        .bind(tag)
        .bind(eff >> 16) // the clock's milliseconds
        .execute(&mut *conn)
        .await?
    } else {
        sqlx::query("DELETE FROM image_tags WHERE image_id = ? AND tag = ?")
            .bind(image_id)
            .bind(tag)
            .execute(&mut *conn)
            .await?
    };
    record_version(conn, key, eff, device).await?;
    Ok(changed.rows_affected() > 0)
}

/// The membership or tag an outbox row stands for, as it is here now (the row's field is the
/// album's id or the tag), at the version this library holds for it. The version is sent whoever
/// made it: after a start over the new bucket must hear of every membership and tag, and one
/// another device won carries that device's value, which changes nothing where it already won.
pub(super) async fn flag_op(
    conn: &mut SqliteConnection,
    (entity, id, field): (&str, &str, &str),
    hlc: i64,
) -> Result<Option<super::Op>> {
    if tombstoned(conn, id).await? {
        return Ok(None);
    }
    let version: Option<(i64,)> =
        sqlx::query_as("SELECT hlc FROM sync_versions WHERE entity = ? AND id = ? AND field = ?")
            .bind(entity)
            .bind(id)
            .bind(field)
            .fetch_optional(&mut *conn)
            .await?;
    let hlc = version.map_or(hlc, |(v,)| v);
    let sql = match entity {
        "member" => {
            "SELECT EXISTS (SELECT 1 FROM album_images WHERE image_id = ? AND album_id = ?)"
        }
        "tag" => "SELECT EXISTS (SELECT 1 FROM image_tags WHERE image_id = ? AND tag = ?)",
        _ => return Ok(None),
    };
    let (on,): (bool,) = sqlx::query_as(sql)
        .bind(id)
        .bind(field)
        .fetch_one(&mut *conn)
        .await?;
    let (id, field) = (id.to_owned(), field.to_owned());
    Ok(Some(if entity == "member" {
        super::Op::Member {
            id,
            hlc,
            album: field,
            member: on,
        }
    } else {
        super::Op::Tag {
            id,
            hlc,
            tag: field,
            tagged: on,
        }
    }))
}
