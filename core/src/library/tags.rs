//! Tags: free text on gallery images, and what an image is labelled with (its tags and albums).
//! A tag is kept normalised — trimmed, inner spaces as one, lower case — because it is an identity
//! synced per (image, tag): "Cat" on one device and "cat " on another are one tag, not two.

use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite};

use super::Library;
use super::db::{begin_immediate, now_ms, to_u32};
use crate::{CoreError, Result};

/// Longest tag, in characters.
const MAX_TAG_CHARS: usize = 64;

/// A tag and how many live gallery images carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TagCount {
    pub tag: String,
    pub images: u32,
}

/// An album an image is in, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AlbumLabel {
    pub id: String,
    pub name: String,
}

/// What an image is labelled with: its live albums (by name) and its tags (alphabetical).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImageLabels {
    pub image_id: String,
    pub albums: Vec<AlbumLabel>,
    pub tags: Vec<String>,
}

/// A tag as kept (see the module's comment), or why it cannot be one.
pub fn normalize_tag(tag: &str) -> Result<String> {
    let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ");
    let tag = tag.to_lowercase();
    let bad = |why: &str| Err(CoreError::InvalidInput(format!("a tag {why}")));
    if tag.is_empty() {
        return bad("cannot be empty");
    }
    if tag.chars().count() > MAX_TAG_CHARS {
        return bad(&format!("has at most {MAX_TAG_CHARS} characters"));
    }
    if tag.chars().any(char::is_control) {
        return bad("cannot hold control characters");
    }
    Ok(tag)
}

/// The tags, normalised, each once, in the order given.
fn normalize_all(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = normalize_tag(tag)?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

impl Library {
    /// Tags gallery image `image_id` with `tags`; returns what it is labelled with now.
    pub async fn add_tags(&self, image_id: &str, tags: &[String]) -> Result<ImageLabels> {
        let tags = normalize_all(tags)?;
        self.check_gallery_images(&[image_id.to_owned()]).await?;
        let mut tx = begin_immediate(&self.pool).await?;
        let now = now_ms();
        for tag in &tags {
            sqlx::query(
                "INSERT INTO image_tags (image_id, tag, added_at) VALUES (?, ?, ?)
                 ON CONFLICT DO NOTHING",
            )
            .bind(image_id)
            .bind(tag)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.changes.organise();
        self.changes.images_updated([image_id.to_owned()]);
        self.image_label(image_id).await
    }

    /// Takes `tags` off image `image_id` (a tag it does not have is no error).
    pub async fn remove_tags(&self, image_id: &str, tags: &[String]) -> Result<ImageLabels> {
        let tags = normalize_all(tags)?;
        self.check_gallery_images(&[image_id.to_owned()]).await?;
        let mut tx = begin_immediate(&self.pool).await?;
        for tag in &tags {
            sqlx::query("DELETE FROM image_tags WHERE image_id = ? AND tag = ?")
                .bind(image_id)
                .bind(tag)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.changes.organise();
        self.changes.images_updated([image_id.to_owned()]);
        self.image_label(image_id).await
    }

    /// Every tag on a live gallery image, with how many carry it, alphabetical.
    pub async fn tags(&self) -> Result<Vec<TagCount>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT t.tag, count(*) FROM image_tags t JOIN images i ON i.id = t.image_id
             WHERE i.profile_id = ? AND i.deleted_at IS NULL AND i.kind = 'generated'
             GROUP BY t.tag ORDER BY t.tag",
        )
        .bind(&self.profile_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(tag, n)| TagCount {
                tag,
                images: to_u32(n),
            })
            .collect())
    }

    async fn image_label(&self, image_id: &str) -> Result<ImageLabels> {
        let mut labels = self.image_labels(&[image_id.to_owned()]).await?;
        labels
            .pop()
            .ok_or_else(|| CoreError::NotFound(format!("image {image_id}")))
    }

    /// The albums and tags of each of `image_ids`, in the order given (an unknown id has none).
    pub async fn image_labels(&self, image_ids: &[String]) -> Result<Vec<ImageLabels>> {
        let mut out: Vec<ImageLabels> = image_ids
            .iter()
            .map(|id| ImageLabels {
                image_id: id.clone(),
                ..ImageLabels::default()
            })
            .collect();
        for batch in image_ids.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "SELECT m.image_id, a.id, a.name FROM album_images m JOIN albums a ON a.id = m.album_id
                 WHERE a.removed_at IS NULL AND a.profile_id = ",
            );
            q.push_bind(self.profile_id.clone())
                .push(" AND m.image_id IN (");
            let mut list = q.separated(", ");
            for id in batch {
                list.push_bind(id.clone());
            }
            q.push(") ORDER BY a.name COLLATE NOCASE, a.id");
            let rows: Vec<(String, String, String)> =
                q.build_query_as().fetch_all(&self.pool).await?;
            for (image, id, name) in rows {
                for labels in out.iter_mut().filter(|l| l.image_id == image) {
                    labels.albums.push(AlbumLabel {
                        id: id.clone(),
                        name: name.clone(),
                    });
                }
            }
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT image_id, tag FROM image_tags WHERE image_id IN (");
            let mut list = q.separated(", ");
            for id in batch {
                list.push_bind(id.clone());
            }
            q.push(") ORDER BY tag");
            let rows: Vec<(String, String)> = q.build_query_as().fetch_all(&self.pool).await?;
            for (image, tag) in rows {
                for labels in out.iter_mut().filter(|l| l.image_id == image) {
                    labels.tags.push(tag.clone());
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_tag;

    #[test]
    fn tags_are_one_identity_whatever_their_case_or_spacing() {
        assert_eq!(
            normalize_tag("  Red   Fox ").ok().as_deref(),
            Some("red fox")
        );
        assert_eq!(normalize_tag("ÉTÉ").ok().as_deref(), Some("été"));
        assert!(normalize_tag(" \t ").is_err());
        assert!(normalize_tag(&"x".repeat(65)).is_err());
    }
}
