//! The proto messages a body may hold, field by field, so an unknown name or a wrong type is
//! refused the way Google's JSON parser does (with a `google.rpc.BadRequest` naming the field).
//! Both camelCase and snake_case names are accepted, as the real parser does. The batch request
//! nests whole `generateContent` requests, so one table checks both endpoints.

use serde_json::Value;

use crate::errors;

/// Field names of a message, as (camelCase, snake_case, what the value is).
pub type Fields = &'static [(&'static str, &'static str, Child)];

/// What a field holds. `Leaf` values are not checked further (tools, safety settings, metadata
/// structs and the like take many shapes).
#[derive(Clone, Copy)]
pub enum Child {
    Leaf,
    Message(Fields),
    List(Fields),
}

/// `GenerateContentRequest`.
pub const REQUEST: Fields = &[
    ("contents", "contents", Child::List(CONTENT)),
    (
        "generationConfig",
        "generation_config",
        Child::Message(GENERATION_CONFIG),
    ),
    (
        "systemInstruction",
        "system_instruction",
        Child::Message(CONTENT),
    ),
    ("tools", "tools", Child::Leaf),
    ("toolConfig", "tool_config", Child::Leaf),
    ("safetySettings", "safety_settings", Child::Leaf),
    ("cachedContent", "cached_content", Child::Leaf),
    ("model", "model", Child::Leaf),
];
const CONTENT: Fields = &[
    ("role", "role", Child::Leaf),
    ("parts", "parts", Child::List(PART)),
];
const PART: Fields = &[
    ("text", "text", Child::Leaf),
    ("inlineData", "inline_data", Child::Message(BLOB)),
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
    ("imageConfig", "image_config", Child::Message(IMAGE_CONFIG)),
    (
        "thinkingConfig",
        "thinking_config",
        Child::Message(THINKING_CONFIG),
    ),
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

/// `BatchGenerateContentRequest`: `{"batch": GenerateContentBatch}`.
pub const BATCH_REQUEST: Fields = &[("batch", "batch", Child::Message(BATCH))];
// The output-only fields are listed too: a client that echoes a batch back is not refused.
const BATCH: Fields = &[
    ("model", "model", Child::Leaf),
    ("name", "name", Child::Leaf),
    ("displayName", "display_name", Child::Leaf),
    ("inputConfig", "input_config", Child::Message(INPUT_CONFIG)),
    ("output", "output", Child::Leaf),
    ("createTime", "create_time", Child::Leaf),
    ("endTime", "end_time", Child::Leaf),
    ("updateTime", "update_time", Child::Leaf),
    ("batchStats", "batch_stats", Child::Leaf),
    ("state", "state", Child::Leaf),
    ("priority", "priority", Child::Leaf),
];
const INPUT_CONFIG: Fields = &[
    ("fileName", "file_name", Child::Leaf),
    ("requests", "requests", Child::Message(INLINED_REQUESTS)),
];
const INLINED_REQUESTS: Fields = &[("requests", "requests", Child::List(INLINED_REQUEST))];
const INLINED_REQUEST: Fields = &[
    ("request", "request", Child::Message(REQUEST)),
    ("metadata", "metadata", Child::Leaf),
];

/// The field `camel` (or its snake_case twin) of a JSON object.
pub fn field<'a>(object: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    let object = object.as_object()?;
    object.get(camel).or_else(|| object.get(snake))
}

/// `path.name`, or `name` at the top.
pub fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// Refuses field names the message does not have, with the parser's own message. `path` is the
/// snake_case proto path of `value` ("" at the top).
pub fn check_fields(value: &Value, fields: Fields, path: &str) -> Result<(), Box<Invalid>> {
    let Some(object) = value.as_object() else {
        return Err(type_error(path, "TYPE_MESSAGE", value));
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
            return Err(Box::new(Invalid::parse(path, message)));
        };
        let here = join(path, snake);
        match kind {
            Child::Leaf => {}
            Child::Message(inner) => check_fields(child, inner, &here)?,
            Child::List(inner) => {
                let Some(items) = child.as_array() else {
                    return Err(type_error(&here, "TYPE_MESSAGE", child));
                };
                for (i, item) in items.iter().enumerate() {
                    check_fields(item, inner, &format!("{here}[{i}]"))?;
                }
            }
        }
    }
    Ok(())
}

/// The parser's refusal of a value of the wrong type at `path`.
pub fn type_error(path: &str, ty: &str, value: &Value) -> Box<Invalid> {
    let shown: String = value.to_string().chars().take(64).collect();
    let message =
        format!("Invalid JSON payload received. Invalid value at '{path}' ({ty}), {shown}");
    Box::new(Invalid::parse(path, message))
}

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// `Some(field path)` when the JSON parser refuses it (the whole HTTP request fails, also
    /// inside a batch); `None` for the API's own checks of a well-formed request (inside a batch,
    /// that request's result is an error and the others go ahead).
    pub field: Option<String>,
    pub message: String,
}

impl Invalid {
    pub fn parse(field: &str, message: String) -> Invalid {
        Invalid {
            field: Some(field.to_owned()),
            message,
        }
    }

    pub fn argument(message: String) -> Invalid {
        Invalid {
            field: None,
            message,
        }
    }

    /// The 400 answer: a `BadRequest` naming the field, or a plain `INVALID_ARGUMENT`.
    pub fn response(&self) -> axum::response::Response {
        match &self.field {
            Some(field) => errors::bad_request(field, &self.message),
            None => errors::invalid_argument(&self.message),
        }
    }
}
