//! The library: gallery pages, history, stats, favourites, trash, export. One-line calls into the core.

use nanoforge_core::library::{
    GridPage, ImagePage, ImageQuery, ImageRecord, IntegrityReport, JobFamily, JobPage, JobQuery,
    JobRecord, LibraryStats, RecalledSettings, StatsQuery,
};
use nanoforge_core::{AppCore, AppError};
use tauri::{AppHandle, Runtime, State};

use crate::raw_ipc::RawRequest;

/// One keyset page of the gallery (or the trash), newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_images(
    core: State<'_, AppCore>,
    query: ImageQuery,
) -> Result<ImagePage, AppError> {
    Ok(core.session().list_images(&query).await?)
}

/// The same page as `list_images`, as the grid's thin records (the viewer reads the full one).
#[tauri::command]
#[specta::specta]
pub async fn list_grid(core: State<'_, AppCore>, query: ImageQuery) -> Result<GridPage, AppError> {
    Ok(core.session().list_grid(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_image(core: State<'_, AppCore>, id: String) -> Result<ImageRecord, AppError> {
    Ok(core.session().get_image(&id).await?)
}

/// One keyset page of the job history, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_jobs(core: State<'_, AppCore>, query: JobQuery) -> Result<JobPage, AppError> {
    Ok(core.session().list_jobs(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_job(core: State<'_, AppCore>, id: String) -> Result<JobRecord, AppError> {
    Ok(core.session().get_job(&id).await?)
}

/// The job a job came from, and the jobs made from it (run again, remixes).
#[tauri::command]
#[specta::specta]
pub async fn job_family(core: State<'_, AppCore>, id: String) -> Result<JobFamily, AppError> {
    Ok(core.session().job_family(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn library_stats(
    core: State<'_, AppCore>,
    query: StatsQuery,
) -> Result<LibraryStats, AppError> {
    Ok(core.session().stats(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_favourite(
    core: State<'_, AppCore>,
    id: String,
    favourite: bool,
) -> Result<ImageRecord, AppError> {
    Ok(core.session().set_favourite(&id, favourite).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_rating(
    core: State<'_, AppCore>,
    id: String,
    rating: u32,
) -> Result<ImageRecord, AppError> {
    Ok(core.session().set_rating(&id, rating).await?)
}

/// Moves images to the trash (undo with `restore_images`); returns how many moved.
#[tauri::command]
#[specta::specta]
pub async fn trash_images(core: State<'_, AppCore>, ids: Vec<String>) -> Result<u32, AppError> {
    Ok(core.session().trash(&ids).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn restore_images(core: State<'_, AppCore>, ids: Vec<String>) -> Result<u32, AppError> {
    Ok(core.session().restore(&ids).await?)
}

/// Deletes trashed images and their files for good; returns how many were removed.
#[tauri::command]
#[specta::specta]
pub async fn empty_trash(core: State<'_, AppCore>) -> Result<u32, AppError> {
    Ok(core.session().empty_trash().await?)
}

/// Asks where to save a zip (native dialog) and writes the originals plus metadata.json and
/// metadata.csv into it; returns how many images it holds, or null when the user cancels. Trashed
/// images go in only with `include_trashed` (the Trash view's export).
#[tauri::command]
#[specta::specta]
pub async fn export_images<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
    ids: Vec<String>,
    include_trashed: bool,
) -> Result<Option<u32>, AppError> {
    crate::dialogs::export_zip(&app, &core, &ids, include_trashed).await
}

/// Asks where to save the jobs that may have been charged without a result (task ids, times,
/// amounts) as CSV, for a refund request; how many it lists, or null when the user cancels.
#[tauri::command]
#[specta::specta]
pub async fn save_possibly_charged<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
) -> Result<Option<u32>, AppError> {
    crate::dialogs::save_possibly_charged(&app, &core).await
}

#[tauri::command]
#[specta::specta]
pub async fn check_library(
    core: State<'_, AppCore>,
    repair: bool,
) -> Result<IntegrityReport, AppError> {
    Ok(core.session().integrity_scan(repair).await?)
}

/// Asks where to save an image's original (native dialog, suggesting a name made from its prompt)
/// and copies it there; false when the user cancels.
#[tauri::command]
#[specta::specta]
pub async fn save_image_as<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
    id: String,
) -> Result<bool, AppError> {
    crate::dialogs::save_image(&app, &core, &id).await
}

/// Generation settings embedded in a dropped image file (ours, A1111, ComfyUI, InvokeAI); the
/// page sends the file as the raw body.
#[tauri::command]
#[specta::specta]
pub async fn read_image_metadata(
    core: State<'_, AppCore>,
    request: RawRequest<'_>,
) -> Result<Option<RecalledSettings>, AppError> {
    Ok(core.session().read_image_metadata(request.bytes()?).await?)
}
