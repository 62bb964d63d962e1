use serde::Serialize;

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
}

/// What kind of failure happened, serialised in snake_case for the UI (`error.kind === "not_found"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ErrorKind {
    InvalidInput,
    NotFound,
    Config,
    Database,
    Io,
    Internal,
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
        tracing::debug!(error = %e, "command failed");
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
