//! The prompt library: a profile's saved prompts and templates (name, text, tags), kept in the
//! `saved_prompts` table (migration 0014) and synced as one record each (last writer wins; a
//! removal keeps the row with `removed_at` so it syncs, and a later save brings the name back).
//!
//! A prompt's id is derived from its name in lower case, so a name is one record everywhere: two
//! devices that each save "Portrait" before they sync save one prompt, and names are unique in
//! any case without a constraint another device's record could break. There is no rename: a name
//! is the prompt's identity.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Library;
use super::db::{begin_immediate, ms_to_f64, now_ms};
use crate::{CoreError, Result};

/// Longest prompt name, in characters.
const MAX_NAME_CHARS: usize = 100;
/// Longest prompt text, in characters (a template with a long CSV-driven body still fits).
const MAX_TEXT_CHARS: usize = 20_000;
/// Most tags on one prompt.
const MAX_TAGS: usize = 32;

/// A saved prompt as the Generator's library and `prompts list` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SavedPrompt {
    pub id: String,
    pub name: String,
    /// The prompt, or a template (`{a|b}`, `__name__`, `${column}`) as typed.
    pub text: String,
    /// Normalised tags (see `normalize_tag`), in the order given.
    pub tags: Vec<String>,
    /// Unix ms.
    pub created_at: f64,
    pub updated_at: f64,
}

/// Which saved prompts to list: all of them, or those matching.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PromptQuery {
    /// Words that must each appear (any case) in the name, the text or a tag.
    #[serde(default)]
    pub search: Option<String>,
    /// Only prompts carrying this tag (any spelling that normalises to it).
    #[serde(default)]
    pub tag: Option<String>,
}

/// A prompt to save under `name`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewPrompt {
    pub name: String,
    pub text: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Replace a saved prompt of that name (any case); without it such a name is refused.
    #[serde(default)]
    pub replace: bool,
}

#[derive(sqlx::FromRow)]
struct PromptRow {
    id: String,
    name: String,
    text: String,
    tags: String,
    created_at: i64,
    updated_at: i64,
}

impl From<PromptRow> for SavedPrompt {
    fn from(r: PromptRow) -> Self {
        SavedPrompt {
            id: r.id,
            name: r.name,
            text: r.text,
            // Rows are written by this module or checked by sync's apply; a damaged one lists no tags.
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            created_at: ms_to_f64(r.created_at),
            updated_at: ms_to_f64(r.updated_at),
        }
    }
}

/// A name as kept: trimmed, non-empty, not too long, no control characters.
pub fn check_prompt_name(name: &str) -> Result<String> {
    let name = name.trim();
    let bad = |why: &str| Err(CoreError::InvalidInput(format!("a prompt name {why}")));
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

/// A prompt's text as kept: not blank, not too long.
pub(crate) fn check_prompt_text(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(CoreError::InvalidInput(
            "a saved prompt's text cannot be empty".into(),
        ));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(CoreError::InvalidInput(format!(
            "a saved prompt has at most {MAX_TEXT_CHARS} characters"
        )));
    }
    Ok(())
}

/// The tags, normalised, each once, in the order given.
pub(crate) fn check_prompt_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = super::normalize_tag(tag)?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(CoreError::InvalidInput(format!(
            "a saved prompt has at most {MAX_TAGS} tags"
        )));
    }
    Ok(out)
}

/// A UUID (version 8) from a hash of `domain` and `key`: the same on every device.
pub(crate) fn derived_record_id(domain: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("nanoforge {domain}\0{key}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// The id of the prompt called `name` (any case).
pub(crate) fn prompt_id(name: &str) -> String {
    derived_record_id("prompt", &name.to_lowercase())
}

const SELECT: &str = "SELECT id, name, text, tags, created_at, updated_at FROM saved_prompts
     WHERE profile_id = ? AND removed_at IS NULL";

impl Library {
    /// Saves `prompt`: a new name makes a prompt; a saved one (any case) is replaced only with
    /// `replace`, else refused as `already_exists`.
    pub async fn save_prompt(&self, prompt: &NewPrompt) -> Result<SavedPrompt> {
        let name = check_prompt_name(&prompt.name)?;
        check_prompt_text(&prompt.text)?;
        let tags = check_prompt_tags(&prompt.tags)?;
        let tags = serde_json::to_string(&tags).map_err(|e| CoreError::Internal(e.to_string()))?;
        let id = prompt_id(&name);
        let now = now_ms();
        let mut tx = begin_immediate(&self.pool).await?;
        let existing: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT name, removed_at FROM saved_prompts WHERE id = ?")
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await?;
        match existing {
            Some((old, None)) if !prompt.replace => {
                return Err(CoreError::AlreadyExists(format!(
                    "there is a saved prompt named '{old}' already"
                )));
            }
            Some((_, removed)) => {
                // Saved again after a removal: a new prompt under the old id, made now.
                let created = if removed.is_some() { Some(now) } else { None };
                sqlx::query(
                    "UPDATE saved_prompts SET name = ?, text = ?, tags = ?, updated_at = ?,
                         removed_at = NULL, created_at = coalesce(?, created_at)
                     WHERE id = ?",
                )
                .bind(&name)
                .bind(&prompt.text)
                .bind(&tags)
                .bind(now)
                .bind(created)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO saved_prompts (id, profile_id, name, text, tags, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&id)
                .bind(&self.profile_id)
                .bind(&name)
                .bind(&prompt.text)
                .bind(&tags)
                .bind(now)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        self.changes.prompts();
        self.saved_prompt(&name).await
    }

    /// The saved prompt called `name` (any case), or a not-found error naming it.
    pub async fn saved_prompt(&self, name: &str) -> Result<SavedPrompt> {
        let sql = format!("{SELECT} AND id = ?");
        let row: Option<PromptRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .bind(prompt_id(name.trim()))
            .fetch_optional(&self.pool)
            .await?;
        row.map(SavedPrompt::from)
            .ok_or_else(|| CoreError::NotFound(format!("a saved prompt named '{}'", name.trim())))
    }

    /// The saved prompts matching `query`, by name (any case).
    pub async fn saved_prompts(&self, query: &PromptQuery) -> Result<Vec<SavedPrompt>> {
        let sql = format!("{SELECT} ORDER BY name COLLATE NOCASE, id");
        let rows: Vec<PromptRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .fetch_all(&self.pool)
            .await?;
        let tag = match query.tag.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => Some(super::normalize_tag(t)?),
            _ => None,
        };
        let words: Vec<String> = query
            .search
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let mut prompts: Vec<SavedPrompt> = rows
            .into_iter()
            .map(SavedPrompt::from)
            .filter(|p| tag.as_ref().is_none_or(|t| p.tags.contains(t)))
            .filter(|p| {
                let haystack =
                    format!("{}\n{}\n{}", p.name, p.text, p.tags.join("\n")).to_lowercase();
                words.iter().all(|w| haystack.contains(w.as_str()))
            })
            .collect();
        // SQLite's NOCASE folds ASCII only: every name sorts by its lower case (code point order).
        prompts.sort_by_cached_key(|p| (p.name.to_lowercase(), p.id.clone()));
        Ok(prompts)
    }

    /// Removes the saved prompt called `name` (any case); the removal syncs.
    pub async fn remove_prompt(&self, name: &str) -> Result<()> {
        let prompt = self.saved_prompt(name).await?;
        let now = now_ms();
        sqlx::query(
            "UPDATE saved_prompts SET removed_at = ?, updated_at = ? WHERE id = ? AND removed_at IS NULL",
        )
        .bind(now)
        .bind(now)
        .bind(&prompt.id)
        .execute(&self.pool)
        .await?;
        self.changes.prompts();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_one_record_in_any_case_and_names_are_checked() {
        assert_eq!(prompt_id("Portrait"), prompt_id("PORTRAIT"));
        assert_ne!(prompt_id("Portrait"), prompt_id("Portraits"));
        assert_ne!(
            prompt_id("trips"),
            derived_record_id("album", "trips"),
            "each kind hashes in its own domain"
        );
        assert!(crate::library::replica::is_record_id(&prompt_id("x")));
        assert_eq!(check_prompt_name("  Hero shot ").unwrap(), "Hero shot");
        assert!(check_prompt_name("   ").is_err());
        assert!(check_prompt_name("a\nb").is_err());
        assert!(check_prompt_text(" \n").is_err());
        assert_eq!(
            check_prompt_tags(&["Studio".into(), " studio ".into(), "Red  Car".into()]).unwrap(),
            ["studio", "red car"]
        );
    }
}
