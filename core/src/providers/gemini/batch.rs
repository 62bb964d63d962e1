//! Gemini's Batch API over raw REST (`shared/notes/batch.md` §1): create an inline batch, get one
//! by name, find one by its display name in the list, cancel one. Results are read with the same
//! parser as a `generateContent` answer; each carries the `metadata.key` it came back with (or
//! none: the service has dropped keys), and matching them to jobs is the caller's business.
//!
//! A create is not idempotent: like a paid submit, an answer that proves nothing was made (the
//! service's own error envelope, a refused connection) is told apart from one that was lost after
//! sending ([`ProviderError::SubmitUnconfirmed`]), which the caller resolves by listing.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{GeminiAnswer, GeminiClient, host_of, read_capped, wire};
use crate::catalog::Model;
use crate::providers::{GenerationRequest, ProviderError, Service};

/// How long one Batch API call may take (a get carries up to 20 images inline).
const CALL_TIMEOUT: Duration = Duration::from_secs(180);
/// Batches asked for per page of the list, and the most pages one search reads.
const LIST_PAGE_SIZE: u32 = 100;
const LIST_MAX_PAGES: u32 = 20;

/// A batch's state, both spellings (`BATCH_STATE_*` over REST, `JOB_STATE_*` in the SDKs and the
/// guide's samples) read as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteState {
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Expired,
    /// A spelling this version does not know: treated as still running.
    Unknown,
}

impl RemoteState {
    pub fn parse(text: &str) -> Self {
        let tail = text
            .strip_prefix("BATCH_STATE_")
            .or_else(|| text.strip_prefix("JOB_STATE_"))
            .unwrap_or(text);
        match tail {
            "PENDING" | "QUEUED" => Self::Pending,
            "RUNNING" => Self::Running,
            "SUCCEEDED" => Self::Succeeded,
            "FAILED" => Self::Failed,
            "CANCELLED" => Self::Cancelled,
            "EXPIRED" => Self::Expired,
            _ => Self::Unknown,
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Cancelled | Self::Expired
        )
    }
}

/// What one inline result says.
#[derive(Debug, Clone)]
pub enum InlineOutcome {
    /// A `GenerateContentResponse`, read as a `generateContent` answer (cost not yet set).
    Answer(GeminiAnswer),
    /// The request's own error (`{"code": 3, "message": ...}`).
    Error { code: i64, message: String },
    /// Neither, or an answer that cannot be read: kept, given to nobody.
    Unreadable(String),
}

/// One entry of `inlinedResponses`, with the raw JSON it came as (kept when it is quarantined).
#[derive(Debug, Clone)]
pub struct InlineResult {
    pub key: Option<String>,
    pub outcome: InlineOutcome,
    pub raw: Value,
}

/// A batch as the service describes it.
#[derive(Debug, Clone)]
pub struct RemoteBatch {
    pub name: String,
    pub display_name: Option<String>,
    pub state: RemoteState,
    /// The state as spelled.
    pub state_text: String,
    /// The inline results, once it has them.
    pub results: Option<Vec<InlineResult>>,
}

impl GeminiClient {
    /// `POST /v1beta/models/{model}:batchGenerateContent` with one inline request per item, each
    /// keyed (`metadata.key`) by its job id.
    pub async fn create_batch(
        &self,
        model: Model,
        display_name: &str,
        items: &[(String, GenerationRequest)],
    ) -> Result<RemoteBatch, ProviderError> {
        let requests: Vec<Value> = items
            .iter()
            .map(|(key, req)| {
                let body = wire::request_body(req, &[], None, &|b| STANDARD.encode(b));
                json!({ "request": body, "metadata": { "key": key } })
            })
            .collect();
        let body = json!({ "batch": {
            "displayName": display_name,
            "inputConfig": { "requests": { "requests": requests } },
        }});
        let url = format!(
            "{}/v1beta/models/{}:batchGenerateContent",
            self.base,
            model.as_str()
        );
        let (status, retry, bytes) = self.call(self.http.post(&url).json(&body), true).await?;
        if !(200..300).contains(&status) {
            let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            // Only the service's own refusal proves no batch was made.
            if value.get("error").is_some_and(Value::is_object) {
                return Err(wire::error_of(status, &bytes, model.as_str(), retry));
            }
            return Err(ProviderError::SubmitUnconfirmed {
                message: format!("the batch create answered HTTP {status} without an error"),
            });
        }
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|e| ProviderError::SubmitUnconfirmed {
                message: format!("the batch create's answer is not JSON: {e}"),
            })?;
        read_batch(&value).ok_or_else(|| ProviderError::SubmitUnconfirmed {
            message: "the batch create's answer names no batch".into(),
        })
    }

    /// `GET /v1beta/{name}`, with the inline results once it has them (read off the async pool:
    /// they are base64 images).
    pub async fn get_batch(&self, name: &str) -> Result<RemoteBatch, ProviderError> {
        let url = format!("{}/v1beta/{}", self.base, checked_name(name)?);
        let (status, retry, bytes) = self.call(self.http.get(&url), false).await?;
        if !(200..300).contains(&status) {
            return Err(wire::error_of(status, &bytes, name, retry));
        }
        tokio::task::spawn_blocking(move || {
            let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
                ProviderError::protocol(format!("the batch's description is not JSON: {e}"))
            })?;
            read_batch(&value)
                .ok_or_else(|| ProviderError::protocol("the batch's description names no batch"))
        })
        .await
        .map_err(|e| ProviderError::Io(std::io::Error::other(e.to_string())))?
    }

    /// The batch called `display_name`, looked for in the service's list (newest first), or
    /// `None` when the list does not have it.
    pub async fn find_batch(
        &self,
        display_name: &str,
    ) -> Result<Option<RemoteBatch>, ProviderError> {
        let mut token: Option<String> = None;
        for _ in 0..LIST_MAX_PAGES {
            let mut url = reqwest::Url::parse(&format!("{}/v1beta/batches", self.base))
                .map_err(|e| ProviderError::InvalidInput(format!("the Gemini address: {e}")))?;
            url.query_pairs_mut()
                .append_pair("pageSize", &LIST_PAGE_SIZE.to_string());
            if let Some(t) = &token {
                url.query_pairs_mut().append_pair("pageToken", t);
            }
            let (status, retry, bytes) = self.call(self.http.get(url), false).await?;
            if !(200..300).contains(&status) {
                return Err(wire::error_of(status, &bytes, "batches", retry));
            }
            let page: Value = serde_json::from_slice(&bytes).map_err(|e| {
                ProviderError::protocol(format!("the list of batches is not JSON: {e}"))
            })?;
            let operations = page.get("operations").or_else(|| page.get("batches"));
            for op in operations.and_then(Value::as_array).into_iter().flatten() {
                if let Some(batch) = read_batch(op)
                    && batch.display_name.as_deref() == Some(display_name)
                {
                    return Ok(Some(batch));
                }
            }
            token = page
                .get("nextPageToken")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        Ok(None)
    }

    /// `POST /v1beta/{name}:cancel`: best effort (a batch may still finish; get it afterwards).
    pub async fn cancel_batch(&self, name: &str) -> Result<(), ProviderError> {
        let url = format!("{}/v1beta/{}:cancel", self.base, checked_name(name)?);
        let (status, retry, bytes) = self
            .call(self.http.post(&url).json(&json!({})), false)
            .await?;
        if !(200..300).contains(&status) {
            return Err(wire::error_of(status, &bytes, name, retry));
        }
        Ok(())
    }

    /// Sends one call with the key: (status, `Retry-After`, body). A create (`submit`) lost after
    /// sending is `SubmitUnconfirmed`; any other call's failure is a network error (safe to ask
    /// again).
    async fn call(
        &self,
        request: reqwest::RequestBuilder,
        submit: bool,
    ) -> Result<(u16, Option<Duration>, Vec<u8>), ProviderError> {
        let key = self.key.as_ref().ok_or(ProviderError::ApiKeyMissing {
            service: Service::Gemini,
        })?;
        let network = |e: &reqwest::Error| ProviderError::Network {
            host: host_of(&self.base),
            message: crate::net::root_cause(e),
        };
        let sent = request
            .header("x-goog-api-key", key.expose())
            .timeout(CALL_TIMEOUT)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) if e.is_connect() || !submit => return Err(network(&e)),
            Err(e) => {
                return Err(ProviderError::SubmitUnconfirmed {
                    message: crate::net::error_chain(&e),
                });
            }
        };
        let status = response.status().as_u16();
        let retry = crate::net::retry_after(response.headers());
        match read_capped(response).await {
            Ok(Some(body)) => Ok((status, retry, body)),
            Ok(None) => Err(ProviderError::TooLarge {
                limit: super::MAX_ANSWER_BYTES as u64,
            }),
            Err(e) if submit => Err(ProviderError::SubmitUnconfirmed {
                message: format!("the answer was cut off: {}", crate::net::error_chain(&e)),
            }),
            Err(e) => Err(network(&e)),
        }
    }
}

/// A batch name as the API spells it (`batches/{id}`); anything else must not become a path.
fn checked_name(name: &str) -> Result<&str, ProviderError> {
    let id = name.strip_prefix("batches/").unwrap_or_default();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ProviderError::protocol(format!(
            "'{name}' is not a batch name"
        )));
    }
    Ok(name)
}

/// An Operation (`{name, metadata: GenerateContentBatch, done, response}`) or a bare
/// `GenerateContentBatch`; `None` without a name.
pub(crate) fn read_batch(value: &Value) -> Option<RemoteBatch> {
    let meta = value.get("metadata").unwrap_or(value);
    let name = value
        .get("name")
        .or_else(|| meta.get("name"))
        .and_then(Value::as_str)?
        .to_owned();
    let display_name = meta
        .get("displayName")
        .or_else(|| meta.get("display_name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let state_text = meta
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let inlined = |v: Option<&Value>| {
        v.and_then(|o| o.get("inlinedResponses"))
            .and_then(|o| o.get("inlinedResponses").or(Some(o)))
            .and_then(Value::as_array)
            .cloned()
    };
    let results = inlined(value.get("response"))
        .or_else(|| inlined(meta.get("output")))
        .or_else(|| inlined(value.get("output")))
        .map(|items| items.into_iter().map(read_result).collect());
    Some(RemoteBatch {
        name,
        display_name,
        state: RemoteState::parse(&state_text),
        state_text,
        results,
    })
}

fn read_result(raw: Value) -> InlineResult {
    let key = raw
        .get("metadata")
        .and_then(|m| m.get("key"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let outcome = if let Some(error) = raw.get("error").filter(|e| e.is_object()) {
        InlineOutcome::Error {
            code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
            message: error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("the service gave no reason")
                .to_owned(),
        }
    } else if let Some(response) = raw.get("response") {
        match serde_json::to_vec(response)
            .map_err(|e| ProviderError::protocol(e.to_string()))
            .and_then(|bytes| wire::parse_answer(&bytes))
        {
            Ok(answer) => InlineOutcome::Answer(answer),
            Err(e) => InlineOutcome::Unreadable(e.to_string()),
        }
    } else {
        InlineOutcome::Unreadable("neither a response nor an error".into())
    };
    InlineResult { key, outcome, raw }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_state_spellings_and_both_result_shapes() {
        for (text, want) in [
            ("BATCH_STATE_PENDING", RemoteState::Pending),
            ("JOB_STATE_RUNNING", RemoteState::Running),
            ("JOB_STATE_SUCCEEDED", RemoteState::Succeeded),
            ("BATCH_STATE_EXPIRED", RemoteState::Expired),
            ("JOB_STATE_CANCELLED", RemoteState::Cancelled),
            ("BATCH_STATE_SOMETHING_NEW", RemoteState::Unknown),
        ] {
            assert_eq!(RemoteState::parse(text), want, "{text}");
        }
        let result = json!({"metadata": {"key": "job-1"}, "error": {"code": 3, "message": "no"}});
        let op = json!({"name": "batches/a1", "metadata": {"state": "JOB_STATE_SUCCEEDED",
            "displayName": "nf:b:chunk-0",
            "output": {"inlinedResponses": {"inlinedResponses": [result]}}}});
        let batch = read_batch(&op).unwrap();
        assert_eq!(batch.state, RemoteState::Succeeded);
        let results = batch.results.unwrap();
        assert_eq!(results[0].key.as_deref(), Some("job-1"));
        assert!(matches!(
            results[0].outcome,
            InlineOutcome::Error { code: 3, .. }
        ));
        assert!(checked_name("batches/../x").is_err());
        assert!(checked_name("batches/abc-1").is_ok());
    }
}
