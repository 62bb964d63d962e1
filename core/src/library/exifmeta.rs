//! EXIF in JPEG and WebP files: writing generation settings into a copy's EXIF UserComment, and
//! reading the text fields that other tools put generation settings in.
//!
//! The comment is written as AUTOMATIC1111 writes it (piexif's `UserComment.dump(.., "unicode")`):
//! `UNICODE\0` and then UTF-16 big-endian, which is also what A1111, piexif and sd-parsers decode
//! whatever the block's byte order. The TIFF block itself is big-endian (`MM`) too, so readers that
//! decode the text in the block's byte order (exiftool) read the same characters. The block is
//! spliced into the container, and read out of one, by img-parts (every length checked against the
//! data present, lists nested at most 32 deep), without touching the image data; kamadak-exif
//! encodes and parses the block (every offset and count checked, each directory read once).

use std::io::Cursor;

use exif::experimental::Writer;
use exif::{Exif, Field, In, Reader, Tag, Value};
use img_parts::webp::CHUNK_EXIF;
use img_parts::{Bytes, DynImage, ImageEXIF};

use crate::{CoreError, Result};

/// The largest TIFF block one JPEG APP1 segment holds: 65,535 bytes less the length field and
/// `Exif\0\0`. WebP has no such cap; the same one keeps both kinds of copy alike.
pub(super) const MAX_EXIF_BYTES: usize = 65_535 - 2 - 6;

const UNICODE_PREFIX: &[u8; 8] = b"UNICODE\0";
const ASCII_PREFIX: &[u8; 8] = b"ASCII\0\0\0";
const UNDEFINED_PREFIX: &[u8; 8] = &[0; 8];

/// The EXIF text fields that hold generation settings: A1111's UserComment, and ComfyUI's graphs
/// in Model (`prompt:{json}`) and Make (`workflow:{json}`), as its WebP saver writes them.
#[derive(Debug, Default, PartialEq)]
pub(super) struct ExifTexts {
    pub user_comment: Option<String>,
    pub comfy_prompt: Option<String>,
    pub comfy_workflow: Option<String>,
}

/// `image` (a JPEG or WebP) with an EXIF UserComment holding `text(room)`, where `room` is the
/// most UTF-16 code units that fit, or `None` when its EXIF already has a non-empty UserComment
/// (the copy already carries what readers look for). The other fields of the main image's EXIF
/// are kept; the block is written anew, big-endian.
pub(super) fn with_user_comment(
    image: &[u8],
    text: impl Fn(usize) -> String,
) -> Result<Option<Vec<u8>>> {
    let mut container = match DynImage::from_bytes(Bytes::copy_from_slice(image)) {
        Ok(Some(DynImage::Png(_))) | Ok(None) => {
            return Err(CoreError::InvalidImage(
                "an EXIF comment goes only into a JPEG or WebP".into(),
            ));
        }
        Ok(Some(container)) => container,
        Err(e) => {
            return Err(CoreError::InvalidImage(format!(
                "the image's structure is damaged ({e})"
            )));
        }
    };
    // A block that does not parse is replaced: no reader could use it anyway.
    let existing = container
        .exif()
        .and_then(|raw| Reader::new().read_raw(raw.to_vec()).ok());
    if existing
        .as_ref()
        .and_then(user_comment)
        .is_some_and(|c| !c.trim().is_empty())
    {
        return Ok(None);
    }
    let kept: Vec<&Field> = existing
        .iter()
        .flat_map(Exif::fields)
        .filter(|f| f.ifd_num == In::PRIMARY && f.tag != Tag::UserComment)
        .collect();
    // Fields the writer cannot encode (unknown types), or too many of them to leave room, are
    // dropped rather than the settings.
    let block = comment_block(&kept, &text).or_else(|_| comment_block(&[], &text))?;
    container.set_exif(Some(Bytes::from(block)));
    let mut out = Vec::with_capacity(container.len());
    container.encoder().write_to(&mut out)?;
    Ok(Some(out))
}

fn comment_block(kept: &[&Field], text: &impl Fn(usize) -> String) -> Result<Vec<u8>> {
    let too_big =
        || CoreError::InvalidImage("the image's EXIF leaves no room for a comment".into());
    let empty = encode_block(kept, "")?;
    // One byte more: a value is padded to an even offset.
    let room = MAX_EXIF_BYTES
        .checked_sub(empty.len() + 1)
        .ok_or_else(too_big)?
        / 2;
    let block = encode_block(kept, &text(room))?;
    if block.len() > MAX_EXIF_BYTES {
        return Err(too_big());
    }
    Ok(block)
}

fn encode_block(kept: &[&Field], text: &str) -> Result<Vec<u8>> {
    let mut raw = UNICODE_PREFIX.to_vec();
    raw.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let comment = Field {
        tag: Tag::UserComment,
        ifd_num: In::PRIMARY,
        value: Value::Undefined(raw, 0),
    };
    let mut writer = Writer::new();
    for field in kept {
        writer.push_field(field);
    }
    writer.push_field(&comment);
    let mut out = Cursor::new(Vec::new());
    writer
        .write(&mut out, false)
        .map_err(|e| CoreError::InvalidImage(format!("could not write the EXIF block ({e})")))?;
    Ok(out.into_inner())
}

/// The generation-settings text fields of a JPEG's or WebP's EXIF; `None` when it has no EXIF.
/// A damaged file or block (truncated, lengths past the end, a broken IFD) is an `InvalidImage`
/// error.
pub(super) fn read_exif_texts(image: &[u8]) -> Result<Option<ExifTexts>> {
    let damaged = |e: &dyn std::fmt::Display| {
        CoreError::InvalidImage(format!(
            "the image's metadata cannot be read: it is damaged or truncated ({e})"
        ))
    };
    let raw = match DynImage::from_bytes(Bytes::copy_from_slice(image)) {
        Ok(Some(DynImage::Jpeg(jpeg))) => jpeg.exif(),
        // The chunk as it is: WebP writers differ on an `Exif\0\0` prefix, and a chunk that is not
        // EXIF at all is damage, not absence.
        Ok(Some(DynImage::WebP(webp))) => webp
            .chunk_by_id(CHUNK_EXIF)
            .and_then(|chunk| chunk.content().data().cloned())
            .map(|data| {
                if data.starts_with(b"Exif\0\0") {
                    data.slice(6..)
                } else {
                    data
                }
            }),
        Ok(_) => None,
        Err(e) => return Err(damaged(&e)),
    };
    let Some(raw) = raw else {
        return Ok(None);
    };
    let exif = Reader::new()
        .read_raw(raw.to_vec())
        .map_err(|e| damaged(&e))?;
    let ascii = |tag: Tag, prefix: &str| -> Option<String> {
        let field = exif.get_field(tag, In::PRIMARY)?;
        let Value::Ascii(parts) = &field.value else {
            return None;
        };
        let text = String::from_utf8_lossy(parts.first()?);
        text.strip_prefix(prefix).map(str::to_owned)
    };
    Ok(Some(ExifTexts {
        user_comment: user_comment(&exif).filter(|c| !c.trim().is_empty()),
        comfy_prompt: ascii(Tag::Model, "prompt:"),
        comfy_workflow: ascii(Tag::Make, "workflow:"),
    }))
}

fn user_comment(exif: &Exif) -> Option<String> {
    let field = exif.get_field(Tag::UserComment, In::PRIMARY)?;
    match &field.value {
        Value::Undefined(raw, _) | Value::Byte(raw) => {
            Some(decode_comment(raw, exif.little_endian()))
        }
        Value::Ascii(parts) => parts.first().map(|p| latin_or_utf8(p)),
        _ => None,
    }
}

/// A UserComment's text, by its 8-byte character-code prefix. A1111 decodes `UNICODE` as UTF-16
/// big-endian (piexif), and anything it does not know as UTF-8; so do we, except that a
/// little-endian block whose text reads as little-endian UTF-16 (exiftool's way) is read so.
fn decode_comment(raw: &[u8], little_endian_block: bool) -> String {
    let (prefix, body) = raw.split_at(raw.len().min(8));
    let text = if prefix == UNICODE_PREFIX {
        utf16(body, little_endian_block)
    } else if prefix == ASCII_PREFIX || prefix == UNDEFINED_PREFIX {
        latin_or_utf8(body)
    } else {
        latin_or_utf8(raw)
    };
    text.trim_end_matches('\0').to_owned()
}

fn utf16(body: &[u8], little_endian_block: bool) -> String {
    let (body, little) = match body {
        [0xFE, 0xFF, rest @ ..] => (rest, false),
        [0xFF, 0xFE, rest @ ..] => (rest, true),
        // Mostly ASCII text has its zero bytes first in each pair when big-endian.
        _ => {
            let zeros_at = |parity: usize| {
                body.iter()
                    .skip(parity)
                    .step_by(2)
                    .filter(|&&b| b == 0)
                    .count()
            };
            (body, little_endian_block && zeros_at(1) > zeros_at(0))
        }
    };
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn latin_or_utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_comments_decode_in_either_byte_order() {
        let be: Vec<u8> = UNICODE_PREFIX
            .iter()
            .copied()
            .chain("a cat 猫".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let le: Vec<u8> = UNICODE_PREFIX
            .iter()
            .copied()
            .chain("a cat 猫".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        // piexif (A1111) writes big-endian text even in a little-endian block.
        assert_eq!(decode_comment(&be, true), "a cat 猫");
        assert_eq!(decode_comment(&be, false), "a cat 猫");
        assert_eq!(decode_comment(&le, true), "a cat 猫");
    }

    #[test]
    fn other_prefixes_read_as_text() {
        assert_eq!(decode_comment(b"ASCII\0\0\0hello\0\0", false), "hello");
        assert_eq!(decode_comment(b"\0\0\0\0\0\0\0\0hello", false), "hello");
        assert_eq!(decode_comment(b"no prefix here", false), "no prefix here");
        assert_eq!(decode_comment(b"short", false), "short");
        assert_eq!(decode_comment(b"UNICODE\0\x00", false), "");
    }
}
