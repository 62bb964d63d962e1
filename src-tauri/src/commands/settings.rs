//! Preferences and keys (kept in the secret store by the core, per profile, never shown whole).

use nanoforge_core::accounts::SecretPurpose;
use nanoforge_core::{ApiKeyStatus, AppCore, AppError, Settings};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn get_settings(core: State<'_, AppCore>) -> Result<Settings, AppError> {
    Ok(core.settings().await?)
}

/// Validates, saves and applies the settings (new prices and concurrency take effect at once).
#[tauri::command]
#[specta::specta]
pub async fn update_settings(
    core: State<'_, AppCore>,
    settings: Settings,
) -> Result<Settings, AppError> {
    Ok(core.update_settings(settings).await?)
}

/// The open profile's key for `purpose`, masked.
#[tauri::command]
#[specta::specta]
pub async fn key_status(
    core: State<'_, AppCore>,
    purpose: SecretPurpose,
) -> Result<ApiKeyStatus, AppError> {
    Ok(core.key_status(purpose).await?)
}

/// Saves a key in the OS keychain for the open profile; new generations use it at once.
#[tauri::command]
#[specta::specta]
pub async fn set_key(
    core: State<'_, AppCore>,
    purpose: SecretPurpose,
    key: String,
) -> Result<ApiKeyStatus, AppError> {
    Ok(core.set_key(purpose, key).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn clear_key(
    core: State<'_, AppCore>,
    purpose: SecretPurpose,
) -> Result<ApiKeyStatus, AppError> {
    Ok(core.clear_key(purpose).await?)
}
