//! The profile's preferences and keys (kept in the secret store by the core, per profile, never
//! shown whole).

use nanoforge_core::accounts::SecretPurpose;
use nanoforge_core::{ApiKeyStatus, AppCore, AppError, CheckedKey, Preferences};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn get_preferences(core: State<'_, AppCore>) -> Result<Preferences, AppError> {
    Ok(core.session().preferences().await?)
}

/// Validates, saves and applies the preferences (new prices and concurrency take effect at once).
#[tauri::command]
#[specta::specta]
pub async fn update_preferences(
    core: State<'_, AppCore>,
    preferences: Preferences,
) -> Result<Preferences, AppError> {
    Ok(core.session().update_preferences(preferences).await?)
}

/// The open profile's key for `purpose`, masked.
#[tauri::command]
#[specta::specta]
pub async fn key_status(
    core: State<'_, AppCore>,
    purpose: SecretPurpose,
) -> Result<ApiKeyStatus, AppError> {
    Ok(core.session().key_status(purpose).await?)
}

/// Saves a key in the OS keychain for the open profile; new generations use it at once.
/// Asks the service whether it takes the key, then saves it (offline: saved, not checked yet); a
/// refused key is an error and nothing is saved. The welcome and Settings use it.
#[tauri::command]
#[specta::specta]
pub async fn check_and_set_key(
    core: State<'_, AppCore>,
    purpose: SecretPurpose,
    key: String,
) -> Result<CheckedKey, AppError> {
    Ok(core.session().check_and_set_key(purpose, key).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_key(
    core: State<'_, AppCore>,
    purpose: SecretPurpose,
    key: String,
) -> Result<ApiKeyStatus, AppError> {
    Ok(core.session().set_key(purpose, key).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn clear_key(
    core: State<'_, AppCore>,
    purpose: SecretPurpose,
) -> Result<ApiKeyStatus, AppError> {
    Ok(core.session().clear_key(purpose).await?)
}
