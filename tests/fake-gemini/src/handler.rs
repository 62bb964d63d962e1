//! One request, start to finish: classify the path, read the body within the size limit, log it,
//! apply a queued fault, check key → model → payload the way the API does, then answer as the
//! scenario says (or hang, or reset the connection). Also the `/__control/` endpoints.

use std::time::Duration;

use axum::Extension;
use axum::body::{Body, to_bytes};
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::errors;
use crate::models;
use crate::payload::{self, PayloadSummary};
use crate::request;
use crate::response::{self, Call};
use crate::scenario::{ControlRequest, FaultAction, Outcome, Scenario, scenario_from_prompt};
use crate::server::ConnectionHandle;
use crate::state::{Endpoint, KeySource, RecordedRequest, Shared, elide_data};

/// `(endpoint, api version, model)` of a path.
fn classify(path: &str) -> (Endpoint, Option<String>, Option<String>) {
    if path.starts_with("/__control/") {
        return (Endpoint::Control, None, None);
    }
    // Some clients percent-encode the colon before the method name.
    let path = path.replace("%3A", ":").replace("%3a", ":");
    for version in ["v1beta", "v1"] {
        let Some(rest) = path.strip_prefix(&format!("/{version}/models/")) else {
            continue;
        };
        if let Some((model, "generateContent")) = rest.rsplit_once(':') {
            return (
                Endpoint::GenerateContent,
                Some(version.to_owned()),
                Some(model.to_owned()),
            );
        }
    }
    (Endpoint::Other, None, None)
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The query for the log, with the key's value hidden.
fn redacted(query: Option<&str>) -> Option<String> {
    let query = query?;
    let pairs = form_urlencoded::parse(query.as_bytes()).map(|(k, v)| {
        let v = if k == "key" { "REDACTED".into() } else { v };
        (k, v)
    });
    Some(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish(),
    )
}

/// The parsed body, its summary and its elided copy for the log (blocking: bodies can be 100 MB).
type Parsed = (Option<Value>, Option<PayloadSummary>, Option<Value>);

fn parse(bytes: &[u8]) -> Parsed {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => {
            let summary = payload::summarize(&value);
            let elided = elide_data(&value);
            (Some(value), Some(summary), Some(elided))
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
    let (endpoint, api_version, model_id) = classify(&path);
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
    let (value, payload, elided) = match bytes.clone() {
        Some(bytes) if !bytes.is_empty() => tokio::task::spawn_blocking(move || parse(&bytes))
            .await
            .unwrap_or((None, None, None)),
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
        let fault = state.take_fault(endpoint, model_id.as_deref());
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
            api_version: api_version.clone(),
            model: model_id.clone(),
            key_present: key.is_some(),
            key_valid,
            key_source,
            body_bytes,
            body: elided,
            payload: payload.clone(),
            thought_signature_echoed: !echoed.is_empty(),
            thought_signatures_known: !echoed.is_empty()
                && echoed.iter().all(|s| state.signatures.contains(s)),
            fault: fault.as_ref().map(fault_name),
            status: None,
            answer: None,
        };
        state.requests.push(record);
        (seq, fault, key_valid)
    };
    if endpoint == Endpoint::Control {
        return control(&shared, &method, &path, value);
    }
    let connection = connection.map(|Extension(c)| c);
    let answer = |response: Response, what: &str| {
        shared
            .lock()
            .answered(seq, Some(response.status().as_u16()), what);
        response
    };
    // The front end refuses an oversized body before anything else looks at it.
    if bytes.is_none() {
        return answer(
            errors::payload_too_large(limits.max_body_bytes, limits.oversize_status),
            "payloadTooLarge",
        );
    }
    let model_name = model_id.clone().unwrap_or_default();
    let mut delay = Duration::ZERO;
    if let Some(action) = &fault {
        match action {
            FaultAction::Delay { ms } => delay = Duration::from_millis(*ms),
            FaultAction::Hang { ms } => {
                hang(&shared, seq, *ms).await;
            }
            FaultAction::Reset => return reset(&shared, seq, connection).await,
            other => {
                if let Some(response) = errors::fault_response(other, &model_name) {
                    return answer(response, &fault_name(other));
                }
            }
        }
    }
    if endpoint == Endpoint::Other || method != Method::POST {
        return answer(errors::path_not_found(&path), "notFound");
    }
    if !key_valid {
        return answer(errors::api_key_invalid(), "invalidKey");
    }
    let version = api_version.unwrap_or_default();
    let Some(model) = models::find(&model_name) else {
        return answer(
            errors::model_not_found(&model_name, &version),
            "modelNotFound",
        );
    };
    let Some(value) = value else {
        let message = "Invalid JSON payload received. Unexpected token.";
        return answer(errors::bad_request("", message), "invalidArgument");
    };
    let validated = match request::validate(&value, model, &limits) {
        Ok(v) => v,
        Err(refusal) => return answer(*refusal, "invalidArgument"),
    };
    let prompt = payload.and_then(|p| p.prompt).unwrap_or_default();
    let scenario = match scenario_from_prompt(&prompt) {
        Ok(Some(s)) => s,
        Ok(None) => shared.lock().scenario.clone(),
        Err(message) => return answer(errors::invalid_argument(&message), "invalidArgument"),
    };
    tokio::time::sleep(delay + Duration::from_millis(scenario.latency_ms)).await;
    match &scenario.outcome {
        Outcome::Hang { ms } => hang(&shared, seq, *ms).await,
        Outcome::Reset => return reset(&shared, seq, connection).await,
        _ => {}
    }
    let what = outcome_name(&scenario);
    let built = {
        let shared = shared.clone();
        tokio::task::spawn_blocking(move || {
            let call = Call {
                model,
                request: &validated,
                scenario: &scenario,
            };
            serde_json::to_vec(&response::build(&shared, &call))
        })
        .await
    };
    match built {
        Ok(Ok(json)) => answer(errors::body(200, errors::JSON, json), &what),
        _ => answer(
            errors::google(
                500,
                "INTERNAL",
                "the fake could not build its answer",
                Vec::new(),
            ),
            "fakeError",
        ),
    }
}

/// Waits `ms`, or forever (the client gives up first; stopping the fake drops the connection).
async fn hang(shared: &Shared, seq: u64, ms: Option<u64>) {
    shared.lock().answered(seq, None, "hang");
    match ms {
        Some(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
        None => std::future::pending::<()>().await,
    }
}

/// Resets the connection; the returned answer is never sent.
async fn reset(shared: &Shared, seq: u64, connection: Option<ConnectionHandle>) -> Response {
    shared.lock().answered(seq, None, "reset");
    if let Some(connection) = connection {
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

fn outcome_name(scenario: &Scenario) -> String {
    serde_json::to_value(&scenario.outcome)
        .ok()
        .and_then(|v| v.get("kind").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "success".into())
}

fn fault_name(action: &FaultAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.get("kind").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "fault".into())
}

fn control(shared: &Shared, method: &Method, path: &str, body: Option<Value>) -> Response {
    let ok = || (StatusCode::OK, axum::Json(json!({ "ok": true }))).into_response();
    match (method.as_str(), path) {
        ("POST", "/__control/scenario") => {
            let request: ControlRequest = match serde_json::from_value(body.unwrap_or(json!({}))) {
                Ok(r) => r,
                Err(e) => {
                    return errors::invalid_argument(&format!("bad control request: {e}"));
                }
            };
            if let Some(Err(e)) = request.scenario.as_ref().map(Scenario::check) {
                return errors::invalid_argument(&e);
            }
            let mut state = shared.lock();
            if request.reset {
                state.reset();
            }
            if let Some(scenario) = request.scenario {
                state.scenario = scenario;
            }
            if let Some(limits) = request.limits {
                state.limits = limits;
            }
            state.faults.extend(request.faults);
            ok()
        }
        ("POST", "/__control/reset") => {
            shared.lock().reset();
            ok()
        }
        ("GET", "/__control/requests") => {
            let state = shared.lock();
            let body = json!({
                "requests": state.requests,
                "generateCount": state.generate_count(),
                "modelCounts": state.model_counts(),
                "pendingFaults": state.faults,
                "scenario": state.scenario,
                "limits": state.limits,
            });
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        _ => errors::path_not_found(path),
    }
}
