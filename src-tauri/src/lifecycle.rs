//! Start and end of the app: logging to a size-capped file in the data folder, opening the core
//! (with a native dialog naming the reason and the folder when it cannot open), and handing jobs
//! back when the app quits so a CLI or the next start resumes them at once.

use std::sync::Arc;

use nanoforge_core::accounts::KeychainStore;
use nanoforge_core::{AppCore, CoreConfig, ProfileChoice};
use tauri::{App, AppHandle, Manager, RunEvent, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

/// Builds and manages the core; on failure the window stays hidden and a dialog explains.
pub fn open_core<R: Runtime>(app: &mut App<R>) {
    let opened = (|| -> Result<AppCore, String> {
        let default_dir = app.path().app_data_dir().map_err(|e| e.to_string())?;
        let mut config =
            CoreConfig::from_env_or_data_dir(&default_dir).map_err(|e| e.to_string())?;
        if let Err(e) = nanoforge_core::logging::to_file(&config.data_dir) {
            eprintln!("nanoforge: logging to a file is unavailable: {e}");
        }
        config.auto_resume = true;
        let data_dir = config.data_dir.clone();
        tauri::async_runtime::block_on(AppCore::open(
            config,
            Arc::new(KeychainStore::new()),
            ProfileChoice::Current,
        ))
        .map_err(|e| format!("{e}\n\nData folder: {}", data_dir.display()))
    })();
    match opened {
        Ok(core) => {
            app.manage(core.clone());
            crate::events::attach(app.handle());
            // Syncs on start, after finished jobs and every few minutes, when sync is set up.
            tauri::async_runtime::spawn(async move { core.start_auto_sync() });
        }
        Err(reason) => {
            tracing::error!(%reason, "the library could not be opened");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.hide();
            }
            let handle = app.handle().clone();
            app.dialog()
                .message(format!(
                    "Nanoforge could not open your library.\n\n{reason}"
                ))
                .title("Nanoforge could not start")
                .kind(MessageDialogKind::Error)
                .show(move |_| handle.exit(1));
        }
    }
}

/// Releases the open profile's job leases when the app exits normally.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: RunEvent) {
    if let RunEvent::Exit = event
        && let Some(core) = app.try_state::<AppCore>()
    {
        let core = core.inner().clone();
        match tauri::async_runtime::block_on(core.shutdown()) {
            Ok(n) => tracing::info!(released = n, "job leases handed back on exit"),
            Err(e) => tracing::warn!(error = %e, "could not hand job leases back on exit"),
        }
    }
}
