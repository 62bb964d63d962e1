//! Reading how an image was made back out of a file: from a PNG's text chunks ours,
//! AUTOMATIC1111's `parameters`, ComfyUI's `prompt`/`workflow` graphs and InvokeAI's
//! `invokeai_metadata`; from a JPEG's or WebP's EXIF A1111's UserComment (ours too, in the copies
//! we hand out) and ComfyUI's graphs. Every parser is lenient: whatever cannot be understood is
//! left `None` rather than failing; only EXIF that cannot be read at all is an error.

use std::collections::HashMap;
use std::io::Cursor;

use serde_json::Value;

use super::exifmeta;
use super::imaging::{Format, sniff};
use super::pngmeta::{A1111_KEYWORD, NANOFORGE_KEYWORD, NanoforgeChunk};
use super::recalled::{MetadataSource, RecalledSettings};

/// Text chunks are small; anything inflating past this is refused rather than allocated.
const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// Recovers generation settings from the bytes of a PNG, JPEG or WebP file; `None` for other
/// formats, for files without known metadata and for files whose metadata cannot be read. No
/// pixels are decoded.
pub fn read_generation_metadata(bytes: &[u8]) -> Option<RecalledSettings> {
    try_read_generation_metadata(bytes).ok().flatten()
}

/// [`read_generation_metadata`], except that a JPEG or WebP whose EXIF cannot be read (truncated,
/// lengths past the end, a broken directory) is an `InvalidImage` error, so the person who dropped
/// it learns why nothing was found.
pub fn try_read_generation_metadata(bytes: &[u8]) -> crate::Result<Option<RecalledSettings>> {
    match sniff(bytes) {
        Ok(Format::Png) => Ok(read_png(bytes)),
        Ok(Format::Jpeg | Format::WebP) => read_exif(bytes),
        Err(_) => Ok(None),
    }
}

/// JPEG and WebP: the EXIF comment A1111 writes, else ComfyUI's graphs.
fn read_exif(bytes: &[u8]) -> crate::Result<Option<RecalledSettings>> {
    let Some(texts) = exifmeta::read_exif_texts(bytes)? else {
        return Ok(None);
    };
    let workflow = || {
        texts
            .comfy_workflow
            .as_deref()
            .and_then(parse_comfy_workflow)
    };
    let found = match (&texts.user_comment, &texts.comfy_prompt) {
        (Some(text), _) => Some(parse_a1111(text)),
        (None, Some(json)) => parse_comfy_prompt(json).or_else(workflow),
        (None, None) => workflow(),
    };
    let Some(mut found) = found else {
        return Ok(None);
    };
    if found.width.is_none() || found.height.is_none() {
        // The header only: no pixels are decoded.
        let size = image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok());
        if let Some((width, height)) = size {
            found.width = Some(width);
            found.height = Some(height);
        }
    }
    Ok(Some(found))
}

/// A PNG's text chunks before the image data, where all four writers put them.
fn read_png(bytes: &[u8]) -> Option<RecalledSettings> {
    let (texts, width, height) = text_chunks(bytes)?;
    let mut found = if let Some(json) = texts.get(NANOFORGE_KEYWORD) {
        parse_nanoforge(json)
    } else if let Some(text) = texts.get(A1111_KEYWORD) {
        Some(parse_a1111(text))
    } else if let Some(json) = texts.get("invokeai_metadata") {
        parse_invokeai(json)
    } else if let Some(json) = texts.get("prompt") {
        parse_comfy_prompt(json)
            .or_else(|| texts.get("workflow").and_then(|w| parse_comfy_workflow(w)))
    } else {
        texts.get("workflow").and_then(|w| parse_comfy_workflow(w))
    }?;
    found.width = found.width.or(Some(width));
    found.height = found.height.or(Some(height));
    Some(found)
}

fn text_chunks(bytes: &[u8]) -> Option<(HashMap<String, String>, u32, u32)> {
    let decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: MAX_TEXT_BYTES * 4,
        },
    );
    let reader = decoder.read_info().ok()?;
    let info = reader.info();
    let mut texts = HashMap::new();
    for chunk in &info.uncompressed_latin1_text {
        texts
            .entry(chunk.keyword.clone())
            .or_insert_with(|| chunk.text.clone());
    }
    for chunk in &info.compressed_latin1_text {
        let mut chunk = chunk.clone();
        if chunk.decompress_text_with_limit(MAX_TEXT_BYTES).is_ok()
            && let Ok(text) = chunk.get_text()
        {
            texts.entry(chunk.keyword.clone()).or_insert(text);
        }
    }
    for chunk in &info.utf8_text {
        let mut chunk = chunk.clone();
        if chunk.decompress_text_with_limit(MAX_TEXT_BYTES).is_ok()
            && let Ok(text) = chunk.get_text()
        {
            texts.entry(chunk.keyword.clone()).or_insert(text);
        }
    }
    Some((texts, info.width, info.height))
}

fn parse_nanoforge(json: &str) -> Option<RecalledSettings> {
    let chunk: NanoforgeChunk = serde_json::from_str(json).ok()?;
    let mut out = RecalledSettings::new(MetadataSource::Nanoforge);
    let meta = chunk.meta;
    out.prompt = Some(meta.prompt);
    out.model = Some(meta.model).filter(|m| !m.is_empty());
    out.provider = Some(meta.provider).filter(|p| !p.is_empty());
    out.seed = meta.seed.map(|s| s.to_string());
    out.aspect_ratio = meta.aspect_ratio;
    out.task_id = meta.task_id;
    out.cost = meta.cost;
    out.created_at = Some(meta.created_at);
    out.width = Some(chunk.width);
    out.height = Some(chunk.height);
    Some(out)
}

/// `prompt…\nNegative prompt: …\nSteps: 20, Sampler: Euler a, …` (the last line holds the pairs).
fn parse_a1111(text: &str) -> RecalledSettings {
    let mut out = RecalledSettings::new(MetadataSource::Automatic1111);
    let mut lines: Vec<&str> = text.lines().collect();
    let pairs = match lines.last() {
        Some(last) if last.trim_start().starts_with("Steps:") => {
            let line = lines.pop().unwrap_or_default();
            a1111_pairs(line)
        }
        _ => Vec::new(),
    };
    let body = lines.join("\n");
    match body
        .split_once("\nNegative prompt:")
        .or_else(|| body.strip_prefix("Negative prompt:").map(|n| ("", n)))
    {
        Some((prompt, negative)) => {
            out.prompt = Some(prompt.trim().to_owned());
            out.negative_prompt = Some(negative.trim().to_owned()).filter(|n| !n.is_empty());
        }
        None => out.prompt = Some(body.trim().to_owned()),
    }
    for (key, value) in pairs {
        match key.as_str() {
            "Steps" => out.steps = value.parse().ok(),
            "Sampler" => out.sampler = Some(value),
            "CFG scale" => out.cfg_scale = value.parse().ok(),
            // -1 is A1111's "random seed" (what we write when the service took none): no seed.
            "Seed" => out.seed = Some(value).filter(|s| s != "-1"),
            "Model" => out.model = Some(value),
            "Provider" => out.provider = Some(value),
            "Aspect ratio" => out.aspect_ratio = Some(value),
            "Task id" => out.task_id = Some(value),
            "Cost" => out.cost = value.parse().ok(),
            "Size" => {
                if let Some((w, h)) = value.split_once('x') {
                    out.width = w.trim().parse().ok();
                    out.height = h.trim().parse().ok();
                }
            }
            _ => {}
        }
    }
    out
}

/// Splits `Key: value, Key: "quoted, value", …`.
pub(super) fn a1111_pairs(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = line.trim();
    while let Some((key, after)) = rest.split_once(':') {
        let after = after.trim_start();
        let (value, next) = if after.starts_with('"') {
            let mut de = serde_json::Deserializer::from_str(after).into_iter::<String>();
            match de.next() {
                Some(Ok(v)) => (v, &after[de.byte_offset()..]),
                _ => break,
            }
        } else {
            match after.find(',') {
                Some(i) => (after[..i].trim().to_owned(), &after[i..]),
                None => (after.trim().to_owned(), ""),
            }
        };
        out.push((key.trim().to_owned(), value));
        rest = next.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn parse_invokeai(json: &str) -> Option<RecalledSettings> {
    let v: Value = serde_json::from_str(json).ok()?;
    let mut out = RecalledSettings::new(MetadataSource::InvokeAi);
    out.prompt = v
        .get("positive_prompt")
        .and_then(Value::as_str)
        .map(str::to_owned);
    out.negative_prompt = v
        .get("negative_prompt")
        .and_then(Value::as_str)
        .map(str::to_owned);
    out.seed = v.get("seed").and_then(as_text);
    out.steps = v
        .get("steps")
        .and_then(Value::as_u64)
        .and_then(|s| u32::try_from(s).ok());
    out.cfg_scale = v.get("cfg_scale").and_then(Value::as_f64);
    out.sampler = v
        .get("scheduler")
        .and_then(Value::as_str)
        .map(str::to_owned);
    out.width = v
        .get("width")
        .and_then(Value::as_u64)
        .and_then(|s| u32::try_from(s).ok());
    out.height = v
        .get("height")
        .and_then(Value::as_u64)
        .and_then(|s| u32::try_from(s).ok());
    out.model = v.get("model").and_then(|m| {
        m.as_str().map(str::to_owned).or_else(|| {
            ["name", "model_name"]
                .iter()
                .find_map(|k| m.get(k)?.as_str().map(str::to_owned))
        })
    });
    Some(out)
}

/// ComfyUI's API graph: `{ "3": { "class_type": "KSampler", "inputs": { "positive": ["6", 0], … } } }`.
fn parse_comfy_prompt(json: &str) -> Option<RecalledSettings> {
    let graph: serde_json::Map<String, Value> = serde_json::from_str(json).ok()?;
    let node = |id: &Value| id.get(0).and_then(as_text).and_then(|id| graph.get(&id));
    let sampler = graph
        .values()
        .find(|n| n.get("inputs").and_then(|i| i.get("positive")).is_some())?;
    let inputs = sampler.get("inputs")?;
    // Text may come through a primitive or string node; follow a few links to the literal.
    let text_of = |link: Option<&Value>| -> Option<String> {
        let mut current = node(link?)?;
        for _ in 0..8 {
            let ins = current.get("inputs")?;
            let field = ["text", "text_g", "string", "value"]
                .iter()
                .find_map(|k| ins.get(k))?;
            match field {
                Value::String(s) => return Some(s.clone()),
                Value::Array(_) => current = node(field)?,
                _ => return None,
            }
        }
        None
    };
    let mut out = RecalledSettings::new(MetadataSource::ComfyUi);
    out.prompt = text_of(inputs.get("positive"));
    out.negative_prompt = text_of(inputs.get("negative"));
    out.seed = inputs
        .get("seed")
        .or_else(|| inputs.get("noise_seed"))
        .and_then(as_text);
    out.steps = inputs
        .get("steps")
        .and_then(Value::as_u64)
        .and_then(|s| u32::try_from(s).ok());
    out.cfg_scale = inputs.get("cfg").and_then(Value::as_f64);
    out.sampler = inputs
        .get("sampler_name")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut model_link = inputs.get("model");
    for _ in 0..8 {
        let Some(n) = model_link.and_then(node) else {
            break;
        };
        let ins = n.get("inputs");
        if let Some(name) = ins
            .and_then(|i| i.get("ckpt_name").or_else(|| i.get("unet_name")))
            .and_then(Value::as_str)
        {
            out.model = Some(name.to_owned());
            break;
        }
        model_link = ins.and_then(|i| i.get("model"));
    }
    Some(out)
}

/// ComfyUI's UI graph, when only `workflow` was saved: nodes with `widgets_values` and links
/// `[id, from_node, from_slot, to_node, to_slot, type]`.
fn parse_comfy_workflow(json: &str) -> Option<RecalledSettings> {
    let v: Value = serde_json::from_str(json).ok()?;
    let nodes = v.get("nodes")?.as_array()?;
    let links = v.get("links").and_then(Value::as_array);
    let by_id = |id: u64| {
        nodes
            .iter()
            .find(|n| n.get("id").and_then(Value::as_u64) == Some(id))
    };
    let widgets = |n: &Value, i: usize| n.get("widgets_values").and_then(|w| w.get(i)).cloned();
    let sampler = nodes.iter().find(|n| {
        n.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.starts_with("KSampler"))
    });
    let linked_text = |input: &str| -> Option<String> {
        let link_id = sampler?
            .get("inputs")?
            .as_array()?
            .iter()
            .find(|i| i.get("name").and_then(Value::as_str) == Some(input))?
            .get("link")?
            .as_u64()?;
        let link = links?
            .iter()
            .find(|l| l.get(0).and_then(Value::as_u64) == Some(link_id))?;
        widgets(by_id(link.get(1)?.as_u64()?)?, 0)?
            .as_str()
            .map(str::to_owned)
    };
    let mut out = RecalledSettings::new(MetadataSource::ComfyUi);
    out.prompt = linked_text("positive").or_else(|| {
        let encoder = nodes
            .iter()
            .find(|n| n.get("type").and_then(Value::as_str) == Some("CLIPTextEncode"))?;
        widgets(encoder, 0)?.as_str().map(str::to_owned)
    });
    out.negative_prompt = linked_text("negative");
    if let Some(s) = sampler {
        out.seed = widgets(s, 0).as_ref().and_then(as_text);
        out.steps = widgets(s, 2)
            .and_then(|v| v.as_u64())
            .and_then(|s| u32::try_from(s).ok());
        out.cfg_scale = widgets(s, 3).and_then(|v| v.as_f64());
        out.sampler = widgets(s, 4).and_then(|v| v.as_str().map(str::to_owned));
    }
    out.model = nodes
        .iter()
        .find(|n| n.get("type").and_then(Value::as_str) == Some("CheckpointLoaderSimple"))
        .and_then(|n| widgets(n, 0)?.as_str().map(str::to_owned));
    Some(out).filter(|o| o.prompt.is_some())
}
