//! Nanoforge's core: every behaviour of the product, usable from the Tauri shell, the CLI and tests.
//! Nothing here depends on Tauri; types that cross into the UI derive `specta::Type` behind the
//! `specta` feature.
//!
//! From the leaves up:
//! - `error`, `clock`, `secret`, `net` (HTTP plumbing and trust roots), `private_fs`, `crash`;
//! - `catalog`: models and providers as data (sizes, ratios, limits, prices, how inputs travel);
//! - `providers`: Nano Banana, Google's Gemini API and the offline demo, in a registry;
//! - `library`: one profile's SQLite database and content-addressed files, its change feed, and
//!   its replication handle;
//! - `accounts`: profiles on this device, sign-in, the secret store;
//! - `batch`: templates and their expansion into a batch's prompts (pure);
//! - `queue`: the durable, money-safe job ledger that drives the providers;
//! - `preferences`: a profile's saved choices; `sync`: the library through the user's bucket;
//! - `app`: [`AppCore`] (the device: profiles, secrets, sign-in, the event stream) and
//!   [`Session`], the per-profile API every command goes through.

pub mod accounts;
pub mod app;
pub mod batch;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod conversation;
pub mod crash;
pub mod diagnostics;
pub mod editing;
pub mod error;
pub mod install;
pub mod library;
pub mod logging;
pub mod net;
pub mod preferences;
mod private_fs;
pub mod providers;
pub mod queue;
pub mod secret;
pub mod sync;

use std::sync::{Mutex, MutexGuard};

pub use app::{
    AccountsState, ApiKeyStatus, AppCore, AppInfo, Catalog, CheckedKey, CoreEvent, EditQuote,
    EditRequest, JobEvents, KeyCheck, PriceInEffect, ProfileChoice, ProfileSummary, Quote, Session,
    SignInClientStatus, SyncEvent, WeakAppCore,
};
pub use app::{
    AvailableUpdate, UpdatePreferences, UpdateProgress, UpdateSettings, validate_update_endpoint,
};
pub use config::CoreConfig;
pub use error::{AppError, CoreError, ErrorKind, Result};
pub use preferences::Preferences;

/// The application identifier; the platform data dir of the app and the CLI's default both end in
/// it (so both use the same library), and keychain entries live under it.
pub const APP_IDENTIFIER: &str = "dev.nanoforge.studio";

/// A poisoned lock still guards usable data (a panicking task does not corrupt what it guards).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
