//! Validating and decoding untrusted image bytes under explicit limits. Everything here is
//! blocking and CPU-bound; callers run it off the async runtime.

use std::io::Cursor;
use std::path::Path;

use image::error::{ImageError, LimitErrorKind};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use crate::{CoreError, Result};

/// Longest side, in pixels, of any image the library accepts.
pub const MAX_DIMENSION: u32 = 16384;
/// Most memory one decode may allocate.
pub const MAX_ALLOC_BYTES: u64 = 512 * 1024 * 1024;
/// Largest file the library reads at all.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// Deflate cannot expand data by more than 1032:1, so a PNG whose header claims more pixel data
/// than that bound allows is lying or truncated; checked before anything is allocated.
const DEFLATE_MAX_RATIO: u64 = 1032;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Png,
    Jpeg,
    WebP,
}

impl Format {
    pub(super) fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::WebP => "image/webp",
        }
    }

    pub(super) fn ext(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::WebP => "webp",
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::WebP => "WebP",
        }
    }

    pub(super) fn image_format(self) -> ImageFormat {
        match self {
            Format::Png => ImageFormat::Png,
            Format::Jpeg => ImageFormat::Jpeg,
            Format::WebP => ImageFormat::WebP,
        }
    }

    pub(super) fn from_mime(mime: &str) -> Option<Format> {
        [Format::Png, Format::Jpeg, Format::WebP]
            .into_iter()
            .find(|f| f.mime() == mime)
    }
}

/// The format the bytes really are, from their magic number (never from a name).
pub(super) fn sniff(bytes: &[u8]) -> Result<Format> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(CoreError::ImageTooLarge(format!(
            "the file is {} MiB; the library accepts up to {} MiB",
            bytes.len() >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(Format::Jpeg)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Ok(Format::WebP)
    } else if let Ok(other) = image::guess_format(bytes) {
        Err(CoreError::InvalidImage(format!(
            "{other:?} images are not supported; use PNG, JPEG or WebP"
        )))
    } else {
        Err(CoreError::InvalidImage(
            "the file is not a PNG, JPEG or WebP image".into(),
        ))
    }
}

/// A file whose extension names a different format than its content is refused: it is either
/// mislabelled or disguised, and storing it under the wrong type breaks other tools.
pub(super) fn check_extension(path: &Path, format: Format) -> Result<()> {
    let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
        return Ok(());
    };
    let claimed = match ext.to_ascii_lowercase().as_str() {
        "png" => Format::Png,
        "jpg" | "jpeg" | "jpe" | "jfif" => Format::Jpeg,
        "webp" => Format::WebP,
        _ => {
            return Err(CoreError::InvalidImage(format!(
                "{} has the extension .{ext} but contains a {} image",
                display_name(path),
                format.name()
            )));
        }
    };
    if claimed == format {
        Ok(())
    } else {
        Err(CoreError::InvalidImage(format!(
            "{} is named as a {} file but contains a {} image",
            display_name(path),
            claimed.name(),
            format.name()
        )))
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "the file".into())
}

/// Width and height from a PNG's IHDR, without decoding.
pub(super) fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 33 || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}

fn too_large(w: u64, h: u64) -> CoreError {
    CoreError::ImageTooLarge(format!(
        "the image claims {w}×{h} pixels; the library accepts up to {MAX_DIMENSION}×{MAX_DIMENSION} \
         and {} MiB of decoded pixels",
        MAX_ALLOC_BYTES >> 20
    ))
}

/// Cheap checks on what a PNG header claims, before the decoder allocates for it.
pub(super) fn precheck_png(bytes: &[u8]) -> Result<()> {
    let (w, h) = png_dimensions(bytes)
        .ok_or_else(|| CoreError::InvalidImage("the PNG header is damaged".into()))?;
    if w == 0 || h == 0 {
        return Err(CoreError::InvalidImage("the PNG claims zero pixels".into()));
    }
    if w > MAX_DIMENSION || h > MAX_DIMENSION {
        return Err(too_large(w.into(), h.into()));
    }
    let (depth, color) = (u64::from(bytes[24]), bytes[25]);
    let channels = match color {
        0 | 3 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        _ => {
            return Err(CoreError::InvalidImage(
                "the PNG header names an unknown colour type".into(),
            ));
        }
    };
    // Decoders expand palettes to RGBA and sub-byte depths to one byte per channel.
    let decoded_channels = if color == 3 { 4 } else { channels };
    let decoded = u64::from(w) * u64::from(h) * decoded_channels * depth.max(8) / 8;
    if decoded > MAX_ALLOC_BYTES {
        return Err(too_large(w.into(), h.into()));
    }
    let row_bytes = (u64::from(w) * channels * depth).div_ceil(8) + 1;
    let raw = row_bytes * u64::from(h);
    if raw > (bytes.len() as u64).saturating_mul(DEFLATE_MAX_RATIO) {
        return Err(CoreError::InvalidImage(format!(
            "the PNG claims {w}×{h} pixels but holds only {} bytes of data: truncated or a \
             decompression bomb",
            bytes.len()
        )));
    }
    Ok(())
}

/// A JPEG's entropy-coded data must be followed by an end-of-image marker; decoders quietly fill
/// a truncated file with grey, so the marker is checked explicitly. Segments before the first scan
/// are skipped by their lengths because embedded EXIF thumbnails carry their own markers.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if marker == 0xDA {
            let scan = bytes.get(i + 2 + len..).unwrap_or(&[]);
            return scan.windows(2).any(|w| w == [0xFF, 0xD9]);
        }
        i += 2 + len;
    }
    false
}

/// Decodes untrusted bytes of a known format under [`MAX_DIMENSION`] and [`MAX_ALLOC_BYTES`].
pub(super) fn decode(bytes: &[u8], format: Format) -> Result<DynamicImage> {
    match format {
        Format::Png => precheck_png(bytes)?,
        Format::Jpeg if !jpeg_is_complete(bytes) => {
            return Err(CoreError::InvalidImage("the JPEG data is truncated".into()));
        }
        _ => {}
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_ALLOC_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        ImageError::Limits(l) => match l.kind() {
            LimitErrorKind::DimensionError | LimitErrorKind::InsufficientMemory => {
                CoreError::ImageTooLarge(format!(
                    "the {} is larger than {MAX_DIMENSION}×{MAX_DIMENSION} pixels or needs more than {} MiB to decode",
                    format.name(),
                    MAX_ALLOC_BYTES >> 20
                ))
            }
            _ => CoreError::InvalidImage(format!("the {} cannot be decoded safely ({l})", format.name())),
        },
        other => CoreError::InvalidImage(format!("the {} data is corrupt or truncated ({other})", format.name())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_completeness_skips_segments_before_the_scan() {
        // SOI, APP0 (length 4, payload containing a fake EOI), SOS (length 2), data, EOI.
        let complete = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0xFF, 0xD9, 0xFF, 0xDA, 0, 2, 1, 2, 0xFF, 0xD9,
        ];
        assert!(jpeg_is_complete(&complete));
        assert!(!jpeg_is_complete(&complete[..complete.len() - 2]));
    }
}
