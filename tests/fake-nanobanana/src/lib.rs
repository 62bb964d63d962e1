//! A fake Nano Banana API: a real HTTP server on 127.0.0.1 that follows the documented contract
//! (`shared/notes/nanobanana-api.md`) and misbehaves on request. See README.md for the scenario
//! controls.

mod api;
mod files;
pub mod scenario;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub use scenario::{
    ControlRequest, Fault, FaultAction, ImageFormat, Outcome, PROMPT_PREFIX, RateLimitWindow,
    ResultShape, Target, TaskScenario,
};
pub use state::{Endpoint, RecordedRequest};
use state::{Shared, State};

/// The key the fake accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "test-key";

/// A running fake. Dropping it stops accepting connections.
#[derive(Debug)]
pub struct FakeServer {
    base_url: String,
    addr: SocketAddr,
    shared: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeServer {
    /// Starts on a free port of 127.0.0.1 with [`DEFAULT_API_KEY`].
    pub async fn start() -> std::io::Result<FakeServer> {
        Self::start_on(0, DEFAULT_API_KEY).await
    }

    /// Starts on `127.0.0.1:port` (0 = any free port) accepting `api_key`.
    pub async fn start_on(port: u16, api_key: &str) -> std::io::Result<FakeServer> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let shared = Shared(Arc::new(Mutex::new(State::new(
            api_key.to_owned(),
            base_url.clone(),
        ))));
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("fake-nanobanana: server stopped: {e}");
            }
        });
        Ok(FakeServer {
            base_url,
            addr,
            shared,
            server,
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn api_key(&self) -> String {
        self.shared.lock().api_key.clone()
    }

    /// The scenario of tasks created from now on (a prompt's `@fake{..}` still wins).
    pub fn set_scenario(&self, scenario: TaskScenario) {
        self.shared.lock().scenario = scenario;
    }

    /// Refuses submits as rate limited for a while (see [`RateLimitWindow`]).
    pub fn set_rate_limit(&self, window: RateLimitWindow) {
        let mut state = self.shared.lock();
        state.rate_limit = Some(window);
        state.rate_limited_since = None;
    }

    /// The prompt of each task created so far (a job sent twice shows twice).
    pub fn task_prompts(&self) -> Vec<String> {
        self.shared
            .lock()
            .tasks
            .values()
            .map(|t| t.params["prompt"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Queues a fault for the next matching requests.
    pub fn push_fault(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Drops the faults not used up yet (tasks and requests stay).
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    pub fn set_credits(&self, credits: f64) {
        self.shared.lock().credits = credits;
    }

    /// What each image of a task submitted from now on takes from the balance.
    pub fn set_credits_per_image(&self, credits: f64) {
        self.shared.lock().credits_per_image = credits;
    }

    /// The balance now.
    pub fn credits(&self) -> f64 {
        self.shared.lock().credits
    }

    /// Forgets tasks, faults, requests and the scenario.
    pub fn reset(&self) {
        self.shared.lock().reset();
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Requests to any of the three submit endpoints.
    pub fn submit_count(&self) -> usize {
        self.shared.lock().submit_count()
    }

    /// `record-info` requests for this task.
    pub fn poll_count(&self, task_id: &str) -> usize {
        self.shared
            .lock()
            .poll_counts()
            .get(task_id)
            .copied()
            .unwrap_or(0)
    }

    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.shared.lock().count(endpoint)
    }

    /// All requests except control calls.
    pub fn api_request_count(&self) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.endpoint != Endpoint::Control)
            .count()
    }

    /// Ids of the tasks created so far, oldest first.
    pub fn task_ids(&self) -> Vec<String> {
        let state = self.shared.lock();
        let mut ids: Vec<_> = state.tasks.keys().cloned().collect();
        ids.sort_by_key(|id| {
            id.trim_start_matches("fake-task-")
                .parse::<u64>()
                .unwrap_or(0)
        });
        ids
    }
}

fn classify(method: &Method, path: &str) -> Endpoint {
    match (method.as_str(), path) {
        ("POST", "/api/v1/nanobanana/generate") => Endpoint::SubmitV1,
        ("POST", "/api/v1/nanobanana/generate-2") => Endpoint::Submit2,
        ("POST", "/api/v1/nanobanana/generate-pro") => Endpoint::SubmitPro,
        ("GET", "/api/v1/nanobanana/record-info") => Endpoint::Poll,
        ("GET", "/api/v1/common/credit") => Endpoint::Credit,
        ("GET", p) if p.starts_with("/files/") => Endpoint::Image,
        (_, p) if p.starts_with("/__control/") => Endpoint::Control,
        _ => Endpoint::Other,
    }
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn handle(
    AxumState(shared): AxumState<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query().map(str::to_owned);
    let endpoint = classify(&method, &path);
    let body_json: Option<Value> = serde_json::from_slice(&body).ok();
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let task_id = match endpoint {
        Endpoint::Poll => query_param(query.as_deref(), "taskId"),
        Endpoint::Image => files::parse_path(&path).map(|(t, _)| t),
        _ => None,
    };
    let fault = {
        let mut state = shared.lock();
        let auth_valid = auth == Some(format!("Bearer {}", state.api_key).as_str());
        let mut fault = state.take_fault(endpoint, task_id.as_deref());
        let mut fault_label = fault.as_ref().map(fault_name);
        if fault.is_none()
            && endpoint.is_submit()
            && auth_valid
            && let Some(retry_after) = state.rate_limited()
        {
            fault = Some(FaultAction::Http {
                status: 429,
                code: None,
                msg: None,
                retry_after: retry_after.map(|s| s.to_string()),
            });
            fault_label = Some("rateLimited".into());
        }
        let record = RecordedRequest {
            seq: state.requests.len() as u64,
            at_ms: state.started.elapsed().as_secs_f64() * 1000.0,
            endpoint,
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            body: body_json.clone(),
            auth_present: auth.is_some(),
            auth_valid,
            task_id: task_id.clone(),
            fault: fault_label,
        };
        state.requests.push(record);
        fault
    };
    if endpoint == Endpoint::Control {
        return control(&shared, &method, &path, body_json);
    }
    let mut delay = None;
    if let Some(action) = fault {
        match action {
            FaultAction::Delay { ms } => delay = Some(Duration::from_millis(ms)),
            FaultAction::MissingFields => {
                return api::missing_fields(&shared, endpoint, task_id.as_deref());
            }
            action if endpoint == Endpoint::Image => {
                return files::serve(&shared, &path, Some(action));
            }
            action => {
                if let Some(response) = fault_response(action, None) {
                    return response;
                }
            }
        }
    }
    let response = match endpoint {
        Endpoint::Image => files::serve(&shared, &path, None),
        Endpoint::Other => api::error(404, "Not found"),
        _ if auth != Some(format!("Bearer {}", shared.lock().api_key).as_str()) => api::error(
            401,
            "You do not have access permissions: invalid or missing API key",
        ),
        Endpoint::Poll => {
            let wrong = task_id.is_none() && query_param(query.as_deref(), "task_id").is_some();
            api::record_info(&shared, task_id.as_deref(), wrong)
        }
        Endpoint::Credit => api::credit(&shared),
        _ => api::submit(&shared, endpoint, body_json.as_ref()),
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    response
}

/// The answer of an API-style fault; `None` for faults that are not an answer on their own.
pub(crate) fn fault_response(action: FaultAction, _task: Option<&str>) -> Option<Response> {
    let response = match action {
        FaultAction::Http {
            status,
            code,
            msg,
            retry_after,
        } => {
            let msg = msg.unwrap_or_else(|| default_message(status).to_owned());
            let mut response =
                api::envelope(status, code.unwrap_or(i64::from(status)), &msg, Value::Null);
            if let Some(after) = retry_after.and_then(|a| a.parse().ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, after);
            }
            response
        }
        FaultAction::Envelope { code, msg } => api::envelope(200, code, &msg, Value::Null),
        FaultAction::MalformedJson => (
            StatusCode::OK,
            [("content-type", "application/json")],
            r#"{"code":200,"msg":"success","data":{"taskId":"#,
        )
            .into_response(),
        FaultAction::Raw {
            status,
            content_type,
            body,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, [("content-type", content_type)], body).into_response()
        }
        FaultAction::NotFound => api::error(404, "Not found"),
        FaultAction::Delay { .. } | FaultAction::MissingFields => return None,
        image_only => files::misbehave(image_only, &files::render_png(64, 64, 0)),
    };
    Some(response)
}

fn default_message(status: u16) -> &'static str {
    match status {
        400 => "Parameter error",
        401 => "You do not have access permissions",
        402 => "Insufficient credits",
        404 => "Task not found",
        422 => "Validation error",
        429 => "Too many requests",
        455 => "Service unavailable: under maintenance",
        500 => "Server error",
        501 => "Generation failed",
        505 => "Feature disabled",
        _ => "Error",
    }
}

fn fault_name(action: &FaultAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.get("kind").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "fault".into())
}

fn control(shared: &Shared, method: &Method, path: &str, body: Option<Value>) -> Response {
    match (method.as_str(), path) {
        ("POST", "/__control/scenario") => {
            let request: ControlRequest = match serde_json::from_value(body.unwrap_or(json!({}))) {
                Ok(r) => r,
                Err(e) => return api::error(400, &format!("bad control request: {e}")),
            };
            let mut state = shared.lock();
            if request.reset {
                state.reset();
            }
            if let Some(task) = request.task {
                state.scenario = task;
            }
            state.faults.extend(request.faults);
            if let Some(credits) = request.credits {
                state.credits = credits;
            }
            if let Some(rate) = request.credits_per_image {
                state.credits_per_image = rate;
            }
            if let Some(window) = request.rate_limit {
                state.rate_limit = Some(window);
                state.rate_limited_since = None;
            }
            api::envelope(200, 200, "success", Value::Null)
        }
        ("POST", "/__control/reset") => {
            shared.lock().reset();
            api::envelope(200, 200, "success", Value::Null)
        }
        ("GET", "/__control/requests") => {
            let state = shared.lock();
            let body = json!({
                "requests": state.requests,
                "submitCount": state.submit_count(),
                "pollCounts": state.poll_counts(),
                "creditCount": state.count(Endpoint::Credit),
                "imageCount": state.count(Endpoint::Image),
                "taskIds": state.tasks.keys().collect::<Vec<_>>(),
                "pendingFaults": state.faults,
            });
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        _ => api::error(404, "unknown control endpoint"),
    }
}
