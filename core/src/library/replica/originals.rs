//! Originals and the bucket, on this device's side: whether an original lives in the bucket
//! (uploaded from here, or made elsewhere), and the size-capped cache of originals fetched on
//! demand when this device does not keep them all.

use super::Replica;
use crate::Result;

impl Replica {
    /// Whether image `id`'s original is in the sync bucket (so a missing local copy is not lost).
    pub async fn original_is_remote(&self, id: &str) -> Result<bool> {
        let row: Option<(bool,)> =
            sqlx::query_as("SELECT original_remote FROM images WHERE id = ?")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.is_some_and(|(remote,)| remote))
    }

    /// The original with hash `sha256` (at `key`) reached the bucket outside a sync run.
    pub async fn original_uploaded(&self, sha256: &str, key: &str) -> Result<()> {
        sqlx::query("UPDATE images SET original_remote = 1 WHERE sha256 = ?")
            .bind(sha256)
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM sync_files WHERE key = ? AND direction = 'up'")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Image `id`'s original was fetched on demand now.
    pub async fn original_fetched(&self, id: &str) -> Result<()> {
        sqlx::query("UPDATE images SET original_used_at = ? WHERE id = ?")
            .bind(crate::clock::now_ms())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes the least recently fetched originals until the fetched ones fit in `cap_bytes`,
    /// never `keep` (the one being opened) and never one that is not safely in the bucket.
    /// Returns how many were removed.
    pub async fn evict_fetched_originals(&self, cap_bytes: u64, keep: &str) -> Result<u32> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT id, path, bytes FROM images
             WHERE original_used_at IS NOT NULL AND original_remote = 1
             ORDER BY original_used_at DESC",
        )
        .fetch_all(self.pool())
        .await?;
        let mut kept: u64 = 0;
        let mut removed = 0;
        for (id, path, bytes) in rows {
            let bytes = u64::try_from(bytes).unwrap_or(0);
            if id == keep || kept + bytes <= cap_bytes {
                kept += bytes;
                continue;
            }
            // Another image with the same bytes (not fetched on demand) still needs the file.
            let shared: Option<(i64,)> = sqlx::query_as(
                "SELECT 1 FROM images WHERE path = ? AND id != ? AND original_used_at IS NULL LIMIT 1",
            )
            .bind(&path)
            .bind(&id)
            .fetch_optional(self.pool())
            .await?;
            if shared.is_some() {
                continue;
            }
            if tokio::fs::remove_file(self.absolute_path(&path)?)
                .await
                .is_ok()
            {
                removed += 1;
            }
            sqlx::query("UPDATE images SET original_used_at = NULL WHERE id = ?")
                .bind(&id)
                .execute(self.pool())
                .await?;
        }
        Ok(removed)
    }
}
