//! The wildcard lists templates draw from (`__name__`), kept in the `wildcard_lists` table
//! (migration 0014) and synced like saved prompts: one record per list, last writer wins, a
//! removal kept as `removed_at`. Names are case-sensitive (`batch::Wildcards`), so a list's id is
//! derived from its exact name: two devices that each save `colours` make one list.
//!
//! Lists saved before 0014 were one JSON document in `settings['wildcards']`; the first use moves
//! them here (the ids are hashes SQL cannot compute), and the move syncs like any save.

use std::collections::BTreeMap;

use super::Library;
use super::db::{begin_immediate, now_ms};
use super::prompts::derived_record_id;
use crate::{CoreError, Result};

/// The `settings` key lists were kept under before migration 0014.
const LEGACY_KEY: &str = "wildcards";
/// Most lines in one list.
const MAX_LINES: usize = 10_000;

/// The id of the list called exactly `name`.
pub(crate) fn wildcard_id(name: &str) -> String {
    derived_record_id("wildcard", name)
}

/// Lines as kept: as many as a list may have.
pub(crate) fn check_wildcard_lines(lines: &[String]) -> Result<()> {
    if lines.len() > MAX_LINES {
        return Err(CoreError::InvalidInput(format!(
            "a wildcard list has at most {MAX_LINES} lines"
        )));
    }
    Ok(())
}

impl Library {
    /// Saves (or replaces) the list `name` (checked by the caller), its lines as given.
    pub async fn set_wildcard_list(&self, name: &str, lines: &[String]) -> Result<()> {
        check_wildcard_lines(lines)?;
        self.move_legacy_wildcards().await?;
        let entries =
            serde_json::to_string(lines).map_err(|e| CoreError::Internal(e.to_string()))?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO wildcard_lists (id, profile_id, name, entries, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET entries = excluded.entries,
                 updated_at = excluded.updated_at, removed_at = NULL,
                 created_at = CASE WHEN removed_at IS NULL THEN created_at ELSE excluded.created_at END",
        )
        .bind(wildcard_id(name))
        .bind(&self.profile_id)
        .bind(name)
        .bind(entries)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        self.changes.prompts();
        Ok(())
    }

    /// Every live list, by name: name → lines as saved.
    pub async fn wildcard_lists(&self) -> Result<BTreeMap<String, Vec<String>>> {
        self.move_legacy_wildcards().await?;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, entries FROM wildcard_lists WHERE profile_id = ? AND removed_at IS NULL",
        )
        .bind(&self.profile_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            // Rows are written here or checked by sync's apply; a damaged one reads as empty.
            .map(|(name, entries)| (name, serde_json::from_str(&entries).unwrap_or_default()))
            .collect())
    }

    /// Removes the list called exactly `name`; the removal syncs.
    pub async fn remove_wildcard_list(&self, name: &str) -> Result<()> {
        self.move_legacy_wildcards().await?;
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE wildcard_lists SET removed_at = ?, updated_at = ?
             WHERE id = ? AND profile_id = ? AND removed_at IS NULL",
        )
        .bind(now)
        .bind(now)
        .bind(wildcard_id(name))
        .bind(&self.profile_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(CoreError::NotFound(format!(
                "a wildcard list named '{name}'"
            )));
        }
        self.changes.prompts();
        Ok(())
    }

    /// Moves the lists of `settings['wildcards']` (before migration 0014) into the table, in one
    /// transaction; a list of that name already in the table (from another device) is kept.
    async fn move_legacy_wildcards(&self) -> Result<()> {
        let Some(lists) = self
            .read_setting::<BTreeMap<String, Vec<String>>>(LEGACY_KEY)
            .await?
        else {
            return Ok(());
        };
        let now = now_ms();
        let mut tx = begin_immediate(&self.pool).await?;
        for (name, lines) in &lists {
            let entries =
                serde_json::to_string(lines).map_err(|e| CoreError::Internal(e.to_string()))?;
            sqlx::query(
                "INSERT INTO wildcard_lists (id, profile_id, name, entries, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(wildcard_id(name))
            .bind(&self.profile_id)
            .bind(name)
            .bind(entries)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM settings WHERE key = ?")
            .bind(LEGACY_KEY)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        if !lists.is_empty() {
            self.changes.prompts();
        }
        Ok(())
    }
}
