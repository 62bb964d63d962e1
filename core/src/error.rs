use serde::{Deserialize, Serialize};

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// Every failure the core reports. The UI and CLI act on [`ErrorKind`]; the message is for people.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0} not found")]
    NotFound(String),
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
}

/// What kind of failure happened, serialised in snake_case for the UI (`error.kind === "not_found"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ErrorKind {
    InvalidInput,
    NotFound,
    Config,
    Database,
    Io,
    Internal,
    LibraryUnavailable,
    InvalidImage,
    ImageTooLarge,
    // Generation providers.
    ApiKeyMissing,
    ApiKeyRejected,
    OutOfCredits,
    InvalidRequest,
    RateLimited,
    ServiceUnavailable,
    ServerError,
    GenerationFailed,
    SubmitUnconfirmed,
    Protocol,
    Network,
    Timeout,
    Download,
    Keychain,
    // The job queue.
    Interrupted,
    Cancelled,
    OverBudget,
    ModelNotFound,
    QuotaExhausted,
    PromptBlocked,
    OutputBlocked,
    NoImage,
    // Accounts.
    SignInNotConfigured,
    SignInDenied,
    SignInFailed,
    InvalidToken,
    ClockSkew,
    // Sync.
    SyncNotConfigured,
    SyncCredentials,
    SyncBucketMissing,
    SyncReadOnly,
    SyncTls,
    SyncServer,
    SyncFormatTooNew,
    SyncRefused,
    SyncBusy,
}

impl ErrorKind {
    /// The snake_case name, as stored in `jobs.error_kind` and shown by the CLI.
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "internal".to_owned())
    }

    /// A stored name; one this version does not know (written by a newer one) reads as `internal`.
    pub fn parse_stored(name: &str) -> ErrorKind {
        serde_json::from_value(serde_json::Value::String(name.to_owned()))
            .unwrap_or(ErrorKind::Internal)
    }
}

impl CoreError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::InvalidInput(_) => ErrorKind::InvalidInput,
            CoreError::NotFound(_) => ErrorKind::NotFound,
            CoreError::Config(_) => ErrorKind::Config,
            CoreError::Database(_) | CoreError::Migration(_) => ErrorKind::Database,
            CoreError::Io(_) => ErrorKind::Io,
            CoreError::Internal(_) => ErrorKind::Internal,
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
        }
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
