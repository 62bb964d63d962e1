//! The core's one event stream forwarded to the page as one typed tauri-specta event: job
//! progress, committed library changes (batched and coalesced by the core), sync progress and
//! profile switches. The page's stores subscribe through `ui/src/api/` and update themselves.
//!
//! On the way it keeps the promise the image protocol's cacheable URLs rely on: when another
//! profile opens, or images are deleted for good, the web view's caches are cleared, so nothing
//! of a closed profile or of a deleted image can be shown again from a cache.

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
                    if clears_image_caches(&event) {
                        crate::web_cache::clear(&app);
                    }
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

/// Whether the web view's cached images may show what is no longer there: another profile is
/// open, or images were deleted for good (`removed`, or too many changes to list).
fn clears_image_caches(event: &CoreEvent) -> bool {
    match event {
        CoreEvent::Profile { .. } => true,
        CoreEvent::Library { change } => !change.images.removed.is_empty() || change.images.all,
        _ => false,
    }
}

/// Starts forwarding the core's events to the page; call once the core is managed.
pub fn attach<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(core) = app.try_state::<nanoforge_core::AppCore>() {
        forward(app.clone(), &core);
    }
}
