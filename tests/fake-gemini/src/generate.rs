//! `generateContent` after the key check: model → payload → thought signatures, the way the API
//! checks them, then the answer the scenario asks for (or a hang, or a reset), which a fault
//! queued with `afterCommit` may still replace.

use std::time::Duration;

use axum::response::Response;
use serde_json::Value;

use crate::errors;
use crate::handler::Ctx;
use crate::models::{self, Model};
use crate::payload::PayloadSummary;
use crate::request;
use crate::response::{self, Call};
use crate::scenario::{Outcome, Scenario, scenario_from_prompt};
use crate::signatures::{self, Violation};
use crate::state::Shared;

pub async fn generate(
    ctx: &Ctx,
    value: Option<Value>,
    payload: Option<PayloadSummary>,
    delay: Duration,
) -> Response {
    let Some(model) = models::find(&ctx.model) else {
        let refusal = errors::model_not_found(&ctx.model, &ctx.api_version, "generateContent");
        return ctx.answer(refusal, "modelNotFound");
    };
    let Some(value) = value else {
        let message = "Invalid JSON payload received. Unexpected token.";
        return ctx.answer(errors::bad_request("", message), "invalidArgument");
    };
    let validated = match request::validate(&value, model, &ctx.limits) {
        Ok(v) => v,
        Err(invalid) => return ctx.answer(invalid.response(), "invalidArgument"),
    };
    let payload = payload.unwrap_or_default();
    if let Err(violation) =
        check_signatures(&ctx.shared, &payload, model, ctx.limits.enforce_signatures)
    {
        let refusal = errors::invalid_argument(violation.message());
        return ctx.answer(refusal, violation.answer());
    }
    let prompt = payload.prompt.unwrap_or_default();
    let scenario = match scenario_from_prompt(&prompt) {
        Ok(Some(s)) => s,
        Ok(None) => ctx.shared.lock().scenario.clone(),
        Err(message) => {
            return ctx.answer(errors::invalid_argument(&message), "invalidArgument");
        }
    };
    tokio::time::sleep(delay + Duration::from_millis(scenario.latency_ms)).await;
    match &scenario.outcome {
        Outcome::Hang { ms } => ctx.hang(*ms).await,
        Outcome::Reset => return ctx.reset().await,
        _ => {}
    }
    let what = outcome_name(&scenario);
    let built = {
        let shared = ctx.shared.clone();
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
        Ok(Ok(json)) => {
            ctx.committed(errors::body(200, errors::JSON, json), &what)
                .await
        }
        _ => ctx.answer(
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

/// The "Strict" signature rule, for the models that sign and unless the limits turn it off.
pub fn check_signatures(
    shared: &Shared,
    payload: &PayloadSummary,
    model: &Model,
    enforce: bool,
) -> Result<(), Violation> {
    if !enforce || !model.signs {
        return Ok(());
    }
    signatures::check(&payload.turns, model, &shared.lock().signatures)
}

fn outcome_name(scenario: &Scenario) -> String {
    serde_json::to_value(&scenario.outcome)
        .ok()
        .and_then(|v| v.get("kind").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "success".into())
}
