use nanoforge_core::{AppCore, AppError, AppInfo};
use tauri::{AppHandle, Runtime, State};

/// Version, profile and library location of the running core.
#[tauri::command]
#[specta::specta]
pub async fn app_info(core: State<'_, AppCore>) -> Result<AppInfo, AppError> {
    Ok(core.app_info().await?)
}

/// "Quit now" while the app waits for a paid request: stops at once (the job is left in its honest
/// state: may be charged, never resent) and exits.
#[tauri::command]
#[specta::specta]
pub async fn quit_now<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
) -> Result<(), AppError> {
    core.shutdown().await?;
    app.exit(0);
    Ok(())
}
