//! Preferences and the API key (kept in the OS keychain by the core, never shown whole).

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

#[tauri::command]
#[specta::specta]
pub async fn api_key_status(core: State<'_, AppCore>) -> Result<ApiKeyStatus, AppError> {
    Ok(core.api_key_status().await?)
}

/// Saves the Nano Banana API key in the OS keychain; new generations use it at once.
#[tauri::command]
#[specta::specta]
pub async fn set_api_key(core: State<'_, AppCore>, key: String) -> Result<ApiKeyStatus, AppError> {
    Ok(core.set_api_key(key).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn clear_api_key(core: State<'_, AppCore>) -> Result<ApiKeyStatus, AppError> {
    Ok(core.clear_api_key().await?)
}
