//! Reading a `generateContent` body the way the real API does: both camelCase and snake_case field
//! names, unknown fields refused with a `google.rpc.BadRequest`, base64 and MIME checks, and the
//! model's sizes, ratios, modalities and input-image limit.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT};
use serde_json::Value;

use crate::errors;
use crate::models::{DEFAULT_RATIO, DEFAULT_SIZE, INPUT_MIMES, Model};
use crate::scenario::Limits;

/// A refusal: the error answer to send (boxed: a `Response` is large).
pub type Refusal = Box<axum::response::Response>;

/// What a valid request asks for.
#[derive(Debug, Clone)]
pub struct Validated {
    pub aspect_ratio: String,
    pub image_size: String,
    /// `responseModalities: ["IMAGE"]`: no text parts in the answer.
    pub image_only: bool,
    /// Input images in non-model turns.
    pub input_images: u32,
    /// Characters of text in the request (for `promptTokenCount`).
    pub text_chars: usize,
}

/// Field names of each message, as (camelCase, snake_case). `None` children are not checked
/// further (tools, safety settings and the like take many shapes).
type Fields = &'static [(&'static str, &'static str, Child)];

#[derive(Clone, Copy)]
enum Child {
    Leaf,
    Contents,
    Content,
    Parts,
    Blob,
    GenerationConfig,
    ImageConfig,
    ThinkingConfig,
}

const REQUEST: Fields = &[
    ("contents", "contents", Child::Contents),
    (
        "generationConfig",
        "generation_config",
        Child::GenerationConfig,
    ),
    ("systemInstruction", "system_instruction", Child::Content),
    ("tools", "tools", Child::Leaf),
    ("toolConfig", "tool_config", Child::Leaf),
    ("safetySettings", "safety_settings", Child::Leaf),
    ("cachedContent", "cached_content", Child::Leaf),
    ("model", "model", Child::Leaf),
];
const CONTENT: Fields = &[
    ("role", "role", Child::Leaf),
    ("parts", "parts", Child::Parts),
];
const PART: Fields = &[
    ("text", "text", Child::Leaf),
    ("inlineData", "inline_data", Child::Blob),
    ("fileData", "file_data", Child::Leaf),
    ("thought", "thought", Child::Leaf),
    ("thoughtSignature", "thought_signature", Child::Leaf),
    ("functionCall", "function_call", Child::Leaf),
    ("functionResponse", "function_response", Child::Leaf),
    ("executableCode", "executable_code", Child::Leaf),
    ("codeExecutionResult", "code_execution_result", Child::Leaf),
    ("videoMetadata", "video_metadata", Child::Leaf),
    ("mediaResolution", "media_resolution", Child::Leaf),
];
const BLOB: Fields = &[
    ("mimeType", "mime_type", Child::Leaf),
    ("data", "data", Child::Leaf),
];
const GENERATION_CONFIG: Fields = &[
    ("responseModalities", "response_modalities", Child::Leaf),
    ("imageConfig", "image_config", Child::ImageConfig),
    ("thinkingConfig", "thinking_config", Child::ThinkingConfig),
    ("candidateCount", "candidate_count", Child::Leaf),
    ("maxOutputTokens", "max_output_tokens", Child::Leaf),
    ("temperature", "temperature", Child::Leaf),
    ("topP", "top_p", Child::Leaf),
    ("topK", "top_k", Child::Leaf),
    ("seed", "seed", Child::Leaf),
    ("stopSequences", "stop_sequences", Child::Leaf),
    ("responseMimeType", "response_mime_type", Child::Leaf),
    ("responseSchema", "response_schema", Child::Leaf),
    ("responseJsonSchema", "response_json_schema", Child::Leaf),
    ("presencePenalty", "presence_penalty", Child::Leaf),
    ("frequencyPenalty", "frequency_penalty", Child::Leaf),
    ("responseLogprobs", "response_logprobs", Child::Leaf),
    ("logprobs", "logprobs", Child::Leaf),
    ("mediaResolution", "media_resolution", Child::Leaf),
    ("speechConfig", "speech_config", Child::Leaf),
];
// The Gemini API's ImageConfig has only these two; outputMimeType & co. are Vertex-only.
const IMAGE_CONFIG: Fields = &[
    ("aspectRatio", "aspect_ratio", Child::Leaf),
    ("imageSize", "image_size", Child::Leaf),
];
const THINKING_CONFIG: Fields = &[
    ("includeThoughts", "include_thoughts", Child::Leaf),
    ("thinkingBudget", "thinking_budget", Child::Leaf),
    ("thinkingLevel", "thinking_level", Child::Leaf),
];

/// The field `camel` (or its snake_case twin) of a JSON object.
pub fn field<'a>(object: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    let object = object.as_object()?;
    object.get(camel).or_else(|| object.get(snake))
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// Refuses field names the message does not have, with the parser's own message.
fn check_fields(value: &Value, fields: Fields, path: &str) -> Result<(), Refusal> {
    let Some(object) = value.as_object() else {
        return Err(Box::new(type_error(path, "TYPE_MESSAGE", value)));
    };
    for (name, child) in object {
        let Some((_, snake, kind)) = fields.iter().find(|(c, s, _)| c == name || s == name) else {
            let at = if path.is_empty() {
                String::new()
            } else {
                format!(" at '{path}'")
            };
            let message = format!(
                "Invalid JSON payload received. Unknown name \"{name}\"{at}: Cannot find field."
            );
            return Err(Box::new(errors::bad_request(path, &message)));
        };
        let here = join(path, snake);
        match kind {
            Child::Leaf => {}
            Child::Contents | Child::Parts => {
                let Some(items) = child.as_array() else {
                    return Err(Box::new(type_error(&here, "TYPE_MESSAGE", child)));
                };
                let item_fields = if matches!(kind, Child::Contents) {
                    CONTENT
                } else {
                    PART
                };
                for (i, item) in items.iter().enumerate() {
                    check_fields(item, item_fields, &format!("{here}[{i}]"))?;
                }
            }
            Child::Content => check_fields(child, CONTENT, &here)?,
            Child::Blob => check_fields(child, BLOB, &here)?,
            Child::GenerationConfig => check_fields(child, GENERATION_CONFIG, &here)?,
            Child::ImageConfig => check_fields(child, IMAGE_CONFIG, &here)?,
            Child::ThinkingConfig => check_fields(child, THINKING_CONFIG, &here)?,
        }
    }
    Ok(())
}

fn type_error(path: &str, ty: &str, value: &Value) -> axum::response::Response {
    let shown: String = value.to_string().chars().take(64).collect();
    let message =
        format!("Invalid JSON payload received. Invalid value at '{path}' ({ty}), {shown}");
    errors::bad_request(path, &message)
}

/// Decodes `data` as proto JSON does: standard or URL-safe alphabet, padding optional.
pub fn decode_base64(data: &str) -> Option<Vec<u8>> {
    STANDARD_PAD_INDIFFERENT
        .decode(data)
        .or_else(|_| URL_SAFE_PAD_INDIFFERENT.decode(data))
        .ok()
}

/// Checks a parsed body against the API's rules for `model`.
pub fn validate(body: &Value, model: &Model, limits: &Limits) -> Result<Validated, Refusal> {
    let refuse = |message: String| Box::new(errors::invalid_argument(&message));
    check_fields(body, REQUEST, "")?;
    let contents = field(body, "contents", "contents")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            refuse("* GenerateContentRequest.contents: contents is not specified\n".into())
        })?;
    let mut input_images = 0u32;
    let mut text_chars = 0usize;
    for (i, content) in contents.iter().enumerate() {
        let from_model = field(content, "role", "role").and_then(Value::as_str) == Some("model");
        let parts = field(content, "parts", "parts")
            .and_then(Value::as_array)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                refuse(format!(
                    "* GenerateContentRequest.contents[{i}].parts: contents.parts must not be empty.\n"
                ))
            })?;
        for (j, part) in parts.iter().enumerate() {
            let path = format!("contents[{i}].parts[{j}]");
            if let Some(text) = field(part, "text", "text") {
                let text = text.as_str().ok_or_else(|| {
                    Box::new(type_error(&join(&path, "text"), "TYPE_STRING", text))
                })?;
                text_chars += text.chars().count();
            } else if let Some(blob) = field(part, "inlineData", "inline_data") {
                check_blob(blob, &join(&path, "inline_data"))?;
                input_images += u32::from(!from_model);
            } else if field(part, "fileData", "file_data").is_none()
                && field(part, "functionCall", "function_call").is_none()
                && field(part, "functionResponse", "function_response").is_none()
            {
                return Err(refuse(format!(
                    "* GenerateContentRequest.{path}.data: required oneof field 'data' must have one initialized field\n"
                )));
            }
        }
    }
    let config = field(body, "generationConfig", "generation_config");
    let image_only = check_modalities(config)?;
    let image_config = config.and_then(|c| field(c, "imageConfig", "image_config"));
    let setting = |camel: &str, snake: &str| -> Result<Option<String>, Refusal> {
        match image_config.and_then(|c| field(c, camel, snake)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(Box::new(type_error(
                &format!("generation_config.image_config.{snake}"),
                "TYPE_STRING",
                other,
            ))),
        }
    };
    let aspect_ratio =
        setting("aspectRatio", "aspect_ratio")?.unwrap_or_else(|| DEFAULT_RATIO.into());
    let image_size = setting("imageSize", "image_size")?.unwrap_or_else(|| DEFAULT_SIZE.into());
    if !model.ratios.contains(&aspect_ratio.as_str()) {
        return Err(refuse(format!(
            "Unsupported aspect ratio \"{aspect_ratio}\" for model {}. Supported values: {}.",
            model.id,
            model.ratios.join(", ")
        )));
    }
    if !model.sizes.contains(&image_size.as_str()) {
        return Err(refuse(format!(
            "Unsupported image size \"{image_size}\" for model {}. Supported values: {}.",
            model.id,
            model.sizes.join(", ")
        )));
    }
    let most = limits.max_input_images.unwrap_or(model.max_inputs);
    if limits.enforce_input_images && input_images > most {
        return Err(refuse(format!(
            "Too many input images: {input_images}. Model {} accepts at most {most}.",
            model.id
        )));
    }
    Ok(Validated {
        aspect_ratio,
        image_size,
        image_only,
        input_images,
        text_chars,
    })
}

fn check_blob(blob: &Value, path: &str) -> Result<(), Refusal> {
    let mime = field(blob, "mimeType", "mime_type")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !INPUT_MIMES.contains(&mime) {
        return Err(Box::new(errors::invalid_argument(&format!(
            "Unsupported MIME type: {mime}"
        ))));
    }
    let data = field(blob, "data", "data");
    let text = data.and_then(Value::as_str).unwrap_or("");
    if text.is_empty() || decode_base64(text).is_none() {
        let shown: String = text.chars().take(32).collect();
        let at = join(path, "data");
        let message =
            format!("Invalid value at '{at}' (TYPE_BYTES), Base64 decoding failed for \"{shown}\"");
        return Err(Box::new(errors::bad_request(&at, &message)));
    }
    Ok(())
}

/// `Ok(true)` for image-only output; refuses text-only (and unknown) modalities.
fn check_modalities(config: Option<&Value>) -> Result<bool, Refusal> {
    let path = "generation_config.response_modalities";
    let Some(value) = config.and_then(|c| field(c, "responseModalities", "response_modalities"))
    else {
        return Ok(false);
    };
    let Some(items) = value.as_array() else {
        return Err(Box::new(type_error(path, "TYPE_ENUM", value)));
    };
    let mut names = Vec::new();
    for (i, item) in items.iter().enumerate() {
        // The API's enum parser ignores case ("Image" works; the SDK docs used it for a while).
        let name = item.as_str().map(str::to_ascii_uppercase);
        match name.as_deref() {
            Some(n @ ("TEXT" | "IMAGE" | "AUDIO")) => names.push(n.to_owned()),
            _ => {
                return Err(Box::new(type_error(
                    &format!("{path}[{i}]"),
                    "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality",
                    item,
                )));
            }
        }
    }
    if names.is_empty() {
        return Ok(false);
    }
    let unsupported: Vec<String> = names
        .iter()
        .filter(|n| *n == "AUDIO")
        .map(|n| n.to_ascii_lowercase())
        .collect();
    if !unsupported.is_empty() || !names.iter().any(|n| n == "IMAGE") {
        let which = if unsupported.is_empty() {
            "text".to_owned()
        } else {
            unsupported.join(", ")
        };
        return Err(Box::new(errors::invalid_argument(&format!(
            "Model does not support the requested response modalities: {which}"
        ))));
    }
    Ok(!names.iter().any(|n| n == "TEXT"))
}
