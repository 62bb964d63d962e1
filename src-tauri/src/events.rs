//! Core events forwarded to the UI as typed tauri-specta events: job progress (each event names
//! its profile) and profile changes (sign-in, switch, sign-out), on which the UI resets its stores.

use nanoforge_core::app::SyncEvent;
use nanoforge_core::queue::JobEvent;
use nanoforge_core::{AppCore, ProfileSummary};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

/// Progress of one generation job (queued → submitted → generating → downloading → done/failed).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct JobProgress(pub JobEvent);

/// Another profile is open now: everything shown so far belongs to the previous one.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ProfileChanged(pub ProfileSummary);

/// A sync started, moved on, finished (with what it did) or failed (with a typed error).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct SyncChanged(pub SyncEvent);

/// Forwards the core's events to the UI for as long as the app runs.
pub fn forward<R: Runtime>(app: AppHandle<R>, core: &AppCore) {
    let mut jobs = core.subscribe();
    let job_app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match jobs.recv().await {
                Ok(event) => {
                    if let Err(e) = JobProgress(event).emit(&job_app) {
                        tracing::warn!(error = %e, "could not emit a job event");
                    }
                }
                // A slow UI missed some progress lines; the next event carries the current state.
                Err(RecvError::Lagged(n)) => tracing::debug!(missed = n, "job events lagged"),
                Err(RecvError::Closed) => break,
            }
        }
    });
    let mut syncs = core.subscribe_sync();
    let sync_app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match syncs.recv().await {
                Ok(event) => {
                    if let Err(e) = SyncChanged(event).emit(&sync_app) {
                        tracing::warn!(error = %e, "could not emit a sync event");
                    }
                }
                Err(RecvError::Lagged(n)) => tracing::debug!(missed = n, "sync events lagged"),
                Err(RecvError::Closed) => break,
            }
        }
    });
    let mut profiles = core.watch_profile();
    tauri::async_runtime::spawn(async move {
        while profiles.changed().await.is_ok() {
            let profile = profiles.borrow_and_update().clone();
            if let Err(e) = ProfileChanged(profile).emit(&app) {
                tracing::warn!(error = %e, "could not emit a profile change");
            }
        }
    });
}
