//! Start and end of the app: logging to a size-capped file in the data folder, opening the core
//! (with a native dialog naming the reason and the folder when it cannot open), and handing jobs
//! back when the app quits so a CLI or the next start resumes them at once.

use std::sync::Arc;

use nanoforge_core::accounts::KeychainStore;
use nanoforge_core::{AppCore, CoreConfig, ProfileChoice};
use tauri::{App, AppHandle, Manager, RunEvent, Runtime, WindowEvent};
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
        nanoforge_core::diagnostics::install_panic_hook(
            &config.data_dir,
            env!("CARGO_PKG_VERSION"),
        );
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

/// Quitting never drops a paid request: closing the window (or Quit) while one is in flight keeps
/// the app running until it is recorded — the page shows "Finishing 1 paid request…" with "Quit
/// now" (the core's `Quitting` event) — then exits. Jobs are handed back on the way out.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: RunEvent) {
    match event {
        RunEvent::WindowEvent {
            event: WindowEvent::CloseRequested { api, .. },
            ..
        } if quit_gracefully(app) => api.prevent_close(),
        // `code` is set when the app itself asked to exit (after the wait, or "Quit now").
        RunEvent::ExitRequested {
            api, code: None, ..
        } if quit_gracefully(app) => api.prevent_exit(),
        RunEvent::Exit => {
            if let Some(core) = app.try_state::<AppCore>() {
                let core = core.inner().clone();
                match tauri::async_runtime::block_on(core.shutdown()) {
                    Ok(n) => tracing::info!(released = n, "job leases handed back on exit"),
                    Err(e) => tracing::warn!(error = %e, "could not hand job leases back on exit"),
                }
            }
        }
        _ => {}
    }
}

/// Starts waiting for paid requests in flight and exits when they are recorded; `false` when
/// none is in flight (the app may close now).
fn quit_gracefully<R: Runtime>(app: &AppHandle<R>) -> bool {
    let Some(core) = app.try_state::<AppCore>() else {
        return false;
    };
    let core = core.inner().clone();
    let quitting = app.state::<Quitting>();
    if core.paid_requests_in_flight() == 0 && !quitting.started() {
        return false;
    }
    if quitting.start() {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(e) = core.quit().await {
                tracing::warn!(error = %e, "could not hand job leases back while quitting");
            }
            app.exit(0);
        });
    }
    true
}

/// Whether the app is already waiting for paid requests before it exits.
#[derive(Default)]
pub struct Quitting(std::sync::atomic::AtomicBool);

impl Quitting {
    fn started(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// `true` the first time.
    fn start(&self) -> bool {
        !self.0.swap(true, std::sync::atomic::Ordering::SeqCst)
    }
}
