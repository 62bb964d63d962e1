// Prevents an extra console window on Windows in release.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before anything else runs: the web view's drawing mode is read from the environment.
    #[cfg(target_os = "linux")]
    nanoforge_app_lib::webview_rendering::choose_compositing();
    nanoforge_app_lib::run()
}
