//! One job's turn as stored: JSON kept in `jobs.conversation`. Parts are kept in the API's own
//! shape (camelCase or snake_case, whichever the model sent) with one change: an image's base64
//! `data` is replaced by the `sha256` of its bytes, which are the library's content-addressed
//! original (or input). Everything else — signatures, text, unknown fields — stays verbatim,
//! because the model checks its own signatures on replay.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::catalog::Model;
use crate::{CoreError, Result};

/// The format version written; a newer one is read as "no conversation" (a new one starts).
const VERSION: u32 = 1;

/// A Gemini job's turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub v: u32,
    /// The model that answers (a turn is only replayed to the same model).
    pub model: Model,
    /// The job whose turn this one follows; `None` starts a conversation.
    #[serde(default)]
    pub continues: Option<String>,
    /// Names of the job's input images, in order (`Some("Mira")` for a reference), so the user
    /// turn can say which image is which.
    #[serde(default)]
    pub labels: Vec<Option<String>>,
    /// The user turn as sent (empty until the job is sent).
    #[serde(default)]
    pub user: Vec<Value>,
    /// The model's answer (non-thought parts); `None` until it came.
    #[serde(default)]
    pub answer: Option<Vec<Value>>,
}

impl Turn {
    /// A turn of `model` not sent yet.
    pub fn new(model: Model, continues: Option<String>, labels: Vec<Option<String>>) -> Self {
        Self {
            v: VERSION,
            model,
            continues,
            labels,
            user: Vec::new(),
            answer: None,
        }
    }

    /// The stored turn of a job, if it has one this version can read.
    pub fn parse(json: Option<&str>) -> Option<Turn> {
        let turn: Turn = serde_json::from_str(json?).ok()?;
        (turn.v == VERSION).then_some(turn)
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| CoreError::Internal(e.to_string()))
    }

    /// The SHA-256 of every image the model answered with, in order.
    pub fn answer_images(&self) -> Vec<String> {
        self.answer
            .iter()
            .flatten()
            .filter_map(|p| {
                inline_of(p)
                    .and_then(|d| d.get("sha256"))
                    .and_then(Value::as_str)
            })
            .map(str::to_owned)
            .collect()
    }

    /// Every image this turn refers to (user and answer), for making sure they are on disk.
    pub fn all_images(&self) -> Vec<String> {
        self.user
            .iter()
            .chain(self.answer.iter().flatten())
            .filter_map(|p| {
                inline_of(p)
                    .and_then(|d| d.get("sha256"))
                    .and_then(Value::as_str)
            })
            .map(str::to_owned)
            .collect()
    }
}

/// The answer's text (what a text-only answer asked or said), if any.
pub fn answer_text_of(parts: &[Value]) -> Option<String> {
    let text: Vec<&str> = parts
        .iter()
        .filter_map(|p| p.get("text").and_then(Value::as_str))
        .collect();
    let joined = text.join("\n").trim().to_owned();
    (!joined.is_empty()).then_some(joined)
}

/// `inlineData` (or `inline_data`) of a part.
fn inline_of(part: &Value) -> Option<&Value> {
    part.get("inlineData").or_else(|| part.get("inline_data"))
}

fn inline_key(part: &Value) -> Option<&'static str> {
    if part.get("inlineData").is_some() {
        Some("inlineData")
    } else if part.get("inline_data").is_some() {
        Some("inline_data")
    } else {
        None
    }
}

/// The stored form of a part as sent or received, and the decoded bytes of its image if it has
/// one (the caller checks they are in the library).
pub fn stored_part(part: &Value) -> Result<(Value, Option<Vec<u8>>)> {
    let Some(key) = inline_key(part) else {
        return Ok((part.clone(), None));
    };
    let mut out = part.clone();
    let Some(inline) = out.get_mut(key).and_then(Value::as_object_mut) else {
        return Err(bad("an image part without its data"));
    };
    let Some(Value::String(data)) = inline.remove("data") else {
        // Already stored (a sha256 reference): kept as it is.
        if inline.get("sha256").is_some() {
            return Ok((out, None));
        }
        return Err(bad("an image part without its data"));
    };
    let bytes = decode_base64(&data)?;
    inline.insert("sha256".into(), Value::String(sha256_of(&bytes)));
    Ok((out, Some(bytes)))
}

/// The part as the API takes it: a stored image's bytes (found by `bytes_of` from its SHA-256)
/// back in `data`, base64, unchanged.
pub fn wire_part(part: &Value, bytes_of: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<Value> {
    let Some(key) = inline_key(part) else {
        return Ok(part.clone());
    };
    let mut out = part.clone();
    let Some(inline) = out.get_mut(key).and_then(Value::as_object_mut) else {
        return Err(bad("an image part without its data"));
    };
    let Some(Value::String(sha)) = inline.remove("sha256") else {
        return Ok(part.clone());
    };
    let bytes = bytes_of(&sha).ok_or_else(|| {
        CoreError::NotFound(format!(
            "an image of this conversation (SHA-256 {}) is not in the library",
            &sha[..sha.len().min(12)]
        ))
    })?;
    inline.insert("data".into(), Value::String(STANDARD.encode(bytes)));
    Ok(out)
}

/// A user part holding image bytes already in the library (`mime` sniffed from the bytes).
pub fn image_ref(sha256: &str, mime: &str) -> Value {
    let mut inline = Map::new();
    inline.insert("mimeType".into(), Value::String(mime.to_owned()));
    inline.insert("sha256".into(), Value::String(sha256.to_owned()));
    serde_json::json!({ "inlineData": inline })
}

pub fn sha256_of(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Standard or URL-safe base64, padding optional.
fn decode_base64(data: &str) -> Result<Vec<u8>> {
    let trimmed = data.trim().trim_end_matches('=');
    let padded = format!("{trimmed}{}", "=".repeat((4 - trimmed.len() % 4) % 4));
    STANDARD
        .decode(&padded)
        .or_else(|_| URL_SAFE.decode(&padded))
        .map_err(|e| bad(&format!("an image part is not valid base64 ({e})")))
}

fn bad(what: &str) -> CoreError {
    CoreError::Internal(format!("conversation: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_answer_part_round_trips_with_its_signature_and_bytes() {
        let bytes = b"\x89PNG not really".to_vec();
        let part = json!({
            "inlineData": {"mimeType": "image/png", "data": STANDARD.encode(&bytes)},
            "thoughtSignature": "SIG_B",
            "somethingNew": 7
        });
        let (stored, decoded) = stored_part(&part).unwrap();
        assert_eq!(decoded.as_deref(), Some(bytes.as_slice()));
        assert_eq!(stored["inlineData"]["sha256"], sha256_of(&bytes));
        assert!(stored["inlineData"].get("data").is_none());
        assert_eq!(stored["thoughtSignature"], "SIG_B");
        let back = wire_part(&stored, &|sha| {
            (sha == sha256_of(&bytes)).then(|| bytes.clone())
        })
        .unwrap();
        assert_eq!(back, part, "verbatim after the round trip");
        let missing = wire_part(&stored, &|_| None).unwrap_err();
        assert_eq!(missing.kind(), crate::ErrorKind::NotFound);
    }

    #[test]
    fn snake_case_parts_keep_their_spelling_and_text_passes_through() {
        let part = json!({"inline_data": {"mime_type": "image/jpeg", "data": "aGk"}});
        let (stored, bytes) = stored_part(&part).unwrap();
        assert_eq!(bytes.as_deref(), Some(&b"hi"[..]));
        assert!(stored["inline_data"]["sha256"].is_string());
        let text = json!({"text": "Here is…", "thoughtSignature": "SIG_A"});
        assert_eq!(stored_part(&text).unwrap(), (text.clone(), None));
        assert_eq!(answer_text_of(&[text]), Some("Here is…".into()));
    }

    #[test]
    fn a_turn_of_a_newer_format_is_not_read() {
        let turn = Turn::new(Model::Gemini3ProImage, None, vec![]);
        let json = turn.to_json().unwrap();
        assert_eq!(Turn::parse(Some(&json)), Some(turn));
        assert_eq!(Turn::parse(Some(&json.replace("\"v\":1", "\"v\":2"))), None);
        assert_eq!(Turn::parse(Some("not json")), None);
    }
}
