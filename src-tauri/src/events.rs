//! Core events forwarded to the UI as typed tauri-specta events.

use nanoforge_core::AppCore;
use nanoforge_core::queue::JobEvent;
use serde::Serialize;
use tauri::AppHandle;
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

/// Progress of one generation job (queued → submitted → generating → downloading → done/failed).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct JobProgress(pub JobEvent);

/// Forwards every job event of the core to the UI for as long as the app runs.
pub fn forward_job_events(app: AppHandle, core: &AppCore) {
    let mut events = core.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Err(e) = JobProgress(event).emit(&app) {
                        tracing::warn!(error = %e, "could not emit a job event");
                    }
                }
                // A slow UI missed some progress lines; the next event carries the current state.
                Err(RecvError::Lagged(n)) => tracing::debug!(missed = n, "job events lagged"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}
