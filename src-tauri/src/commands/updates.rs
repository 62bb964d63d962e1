//! Updates of this install: check, install with progress, restart, skip a version, settings.
use nanoforge_core::{AppCore, AppError, AvailableUpdate, UpdateProgress, UpdateSettings};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::updates::{self, PendingUpdate};

/// Looks for a newer version; `background` for the check after the window opens (quiet, honours
/// "check automatically" and a skipped version).
#[tauri::command]
#[specta::specta]
pub async fn check_for_update<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
    pending: State<'_, PendingUpdate>,
    background: bool,
) -> Result<Option<AvailableUpdate>, AppError> {
    updates::check(&app, &core, &pending, background).await
}

/// Downloads, verifies and installs the update the last check found; progress on `on_progress`.
#[tauri::command]
#[specta::specta]
pub async fn install_update(
    pending: State<'_, PendingUpdate>,
    on_progress: Channel<UpdateProgress>,
) -> Result<(), AppError> {
    updates::install(&pending, |p| {
        let _ = on_progress.send(p);
    })
    .await
}

/// "Restart to update": the installed version starts in place of this one.
#[tauri::command]
#[specta::specta]
pub async fn restart_to_update<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
) -> Result<(), AppError> {
    core.shutdown().await?;
    app.restart()
}

/// "Skip this version": background checks stop offering it.
#[tauri::command]
#[specta::specta]
pub async fn skip_update<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
    pending: State<'_, PendingUpdate>,
    version: String,
) -> Result<UpdateSettings, AppError> {
    core.skip_update(&version).await?;
    Ok(updates::settings(&app, &core, &pending).await)
}

/// Settings → Updates as it stands (with why the last check failed, if it did).
#[tauri::command]
#[specta::specta]
pub async fn update_settings<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
    pending: State<'_, PendingUpdate>,
) -> Result<UpdateSettings, AppError> {
    Ok(updates::settings(&app, &core, &pending).await)
}

/// Saves "check automatically" and the update address (empty: the build's).
#[tauri::command]
#[specta::specta]
pub async fn set_update_settings<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
    pending: State<'_, PendingUpdate>,
    auto_check: bool,
    endpoint: Option<String>,
) -> Result<UpdateSettings, AppError> {
    core.set_update_preferences(auto_check, endpoint).await?;
    Ok(updates::settings(&app, &core, &pending).await)
}
