use nanoforge_core::diagnostics::CrashReport;
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

/// Crash files the next start shows ("Nanoforge closed unexpectedly").
#[tauri::command]
#[specta::specta]
pub async fn unseen_crashes(core: State<'_, AppCore>) -> Result<Vec<CrashReport>, AppError> {
    Ok(core.unseen_crashes()?)
}

/// The crash dialog was closed: those reports are not shown again.
#[tauri::command]
#[specta::specta]
pub async fn acknowledge_crashes(core: State<'_, AppCore>) -> Result<u32, AppError> {
    Ok(core.acknowledge_crashes()?)
}

/// "Copy diagnostics": version, OS, web view, crashes and the last log lines, secrets masked.
#[tauri::command]
#[specta::specta]
pub async fn diagnostics_report(core: State<'_, AppCore>) -> Result<String, AppError> {
    let engine = if cfg!(target_os = "linux") {
        "WebKitGTK"
    } else {
        "web view"
    };
    let webview = tauri::webview_version()
        .ok()
        .map(|v| format!("{engine} {v}"));
    Ok(core.diagnostics_report(webview).await?)
}

/// The first-run welcome was closed: it does not come back on this device.
#[tauri::command]
#[specta::specta]
pub async fn dismiss_welcome(core: State<'_, AppCore>) -> Result<(), AppError> {
    Ok(core.dismiss_welcome().await?)
}
