//! Thought signatures as the Gemini 3 image models use them: every one the fake hands out is
//! remembered with the model that issued it and what it was issued on (the text, or the SHA-256
//! of the image bytes), so a later request can be held to the "Strict" rule for image generation
//! and editing: a model turn must come back with its parts' signatures, unaltered, to the model
//! that made them (`shared/notes/editing.md` §1.2–§1.3, §1.7).

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::models::Model;
use crate::payload::TurnDetail;
use crate::state::Shared;

/// Values the docs let a client put where it has no signature (history the API did not make).
pub const VALIDATOR_SKIPS: &[&str] = &[
    "skip_thought_signature_validator",
    "context_engineering_is_the_way_to_go",
];

/// The real API's text for a signature it cannot verify.
pub const CORRUPTED: &str = "Corrupted thought signature.";

/// What a signature was issued on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    Text(String),
    /// Lowercase hex SHA-256 of the decoded image bytes.
    Image(String),
}

/// A signature the fake handed out.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The `modelVersion` of the model that answered (an alias signs as its target).
    pub model: &'static str,
    pub binding: Binding,
}

/// A fresh signature for part `index` of answer `response_id`, remembered for later checks.
pub fn issue(
    shared: &Shared,
    model: &Model,
    response_id: &str,
    index: usize,
    binding: Binding,
) -> String {
    let signature = STANDARD.encode(format!("fake-gemini:{response_id}:{index}"));
    let issued = Issued {
        model: model.version,
        binding,
    };
    shared.lock().signatures.insert(signature.clone(), issued);
    signature
}

/// Why a request's history was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A part that must carry a signature has none: the API's message, naming the part.
    Missing(String),
    /// A signature this fake never issued, issued by another model, or on other content.
    Corrupted,
}

impl Violation {
    pub fn message(&self) -> &str {
        match self {
            Violation::Missing(message) => message,
            Violation::Corrupted => CORRUPTED,
        }
    }

    /// The `answer` the request log records.
    pub fn answer(&self) -> &'static str {
        match self {
            Violation::Missing(_) => "thoughtSignatureMissing",
            Violation::Corrupted => "thoughtSignatureCorrupted",
        }
    }
}

/// Checks the model turns of a request for `model` (the caller decides whether the model and
/// the limits ask for it). In each model turn the first non-thought text part and every
/// non-thought image part must carry a signature, as the answers carry them; thought parts are
/// not checked (clients may drop or keep them). Any signature present on a non-thought part of
/// a model turn must be one this fake issued, by this model, on exactly this text or these
/// bytes. Positions in the message count from 1, as the API's do ("content position 2, part
/// position 1" is the first part of the first model turn after one user turn).
pub fn check(
    turns: &[TurnDetail],
    model: &Model,
    issued: &HashMap<String, Issued>,
) -> Result<(), Violation> {
    for (i, turn) in turns.iter().enumerate() {
        if turn.role.as_deref() != Some("model") {
            continue;
        }
        let mut text_seen = false;
        for (j, part) in turn.parts.iter().enumerate() {
            if part.thought {
                continue;
            }
            let (what, binding, required) = match part.kind.as_str() {
                "text" => {
                    let first = !text_seen;
                    text_seen = true;
                    let text = part.text.clone().unwrap_or_default();
                    ("Text", Binding::Text(text), first)
                }
                "inlineData" => {
                    let sha = part.sha256.clone().unwrap_or_default();
                    ("Image", Binding::Image(sha), true)
                }
                _ => continue,
            };
            match part.thought_signature.as_deref() {
                None if required => {
                    return Err(Violation::Missing(format!(
                        "{what} part is missing a thought_signature in content position {}, \
                         part position {}.",
                        i + 1,
                        j + 1
                    )));
                }
                None => {}
                Some(skip) if VALIDATOR_SKIPS.contains(&skip) => {}
                Some(signature) => match issued.get(signature) {
                    Some(known) if known.model == model.version && known.binding == binding => {}
                    _ => return Err(Violation::Corrupted),
                },
            }
        }
    }
    Ok(())
}
