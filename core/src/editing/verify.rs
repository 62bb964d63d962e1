//! The check before a masked edit is kept: the encoded PNG is decoded again and every pixel the
//! edit was not allowed to touch (alpha 0) must equal the original, every other one the
//! composite (so the encoding was lossless).

use std::io::{BufRead, Cursor, Seek};

use image::RgbaImage;
use rayon::prelude::*;

use super::composite::MaskedComposite;
use super::error::{MaskedEditError, Result};
use super::feather::alpha_of;

/// Room for the decoder's own buffers (rows, inflate window) beyond the pixels.
const DECODER_SLACK: usize = 16 * 1024 * 1024;

/// The check alone: decodes `png` and compares it with the original and the composite.
pub fn verify_encoded(png: &[u8], composite: &MaskedComposite, original: &RgbaImage) -> Result<()> {
    let decoded = decode_png(Cursor::new(png), original.as_raw().len())?;
    verify_untouched(composite, original, &decoded)
}

/// Decodes with the same crate the library reads with; expects what `encode_png` wrote, of
/// `expected_bytes` pixels bytes (png's default 64 MiB limit is exactly one 4096² RGBA image).
pub(super) fn decode_png(input: impl BufRead + Seek, expected_bytes: usize) -> Result<RgbaImage> {
    let decode_error = |e: png::DecodingError| MaskedEditError::Encode(format!("re-decoding: {e}"));
    let limits = png::Limits {
        bytes: expected_bytes.saturating_add(DECODER_SLACK),
    };
    let mut reader = png::Decoder::new_with_limits(input, limits)
        .read_info()
        .map_err(decode_error)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| MaskedEditError::Encode("re-decoding: the image is too large".into()))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(decode_error)?;
    if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
        return Err(MaskedEditError::Encode(format!(
            "re-decoding: got {:?} {:?}, not 8-bit RGBA",
            info.color_type, info.bit_depth
        )));
    }
    buf.truncate(info.buffer_size());
    RgbaImage::from_raw(info.width, info.height, buf)
        .ok_or_else(|| MaskedEditError::Encode("re-decoding: wrong buffer size".into()))
}

/// Every alpha-0 pixel of `decoded` equals the original; every other one equals the composite
/// (so the encoding was lossless). Reports the first differing pixel.
pub(super) fn verify_untouched(
    composite: &MaskedComposite,
    original: &RgbaImage,
    decoded: &RgbaImage,
) -> Result<()> {
    let (w, h) = original.dimensions();
    if decoded.dimensions() != (w, h) || composite.image.dimensions() != (w, h) {
        return Err(MaskedEditError::Encode(format!(
            "re-decoding: got {}×{}, expected {w}×{h}",
            decoded.width(),
            decoded.height()
        )));
    }
    let alpha = &composite.alpha;
    let (region, blend) = (alpha.region(), alpha.blend_region());
    if region.right() > w || region.bottom() > h {
        return Err(MaskedEditError::PlanMismatch);
    }
    let stride = (w as usize * 4).max(1);
    let first_bad = decoded
        .as_raw()
        .par_chunks(stride)
        .zip(original.as_raw().par_chunks(stride))
        .zip(composite.image.as_raw().par_chunks(stride))
        .enumerate()
        .find_map_first(|(y, ((dec, orig), comp))| {
            let yy = y as u32;
            if yy < blend.y || yy >= blend.bottom() {
                return (dec != orig).then(|| first_difference(dec, orig, yy));
            }
            let (x0, x1) = (blend.x as usize * 4, blend.right() as usize * 4);
            if dec[..x0] != orig[..x0] || dec[x1..] != orig[x1..] {
                return Some(first_difference(dec, orig, yy));
            }
            let (dist2, nearest) = alpha.row((yy - region.y) as usize);
            (blend.x..blend.right()).find_map(|x| {
                let i = (x - region.x) as usize;
                let p = x as usize * 4..x as usize * 4 + 4;
                if alpha_of(dist2[i], nearest[i], alpha.band()) > 0.0 {
                    (dec[p.clone()] != comp[p]).then_some(Bad::Edited(x, yy))
                } else {
                    (dec[p.clone()] != orig[p]).then_some(Bad::Untouched(x, yy))
                }
            })
        });
    match first_bad {
        Some(Bad::Untouched(x, y)) => Err(MaskedEditError::UnchangedPixelDiffers { x, y }),
        Some(Bad::Edited(x, y)) => Err(MaskedEditError::Encode(format!(
            "pixel ({x}, {y}) did not survive encoding unchanged"
        ))),
        None => Ok(()),
    }
}

enum Bad {
    /// An alpha-0 pixel differs from the original.
    Untouched(u32, u32),
    /// A blended pixel differs from the composite: the encoding was not lossless.
    Edited(u32, u32),
}

fn first_difference(a: &[u8], b: &[u8], y: u32) -> Bad {
    let i = a.iter().zip(b).position(|(p, q)| p != q).unwrap_or(0);
    Bad::Untouched((i / 4) as u32, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_png() {
        assert!(matches!(
            decode_png(Cursor::new(b"nope"), 100),
            Err(MaskedEditError::Encode(_))
        ));
    }
}
