//! The lenient summary of a request body that goes into the request log, so tests can assert what
//! a client sent: turns and part kinds in order, each part's text, image digest and signature (to
//! check that a later turn replays an earlier answer verbatim), inline images, image config,
//! modalities, echoed thought signatures. It reads whatever it can, also from bodies the fake
//! refused. Decoding and hashing images is blocking work: call it off the async runtime.

use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::fields::field;
use crate::request::decode_base64;

/// One inline image a request carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineImage {
    pub mime_type: Option<String>,
    /// Length of the base64 text.
    pub base64_chars: usize,
    /// Decoded size; `None` if the base64 was invalid.
    pub bytes: Option<usize>,
    /// The turn's role (`user`, `model`, or none).
    pub role: Option<String>,
}

/// One turn of the conversation: its role and the kind of each part in order
/// (`text`, `inlineData`, `fileData`, `thought` for a thought part, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnSummary {
    pub role: Option<String>,
    pub parts: Vec<String>,
}

/// One turn of the conversation with every part in full (images as digests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnDetail {
    pub role: Option<String>,
    pub parts: Vec<PartDetail>,
}

/// One part as sent: enough to tell whether it is an earlier answer's part replayed verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartDetail {
    /// As in [`TurnSummary::parts`]: `text`, `inlineData`, `fileData`, …, or `thought` for a
    /// part marked `"thought": true` (whatever it holds).
    pub kind: String,
    /// `"thought": true` was set.
    pub thought: bool,
    pub text: Option<String>,
    /// `inlineData.mimeType`.
    pub mime_type: Option<String>,
    /// Decoded size of `inlineData.data`; `None` if it was not base64.
    pub bytes: Option<usize>,
    /// Lowercase hex SHA-256 of the decoded `inlineData.data`.
    pub sha256: Option<String>,
    pub thought_signature: Option<String>,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a request body said, read leniently (also for bodies the fake refused).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayloadSummary {
    /// The first text part of the last turn.
    pub prompt: Option<String>,
    pub contents: Vec<TurnSummary>,
    /// The same turns with every part in full.
    pub turns: Vec<TurnDetail>,
    pub inline_images: Vec<InlineImage>,
    /// `generationConfig.imageConfig` as sent.
    pub image_config: Option<Value>,
    pub aspect_ratio: Option<String>,
    pub image_size: Option<String>,
    /// `generationConfig.responseModalities` as sent.
    pub response_modalities: Option<Vec<String>>,
    /// Every `thoughtSignature` the request carried (echoed from earlier answers).
    pub thought_signatures: Vec<String>,
    /// Some field was spelled snake_case.
    pub snake_case: bool,
}

/// Reads what it can from any JSON body.
pub fn summarize(body: &Value) -> PayloadSummary {
    let mut summary = PayloadSummary {
        snake_case: has_snake_key(body),
        ..PayloadSummary::default()
    };
    let contents = field(body, "contents", "contents").and_then(Value::as_array);
    for content in contents.into_iter().flatten() {
        let role = field(content, "role", "role")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut kinds = Vec::new();
        let mut details = Vec::new();
        let parts = field(content, "parts", "parts").and_then(Value::as_array);
        for part in parts.into_iter().flatten() {
            let kind = part_kind(part);
            let signature = field(part, "thoughtSignature", "thought_signature")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(sig) = &signature {
                summary.thought_signatures.push(sig.clone());
            }
            let mut detail = PartDetail {
                kind: kind.clone(),
                thought: part.get("thought").and_then(Value::as_bool) == Some(true),
                text: field(part, "text", "text")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                mime_type: None,
                bytes: None,
                sha256: None,
                thought_signature: signature,
            };
            if let Some(blob) = field(part, "inlineData", "inline_data") {
                let data = field(blob, "data", "data")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let decoded = decode_base64(data);
                detail.mime_type = field(blob, "mimeType", "mime_type")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                detail.bytes = decoded.as_ref().map(Vec::len);
                detail.sha256 = decoded.as_deref().map(sha256_hex);
                summary.inline_images.push(InlineImage {
                    mime_type: detail.mime_type.clone(),
                    base64_chars: data.len(),
                    bytes: detail.bytes,
                    role: role.clone(),
                });
            }
            kinds.push(kind);
            details.push(detail);
        }
        summary.prompt = parts
            .into_iter()
            .flatten()
            .find_map(|p| field(p, "text", "text").and_then(Value::as_str))
            .map(str::to_owned);
        summary.contents.push(TurnSummary {
            role: role.clone(),
            parts: kinds,
        });
        summary.turns.push(TurnDetail {
            role,
            parts: details,
        });
    }
    let config = field(body, "generationConfig", "generation_config");
    summary.image_config = config
        .and_then(|c| field(c, "imageConfig", "image_config"))
        .cloned();
    let image_setting = |camel, snake| {
        summary
            .image_config
            .as_ref()
            .and_then(|c| field(c, camel, snake))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    summary.aspect_ratio = image_setting("aspectRatio", "aspect_ratio");
    summary.image_size = image_setting("imageSize", "image_size");
    summary.response_modalities = config
        .and_then(|c| field(c, "responseModalities", "response_modalities"))
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect()
        });
    summary
}

fn part_kind(part: &Value) -> String {
    let object = part.as_object().cloned().unwrap_or_else(Map::new);
    if object.get("thought").and_then(Value::as_bool) == Some(true) {
        return "thought".into();
    }
    let names = [
        ("text", "text"),
        ("inlineData", "inline_data"),
        ("fileData", "file_data"),
        ("functionCall", "function_call"),
        ("functionResponse", "function_response"),
    ];
    names
        .iter()
        .find(|(c, s)| object.contains_key(*c) || object.contains_key(*s))
        .map_or_else(|| "other".into(), |(c, _)| (*c).to_owned())
}

fn has_snake_key(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('_') || has_snake_key(v)),
        Value::Array(items) => items.iter().any(has_snake_key),
        _ => false,
    }
}
