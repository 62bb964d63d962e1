//! The HTTP 200 bodies: a successful candidate with text, thought parts and real images, the
//! "200 but no image" shapes (prompt blocked, output blocked, NO_IMAGE, text only, MAX_TOKENS),
//! the corrupted image parts, `thoughtSignature`s where the Gemini 3 models put them, and
//! `usageMetadata` with the real per-image token counts (`shared/notes/providers.md` §2.3, §2.5).
//! Building one may render a 4K image: call it off the async runtime.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::images::{self, Format};
use crate::models::Model;
use crate::payload::sha256_hex;
use crate::request::Validated;
use crate::scenario::{ContentShape, Outcome, Scenario};
use crate::signatures::{self, Binding};
use crate::state::{Rendered, Shared};

/// Tokens the fake says an input image costs.
const INPUT_IMAGE_TOKENS: u32 = 258;
/// Tokens the fake says thinking took (the real IMAGE_SAFETY dump shows 293).
const THOUGHT_TOKENS: u32 = 293;
const DEFAULT_TEXT: &str = "Here is the image you asked for.";
const THOUGHT_TEXT: &str = "**Planning the composition**\n\nI'm working out the layout, the light \
                            and the palette before drawing the final image.";
const BLOCKED_MESSAGE: &str = "Unable to show the generated image. The image was filtered out \
                               because it violated Google's Generative AI Prohibited Use policy. \
                               You can try rephrasing the prompt. If you think this was a \
                               mistake, send feedback.";

/// One call to answer: the model, what the request asked for and how to answer it.
pub struct Call<'a> {
    pub model: &'a Model,
    pub request: &'a Validated,
    pub scenario: &'a Scenario,
}

fn text_tokens(text: &str) -> u32 {
    u32::try_from(text.chars().count().div_ceil(4))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// The JSON body of a 200 answer.
pub fn build(shared: &Shared, call: &Call<'_>) -> Value {
    let Call {
        model,
        request,
        scenario,
    } = call;
    let thinks = model.can_think && scenario.thoughts.unwrap_or(model.thinks_by_default);
    // Gemini 3 signs whether or not thought parts are shown (thinking happens either way).
    let signs = model.signs && scenario.signatures.unwrap_or(true);
    let prompt_text = u32::try_from(request.text_chars.div_ceil(4))
        .unwrap_or(u32::MAX)
        .max(1);
    let prompt_images = INPUT_IMAGE_TOKENS * request.input_images;
    let mut usage = Usage {
        prompt_text,
        prompt_images,
        thoughts: if thinks { THOUGHT_TOKENS } else { 0 },
        ..Usage::default()
    };
    let response_id = shared.lock().response_id();
    // A signed text part, as a text-only answer has it: the client can reply to a question or a
    // refusal and keep the conversation.
    let text_part = |text: &str| {
        let mut part = json!({ "text": text });
        if signs {
            let binding = Binding::Text(text.to_owned());
            part["thoughtSignature"] =
                json!(signatures::issue(shared, model, &response_id, 0, binding));
        }
        part
    };
    let mut body = json!({});
    let candidate = match &scenario.outcome {
        Outcome::PromptBlocked { block_reason } => {
            body["promptFeedback"] = json!({
                "blockReason": block_reason,
                "safetyRatings": safety_ratings(block_reason == "SAFETY"),
            });
            usage.thoughts = 0;
            None
        }
        Outcome::OutputBlocked {
            finish_reason,
            content_shape,
        } => {
            // Thinking happened and is billed even though nothing is shown.
            usage.thoughts = THOUGHT_TOKENS;
            let mut candidate = json!({ "finishReason": finish_reason,
                "finishMessage": BLOCKED_MESSAGE, "index": 0 });
            match content_shape {
                ContentShape::PartsNull => candidate["content"] = json!({ "parts": null }),
                ContentShape::NoParts => candidate["content"] = json!({ "role": "model" }),
                ContentShape::NoContent => {}
            }
            Some(candidate)
        }
        Outcome::NoImage { text } => {
            let mut candidate = json!({ "finishReason": "NO_IMAGE", "index": 0 });
            if let Some(text) = text {
                usage.text = text_tokens(text);
                candidate["content"] = json!({ "role": "model", "parts": [text_part(text)] });
            }
            Some(candidate)
        }
        Outcome::TextOnly { text } => {
            usage.text = text_tokens(text);
            Some(
                json!({ "content": { "role": "model", "parts": [text_part(text)] },
                "finishReason": "STOP", "index": 0 }),
            )
        }
        Outcome::MaxTokens => Some(json!({ "content": { "role": "model" },
            "finishReason": "MAX_TOKENS", "index": 0 })),
        _ => {
            let shape = Shape { thinks, signs };
            let parts = success_parts(shared, call, shape, &response_id, &mut usage);
            Some(json!({ "content": { "role": "model", "parts": parts },
                "finishReason": "STOP", "index": 0 }))
        }
    };
    if let Some(candidate) = candidate {
        body["candidates"] = json!([candidate]);
    }
    body["usageMetadata"] = usage.to_json();
    body["modelVersion"] = json!(model.version);
    body["responseId"] = json!(response_id);
    body
}

/// Whether an answer has thought parts, and whether its final parts are signed.
#[derive(Clone, Copy)]
struct Shape {
    thinks: bool,
    signs: bool,
}

/// Thought parts, then the text (unless image-only), then the final images. The text part and
/// every final image carry a signature when the model signs; thought parts never do.
fn success_parts(
    shared: &Shared,
    call: &Call<'_>,
    Shape { thinks, signs }: Shape,
    response_id: &str,
    usage: &mut Usage,
) -> Vec<Value> {
    let Call {
        model,
        request,
        scenario,
    } = call;
    let declared = Format::from_mime(scenario.mime.as_deref().unwrap_or(model.mime));
    let bytes_format = if scenario.mime_lies {
        declared.other()
    } else {
        declared
    };
    // A model that answers at another size than asked (seen with 4K requests in the wild).
    let size = scenario
        .answer_size
        .as_deref()
        .unwrap_or(&request.image_size);
    let (w, h) = model.pixels(&request.aspect_ratio, size);
    let mut parts = Vec::new();
    let signature = |index: usize, binding: Binding| -> Option<String> {
        signs.then(|| signatures::issue(shared, model, response_id, index, binding))
    };
    if thinks {
        parts.push(json!({ "text": THOUGHT_TEXT, "thought": true }));
        // Interim images are drafts at a lower resolution.
        let (tw, th) = model.pixels(&request.aspect_ratio, "1K");
        for i in 0..scenario.thought_images.min(2) {
            let draft = render(shared, bytes_format, tw / 2, th / 2, 10 + i);
            parts.push(
                json!({ "inlineData": { "mimeType": declared.mime(), "data": draft.base64.as_str() },
                "thought": true }),
            );
        }
    }
    if !request.image_only {
        let text = scenario.text.as_deref().unwrap_or(DEFAULT_TEXT);
        usage.text = text_tokens(text);
        let mut part = json!({ "text": text });
        if let Some(sig) = signature(parts.len(), Binding::Text(text.to_owned())) {
            part["thoughtSignature"] = json!(sig);
        }
        parts.push(part);
    }
    for i in 0..scenario.images {
        let broken = |mime: &'static str, bytes: Vec<u8>| {
            (mime, STANDARD.encode(&bytes), sha256_hex(&bytes))
        };
        let (mime, data, sha256) = match (&scenario.outcome, i) {
            (Outcome::BadBase64, 0) => {
                let data = "This is *not* base64!! ###".to_owned();
                let sha256 = sha256_hex(data.as_bytes());
                (declared.mime(), data, sha256)
            }
            (Outcome::NotAnImage, 0) => broken(declared.mime(), images::not_an_image()),
            (Outcome::TruncatedPng, 0) => broken("image/png", images::truncated_png(w, h)),
            (Outcome::HugeImage { bytes }, 0) => broken("image/png", images::huge_png(*bytes)),
            _ => {
                let image = render(shared, bytes_format, w, h, i % 4);
                (declared.mime(), image.base64.clone(), image.sha256.clone())
            }
        };
        let mut part = json!({ "inlineData": { "mimeType": mime, "data": data } });
        if let Some(sig) = signature(parts.len(), Binding::Image(sha256)) {
            part["thoughtSignature"] = json!(sig);
        }
        parts.push(part);
        usage.images += model.tokens_per_image(&request.image_size);
    }
    parts
}

/// A rendered image, from the cache when it was rendered before.
fn render(shared: &Shared, format: Format, w: u32, h: u32, seed: u32) -> Arc<Rendered> {
    let key = (format, w, h, seed);
    if let Some(hit) = shared.lock().image_cache.get(&key) {
        return hit.clone();
    }
    let bytes = images::render(format, w, h, seed);
    let rendered = Arc::new(Rendered {
        base64: STANDARD.encode(&bytes),
        sha256: sha256_hex(&bytes),
    });
    shared.lock().image_cache.insert(key, rendered.clone());
    rendered
}

fn safety_ratings(blocked: bool) -> Value {
    let categories = [
        "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        "HARM_CATEGORY_HATE_SPEECH",
        "HARM_CATEGORY_HARASSMENT",
        "HARM_CATEGORY_DANGEROUS_CONTENT",
    ];
    let ratings: Vec<Value> = categories
        .iter()
        .enumerate()
        .map(|(i, category)| {
            if blocked && i == 0 {
                json!({ "category": category, "probability": "HIGH", "blocked": true })
            } else {
                json!({ "category": category, "probability": "NEGLIGIBLE" })
            }
        })
        .collect();
    Value::Array(ratings)
}

/// Token counts of one answer.
#[derive(Debug, Default)]
struct Usage {
    prompt_text: u32,
    prompt_images: u32,
    /// Final image parts (thought images are not billed).
    images: u32,
    text: u32,
    thoughts: u32,
}

impl Usage {
    fn to_json(&self) -> Value {
        let prompt = self.prompt_text + self.prompt_images;
        let candidates = self.images + self.text;
        let mut prompt_details =
            vec![json!({ "modality": "TEXT", "tokenCount": self.prompt_text })];
        if self.prompt_images > 0 {
            prompt_details.push(json!({ "modality": "IMAGE", "tokenCount": self.prompt_images }));
        }
        let mut usage = json!({
            "promptTokenCount": prompt,
            "candidatesTokenCount": candidates,
            "totalTokenCount": prompt + candidates + self.thoughts,
            "promptTokensDetails": prompt_details,
        });
        // Real answers itemise only the image tokens when there is an image (the text tokens are
        // in candidatesTokenCount but not in the details), and only text otherwise.
        if self.images > 0 {
            usage["candidatesTokensDetails"] =
                json!([{ "modality": "IMAGE", "tokenCount": self.images }]);
        } else if self.text > 0 {
            usage["candidatesTokensDetails"] =
                json!([{ "modality": "TEXT", "tokenCount": self.text }]);
        }
        if self.thoughts > 0 {
            usage["thoughtsTokenCount"] = json!(self.thoughts);
        }
        usage
    }
}
