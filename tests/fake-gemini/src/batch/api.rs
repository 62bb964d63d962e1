//! The Batch API endpoints for inline requests (`shared/notes/batch.md` §1.1–§1.2): create, get,
//! list, cancel, delete. A create is checked as the API checks it: a parser refusal anywhere
//! (unknown field, bad base64) fails the whole create with a 400, while a request the API's own
//! checks refuse (a ratio the model lacks, a missing thought signature, …) is still accepted and
//! finishes as that request's INVALID_ARGUMENT error. Every create mints a new batch, even for
//! the same body twice: the real one is not idempotent.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::response::Response;
use serde_json::{Value, json};

use super::results;
use super::scenario::{BatchCall, BatchRequestLog, BatchState};
use super::store::{Batch, Item};
use super::wire;
use crate::errors;
use crate::fields::{BATCH_REQUEST, Invalid, check_fields, field, type_error};
use crate::generate::check_signatures;
use crate::handler::Ctx;
use crate::models::{self, Model};
use crate::payload::{self, PayloadSummary};
use crate::request;
use crate::route::query_param;
use crate::scenario::scenario_from_prompt;
use crate::state::Endpoint;

/// Page size of a list that names none.
const DEFAULT_PAGE_SIZE: usize = 50;
const MAX_PAGE_SIZE: usize = 1000;

pub async fn handle(ctx: &Ctx, value: Option<Value>) -> Response {
    match ctx.endpoint {
        Endpoint::BatchCreate => create(ctx, value).await,
        Endpoint::BatchGet => get(ctx).await,
        Endpoint::BatchList => list(ctx).await,
        Endpoint::BatchCancel | Endpoint::BatchDelete => cancel_or_delete(ctx).await,
        _ => ctx.answer(errors::path_not_found(""), "notFound"),
    }
}

fn json_answer(value: &Value) -> Response {
    errors::body(200, errors::JSON, value.to_string())
}

/// One inline request after the parser's pass.
struct Inline {
    request: Value,
    metadata: Option<Value>,
    key: Option<String>,
}

async fn create(ctx: &Ctx, value: Option<Value>) -> Response {
    let Some(model) = models::find(&ctx.model) else {
        let refusal = errors::model_not_found(&ctx.model, &ctx.api_version, "batchGenerateContent");
        return ctx.answer(refusal, "modelNotFound");
    };
    let Some(value) = value else {
        let message = "Invalid JSON payload received. Unexpected token.";
        return ctx.answer(errors::bad_request("", message), "invalidArgument");
    };
    if ctx.body_bytes > ctx.limits.max_batch_bytes {
        let refusal = errors::payload_too_large(ctx.limits.max_batch_bytes, 400);
        return ctx.answer(refusal, "payloadTooLarge");
    }
    let (display_name, inline) = match read_create(&value) {
        Ok(read) => read,
        Err(refusal) => {
            let what = if refusal.status() == 501 {
                "unimplemented"
            } else {
                "invalidArgument"
            };
            return ctx.answer(*refusal, what);
        }
    };
    // Summarising decodes and hashes every image: blocking work.
    let requests: Vec<Value> = inline.iter().map(|i| i.request.clone()).collect();
    let summaries = tokio::task::spawn_blocking(move || {
        requests.iter().map(payload::summarize).collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    let mut items = Vec::new();
    let mut logged = Vec::new();
    for (inline, summary) in inline.into_iter().zip(summaries) {
        let accepted = accept(ctx, model, &inline.request, &summary);
        logged.push(BatchRequestLog {
            key: inline.key.clone(),
            payload: summary,
        });
        items.push(Item {
            metadata: inline.metadata,
            key: inline.key,
            accepted,
        });
    }
    let operation = {
        let mut state = ctx.shared.lock();
        let n = state.next_batch;
        state.next_batch += 1;
        let name = format!("batches/{}", batch_id(n));
        let progression = state.batches.scenario.progression;
        let seq = n;
        let batch = Batch::new(
            seq,
            name.clone(),
            display_name.clone(),
            model,
            items,
            progression,
        );
        let operation = wire::operation(&batch, state.batches.scenario.state_spelling, None);
        state.batches.list.push(batch);
        if let Some(record) = state.requests.iter_mut().find(|r| r.seq == ctx.seq) {
            record.batch = Some(BatchCall {
                name: Some(name),
                display_name: Some(display_name),
                requests: logged,
            });
        }
        operation
    };
    ctx.committed(json_answer(&operation), "batchCreated").await
}

/// The API's checks of one inline request: `Err` is the message its error result carries.
fn accept(
    ctx: &Ctx,
    model: &Model,
    request: &Value,
    summary: &PayloadSummary,
) -> Result<(request::Validated, Option<crate::scenario::Scenario>), String> {
    let validated = request::check_request(request, model, &ctx.limits).map_err(|i| i.message)?;
    check_signatures(&ctx.shared, summary, model, ctx.limits.enforce_signatures)
        .map_err(|v| v.message().to_owned())?;
    let prompt = summary.prompt.as_deref().unwrap_or_default();
    let own = scenario_from_prompt(prompt)?;
    Ok((validated, own))
}

/// The parser's pass over a create body and the fields the batch needs; `Err` is the refusal
/// (boxed: a `Response` is large).
fn read_create(body: &Value) -> Result<(String, Vec<Inline>), Box<Response>> {
    let refuse = |message: &str| Box::new(errors::invalid_argument(message));
    let parsed = |invalid: Box<Invalid>| Box::new(invalid.response());
    check_fields(body, BATCH_REQUEST, "").map_err(parsed)?;
    let Some(batch) = field(body, "batch", "batch") else {
        return Err(refuse(
            "* BatchGenerateContentRequest.batch: batch is not specified\n",
        ));
    };
    let display_name = match field(batch, "displayName", "display_name") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(parsed(type_error(
                "batch.display_name",
                "TYPE_STRING",
                other,
            )));
        }
    };
    if display_name.is_empty() {
        return Err(refuse(
            "* GenerateContentBatch.display_name: display_name is not specified\n",
        ));
    }
    let config = field(batch, "inputConfig", "input_config");
    if config
        .and_then(|c| field(c, "fileName", "file_name"))
        .is_some()
    {
        return Err(Box::new(errors::google(
            501,
            "UNIMPLEMENTED",
            "fake-gemini serves inline batches only: inputConfig.fileName is not implemented.",
            Vec::new(),
        )));
    }
    let requests = config
        .and_then(|c| field(c, "requests", "requests"))
        .and_then(|r| field(r, "requests", "requests"))
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            refuse(
                "* GenerateContentBatch.input_config: input_config.requests must not be empty.\n",
            )
        })?;
    let mut inline = Vec::new();
    for (i, item) in requests.iter().enumerate() {
        let at = format!("batch.input_config.requests.requests[{i}]");
        let Some(request) = field(item, "request", "request") else {
            return Err(refuse(&format!(
                "* {at}.request: request is not specified\n"
            )));
        };
        request::check_values(request, &format!("{at}.request.")).map_err(parsed)?;
        let metadata = field(item, "metadata", "metadata").cloned();
        if let Some(m) = metadata.as_ref().filter(|m| !m.is_object() && !m.is_null()) {
            return Err(parsed(type_error(
                &format!("{at}.metadata"),
                "TYPE_MESSAGE",
                m,
            )));
        }
        let key = metadata
            .as_ref()
            .and_then(|m| m.get("key"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        inline.push(Inline {
            request: request.clone(),
            metadata,
            key,
        });
    }
    Ok((display_name, inline))
}

async fn get(ctx: &Ctx) -> Response {
    let name = ctx.batch.clone().unwrap_or_default();
    let exists = {
        let mut state = ctx.shared.lock();
        let scenario = state.scenario.clone();
        state.batches.refresh(&scenario);
        state.batches.find(&name).is_some()
    };
    if !exists {
        return ctx.answer(errors::entity_not_found(), "notFound");
    }
    results::ensure(&ctx.shared, &name).await;
    let operation = {
        let mut state = ctx.shared.lock();
        let spelling = state.batches.scenario.state_spelling;
        match state.batches.find(&name) {
            Some(batch) => {
                wire::operation(batch, spelling, batch.results.as_deref().map(Vec::as_slice))
            }
            // Deleted while its results were being drawn.
            None => return ctx.answer(errors::entity_not_found(), "notFound"),
        }
    };
    ctx.committed(json_answer(&operation), "batch").await
}

async fn list(ctx: &Ctx) -> Response {
    let query = ctx.query.as_deref();
    let page_size = match query_param(query, "pageSize").or_else(|| query_param(query, "page_size"))
    {
        None => DEFAULT_PAGE_SIZE,
        Some(text) => match text.parse::<i64>() {
            Ok(0) => DEFAULT_PAGE_SIZE,
            Ok(n) if n > 0 => usize::try_from(n)
                .unwrap_or(MAX_PAGE_SIZE)
                .min(MAX_PAGE_SIZE),
            _ => {
                let refusal = type_error("page_size", "TYPE_INT32", &json!(text)).response();
                return ctx.answer(refusal, "invalidArgument");
            }
        },
    };
    // A token is the creation number of the last batch of the previous page: newer batches
    // created meanwhile do not shift the pages.
    let token = query_param(query, "pageToken").or_else(|| query_param(query, "page_token"));
    let before = match token.as_deref().filter(|t| !t.is_empty()) {
        None => u64::MAX,
        Some(t) => match t.strip_prefix("fk-").and_then(|n| n.parse::<u64>().ok()) {
            Some(n) => n,
            None => {
                let refusal = errors::invalid_argument("Invalid page token.");
                return ctx.answer(refusal, "invalidArgument");
            }
        },
    };
    let body = {
        let mut state = ctx.shared.lock();
        let scenario = state.scenario.clone();
        state.batches.refresh(&scenario);
        let spelling = state.batches.scenario.state_spelling;
        // Newest first.
        let mut visible: Vec<&Batch> = state
            .batches
            .list
            .iter()
            .filter(|b| !b.deleted && b.seq < before)
            .collect();
        visible.sort_by_key(|b| std::cmp::Reverse(b.seq));
        let page: Vec<Value> = visible
            .iter()
            .take(page_size)
            .map(|b| wire::operation(b, spelling, None))
            .collect();
        // Proto JSON leaves out an empty list: no batches is `{}`.
        let mut body = json!({});
        if !page.is_empty() {
            body["operations"] = Value::Array(page);
        }
        if visible.len() > page_size {
            body["nextPageToken"] = json!(format!("fk-{}", visible[page_size - 1].seq));
        }
        body
    };
    ctx.committed(json_answer(&body), "batchList").await
}

/// Cancel (best effort: a finished batch stays as it is) and delete (gone from get and list;
/// it does not cancel). Both answer `{}`.
async fn cancel_or_delete(ctx: &Ctx) -> Response {
    let name = ctx.batch.clone().unwrap_or_default();
    let found = {
        let mut state = ctx.shared.lock();
        let scenario = state.scenario.clone();
        state.batches.refresh(&scenario);
        let quirks = state.batches.scenario.clone();
        match state.batches.find(&name) {
            None => false,
            Some(batch) if ctx.endpoint == Endpoint::BatchDelete => {
                batch.deleted = true;
                true
            }
            Some(batch) => {
                if quirks.cancel_takes_effect {
                    batch.set_state(BatchState::Cancelled, &scenario, &quirks);
                }
                true
            }
        }
    };
    if !found {
        return ctx.answer(errors::entity_not_found(), "notFound");
    }
    let what = if ctx.endpoint == Endpoint::BatchDelete {
        "batchDeleted"
    } else {
        "batchCancelled"
    };
    ctx.committed(json_answer(&json!({})), what).await
}

/// A batch id: lowercase letters and digits like the real ones, unique by its number.
fn batch_id(n: u64) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    // splitmix64, so ids look unrelated to each other.
    let mut x = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(nanos);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    let mut tail = String::new();
    while x > 0 {
        let digit = (x % 36) as u32;
        tail.push(char::from_digit(digit, 36).unwrap_or('0'));
        x /= 36;
    }
    format!("fk{n:06}{tail}")
}
