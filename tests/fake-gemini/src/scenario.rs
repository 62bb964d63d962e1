//! How a test tells the fake what to do: a scenario for successful-looking answers (what the 200
//! holds, or that the connection hangs or breaks), a queue of faults for transient errors, and the
//! server's limits. All of it is JSON (camelCase) so out-of-process tests can send it too.

use serde::{Deserialize, Deserializer, Serialize};

/// How a `generateContent` call that passed auth and validation is answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Scenario {
    /// Number of final image parts (the real model sometimes returns several).
    pub images: u32,
    /// `mimeType` of the final images instead of the model's own (`image/png` or `image/jpeg`).
    pub mime: Option<String>,
    /// The bytes are the other format than `mimeType` says (png ↔ jpeg).
    pub mime_lies: bool,
    /// Thought parts (interim text and image, `thoughtSignature`, `thoughtsTokenCount`); default:
    /// the model's own habit (Pro thinks; 3.1 Flash can when asked; 2.5 Flash never does).
    pub thoughts: Option<bool>,
    /// Interim `thought: true` images before the final one (the real models send up to 2).
    pub thought_images: u32,
    /// The answer waits this long.
    pub latency_ms: u64,
    /// The final text part; `None` uses a stock sentence. Left out for `responseModalities:
    /// ["IMAGE"]`.
    pub text: Option<String>,
    pub outcome: Outcome,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            images: 1,
            mime: None,
            mime_lies: false,
            thoughts: None,
            thought_images: 1,
            latency_ms: 0,
            text: None,
            outcome: Outcome::Success,
        }
    }
}

/// What the answer holds. `{"kind": "success"}`, `{"kind": "outputBlocked", ...}`, …
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// Text (unless image-only) and images, `finishReason: STOP`.
    Success,
    /// No `candidates`; `promptFeedback{blockReason, safetyRatings}`.
    PromptBlocked {
        #[serde(default = "safety")]
        block_reason: String,
    },
    /// One candidate without an image, `finishMessage`, `candidatesTokenCount: 0`, thinking billed.
    OutputBlocked {
        #[serde(default = "image_safety")]
        finish_reason: String,
        #[serde(default)]
        content_shape: ContentShape,
    },
    /// `finishReason: NO_IMAGE`, with a text part when `text` is given.
    NoImage {
        #[serde(default)]
        text: Option<String>,
    },
    /// `finishReason: STOP` and one text part: the model talked instead of drawing.
    TextOnly {
        #[serde(default = "here_is")]
        text: String,
    },
    /// `finishReason: MAX_TOKENS` and no parts.
    MaxTokens,
    /// The image part's `data` is not base64.
    BadBase64,
    /// The image part is valid base64 of bytes that are no image.
    NotAnImage,
    /// The image part is the first half of a PNG (`mimeType: image/png`).
    TruncatedPng,
    /// The image part is a valid, decodable image of about `bytes` bytes (before base64).
    HugeImage {
        #[serde(default = "twenty_megabytes")]
        bytes: u64,
    },
    /// Read the request, then never answer (or answer normally after `ms`).
    Hang {
        #[serde(default)]
        ms: Option<u64>,
    },
    /// Read the request, then close the connection without an answer.
    Reset,
}

/// Where an output block leaves the candidate's content (all three occur in the wild).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ContentShape {
    /// `"content": {"parts": null}` (as SDK dumps show it).
    PartsNull,
    /// No `content` key (proto JSON leaves out an empty message).
    #[default]
    NoContent,
    /// `"content": {"role": "model"}` and no `parts`.
    NoParts,
}

fn safety() -> String {
    "SAFETY".into()
}
fn image_safety() -> String {
    "IMAGE_SAFETY".into()
}
fn here_is() -> String {
    "Here is an image of what you asked for.".into()
}
fn twenty_megabytes() -> u64 {
    20 * 1024 * 1024
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Target {
    /// `:generateContent` calls.
    Generate,
    /// Anything but the control endpoints.
    Any,
}

/// A scripted answer for the next `times` requests matching `target` (and `model`, if given).
/// "503, 503, then 200" is one fault with `times: 2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    #[serde(default = "generate")]
    pub target: Target,
    #[serde(default = "one")]
    pub times: u32,
    /// Only calls to this model id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    pub action: FaultAction,
}

fn generate() -> Target {
    Target::Generate
}
fn one() -> u32 {
    1
}

impl Fault {
    pub fn new(times: u32, action: FaultAction) -> Self {
        Self {
            target: Target::Generate,
            times,
            model: None,
            action,
        }
    }
}

/// What the faulty answer is. Error bodies are Google's `{"error":{code,message,status,details}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FaultAction {
    /// 429 RESOURCE_EXHAUSTED with `QuotaFailure` and `RetryInfo`. `retryDelay` absent from the
    /// control JSON means "34s" (per minute) or "3600s" (daily); `null` leaves `RetryInfo` out.
    RateLimited {
        #[serde(default)]
        daily: bool,
        #[serde(
            default,
            deserialize_with = "present",
            skip_serializing_if = "Option::is_none"
        )]
        retry_delay: Option<Option<String>>,
    },
    /// 429 RESOURCE_EXHAUSTED "Resource has been exhausted (e.g. check quota)." with no details.
    QuotaNoDetails,
    /// 503 UNAVAILABLE "The model is overloaded. Please try again later.", optionally with
    /// `ErrorInfo{reason: MODEL_CAPACITY_EXHAUSTED}`.
    Overloaded {
        #[serde(default)]
        capacity_exhausted: bool,
    },
    /// 500 INTERNAL.
    Internal,
    /// 504 DEADLINE_EXCEEDED.
    DeadlineExceeded,
    /// 403 PERMISSION_DENIED.
    PermissionDenied,
    /// Any Google-shaped error: status, `status` name, message and `details` (default empty).
    Error {
        code: u16,
        status: String,
        message: String,
        #[serde(default)]
        details: Vec<serde_json::Value>,
    },
    /// Any status, content type and body, e.g. a proxy's HTML 502.
    Raw {
        status: u16,
        content_type: String,
        body: String,
    },
    /// A Google front end's HTML 502 page.
    HtmlBadGateway,
    /// `application/json` cut off halfway (status 200 unless given).
    TruncatedJson {
        #[serde(default = "ok_status")]
        status: u16,
    },
    /// The normal answer after `ms`.
    Delay { ms: u64 },
    /// Read the request, then never answer (or answer normally after `ms`).
    Hang {
        #[serde(default)]
        ms: Option<u64>,
    },
    /// Read the request, then close the connection.
    Reset,
}

fn ok_status() -> u16 {
    200
}

/// `Some(value)` for a field that is present, even as `null` (→ `Some(None)`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Limits the fake enforces, as the real API does; tests shrink them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Limits {
    /// Largest request body in bytes (the API's inline limit is 100 MB).
    pub max_body_bytes: u64,
    /// Status for a body over the limit: 400 (the API's JSON error) or 413 (the front end's page).
    pub oversize_status: u16,
    /// Refuse more inline images than the model accepts (the real API may degrade instead).
    pub enforce_input_images: bool,
    /// Overrides every model's most inline images.
    pub max_input_images: Option<u32>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 100 * 1024 * 1024,
            oversize_status: 400,
            enforce_input_images: true,
            max_input_images: None,
        }
    }
}

/// What `POST /__control/scenario` accepts; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ControlRequest {
    /// Clear the scenario, faults, limits and the request log first.
    pub reset: bool,
    /// The default scenario from now on (a prompt's `@fake{..}` still wins).
    pub scenario: Option<Scenario>,
    /// Appended to the fault queue.
    pub faults: Vec<Fault>,
    pub limits: Option<Limits>,
}

/// Prompt prefix that selects a scenario for one call: `@fake{"images":2} two cats`.
pub const PROMPT_PREFIX: &str = "@fake";

/// The scenario named by a prompt's `@fake{...}` prefix: `Ok(None)` without a prefix.
pub fn scenario_from_prompt(prompt: &str) -> Result<Option<Scenario>, String> {
    let Some(rest) = prompt.trim_start().strip_prefix(PROMPT_PREFIX) else {
        return Ok(None);
    };
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<Scenario>();
    let scenario = match values.next() {
        Some(Ok(s)) => s,
        Some(Err(e)) => return Err(format!("bad @fake scenario in the prompt: {e}")),
        None => return Err("@fake needs a JSON scenario right after it".into()),
    };
    scenario.check()?;
    Ok(Some(scenario))
}

impl Scenario {
    /// Refuses what the fake cannot produce.
    pub fn check(&self) -> Result<(), String> {
        match self.mime.as_deref() {
            None | Some("image/png" | "image/jpeg") => Ok(()),
            Some(other) => Err(format!(
                "the fake renders image/png or image/jpeg, not {other}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_absent_null_and_given_are_distinct() {
        let parse = |s: &str| serde_json::from_str::<FaultAction>(s).unwrap();
        let absent = parse(r#"{"kind":"rateLimited"}"#);
        let null = parse(r#"{"kind":"rateLimited","retryDelay":null}"#);
        let given = parse(r#"{"kind":"rateLimited","retryDelay":"1.5s","daily":true}"#);
        let delay = |a: FaultAction| match a {
            FaultAction::RateLimited { retry_delay, .. } => retry_delay,
            _ => unreachable!(),
        };
        assert_eq!(delay(absent), None);
        assert_eq!(delay(null), Some(None));
        assert_eq!(delay(given), Some(Some("1.5s".into())));
    }

    #[test]
    fn prompt_prefix_selects_a_scenario() {
        let s = scenario_from_prompt(r#"@fake{"outcome":{"kind":"maxTokens"}} a cat"#)
            .unwrap()
            .unwrap();
        assert_eq!(s.outcome, Outcome::MaxTokens);
        assert_eq!(scenario_from_prompt("a cat"), Ok(None));
        assert!(scenario_from_prompt("@fake{").is_err());
        assert!(scenario_from_prompt(r#"@fake{"mime":"image/gif"}"#).is_err());
    }
}
