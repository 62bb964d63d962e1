//! The copy of an original that leaves the library (Save as, the zip export) carries how the image
//! was made where other tools look for it: PNG text chunks, or for JPEG and WebP the EXIF
//! UserComment that AUTOMATIC1111-style readers read. It is added to the copy only when the stored
//! original has none, which is the case for originals kept byte for byte as a service sent them
//! (Gemini's). The original itself is never changed: its SHA-256 is its name, in this library and
//! in the sync bucket. Images no job made (inputs) leave as they are.

use std::borrow::Cow;
use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite};

use super::Library;
use super::db::{ms_to_f64, to_u32};
use super::exifmeta;
use super::imaging::{Format, sniff};
use super::pngmeta::{self, A1111_KEYWORD, EmbeddedMetadata, embed_png_metadata};
use crate::Result;

/// What a copy of one image says about how it was made.
#[derive(Debug, Clone)]
pub(super) struct CopyMetadata {
    meta: EmbeddedMetadata,
    /// The stored size, for A1111's `Size` (a PNG's comes from its own header).
    width: u32,
    height: u32,
}

#[derive(sqlx::FromRow)]
struct CopyRow {
    image_id: String,
    width: i64,
    height: i64,
    job_id: String,
    prompt: String,
    model: String,
    provider: String,
    remote_task_id: Option<String>,
    seed: Option<i64>,
    aspect_ratio: String,
    cost: f64,
    created_at: i64,
}

impl Library {
    /// The metadata for copies of those of `image_ids` that a job made, by image id. Reads only
    /// the columns the metadata uses (a job's conversation can be large).
    pub(super) async fn copy_metadata(
        &self,
        image_ids: &[&str],
    ) -> Result<HashMap<String, CopyMetadata>> {
        let mut out = HashMap::with_capacity(image_ids.len());
        for batch in image_ids.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "SELECT i.id AS image_id, i.width, i.height, j.id AS job_id, j.prompt, j.model,
                        j.provider, j.remote_task_id, j.seed, j.aspect_ratio, j.cost, j.created_at
                 FROM images i JOIN jobs j ON j.id = i.job_id WHERE i.profile_id = ",
            );
            q.push_bind(self.profile_id.clone()).push(" AND i.id IN (");
            let mut list = q.separated(", ");
            for id in batch {
                list.push_bind(*id);
            }
            q.push(")");
            for row in q.build_query_as::<CopyRow>().fetch_all(&self.pool).await? {
                let meta = EmbeddedMetadata {
                    prompt: row.prompt,
                    model: row.model,
                    provider: row.provider,
                    task_id: row.remote_task_id,
                    job_id: Some(row.job_id),
                    seed: row.seed.and_then(|s| u32::try_from(s).ok()),
                    aspect_ratio: Some(row.aspect_ratio),
                    cost: Some(row.cost),
                    created_at: ms_to_f64(row.created_at),
                };
                let copy = CopyMetadata {
                    meta,
                    width: to_u32(row.width),
                    height: to_u32(row.height),
                };
                out.insert(row.image_id, copy);
            }
        }
        Ok(out)
    }
}

/// The bytes of the copy of `original` that leaves the library: the original with the settings
/// added where readers look when it has none, else the original as it is. A copy that cannot be
/// given metadata (a structure our splicer cannot follow) still leaves, as the original: the user
/// asked for the file.
pub(super) fn outgoing_copy<'a>(original: &'a [u8], meta: Option<&CopyMetadata>) -> Cow<'a, [u8]> {
    let Some(meta) = meta else {
        return Cow::Borrowed(original);
    };
    match with_metadata(original, meta) {
        Ok(Some(copy)) => Cow::Owned(copy),
        Ok(None) => Cow::Borrowed(original),
        Err(e) => {
            let job = meta.meta.job_id.as_deref().unwrap_or_default();
            tracing::warn!("a copy of an image of job {job} leaves without its settings: {e}");
            Cow::Borrowed(original)
        }
    }
}

fn with_metadata(original: &[u8], copy: &CopyMetadata) -> Result<Option<Vec<u8>>> {
    match sniff(original)? {
        Format::Png => {
            // A PNG that has a `parameters` text already (ours, stored with it) leaves as it is.
            let chunks = pngmeta::chunks(original)?;
            let has_parameters = chunks
                .iter()
                .any(|c| pngmeta::text_keyword(original, c) == Some(A1111_KEYWORD.as_bytes()));
            if has_parameters {
                Ok(None)
            } else {
                embed_png_metadata(original, &copy.meta).map(Some)
            }
        }
        Format::Jpeg | Format::WebP => exifmeta::with_user_comment(original, |room| {
            a1111_within(&copy.meta, copy.width, copy.height, room)
        }),
    }
}

/// A1111's text (the one the PNG chunk holds) in at most `max_units` UTF-16 code units: a prompt
/// too long for one JPEG segment is cut and ends in `…`, so the settings line, which readers need
/// whole, still fits after it.
fn a1111_within(meta: &EmbeddedMetadata, width: u32, height: u32, max_units: usize) -> String {
    let full = pngmeta::a1111_parameters(meta, width, height);
    let units = |s: &str| s.encode_utf16().count();
    let full_units = units(&full);
    if full_units <= max_units {
        return full;
    }
    let prompt = meta.prompt.trim_end();
    let settings_units = full_units - units(prompt);
    let room = max_units.saturating_sub(settings_units + 1);
    let short = EmbeddedMetadata {
        prompt: format!("{}…", prefix_within(prompt, room).trim_end()),
        ..meta.clone()
    };
    let text = pngmeta::a1111_parameters(&short, width, height);
    if units(&text) <= max_units {
        return text;
    }
    // Only a settings line longer than the room itself (a task id of many kilobytes) gets here:
    // the prompt then matters more than a settings line no reader could use anyway.
    prefix_within(&full, max_units).to_owned()
}

/// The longest start of `s` that is at most `units` UTF-16 code units, ending between characters.
fn prefix_within(s: &str, units: usize) -> &str {
    let mut used = 0;
    let end = s
        .char_indices()
        .find_map(|(at, c)| {
            used += c.len_utf16();
            (used > units).then_some(at)
        })
        .unwrap_or(s.len());
    s.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(prompt: &str) -> EmbeddedMetadata {
        EmbeddedMetadata {
            prompt: prompt.to_owned(),
            model: "gemini-3-pro-image".into(),
            provider: "gemini".into(),
            seed: Some(7),
            ..EmbeddedMetadata::default()
        }
    }

    #[test]
    fn short_text_is_the_png_text() {
        let m = meta("a cat");
        assert_eq!(
            a1111_within(&m, 8, 8, 10_000),
            pngmeta::a1111_parameters(&m, 8, 8)
        );
    }

    #[test]
    fn a_long_prompt_is_cut_and_the_settings_line_kept() {
        let m = meta(&"猫 cat 🐈 ".repeat(5000));
        let full = pngmeta::a1111_parameters(&m, 8, 8);
        let settings = full.lines().last().unwrap().to_owned();
        for room in [400, 1001, 20_000] {
            let text = a1111_within(&m, 8, 8, room);
            assert!(text.encode_utf16().count() <= room, "{room}");
            assert!(
                text.encode_utf16().count() >= room - 4,
                "{room}: uses the room"
            );
            let (prompt, line) = text.rsplit_once('\n').unwrap();
            assert_eq!(line, settings);
            assert!(prompt.ends_with('…') && m.prompt.starts_with(prompt.trim_end_matches('…')));
        }
    }

    #[test]
    fn no_room_for_the_settings_line_cuts_the_end() {
        let m = meta("x");
        let text = a1111_within(&m, 8, 8, 10);
        assert_eq!(text.encode_utf16().count(), 10);
        assert!(pngmeta::a1111_parameters(&m, 8, 8).starts_with(&text));
    }
}
