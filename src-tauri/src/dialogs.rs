//! Native file dialogs opened from Rust, so a path the user chose goes straight to the core and
//! the page never names one (it holds only ids).

use std::path::PathBuf;

use nanoforge_core::library::ExportOptions;
use nanoforge_core::{AppCore, AppError, ErrorKind};
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, FilePath};

/// Image types the core accepts as input.
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "webp"];

/// Asks for image files; an empty list when the user cancels.
pub async fn pick_images<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
) -> Result<Vec<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter("Images", IMAGE_EXTENSIONS)
        .pick_files(move |files| {
            let _ = tx.send(files);
        });
    let picked = rx.await.map_err(|_| closed())?.unwrap_or_default();
    picked.into_iter().map(local_path).collect()
}

/// Save-as for one image: the dialog suggests the core's name for it (the prompt's first words)
/// with the original's extension.
pub async fn save_image<R: Runtime>(
    app: &AppHandle<R>,
    core: &AppCore,
    id: &str,
) -> Result<bool, AppError> {
    // The dialog waits for the person: the profile it was opened for gets the file.
    let session = core.session();
    let image = session.get_image(id).await?;
    let ext = image.path.rsplit('.').next().unwrap_or("png").to_owned();
    let name = session.suggested_file_name(id).await?;
    let filter = ext.to_uppercase();
    let Some(dest) = save_path(app, &name, (&filter, &[ext.as_str()])).await? else {
        return Ok(false);
    };
    session.save_image_as(id, &dest).await?;
    Ok(true)
}

/// Export to a zip the user places; `None` when cancelled.
pub async fn export_zip<R: Runtime>(
    app: &AppHandle<R>,
    core: &AppCore,
    ids: &[String],
    include_trashed: bool,
) -> Result<Option<u32>, AppError> {
    let session = core.session();
    let Some(out) = save_path(app, "nanoforge-export.zip", ("Zip", &["zip"])).await? else {
        return Ok(None);
    };
    let options = ExportOptions { include_trashed };
    Ok(Some(session.export_zip(ids, &out, options).await?))
}

/// The "possibly charged" report as a CSV file the user places; `None` when cancelled.
pub async fn save_possibly_charged<R: Runtime>(
    app: &AppHandle<R>,
    core: &AppCore,
) -> Result<Option<u32>, AppError> {
    let session = core.session();
    let name = "nanoforge-possibly-charged.csv";
    let Some(out) = save_path(app, name, ("CSV", &["csv"])).await? else {
        return Ok(None);
    };
    Ok(Some(session.save_possibly_charged_csv(&out).await?))
}

/// Asks where to save a file, suggesting `file_name`; `None` when the user cancels.
async fn save_path<R: Runtime>(
    app: &AppHandle<R>,
    file_name: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(filter.0, filter.1)
        .save_file(move |file| {
            let _ = tx.send(file);
        });
    rx.await.map_err(|_| closed())?.map(local_path).transpose()
}

fn local_path(file: FilePath) -> Result<PathBuf, AppError> {
    file.into_path().map_err(|e| AppError {
        kind: ErrorKind::InvalidInput,
        message: format!("that location cannot be used as a file here: {e}"),
    })
}

fn closed() -> AppError {
    AppError {
        kind: ErrorKind::Internal,
        message: "the file dialog closed without an answer".into(),
    }
}
