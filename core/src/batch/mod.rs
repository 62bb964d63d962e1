//! Batches: many generations from one request. This area owns turning a request into the list of
//! prompts a batch records: templates (`{a|b}` alternatives, `__name__` wildcards, `${column}`
//! variables from a CSV file), their count before anything is expanded, and the expansion itself
//! (all combinations, or a reproducible random sample), refused over the caller's limit.
//!
//! `request.rs` is a batch as asked for and its plan (jobs and total, before anything is recorded).
//! The queue prices and records a plan's jobs in one transaction (`queue/batch.rs`,
//! `library/batches.rs`); the session ties them together (`app/session/batches.rs`). Gemini's
//! Batch API (`batch_api`) is driven by the queue (`queue/remote_batch`).
//!
//! Everything in this area is pure: no I/O beyond reading a CSV the caller hands over, no clock,
//! no global state, so a batch is the same on every device that expands it.

mod csv_table;
mod request;
mod status;
mod template;
mod wildcards;

pub use csv_table::{CsvTable, CsvTableError};
pub use request::{BatchPlan, BatchRequest, DEFAULT_MAX_JOBS, PlannedJob};
pub use status::{
    BatchCounts, BatchState, BatchStatus, BatchSummary, RecordedBatch, RemoteBatchInfo,
    WildcardList,
};
pub use template::{
    Choice, ChoiceSource, Expansion, ExpansionMode, ExpansionPlan, Template, TemplateError,
};
pub use wildcards::Wildcards;
