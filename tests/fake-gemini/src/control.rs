//! The `/__control/` endpoints (no key): what out-of-process tests use to set the scenario,
//! faults, limits and batch behaviour, move batches on, and read the request log.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::batch::scenario::BatchAdvance;
use crate::errors;
use crate::scenario::{ControlRequest, Scenario};
use crate::state::Shared;

pub fn control(shared: &Shared, method: &Method, path: &str, body: Option<Value>) -> Response {
    let ok = |body: Value| (StatusCode::OK, axum::Json(body)).into_response();
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
            if let Some(batch) = request.batch {
                // Timed batches catch up under the old scenario first.
                let scenario = state.scenario.clone();
                state.batches.refresh(&scenario);
                state.batches.scenario = batch;
            }
            state.faults.extend(request.faults);
            ok(json!({ "ok": true }))
        }
        ("POST", "/__control/reset") => {
            shared.lock().reset();
            ok(json!({ "ok": true }))
        }
        ("GET", "/__control/requests") => {
            let mut state = shared.lock();
            let scenario = state.scenario.clone();
            state.batches.refresh(&scenario);
            ok(json!({
                "requests": state.requests,
                "generateCount": state.generate_count(),
                "modelCounts": state.model_counts(),
                "endpointCounts": state.endpoint_counts(),
                "batchesCreated": state.batches.list.len(),
                "pendingFaults": state.faults,
                "scenario": state.scenario,
                "limits": state.limits,
                "batchScenario": state.batches.scenario,
            }))
        }
        ("GET", "/__control/batches") => {
            let mut state = shared.lock();
            let scenario = state.scenario.clone();
            state.batches.refresh(&scenario);
            let batches: Vec<_> = state.batches.list.iter().map(|b| b.info()).collect();
            ok(json!({
                "created": batches.len(),
                "batches": batches,
                "batchScenario": state.batches.scenario,
            }))
        }
        ("POST", "/__control/batches/advance") => {
            let advance: BatchAdvance = match serde_json::from_value(body.unwrap_or(json!({}))) {
                Ok(a) => a,
                Err(e) => return errors::invalid_argument(&format!("bad advance request: {e}")),
            };
            let mut state = shared.lock();
            let scenario = state.scenario.clone();
            match state.batches.advance(&advance, &scenario) {
                Ok(changed) => ok(json!({ "batches": changed })),
                Err(message) => errors::google(404, "NOT_FOUND", &message, Vec::new()),
            }
        }
        _ => errors::path_not_found(path),
    }
}
