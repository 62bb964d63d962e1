//! What the fake remembers: the default scenario, pending faults, limits, the thought signatures
//! it handed out, rendered images, batches, and every request it saw.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::batch::scenario::BatchCall;
use crate::batch::store::Batches;
use crate::images::Format;
use crate::payload::PayloadSummary;
use crate::scenario::{Fault, FaultAction, Limits, Scenario};
use crate::signatures::Issued;

/// Which endpoint a request hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Endpoint {
    /// `POST /v1beta/models/{model}:generateContent` (or `/v1/`).
    GenerateContent,
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
    /// `GET /v1beta/models/{model}`: the model's description (clients check a key with it).
    ModelGet,
    /// `/__control/...`.
    Control,
    /// Anything else (answered 404).
    Other,
}

impl Endpoint {
    pub fn is_batch(self) -> bool {
        matches!(
            self,
            Endpoint::BatchCreate
                | Endpoint::BatchGet
                | Endpoint::BatchList
                | Endpoint::BatchCancel
                | Endpoint::BatchDelete
        )
    }

    /// The one HTTP method the endpoint answers (others get a 404, as unknown paths do).
    pub fn method(self) -> Option<&'static str> {
        match self {
            Endpoint::GenerateContent | Endpoint::BatchCreate | Endpoint::BatchCancel => {
                Some("POST")
            }
            Endpoint::BatchGet | Endpoint::BatchList | Endpoint::ModelGet => Some("GET"),
            Endpoint::BatchDelete => Some("DELETE"),
            Endpoint::Control | Endpoint::Other => None,
        }
    }
}

/// Where the API key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeySource {
    /// The `x-goog-api-key` header.
    Header,
    /// The `?key=` query parameter.
    Query,
}

/// One request as the fake received it, and how it answered.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    /// 0, 1, 2… in arrival order.
    pub seq: u64,
    /// Milliseconds since the server started, when the request arrived.
    pub at_ms: f64,
    pub endpoint: Endpoint,
    pub method: String,
    pub path: String,
    /// The query string with the value of `key=` replaced by `REDACTED`.
    pub query: Option<String>,
    /// `v1beta` or `v1`.
    pub api_version: Option<String>,
    /// The model id from the path.
    pub model: Option<String>,
    /// For Batch API calls: the batch, and what a create sent.
    pub batch: Option<BatchCall>,
    pub key_present: bool,
    pub key_valid: bool,
    pub key_source: Option<KeySource>,
    /// Size of the request body in bytes.
    pub body_bytes: u64,
    /// The JSON body with every inline `data` longer than 256 characters replaced by
    /// `"<N base64 chars>"`; `None` if the body was not JSON (or over the size limit).
    pub body: Option<Value>,
    /// What the body asked for (see [`PayloadSummary`]).
    pub payload: Option<PayloadSummary>,
    /// The request carried at least one `thoughtSignature`.
    pub thought_signature_echoed: bool,
    /// Every signature it carried was one this fake handed out (false if none was echoed).
    pub thought_signatures_known: bool,
    /// Name of the fault that answered it, if any.
    pub fault: Option<String>,
    /// HTTP status of the answer; `None` while unanswered, or when the fake hung or reset.
    pub status: Option<u16>,
    /// What the answer was: `success`, an outcome (`outputBlocked`, …), `invalidKey`,
    /// `modelNotFound`, `invalidArgument`, `thoughtSignatureMissing`,
    /// `thoughtSignatureCorrupted`, `payloadTooLarge`, `notFound`, a fault kind, `hang`, `reset`;
    /// for the Batch API `batchCreated`, `batch`, `batchList`, `batchCancelled`, `batchDeleted`.
    pub answer: Option<String>,
}

/// A rendered image, by format, width, height and picture.
pub type ImageKey = (Format, u32, u32, u32);

/// A rendered image: its base64 (what answers carry) and the SHA-256 of its bytes (what a
/// signature issued on it is bound to).
#[derive(Debug)]
pub struct Rendered {
    pub base64: String,
    pub sha256: String,
}

#[derive(Debug)]
pub struct State {
    pub api_key: String,
    pub started: Instant,
    pub scenario: Scenario,
    pub faults: Vec<Fault>,
    pub limits: Limits,
    pub requests: Vec<RecordedRequest>,
    /// Thought signatures handed out, with what they were issued on.
    pub signatures: HashMap<String, Issued>,
    /// Rendered images: a 4K JPEG takes a moment to encode.
    pub image_cache: HashMap<ImageKey, Arc<Rendered>>,
    pub next_response: u64,
    pub batches: Batches,
    /// Batch ids keep counting across resets, so a name is never reused.
    pub next_batch: u64,
}

impl State {
    pub fn new(api_key: String) -> Self {
        Self {
            api_key,
            started: Instant::now(),
            scenario: Scenario::default(),
            faults: Vec::new(),
            limits: Limits::default(),
            requests: Vec::new(),
            signatures: HashMap::new(),
            image_cache: HashMap::new(),
            next_response: 1,
            batches: Batches::default(),
            next_batch: 1,
        }
    }

    /// Forgets scenario, faults, limits, batches, signatures and requests; keeps the key, the
    /// clock, the image cache and the id counters.
    pub fn reset(&mut self) {
        let fresh = State::new(std::mem::take(&mut self.api_key));
        *self = State {
            started: self.started,
            image_cache: std::mem::take(&mut self.image_cache),
            next_response: self.next_response,
            next_batch: self.next_batch,
            ..fresh
        };
    }

    /// Takes one use of the first fault matching this request: of the faults that answer before
    /// the request takes effect, or (`after_commit`) of those that answer after.
    pub fn take_fault(
        &mut self,
        endpoint: Endpoint,
        model: Option<&str>,
        after_commit: bool,
    ) -> Option<FaultAction> {
        let index = self.faults.iter().position(|f| {
            f.target.matches(endpoint)
                && f.after_commit == after_commit
                && f.times > 0
                && f.model.as_deref().is_none_or(|m| Some(m) == model)
        })?;
        let fault = &mut self.faults[index];
        fault.times -= 1;
        let action = fault.action.clone();
        if fault.times == 0 {
            self.faults.remove(index);
        }
        Some(action)
    }

    /// Records how request `seq` was answered.
    pub fn answered(&mut self, seq: u64, status: Option<u16>, answer: &str) {
        if let Some(record) = self.requests.iter_mut().find(|r| r.seq == seq) {
            record.status = status;
            record.answer = Some(answer.to_owned());
        }
    }

    /// Names the fault that answered request `seq` (one found after it took effect).
    pub fn faulted(&mut self, seq: u64, fault: String) {
        if let Some(record) = self.requests.iter_mut().find(|r| r.seq == seq) {
            record.fault = Some(fault);
        }
    }

    pub fn generate_count(&self) -> usize {
        self.endpoint_count(Endpoint::GenerateContent)
    }

    pub fn endpoint_count(&self, endpoint: Endpoint) -> usize {
        self.requests
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .count()
    }

    /// Requests per endpoint, by the endpoint's log name (`generateContent`, `batchCreate`, …).
    pub fn endpoint_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for r in &self.requests {
            let name = serde_json::to_value(r.endpoint)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            *counts.entry(name).or_default() += 1;
        }
        counts
    }

    /// generateContent calls per model id.
    pub fn model_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for r in &self.requests {
            if let (Endpoint::GenerateContent, Some(model)) = (r.endpoint, &r.model) {
                *counts.entry(model.clone()).or_default() += 1;
            }
        }
        counts
    }

    /// A fresh `responseId`.
    pub fn response_id(&mut self) -> String {
        let n = self.next_response;
        self.next_response += 1;
        format!(
            "fAkE{n:06}gEmInI{:06x}",
            self.started.elapsed().as_micros() % 0xff_ffff
        )
    }
}

/// The state shared by the handlers and the [`crate::FakeGemini`] handle.
#[derive(Debug, Clone)]
pub struct Shared(pub Arc<Mutex<State>>);

impl Shared {
    /// The lock; a handler that panicked while holding it does not poison the fake for others.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The body for the log: inline `data` strings longer than 256 characters are elided.
pub fn elide_data(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) if k == "data" && s.len() > 256 => {
                            Value::String(format!("<{} base64 chars>", s.len()))
                        }
                        other => elide_data(other),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(elide_data).collect()),
        other => other.clone(),
    }
}
