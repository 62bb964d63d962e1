//! How a test tells the fake what to do: a scenario for the tasks it creates, and faults for the
//! next matching requests. Both are JSON so out-of-process tests can send them too.

use serde::{Deserialize, Serialize};

/// How a task created by a submit behaves when polled and downloaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TaskScenario {
    /// Polls answered `successFlag: 0` before the final answer.
    pub pending_polls: u32,
    /// The final answer also waits until this many milliseconds after the submit.
    pub pending_ms: u64,
    pub outcome: Outcome,
    /// `errorMessage` for failed outcomes (a default is used when absent).
    pub error_message: Option<String>,
    pub error_code: Option<i64>,
    pub result_shape: ResultShape,
    /// What downloading this task's images does (every time); `None` serves a real PNG.
    pub image: Option<FaultAction>,
    /// Long side of the served PNG; default: the requested tier (1K → 1024, 2K → 2048, 4K → 4096,
    /// nano-banana → 1024).
    pub image_long_side: Option<u32>,
    /// Number of result images; default `numImages` (nano-banana) or 1.
    pub images: Option<u32>,
    /// What the result host serves (still under a `.png` URL, as hosts that convert results do).
    pub image_format: ImageFormat,
}

/// The encoding of the served result images.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ImageFormat {
    #[default]
    Png,
    Jpeg,
    /// Lossless WebP.
    Webp,
}

impl Default for TaskScenario {
    fn default() -> Self {
        Self {
            pending_polls: 0,
            pending_ms: 0,
            outcome: Outcome::Success,
            error_message: None,
            error_code: None,
            result_shape: ResultShape::Auto,
            image: None,
            image_long_side: None,
            images: None,
            image_format: ImageFormat::Png,
        }
    }
}

/// The final `successFlag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// successFlag 1.
    Success,
    /// successFlag 2.
    CreationFailed,
    /// successFlag 3 (e.g. content policy).
    GenerationFailed,
}

/// Where a successful `record-info` puts the result URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResultShape {
    /// `response.resultImageUrl` as a string for one image, an array for several.
    Auto,
    /// `response.resultImageUrl` always a string (the first image).
    String,
    /// `response.resultImageUrl` always an array.
    Array,
    /// `response.resultUrls` array, no `resultImageUrl`.
    ResultUrls,
    /// `resultImageUrl: null`, the URLs in `originImageUrl`.
    OriginOnly,
    /// `successFlag: 1` with an empty `response` (a broken answer).
    Empty,
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Target {
    /// Any of the three submit endpoints.
    Submit,
    Poll,
    Credit,
    /// Result image downloads.
    Image,
    Any,
}

/// A scripted answer for the next `times` requests matching `target` (and `task_id`, if given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub target: Target,
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests about this task (poll `taskId`, or image path).
    #[serde(default)]
    pub task_id: Option<String>,
    pub action: FaultAction,
}

fn one() -> u32 {
    1
}

impl Fault {
    pub fn new(target: Target, times: u32, action: FaultAction) -> Self {
        Self {
            target,
            times,
            task_id: None,
            action,
        }
    }
}

/// What the faulty answer is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FaultAction {
    /// That HTTP status with an envelope `{code, msg, data: null}` (`code` defaults to the
    /// status) and optionally a `Retry-After` header.
    Http {
        status: u16,
        #[serde(default)]
        code: Option<i64>,
        #[serde(default)]
        msg: Option<String>,
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// HTTP 200 whose envelope carries an error `code`.
    Envelope { code: i64, msg: String },
    /// HTTP 200, `application/json`, a body that is not JSON.
    MalformedJson,
    /// HTTP 200 envelope with fields missing: submit without `taskId`, poll with only
    /// `taskId`/`successFlag: 1`/`response.resultImageUrl`, credit with `data: null`.
    MissingFields,
    /// Any status, content type and body.
    Raw {
        status: u16,
        content_type: String,
        body: String,
    },
    /// Answers normally (the task is created first) after this many milliseconds.
    Delay { ms: u64 },
    /// Image: 404, as an expired result URL.
    NotFound,
    /// Image: `Content-Length` of the whole PNG, half the bytes, then the connection breaks.
    Truncated,
    /// Image: headers and 1 KiB, then nothing, forever.
    Stalled,
    /// Image: 200 `image/png` with an HTML body.
    NotImage,
    /// Image: `Content-Length: 10 GiB`, a few bytes, then nothing.
    HugeContentLength,
    /// Image: a valid PNG header claiming 100000 × 100000 pixels.
    HugeDimensions,
    /// Image: no `Content-Length`, bytes without end.
    Endless,
}

/// Submits answered 429 for a while, as by a service whose per-minute quota ran out: from the
/// submit after the first `after_submits`, every submit arriving within `window_ms` of the first
/// 429 is refused (no task is created), with `Retry-After` set to the seconds left in the window,
/// rounded up (or none at all).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RateLimitWindow {
    pub after_submits: u32,
    pub window_ms: u64,
    /// Send `Retry-After`; without it a client has only its own back-off to go by.
    pub retry_after: bool,
}

/// What `POST /__control/scenario` accepts; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ControlRequest {
    /// Clear tasks, faults, requests and the scenario first.
    pub reset: bool,
    /// The scenario of tasks created from now on.
    pub task: Option<TaskScenario>,
    /// Appended to the fault queue.
    pub faults: Vec<Fault>,
    /// The balance `GET /api/v1/common/credit` reports.
    pub credits: Option<f64>,
    /// What each image of a task submitted from now on takes from the balance.
    pub credits_per_image: Option<f64>,
    /// Refuse submits as rate limited for a while.
    pub rate_limit: Option<RateLimitWindow>,
}

/// Prompt prefix that selects a scenario for one task: `@fake{"outcome":"generationFailed"} a cat`.
pub const PROMPT_PREFIX: &str = "@fake";

/// The scenario named by a prompt's `@fake{...}` prefix: `Ok(None)` without a prefix.
pub fn scenario_from_prompt(prompt: &str) -> Result<Option<TaskScenario>, String> {
    let Some(rest) = prompt.trim_start().strip_prefix(PROMPT_PREFIX) else {
        return Ok(None);
    };
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<TaskScenario>();
    match values.next() {
        Some(Ok(s)) => Ok(Some(s)),
        Some(Err(e)) => Err(format!("bad @fake scenario in the prompt: {e}")),
        None => Err("@fake needs a JSON scenario right after it".into()),
    }
}
