//! What the fake remembers: tasks, the scenario, pending faults, and every request it saw.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::scenario::{Fault, FaultAction, RateLimitWindow, Target, TaskScenario};

/// Which endpoint a request hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Endpoint {
    SubmitV1,
    Submit2,
    SubmitPro,
    Poll,
    Credit,
    Image,
    Control,
    Other,
}

impl Endpoint {
    pub fn is_submit(self) -> bool {
        matches!(
            self,
            Endpoint::SubmitV1 | Endpoint::Submit2 | Endpoint::SubmitPro
        )
    }

    fn matches(self, target: Target) -> bool {
        match target {
            Target::Submit => self.is_submit(),
            Target::Poll => self == Endpoint::Poll,
            Target::Credit => self == Endpoint::Credit,
            Target::Image => self == Endpoint::Image,
            Target::Any => !matches!(self, Endpoint::Control | Endpoint::Other),
        }
    }
}

/// One request as the fake received it.
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
    pub query: Option<String>,
    /// The body, if it was JSON.
    pub body: Option<Value>,
    /// An `Authorization` header was sent.
    pub auth_present: bool,
    /// It was `Bearer <the right key>`.
    pub auth_valid: bool,
    /// The task the request is about (poll `taskId`, image path).
    pub task_id: Option<String>,
    /// Name of the fault that answered it, if any.
    pub fault: Option<String>,
}

/// A task the fake created.
#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    pub endpoint: Endpoint,
    pub params: Value,
    pub scenario: TaskScenario,
    pub created: Instant,
    pub created_wall: String,
    pub completed_wall: Option<String>,
    pub polls: u32,
    /// Long side and aspect of the result images.
    pub long_side: u32,
    pub aspect: (u32, u32),
    pub image_count: u32,
}

#[derive(Debug)]
pub struct State {
    pub api_key: String,
    /// `http://127.0.0.1:PORT`, for the result URLs.
    pub base_url: String,
    pub started: Instant,
    pub credits: f64,
    /// What each image a task makes takes from `credits` when it is submitted (0: nothing).
    pub credits_per_image: f64,
    pub scenario: TaskScenario,
    pub faults: Vec<Fault>,
    pub tasks: HashMap<String, Task>,
    pub requests: Vec<RecordedRequest>,
    pub next_task: u64,
    pub png_cache: HashMap<(String, u32), Arc<Vec<u8>>>,
    pub rate_limit: Option<RateLimitWindow>,
    /// When the rate limit's window opened (its first 429).
    pub rate_limited_since: Option<Instant>,
}

impl State {
    pub fn new(api_key: String, base_url: String) -> Self {
        Self {
            api_key,
            base_url,
            started: Instant::now(),
            credits: 100.0,
            credits_per_image: 0.0,
            scenario: TaskScenario::default(),
            faults: Vec::new(),
            tasks: HashMap::new(),
            requests: Vec::new(),
            next_task: 1,
            png_cache: HashMap::new(),
            rate_limit: None,
            rate_limited_since: None,
        }
    }

    pub fn reset(&mut self) {
        let fresh = State::new(
            std::mem::take(&mut self.api_key),
            std::mem::take(&mut self.base_url),
        );
        *self = State {
            started: self.started,
            ..fresh
        };
    }

    /// Takes one use of the first fault matching this request.
    pub fn take_fault(&mut self, endpoint: Endpoint, task_id: Option<&str>) -> Option<FaultAction> {
        let index = self.faults.iter().position(|f| {
            endpoint.matches(f.target)
                && f.times > 0
                && f.task_id.as_deref().is_none_or(|id| Some(id) == task_id)
        })?;
        let fault = &mut self.faults[index];
        fault.times -= 1;
        let action = fault.action.clone();
        if fault.times == 0 {
            self.faults.remove(index);
        }
        Some(action)
    }

    /// Whether this submit (not yet recorded) falls in the rate limit's window: `Some(seconds
    /// for Retry-After, if sent)`.
    pub fn rate_limited(&mut self) -> Option<Option<u64>> {
        let window = self.rate_limit.clone()?;
        if self.submit_count() < window.after_submits as usize {
            return None;
        }
        let now = Instant::now();
        let since = *self.rate_limited_since.get_or_insert(now);
        let end = since + std::time::Duration::from_millis(window.window_ms);
        let left = end.checked_duration_since(now).filter(|d| !d.is_zero())?;
        let secs = left.as_millis().div_ceil(1000) as u64;
        Some(window.retry_after.then_some(secs))
    }

    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.requests
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .count()
    }

    pub fn submit_count(&self) -> usize {
        self.requests
            .iter()
            .filter(|r| r.endpoint.is_submit())
            .count()
    }

    pub fn poll_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for r in &self.requests {
            if let (Endpoint::Poll, Some(id)) = (r.endpoint, &r.task_id) {
                *counts.entry(id.clone()).or_default() += 1;
            }
        }
        counts
    }
}

/// The state shared by the handlers and the [`crate::FakeServer`] handle.
#[derive(Debug, Clone)]
pub struct Shared(pub Arc<Mutex<State>>);

impl Shared {
    /// The lock; a handler that panicked while holding it does not poison the fake for others.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `2025-01-15 10:30:00`-style UTC time, the shape the service's examples use.
pub fn wall_clock_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
