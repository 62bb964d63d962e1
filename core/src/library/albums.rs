//! Albums: named sets of gallery images (an image may be in several). An album is one synced
//! record (its name, its deletion; last writer wins) and each membership is synced on its own per
//! (image, album), so adding on one device and removing on another merge like favourites do.
//!
//! An album's id is derived from the name it was first made with, so two devices that each make
//! "Trips" before they sync make the same album rather than two. Names are unique among this
//! library's live albums (any case); albums from two devices can still meet with one name (one
//! renamed, one made again under the old name): a name then means the oldest of them.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::Library;
use super::db::{begin_immediate, ms_to_f64, now_ms, to_u32};
use crate::{CoreError, Result};

/// Longest album name, in characters.
const MAX_NAME_CHARS: usize = 100;

/// An album as the Gallery's album list and `album list` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Album {
    pub id: String,
    pub name: String,
    /// Gallery images in it that are not in the trash.
    pub images: u32,
    /// Unix ms.
    pub created_at: f64,
    pub updated_at: f64,
}

#[derive(sqlx::FromRow)]
struct AlbumRow {
    id: String,
    name: String,
    images: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<AlbumRow> for Album {
    fn from(r: AlbumRow) -> Self {
        Album {
            id: r.id,
            name: r.name,
            images: to_u32(r.images),
            created_at: ms_to_f64(r.created_at),
            updated_at: ms_to_f64(r.updated_at),
        }
    }
}

/// Live albums with their live gallery image counts; callers add a filter and an order.
const SELECT: &str = "SELECT a.id, a.name, a.created_at, a.updated_at,
       (SELECT count(*) FROM album_images m JOIN images i ON i.id = m.image_id
        WHERE m.album_id = a.id AND i.deleted_at IS NULL AND i.kind = 'generated') AS images
     FROM albums a WHERE a.profile_id = ? AND a.removed_at IS NULL";

/// A name as kept: trimmed, non-empty, not too long, no control characters.
pub fn check_album_name(name: &str) -> Result<String> {
    let name = name.trim();
    let bad = |why: &str| Err(CoreError::InvalidInput(format!("an album name {why}")));
    if name.is_empty() {
        return bad("cannot be empty");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return bad(&format!("has at most {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(char::is_control) {
        return bad("cannot hold control characters");
    }
    Ok(name.to_owned())
}

/// The id an album made with `name` gets: a UUID (version 8) from a hash of the name in lower
/// case, the same on every device.
fn derived_id(name: &str) -> String {
    let digest = Sha256::digest(format!("nanoforge album\0{}", name.to_lowercase()));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

impl Library {
    /// Every live album, by name.
    pub async fn albums(&self) -> Result<Vec<Album>> {
        let sql = format!("{SELECT} ORDER BY a.name COLLATE NOCASE, a.created_at, a.id");
        let rows: Vec<AlbumRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(Album::from).collect())
    }

    /// The live album `name` means (any case), or a not-found error naming it.
    pub async fn album_named(&self, name: &str) -> Result<Album> {
        let sql =
            format!("{SELECT} AND a.name = ? COLLATE NOCASE ORDER BY a.created_at, a.id LIMIT 1");
        let row: Option<AlbumRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        row.map(Album::from)
            .ok_or_else(|| CoreError::NotFound(format!("an album named '{}'", name.trim())))
    }

    pub async fn album(&self, id: &str) -> Result<Album> {
        let sql = format!("{SELECT} AND a.id = ?");
        let row: Option<AlbumRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(Album::from)
            .ok_or_else(|| CoreError::NotFound(format!("album {id}")))
    }

    /// The live album named `name`, made if there is none.
    pub async fn create_album(&self, name: &str) -> Result<Album> {
        let name = check_album_name(name)?;
        if let Ok(album) = self.album_named(&name).await {
            return Ok(album);
        }
        let now = now_ms();
        let mut tx = begin_immediate(&self.pool).await?;
        let derived = derived_id(&name);
        let existing: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT removed_at FROM albums WHERE id = ?")
                .bind(&derived)
                .fetch_optional(&mut *tx)
                .await?;
        let id = match existing {
            None => {
                sqlx::query(
                    "INSERT INTO albums (id, profile_id, name, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(&derived)
                .bind(&self.profile_id)
                .bind(&name)
                .bind(now)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                derived
            }
            // Made again after a deletion: the same album, empty (what a device added to it
            // while it was deleted elsewhere does not come back with it).
            Some((Some(_),)) => {
                clear_members(&mut tx, &derived).await?;
                sqlx::query(
                    "UPDATE albums SET name = ?, removed_at = NULL, updated_at = ? WHERE id = ?",
                )
                .bind(&name)
                .bind(now)
                .bind(&derived)
                .execute(&mut *tx)
                .await?;
                derived
            }
            // That id is a live album renamed since: this one is new under its own id.
            Some((None,)) => {
                let id = uuid::Uuid::now_v7().to_string();
                sqlx::query(
                    "INSERT INTO albums (id, profile_id, name, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(&id)
                .bind(&self.profile_id)
                .bind(&name)
                .bind(now)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        tx.commit().await?;
        self.changes.organise();
        self.album(&id).await
    }

    /// Renames album `id`; another live album already called `name` refuses it.
    pub async fn rename_album(&self, id: &str, name: &str) -> Result<Album> {
        let name = check_album_name(name)?;
        let album = self.album(id).await?;
        if let Ok(other) = self.album_named(&name).await
            && other.id != album.id
        {
            return Err(CoreError::InvalidInput(format!(
                "there is an album named '{}' already",
                other.name
            )));
        }
        sqlx::query("UPDATE albums SET name = ?, updated_at = ? WHERE id = ?")
            .bind(&name)
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.changes.organise();
        self.album(id).await
    }

    /// Deletes album `id`; its images stay in the library (and in their other albums).
    pub async fn delete_album(&self, id: &str) -> Result<()> {
        self.album(id).await?;
        let now = now_ms();
        let mut tx = begin_immediate(&self.pool).await?;
        let members = clear_members(&mut tx, id).await?;
        sqlx::query("UPDATE albums SET removed_at = ?, updated_at = ? WHERE id = ?")
            .bind(now)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.changes.organise();
        self.changes.images_updated(members);
        Ok(())
    }

    /// Puts gallery images `image_ids` in album `id`; returns how many were not in it yet. An
    /// unknown image changes nothing.
    pub async fn add_to_album(&self, id: &str, image_ids: &[String]) -> Result<u32> {
        self.album(id).await?;
        self.check_gallery_images(image_ids).await?;
        let mut tx = begin_immediate(&self.pool).await?;
        let now = now_ms();
        let mut added = 0;
        for image in image_ids {
            added += sqlx::query(
                "INSERT INTO album_images (album_id, image_id, added_at) VALUES (?, ?, ?)
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(image)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        self.changes.organise();
        self.changes.images_updated(image_ids.iter().cloned());
        Ok(u32::try_from(added).unwrap_or(u32::MAX))
    }

    /// Takes images out of album `id`; returns how many were in it.
    pub async fn remove_from_album(&self, id: &str, image_ids: &[String]) -> Result<u32> {
        self.album(id).await?;
        let mut tx = begin_immediate(&self.pool).await?;
        let mut removed = 0;
        for image in image_ids {
            removed += sqlx::query("DELETE FROM album_images WHERE album_id = ? AND image_id = ?")
                .bind(id)
                .bind(image)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        self.changes.organise();
        self.changes.images_updated(image_ids.iter().cloned());
        Ok(u32::try_from(removed).unwrap_or(u32::MAX))
    }

    /// Every id must be a gallery image of this library (input images belong to their jobs).
    pub(crate) async fn check_gallery_images(&self, ids: &[String]) -> Result<()> {
        for batch in ids.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "SELECT id FROM images WHERE kind = 'generated' AND profile_id = ",
            );
            q.push_bind(self.profile_id.clone()).push(" AND id IN (");
            let mut list = q.separated(", ");
            for id in batch {
                list.push_bind(id.clone());
            }
            q.push(")");
            let found: Vec<(String,)> = q.build_query_as().fetch_all(&self.pool).await?;
            if let Some(missing) = batch.iter().find(|id| !found.iter().any(|(f,)| f == *id)) {
                return Err(CoreError::NotFound(format!("gallery image {missing}")));
            }
        }
        Ok(())
    }
}

/// Empties album `id` (each removal syncs); returns the images that were in it.
async fn clear_members(conn: &mut SqliteConnection, id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("DELETE FROM album_images WHERE album_id = ? RETURNING image_id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

#[cfg(test)]
mod tests {
    use super::{check_album_name, derived_id};

    #[test]
    fn the_same_name_gives_the_same_record_id_on_every_device() {
        assert_eq!(derived_id("Trips"), derived_id("trips"));
        assert_ne!(derived_id("Trips"), derived_id("Trip"));
        assert!(crate::library::replica::is_record_id(&derived_id("Trips")));
        assert_eq!(check_album_name("  Trips ").ok().as_deref(), Some("Trips"));
        assert!(check_album_name(" ").is_err());
        assert!(check_album_name("a\u{7}b").is_err());
    }
}
