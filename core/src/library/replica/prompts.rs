//! Another device's saved prompts and wildcard lists: each record is the prompt or list as that
//! device last saw it (saved, replaced, removed); the newest wins, per record, by the same clock
//! as albums and references. A record whose id is not the one its name gives is skipped: a name is
//! one record everywhere, which is what keeps names unique without a constraint a pull could break.

use serde_json::{Map, Value};
use sqlx::SqliteConnection;

use super::clock;
use super::merge::Target;
use crate::Result;
use crate::library::prompts::{check_prompt_name, check_prompt_tags, check_prompt_text, prompt_id};
use crate::library::wildcard_lists::{check_wildcard_lines, wildcard_id};

/// Which of the two record kinds.
#[derive(Debug, Clone, Copy)]
pub(super) enum TextKind {
    Prompt,
    Wildcard,
}

impl TextKind {
    fn entity(self) -> &'static str {
        match self {
            TextKind::Prompt => "prompt",
            TextKind::Wildcard => "wildcard",
        }
    }
}

/// The row a record stands for, checked: (name, body, tags).
fn checked(
    kind: TextKind,
    id: &str,
    record: &Map<String, Value>,
) -> Option<(String, String, String)> {
    let text = |key: &str| record.get(key).and_then(Value::as_str);
    let name = text("name")?;
    match kind {
        TextKind::Prompt => {
            let name = check_prompt_name(name).ok()?;
            let body = text("text")?;
            check_prompt_text(body).ok()?;
            let tags: Vec<String> = serde_json::from_str(text("tags")?).ok()?;
            let tags = check_prompt_tags(&tags).ok()?;
            (prompt_id(&name) == id).then(|| {
                let tags = serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into());
                (name, body.to_owned(), tags)
            })
        }
        TextKind::Wildcard => {
            let entries = text("entries")?;
            let lines: Vec<String> = serde_json::from_str(entries).ok()?;
            check_wildcard_lines(&lines).ok()?;
            (wildcard_id(name) == id).then(|| (name.to_owned(), entries.to_owned(), String::new()))
        }
    }
}

/// Applies one prompt or wildcard record; `true` when it changed the library.
pub(super) async fn apply_text(
    conn: &mut SqliteConnection,
    target: &Target<'_>,
    (kind, id): (TextKind, &str),
    eff: i64,
    record: &Map<String, Value>,
) -> Result<bool> {
    let entity = kind.entity();
    let current: Option<(i64, String)> = sqlx::query_as(
        "SELECT hlc, device FROM sync_versions WHERE entity = ? AND id = ? AND field = 'record'",
    )
    .bind(entity)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((hlc, owner)) = &current
        && !clock::wins((eff, target.device), (*hlc, owner))
    {
        return Ok(false);
    }
    let number = |key: &str| record.get(key).and_then(Value::as_i64);
    let (Some((name, body, tags)), Some(created_at), Some(updated_at)) = (
        checked(kind, id, record),
        number("created_at"),
        number("updated_at"),
    ) else {
        tracing::warn!(
            id,
            entity,
            device = target.device,
            "skipping a record that is not a usable one"
        );
        return Ok(false);
    };
    let removed_at = number("removed_at");
    let query = match kind {
        TextKind::Prompt => sqlx::query(
            "INSERT INTO saved_prompts (id, profile_id, name, text, tags, created_at, updated_at, removed_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, text = excluded.text,
                 tags = excluded.tags, created_at = excluded.created_at,
                 updated_at = excluded.updated_at, removed_at = excluded.removed_at",
        )
        .bind(id)
        .bind(target.profile_id)
        .bind(&name)
        .bind(&body)
        .bind(&tags),
        TextKind::Wildcard => sqlx::query(
            "INSERT INTO wildcard_lists (id, profile_id, name, entries, created_at, updated_at, removed_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, entries = excluded.entries,
                 created_at = excluded.created_at, updated_at = excluded.updated_at,
                 removed_at = excluded.removed_at",
        )
        .bind(id)
        .bind(target.profile_id)
        .bind(&name)
        .bind(&body),
    };
    query
        .bind(created_at)
        .bind(updated_at)
        .bind(removed_at)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO sync_versions (entity, id, field, hlc, device) VALUES (?, ?, 'record', ?, ?)
         ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device",
    )
    .bind(entity)
    .bind(id)
    .bind(eff)
    .bind(target.device)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}
