//! Putting the model's answer back: align it to the crop, fade it in through the feather alpha
//! with matched seam colours, on the full-resolution original. Pixels whose alpha is 0 are
//! copied from the original, never blended, so they stay bit-identical.

use fast_image_resize::images::Image as FrImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbaImage;
use rayon::prelude::*;

use super::crop::EditPlan;
use super::error::{MaskedEditError, Result};
use super::feather::{FeatherAlpha, alpha_of};
use super::mask::{Mask, PixelRect};
use super::seam::SeamTransfer;

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
    /// Row `y` (image coordinates, inside `region`) as RGBA bytes from column `region.x`.
    fn row(&self, y: u32) -> &[u8] {
        let stride = self.region.width as usize * 4;
        let start = (y - self.region.y) as usize * stride;
        &self.image.as_raw()[start..start + stride]
    }
}

/// The finished edit, before encoding.
#[derive(Debug, Clone)]
pub struct MaskedComposite {
    pub image: RgbaImage,
    pub misaligned: bool,
    pub alpha: FeatherAlpha,
    pub seam: SeamTransfer,
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
        RgbaImage::from_raw(region.width, region.height, dst.into_vec())
            .ok_or_else(|| MaskedEditError::Resize("the resized buffer has the wrong size".into()))?
    };
    Ok(AlignedAnswer {
        image,
        region,
        misaligned,
        answer_width: aw,
        answer_height: ah,
    })
}

/// The whole composite: align, feather, match the seam, blend.
pub fn composite_masked_edit(
    original: &RgbaImage,
    mask: &Mask,
    plan: &EditPlan,
    answer: &RgbaImage,
) -> Result<MaskedComposite> {
    check_sizes(original, mask, plan)?;
    let aligned = align_answer(answer, plan)?;
    let alpha = FeatherAlpha::compute(mask, plan);
    let seam = SeamTransfer::fit(original, &aligned, &alpha);
    let image = blend(original, &aligned, &alpha, &seam);
    Ok(MaskedComposite {
        image,
        misaligned: aligned.misaligned,
        alpha,
        seam,
    })
}

/// The mask, the plan and the original must describe the same image and mask.
fn check_sizes(original: &RgbaImage, mask: &Mask, plan: &EditPlan) -> Result<()> {
    let (w, h) = original.dimensions();
    for (mw, mh) in [
        (mask.width(), mask.height()),
        (plan.image_width, plan.image_height),
    ] {
        if (mw, mh) != (w, h) {
            return Err(MaskedEditError::MaskSizeMismatch {
                mask_width: mw,
                mask_height: mh,
                image_width: w,
                image_height: h,
            });
        }
    }
    if mask.bbox() != plan.mask_bbox {
        return Err(MaskedEditError::PlanMismatch);
    }
    Ok(())
}

/// A copy of the original with the corrected answer faded in where alpha > 0. Each row is
/// copied and blended by the same task, so the 4K copy is shared by both cores and read once.
pub fn blend(
    original: &RgbaImage,
    aligned: &AlignedAnswer,
    alpha: &FeatherAlpha,
    seam: &SeamTransfer,
) -> RgbaImage {
    let (w, h) = original.dimensions();
    let stride = w as usize * 4;
    let tables = seam.tables();
    let (region, blend) = (alpha.region(), alpha.blend_region());
    let mut out = vec![0u8; original.as_raw().len()];
    out.par_chunks_mut(stride.max(1))
        .zip(original.as_raw().par_chunks(stride.max(1)))
        .enumerate()
        .for_each(|(y, (row, src))| {
            row.copy_from_slice(src);
            let y = y as u32;
            if y < blend.y || y >= blend.bottom() {
                return;
            }
            let (dist2, nearest) = alpha.row((y - region.y) as usize);
            let answer_row = aligned.row(y);
            for x in blend.x..blend.right() {
                let ri = (x - region.x) as usize;
                let a = alpha_of(dist2[ri], nearest[ri], alpha.band());
                if a <= 0.0 {
                    continue;
                }
                let ax = (x - aligned.region.x) as usize * 4;
                let src = &answer_row[ax..ax + 4];
                let corrected = [
                    tables[0][usize::from(src[0])],
                    tables[1][usize::from(src[1])],
                    tables[2][usize::from(src[2])],
                    src[3],
                ];
                let px = &mut row[x as usize * 4..x as usize * 4 + 4];
                if a >= 1.0 {
                    px.copy_from_slice(&corrected);
                } else {
                    for (o, n) in px.iter_mut().zip(corrected) {
                        let mixed = f32::from(*o) + (f32::from(n) - f32::from(*o)) * a;
                        *o = mixed.round() as u8;
                    }
                }
            }
        });
    // The buffer has the original's length, so this cannot fail; fall back to a plain copy.
    RgbaImage::from_raw(w, h, out).unwrap_or_else(|| original.clone())
}

#[cfg(test)]
#[path = "composite_tests.rs"]
mod tests;
