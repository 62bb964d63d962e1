//! Other devices' new images, inserted a chunk at a time inside apply's transaction. A phone's
//! first pull brings every image of the library at once (10,000 in the sync bench), and a statement
//! per image and per table was one round trip to SQLite's worker thread each: most of the apply's
//! 3.7 s there. Here a chunk is three statements over `json_each`, whatever its size. The rules are
//! `merge`'s: an image is inserted once, only under its own content-addressed file names; an image
//! known already takes its first field values as versions like any other edit.

use std::collections::HashSet;

use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, SqliteConnection};

use super::merge::set_field;
use super::records::{Field, IMAGE_COLUMNS};
use crate::library::{original_rel, thumb_rel};
use crate::{CoreError, Result};

/// Images per chunk: a few hundred KB of JSON bound to one statement.
const CHUNK: usize = 500;
const FIELDS: [Field; 3] = [Field::Favourite, Field::Rating, Field::Trashed];

/// One pulled image op waiting for its chunk.
struct Incoming<'a> {
    id: &'a str,
    eff: i64,
    device: &'a str,
    record: &'a Map<String, Value>,
    files: Vec<(String, String, bool)>,
}

/// The new images of one apply, gathered and inserted in chunks.
pub(super) struct NewImages<'a> {
    profile_id: &'a str,
    keep_originals: bool,
    pending: Vec<Incoming<'a>>,
    /// Ids in `pending`: a second op about the same image (from another device) waits for the
    /// next chunk, so that it meets the first as an image known already, as it would one by one.
    ids: HashSet<&'a str>,
    /// The images inserted, in the order their ops came.
    pub added: Vec<String>,
}

impl<'a> NewImages<'a> {
    pub fn new(profile_id: &'a str, keep_originals: bool) -> NewImages<'a> {
        NewImages {
            profile_id,
            keep_originals,
            pending: Vec::new(),
            ids: HashSet::new(),
            added: Vec::new(),
        }
    }

    /// Queues another device's image op (the caller has made sure it was not deleted forever
    /// here); a full chunk is inserted on the way.
    pub async fn push(
        &mut self,
        conn: &mut SqliteConnection,
        (id, eff, device): (&'a str, i64, &'a str),
        record: &'a Map<String, Value>,
    ) -> Result<()> {
        let Some(files) = checked_files(record) else {
            tracing::warn!(
                device,
                id,
                "skipping an image whose file names are not its own"
            );
            return Ok(());
        };
        if record.get("id").and_then(Value::as_str) != Some(id) {
            tracing::warn!(
                device,
                id,
                "skipping an image whose record names another id"
            );
            return Ok(());
        }
        if self.ids.contains(id) || self.pending.len() >= CHUNK {
            self.flush(conn).await?;
        }
        self.ids.insert(id);
        self.pending.push(Incoming {
            id,
            eff,
            device,
            record,
            files,
        });
        Ok(())
    }

    /// Inserts what is queued: the images (those known already are left as they are), then the
    /// first versions of the new ones' fields and their files to download, in one statement each.
    pub async fn flush(&mut self, conn: &mut SqliteConnection) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        self.ids.clear();
        let records: Vec<&Map<String, Value>> = pending.iter().map(|i| i.record).collect();
        let inserted: HashSet<String> = insert_images(conn, self.profile_id, &records).await?;
        let mut versions = Vec::new();
        let mut files = Vec::new();
        for image in &pending {
            if !inserted.contains(image.id) {
                // Known already: its first field values are versions like any other edit.
                for field in FIELDS {
                    let value = image
                        .record
                        .get(field.column())
                        .cloned()
                        .unwrap_or(Value::Null);
                    set_field(conn, image.id, field, &value, image.eff, image.device).await?;
                }
                continue;
            }
            self.added.push(image.id.to_owned());
            for field in FIELDS {
                versions.push(json!([image.id, field.as_str(), image.eff, image.device]));
            }
            let sha256 = image.record.get("sha256").cloned().unwrap_or(Value::Null);
            for (key, content_type, original) in &image.files {
                if self.keep_originals || !original {
                    files.push(json!([key, sha256, content_type, original]));
                }
            }
        }
        sqlx::query(
            "INSERT INTO sync_versions (entity, id, field, hlc, device)
             SELECT 'image', value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)
             WHERE true ON CONFLICT DO NOTHING",
        )
        .bind(json_text(&versions)?)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO sync_files (key, direction, sha256, content_type, original)
             SELECT value ->> 0, 'down', value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)
             WHERE true ON CONFLICT DO NOTHING",
        )
        .bind(json_text(&files)?)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

/// Inserts the records that are new here; returns their ids.
async fn insert_images(
    conn: &mut SqliteConnection,
    profile_id: &str,
    records: &[&Map<String, Value>],
) -> Result<HashSet<String>> {
    let columns = IMAGE_COLUMNS.join(", ");
    let values: Vec<String> = IMAGE_COLUMNS
        .iter()
        .map(|c| format!("json_extract(value, '$.{c}')"))
        .collect();
    // `WHERE true` keeps SQLite from reading `ON CONFLICT` as a join's constraint.
    let sql = format!(
        "INSERT INTO images (profile_id, original_remote, {columns})
         SELECT ?2, 1, {} FROM json_each(?1) WHERE true
         ON CONFLICT DO NOTHING RETURNING id",
        values.join(", ")
    );
    let rows: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(json_text(records)?)
        .bind(profile_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| CoreError::Internal(e.to_string()))
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
