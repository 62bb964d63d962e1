//! Named references ("Mira", "logo"): a library image sent byte-for-byte as an input wherever
//! its name is picked. A name means the newest live reference with it (names are not unique
//! across devices: two phones can each add a "Mira" before they sync); removing keeps the row
//! with `removed_at` so the removal syncs. A job records the images themselves, so removing or
//! replacing a reference never changes a job already recorded.

use serde::Serialize;

use super::Library;
use super::db::{ms_to_f64, now_ms};
use crate::{CoreError, Result};

/// Longest name, in characters.
const MAX_NAME_CHARS: usize = 64;

/// A reference as the References view and `refs list` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    pub id: String,
    pub name: String,
    pub image_id: String,
    pub sha256: String,
    /// Unix ms.
    pub updated_at: f64,
}

#[derive(sqlx::FromRow)]
struct RefRow {
    id: String,
    name: String,
    image_id: String,
    sha256: Option<String>,
    updated_at: i64,
}

impl From<RefRow> for Reference {
    fn from(r: RefRow) -> Self {
        Reference {
            id: r.id,
            name: r.name,
            image_id: r.image_id,
            sha256: r.sha256.unwrap_or_default(),
            updated_at: ms_to_f64(r.updated_at),
        }
    }
}

const SELECT: &str = "SELECT r.id, r.name, r.image_id, i.sha256, r.updated_at
     FROM refs r LEFT JOIN images i ON i.id = r.image_id
     WHERE r.profile_id = ? AND r.removed_at IS NULL";

/// A name as kept: trimmed, non-empty, not too long, no control characters, no `@`.
pub fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    let bad = |why: &str| Err(CoreError::InvalidInput(format!("a reference name {why}")));
    if name.is_empty() {
        return bad("cannot be empty");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return bad(&format!("has at most {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(|c| c.is_control() || c == '@') {
        return bad("cannot hold control characters or '@' (it is how the prompt names one)");
    }
    Ok(name.to_owned())
}

impl Library {
    /// Every live reference, by name.
    pub async fn references(&self) -> Result<Vec<Reference>> {
        let sql = format!("{SELECT} ORDER BY r.name COLLATE NOCASE, r.updated_at DESC");
        let rows: Vec<RefRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(Reference::from).collect())
    }

    /// The reference `name` means (any case): the newest live one with it.
    pub async fn reference(&self, name: &str) -> Result<Reference> {
        let sql = format!(
            "{SELECT} AND r.name = ? COLLATE NOCASE ORDER BY r.updated_at DESC, r.id DESC LIMIT 1"
        );
        let row: Option<RefRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        row.map(Reference::from)
            .ok_or_else(|| CoreError::NotFound(format!("a reference named '{}'", name.trim())))
    }

    /// Names `image_id` `name`; a live reference with that name now means this image instead.
    pub async fn set_reference(&self, name: &str, image_id: &str) -> Result<Reference> {
        let name = check_name(name)?;
        self.get_image(image_id).await?;
        let now = now_ms();
        let mut tx = super::db::begin_immediate(&self.pool).await?;
        let existing: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM refs WHERE profile_id = ? AND removed_at IS NULL
               AND name = ? COLLATE NOCASE ORDER BY updated_at DESC LIMIT 1",
        )
        .bind(&self.profile_id)
        .bind(&name)
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            Some((id,)) => {
                sqlx::query("UPDATE refs SET name = ?, image_id = ?, updated_at = ? WHERE id = ?")
                    .bind(&name)
                    .bind(image_id)
                    .bind(now)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO refs (id, profile_id, name, image_id, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(&self.profile_id)
                .bind(&name)
                .bind(image_id)
                .bind(now)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        self.changes.references();
        self.reference(&name).await
    }

    /// Renames reference `id`.
    pub async fn rename_reference(&self, id: &str, name: &str) -> Result<Reference> {
        let name = check_name(name)?;
        let done = sqlx::query(
            "UPDATE refs SET name = ?, updated_at = ?
             WHERE id = ? AND profile_id = ? AND removed_at IS NULL",
        )
        .bind(&name)
        .bind(now_ms())
        .bind(id)
        .bind(&self.profile_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(CoreError::NotFound(format!("reference {id}")));
        }
        self.changes.references();
        self.reference(&name).await
    }

    /// Removes the reference `name` means. Jobs that sent it keep their image.
    pub async fn remove_reference(&self, name: &str) -> Result<()> {
        let reference = self.reference(name).await?;
        let now = now_ms();
        sqlx::query("UPDATE refs SET removed_at = ?, updated_at = ? WHERE id = ?")
            .bind(now)
            .bind(now)
            .bind(&reference.id)
            .execute(&self.pool)
            .await?;
        self.changes.references();
        Ok(())
    }
}
