use nanoforge_core::{AppCore, AppError, AppInfo};
use tauri::State;

/// Version, profile and library location of the running core.
#[tauri::command]
#[specta::specta]
pub async fn app_info(core: State<'_, AppCore>) -> Result<AppInfo, AppError> {
    Ok(core.app_info().await?)
}
