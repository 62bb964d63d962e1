//! Faults: scripted transient answers (429, 5xx, broken bodies, hangs, resets) for the next
//! requests to an endpoint, before the request takes effect or after it (a batch that was created
//! but whose answer was lost).

use serde::{Deserialize, Deserializer, Serialize};

use crate::state::Endpoint;

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Target {
    /// `:generateContent` calls.
    Generate,
    /// Anything but the control endpoints.
    Any,
    /// Any Batch API call.
    Batch,
    /// `POST /v1beta/models/{model}:batchGenerateContent`.
    BatchCreate,
    /// `GET /v1beta/batches/{id}`.
    BatchGet,
    /// `GET /v1beta/batches`.
    BatchList,
    /// `POST /v1beta/batches/{id}:cancel`.
    BatchCancel,
    /// `DELETE /v1beta/batches/{id}`.
    BatchDelete,
}

impl Target {
    /// Whether a request to `endpoint` is one this target aims at.
    pub fn matches(self, endpoint: Endpoint) -> bool {
        match self {
            Target::Generate => endpoint == Endpoint::GenerateContent,
            Target::Any => endpoint != Endpoint::Control,
            Target::Batch => endpoint.is_batch(),
            Target::BatchCreate => endpoint == Endpoint::BatchCreate,
            Target::BatchGet => endpoint == Endpoint::BatchGet,
            Target::BatchList => endpoint == Endpoint::BatchList,
            Target::BatchCancel => endpoint == Endpoint::BatchCancel,
            Target::BatchDelete => endpoint == Endpoint::BatchDelete,
        }
    }
}

/// A scripted answer for the next `times` requests matching `target` (and `model`, if given).
/// "503, 503, then 200" is one fault with `times: 2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    #[serde(default = "generate")]
    pub target: Target,
    #[serde(default = "one")]
    pub times: u32,
    /// Only calls to this model id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The request takes effect first (the image is generated, the batch is created, cancelled
    /// or deleted) and only then is its answer replaced by `action`: the "committed, but the
    /// client never heard" case. Such a fault is only used by a request that succeeds.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_commit: bool,
    pub action: FaultAction,
}

fn generate() -> Target {
    Target::Generate
}
fn one() -> u32 {
    1
}

impl Fault {
    pub fn new(times: u32, action: FaultAction) -> Self {
        Self {
            target: Target::Generate,
            times,
            model: None,
            after_commit: false,
            action,
        }
    }

    /// The same fault for requests matching `target`.
    pub fn with_target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// The same fault, applied after the request took effect (see [`Fault::after_commit`]).
    pub fn after_commit(mut self) -> Self {
        self.after_commit = true;
        self
    }
}

/// What the faulty answer is. Error bodies are Google's `{"error":{code,message,status,details}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FaultAction {
    /// 429 RESOURCE_EXHAUSTED with `QuotaFailure` and `RetryInfo`. `retryDelay` absent from the
    /// control JSON means "34s" (per minute) or "3600s" (daily); `null` leaves `RetryInfo` out.
    RateLimited {
        #[serde(default)]
        daily: bool,
        #[serde(
            default,
            deserialize_with = "present",
            skip_serializing_if = "Option::is_none"
        )]
        retry_delay: Option<Option<String>>,
    },
    /// 429 RESOURCE_EXHAUSTED "Resource has been exhausted (e.g. check quota)." with no details.
    QuotaNoDetails,
    /// 503 UNAVAILABLE "The model is overloaded. Please try again later.", optionally with
    /// `ErrorInfo{reason: MODEL_CAPACITY_EXHAUSTED}`.
    Overloaded {
        #[serde(default)]
        capacity_exhausted: bool,
    },
    /// 500 INTERNAL.
    Internal,
    /// 504 DEADLINE_EXCEEDED.
    DeadlineExceeded,
    /// 403 PERMISSION_DENIED.
    PermissionDenied,
    /// Any Google-shaped error: status, `status` name, message and `details` (default empty).
    Error {
        code: u16,
        status: String,
        message: String,
        #[serde(default)]
        details: Vec<serde_json::Value>,
    },
    /// Any status, content type and body, e.g. a proxy's HTML 502.
    Raw {
        status: u16,
        content_type: String,
        body: String,
    },
    /// A Google front end's HTML 502 page.
    HtmlBadGateway,
    /// `application/json` cut off halfway (status 200 unless given).
    TruncatedJson {
        #[serde(default = "ok_status")]
        status: u16,
    },
    /// The normal answer after `ms`.
    Delay { ms: u64 },
    /// Read the request, then never answer (or answer normally after `ms`).
    Hang {
        #[serde(default)]
        ms: Option<u64>,
    },
    /// Read the request, then close the connection.
    Reset,
}

fn ok_status() -> u16 {
    200
}

/// `Some(value)` for a field that is present, even as `null` (→ `Some(None)`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_absent_null_and_given_are_distinct() {
        let parse = |s: &str| serde_json::from_str::<FaultAction>(s).unwrap();
        let absent = parse(r#"{"kind":"rateLimited"}"#);
        let null = parse(r#"{"kind":"rateLimited","retryDelay":null}"#);
        let given = parse(r#"{"kind":"rateLimited","retryDelay":"1.5s","daily":true}"#);
        let delay = |a: FaultAction| match a {
            FaultAction::RateLimited { retry_delay, .. } => retry_delay,
            _ => unreachable!(),
        };
        assert_eq!(delay(absent), None);
        assert_eq!(delay(null), Some(None));
        assert_eq!(delay(given), Some(Some("1.5s".into())));
    }
}
