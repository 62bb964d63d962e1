//! Reading a `generateContent` body the way the real API does: first as the JSON parser does
//! (unknown names, wrong types, base64; see `fields`), then the API's own checks of a well-formed
//! request (turns and parts present, input MIME types, modalities, the model's sizes and ratios,
//! the input-image limit). The two passes are apart because a batch treats them differently: a
//! parser refusal fails the whole create, an API refusal fails only that request.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT};
use serde_json::Value;

use crate::fields::{Invalid, REQUEST, check_fields, field, join, type_error};
use crate::models::{DEFAULT_RATIO, DEFAULT_SIZE, INPUT_MIMES, Model};
use crate::scenario::Limits;

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

/// Decodes `data` as proto JSON does: standard or URL-safe alphabet, padding optional.
pub fn decode_base64(data: &str) -> Option<Vec<u8>> {
    STANDARD_PAD_INDIFFERENT
        .decode(data)
        .or_else(|_| URL_SAFE_PAD_INDIFFERENT.decode(data))
        .ok()
}

/// Checks a whole `generateContent` body for `model`: the parser's pass, then the API's.
pub fn validate(body: &Value, model: &Model, limits: &Limits) -> Result<Validated, Box<Invalid>> {
    check_fields(body, REQUEST, "")?;
    check_values(body, "")?;
    check_request(body, model, limits)
}

const MODALITY_TYPE: &str =
    "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality";

/// The parser's checks of values inside a request whose field names passed: text is a string,
/// inline data is base64, modalities are enum names, image settings are strings. `prefix` is
/// the proto path of the request ("" for `generateContent`, `batch.input_config…request.` in a
/// batch) so the refusal names the field as the API would.
pub fn check_values(body: &Value, prefix: &str) -> Result<(), Box<Invalid>> {
    let contents = field(body, "contents", "contents").and_then(Value::as_array);
    for (i, content) in contents.into_iter().flatten().enumerate() {
        let parts = field(content, "parts", "parts").and_then(Value::as_array);
        for (j, part) in parts.into_iter().flatten().enumerate() {
            let path = format!("{prefix}contents[{i}].parts[{j}]");
            if let Some(text) = field(part, "text", "text").filter(|t| !t.is_string()) {
                return Err(type_error(&join(&path, "text"), "TYPE_STRING", text));
            }
            if let Some(blob) = field(part, "inlineData", "inline_data") {
                let text = field(blob, "data", "data")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if text.is_empty() || decode_base64(text).is_none() {
                    let shown: String = text.chars().take(32).collect();
                    let at = join(&path, "inline_data.data");
                    let message = format!(
                        "Invalid value at '{at}' (TYPE_BYTES), Base64 decoding failed for \"{shown}\""
                    );
                    return Err(Box::new(Invalid::parse(&at, message)));
                }
            }
        }
    }
    let config = field(body, "generationConfig", "generation_config");
    let path = format!("{prefix}generation_config.response_modalities");
    if let Some(value) = config.and_then(|c| field(c, "responseModalities", "response_modalities"))
    {
        let Some(items) = value.as_array() else {
            return Err(type_error(&path, "TYPE_ENUM", value));
        };
        for (i, item) in items.iter().enumerate() {
            // The API's enum parser ignores case ("Image" works; the SDK docs used it a while).
            let name = item.as_str().map(str::to_ascii_uppercase);
            if !matches!(name.as_deref(), Some("TEXT" | "IMAGE" | "AUDIO")) {
                return Err(type_error(&format!("{path}[{i}]"), MODALITY_TYPE, item));
            }
        }
    }
    let image_config = config.and_then(|c| field(c, "imageConfig", "image_config"));
    for (camel, snake) in [("aspectRatio", "aspect_ratio"), ("imageSize", "image_size")] {
        match image_config.and_then(|c| field(c, camel, snake)) {
            None | Some(Value::Null | Value::String(_)) => {}
            Some(other) => {
                let at = format!("{prefix}generation_config.image_config.{snake}");
                return Err(type_error(&at, "TYPE_STRING", other));
            }
        }
    }
    Ok(())
}

/// The API's checks of a request the parser accepted.
pub fn check_request(
    body: &Value,
    model: &Model,
    limits: &Limits,
) -> Result<Validated, Box<Invalid>> {
    let refuse = |message: String| Box::new(Invalid::argument(message));
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
            if let Some(text) = field(part, "text", "text").and_then(Value::as_str) {
                text_chars += text.chars().count();
            } else if let Some(blob) = field(part, "inlineData", "inline_data") {
                let mime = field(blob, "mimeType", "mime_type")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !INPUT_MIMES.contains(&mime) {
                    return Err(refuse(format!("Unsupported MIME type: {mime}")));
                }
                input_images += u32::from(!from_model);
            } else if field(part, "fileData", "file_data").is_none()
                && field(part, "functionCall", "function_call").is_none()
                && field(part, "functionResponse", "function_response").is_none()
            {
                return Err(refuse(format!(
                    "* GenerateContentRequest.contents[{i}].parts[{j}].data: required oneof field 'data' must have one initialized field\n"
                )));
            }
        }
    }
    let config = field(body, "generationConfig", "generation_config");
    let image_only = modalities(config).map_err(refuse)?;
    let image_config = config.and_then(|c| field(c, "imageConfig", "image_config"));
    let setting = |camel: &str, snake: &str| {
        image_config
            .and_then(|c| field(c, camel, snake))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let aspect_ratio =
        setting("aspectRatio", "aspect_ratio").unwrap_or_else(|| DEFAULT_RATIO.into());
    let image_size = setting("imageSize", "image_size").unwrap_or_else(|| DEFAULT_SIZE.into());
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

/// `Ok(true)` for image-only output; refuses text-only (and audio) output. The names were
/// checked by [`check_values`].
fn modalities(config: Option<&Value>) -> Result<bool, String> {
    let names: Vec<String> = config
        .and_then(|c| field(c, "responseModalities", "response_modalities"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_ascii_uppercase)
        .collect();
    if names.is_empty() {
        return Ok(false);
    }
    let audio = names.iter().any(|n| n == "AUDIO");
    if audio || !names.iter().any(|n| n == "IMAGE") {
        let which = if audio { "audio" } else { "text" };
        return Err(format!(
            "Model does not support the requested response modalities: {which}"
        ));
    }
    Ok(!names.iter().any(|n| n == "TEXT"))
}
