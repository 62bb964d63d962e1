//! The `settings` table: a profile's small JSON documents by key (its preferences, its sync
//! setup), kept in its library so they travel with it. The one place that reads and writes the
//! table; a document that no longer parses is an error that names it, and each caller decides
//! what that means for it.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Library;
use crate::{CoreError, Result};

impl Library {
    /// The document saved under `key`, or `None` if there is none.
    pub(crate) async fn read_setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(json,)| {
            serde_json::from_str(&json).map_err(|e| {
                CoreError::Unreadable(format!(
                    "the saved {key} settings of this library cannot be read ({e}); save them \
                     again to replace them"
                ))
            })
        })
        .transpose()
    }

    /// Saves `value` under `key`, replacing what was there.
    pub(crate) async fn write_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let json = serde_json::to_string(value)
            .map_err(|e| CoreError::Internal(format!("{key} could not be encoded: {e}")))?;
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(json)
        .bind(crate::clock::now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
