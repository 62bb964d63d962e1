//! One API call: send, check the HTTP status AND the envelope `code`, classify the failure, and
//! retry where [`RetryPolicy`](crate::providers::RetryPolicy) says it is safe.

use std::time::Duration;

use serde_json::Value;

use super::NanoBananaClient;
use super::call::Call;
use super::wire::{self, Envelope};
use crate::net::{error_chain, retry_after, root_cause};
use crate::providers::ProviderError;
use crate::providers::retry::random_seed;

/// Answers of the API are small; anything bigger is not the service talking.
const MAX_API_BODY: usize = 2 * 1024 * 1024;

/// A failed attempt, and whether the body was the service's own envelope (the service decided).
struct Failure {
    error: ProviderError,
    service_answered: bool,
}

impl From<ProviderError> for Failure {
    fn from(error: ProviderError) -> Self {
        Failure {
            error,
            service_answered: false,
        }
    }
}

impl NanoBananaClient {
    /// Sends the request built by `make` until it succeeds or the policy gives up; returns `data`.
    pub(super) async fn call(
        &self,
        call: Call<'_>,
        make: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Value, ProviderError> {
        let seed = random_seed();
        let policy = self.config.retry;
        let mut attempt = 1;
        loop {
            let failure = match self.attempt(call, make()).await {
                Ok(data) => return Ok(data),
                Err(f) => f,
            };
            let caller_waits = call.is_submit()
                && !self.config.retry_rate_limited_submits
                && matches!(failure.error, ProviderError::RateLimited { .. });
            if caller_waits {
                return Err(failure.error);
            }
            let delay = policy.delay_after(
                &failure.error,
                attempt,
                seed,
                call.is_submit(),
                failure.service_answered,
            );
            let Some(delay) = delay else {
                return Err(failure.error);
            };
            tracing::debug!(
                what = call.what(),
                attempt,
                ?delay,
                error = %failure.error,
                "retrying Nano Banana call"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        call: Call<'_>,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, Failure> {
        let key = self.api_key.as_ref().ok_or(ProviderError::ApiKeyMissing {
            service: crate::providers::Service::NanoBanana,
        })?;
        let response = request
            .bearer_auth(key.expose())
            .send()
            .await
            .map_err(|e| self.transport_error(call, &e))?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let body = read_capped(response)
            .await
            .map_err(|e| self.transport_error(call, &e))?;
        let envelope = wire::parse_envelope(&body);
        let task_id = call.task_id();
        if !(200..300).contains(&status) {
            let message = wire::message_of(envelope.as_ref(), &body);
            // A transient 5xx to a submit, with or without the service's envelope, may hide a task
            // it did create (the docs do not say otherwise): it is never sent again on its own.
            // 501 (generation failed) and 505 (feature disabled) are the service's own refusals.
            if call.is_submit() && matches!(status, 500 | 502 | 503 | 504) {
                return Err(ProviderError::SubmitUnconfirmed {
                    message: format!("HTTP {status}: {}", wire::snippet(&body)),
                }
                .into());
            }
            let error = ProviderError::from_status(status, message, retry_after, task_id);
            return Err(Failure {
                error,
                service_answered: envelope.is_some(),
            });
        }
        let Some(Envelope { code, msg, data }) = envelope else {
            let what = format!(
                "{} returned something that is not JSON in the documented envelope: {}",
                call.what(),
                wire::snippet(&body)
            );
            // A 2xx to a submit that we cannot read may still have created (and charged) a task.
            return Err(if call.is_submit() {
                ProviderError::SubmitUnconfirmed { message: what }
            } else {
                ProviderError::protocol(what)
            }
            .into());
        };
        if code == 200 {
            return Ok(data);
        }
        // An error hidden inside an HTTP 200.
        let message = if msg.trim().is_empty() {
            format!("code {code}")
        } else {
            msg
        };
        let error = match u16::try_from(code) {
            Ok(code) if call.is_submit() && matches!(code, 500 | 502 | 503 | 504) => {
                ProviderError::SubmitUnconfirmed {
                    message: format!("code {code}: {message}"),
                }
            }
            Ok(code) => ProviderError::from_status(code, message, retry_after, task_id),
            Err(_) => ProviderError::protocol(format!("unknown code {code}: {message}")),
        };
        Err(Failure {
            error,
            service_answered: true,
        })
    }

    /// A failure to send or to read the answer. Before the connection existed nothing was sent,
    /// so anything may be retried; after it, a submit's outcome is unknown.
    fn transport_error(&self, call: Call<'_>, e: &reqwest::Error) -> Failure {
        let host = self.host();
        let error = if e.is_connect() {
            // The innermost cause ("Connection refused", "dns error ...") is what a person can act on.
            ProviderError::Network {
                host,
                message: root_cause(e),
            }
        } else if call.is_submit() {
            let reason = if e.is_timeout() {
                format!("no answer within {}", secs(self.config.read_timeout))
            } else {
                error_chain(e)
            };
            ProviderError::SubmitUnconfirmed { message: reason }
        } else if e.is_timeout() {
            ProviderError::Timeout {
                what: format!("{} at {host}", call.what()),
                after: self.config.read_timeout,
            }
        } else {
            ProviderError::Network {
                host,
                message: error_chain(e),
            }
        };
        error.into()
    }
}

/// The body as text, refusing more than [`MAX_API_BODY`] bytes.
async fn read_capped(mut response: reqwest::Response) -> Result<String, reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_API_BODY {
            bytes.truncate(MAX_API_BODY);
            break;
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn secs(d: Duration) -> String {
    format!("{:.0} s", d.as_secs_f64().max(1.0))
}
