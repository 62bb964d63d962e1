use image::{GrayImage, Luma, Rgba, RgbaImage};

use super::*;
use crate::editing::crop::{EditOptions, plan_masked_edit};
use crate::editing::mask::Mask;

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
    let (dx, dy) = (
        (i64::from(r.x) - plan.crop.x) as u32,
        (i64::from(r.y) - plan.crop.y) as u32,
    );
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
