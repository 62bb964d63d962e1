//! Google's error answers: the `{"error":{code,message,status,details}}` body with its typed
//! `details`, and the non-JSON answers a front end or proxy gives (`shared/notes/providers.md`
//! §2.4). Every answer the fake refuses with is built here.

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::scenario::FaultAction;

pub const JSON: &str = "application/json; charset=UTF-8";
const GOOGLE_RPC: &str = "type.googleapis.com/google.rpc.";
pub const API_KEY_INVALID: &str = "API key not valid. Please pass a valid API key.";
pub const OVERLOADED: &str = "The model is overloaded. Please try again later.";

/// `{"error":{...}}`; `details` is left out when empty, as Google does.
pub fn google(code: u16, status: &str, message: &str, details: Vec<Value>) -> Response {
    let mut error = json!({ "code": code, "message": message, "status": status });
    if !details.is_empty() {
        error["details"] = Value::Array(details);
    }
    body(code, JSON, json!({ "error": error }).to_string())
}

/// Any status, content type and body.
pub fn body(code: u16, content_type: &str, body: impl Into<Body>) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body.into()).into_response();
    if let Ok(value) = content_type.parse() {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

fn detail(kind: &str, fields: Value) -> Value {
    let mut value = json!({ "@type": format!("{GOOGLE_RPC}{kind}") });
    if let (Some(target), Value::Object(fields)) = (value.as_object_mut(), fields) {
        target.extend(fields);
    }
    value
}

/// 400 for a missing or wrong key (Google answers 400 here, not 401).
pub fn api_key_invalid() -> Response {
    google(
        400,
        "INVALID_ARGUMENT",
        API_KEY_INVALID,
        vec![
            detail(
                "ErrorInfo",
                json!({
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": { "service": "generativelanguage.googleapis.com" },
                }),
            ),
            detail(
                "LocalizedMessage",
                json!({ "locale": "en-US", "message": API_KEY_INVALID }),
            ),
        ],
    )
}

/// 404 for an unknown or retired model, with the API's own wording (`method`:
/// `generateContent`, `batchGenerateContent`).
pub fn model_not_found(model: &str, version: &str, method: &str) -> Response {
    google(
        404,
        "NOT_FOUND",
        &format!(
            "models/{model} is not found for API version {version}, or is not supported for \
             {method}. Call ListModels to see the list of available models and their \
             supported methods."
        ),
        Vec::new(),
    )
}

/// 404 for a batch that does not exist (or was deleted).
pub fn entity_not_found() -> Response {
    google(
        404,
        "NOT_FOUND",
        "Requested entity was not found.",
        Vec::new(),
    )
}

/// 404 for a path the API does not serve.
pub fn path_not_found(path: &str) -> Response {
    google(
        404,
        "NOT_FOUND",
        &format!("The requested URL {path} was not found on this server."),
        Vec::new(),
    )
}

/// 400 INVALID_ARGUMENT with a plain message.
pub fn invalid_argument(message: &str) -> Response {
    google(400, "INVALID_ARGUMENT", message, Vec::new())
}

/// 400 INVALID_ARGUMENT with a `google.rpc.BadRequest` naming the field, as the JSON payload
/// parser answers (`field` is the snake_case proto path, e.g. `generation_config.image_config`).
pub fn bad_request(field: &str, description: &str) -> Response {
    google(
        400,
        "INVALID_ARGUMENT",
        description,
        vec![detail(
            "BadRequest",
            // A top-level unknown name has no field path.
            if field.is_empty() {
                json!({ "fieldViolations": [{ "description": description }] })
            } else {
                json!({ "fieldViolations": [{ "field": field, "description": description }] })
            },
        )],
    )
}

/// The body-size refusal: the API's 400, or the front end's HTML 413.
pub fn payload_too_large(limit: u64, status: u16) -> Response {
    if status == 413 {
        return body(
            413,
            "text/html; charset=UTF-8",
            google_html(
                413,
                "Your client issued a request that was too large.",
                "That’s all we know.",
            ),
        );
    }
    invalid_argument(&format!(
        "Request payload size exceeds the limit: {limit} bytes."
    ))
}

/// The answer of a fault that is an answer on its own; `None` for delay, hang and reset.
pub fn fault_response(action: &FaultAction, model: &str) -> Option<Response> {
    Some(match action {
        FaultAction::RateLimited { daily, retry_delay } => rate_limited(*daily, retry_delay, model),
        FaultAction::QuotaNoDetails => google(
            429,
            "RESOURCE_EXHAUSTED",
            "Resource has been exhausted (e.g. check quota).",
            Vec::new(),
        ),
        FaultAction::Overloaded { capacity_exhausted } => {
            let details = if *capacity_exhausted {
                vec![detail(
                    "ErrorInfo",
                    json!({
                        "reason": "MODEL_CAPACITY_EXHAUSTED",
                        "domain": "generativelanguage.googleapis.com",
                        "metadata": { "model": model },
                    }),
                )]
            } else {
                Vec::new()
            };
            google(503, "UNAVAILABLE", OVERLOADED, details)
        }
        FaultAction::Internal => google(
            500,
            "INTERNAL",
            "An internal error has occurred. Please retry or report in \
             https://developers.generativeai.google/guide/troubleshooting",
            Vec::new(),
        ),
        FaultAction::DeadlineExceeded => google(
            504,
            "DEADLINE_EXCEEDED",
            "Deadline expired before operation could complete.",
            Vec::new(),
        ),
        FaultAction::PermissionDenied => google(
            403,
            "PERMISSION_DENIED",
            "The caller does not have permission",
            Vec::new(),
        ),
        FaultAction::Error {
            code,
            status,
            message,
            details,
        } => google(*code, status, message, details.clone()),
        FaultAction::Raw {
            status,
            content_type,
            body: text,
        } => body(*status, content_type, text.clone()),
        FaultAction::HtmlBadGateway => body(
            502,
            "text/html; charset=UTF-8",
            google_html(
                502,
                "The server encountered a temporary error and could not complete your request.",
                "Please try again in 30 seconds.",
            ),
        ),
        FaultAction::TruncatedJson { status } => {
            let full =
                json!({"candidates":[{"content":{"role":"model","parts":[{"text":"Here is"}]}}]});
            let text = full.to_string();
            let half = text.get(..text.len() / 2).unwrap_or_default().to_owned();
            body(*status, JSON, half)
        }
        FaultAction::Delay { .. } | FaultAction::Hang { .. } | FaultAction::Reset => return None,
    })
}

fn rate_limited(daily: bool, retry_delay: &Option<Option<String>>, model: &str) -> Response {
    let (quota_id, metric, default_delay) = if daily {
        (
            "GenerateRequestsPerDayPerProjectPerModel",
            "generativelanguage.googleapis.com/generate_requests_per_model_per_day",
            "3600s",
        )
    } else {
        (
            "GenerateRequestsPerMinutePerProjectPerModel",
            "generativelanguage.googleapis.com/generate_requests_per_model",
            "34s",
        )
    };
    let delay = match retry_delay {
        None => Some(default_delay.to_owned()),
        Some(given) => given.clone(),
    };
    // Batch get, list, cancel and delete name no model.
    let dimensions = if model.is_empty() {
        json!({ "location": "global" })
    } else {
        json!({ "location": "global", "model": model })
    };
    let mut details = vec![
        detail(
            "QuotaFailure",
            json!({ "violations": [{
                "quotaMetric": metric,
                "quotaId": quota_id,
                "quotaDimensions": dimensions,
                "quotaValue": if daily { "250" } else { "10" },
            }]}),
        ),
        detail(
            "Help",
            json!({ "links": [{
                "description": "Learn more about Gemini API quotas",
                "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
            }]}),
        ),
    ];
    if let Some(delay) = delay {
        details.push(detail("RetryInfo", json!({ "retryDelay": delay })));
    }
    let which_model = if model.is_empty() {
        String::new()
    } else {
        format!(", model: {model}")
    };
    let message = format!(
        "You exceeded your current quota, please check your plan and billing details. For more \
         information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n\
         * Quota exceeded for metric: {metric}, limit: {}{which_model}",
        if daily { 250 } else { 10 }
    );
    google(429, "RESOURCE_EXHAUSTED", &message, details)
}

/// The plain HTML page Google's front ends answer with.
fn google_html(code: u16, what: &str, more: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error {code} \
         (Server Error)!!1</title>\n  <a href=//www.google.com/><span id=logo \
         aria-label=Google></span></a>\n  <p><b>{code}.</b> <ins>That’s an error.</ins>\n  \
         <p>{what}  <ins>{more}</ins>\n"
    )
}
