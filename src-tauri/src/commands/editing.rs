//! The editing studio: edit an image (its conversation continued where it can be), a painted
//! region only, reply to a model's question, upscale, price an edit, the lineage tree, and named
//! references. One-line calls into the core.

use nanoforge_core::catalog::{ImageSize, Model};
use nanoforge_core::library::{ImageFileKind, JobRecord, Lineage, Reference};
use nanoforge_core::{AppCore, AppError, EditQuote, EditRequest};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn edit_image(
    core: State<'_, AppCore>,
    request: EditRequest,
) -> Result<JobRecord, AppError> {
    Ok(core.session().edit(request).await?)
}

/// Edits only the region the mask paints; the mask (a greyscale PNG of the image's size, white =
/// change) was added with `add_input_image` first.
#[tauri::command]
#[specta::specta]
pub async fn edit_image_region(
    core: State<'_, AppCore>,
    request: EditRequest,
    mask_image_id: String,
) -> Result<JobRecord, AppError> {
    let session = core.session();
    let (mask, _) = session
        .image_file_bytes(&mask_image_id, ImageFileKind::Original)
        .await?;
    Ok(session.edit_masked(request, mask).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn edit_quote(
    core: State<'_, AppCore>,
    request: EditRequest,
) -> Result<EditQuote, AppError> {
    Ok(core.session().edit_quote(&request).await?)
}

/// Answers a model's text-only turn (a question, a refusal) in the same conversation.
#[tauri::command]
#[specta::specta]
pub async fn reply_to_job(
    core: State<'_, AppCore>,
    job_id: String,
    text: String,
    over_budget: bool,
) -> Result<JobRecord, AppError> {
    Ok(core.session().reply(&job_id, &text, over_budget).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn upscale_image(
    core: State<'_, AppCore>,
    image_id: String,
    size: ImageSize,
    model: Option<Model>,
    over_budget: bool,
) -> Result<JobRecord, AppError> {
    Ok(core
        .session()
        .upscale(&image_id, size, model, over_budget)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn image_lineage(
    core: State<'_, AppCore>,
    image_id: String,
) -> Result<Lineage, AppError> {
    Ok(core.session().lineage(&image_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_references(core: State<'_, AppCore>) -> Result<Vec<Reference>, AppError> {
    Ok(core.session().references().await?)
}

/// Names a library image (the gallery's, or one just added from a file or the clipboard).
#[tauri::command]
#[specta::specta]
pub async fn set_reference(
    core: State<'_, AppCore>,
    name: String,
    image_id: String,
) -> Result<Reference, AppError> {
    Ok(core.session().set_reference(&name, &image_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn rename_reference(
    core: State<'_, AppCore>,
    id: String,
    name: String,
) -> Result<Reference, AppError> {
    Ok(core.session().rename_reference(&id, &name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_reference(core: State<'_, AppCore>, name: String) -> Result<(), AppError> {
    Ok(core.session().remove_reference(&name).await?)
}
