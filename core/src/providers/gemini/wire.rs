//! Gemini's JSON: the `generateContent` request we send, and the answers we read — images in every
//! non-thought part, usage for the cost, and the reasons an answer has no image (a blocked prompt,
//! a withheld image, NO_IMAGE, text only) — plus its error envelope.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::providers::{GenerationRequest, ProviderError, Service};

/// Token counts of one call (`usageMetadata`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub prompt_tokens: u64,
    /// Image output tokens.
    pub image_tokens: u64,
    /// Text output tokens (the answer's text, not thoughts).
    pub text_tokens: u64,
    pub thought_tokens: u64,
}

impl Usage {
    /// USD of one call at `model`'s token prices (0 for flat prices).
    pub fn cost(&self, model: crate::catalog::Model) -> f64 {
        match model.info().price_basis {
            crate::catalog::PriceBasis::PerOutputToken {
                image_usd_per_million,
                text_usd_per_million,
                input_usd_per_million,
            } => {
                let per = |tokens: u64, rate: f64| tokens as f64 * rate / 1e6;
                crate::catalog::round_micro_usd(
                    per(self.image_tokens, image_usd_per_million)
                        + per(self.text_tokens + self.thought_tokens, text_usd_per_million)
                        + per(self.prompt_tokens, input_usd_per_million),
                )
            }
            _ => 0.0,
        }
    }
}

/// An input image for the call, from the library.
#[derive(Debug, Clone)]
pub struct InlineImage {
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// A successful call: the final images (thought images skipped), any text, and the usage.
#[derive(Debug, Clone, Default)]
pub struct GeminiAnswer {
    pub images: Vec<Vec<u8>>,
    /// The answer's non-thought parts exactly as sent (signatures, images base64), in order.
    pub parts: Vec<Value>,
    pub text: Option<String>,
    pub usage: Usage,
    /// USD, from the usage and the model's token prices (set by the client).
    pub cost: f64,
    /// Why no image came back, when none did: (kind, reason, message).
    empty: Option<Empty>,
}

#[derive(Debug, Clone)]
enum Empty {
    PromptBlocked {
        reason: String,
        message: Option<String>,
    },
    OutputBlocked {
        reason: String,
        message: Option<String>,
    },
    NoImage {
        reason: String,
    },
}

impl GeminiAnswer {
    /// An answer of text only, nothing blocked: the model asked or said something.
    pub fn is_text_only(&self) -> bool {
        self.images.is_empty() && self.empty.is_none() && self.text.is_some()
    }

    /// An answer without images becomes the typed error saying why, with what it still cost.
    pub fn check_images(&self, charged: f64) -> Result<(), ProviderError> {
        if !self.images.is_empty() {
            return Ok(());
        }
        Err(match self.empty.clone() {
            Some(Empty::PromptBlocked { reason, message }) => ProviderError::PromptBlocked {
                reason,
                message,
                charged,
            },
            Some(Empty::OutputBlocked { reason, message }) => ProviderError::OutputBlocked {
                reason,
                message,
                charged,
            },
            Some(Empty::NoImage { reason }) => ProviderError::NoImage {
                reason,
                text: self.text.clone(),
                charged,
            },
            None => ProviderError::NoImage {
                reason: if self.text.is_some() {
                    "TEXT_ONLY"
                } else {
                    "EMPTY"
                }
                .into(),
                text: self.text.clone(),
                charged,
            },
        })
    }
}

/// The request: a conversation's `contents` when given, else one user turn (the prompt first, then
/// the inputs inline); images (and text) back, at the size and aspect ratio asked for.
pub(super) fn request_body(
    req: &GenerationRequest,
    inputs: &[InlineImage],
    contents: Option<Vec<Value>>,
    encode: &dyn Fn(&[u8]) -> String,
) -> Value {
    let contents = contents.unwrap_or_else(|| single_turn(req, inputs, encode));
    let mut image_config = json!({ "imageSize": req.size.as_str() });
    if req.aspect_ratio != crate::providers::AspectRatio::Auto
        && let Some(obj) = image_config.as_object_mut()
    {
        obj.insert("aspectRatio".into(), json!(req.aspect_ratio.as_str()));
    }
    json!({
        "contents": contents,
        "generationConfig": {
            "responseModalities": ["TEXT", "IMAGE"],
            "imageConfig": image_config,
        },
    })
}

/// One user turn: the prompt, then the inputs inline, then public URLs.
fn single_turn(
    req: &GenerationRequest,
    inputs: &[InlineImage],
    encode: &dyn Fn(&[u8]) -> String,
) -> Vec<Value> {
    let mut parts = vec![json!({ "text": req.prompt })];
    for input in inputs {
        parts.push(
            json!({ "inlineData": { "mimeType": input.mime, "data": encode(&input.bytes) } }),
        );
    }
    for url in &req.image_urls {
        parts.push(json!({ "fileData": { "fileUri": url, "mimeType": mime_from_url(url) } }));
    }
    vec![json!({ "role": "user", "parts": parts })]
}

fn mime_from_url(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    if path.ends_with(".jpg") || path.ends_with(".jpeg") {
        "image/jpeg"
    } else if path.ends_with(".webp") {
        "image/webp"
    } else {
        "image/png"
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Answer {
    candidates: Vec<Candidate>,
    prompt_feedback: Option<PromptFeedback>,
    usage_metadata: Option<UsageMetadata>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Candidate {
    content: Option<Content>,
    finish_reason: Option<String>,
    finish_message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Content {
    parts: Option<Vec<Value>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct PromptFeedback {
    block_reason: Option<String>,
    block_reason_message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct UsageMetadata {
    prompt_token_count: u64,
    candidates_token_count: u64,
    thoughts_token_count: u64,
    candidates_tokens_details: Vec<ModalityCount>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ModalityCount {
    modality: String,
    token_count: u64,
}

/// Reads a 200 answer (blocking: base64 of a 4K image is decoded here).
pub(super) fn parse_answer(body: &[u8]) -> Result<GeminiAnswer, ProviderError> {
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        ProviderError::protocol(format!("Gemini's answer is not the documented JSON: {e}"))
    })?;
    let usage = answer.usage_metadata.map(usage_of).unwrap_or_default();
    let mut out = GeminiAnswer {
        usage,
        ..GeminiAnswer::default()
    };
    if let Some(feedback) = answer.prompt_feedback
        && let Some(reason) = feedback.block_reason
    {
        out.empty = Some(Empty::PromptBlocked {
            reason,
            message: feedback.block_reason_message,
        });
        return Ok(out);
    }
    let mut texts = Vec::new();
    let mut finish = None;
    for candidate in answer.candidates {
        finish = finish.or(candidate
            .finish_reason
            .clone()
            .map(|r| (r, candidate.finish_message)));
        for part in candidate.content.and_then(|c| c.parts).unwrap_or_default() {
            if part.get("thought").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            out.parts.push(part.clone());
            if let Some(text) = part.get("text").and_then(Value::as_str) {
                texts.push(text.to_owned());
            }
            let inline = part.get("inlineData").or_else(|| part.get("inline_data"));
            if let Some(data) = inline.and_then(|d| d.get("data")).and_then(Value::as_str) {
                out.images.push(decode_base64(data)?);
            }
        }
    }
    let text = texts.join("\n").trim().to_owned();
    out.text = (!text.is_empty()).then_some(text);
    if out.images.is_empty() {
        out.empty = finish.and_then(|(reason, message)| match reason.as_str() {
            "STOP" => None,
            "IMAGE_SAFETY"
            | "IMAGE_PROHIBITED_CONTENT"
            | "IMAGE_RECITATION"
            | "IMAGE_OTHER"
            | "SAFETY"
            | "PROHIBITED_CONTENT"
            | "BLOCKLIST"
            | "SPII"
            | "RECITATION" => Some(Empty::OutputBlocked { reason, message }),
            _ => Some(Empty::NoImage { reason }),
        });
    }
    Ok(out)
}

fn usage_of(u: UsageMetadata) -> Usage {
    let image: u64 = u
        .candidates_tokens_details
        .iter()
        .filter(|d| d.modality.eq_ignore_ascii_case("IMAGE"))
        .map(|d| d.token_count)
        .sum();
    Usage {
        prompt_tokens: u.prompt_token_count,
        image_tokens: image,
        text_tokens: u.candidates_token_count.saturating_sub(image),
        thought_tokens: u.thoughts_token_count,
    }
}

/// Standard or URL-safe base64, padding optional; anything else is not an image.
fn decode_base64(data: &str) -> Result<Vec<u8>, ProviderError> {
    let trimmed = data.trim().trim_end_matches('=');
    let padded = |s: &str| format!("{s}{}", "=".repeat((4 - s.len() % 4) % 4));
    STANDARD
        .decode(padded(trimmed))
        .or_else(|_| URL_SAFE.decode(padded(trimmed)))
        .map_err(|e| ProviderError::NotAnImage {
            message: format!("the image data in Gemini's answer is not valid base64 ({e})"),
        })
}

/// The error of a non-2xx answer (`{"error":{code,message,status,details}}`).
pub(super) fn error_of(
    status: u16,
    body: &[u8],
    model: &str,
    retry_header: Option<std::time::Duration>,
) -> ProviderError {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let error = value.get("error");
    let message = error
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
    let details: Vec<&Value> = error
        .and_then(|e| e.get("details"))
        .and_then(Value::as_array)
        .map(|d| d.iter().collect())
        .unwrap_or_default();
    let detail_of = |kind: &str| {
        details.iter().copied().find(|d| {
            d.get("@type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.ends_with(kind))
        })
    };
    let reason = detail_of("ErrorInfo")
        .and_then(|d| d.get("reason"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    match status {
        400 if message.contains("thought_signature") || message.contains("thought signature") => {
            ProviderError::ConversationRejected { message }
        }
        400 if reason == "API_KEY_INVALID" || message.contains("API key not valid") => {
            ProviderError::ApiKeyRejected {
                service: Service::Gemini,
                message,
            }
        }
        401 | 403 => ProviderError::ApiKeyRejected {
            service: Service::Gemini,
            message,
        },
        404 => ProviderError::ModelNotFound {
            model: model.to_owned(),
            message,
        },
        429 => {
            let daily = detail_of("QuotaFailure").is_some_and(|q| q.to_string().contains("PerDay"));
            if daily {
                return ProviderError::QuotaExhausted { message };
            }
            let delay = detail_of("RetryInfo")
                .and_then(|r| r.get("retryDelay"))
                .and_then(Value::as_str)
                .and_then(parse_duration)
                .or(retry_header);
            ProviderError::RateLimited {
                retry_after: delay,
                message,
            }
        }
        500 | 502 | 503 | 504 => ProviderError::Server {
            status,
            message,
            retryable: true,
        },
        400 | 422 => ProviderError::InvalidRequest { status, message },
        _ => ProviderError::Server {
            status,
            message,
            retryable: false,
        },
    }
}

/// A protobuf duration: `"34s"`, `"1.5s"`, `"0s"`.
fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let secs: f64 = text.trim().strip_suffix('s')?.parse().ok()?;
    (secs.is_finite() && secs >= 0.0)
        .then(|| std::time::Duration::from_secs_f64(secs.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_base64_variants() {
        assert_eq!(
            parse_duration("1.5s"),
            Some(std::time::Duration::from_millis(1500))
        );
        assert_eq!(parse_duration("0s"), Some(std::time::Duration::ZERO));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(decode_base64("aGk").unwrap(), b"hi");
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert!(decode_base64("not base64!").is_err());
    }
}
