//! Every way a sign-in can fail, with the kind the UI and the CLI act on. A leaf: it names the
//! core's error kinds, never the core's aggregate error.

use std::time::Duration;

use crate::error::ErrorKind;

/// Every way a sign-in can fail. Nothing is created on any of them.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(
        "sign-in is not set up in this build: set NANOFORGE_OIDC_CLIENT_ID (and NANOFORGE_OIDC_CLIENT_SECRET for a Google desktop client)"
    )]
    NotConfigured,
    #[error("sign-in configuration problem: {0}")]
    Config(String),
    #[error(
        "Can't reach {host} to sign in ({message}). Check your internet connection, then try again."
    )]
    Offline { host: String, message: String },
    #[error("the sign-in page was not completed within {} minutes; start again when you are ready", .0.as_secs().div_ceil(60))]
    TimedOut(Duration),
    #[error("sign-in cancelled")]
    Cancelled,
    #[error("you declined to sign in{}", .description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Denied { description: Option<String> },
    #[error("the sign-in could not listen for the browser on this computer: {0}")]
    Loopback(String),
    #[error("the identity provider refused the sign-in: {error}{}", .description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    TokenRefused {
        error: String,
        description: Option<String>,
    },
    #[error("the identity provider answered unexpectedly: {0}")]
    Provider(String),
    #[error("the sign-in answer is not valid: {0}")]
    InvalidToken(String),
    #[error(
        "the sign-in answer had already expired; if you just signed in, your device's clock may be wrong: check its date and time"
    )]
    Expired,
    #[error("your device's clock is about {} minutes off; set the date and time correctly, then sign in again", .seconds.unsigned_abs().div_ceil(60))]
    ClockSkew { seconds: i64 },
}

impl SignInError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            SignInError::NotConfigured => ErrorKind::SignInNotConfigured,
            SignInError::Config(_) => ErrorKind::Config,
            SignInError::Offline { .. } => ErrorKind::Network,
            SignInError::TimedOut(_) => ErrorKind::Timeout,
            SignInError::Cancelled => ErrorKind::Cancelled,
            SignInError::Denied { .. } => ErrorKind::SignInDenied,
            SignInError::Loopback(_)
            | SignInError::TokenRefused { .. }
            | SignInError::Provider(_) => ErrorKind::SignInFailed,
            SignInError::InvalidToken(_) | SignInError::Expired => ErrorKind::InvalidToken,
            SignInError::ClockSkew { .. } => ErrorKind::ClockSkew,
        }
    }
}
