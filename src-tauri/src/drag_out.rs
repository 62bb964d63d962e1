//! Native drag out of the window (the `drag` crate: GTK on Linux, AppKit, OLE on Windows). The
//! web page cannot drag a file to other apps by itself: an HTML drag carries only data the page
//! made, not a file other apps can take. The drag must start on the main thread while the mouse
//! button is still down, so the page asks on `pointerdown` on the viewer's drag handle.

use std::path::PathBuf;

use nanoforge_core::{AppError, ErrorKind};
use tauri::{Runtime, WebviewWindow};

#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn drag_error(e: impl std::fmt::Display) -> AppError {
    AppError {
        kind: ErrorKind::Io,
        message: format!("the image could not be dragged out: {e}"),
    }
}

/// Starts dragging the file at `path` (a copy the core wrote for this drag) with `icon` (PNG or
/// JPEG bytes, the thumbnail) under the pointer.
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub async fn start<R: Runtime>(
    window: &WebviewWindow<R>,
    path: PathBuf,
    icon: Vec<u8>,
) -> Result<(), AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let target = window.clone();
    window
        .run_on_main_thread(move || {
            #[cfg(target_os = "linux")]
            let handle = target.gtk_window();
            #[cfg(not(target_os = "linux"))]
            let handle = Ok::<_, tauri::Error>(target);
            let started = match handle {
                Ok(w) => drag::start_drag(
                    &w,
                    drag::DragItem::Files(vec![path]),
                    drag::Image::Raw(icon),
                    |result, _| tracing::debug!("drag out ended: {result:?}"),
                    drag::Options::default(),
                )
                .map_err(drag_error),
                Err(e) => Err(drag_error(e)),
            };
            let _ = tx.send(started);
        })
        .map_err(drag_error)?;
    rx.await.map_err(|_| drag_error("the window closed"))?
}

/// Phones have no drag to other apps: the share sheet is their way out.
#[cfg(any(target_os = "android", target_os = "ios"))]
pub async fn start<R: Runtime>(
    _window: &WebviewWindow<R>,
    _path: PathBuf,
    _icon: Vec<u8>,
) -> Result<(), AppError> {
    Err(AppError {
        kind: ErrorKind::InvalidInput,
        message: "dragging images out is not available on this device".into(),
    })
}
