//! Albums and tags: listing, making, renaming and deleting albums, putting images in and out of
//! them, tagging. One-line calls into the core; each edit arrives back as a core change event
//! (`organise`), so the page re-reads its lists then. The gallery's album and tag filters are
//! fields of `list_images`' query.

use nanoforge_core::library::{Album, ImageLabels, TagCount};
use nanoforge_core::{AppCore, AppError};
use tauri::State;

/// Every live album, by name, with how many gallery images (not in the trash) it holds.
#[tauri::command]
#[specta::specta]
pub async fn list_albums(core: State<'_, AppCore>) -> Result<Vec<Album>, AppError> {
    Ok(core.session().albums().await?)
}

/// The album a name means (any case); an unknown name is a not-found error.
#[tauri::command]
#[specta::specta]
pub async fn album_named(core: State<'_, AppCore>, name: String) -> Result<Album, AppError> {
    Ok(core.session().album_named(&name).await?)
}

/// The album called `name`, made if there is none.
#[tauri::command]
#[specta::specta]
pub async fn create_album(core: State<'_, AppCore>, name: String) -> Result<Album, AppError> {
    Ok(core.session().create_album(&name).await?)
}

/// Renames an album; a name another album has is refused.
#[tauri::command]
#[specta::specta]
pub async fn rename_album(
    core: State<'_, AppCore>,
    id: String,
    name: String,
) -> Result<Album, AppError> {
    Ok(core.session().rename_album(&id, &name).await?)
}

/// Deletes an album; its images stay in the library.
#[tauri::command]
#[specta::specta]
pub async fn delete_album(core: State<'_, AppCore>, id: String) -> Result<(), AppError> {
    Ok(core.session().delete_album(&id).await?)
}

/// Puts images in an album; how many were not in it yet.
#[tauri::command]
#[specta::specta]
pub async fn add_to_album(
    core: State<'_, AppCore>,
    id: String,
    image_ids: Vec<String>,
) -> Result<u32, AppError> {
    Ok(core.session().add_to_album(&id, &image_ids).await?)
}

/// Takes images out of an album; how many were in it.
#[tauri::command]
#[specta::specta]
pub async fn remove_from_album(
    core: State<'_, AppCore>,
    id: String,
    image_ids: Vec<String>,
) -> Result<u32, AppError> {
    Ok(core.session().remove_from_album(&id, &image_ids).await?)
}

/// Every tag on a live gallery image with its count, alphabetical (the tag field's suggestions).
#[tauri::command]
#[specta::specta]
pub async fn list_tags(core: State<'_, AppCore>) -> Result<Vec<TagCount>, AppError> {
    Ok(core.session().tags().await?)
}

/// Tags an image (kept trimmed and in lower case); its labels now.
#[tauri::command]
#[specta::specta]
pub async fn add_tags(
    core: State<'_, AppCore>,
    image_id: String,
    tags: Vec<String>,
) -> Result<ImageLabels, AppError> {
    Ok(core.session().add_tags(&image_id, &tags).await?)
}

/// Takes tags off an image; its labels now.
#[tauri::command]
#[specta::specta]
pub async fn remove_tags(
    core: State<'_, AppCore>,
    image_id: String,
    tags: Vec<String>,
) -> Result<ImageLabels, AppError> {
    Ok(core.session().remove_tags(&image_id, &tags).await?)
}

/// The albums and tags of each image, in the order given.
#[tauri::command]
#[specta::specta]
pub async fn image_labels(
    core: State<'_, AppCore>,
    image_ids: Vec<String>,
) -> Result<Vec<ImageLabels>, AppError> {
    Ok(core.session().image_labels(&image_ids).await?)
}
