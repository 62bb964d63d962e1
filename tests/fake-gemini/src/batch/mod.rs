//! Google's Batch API for inline requests, as `shared/notes/batch.md` §1 records it and §1.6
//! asks of a faithful fake: batches that move PENDING → RUNNING → SUCCEEDED (by the clock or by
//! command), expire, cancel and delete, with the quirks live results show, and faults that lose
//! a create's answer after the batch was made.
//!
//! `api` answers the HTTP endpoints, `store` holds the batches and their states, `results`
//! renders a finished batch's answers, `wire` writes the Operation JSON, `scenario` has what
//! tests set and read, and `handle` the in-process controls on [`crate::FakeGemini`].

pub(crate) mod api;
mod handle;
mod results;
pub mod scenario;
pub(crate) mod store;
mod wire;
