//! The queue of files to move between this library's folder and the bucket: originals and
//! thumbnails to upload (made here) or download (made elsewhere), and bucket copies to delete after
//! a delete-forever. Filled by the triggers and by apply; sync takes rows off it as transfers end.

use super::Replica;
use crate::library::begin_immediate;
use crate::{CoreError, Result};

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
        // One statement for the batch, not one per file: a phone's first pull takes 20,000
        // thumbnails off the queue, and each statement is a round trip to SQLite's worker thread.
        let keys: Vec<&str> = files.iter().map(|f| f.key.as_str()).collect();
        let uploaded: Vec<&str> = files
            .iter()
            .filter(|f| direction == FileDirection::Up && f.original)
            .map(|f| f.sha256.as_str())
            .collect();
        let mut tx = begin_immediate(self.pool()).await?;
        sqlx::query(
            "DELETE FROM sync_files WHERE direction = ? AND key IN (SELECT value FROM json_each(?))",
        )
        .bind(direction.as_str())
        .bind(json_text(&keys)?)
        .execute(&mut *tx)
        .await?;
        if !uploaded.is_empty() {
            sqlx::query(
                "UPDATE images SET original_remote = 1
                  WHERE sha256 IN (SELECT value FROM json_each(?)) AND original_remote = 0",
            )
            .bind(json_text(&uploaded)?)
            .execute(&mut *tx)
            .await?;
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

fn json_text(values: &[&str]) -> Result<String> {
    serde_json::to_string(values).map_err(|e| CoreError::Internal(e.to_string()))
}
