//! [`Session`]: one open profile, and the per-profile API every command goes through — generating
//! and following jobs, the library's reads and edits, image files and inputs, preferences and
//! keys, sync. A caller (a shell command, a CLI command, a background task) resolves the session
//! once with [`crate::AppCore::session`] and does its whole operation on it, so a profile switch
//! in the middle can never make one operation read one library and write another.
//!
//! A session never sees another profile's folder or secrets. Its library's changes, its jobs'
//! progress and its syncs are told on the core's one event stream, each naming the profile.

mod batches;
mod edit_quote;
mod editing;
mod files;
mod generation;
mod handle;
mod inputs;
mod library;
mod masked_edit;
mod open;
mod organise;
mod preferences;
mod prompts;
mod references;
mod sync;

pub use edit_quote::EditQuote;
pub use editing::EditRequest;
pub use generation::{Catalog, PriceInEffect, Quote};
pub use handle::Session;
pub use preferences::{ApiKeyStatus, CheckedKey, KeyCheck};
pub use sync::INPUT_URL_TTL;
