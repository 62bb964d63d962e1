//! How a test tells the fake what to do: a scenario for successful-looking answers (what the 200
//! holds, or that the connection hangs or breaks), a queue of faults for transient errors (in
//! `faults`), the server's limits, and how batches behave (in `batch::scenario`). All of it is
//! JSON (camelCase) so out-of-process tests can send it too.

use serde::{Deserialize, Serialize};

pub use crate::batch::scenario::BatchScenario;
pub use crate::faults::{Fault, FaultAction, Target};

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
    /// `thoughtSignature`s on the first text part and every final image (and on a text-only
    /// answer); default: the model's own habit (the Gemini 3 image models sign, 2.5 Flash does
    /// not, and `true` cannot make it). `false` imitates an answer that came back unsigned.
    pub signatures: Option<bool>,
    /// The answer waits this long.
    pub latency_ms: u64,
    /// The final text part; `None` uses a stock sentence. Left out for `responseModalities:
    /// ["IMAGE"]`.
    pub text: Option<String>,
    pub outcome: Outcome,
    /// Answer at this size tier (`512`, `1K`, `2K`, `4K`) whatever was asked.
    pub answer_size: Option<String>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            images: 1,
            mime: None,
            mime_lies: false,
            thoughts: None,
            thought_images: 1,
            signatures: None,
            latency_ms: 0,
            text: None,
            outcome: Outcome::Success,
            answer_size: None,
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
    /// Refuse model turns whose parts lack the `thoughtSignature` this fake issued, for the
    /// models that sign (the Gemini API's "Strict" validation for image generation and editing).
    pub enforce_signatures: bool,
    /// Largest `batchGenerateContent` body: the guide keeps inline batches under 20 MB.
    pub max_batch_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 100 * 1024 * 1024,
            oversize_status: 400,
            enforce_input_images: true,
            max_input_images: None,
            enforce_signatures: true,
            max_batch_bytes: 20 * 1024 * 1024,
        }
    }
}

/// What `POST /__control/scenario` accepts; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ControlRequest {
    /// Clear the scenario, faults, limits, batches and the request log first.
    pub reset: bool,
    /// The default scenario from now on (a prompt's `@fake{..}` still wins).
    pub scenario: Option<Scenario>,
    /// Appended to the fault queue.
    pub faults: Vec<Fault>,
    pub limits: Option<Limits>,
    /// How batches behave from now on.
    pub batch: Option<BatchScenario>,
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
