//! The core's errors: [`CoreError`] (every failure, with its cause) and [`AppError`], the `{ kind,
//! message }` shape that crosses into the UI. The kinds live in [`kind`], a leaf that every area's
//! own error (providers, sync, sign-in) names without depending on this aggregate.

mod kind;

use serde::Serialize;

pub use kind::ErrorKind;

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// Every failure the core reports. The UI and CLI act on [`ErrorKind`]; the message is for people.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0} not found")]
    NotFound(String),
    /// A name that is taken, where replacing it needs the caller's say-so.
    #[error("{0}")]
    AlreadyExists(String),
    #[error("configuration problem: {0}")]
    Config(String),
    #[error("library database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("library database could not be upgraded: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("an internal task failed: {0}")]
    Internal(String),
    /// The file is not an image we can store: not an image at all, truncated, corrupt, an
    /// unsupported format, or an extension that lies about the content.
    #[error("not a usable image: {0}")]
    InvalidImage(String),
    /// The image (or what its header claims) exceeds the library's size limits.
    #[error("image too large: {0}")]
    ImageTooLarge(String),
    /// A generation provider (Nano Banana, demo) failed; its own kind says how.
    #[error(transparent)]
    Provider(#[from] crate::providers::ProviderError),
    /// The OS keychain could not be used (no Secret Service, locked, refused).
    #[error("the system keychain is unavailable: {0}")]
    Keychain(String),
    /// A job stopped before its outcome was known (e.g. the app quit during the submit); it is
    /// not sent again automatically because that could pay twice.
    #[error("{0}")]
    Interrupted(String),
    /// A job was cancelled by the user.
    #[error("{0}")]
    Cancelled(String),
    /// The generation would take the month past the user's budget.
    #[error("{0}")]
    OverBudget(String),
    /// Signing in failed; its own kind says how.
    #[error(transparent)]
    SignIn(#[from] crate::accounts::SignInError),
    /// Sync could not run or finish; its own kind says how.
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
    /// The library's files are out of reach (most originals missing at once).
    #[error("{0}")]
    LibraryUnavailable(String),
    /// Something saved (settings, a record) cannot be read back; the message names it.
    #[error("{0}")]
    Unreadable(String),
    /// An edit cannot continue its conversation as it is (a turn or an image of it missing, a
    /// request over the inline limit); starting fresh from the image can.
    #[error("{0}")]
    ConversationBroken(String),
    /// A masked edit could not be planned or put together; its message says what to do.
    #[error(transparent)]
    MaskedEdit(#[from] crate::editing::MaskedEditError),
    /// A batch's template cannot be used, or it expands past the limit; nothing was recorded.
    #[error(transparent)]
    Template(#[from] crate::batch::TemplateError),
    /// A batch's CSV file cannot be used; nothing was recorded.
    #[error(transparent)]
    Csv(#[from] crate::batch::CsvTableError),
}

impl CoreError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::InvalidInput(_) => ErrorKind::InvalidInput,
            CoreError::NotFound(_) => ErrorKind::NotFound,
            CoreError::AlreadyExists(_) => ErrorKind::AlreadyExists,
            CoreError::Config(_) => ErrorKind::Config,
            CoreError::Database(_) | CoreError::Migration(_) => ErrorKind::Database,
            CoreError::Io(_) => ErrorKind::Io,
            CoreError::Internal(_) => ErrorKind::Internal,
            CoreError::ConversationBroken(_) => ErrorKind::ConversationBroken,
            CoreError::MaskedEdit(e) => e.kind(),
            CoreError::LibraryUnavailable(_) => ErrorKind::LibraryUnavailable,
            CoreError::Provider(e) => e.kind(),
            CoreError::Keychain(_) => ErrorKind::Keychain,
            CoreError::Interrupted(_) => ErrorKind::Interrupted,
            CoreError::Cancelled(_) => ErrorKind::Cancelled,
            CoreError::InvalidImage(_) => ErrorKind::InvalidImage,
            CoreError::ImageTooLarge(_) => ErrorKind::ImageTooLarge,
            CoreError::SignIn(e) => e.kind(),
            CoreError::OverBudget(_) => ErrorKind::OverBudget,
            CoreError::Sync(e) => e.kind(),
            CoreError::Unreadable(_) => ErrorKind::Unreadable,
            CoreError::Template(crate::batch::TemplateError::TooManyPrompts { .. }) => {
                ErrorKind::BatchTooLarge
            }
            CoreError::Template(_) => ErrorKind::InvalidTemplate,
            CoreError::Csv(_) => ErrorKind::InvalidCsv,
        }
    }
}

impl From<crate::catalog::UnknownChoice> for CoreError {
    fn from(e: crate::catalog::UnknownChoice) -> Self {
        CoreError::InvalidInput(e.0)
    }
}

impl From<tokio::task::JoinError> for CoreError {
    fn from(e: tokio::task::JoinError) -> Self {
        CoreError::Internal(e.to_string())
    }
}

/// The error as it crosses into the UI: `{ kind, message }`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
}

impl From<CoreError> for AppError {
    fn from(e: CoreError) -> Self {
        let kind = e.kind();
        // Failures of our own (not of the user's input or the network) belong in the log file.
        if matches!(
            kind,
            ErrorKind::Internal | ErrorKind::Database | ErrorKind::Io
        ) {
            tracing::warn!(error = %e, ?kind, "command failed");
        } else {
            tracing::debug!(error = %e, ?kind, "command failed");
        }
        AppError {
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
