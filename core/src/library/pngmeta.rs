//! Generation settings embedded in stored PNGs, written as extra chunks into the original byte
//! stream (pixels are never re-encoded): an AUTOMATIC1111-style `parameters` text that most image
//! tools already read, and a `nanoforge` iTXt chunk holding exact JSON for our own recall.

use png::text_metadata::{EncodableTextChunk, ITXtChunk, TEXtChunk};
use serde::{Deserialize, Serialize};

use super::types::JobRecord;
use crate::{CoreError, Result};

pub(super) const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
pub(super) const A1111_KEYWORD: &str = "parameters";
pub(super) const NANOFORGE_KEYWORD: &str = "nanoforge";

/// What is written into a stored PNG about how it was made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct EmbeddedMetadata {
    pub prompt: String,
    pub model: String,
    pub provider: String,
    pub task_id: Option<String>,
    pub job_id: Option<String>,
    pub seed: Option<u32>,
    pub aspect_ratio: Option<String>,
    /// USD.
    pub cost: Option<f64>,
    /// Unix ms.
    pub created_at: f64,
}

impl EmbeddedMetadata {
    pub fn from_job(job: &JobRecord) -> Self {
        Self {
            prompt: job.prompt.clone(),
            model: job.model.as_str().to_owned(),
            provider: job.provider.as_str().to_owned(),
            task_id: job.remote_task_id.clone(),
            job_id: Some(job.id.clone()),
            seed: job.seed,
            aspect_ratio: Some(job.aspect_ratio.as_str().to_owned()),
            cost: Some(job.cost),
            created_at: job.created_at,
        }
    }
}

/// The JSON of the `nanoforge` chunk: the metadata plus the stored size.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NanoforgeChunk {
    #[serde(flatten)]
    pub meta: EmbeddedMetadata,
    pub size: String,
    pub width: u32,
    pub height: u32,
    pub generator: String,
}

/// One chunk's position in a PNG byte stream.
pub(super) struct Chunk {
    pub kind: [u8; 4],
    pub start: usize,
    pub data: std::ops::Range<usize>,
    pub end: usize,
}

/// Walks the chunk structure (no CRC checks, no decompression). Errors on a stream that is not a
/// PNG or whose chunk lengths run past the end.
pub(super) fn chunks(png: &[u8]) -> Result<Vec<Chunk>> {
    let damaged =
        || CoreError::InvalidImage("the PNG chunk structure is damaged or truncated".into());
    if !png.starts_with(PNG_SIGNATURE) {
        return Err(CoreError::InvalidImage("not a PNG file".into()));
    }
    let mut out = Vec::new();
    let mut pos = PNG_SIGNATURE.len();
    while pos < png.len() {
        let header = png.get(pos..pos + 8).ok_or_else(damaged)?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = [header[4], header[5], header[6], header[7]];
        let data = pos + 8..pos.checked_add(8 + len).ok_or_else(damaged)?;
        let end = data
            .end
            .checked_add(4)
            .filter(|&e| e <= png.len())
            .ok_or_else(damaged)?;
        out.push(Chunk {
            kind,
            start: pos,
            data,
            end,
        });
        pos = end;
        if &kind == b"IEND" {
            break;
        }
    }
    if out.first().map(|c| &c.kind) != Some(b"IHDR") || out.last().map(|c| &c.kind) != Some(b"IEND")
    {
        return Err(damaged());
    }
    Ok(out)
}

/// The keyword of a tEXt/zTXt/iTXt chunk (bytes before the first NUL).
pub(super) fn text_keyword<'a>(png: &'a [u8], chunk: &Chunk) -> Option<&'a [u8]> {
    if !matches!(&chunk.kind, b"tEXt" | b"zTXt" | b"iTXt") {
        return None;
    }
    let data = &png[chunk.data.clone()];
    data.iter().position(|&b| b == 0).map(|nul| &data[..nul])
}

/// Returns `png` with our two chunks inserted before the first IDAT, replacing any earlier
/// `parameters`/`nanoforge` text so a re-stored image never carries two versions.
pub fn embed_png_metadata(png: &[u8], meta: &EmbeddedMetadata) -> Result<Vec<u8>> {
    let chunks = chunks(png)?;
    let ihdr = &chunks[0];
    let data = &png[ihdr.data.clone()];
    let (width, height) = match data.get(..8) {
        Some(d) => (
            u32::from_be_bytes([d[0], d[1], d[2], d[3]]),
            u32::from_be_bytes([d[4], d[5], d[6], d[7]]),
        ),
        None => return Err(CoreError::InvalidImage("the PNG header is damaged".into())),
    };
    let ours = encode_chunks(meta, width, height)?;
    let mut out = Vec::with_capacity(png.len() + ours.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut inserted = false;
    for chunk in &chunks {
        if !inserted && (&chunk.kind == b"IDAT" || &chunk.kind == b"IEND") {
            out.extend_from_slice(&ours);
            inserted = true;
        }
        let replaced = text_keyword(png, chunk)
            .is_some_and(|k| k == A1111_KEYWORD.as_bytes() || k == NANOFORGE_KEYWORD.as_bytes());
        if !replaced {
            out.extend_from_slice(&png[chunk.start..chunk.end]);
        }
    }
    Ok(out)
}

fn encode_chunks(meta: &EmbeddedMetadata, width: u32, height: u32) -> Result<Vec<u8>> {
    let fail =
        |e: png::EncodingError| CoreError::Internal(format!("could not write PNG metadata: {e}"));
    let mut out = Vec::new();
    let parameters = a1111_parameters(meta, width, height);
    // tEXt is Latin-1; like the Python tools, fall back to iTXt for anything else.
    if parameters.chars().all(|c| (c as u32) < 256) {
        TEXtChunk::new(A1111_KEYWORD, parameters)
            .encode(&mut out)
            .map_err(fail)?;
    } else {
        ITXtChunk::new(A1111_KEYWORD, parameters)
            .encode(&mut out)
            .map_err(fail)?;
    }
    let json = serde_json::to_string(&NanoforgeChunk {
        meta: meta.clone(),
        size: format!("{width}x{height}"),
        width,
        height,
        generator: format!("Nanoforge {}", env!("CARGO_PKG_VERSION")),
    })
    .map_err(|e| CoreError::Internal(e.to_string()))?;
    ITXtChunk::new(NANOFORGE_KEYWORD, json)
        .encode(&mut out)
        .map_err(fail)?;
    Ok(out)
}

/// `prompt`, then AUTOMATIC1111's settings line. Readers of that format (A1111's own "PNG Info",
/// sd-parsers, the prompt readers of image browsers) only take the last line as settings when it
/// holds at least three of `Steps`, `Sampler`, `CFG scale` and `Seed`, so all four are written,
/// with the nearest honest values this API has:
/// - `Steps: 1`: one call to the service makes the image; there are no diffusion steps to count.
/// - `Sampler: <provider>`: the service that sampled the image is the only "sampler" we know.
/// - `CFG scale: 1`: the services take no guidance scale; 1 is the value meaning "no extra guidance".
/// - `Seed: <seed>`, or `-1` without one: -1 is A1111's "random seed", which is what the service
///   used (0 would claim a fixed seed 0 that pasting into A1111 would then reproduce wrongly).
///
/// Then the keys A1111 also writes (`Size`, `Model`), ours, and `Version` last, as A1111 does.
pub(super) fn a1111_parameters(meta: &EmbeddedMetadata, width: u32, height: u32) -> String {
    let mut pairs = vec![
        ("Steps", "1".to_owned()),
        ("Sampler", meta.provider.clone()),
        ("CFG scale", "1".to_owned()),
        (
            "Seed",
            meta.seed.map_or_else(|| "-1".to_owned(), |s| s.to_string()),
        ),
        ("Size", format!("{width}x{height}")),
        ("Model", meta.model.clone()),
        ("Provider", meta.provider.clone()),
    ];
    if let Some(ratio) = &meta.aspect_ratio {
        pairs.push(("Aspect ratio", ratio.clone()));
    }
    if let Some(cost) = meta.cost {
        pairs.push(("Cost", format!("{cost}")));
    }
    if let Some(job) = &meta.job_id {
        pairs.push(("Job id", job.clone()));
    }
    if let Some(task) = &meta.task_id {
        pairs.push(("Task id", task.clone()));
    }
    pairs.push((
        "Version",
        format!("Nanoforge {}", env!("CARGO_PKG_VERSION")),
    ));
    let line = pairs
        .iter()
        .map(|(k, v)| format!("{k}: {}", a1111_quote(v)))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{}\n{line}", meta.prompt.trim_end())
}

/// A1111's `quote()`: a value is JSON-quoted (`Key: "a, b"`) only when it would otherwise break
/// the line, which A1111 reads with `Key: ("…"|[^,]*)`. Beyond A1111's own triggers (comma, colon,
/// newline) we also quote a value with a quote, another control character or edge whitespace, so
/// a remote task id can never end the line or read back differently.
pub(super) fn a1111_quote(value: &str) -> String {
    let unsafe_char = |c: char| matches!(c, ',' | ':' | '"') || c.is_control();
    if value.chars().any(unsafe_char) || value.trim() != value {
        // Serialising a `&str` cannot fail; the fallback keeps this free of panics anyway.
        serde_json::to_string(value).unwrap_or_else(|_| format!("\"{}\"", value.escape_default()))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version() -> String {
        format!("Version: Nanoforge {}", env!("CARGO_PKG_VERSION"))
    }

    fn full() -> EmbeddedMetadata {
        EmbeddedMetadata {
            prompt: "a lighthouse, at dusk: 35mm\n\"film\" look\n".into(),
            model: "nano-banana-2".into(),
            provider: "nanobanana".into(),
            task_id: Some("task, \"7\"".into()),
            job_id: Some("01a2-job".into()),
            seed: Some(4_294_967_295),
            aspect_ratio: Some("16:9".into()),
            cost: Some(0.04),
            created_at: 1.0,
        }
    }

    #[test]
    fn the_exact_settings_line() {
        assert_eq!(
            a1111_parameters(&full(), 1344, 768),
            format!(
                "a lighthouse, at dusk: 35mm\n\"film\" look\n\
                 Steps: 1, Sampler: nanobanana, CFG scale: 1, Seed: 4294967295, Size: 1344x768, \
                 Model: nano-banana-2, Provider: nanobanana, Aspect ratio: \"16:9\", Cost: 0.04, \
                 Job id: 01a2-job, Task id: \"task, \\\"7\\\"\", {}",
                version()
            )
        );
    }

    #[test]
    fn without_seed_or_extras_the_four_sampler_keys_are_still_there() {
        let bare = EmbeddedMetadata {
            prompt: "just this".into(),
            model: "demo".into(),
            provider: "demo".into(),
            ..EmbeddedMetadata::default()
        };
        assert_eq!(
            a1111_parameters(&bare, 8, 8),
            format!(
                "just this\nSteps: 1, Sampler: demo, CFG scale: 1, Seed: -1, Size: 8x8, \
                 Model: demo, Provider: demo, {}",
                version()
            )
        );
    }

    #[test]
    fn values_are_quoted_only_when_they_would_break_the_line() {
        for (value, written) in [
            ("Euler a", "Euler a"),
            ("", ""),
            ("nano-banana-2", "nano-banana-2"),
            ("a, b", r#""a, b""#),
            ("16:9", r#""16:9""#),
            (r#"say "hi""#, r#""say \"hi\"""#),
            ("two\nlines", r#""two\nlines""#),
            ("tab\there", r#""tab\there""#),
            (" padded", r#"" padded""#),
            ("ünï 猫", "ünï 猫"),
        ] {
            assert_eq!(a1111_quote(value), written, "{value:?}");
        }
    }

    #[test]
    fn every_value_reads_back_exactly() {
        let nasty = [
            "a, b",
            "16:9",
            r#"say "hi", then: "bye""#,
            "two\nlines\r\n",
            " padded ",
            r"back\slash",
            "ünï 猫",
        ];
        let line = nasty
            .iter()
            .enumerate()
            .map(|(i, v)| format!("Key {i}: {}", a1111_quote(v)))
            .collect::<Vec<_>>()
            .join(", ");
        assert!(!line.contains('\n'), "the settings stay on one line");
        let read = super::super::recall::a1111_pairs(&line);
        let values: Vec<&str> = read.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values, nasty);
        assert_eq!(read[6].0, "Key 6");
    }
}
