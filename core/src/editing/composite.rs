//! Putting the model's answer back: align it to the crop, fade it in through the feather alpha
//! with matched seam colours, on the full-resolution original. Pixels whose alpha is 0 are
//! copied from the original, never blended, so they stay bit-identical.

use image::RgbaImage;
use rayon::prelude::*;

use super::align::{AlignedAnswer, align_answer};
use super::crop::EditPlan;
use super::error::{MaskedEditError, Result};
use super::feather::{FeatherAlpha, alpha_of};
use super::mask::Mask;
use super::seam::SeamTransfer;

/// The finished edit, before encoding.
#[derive(Debug, Clone)]
pub struct MaskedComposite {
    pub image: RgbaImage,
    pub misaligned: bool,
    pub alpha: FeatherAlpha,
    pub seam: SeamTransfer,
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
    let alpha = FeatherAlpha::compute(mask, plan)?;
    let seam = SeamTransfer::fit(original, &aligned, &alpha)?;
    let image = blend(original, &aligned, &alpha, &seam)?;
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
) -> Result<RgbaImage> {
    aligned.check_fits(alpha, original)?;
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
    Ok(RgbaImage::from_raw(w, h, out).unwrap_or_else(|| original.clone()))
}

#[cfg(test)]
#[path = "composite_tests.rs"]
mod tests;
