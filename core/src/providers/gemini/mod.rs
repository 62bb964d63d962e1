//! Google's own Gemini API for the Nano Banana models (`shared/notes/providers.md` §2): one
//! synchronous `generateContent` call per job with the key in `x-goog-api-key`, text plus inline
//! input images, `responseModalities` and `imageConfig`; the images come back inline, with the
//! call's real token usage, from which its cost is computed.
//!
//! A call that fails with an answer saying nothing was generated (400 bad key, 404 model, 429,
//! 5xx) is safe to send again; the queue does that within the job's budget for 429 and 5xx. A call
//! lost after sending (timeout, reset) may have been charged: `SubmitUnconfirmed`, never resent.

mod batch;
mod wire;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{GenerationRequest, ProviderError, Service};
use crate::secret::ApiKey;

pub use batch::{InlineOutcome, InlineResult, RemoteBatch, RemoteState};
pub use wire::{GeminiAnswer, InlineImage, Usage};

pub const DEFAULT_GEMINI_BASE_URL: &str = "https://generativelanguage.googleapis.com";

/// A 4K PNG sent inline is tens of MB of base64; anything above this is not an answer of ours.
const MAX_ANSWER_BYTES: usize = 96 * 1024 * 1024;

/// Everything the client needs besides the key.
#[derive(Debug, Clone)]
pub struct GeminiConfig {
    /// A root such as `https://generativelanguage.googleapis.com`; the client appends
    /// `/v1beta/models/{model}:generateContent`.
    pub base_url: String,
    pub connect_timeout: Duration,
    /// Longest silence while the model works (Pro takes minutes; the job's own limit applies too).
    pub read_timeout: Duration,
}

impl GeminiConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(600),
        }
    }
}

/// The HTTP client for one key. Cheap to clone.
#[derive(Debug, Clone)]
pub struct GeminiClient {
    http: reqwest::Client,
    base: String,
    key: Option<ApiKey>,
}

impl GeminiClient {
    pub fn new(config: GeminiConfig, key: Option<ApiKey>) -> Result<Self, ProviderError> {
        let base = config.base_url.trim().trim_end_matches('/').to_owned();
        if !crate::net::is_secure_or_loopback(&base) {
            return Err(ProviderError::InvalidInput(format!(
                "the Gemini address '{base}' must be https (plain http only on this computer)"
            )));
        }
        let http = crate::net::api_client(config.connect_timeout, config.read_timeout)?;
        Ok(Self { http, base, key })
    }

    /// Generates the images of `req` (one call): with `contents`, a conversation's turns as the
    /// API takes them (the last one the new user turn); else one user turn, the text then the
    /// `inputs` inline. The answer may hold no image: [`GeminiAnswer::check_images`] says why.
    pub async fn generate(
        &self,
        req: &GenerationRequest,
        inputs: &[InlineImage],
        contents: Option<Vec<serde_json::Value>>,
        timeout: Duration,
    ) -> Result<GeminiAnswer, ProviderError> {
        req.validate()?;
        let key = self.key.as_ref().ok_or(ProviderError::ApiKeyMissing {
            service: Service::Gemini,
        })?;
        let model = req.model.as_str();
        let body = wire::request_body(req, inputs, contents, &|b| STANDARD.encode(b));
        let url = format!("{}/v1beta/models/{model}:generateContent", self.base);
        let sent = self
            .http
            .post(&url)
            .header("x-goog-api-key", key.expose())
            .json(&body)
            .timeout(timeout)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) if e.is_connect() => {
                return Err(ProviderError::Network {
                    host: host_of(&self.base),
                    message: crate::net::root_cause(&e),
                });
            }
            // Sent, no answer: it may have generated (and been charged).
            Err(e) => {
                return Err(ProviderError::SubmitUnconfirmed {
                    message: crate::net::error_chain(&e),
                });
            }
        };
        let status = response.status().as_u16();
        let retry_header = crate::net::retry_after(response.headers());
        let body = match read_capped(response).await {
            Ok(Some(body)) => body,
            Ok(None) => {
                return Err(ProviderError::TooLarge {
                    limit: MAX_ANSWER_BYTES as u64,
                });
            }
            Err(e) => {
                return Err(ProviderError::SubmitUnconfirmed {
                    message: format!("the answer was cut off: {}", crate::net::error_chain(&e)),
                });
            }
        };
        if !(200..300).contains(&status) {
            return Err(wire::error_of(status, &body, model, retry_header));
        }
        let answer = tokio::task::spawn_blocking(move || wire::parse_answer(&body))
            .await
            .map_err(|e| ProviderError::Io(std::io::Error::other(e.to_string())))?;
        let mut answer = answer?;
        answer.cost = answer.usage.cost(req.model);
        Ok(answer)
    }
}

impl GeminiClient {
    /// Whether the service takes the key, with a call that costs nothing: the model's
    /// description (`GET /v1beta/models/{model}`).
    pub async fn check_key(&self, model: &str) -> Result<(), ProviderError> {
        let key = self.key.as_ref().ok_or(ProviderError::ApiKeyMissing {
            service: Service::Gemini,
        })?;
        let url = format!("{}/v1beta/models/{model}", self.base);
        let response = self
            .http
            .get(&url)
            .header("x-goog-api-key", key.expose())
            .timeout(Duration::from_secs(15))
            .send()
            .await
            .map_err(|e| ProviderError::Network {
                host: host_of(&self.base),
                message: crate::net::root_cause(&e),
            })?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(());
        }
        let body = read_capped(response)
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        Err(wire::error_of(status, &body, model, None))
    }
}

fn host_of(base: &str) -> String {
    reqwest::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| base.to_owned())
}

/// The body, or `None` past [`MAX_ANSWER_BYTES`] (an answer that large is not one of ours).
async fn read_capped(mut response: reqwest::Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_ANSWER_BYTES {
            return Ok(None);
        }
    }
    Ok(Some(bytes))
}
