//! Multi-turn editing over real HTTP (`shared/notes/editing.md` §1): `signing` has where the
//! Gemini 3 image models put thought signatures and what the request log shows of a replay,
//! `checks` the "Strict" check of model turns sent back. One binary, modules for the cases.

#[path = "../common/mod.rs"]
mod common;

mod checks;
mod signing;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use common::{Api, parts};

const CORRUPTED: &str = "Corrupted thought signature.";

/// The parts a client keeps for the model turn: the final (non-thought) ones, as received.
fn final_parts(answer: &Value) -> Vec<Value> {
    parts(answer)
        .into_iter()
        .filter(|p| p["thought"] != true)
        .collect()
}

fn user(text: &str) -> Value {
    json!({ "role": "user", "parts": [{ "text": text }] })
}

fn model(parts: Vec<Value>) -> Value {
    json!({ "role": "model", "parts": parts })
}

fn body(contents: Vec<Value>) -> Value {
    json!({ "contents": contents })
}

/// Lowercase hex SHA-256 of base64 `data`, as the request log writes it.
fn sha256(data_base64: &Value) -> String {
    let bytes = STANDARD.decode(data_base64.as_str().unwrap()).unwrap();
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sends `contents` and expects the 400 with `message`.
async fn refused(api: &Api, model_id: &str, contents: Vec<Value>, message: &str) {
    let (status, answer) = api.generate(model_id, &body(contents)).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(answer["error"]["message"], message);
}
