//! Nanoforge's core: every behaviour of the product, usable from the Tauri shell, the CLI and tests.
//! Nothing here depends on Tauri; types that cross into the UI derive `specta::Type` behind the
//! `specta` feature.

pub mod app;
mod app_settings;
pub mod config;
pub mod error;
pub mod library;
pub mod profile;
pub mod providers;
pub mod queue;
pub mod secrets;
pub mod settings;
mod tls;

pub use app::{AppCore, AppInfo};
pub use app_settings::ApiKeyStatus;
pub use config::CoreConfig;
pub use error::{AppError, CoreError, ErrorKind, Result};
pub use settings::Settings;
