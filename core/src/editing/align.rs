//! The model's answer, aligned to the crop it was asked to edit. An answer of another shape is
//! still used (it was paid for): stretched to the crop and flagged, never dropped.

use fast_image_resize::images::Image as FrImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbaImage;
use rayon::prelude::*;

use super::crop::EditPlan;
use super::error::{MaskedEditError, Result};
use super::feather::FeatherAlpha;
use super::mask::PixelRect;

/// The answer scaled to the crop, kept only where the composite reads it: the mask's bounding
/// box grown by band and ring ([`EditPlan::answer_region`]), in image coordinates.
#[derive(Debug, Clone)]
pub struct AlignedAnswer {
    /// `region.width × region.height` pixels.
    pub image: RgbaImage,
    pub region: PixelRect,
    /// The answer's aspect ratio was off by more than the tolerance: it was stretched to the crop
    /// anyway (it was paid for) and the edit should be shown as possibly misaligned.
    pub misaligned: bool,
    pub answer_width: u32,
    pub answer_height: u32,
}

impl AlignedAnswer {
    /// This answer, the alpha and the original belong to one edit: the same region, inside
    /// the original. The stages index by these regions, so a mix-up is refused, not a panic.
    pub(super) fn check_fits(&self, alpha: &FeatherAlpha, original: &RgbaImage) -> Result<()> {
        let r = alpha.region();
        let fits = self.region == r
            && self.image.dimensions() == (r.width, r.height)
            && r.right() <= original.width()
            && r.bottom() <= original.height();
        if fits {
            Ok(())
        } else {
            Err(MaskedEditError::PlanMismatch)
        }
    }

    /// Row `y` (image coordinates, inside `region`) as RGBA bytes from column `region.x`.
    pub(super) fn row(&self, y: u32) -> &[u8] {
        let stride = self.region.width as usize * 4;
        let start = (y - self.region.y) as usize * stride;
        &self.image.as_raw()[start..start + stride]
    }
}

/// Decodes the model's answer (whatever format it came in; a mislabelled MIME type does not
/// matter, the bytes are sniffed).
pub fn decode_answer(bytes: &[u8]) -> Result<RgbaImage> {
    let decoded = image::load_from_memory(bytes)
        .map_err(|e| MaskedEditError::AnswerNotDecodable(e.to_string()))?;
    Ok(decoded.into_rgba8())
}

/// Scales the answer to the crop (Lanczos3) and keeps the part the composite reads; only that
/// part is resized, which halves the work for a mask with generous context.
pub fn align_answer(answer: &RgbaImage, plan: &EditPlan) -> Result<AlignedAnswer> {
    let (aw, ah) = answer.dimensions();
    if aw == 0 || ah == 0 {
        return Err(MaskedEditError::EmptyAnswer {
            width: aw,
            height: ah,
        });
    }
    let (cw, ch) = (plan.crop.width, plan.crop.height);
    let skew = ((f64::from(aw) / f64::from(ah)).ln() - (f64::from(cw) / f64::from(ch)).ln()).abs();
    let misaligned = skew.is_nan() || skew > f64::from(plan.aspect_tolerance);
    let region = plan.answer_region();
    // The region in the crop's coordinates, then in the answer's.
    let (left, top) = (
        i64::from(region.x) - plan.crop.x,
        i64::from(region.y) - plan.crop.y,
    );
    let inside_crop = left >= 0
        && top >= 0
        && left + i64::from(region.width) <= i64::from(cw)
        && top + i64::from(region.height) <= i64::from(ch);
    if !inside_crop {
        return Err(MaskedEditError::PlanMismatch);
    }
    let image = if (aw, ah) == (cw, ch) {
        image::imageops::crop_imm(answer, left as u32, top as u32, region.width, region.height)
            .to_image()
    } else {
        let (sx, sy) = (f64::from(aw) / f64::from(cw), f64::from(ah) / f64::from(ch));
        // Models answer opaque; only a translucent answer needs the slower alpha-aware filter.
        let opaque = answer
            .as_raw()
            .par_chunks(16 * 1024)
            .all(|c| c.chunks_exact(4).all(|p| p[3] == 255));
        let mut dst = FrImage::new(region.width, region.height, PixelType::U8x4);
        let options = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
            .crop(
                left as f64 * sx,
                top as f64 * sy,
                // Clamped: rounding must not push the box past the answer's edge (an error).
                (f64::from(region.width) * sx).min(f64::from(aw) - left as f64 * sx),
                (f64::from(region.height) * sy).min(f64::from(ah) - top as f64 * sy),
            )
            .use_alpha(!opaque);
        Resizer::new()
            .resize(answer, &mut dst, &options)
            .map_err(|e| MaskedEditError::Resize(e.to_string()))?;
        RgbaImage::from_raw(region.width, region.height, dst.into_vec()).ok_or_else(|| {
            MaskedEditError::Resize("the resized buffer has the wrong size".into())
        })?
    };
    Ok(AlignedAnswer {
        image,
        region,
        misaligned,
        answer_width: aw,
        answer_height: ah,
    })
}

#[cfg(test)]
#[path = "align_tests.rs"]
mod tests;
