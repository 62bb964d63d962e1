//! Sync through the user's own bucket: its settings (the secret access key goes to the keychain),
//! where it stands, "Sync now" (progress arrives as `SyncChanged` events) and a connection test.

use nanoforge_core::library::replica::PendingApplied;
use nanoforge_core::sync::{SyncReport, SyncSetup, SyncStatus};
use nanoforge_core::{AppCore, AppError};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn sync_setup(core: State<'_, AppCore>) -> Result<SyncSetup, AppError> {
    Ok(core.session().sync_setup().await?)
}

/// Saves the location and choices; a non-empty `secretAccessKey` is stored in the keychain.
#[tauri::command]
#[specta::specta]
pub async fn update_sync_setup(
    core: State<'_, AppCore>,
    setup: SyncSetup,
    secret_access_key: Option<String>,
) -> Result<SyncStatus, AppError> {
    Ok(core
        .session()
        .update_sync_setup(setup, secret_access_key)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(core: State<'_, AppCore>) -> Result<SyncStatus, AppError> {
    Ok(core.session().sync_status().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_now(core: State<'_, AppCore>) -> Result<SyncReport, AppError> {
    Ok(core.session().sync_now().await?)
}

/// Applies the deletions forever another device made that a sync held back for confirmation
/// ("Device X deleted 240 of 250 images forever — apply?").
#[tauri::command]
#[specta::specta]
pub async fn apply_pending_deletions(core: State<'_, AppCore>) -> Result<PendingApplied, AppError> {
    Ok(core.session().apply_pending_deletions().await?)
}

/// Checks keys, bucket, endpoint and write access before the settings are saved.
#[tauri::command]
#[specta::specta]
pub async fn test_sync_connection(
    core: State<'_, AppCore>,
    setup: SyncSetup,
    secret_access_key: Option<String>,
) -> Result<(), AppError> {
    Ok(core
        .session()
        .test_sync_connection(setup, secret_access_key)
        .await?)
}
