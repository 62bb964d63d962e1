//! Generation: start, cancel and retry jobs, read the credit balance. Progress arrives as `JobProgress`
//! events (see `crate::events`).

use nanoforge_core::library::JobRecord;
use nanoforge_core::providers::GenerationRequest;
use nanoforge_core::queue::{CreditsInfo, GenerateOptions};
use nanoforge_core::{AppCore, AppError};
use tauri::State;

/// Queues a generation; returns the jobs once they are recorded (before any request is sent).
#[tauri::command]
#[specta::specta]
pub async fn generate(
    core: State<'_, AppCore>,
    request: GenerationRequest,
    options: GenerateOptions,
) -> Result<Vec<JobRecord>, AppError> {
    Ok(core.generate_with(request, options).await?)
}

/// Stops a job locally; the service may still charge for a task it already accepted.
#[tauri::command]
#[specta::specta]
pub async fn cancel_job(core: State<'_, AppCore>, id: String) -> Result<JobRecord, AppError> {
    Ok(core.cancel(&id).await?)
}

/// Starts a new job with the same settings, linked to the old one.
#[tauri::command]
#[specta::specta]
pub async fn retry_job(core: State<'_, AppCore>, id: String) -> Result<JobRecord, AppError> {
    Ok(core.retry(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn credits(core: State<'_, AppCore>) -> Result<CreditsInfo, AppError> {
    Ok(core.credits().await?)
}
