//! The documented endpoints: three submits, record-info, credit. Each checks the bearer key and
//! validates like the real service, answering with the `{code, msg, data}` envelope.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::scenario::{Outcome, ResultShape, TaskScenario, scenario_from_prompt};
use crate::state::{Endpoint, Shared, Task, wall_clock_now};

const BASIC_RATIOS: [&str; 10] = [
    "1:1", "9:16", "16:9", "3:4", "4:3", "3:2", "2:3", "5:4", "4:5", "21:9",
];
const EXTRA_RATIOS: [&str; 4] = ["1:4", "1:8", "4:1", "8:1"];

/// `{code, msg, data}` with the HTTP status equal to `code` (200 for success).
pub fn envelope(status: u16, code: i64, msg: &str, data: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({ "code": code, "msg": msg, "data": data });
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

pub fn error(status: u16, msg: &str) -> Response {
    envelope(status, i64::from(status), msg, Value::Null)
}

fn ok(data: Value) -> Response {
    envelope(200, 200, "success", data)
}

pub fn submit(shared: &Shared, endpoint: Endpoint, body: Option<&Value>) -> Response {
    let Some(body) = body.filter(|b| b.is_object()) else {
        return error(400, "the request body must be a JSON object");
    };
    if let Err(msg) = validate(endpoint, body) {
        return error(400, &msg);
    }
    let prompt = body["prompt"].as_str().unwrap_or_default();
    let prompt_scenario = match scenario_from_prompt(prompt) {
        Ok(s) => s,
        Err(msg) => return error(400, &msg),
    };
    let mut state = shared.lock();
    if state.credits <= 0.0 {
        return error(402, "Insufficient credits");
    }
    let scenario = prompt_scenario.unwrap_or_else(|| state.scenario.clone());
    let id = format!("fake-task-{}", state.next_task);
    state.next_task += 1;
    let task = new_task(id.clone(), endpoint, body.clone(), scenario);
    // Like the service, the task's images are paid for when it is accepted.
    state.credits -= state.credits_per_image * f64::from(task.image_count);
    state.tasks.insert(id.clone(), task);
    ok(json!({ "taskId": id }))
}

fn validate(endpoint: Endpoint, b: &Value) -> Result<(), String> {
    let prompt = b["prompt"].as_str().map(str::trim).unwrap_or_default();
    if prompt.is_empty() {
        return Err("prompt is required".into());
    }
    let callback = b.get("callBackUrl").and_then(Value::as_str);
    let callback_ok =
        callback.is_some_and(|u| u.starts_with("http://") || u.starts_with("https://"));
    let image_urls = match b.get("imageUrls") {
        None | Some(Value::Null) => 0,
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => a.len(),
        Some(_) => return Err("imageUrls must be an array of URLs".into()),
    };
    match endpoint {
        Endpoint::SubmitV1 => {
            if !callback_ok {
                return Err("callBackUrl is required and must be a URL".into());
            }
            match b["type"].as_str() {
                Some("TEXTTOIAMGE") => {}
                Some("IMAGETOIAMGE") if image_urls == 0 => {
                    return Err("imageUrls is required for IMAGETOIAMGE".into());
                }
                Some("IMAGETOIAMGE") => {}
                _ => return Err("type must be TEXTTOIAMGE or IMAGETOIAMGE".into()),
            }
            if let Some(n) = b.get("numImages")
                && !n.as_u64().is_some_and(|n| (1..=4).contains(&n))
            {
                return Err("numImages must be between 1 and 4".into());
            }
            check_ratio(b.get("image_size"), "image_size", &BASIC_RATIOS, &[])?;
            if b.get("watermark")
                .is_some_and(|w| !w.is_string() && !w.is_null())
            {
                return Err("watermark must be a string".into());
            }
        }
        Endpoint::Submit2 => {
            if prompt.chars().count() > 20_000 {
                return Err("prompt must be at most 20000 characters".into());
            }
            if image_urls > 14 {
                return Err("imageUrls accepts at most 14 images".into());
            }
            check_ratio(
                b.get("aspectRatio"),
                "aspectRatio",
                &BASIC_RATIOS,
                &EXTRA_RATIOS,
            )?;
            check_resolution(b)?;
            if let Some(f) = b.get("outputFormat")
                && !matches!(f.as_str(), Some("png" | "jpg"))
            {
                return Err("outputFormat must be png or jpg".into());
            }
            if b.get("googleSearch").is_some_and(|g| !g.is_boolean()) {
                return Err("googleSearch must be a boolean".into());
            }
            if callback.is_some() && !callback_ok {
                return Err("callBackUrl must be a URL".into());
            }
        }
        Endpoint::SubmitPro => {
            if !callback_ok {
                return Err("callBackUrl is required and must be a URL".into());
            }
            if image_urls > 8 {
                return Err("imageUrls accepts at most 8 images".into());
            }
            check_ratio(b.get("aspectRatio"), "aspectRatio", &BASIC_RATIOS, &[])?;
            check_resolution(b)?;
        }
        _ => return Err("not a submit endpoint".into()),
    }
    Ok(())
}

fn check_ratio(
    v: Option<&Value>,
    field: &str,
    basic: &[&str],
    extra: &[&str],
) -> Result<(), String> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(());
    };
    let allowed = |r: &str| {
        basic.contains(&r) || extra.contains(&r) || (field == "aspectRatio" && r == "auto")
    };
    match v.as_str() {
        Some(r) if allowed(r) => Ok(()),
        _ => Err(format!("{field} is not a supported aspect ratio")),
    }
}

fn check_resolution(b: &Value) -> Result<(), String> {
    match b.get("resolution") {
        None | Some(Value::Null) => Ok(()),
        Some(v) if matches!(v.as_str(), Some("1K" | "2K" | "4K")) => Ok(()),
        Some(_) => Err("resolution must be 1K, 2K or 4K".into()),
    }
}

fn new_task(id: String, endpoint: Endpoint, params: Value, scenario: TaskScenario) -> Task {
    let ratio_field = if endpoint == Endpoint::SubmitV1 {
        "image_size"
    } else {
        "aspectRatio"
    };
    let aspect = params[ratio_field]
        .as_str()
        .and_then(|r| r.split_once(':'))
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or((1, 1));
    let tier = match params["resolution"].as_str() {
        Some("2K") => 2048,
        Some("4K") => 4096,
        _ => 1024,
    };
    let requested = if endpoint == Endpoint::SubmitV1 {
        params["numImages"].as_u64().map_or(1, |n| n as u32)
    } else {
        1
    };
    Task {
        id,
        endpoint,
        long_side: scenario.image_long_side.unwrap_or(tier),
        image_count: scenario.images.unwrap_or(requested).max(1),
        aspect,
        params,
        scenario,
        created: std::time::Instant::now(),
        created_wall: wall_clock_now(),
        completed_wall: None,
        polls: 0,
    }
}

/// `record-info`. `task_id` is the `taskId` query parameter; `wrong_param` is true when only the
/// common mistake `task_id` was sent (the service answers that with code 500).
pub fn record_info(shared: &Shared, task_id: Option<&str>, wrong_param: bool) -> Response {
    let Some(task_id) = task_id.filter(|t| !t.is_empty()) else {
        return if wrong_param {
            error(500, "taskId is required")
        } else {
            error(400, "taskId is required")
        };
    };
    let mut state = shared.lock();
    let base = state.base_url.clone();
    let Some(task) = state.tasks.get_mut(task_id) else {
        return error(404, "Task not found");
    };
    task.polls += 1;
    let s = &task.scenario;
    let pending = task.polls <= s.pending_polls
        || task.created.elapsed().as_millis() < u128::from(s.pending_ms);
    let flag = match (pending, s.outcome) {
        (true, _) => 0,
        (false, Outcome::Success) => 1,
        (false, Outcome::CreationFailed) => 2,
        (false, Outcome::GenerationFailed) => 3,
    };
    if flag != 0 && task.completed_wall.is_none() {
        task.completed_wall = Some(wall_clock_now());
    }
    let urls: Vec<String> = (0..task.image_count)
        .map(|i| format!("{base}/files/{}/{i}.png", task.id))
        .collect();
    let response = if flag == 1 {
        result_response(s.result_shape, &urls)
    } else {
        Value::Null
    };
    let (code, message) = match flag {
        2 => (
            s.error_code.unwrap_or(400),
            s.error_message
                .clone()
                .unwrap_or_else(|| "Task creation failed".into()),
        ),
        3 => (
            s.error_code.unwrap_or(400),
            s.error_message
                .clone()
                .unwrap_or_else(|| "Your prompt was flagged by the content policy".into()),
        ),
        _ => (0, String::new()),
    };
    let mut data = json!({
        "taskId": task.id,
        "paramJson": task.params.to_string(),
        "createTime": task.created_wall,
        "completeTime": task.completed_wall,
        "response": response,
        "successFlag": flag,
        "errorCode": if flag >= 2 { json!(code) } else { Value::Null },
        "errorMessage": if flag >= 2 { json!(message) } else { Value::Null },
    });
    if task.endpoint == Endpoint::Submit2 {
        data["operationType"] = json!("nanobanana-2");
    }
    ok(data)
}

fn result_response(shape: ResultShape, urls: &[String]) -> Value {
    let first = urls.first().cloned().unwrap_or_default();
    match shape {
        ResultShape::Auto if urls.len() == 1 => {
            json!({ "resultImageUrl": first, "originImageUrl": null })
        }
        ResultShape::Auto | ResultShape::Array => {
            json!({ "resultImageUrl": urls, "originImageUrl": null })
        }
        ResultShape::String => json!({ "resultImageUrl": first, "originImageUrl": null }),
        ResultShape::ResultUrls => json!({ "resultUrls": urls }),
        ResultShape::OriginOnly if urls.len() == 1 => {
            json!({ "resultImageUrl": null, "originImageUrl": first })
        }
        ResultShape::OriginOnly => json!({ "resultImageUrl": null, "originImageUrl": urls }),
        ResultShape::Empty => json!({}),
    }
}

pub fn credit(shared: &Shared) -> Response {
    ok(json!(shared.lock().credits))
}

/// The "missing fields" answers: just enough to be an envelope.
pub fn missing_fields(shared: &Shared, endpoint: Endpoint, task_id: Option<&str>) -> Response {
    match endpoint {
        Endpoint::Poll => {
            let base = shared.lock().base_url.clone();
            let id = task_id.unwrap_or_default();
            ok(json!({
                "taskId": id,
                "successFlag": 1,
                "response": { "resultImageUrl": format!("{base}/files/{id}/0.png") },
            }))
        }
        Endpoint::Credit => ok(Value::Null),
        _ => ok(json!({})),
    }
}
