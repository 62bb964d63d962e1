//! Nanoforge's core: every behaviour of the product, usable from the Tauri shell, the CLI and tests.
//! Nothing here depends on Tauri; types that cross into the UI derive `specta::Type` behind the
//! `specta` feature.
//!
//! - `app`: [`AppCore`], the one handle, and the session of the open profile;
//! - `accounts`: profiles on this device, sign-in, the secret store;
//! - `library`: one profile's SQLite database and content-addressed files;
//! - `providers`: Nano Banana and the offline demo; `queue`: the durable job ledger that drives them.

pub mod accounts;
pub mod app;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod error;
pub mod library;
pub mod logging;
mod private_fs;
pub mod providers;
pub mod queue;
pub mod settings;
pub mod sync;
mod tls;

use std::sync::{Mutex, MutexGuard};

pub use app::{
    AccountsState, ApiKeyStatus, AppCore, AppInfo, ProfileChoice, ProfileSummary, Session,
};
pub use config::CoreConfig;
pub use error::{AppError, CoreError, ErrorKind, Result};
pub use settings::Settings;

/// The application identifier; the platform data dir of the app and the CLI's default both end in
/// it (so both use the same library), and keychain entries live under it.
pub const APP_IDENTIFIER: &str = "dev.nanoforge.studio";

/// A poisoned lock still guards usable data (a panicking task does not corrupt what it guards).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
