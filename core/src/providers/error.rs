//! Every way a generation can fail, each with a message a person can act on.

use std::time::Duration;

use crate::error::ErrorKind;

/// A failure of a provider call. Folded into [`crate::CoreError::Provider`]; the UI acts on
/// [`ProviderError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// Refused on this machine before any request was made.
    #[error("{0}")]
    InvalidInput(String),
    #[error("no {} API key: set it in Settings (or {})", .service.label(), .service.key_env())]
    ApiKeyMissing { service: Service },
    #[error("{} rejected the API key: check your {} key in Settings ({message})", .service.label(), .service.label())]
    ApiKeyRejected { service: Service, message: String },
    #[error("your Nano Banana account is out of credits: top up, then try again ({message})")]
    OutOfCredits { message: String },
    /// The service refused the request (HTTP or envelope code 400/422).
    #[error("the service refused the request: {message}")]
    InvalidRequest { status: u16, message: String },
    #[error("task {task_id} not found at Nano Banana: {message}")]
    TaskNotFound { task_id: String, message: String },
    #[error("the service is rate limiting requests{}: {message}", retry_hint(.retry_after))]
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    #[error("Nano Banana is under maintenance, try again later: {message}")]
    Maintenance { message: String },
    /// 5xx. `retryable` for 500/502/503/504; 501 (generation failed) and 505 (feature disabled)
    /// will not get better by asking again.
    #[error("the service answered with server error {status}: {message}")]
    Server {
        status: u16,
        message: String,
        retryable: bool,
    },
    /// The task ended with successFlag 2 (creation failed) or 3 (generation failed). Asking again
    /// gives the same answer, so it is never retried.
    #[error("generation failed: {message}")]
    GenerationFailed {
        success_flag: u8,
        error_code: Option<i64>,
        message: String,
    },
    /// A submit may have reached the service but no clear answer came back. It is not repeated
    /// automatically because that could pay for the same images twice.
    #[error(
        "the request may have reached the service but no clear answer came back ({message}); it was not sent again to avoid paying twice: check your history at the service before running it again"
    )]
    SubmitUnconfirmed { message: String },
    /// The service answered with something that is not its documented answer.
    #[error("unexpected answer from the service: {message}")]
    Protocol { message: String },
    /// The model id is unknown or retired at the service (a 404).
    #[error("the model {model} is not available at the service (it may be retired): {message}")]
    ModelNotFound { model: String, message: String },
    /// A daily quota is used up: asking again today will not help.
    #[error(
        "the daily quota of your key is used up; try again tomorrow or raise the quota ({message})"
    )]
    QuotaExhausted { message: String },
    /// The prompt (or an input image) was blocked before anything was generated.
    #[error("the prompt was blocked by the service's safety filter ({reason}){}", detail(.message))]
    PromptBlocked {
        reason: String,
        message: Option<String>,
        /// USD the service still billed (input tokens).
        charged: f64,
    },
    /// The image was generated but withheld by the service's filter.
    #[error("the image was withheld by the service's safety filter ({reason}){}", detail(.message))]
    OutputBlocked {
        reason: String,
        message: Option<String>,
        charged: f64,
    },
    /// The model answered without an image (NO_IMAGE, or only text, which is shown).
    #[error("the model answered without an image ({reason}){}", detail(.text))]
    NoImage {
        reason: String,
        text: Option<String>,
        charged: f64,
    },
    /// The model refused the conversation's history (a thought signature missing or not its
    /// own): sending it again as it is cannot work; starting fresh from the image can.
    #[error("Gemini refused this conversation's history ({message}); start fresh from this image")]
    ConversationRejected { message: String },
    #[error("Can't reach {host} ({message}). Check your internet connection, then try again.")]
    Network { host: String, message: String },
    #[error("{what} timed out after {}", human(.after))]
    Timeout { what: String, after: Duration },
    /// The result URL answered 404/410: the service's copy is gone or expired.
    #[error("the generated image is no longer available at its URL (HTTP {status})")]
    ResultUnavailable { status: u16 },
    #[error("the image download failed: {message}")]
    Download { message: String, retryable: bool },
    #[error("the download is larger than the {} MiB limit", .limit / (1024 * 1024))]
    TooLarge { limit: u64 },
    #[error("the image is {width}×{height} pixels, more than we accept")]
    ImageDimensionsTooLarge { width: u32, height: u32 },
    #[error("the downloaded file is not an image: {message}")]
    NotAnImage { message: String },
    #[error("could not write the image: {0}")]
    Io(#[from] std::io::Error),
}

impl From<crate::catalog::UnknownChoice> for ProviderError {
    fn from(e: crate::catalog::UnknownChoice) -> Self {
        ProviderError::InvalidInput(e.0)
    }
}

impl From<crate::net::ClientSetupError> for ProviderError {
    fn from(e: crate::net::ClientSetupError) -> Self {
        ProviderError::InvalidInput(e.to_string())
    }
}

/// Which service a key or a refusal belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    NanoBanana,
    Gemini,
}

impl Service {
    pub fn label(self) -> &'static str {
        match self {
            Service::NanoBanana => "Nano Banana",
            Service::Gemini => "Gemini",
        }
    }

    pub fn key_env(self) -> &'static str {
        match self {
            Service::NanoBanana => "NANOBANANA_API_KEY",
            Service::Gemini => "GEMINI_API_KEY",
        }
    }
}

fn detail(text: &Option<String>) -> String {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| format!(": {}", t.chars().take(300).collect::<String>()))
        .unwrap_or_default()
}

fn retry_hint(after: &Option<Duration>) -> String {
    after.map_or_else(String::new, |d| format!(" (retry after {})", human(&d)))
}

fn human(d: &Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 1.0 {
        format!("{secs:.0} s")
    } else {
        format!("{} ms", d.as_millis())
    }
}

impl ProviderError {
    pub fn kind(&self) -> ErrorKind {
        use ProviderError as E;
        match self {
            E::InvalidInput(_) => ErrorKind::InvalidInput,
            E::ApiKeyMissing { .. } => ErrorKind::ApiKeyMissing,
            E::ApiKeyRejected { .. } => ErrorKind::ApiKeyRejected,
            E::OutOfCredits { .. } => ErrorKind::OutOfCredits,
            E::InvalidRequest { .. } => ErrorKind::InvalidRequest,
            E::TaskNotFound { .. } => ErrorKind::NotFound,
            E::RateLimited { .. } => ErrorKind::RateLimited,
            E::Maintenance { .. } => ErrorKind::ServiceUnavailable,
            E::Server { .. } => ErrorKind::ServerError,
            E::GenerationFailed { .. } => ErrorKind::GenerationFailed,
            E::SubmitUnconfirmed { .. } => ErrorKind::SubmitUnconfirmed,
            E::Protocol { .. } => ErrorKind::Protocol,
            E::Network { .. } => ErrorKind::Network,
            E::Timeout { .. } => ErrorKind::Timeout,
            E::ResultUnavailable { .. } | E::Download { .. } => ErrorKind::Download,
            E::TooLarge { .. } | E::ImageDimensionsTooLarge { .. } => ErrorKind::ImageTooLarge,
            E::NotAnImage { .. } => ErrorKind::InvalidImage,
            E::Io(_) => ErrorKind::Io,
            E::ModelNotFound { .. } => ErrorKind::ModelNotFound,
            E::QuotaExhausted { .. } => ErrorKind::QuotaExhausted,
            E::PromptBlocked { .. } => ErrorKind::PromptBlocked,
            E::OutputBlocked { .. } => ErrorKind::OutputBlocked,
            E::NoImage { .. } => ErrorKind::NoImage,
            E::ConversationRejected { .. } => ErrorKind::ConversationBroken,
        }
    }

    /// USD the service billed although it made no image (blocked or text-only answers still
    /// cost their input and thinking tokens).
    pub fn charged(&self) -> Option<f64> {
        match self {
            ProviderError::PromptBlocked { charged, .. }
            | ProviderError::OutputBlocked { charged, .. }
            | ProviderError::NoImage { charged, .. } => Some(*charged),
            _ => None,
        }
    }

    /// Whether asking again later may succeed, for calls that are safe to repeat (poll, credit,
    /// download). A submit is repeated only where [`crate::providers::retry`] says it is safe.
    pub fn is_retryable(&self) -> bool {
        use ProviderError as E;
        match self {
            E::RateLimited { .. } | E::Network { .. } | E::Timeout { .. } => true,
            E::Maintenance { .. } => true,
            E::Server { retryable, .. } | E::Download { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// How long the service asked us to wait, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Self {
        ProviderError::Protocol {
            message: message.into(),
        }
    }

    /// The error for an HTTP status or envelope `code` that is not a success.
    pub(crate) fn from_status(
        status: u16,
        message: String,
        retry_after: Option<Duration>,
        task_id: Option<&str>,
    ) -> Self {
        match status {
            401 | 403 => ProviderError::ApiKeyRejected {
                service: Service::NanoBanana,
                message,
            },
            402 => ProviderError::OutOfCredits { message },
            400 | 422 => ProviderError::InvalidRequest { status, message },
            404 => match task_id {
                Some(id) => ProviderError::TaskNotFound {
                    task_id: id.to_owned(),
                    message,
                },
                None => ProviderError::Protocol {
                    message: format!("endpoint not found (404): {message}"),
                },
            },
            429 => ProviderError::RateLimited {
                retry_after,
                message,
            },
            455 => ProviderError::Maintenance { message },
            500..=599 => ProviderError::Server {
                status,
                message,
                retryable: matches!(status, 500 | 502 | 503 | 504),
            },
            _ => ProviderError::Protocol {
                message: format!("status {status}: {message}"),
            },
        }
    }
}
