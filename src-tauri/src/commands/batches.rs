//! Batches: price one before anything is recorded, start one (recorded whole, then run), see where
//! one stands, list the recent ones, cancel one. Progress arrives as the jobs' change events (see
//! `crate::events`); the page re-reads a batch's status on them.

use nanoforge_core::batch::{BatchPlan, BatchRequest, BatchStatus, BatchSummary, RecordedBatch};
use nanoforge_core::{AppCore, AppError};
use tauri::State;

/// What `request` would record and cost at the prices in effect; nothing is recorded or sent.
/// Over the job limit or with an unknown wildcard, the core's typed refusal.
#[tauri::command]
#[specta::specta]
pub async fn plan_batch(
    core: State<'_, AppCore>,
    request: BatchRequest,
) -> Result<BatchPlan, AppError> {
    Ok(core.session().plan_batch(&request).await?)
}

/// Records every job of `request` in one transaction and starts them; over the budget without
/// `overBudget`, nothing is recorded (the page asks first).
#[tauri::command]
#[specta::specta]
pub async fn start_batch(
    core: State<'_, AppCore>,
    request: BatchRequest,
) -> Result<RecordedBatch, AppError> {
    Ok(core.session().record_batch(&request).await?)
}

/// Where batch `id` stands: its state, counts, jobs and Batch API batches.
#[tauri::command]
#[specta::specta]
pub async fn batch_status(core: State<'_, AppCore>, id: String) -> Result<BatchStatus, AppError> {
    Ok(core.session().batch_status(Some(&id)).await?)
}

/// The profile's newest batches first, at most `limit`.
#[tauri::command]
#[specta::specta]
pub async fn recent_batches(
    core: State<'_, AppCore>,
    limit: u32,
) -> Result<Vec<BatchSummary>, AppError> {
    Ok(core.session().recent_batches(limit).await?)
}

/// Cancels the batch's unfinished jobs (queued ones are never sent; sent ones stay honest).
#[tauri::command]
#[specta::specta]
pub async fn cancel_batch(core: State<'_, AppCore>, id: String) -> Result<BatchStatus, AppError> {
    Ok(core.session().cancel_batch(&id).await?)
}
