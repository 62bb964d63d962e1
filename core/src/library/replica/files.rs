//! The queue of files to move between this library's folder and the bucket: originals and
//! thumbnails to upload (made here) or download (made elsewhere), and bucket copies to delete after
//! a delete-forever. Filled by the triggers and by apply; sync takes rows off it as transfers end.

use super::Replica;
use crate::Result;
use crate::library::begin_immediate;

/// Which way a queued file moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileDirection {
    Up,
    Down,
    Delete,
}

impl FileDirection {
    fn as_str(self) -> &'static str {
        match self {
            FileDirection::Up => "up",
            FileDirection::Down => "down",
            FileDirection::Delete => "delete",
        }
    }
}

/// One queued transfer. `key` is both the file's path in the library folder and its key under
/// the bucket prefix (both content-addressed).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedFile {
    pub key: String,
    pub sha256: String,
    pub content_type: String,
    pub original: bool,
}

impl Replica {
    /// Every queued file of `direction`, thumbnails first (another device shows the gallery
    /// before the originals arrive), then those that failed least.
    pub async fn queued_files(&self, direction: FileDirection) -> Result<Vec<QueuedFile>> {
        if direction == FileDirection::Delete {
            // A bucket copy is deleted only while no image here uses its bytes. Sync deletes after
            // its pull, so "here" includes every image the other devices announced: one of them
            // may have made the same bytes (the same input imported on two devices), or this
            // device made them again since the delete-forever. Their blob stays.
            sqlx::query(
                "DELETE FROM sync_files WHERE direction = 'delete'
                   AND sha256 IN (SELECT sha256 FROM images)",
            )
            .execute(self.pool())
            .await?;
        }
        Ok(sqlx::query_as(
            "SELECT key, sha256, content_type, original FROM sync_files WHERE direction = ?
             ORDER BY original, attempts, key",
        )
        .bind(direction.as_str())
        .fetch_all(self.pool())
        .await?)
    }

    /// Takes finished files off the queue, in one transaction; an uploaded original is now safe
    /// in the bucket.
    pub async fn files_done(&self, direction: FileDirection, files: &[QueuedFile]) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        let mut tx = begin_immediate(self.pool()).await?;
        for file in files {
            sqlx::query("DELETE FROM sync_files WHERE key = ? AND direction = ?")
                .bind(&file.key)
                .bind(direction.as_str())
                .execute(&mut *tx)
                .await?;
            if direction == FileDirection::Up && file.original {
                sqlx::query(
                    "UPDATE images SET original_remote = 1 WHERE sha256 = ? AND original_remote = 0",
                )
                .bind(&file.sha256)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        if direction == FileDirection::Down {
            // Thumbnails (and originals) of pulled images are on this device now.
            self.library.changes().sync();
        }
        Ok(())
    }

    /// A transfer failed: it stays queued, tried after the others next time.
    pub async fn file_failed(
        &self,
        direction: FileDirection,
        file: &QueuedFile,
        error: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE sync_files SET attempts = attempts + 1, last_error = ? WHERE key = ? AND direction = ?",
        )
        .bind(error)
        .bind(&file.key)
        .bind(direction.as_str())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
