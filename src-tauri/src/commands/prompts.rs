//! The prompt library (saved prompts and templates the Generator inserts) and the wildcard lists
//! templates draw from (`__name__`). Both sync; a change (here or from another device) arrives as
//! a library change with `prompts` set.

use nanoforge_core::batch::WildcardList;
use nanoforge_core::library::{NewPrompt, PromptQuery, SavedPrompt};
use nanoforge_core::{AppCore, AppError};
use tauri::State;

/// The saved prompts matching `query`, by name.
#[tauri::command]
#[specta::specta]
pub async fn list_prompts(
    core: State<'_, AppCore>,
    query: PromptQuery,
) -> Result<Vec<SavedPrompt>, AppError> {
    Ok(core.session().prompts(&query).await?)
}

/// Saves a prompt; a taken name (any case) without `replace` is `already_exists`.
#[tauri::command]
#[specta::specta]
pub async fn save_prompt(
    core: State<'_, AppCore>,
    prompt: NewPrompt,
) -> Result<SavedPrompt, AppError> {
    Ok(core.session().save_prompt(&prompt).await?)
}

/// Removes the saved prompt called `name` (any case).
#[tauri::command]
#[specta::specta]
pub async fn remove_prompt(core: State<'_, AppCore>, name: String) -> Result<(), AppError> {
    Ok(core.session().remove_prompt(&name).await?)
}

/// The profile's wildcard lists, by name.
#[tauri::command]
#[specta::specta]
pub async fn list_wildcards(core: State<'_, AppCore>) -> Result<Vec<WildcardList>, AppError> {
    Ok(core.session().wildcards().await?)
}

/// Saves (or replaces) the wildcard list `name`, one entry per line as given.
#[tauri::command]
#[specta::specta]
pub async fn set_wildcard(
    core: State<'_, AppCore>,
    name: String,
    entries: Vec<String>,
) -> Result<(), AppError> {
    Ok(core.session().set_wildcard(&name, entries).await?)
}

/// Removes the wildcard list called exactly `name`.
#[tauri::command]
#[specta::specta]
pub async fn remove_wildcard(core: State<'_, AppCore>, name: String) -> Result<(), AppError> {
    Ok(core.session().remove_wildcard(&name).await?)
}
