//! The core's one event stream forwarded to the page as one typed tauri-specta event: job
//! progress, committed library changes (batched and coalesced by the core), sync progress and
//! profile switches. The page's stores subscribe through `ui/src/api/` and update themselves.

use nanoforge_core::{AppCore, CoreEvent};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

/// Something the core did that the page may show.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct CoreChanged(pub CoreEvent);

/// Forwards the core's events to the page for as long as the app runs.
pub fn forward<R: Runtime>(app: AppHandle<R>, core: &AppCore) {
    let mut events = core.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Err(e) = CoreChanged(event).emit(&app) {
                        tracing::warn!(error = %e, "could not emit a core event");
                    }
                }
                // A slow page missed some events; the next one carries the current state and the
                // library is the source of truth to reload from.
                Err(RecvError::Lagged(n)) => tracing::debug!(missed = n, "core events lagged"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// Starts forwarding the core's events to the page; call once the core is managed.
pub fn attach<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(core) = app.try_state::<nanoforge_core::AppCore>() {
        forward(app.clone(), &core);
    }
}
