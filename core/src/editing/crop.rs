//! The padded crop sent to the model: the mask's bounding box with context around it, grown to
//! exactly one of the aspect ratios the model offers, so the answer comes back in the crop's
//! shape (no stretching when it is aligned) and the model spends its pixels on the region.

use image::RgbaImage;

use super::error::{MaskedEditError, Result};
use super::mask::{Mask, PixelRect};

/// How a masked edit is cut and blended. The defaults suit the app; the CLI uses them too.
#[derive(Debug, Clone, PartialEq)]
pub struct EditOptions {
    /// Context added on each side of the mask's bounding box, as a fraction of its size;
    /// clamped to 0.25–0.5.
    pub context: f32,
    /// The crop's short side is at least this many pixels (when the image allows), so a small
    /// mask still shows the model enough of its surroundings.
    pub min_crop_side: u32,
    /// Feather band as a fraction of the image's short side; capped at 5 % (and at least 1 px).
    pub feather: f32,
    /// Largest accepted |ln(answer aspect) − ln(crop aspect)| before the answer is flagged as
    /// misaligned. Gemini's own sizes are up to ~3 % off their nominal ratio (4:3 → 1184×864),
    /// so 0.04 accepts them; pass the model's exact output sizes as ratios to avoid any stretch.
    pub aspect_tolerance: f32,
}

impl Default for EditOptions {
    fn default() -> Self {
        EditOptions {
            context: 0.3,
            min_crop_side: 256,
            feather: 0.02,
            aspect_tolerance: 0.04,
        }
    }
}

/// The crop in image coordinates. It lies inside the image unless `EditPlan::padded`: then the
/// image is narrower than any offered ratio around the mask, and the crop reaches past the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CropRect {
    pub x: i64,
    pub y: i64,
    pub width: u32,
    pub height: u32,
}

/// Everything decided before sending: where to crop, what ratio to ask for, how wide the
/// feather band and the colour-matching ring are, and how to name the region in the prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct EditPlan {
    pub image_width: u32,
    pub image_height: u32,
    pub mask_bbox: PixelRect,
    pub crop: CropRect,
    /// The offered ratio the crop has, exactly as it was given (e.g. `(16, 9)`).
    pub ratio: (u32, u32),
    /// The crop reaches past the image; those pixels are edge copies and are never composited.
    pub padded: bool,
    /// Feather band in pixels: alpha falls from the mask's value to exactly 0 across it.
    pub band: u32,
    /// Width of the ring just outside the band on which seam colours are matched.
    pub ring: u32,
    /// Where the mask sits in the crop (what the model sees), e.g. "the upper-left area".
    pub region: &'static str,
    pub aspect_tolerance: f32,
}

impl EditPlan {
    /// The pixels the composite reads from the answer: the mask's bounding box grown by band
    /// and ring, inside the image (and so inside the crop).
    pub fn answer_region(&self) -> PixelRect {
        self.mask_bbox.grown_within(
            self.band.saturating_add(self.ring),
            self.image_width,
            self.image_height,
        )
    }
}

/// Plans a masked edit of the image the mask belongs to.
pub fn plan_masked_edit(
    mask: &Mask,
    ratios: &[(u32, u32)],
    options: &EditOptions,
) -> Result<EditPlan> {
    let (width, height) = (mask.width(), mask.height());
    let bbox = mask.bbox();
    let band = feather_band(width.min(height), options.feather);
    let ring = seam_ring(band);
    // The band and the ring must lie inside the crop: the answer is blended there and fitted there.
    let need = bbox.grown_within(band + ring, width, height);
    let want = wanted_region(bbox, need, width, height, options);

    let (ratio, (crop_width, crop_height), target) =
        choose_ratio(ratios, want, need, width, height)?;
    let x = place(crop_width, width, target.0, want.0);
    let y = place(crop_height, height, target.1, want.1);
    let crop = CropRect {
        x,
        y,
        width: crop_width,
        height: crop_height,
    };
    Ok(EditPlan {
        image_width: width,
        image_height: height,
        mask_bbox: bbox,
        crop,
        ratio,
        padded: crop_width > width || crop_height > height,
        band,
        ring,
        region: describe_region(crop, bbox),
        aspect_tolerance: if options.aspect_tolerance.is_finite() {
            options.aspect_tolerance.max(0.0)
        } else {
            EditOptions::default().aspect_tolerance
        },
    })
}

/// Band width in pixels: `fraction` of the short side, at most 5 % of it and at least 1 px.
pub fn feather_band(short_side: u32, fraction: f32) -> u32 {
    let cap = (short_side / 20).max(1);
    let fraction = if fraction.is_finite() && fraction > 0.0 {
        fraction
    } else {
        0.02
    };
    ((short_side as f32 * fraction).round() as u32).clamp(1, cap)
}

/// Width of the colour-matching ring outside the band: thin, since even a thin ring around a
/// region holds thousands of samples.
pub fn seam_ring(band: u32) -> u32 {
    (band / 4).clamp(2, 16)
}

/// Half-open spans `[start, end)` per axis.
type Span = (u32, u32);

fn wanted_region(
    bbox: PixelRect,
    need: PixelRect,
    width: u32,
    height: u32,
    options: &EditOptions,
) -> (Span, Span) {
    // In thousandths, so 0.3 of 300 px is 90 px, not 91 after f32 rounding.
    let context = if options.context.is_finite() {
        (options.context.clamp(0.25, 0.5) * 1000.0).round() as u64
    } else {
        300
    };
    let axis = |start: u32, len: u32, need_start: u32, need_end: u32, limit: u32| -> Span {
        let pad = (u64::from(len) * context).div_ceil(1000) as u32;
        let mut lo = start.saturating_sub(pad).min(need_start);
        let mut hi = start
            .saturating_add(len)
            .saturating_add(pad)
            .min(limit)
            .max(need_end);
        // Grow symmetrically up to the minimum side, shifting at the image's edges.
        let min_side = options.min_crop_side.min(limit);
        if hi - lo < min_side {
            let missing = min_side - (hi - lo);
            lo = lo.saturating_sub(missing / 2);
            hi = (lo + min_side).min(limit);
            lo = hi - min_side;
        }
        (lo, hi)
    };
    (
        axis(bbox.x, bbox.width, need.x, need.right(), width),
        axis(bbox.y, bbox.height, need.y, need.bottom(), height),
    )
}

/// Picks the offered ratio for the crop. In order of preference: a crop holding all the wanted
/// context inside the image (smallest area wins: more model pixels per image pixel); else the
/// largest crop inside the image that still holds the band and ring (most context wins); else
/// the smallest crop holding them that reaches past the image.
#[allow(clippy::type_complexity)]
fn choose_ratio(
    ratios: &[(u32, u32)],
    want: (Span, Span),
    need: PixelRect,
    width: u32,
    height: u32,
) -> Result<((u32, u32), (u32, u32), (Span, Span))> {
    let (ww, wh) = (want.0.1 - want.0.0, want.1.1 - want.1.0);
    let need_span = ((need.x, need.right()), (need.y, need.bottom()));
    let mut best: Option<((u8, f64), (u32, u32), (u32, u32), (Span, Span))> = None;
    for &ratio in ratios {
        let Some((a, b)) = reduced(ratio) else {
            continue;
        };
        let candidate = match smallest_holding(a, b, ww, wh) {
            Some(size) if size.0 <= width && size.1 <= height => {
                Some(((0, f64::from(size.0) * f64::from(size.1)), size, want))
            }
            _ => {
                let k = (u64::from(width) / a).min(u64::from(height) / b);
                let (sw, sh) = (k * a, k * b);
                if sw >= u64::from(need.width) && sh >= u64::from(need.height) && k > 0 {
                    let cover = (sw as f64 / f64::from(ww)).min(sh as f64 / f64::from(wh));
                    Some(((1, -cover), (sw as u32, sh as u32), need_span))
                } else {
                    smallest_holding(a, b, need.width, need.height)
                        .map(|size| ((2, f64::from(size.0) * f64::from(size.1)), size, need_span))
                }
            }
        };
        if let Some((score, size, target)) = candidate {
            let better = best
                .as_ref()
                .is_none_or(|(s, ..)| score.0 < s.0 || (score.0 == s.0 && score.1 < s.1));
            if better {
                best = Some((score, ratio, size, target));
            }
        }
    }
    best.map(|(_, ratio, size, target)| (ratio, size, target))
        .ok_or_else(|| MaskedEditError::NoAspectRatio(ratios.to_vec()))
}

fn reduced((a, b): (u32, u32)) -> Option<(u64, u64)> {
    if a == 0 || b == 0 {
        return None;
    }
    let (mut x, mut y) = (a, b);
    while y != 0 {
        (x, y) = (y, x % y);
    }
    Some((u64::from(a / x), u64::from(b / x)))
}

/// The smallest `k·a × k·b` holding `w × h`; `None` if it would not fit in u32.
fn smallest_holding(a: u64, b: u64, w: u32, h: u32) -> Option<(u32, u32)> {
    let k = u64::from(w)
        .div_ceil(a)
        .max(u64::from(h).div_ceil(b))
        .max(1);
    Some((u32::try_from(k * a).ok()?, u32::try_from(k * b).ok()?))
}

/// Where a crop of `size` starts on an axis of `limit` pixels: it holds `target`, is centred on
/// `centre_of` where it can be, and shifts (never shrinks) to stay inside the image. A crop
/// larger than the axis is centred on the image, with the excess split on both sides.
fn place(size: u32, limit: u32, target: Span, centre_of: Span) -> i64 {
    if size > limit {
        return -i64::from((size - limit) / 2);
    }
    let lo = target.1.saturating_sub(size);
    let hi = target.0.min(limit - size);
    let centre = (u64::from(centre_of.0) + u64::from(centre_of.1)) / 2;
    let ideal = centre.saturating_sub(u64::from(size) / 2);
    i64::from(ideal.clamp(u64::from(lo), u64::from(hi.max(lo))) as u32)
}

/// Names where the mask sits in the crop, on a 3×3 grid, for the prompt.
pub fn describe_region(crop: CropRect, bbox: PixelRect) -> &'static str {
    let covers = |len: u32, of: u32| u64::from(len) * 10 >= u64::from(of) * 9;
    if covers(bbox.width, crop.width) && covers(bbox.height, crop.height) {
        return "most of the image";
    }
    let third = |start: u32, len: u32, crop_start: i64, crop_len: u32| -> usize {
        let centre = i64::from(start) * 2 + i64::from(len) - crop_start * 2;
        let idx = centre * 3 / (2 * i64::from(crop_len.max(1)));
        idx.clamp(0, 2) as usize
    };
    let col = third(bbox.x, bbox.width, crop.x, crop.width);
    let row = third(bbox.y, bbox.height, crop.y, crop.height);
    const NAMES: [[&str; 3]; 3] = [
        [
            "the upper-left area",
            "the upper-middle area",
            "the upper-right area",
        ],
        [
            "the middle-left area",
            "the central area",
            "the middle-right area",
        ],
        [
            "the lower-left area",
            "the lower-middle area",
            "the lower-right area",
        ],
    ];
    NAMES[row][col]
}

/// The pixels to send: the crop of the original; where a padded crop reaches past the image,
/// the edge pixels are repeated (those parts of the answer are dropped again).
pub fn crop_for_model(original: &RgbaImage, plan: &EditPlan) -> RgbaImage {
    let (w, h) = original.dimensions();
    let crop = plan.crop;
    let mut out = RgbaImage::new(crop.width, crop.height);
    if w == 0 || h == 0 {
        return out;
    }
    let src = original.as_raw();
    let row_bytes = w as usize * 4;
    // Columns [left, right) of the crop come straight from the image; the rest repeat an edge.
    let left = (-crop.x).clamp(0, i64::from(crop.width)) as usize;
    let right = (i64::from(w) - crop.x).clamp(0, i64::from(crop.width)) as usize;
    let src_x0 = crop.x.max(0) as usize;
    for (cy, dst) in out
        .chunks_exact_mut(crop.width.max(1) as usize * 4)
        .enumerate()
    {
        let sy = (crop.y + cy as i64).clamp(0, i64::from(h) - 1) as usize;
        let row = &src[sy * row_bytes..(sy + 1) * row_bytes];
        if right > left {
            dst[left * 4..right * 4].copy_from_slice(&row[src_x0 * 4..(src_x0 + right - left) * 4]);
        }
        for cx in (0..left).chain(right..crop.width as usize) {
            let sx = if cx < left { 0 } else { w as usize - 1 };
            dst[cx * 4..cx * 4 + 4].copy_from_slice(&row[sx * 4..sx * 4 + 4]);
        }
    }
    out
}

#[cfg(test)]
#[path = "crop_tests.rs"]
mod tests;
