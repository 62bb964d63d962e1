//! What a test controls about batches and what it can read back: how batches move between states,
//! the quirks of their results (`shared/notes/batch.md` §1.3, §1.6), the explicit "advance"
//! control, and the batch's part of the request log. All JSON (camelCase), like the other
//! controls.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::payload::PayloadSummary;

/// How batches behave. Set it before the batches it should shape succeed: a batch freezes the
/// scenario (and the generateContent scenario its requests are answered with) when it reaches
/// SUCCEEDED; the state spelling applies to every answer from then on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BatchScenario {
    pub progression: Progression,
    /// `BATCH_STATE_*` (the REST enum) or `JOB_STATE_*` (the SDKs' names, which the guide's REST
    /// sample compares against).
    pub state_spelling: StateSpelling,
    /// Where a finished batch's results are: `response` (the Operation's result), `metadata`
    /// (`metadata.output`, as some live answers have it) or both (as others do).
    pub results_in: ResultsIn,
    /// Results come back out of request order (reversed, so it is deterministic).
    pub shuffle: bool,
    /// The results for these keys come back without `metadata.key`.
    pub drop_keys: Vec<String>,
    /// The results for these keys come back twice (the copy at the end).
    pub duplicate_keys: Vec<String>,
    /// No result at all for these keys.
    pub omit_keys: Vec<String>,
    /// These keys' results are an `error` (a `google.rpc.Status`) instead of a `response`.
    pub errors: BTreeMap<String, RequestError>,
    /// A cancel moves a PENDING or RUNNING batch to CANCELLED. `false`: the cancel is accepted
    /// (`{}`) and nothing changes, as when it loses the race against the batch finishing.
    pub cancel_takes_effect: bool,
}

impl Default for BatchScenario {
    fn default() -> Self {
        Self {
            progression: Progression::Manual,
            state_spelling: StateSpelling::Batch,
            results_in: ResultsIn::Both,
            shuffle: false,
            drop_keys: Vec::new(),
            duplicate_keys: Vec::new(),
            omit_keys: Vec::new(),
            errors: BTreeMap::new(),
            cancel_takes_effect: true,
        }
    }
}

/// How a batch moves from PENDING through RUNNING to SUCCEEDED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Progression {
    /// Only when a test says so (`POST /__control/batches/advance`,
    /// [`crate::FakeGemini::advance_batches`]): deterministic, no clock involved.
    Manual,
    /// By itself: RUNNING `pendingMs` after it was created, SUCCEEDED `runningMs` later. Fixed
    /// for each batch when it is created.
    Timed { pending_ms: u64, running_ms: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StateSpelling {
    /// `BATCH_STATE_PENDING`, …
    Batch,
    /// `JOB_STATE_PENDING`, …
    Job,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResultsIn {
    Both,
    Response,
    Metadata,
}

/// One request's error in a finished batch: a `google.rpc.Status` (`code` is a gRPC code: 3
/// INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 13 INTERNAL, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RequestError {
    pub code: i32,
    pub message: String,
}

impl Default for RequestError {
    fn default() -> Self {
        Self {
            code: 13,
            message: "Internal error encountered.".into(),
        }
    }
}

/// A batch's state. The wire spelling is `BATCH_STATE_*` or `JOB_STATE_*` (see
/// [`StateSpelling`]); the controls and [`BatchInfo`] use these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BatchState {
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// What a batch becomes after 48 h pending or running (here: on command).
    Expired,
}

impl BatchState {
    pub fn is_terminal(self) -> bool {
        !matches!(self, BatchState::Pending | BatchState::Running)
    }

    /// The enum value as the API spells it.
    pub fn wire(self, spelling: StateSpelling) -> String {
        let prefix = match spelling {
            StateSpelling::Batch => "BATCH_STATE_",
            StateSpelling::Job => "JOB_STATE_",
        };
        let name = match self {
            BatchState::Pending => "PENDING",
            BatchState::Running => "RUNNING",
            BatchState::Succeeded => "SUCCEEDED",
            BatchState::Failed => "FAILED",
            BatchState::Cancelled => "CANCELLED",
            BatchState::Expired => "EXPIRED",
        };
        format!("{prefix}{name}")
    }
}

/// `POST /__control/batches/advance`: move batches on. Without `name`, every batch that is not
/// finished; without `to`, one step (PENDING → RUNNING → SUCCEEDED). Finished batches never
/// change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BatchAdvance {
    /// `batches/{id}` (or just the id).
    pub name: Option<String>,
    pub to: Option<BatchState>,
}

/// A batch as a test sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchInfo {
    /// `batches/{id}`.
    pub name: String,
    pub display_name: String,
    /// The model id from the create's path.
    pub model: String,
    pub state: BatchState,
    /// Each request's `metadata.key`, in request order (`None` where it had none).
    pub keys: Vec<Option<String>>,
    /// Requests refused by the API's checks at create (they finish as errors).
    pub invalid_requests: usize,
    /// Deleted: gone from get and list (it still counts as created).
    pub deleted: bool,
}

/// The batch part of a request-log entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchCall {
    /// `batches/{id}`: the one in the path, or the one a create made.
    pub name: Option<String>,
    /// A create's `displayName`.
    pub display_name: Option<String>,
    /// A create's inline requests, in order.
    pub requests: Vec<BatchRequestLog>,
}

/// One inline request of a create.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequestLog {
    /// `metadata.key`.
    pub key: Option<String>,
    /// What the request asked for, as for a generateContent call.
    pub payload: PayloadSummary,
}
