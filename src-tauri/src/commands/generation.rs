//! Generation: start, cancel and retry jobs, read the credit balance. Progress arrives as `JobProgress`
//! events (see `crate::events`).

use nanoforge_core::catalog::{ImageSize, Model, ProviderKind};
use nanoforge_core::library::{ExpectedTime, JobRecord};
use nanoforge_core::providers::GenerationRequest;
use nanoforge_core::queue::{BudgetStatus, CreditsInfo, GenerateOptions};
use nanoforge_core::{AppCore, AppError, Catalog, Quote};
use tauri::State;

/// Queues a generation; returns the jobs once they are recorded (before any request is sent).
#[tauri::command]
#[specta::specta]
pub async fn generate(
    core: State<'_, AppCore>,
    request: GenerationRequest,
    options: GenerateOptions,
) -> Result<Vec<JobRecord>, AppError> {
    Ok(core.session().generate(request, options).await?)
}

/// Stops a job locally; the service may still charge for a task it already accepted.
#[tauri::command]
#[specta::specta]
pub async fn cancel_job(core: State<'_, AppCore>, id: String) -> Result<JobRecord, AppError> {
    Ok(core.session().cancel(&id).await?)
}

/// Recovers a paid job whose result may exist (re-poll, re-download; never resubmits).
#[tauri::command]
#[specta::specta]
pub async fn retry_job(core: State<'_, AppCore>, id: String) -> Result<JobRecord, AppError> {
    Ok(core.session().retry(&id).await?)
}

/// Runs a job's request again as a new, paid job linked to it (the page asks first).
#[tauri::command]
#[specta::specta]
pub async fn rerun_job(
    core: State<'_, AppCore>,
    id: String,
    options: GenerateOptions,
) -> Result<Vec<JobRecord>, AppError> {
    Ok(core.session().rerun(&id, options).await?)
}

/// This month's spend against the budget, confirmed and possibly charged.
#[tauri::command]
#[specta::specta]
pub async fn budget_status(core: State<'_, AppCore>) -> Result<BudgetStatus, AppError> {
    Ok(core.session().budget_status().await?)
}

/// Every model and provider with what it offers and can do (sizes, aspect ratios, limits, how
/// inputs travel) and the open profile's prices in effect: the one source of these rules for the page.
#[tauri::command]
#[specta::specta]
pub fn catalog(core: State<'_, AppCore>) -> Catalog {
    core.session().catalog()
}

/// Who would run `request` and what it would cost, at the prices in effect (nothing recorded).
#[tauri::command]
#[specta::specta]
pub async fn quote(
    core: State<'_, AppCore>,
    request: GenerationRequest,
    options: GenerateOptions,
) -> Result<Quote, AppError> {
    Ok(core.session().quote(&request, &options).await?)
}

/// How long one job of `model` at `size` usually takes here (a running job's card); `None` until
/// enough have finished.
#[tauri::command]
#[specta::specta]
pub async fn expected_time(
    core: State<'_, AppCore>,
    model: Model,
    size: ImageSize,
) -> Result<Option<ExpectedTime>, AppError> {
    Ok(core.session().expected_time(model, size).await?)
}

/// The providers that can run now (those with a key, and the demo), in order of preference.
#[tauri::command]
#[specta::specta]
pub async fn available_providers(core: State<'_, AppCore>) -> Result<Vec<ProviderKind>, AppError> {
    Ok(core.session().available_providers().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn credits(core: State<'_, AppCore>) -> Result<CreditsInfo, AppError> {
    Ok(core.session().credits().await?)
}
