use image::{GrayImage, Luma, Rgba, RgbaImage};

use super::*;
use crate::editing::crop::{EditOptions, plan_masked_edit};

fn setup(w: u32, h: u32, ratios: &[(u32, u32)]) -> (RgbaImage, Mask, EditPlan) {
    let original = RgbaImage::from_fn(w, h, |x, y| Rgba([(x * 3) as u8, (y * 5) as u8, 90, 255]));
    let g = GrayImage::from_fn(w, h, |x, y| {
        let inside = x >= w / 3 && x < w / 2 && y >= h / 3 && y < h / 2;
        Luma([if inside { 255 } else { 0 }])
    });
    let mask = Mask::from_gray(g, w, h).unwrap();
    let plan = plan_masked_edit(&mask, ratios, &EditOptions::default()).unwrap();
    (original, mask, plan)
}

#[test]
fn an_original_of_another_size_is_refused() {
    let (original, mask, plan) = setup(300, 200, &[(1, 1)]);
    let other = RgbaImage::new(200, 300);
    let answer = RgbaImage::new(10, 10);
    let err = composite_masked_edit(&other, &mask, &plan, &answer).unwrap_err();
    assert!(matches!(err, MaskedEditError::MaskSizeMismatch { .. }));
    assert!(composite_masked_edit(&original, &mask, &plan, &answer).is_ok());

    let (_, other_mask, _) = setup(300, 200, &[(1, 1)]);
    let moved = Mask::from_gray(other_mask.inverted().unwrap().values().clone(), 300, 200).unwrap();
    assert_eq!(
        composite_masked_edit(&original, &moved, &plan, &answer).unwrap_err(),
        MaskedEditError::PlanMismatch
    );
}

#[test]
fn the_inside_comes_from_the_answer_and_the_outside_is_untouched() {
    let (original, mask, plan) = setup(600, 400, &[(1, 1), (4, 3)]);
    // The model's answer: the crop, unchanged but for a red mask region.
    let sent = crate::editing::crop::crop_for_model(&original, &plan);
    let bbox = mask.bbox();
    let answer = RgbaImage::from_fn(sent.width(), sent.height(), |x, y| {
        let (ix, iy) = (x as i64 + plan.crop.x, y as i64 + plan.crop.y);
        if bbox.contains(ix as u32, iy as u32) {
            Rgba([250, 0, 0, 255])
        } else {
            *sent.get_pixel(x, y)
        }
    });
    let out = composite_masked_edit(&original, &mask, &plan, &answer).unwrap();
    assert!(!out.misaligned);
    assert_eq!(out.seam.gain, [1.0; 3]);
    assert_eq!(out.seam.offset, [0.0; 3]);
    assert_eq!(
        out.image.get_pixel(bbox.x + 5, bbox.y + 5),
        &Rgba([250, 0, 0, 255])
    );
    for (x, y, p) in out.image.enumerate_pixels() {
        if out.alpha.alpha(x, y) == 0.0 {
            assert_eq!(p, original.get_pixel(x, y));
        }
    }
    let png = crate::editing::encode_lossless(&out, &original).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn verification_catches_a_touched_pixel() {
    let (original, mask, plan) = setup(300, 200, &[(1, 1)]);
    let answer = RgbaImage::from_pixel(64, 64, Rgba([0, 0, 0, 255]));
    let mut out = composite_masked_edit(&original, &mask, &plan, &answer).unwrap();
    out.image.put_pixel(2, 3, Rgba([9, 9, 9, 9]));
    assert_eq!(
        crate::editing::encode_lossless(&out, &original).unwrap_err(),
        MaskedEditError::UnchangedPixelDiffers { x: 2, y: 3 }
    );
}

#[test]
fn the_streamed_check_sees_the_whole_file() {
    // Noisy enough that the PNG spans many pieces handed to the checking thread.
    let (w, h) = (700, 500);
    let original = RgbaImage::from_fn(w, h, |x, y| {
        let n =
            (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).wrapping_mul(2_246_822_519);
        Rgba([n as u8, (n >> 8) as u8, (n >> 16) as u8, 255])
    });
    let g = GrayImage::from_fn(w, h, |x, y| Luma([if (x + y) % 97 == 0 { 200 } else { 0 }]));
    let mask = Mask::from_gray(g, w, h).unwrap();
    let plan = plan_masked_edit(&mask, &[(1, 1)], &EditOptions::default()).unwrap();
    let answer = RgbaImage::from_pixel(300, 300, Rgba([10, 200, 30, 255]));
    let out = composite_masked_edit(&original, &mask, &plan, &answer).unwrap();
    let streamed = crate::editing::encode_lossless(&out, &original).unwrap();
    assert!(streamed.len() > 1024 * 1024, "{} bytes", streamed.len());
    assert_eq!(streamed, crate::editing::encode_png(&out.image).unwrap());
}

#[test]
fn stages_from_different_edits_are_refused() {
    let (original, mask, plan) = setup(300, 200, &[(1, 1)]);
    let (_, other_mask, other_plan) = setup(240, 200, &[(1, 1)]);
    let answer = RgbaImage::from_pixel(64, 64, Rgba([0, 0, 0, 255]));
    let alpha = FeatherAlpha::compute(&mask, &plan).unwrap();
    let foreign = align_answer(&answer, &other_plan).unwrap();
    assert_eq!(
        SeamTransfer::fit(&original, &foreign, &alpha).unwrap_err(),
        MaskedEditError::PlanMismatch
    );
    let seam = SeamTransfer::IDENTITY;
    assert_eq!(
        blend(&original, &foreign, &alpha, &seam).unwrap_err(),
        MaskedEditError::PlanMismatch
    );
    assert_eq!(
        FeatherAlpha::compute(&other_mask, &plan).unwrap_err(),
        MaskedEditError::PlanMismatch
    );
}
