//! Sync through the user's own bucket: its settings (the secret access key goes to the keychain),
//! where it stands, "Sync now" (progress arrives as `SyncChanged` events) and a connection test.

use nanoforge_core::sync::{SyncReport, SyncSettings, SyncStatus};
use nanoforge_core::{AppCore, AppError};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn sync_settings(core: State<'_, AppCore>) -> Result<SyncSettings, AppError> {
    Ok(core.sync_settings().await?)
}

/// Saves the location and choices; a non-empty `secretAccessKey` is stored in the keychain.
#[tauri::command]
#[specta::specta]
pub async fn update_sync_settings(
    core: State<'_, AppCore>,
    settings: SyncSettings,
    secret_access_key: Option<String>,
) -> Result<SyncStatus, AppError> {
    Ok(core
        .update_sync_settings(settings, secret_access_key)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(core: State<'_, AppCore>) -> Result<SyncStatus, AppError> {
    Ok(core.sync_status().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_now(core: State<'_, AppCore>) -> Result<SyncReport, AppError> {
    Ok(core.sync_now().await?)
}

/// Checks keys, bucket, endpoint and write access before the settings are saved.
#[tauri::command]
#[specta::specta]
pub async fn test_sync_connection(
    core: State<'_, AppCore>,
    settings: SyncSettings,
    secret_access_key: Option<String>,
) -> Result<(), AppError> {
    Ok(core
        .test_sync_connection(settings, secret_access_key)
        .await?)
}
