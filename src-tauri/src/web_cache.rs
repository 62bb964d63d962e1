//! Clearing what the web view keeps of responses (memory and disk caches), for `events.rs`.
//!
//! On Linux only the caches are cleared, through WebKitGTK's data manager: the page's own storage
//! (the theme kept in localStorage) stays. Elsewhere the one call the runtime offers clears all
//! browsing data; the page writes its theme back when it next changes.

use tauri::{AppHandle, Manager, Runtime};

/// Clears the caches of every web view of the app; failures are logged (the next URLs are new
/// anyway: the image URL key changes with each opening).
pub fn clear<R: Runtime>(app: &AppHandle<R>) {
    for (label, webview) in app.webview_windows() {
        if let Err(e) = clear_one(&webview) {
            tracing::warn!(error = %e, label, "could not clear the web view's caches");
        }
    }
}

#[cfg(target_os = "linux")]
fn clear_one<R: Runtime>(webview: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    webview.with_webview(|platform| {
        use webkit2gtk::{
            WebContextExt, WebViewExt, WebsiteDataManagerExtManual, WebsiteDataTypes,
        };
        let Some(manager) = platform
            .inner()
            .context()
            .and_then(|c| c.website_data_manager())
        else {
            return;
        };
        manager.clear(
            WebsiteDataTypes::MEMORY_CACHE | WebsiteDataTypes::DISK_CACHE,
            webkit2gtk::glib::TimeSpan::from_seconds(0),
            None::<&webkit2gtk::gio::Cancellable>,
            |result| {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "the web view's caches were not cleared");
                }
            },
        );
    })
}

#[cfg(not(target_os = "linux"))]
fn clear_one<R: Runtime>(webview: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    webview.clear_all_browsing_data()
}
