//! One request, start to finish: classify the path, read the body within the size limit, log it,
//! apply a queued fault, check method and key the way the API does, then hand over to the
//! endpoint (`generate`, `batch::api`, `control`). [`Ctx`] carries what every endpoint needs to
//! answer, hang, reset, or let a fault replace an answer after the request took effect.

use std::time::Duration;

use axum::Extension;
use axum::body::{Body, to_bytes};
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::batch;
use crate::control;
use crate::errors;
use crate::generate;
use crate::payload::{self, PayloadSummary};
use crate::route::{self, query_param, redacted};
use crate::scenario::{FaultAction, Limits};
use crate::server::ConnectionHandle;
use crate::state::{Endpoint, KeySource, RecordedRequest, Shared, elide_data};

/// What an endpoint needs to answer one request.
pub struct Ctx {
    pub shared: Shared,
    /// The request's place in the log.
    pub seq: u64,
    pub connection: Option<ConnectionHandle>,
    /// The limits when the request arrived.
    pub limits: Limits,
    pub endpoint: Endpoint,
    pub api_version: String,
    /// The model id in the path ("" if none).
    pub model: String,
    /// `batches/{id}` in the path.
    pub batch: Option<String>,
    pub query: Option<String>,
    pub body_bytes: u64,
}

impl Ctx {
    /// Records how the request was answered and passes the answer on.
    pub fn answer(&self, response: Response, what: &str) -> Response {
        let status = Some(response.status().as_u16());
        self.shared.lock().answered(self.seq, status, what);
        response
    }

    /// The request took effect and `response` is its answer, unless a fault queued with
    /// `afterCommit` replaces it (the client never hears of what happened).
    pub async fn committed(&self, response: Response, what: &str) -> Response {
        let endpoint = self.endpoint;
        let model = Some(self.model.as_str()).filter(|m| !m.is_empty());
        let fault = self.shared.lock().take_fault(endpoint, model, true);
        let Some(action) = fault else {
            return self.answer(response, what);
        };
        self.shared.lock().faulted(self.seq, fault_name(&action));
        match &action {
            FaultAction::Delay { ms } => {
                tokio::time::sleep(Duration::from_millis(*ms)).await;
                self.answer(response, what)
            }
            FaultAction::Hang { ms } => {
                self.hang(*ms).await;
                self.answer(response, what)
            }
            FaultAction::Reset => self.reset().await,
            other => match errors::fault_response(other, &self.model) {
                Some(faulty) => self.answer(faulty, &fault_name(other)),
                None => self.answer(response, what),
            },
        }
    }

    /// Waits `ms`, or forever (the client gives up first; stopping the fake drops the connection).
    pub async fn hang(&self, ms: Option<u64>) {
        self.shared.lock().answered(self.seq, None, "hang");
        match ms {
            Some(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            None => std::future::pending::<()>().await,
        }
    }

    /// Resets the connection; the returned answer is never sent.
    pub async fn reset(&self) -> Response {
        self.shared.lock().answered(self.seq, None, "reset");
        if let Some(connection) = &self.connection {
            connection.reset();
            std::future::pending::<()>().await;
        }
        // Only reachable without our accept loop (never in practice): say so instead of hanging.
        errors::google(
            500,
            "INTERNAL",
            "the fake could not reset this connection",
            Vec::new(),
        )
    }
}

/// The parsed body, the summary of a generateContent body and the elided copy for the log
/// (blocking: bodies can be 100 MB).
type Parsed = (Option<Value>, Option<PayloadSummary>, Option<Value>);

fn parse(bytes: &[u8], summarize: bool) -> Parsed {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => {
            let summary = summarize.then(|| payload::summarize(&value));
            let elided = elide_data(&value);
            (Some(value), summary, Some(elided))
        }
        Err(_) => (None, None, None),
    }
}

pub async fn handle(
    AxumState(shared): AxumState<Shared>,
    connection: Option<Extension<ConnectionHandle>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query();
    let mut route = route::classify(method.as_str(), &path);
    let endpoint = route.endpoint.unwrap_or(Endpoint::Other);
    if endpoint == Endpoint::Other {
        route = route::Route::default();
    }
    let limits = shared.lock().limits.clone();
    let declared_len = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit = usize::try_from(limits.max_body_bytes).unwrap_or(usize::MAX);
    // `None` when the body is over the limit (or the client broke off; nobody reads the answer).
    let bytes = to_bytes(body, limit).await.ok();
    let body_bytes = bytes
        .as_ref()
        .map_or(declared_len.unwrap_or(0), |b| b.len() as u64);
    let summarize = endpoint == Endpoint::GenerateContent;
    let (value, payload, elided) = match bytes.clone() {
        Some(bytes) if !bytes.is_empty() => {
            tokio::task::spawn_blocking(move || parse(&bytes, summarize))
                .await
                .unwrap_or((None, None, None))
        }
        _ => (None, None, None),
    };
    let header_key = headers.get("x-goog-api-key").and_then(|v| v.to_str().ok());
    let query_key = query_param(query, "key");
    let (key, key_source) = match (header_key, query_key.as_deref()) {
        (Some(k), _) => (Some(k), Some(KeySource::Header)),
        (None, Some(k)) => (Some(k), Some(KeySource::Query)),
        (None, None) => (None, None),
    };
    let (seq, fault, key_valid) = {
        let mut state = shared.lock();
        let key_valid = key == Some(state.api_key.as_str());
        let fault = state.take_fault(endpoint, route.model.as_deref(), false);
        let echoed = payload
            .as_ref()
            .map(|p| p.thought_signatures.clone())
            .unwrap_or_default();
        let seq = state.requests.len() as u64;
        let record = RecordedRequest {
            seq,
            at_ms: state.started.elapsed().as_secs_f64() * 1000.0,
            endpoint,
            method: method.to_string(),
            path: path.clone(),
            query: redacted(query),
            api_version: route.api_version.clone(),
            model: route.model.clone(),
            batch: endpoint.is_batch().then(|| batch::scenario::BatchCall {
                name: route.batch.clone(),
                ..Default::default()
            }),
            key_present: key.is_some(),
            key_valid,
            key_source,
            body_bytes,
            body: elided,
            payload: payload.clone(),
            thought_signature_echoed: !echoed.is_empty(),
            thought_signatures_known: !echoed.is_empty()
                && echoed.iter().all(|s| state.signatures.contains_key(s)),
            fault: fault.as_ref().map(fault_name),
            status: None,
            answer: None,
        };
        state.requests.push(record);
        (seq, fault, key_valid)
    };
    if endpoint == Endpoint::Control {
        return control::control(&shared, &method, &path, value);
    }
    let ctx = Ctx {
        shared,
        seq,
        connection: connection.map(|Extension(c)| c),
        limits,
        endpoint,
        api_version: route.api_version.unwrap_or_default(),
        model: route.model.unwrap_or_default(),
        batch: route.batch,
        query: query.map(str::to_owned),
        body_bytes,
    };
    // The front end refuses an oversized body before anything else looks at it.
    if bytes.is_none() {
        let refusal =
            errors::payload_too_large(ctx.limits.max_body_bytes, ctx.limits.oversize_status);
        return ctx.answer(refusal, "payloadTooLarge");
    }
    let mut delay = Duration::ZERO;
    if let Some(action) = &fault {
        match action {
            FaultAction::Delay { ms } => delay = Duration::from_millis(*ms),
            FaultAction::Hang { ms } => ctx.hang(*ms).await,
            FaultAction::Reset => return ctx.reset().await,
            other => {
                if let Some(response) = errors::fault_response(other, &ctx.model) {
                    return ctx.answer(response, &fault_name(other));
                }
            }
        }
    }
    if endpoint.method() != Some(method.as_str()) {
        return ctx.answer(errors::path_not_found(&path), "notFound");
    }
    if !key_valid {
        return ctx.answer(errors::api_key_invalid(), "invalidKey");
    }
    if endpoint == Endpoint::GenerateContent {
        generate::generate(&ctx, value, payload, delay).await
    } else if endpoint == Endpoint::ModelGet {
        tokio::time::sleep(delay).await;
        match crate::models::find(&ctx.model) {
            Some(model) => ctx.answer(
                (
                    axum::http::StatusCode::OK,
                    axum::Json(serde_json::json!({
                        "name": format!("models/{}", model.id),
                        "version": model.version,
                        "displayName": model.id,
                        "supportedGenerationMethods": ["generateContent", "batchGenerateContent"],
                    })),
                )
                    .into_response(),
                "ok",
            ),
            None => ctx.answer(
                errors::model_not_found(&ctx.model, &ctx.api_version, "get"),
                "modelNotFound",
            ),
        }
    } else {
        tokio::time::sleep(delay).await;
        batch::api::handle(&ctx, value).await
    }
}

pub fn fault_name(action: &FaultAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.get("kind").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "fault".into())
}
