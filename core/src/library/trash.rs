//! Deleting images for good (emptying the trash, purging chosen images): rows first, files
//! second, so a crash in between leaves at worst orphan files (the integrity scan removes them),
//! never a row pointing at a missing file. Every delete-forever goes through
//! [`Library::delete_forever`] and [`delete_image_rows`].

use std::collections::BTreeSet;

use sqlx::{QueryBuilder, Sqlite, SqliteConnection, Transaction};

use super::Library;
use super::db::begin_immediate;
use super::store::{self, FileSet};
use crate::{CoreError, Result};

impl Library {
    /// Deletes every trashed image for good. A file shared (same bytes) with an image that is not
    /// in the trash stays. Returns how many images were removed.
    pub async fn empty_trash(&self) -> Result<u32> {
        let mut tx = begin_immediate(&self.pool).await?;
        let ids: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM images WHERE profile_id = ? AND deleted_at IS NOT NULL")
                .bind(&self.profile_id)
                .fetch_all(&mut *tx)
                .await?;
        let ids: Vec<String> = ids.into_iter().map(|(id,)| id).collect();
        self.delete_forever(tx, &ids).await
    }

    /// Deletes the given images for good, in the trash or not (on every device once sync records
    /// it). A file shared (same bytes) with an image that stays is kept. An id that is not an
    /// image of this profile is [`CoreError::NotFound`] and nothing is deleted. Returns how many
    /// images were removed (repeated ids count once).
    pub async fn purge(&self, ids: &[String]) -> Result<u32> {
        let mut unique = BTreeSet::new();
        let ids: Vec<String> = ids
            .iter()
            .filter(|id| unique.insert(id.as_str()))
            .cloned()
            .collect();
        let mut tx = begin_immediate(&self.pool).await?;
        // Checked under the write lock, so what is checked is what gets deleted.
        let mut found = BTreeSet::new();
        for batch in ids.chunks(500) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT id FROM images WHERE profile_id = ");
            q.push_bind(self.profile_id.clone()).push(" AND id IN (");
            let mut list = q.separated(", ");
            for id in batch {
                list.push_bind(id.clone());
            }
            q.push(")");
            let rows: Vec<(String,)> = q.build_query_as().fetch_all(&mut *tx).await?;
            found.extend(rows.into_iter().map(|(id,)| id));
        }
        if let Some(missing) = ids.iter().find(|id| !found.contains(*id)) {
            return Err(CoreError::NotFound(format!("image {missing}")));
        }
        self.delete_forever(tx, &ids).await
    }

    /// The one way images are deleted for good: their tombstones and purge operations for sync
    /// and their rows inside `tx` (which chose them under the write lock), the commit, then the
    /// files no row references any more (here, and in the sync bucket).
    async fn delete_forever(
        &self,
        mut tx: Transaction<'static, Sqlite>,
        ids: &[String],
    ) -> Result<u32> {
        super::replica::purges::record_purges(&mut tx, ids).await?;
        let files = delete_image_rows(&mut tx, ids).await?;
        tx.commit().await?;
        self.changes.images_removed(ids.iter().cloned());
        self.remove_unreferenced_files(files, Reach::Everywhere)
            .await?;
        Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
    }

    /// Deletes the files of `candidates` that no row references any more. Runs under the write
    /// lock so an ingest of the same bytes in another process either commits its row first (and
    /// the file stays) or finds the file gone and writes it again before committing.
    pub(crate) async fn remove_unreferenced_files(
        &self,
        candidates: BTreeSet<FileSet>,
        reach: Reach,
    ) -> Result<u32> {
        if candidates.is_empty() {
            return Ok(0);
        }
        let mut tx = begin_immediate(&self.pool).await?;
        let mut doomed = Vec::new();
        for set in candidates {
            let used: Option<(i64,)> =
                sqlx::query_as("SELECT 1 FROM images WHERE sha256 = ? LIMIT 1")
                    .bind(&set.sha256)
                    .fetch_optional(&mut *tx)
                    .await?;
            if used.is_none() {
                super::replica::purges::files_gone(&mut tx, &set, reach == Reach::Everywhere)
                    .await?;
                doomed.push(set);
            }
        }
        let root = self.root.clone();
        let removed = tokio::task::spawn_blocking(move || -> Result<u32> {
            let mut removed = 0;
            for set in doomed {
                for rel in [Some(set.path), set.thumb_path, set.preview_path]
                    .into_iter()
                    .flatten()
                {
                    if store::remove_if_exists(&store::checked_join(&root, &rel)?)? {
                        removed += 1;
                    }
                }
            }
            Ok(removed)
        })
        .await??;
        tx.commit().await?;
        Ok(removed)
    }
}

/// Whether a deletion is this device's own (repair, or a delete that arrived by sync) or a
/// delete-forever made here, which also removes the files from the sync bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    ThisDevice,
    Everywhere,
}

/// Deletes image rows and points their jobs at another remaining image (or none). Returns the
/// file sets those rows used, for [`Library::remove_unreferenced_files`] after the commit.
pub(crate) async fn delete_image_rows(
    conn: &mut SqliteConnection,
    ids: &[String],
) -> Result<BTreeSet<FileSet>> {
    let mut files = BTreeSet::new();
    for batch in ids.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("DELETE FROM images WHERE id IN (");
        let mut list = q.separated(", ");
        for id in batch {
            list.push_bind(id.clone());
        }
        q.push(") RETURNING sha256, path, thumb_path, preview_path");
        let deleted: Vec<FileSet> = q.build_query_as().fetch_all(&mut *conn).await?;
        files.extend(deleted);

        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "UPDATE jobs SET image_id = (SELECT i.id FROM images i WHERE i.job_id = jobs.id ORDER BY i.position LIMIT 1)
             WHERE image_id IN (",
        );
        let mut list = q.separated(", ");
        for id in batch {
            list.push_bind(id.clone());
        }
        q.push(")");
        q.build().execute(&mut *conn).await?;
    }
    Ok(files)
}
