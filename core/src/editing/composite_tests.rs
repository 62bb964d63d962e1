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
fn an_answer_of_the_wrong_shape_is_stretched_and_flagged() {
    let (_, _, plan) = setup(1600, 900, &[(16, 9)]);
    let square = RgbaImage::from_pixel(512, 512, Rgba([1, 2, 3, 255]));
    let aligned = align_answer(&square, &plan).unwrap();
    assert!(aligned.misaligned);
    let region = plan.answer_region();
    assert_eq!(aligned.region, region);
    assert_eq!(aligned.image.dimensions(), (region.width, region.height));
    assert_eq!(aligned.image.get_pixel(3, 3), &Rgba([1, 2, 3, 255]));
    assert_eq!((aligned.answer_width, aligned.answer_height), (512, 512));
}

#[test]
fn gemini_sizes_for_a_ratio_are_not_flagged() {
    let (_, _, plan) = setup(1600, 900, &[(16, 9)]);
    let answer = RgbaImage::new(1344, 768);
    assert!(!align_answer(&answer, &plan).unwrap().misaligned);
    // An answer of exactly the crop's size is cut, not resampled.
    let exact = RgbaImage::from_fn(plan.crop.width, plan.crop.height, |x, y| {
        Rgba([x as u8, y as u8, 0, 255])
    });
    let aligned = align_answer(&exact, &plan).unwrap();
    assert!(!aligned.misaligned);
    let r = aligned.region;
    let (dx, dy) = ((i64::from(r.x) - plan.crop.x) as u32, (i64::from(r.y) - plan.crop.y) as u32);
    for (x, y, p) in aligned.image.enumerate_pixels() {
        assert_eq!(p, exact.get_pixel(x + dx, y + dy));
    }
}

#[test]
fn an_empty_or_undecodable_answer_is_an_error() {
    let (_, _, plan) = setup(300, 200, &[(1, 1)]);
    assert_eq!(
        align_answer(&RgbaImage::new(0, 10), &plan).unwrap_err(),
        MaskedEditError::EmptyAnswer {
            width: 0,
            height: 10
        }
    );
    let err = decode_answer(b"<html>rate limited</html>").unwrap_err();
    assert!(matches!(err, MaskedEditError::AnswerNotDecodable(_)));
    assert!(err.to_string().contains("kept as received"));
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
    assert_eq!(out.image.get_pixel(bbox.x + 5, bbox.y + 5), &Rgba([250, 0, 0, 255]));
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
