//! Handing library files to the desktop: the system clipboard, the default image viewer, the file
//! manager. The UI names images by id, so it can only ever reach files inside the library.

use nanoforge_core::library::{ImageFileKind, ImageRecord};
use nanoforge_core::{AppCore, AppError, ErrorKind};

use crate::raw_ipc::RawRequest;
use tauri::image::Image;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_opener::OpenerExt;

fn desktop_error(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError {
        kind: ErrorKind::Io,
        message: format!("{what}: {e}"),
    }
}

/// Puts an image's pixels on the clipboard (paste into any app).
#[tauri::command]
#[specta::specta]
pub async fn copy_image<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
    id: String,
) -> Result<(), AppError> {
    let rgba = core.session().image_rgba(&id).await?;
    let image = Image::new_owned(rgba.pixels, rgba.width, rgba.height);
    app.clipboard()
        .write_image(&image)
        .map_err(|e| desktop_error("the clipboard refused the image", e))
}

/// Starts dragging a copy of an image (with its settings, like every copy that leaves) out of
/// the window: the page calls it while the mouse button is held on the viewer's drag handle, and
/// the drop target (a folder, a browser, a chat) gets the file. Desktop only.
#[tauri::command]
#[specta::specta]
pub async fn drag_image_out<R: Runtime>(
    window: tauri::WebviewWindow<R>,
    core: State<'_, AppCore>,
    id: String,
) -> Result<(), AppError> {
    let session = core.session();
    let path = session.drag_copy(&id).await?;
    let (icon, _) = session.image_file_bytes(&id, ImageFileKind::Thumb).await?;
    crate::drag_out::start(&window, path, icon).await
}

/// Opens an image's original in the system's default viewer.
#[tauri::command]
#[specta::specta]
pub async fn open_image<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
    id: String,
) -> Result<(), AppError> {
    let path = core.session().image_file(&id).await?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| desktop_error("the image could not be opened", e))
}

/// Shows an image's original (or, with no id, the library folder) in the file manager.
#[tauri::command]
#[specta::specta]
pub async fn reveal_in_folder<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
    id: Option<String>,
) -> Result<(), AppError> {
    let session = core.session();
    let path = match id {
        Some(id) => session.image_file(&id).await?,
        None => session.library_folder().to_path_buf(),
    };
    app.opener()
        .reveal_item_in_dir(path)
        .map_err(|e| desktop_error("the file manager could not be opened", e))
}

/// Lets the user pick input images (image-to-image) in the native dialog and keeps them as
/// inputs of the open library; none when the dialog is cancelled.
#[tauri::command]
#[specta::specta]
pub async fn pick_input_images<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
) -> Result<Vec<ImageRecord>, AppError> {
    // The profile the dialog was opened for gets the inputs, even if it is switched meanwhile.
    let session = core.session();
    let mut inputs = Vec::new();
    for path in crate::dialogs::pick_images(&app, "Input images").await? {
        inputs.push(session.import_input_image(&path).await?);
    }
    Ok(inputs)
}

/// Keeps the bytes of an image file dropped or pasted on the page as an input. The page sends the
/// bytes as the raw body (`api.addInputImage`), not as JSON numbers.
#[tauri::command]
#[specta::specta]
pub async fn add_input_image(
    core: State<'_, AppCore>,
    request: RawRequest<'_>,
) -> Result<ImageRecord, AppError> {
    Ok(core.session().import_input_bytes(request.bytes()?).await?)
}

/// Keeps the image on the system clipboard as an input (Ctrl+V in the prompt when the page's paste
/// event carries no file, as in WebKitGTK); none when the clipboard holds no image.
#[tauri::command]
#[specta::specta]
pub async fn paste_input_image<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
) -> Result<Option<ImageRecord>, AppError> {
    let Ok(image) = app.clipboard().read_image() else {
        return Ok(None);
    };
    let (width, height, rgba) = (image.width(), image.height(), image.rgba().to_vec());
    Ok(Some(
        core.session()
            .import_input_pixels(width, height, rgba)
            .await?,
    ))
}

/// Fetches an image from an https URL the user typed (the core validates it: https, or http on
/// this computer) and keeps it as an input.
#[tauri::command]
#[specta::specta]
pub async fn add_input_image_url(
    core: State<'_, AppCore>,
    url: String,
) -> Result<ImageRecord, AppError> {
    Ok(core.session().import_input_url(&url).await?)
}

/// Opens the folder of the app's log files (Settings → About), for a bug report.
#[tauri::command]
#[specta::specta]
pub async fn open_logs_folder<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
) -> Result<(), AppError> {
    app.opener()
        .open_path(core.logs_dir()?.to_string_lossy(), None::<&str>)
        .map_err(|e| desktop_error("the logs folder could not be opened", e))
}
