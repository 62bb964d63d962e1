//! What kind of failure happened: a flat list the UI and the CLI act on, serialised in snake_case
//! (`error.kind === "not_found"`) and stored in `jobs.error_kind`. A leaf: every area's own error
//! names its kinds here without depending on the core's error aggregate.

use serde::{Deserialize, Serialize};

/// Defines the enum and its stored names from one list, so the two cannot disagree.
macro_rules! error_kinds {
    ($($(#[doc = $group:literal])? $variant:ident = $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum ErrorKind {
            $($(#[doc = $group])? $variant,)*
        }

        impl ErrorKind {
            pub const ALL: &[ErrorKind] = &[$(ErrorKind::$variant,)*];

            /// The snake_case name, as stored in `jobs.error_kind` and shown by the CLI.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorKind::$variant => $name,)*
                }
            }
        }
    };
}

error_kinds! {
    InvalidInput = "invalid_input",
    NotFound = "not_found",
    AlreadyExists = "already_exists",
    Config = "config",
    Database = "database",
    Io = "io",
    Internal = "internal",
    LibraryUnavailable = "library_unavailable",
    InvalidImage = "invalid_image",
    ImageTooLarge = "image_too_large",
    Unreadable = "unreadable",
    /// Generation providers.
    ApiKeyMissing = "api_key_missing",
    ApiKeyRejected = "api_key_rejected",
    OutOfCredits = "out_of_credits",
    InvalidRequest = "invalid_request",
    RateLimited = "rate_limited",
    ServiceUnavailable = "service_unavailable",
    ServerError = "server_error",
    GenerationFailed = "generation_failed",
    SubmitUnconfirmed = "submit_unconfirmed",
    Protocol = "protocol",
    Network = "network",
    Timeout = "timeout",
    Download = "download",
    Keychain = "keychain",
    /// The job queue.
    Interrupted = "interrupted",
    Cancelled = "cancelled",
    OverBudget = "over_budget",
    ModelNotFound = "model_not_found",
    QuotaExhausted = "quota_exhausted",
    PromptBlocked = "prompt_blocked",
    OutputBlocked = "output_blocked",
    NoImage = "no_image",
    /// Editing (a conversation that cannot go on as it is; starting fresh from the image can).
    ConversationBroken = "conversation_broken",
    /// Updates of the app (a signature or package refused, an install that failed).
    UpdateRefused = "update_refused",
    UpdateInstallFailed = "update_install_failed",
    /// Accounts.
    SignInNotConfigured = "sign_in_not_configured",
    SignInDenied = "sign_in_denied",
    SignInFailed = "sign_in_failed",
    InvalidToken = "invalid_token",
    ClockSkew = "clock_skew",
    /// Sync.
    SyncNotConfigured = "sync_not_configured",
    SyncCredentials = "sync_credentials",
    SyncBucketMissing = "sync_bucket_missing",
    SyncReadOnly = "sync_read_only",
    SyncTls = "sync_tls",
    SyncServer = "sync_server",
    SyncFormatTooNew = "sync_format_too_new",
    SyncRefused = "sync_refused",
    SyncBusy = "sync_busy",
    SyncOtherAccount = "sync_other_account",
    SyncSecretRequired = "sync_secret_required",
    /// Batches (a template, its CSV file, or an expansion over the limit).
    InvalidTemplate = "invalid_template",
    InvalidCsv = "invalid_csv",
    BatchTooLarge = "batch_too_large",
    /// Gemini's Batch API: the batch was cancelled (the record says whether it may be charged), or not run in 48 h (never charged); nothing to recover either way.
    BatchCancelled = "batch_cancelled",
    BatchExpired = "batch_expired",
}

impl ErrorKind {
    /// A stored name; one this version does not know (written by a newer one) reads as `internal`.
    pub fn parse_stored(name: &str) -> ErrorKind {
        ErrorKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == name)
            .unwrap_or(ErrorKind::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorKind;

    #[test]
    fn stored_names_are_the_serialised_names() {
        for kind in ErrorKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json.as_str(), Some(kind.as_str()));
            assert_eq!(ErrorKind::parse_stored(kind.as_str()), *kind);
        }
        assert_eq!(
            ErrorKind::parse_stored("from_the_future"),
            ErrorKind::Internal
        );
    }
}
