//! Where a recorded batch stands, from its jobs' statuses alone (the jobs are the truth; the
//! batch row only says what was asked).

use serde::Serialize;

use super::request::BatchPlan;
use crate::catalog::Model;
use crate::library::{JobRecord, JobStatus};

/// The batch as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    /// Some job is still to run or to finish (a recoverable one included: `resume` finishes it).
    Running,
    /// Every job completed.
    Completed,
    /// Every job ended and at least one was cancelled, none failed.
    Cancelled,
    /// Every job ended and at least one failed.
    Failed,
}

/// How many jobs are where. `failed` counts failed and cancelled jobs (`cancelled` says how many
/// of them were cancelled); `running` counts jobs sent or being recovered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchCounts {
    pub pending: u32,
    pub running: u32,
    pub completed: u32,
    pub failed: u32,
    pub cancelled: u32,
}

/// A batch and its jobs, in the order they were recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchStatus {
    pub batch_id: String,
    pub state: BatchState,
    pub counts: BatchCounts,
    pub jobs: Vec<JobRecord>,
    /// The Gemini Batch API batches its Gemini jobs go through (none for an interactive batch).
    pub remote_batches: Vec<RemoteBatchInfo>,
}

/// One Gemini Batch API batch of a batch, as `batch status` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RemoteBatchInfo {
    /// `nf:<batch id>:chunk-<n>`: how the service's list finds it.
    pub display_name: String,
    pub model: Model,
    /// `unsent`, `sending` (its create's answer is not known yet), `created` or `ended`.
    pub phase: String,
    /// `batches/...` once known.
    pub name: Option<String>,
    /// The service's state as last seen, in one spelling: `pending`, `running`, `succeeded`,
    /// `failed`, `cancelled`, `expired` (or `unknown`).
    pub state: Option<String>,
    pub jobs: u32,
    /// Results given to no job (no key, an unknown key, a key seen twice), kept in the library
    /// folder's `quarantine/`.
    pub quarantined: u32,
    pub error: Option<String>,
}

impl BatchStatus {
    pub fn of(batch_id: String, jobs: Vec<JobRecord>) -> Self {
        let mut counts = BatchCounts::default();
        for job in &jobs {
            match job.status {
                JobStatus::Pending => counts.pending += 1,
                JobStatus::Submitted
                | JobStatus::Processing
                | JobStatus::Downloading
                | JobStatus::Recoverable => counts.running += 1,
                JobStatus::Completed => counts.completed += 1,
                JobStatus::Failed => counts.failed += 1,
                JobStatus::Cancelled => {
                    counts.failed += 1;
                    counts.cancelled += 1;
                }
            }
        }
        let state = if counts.pending + counts.running > 0 {
            BatchState::Running
        } else if counts.failed > counts.cancelled {
            BatchState::Failed
        } else if counts.cancelled > 0 {
            BatchState::Cancelled
        } else {
            BatchState::Completed
        };
        Self {
            batch_id,
            state,
            counts,
            jobs,
            remote_batches: Vec::new(),
        }
    }
}

/// A batch just recorded: its id, its plan and its jobs (started).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordedBatch {
    pub batch_id: String,
    pub plan: BatchPlan,
    pub jobs: Vec<JobRecord>,
}

/// One of a profile's wildcard lists, as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WildcardList {
    pub name: String,
    pub entries: Vec<String>,
}

/// A recorded batch as a list of recent batches shows it: what was asked, not where it stands
/// (that takes its jobs: [`BatchStatus`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BatchSummary {
    pub batch_id: String,
    pub template: String,
    pub models: Vec<Model>,
    pub count: u32,
    pub estimated_cost: f64,
    /// Unix ms (a float, as the page's other times are).
    pub created_at: f64,
}
