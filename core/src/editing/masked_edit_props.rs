//! Property tests of the whole masked edit (notes/editing.md §7 item 16): random image sizes in
//! both orientations, random masks (rectangles and discs, grey, touching the edges), random
//! answer sizes and shapes, random aspect-ratio offers and options.

use image::{DynamicImage, GrayImage, Luma, Rgba, RgbaImage};
use proptest::prelude::*;

use super::*;

const GEMINI: &[(u32, u32)] = &[
    (1, 1),
    (2, 3),
    (3, 2),
    (3, 4),
    (4, 3),
    (4, 5),
    (5, 4),
    (9, 16),
    (16, 9),
    (21, 9),
    (37, 27),
];

#[derive(Debug, Clone)]
enum Shape {
    Rect {
        x: i32,
        y: i32,
        w: u32,
        h: u32,
        value: u8,
    },
    Disc {
        x: i32,
        y: i32,
        r: u32,
        value: u8,
    },
}

fn shape() -> impl Strategy<Value = Shape> {
    // Positions may lie outside the image, so shapes get clipped by (touch) its edges.
    let value = prop_oneof![Just(255u8), 1u8..=255];
    prop_oneof![
        (
            -40i32..320,
            -40i32..320,
            1u32..200,
            1u32..200,
            value.clone()
        )
            .prop_map(|(x, y, w, h, value)| Shape::Rect { x, y, w, h, value }),
        (-20i32..320, -20i32..320, 0u32..80, value).prop_map(|(x, y, r, value)| Shape::Disc {
            x,
            y,
            r,
            value
        }),
    ]
}

fn draw(w: u32, h: u32, shapes: &[Shape], fallback: (u32, u32)) -> GrayImage {
    let mut g = GrayImage::new(w, h);
    for (px, py, p) in g.enumerate_pixels_mut() {
        let (px, py) = (px as i64, py as i64);
        for s in shapes {
            let hit = match *s {
                Shape::Rect { x, y, w, h, value } => (px >= i64::from(x)
                    && px < i64::from(x) + i64::from(w)
                    && py >= i64::from(y)
                    && py < i64::from(y) + i64::from(h))
                .then_some(value),
                Shape::Disc { x, y, r, value } => {
                    ((px - i64::from(x)).pow(2) + (py - i64::from(y)).pow(2) <= i64::from(r).pow(2))
                        .then_some(value)
                }
            };
            if let Some(v) = hit {
                p.0[0] = p.0[0].max(v);
            }
        }
    }
    if g.iter().all(|&v| v == 0) {
        g.put_pixel(fallback.0 % w, fallback.1 % h, Luma([255]));
    }
    g
}

/// Deterministic noise with structure, so resizing and colour fits see real content.
fn picture(w: u32, h: u32, seed: u32) -> RgbaImage {
    RgbaImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663) ^ seed)
            .wrapping_mul(2_654_435_761);
        let base = (x * 255 / w.max(1)) as u8;
        Rgba([
            base,
            (n >> 24) as u8,
            (y * 255 / h.max(1)) as u8 ^ (n as u8 & 15),
            255,
        ])
    })
}

/// One of the eight EXIF orientations, applied to image and mask alike (the mask is painted on
/// the displayed image, so whatever the orientation, both arrive in the same one).
fn orient(img: DynamicImage, o: u8) -> DynamicImage {
    let turned = match o % 4 {
        1 => img.rotate90(),
        2 => img.rotate180(),
        3 => img.rotate270(),
        _ => img,
    };
    if o >= 4 { turned.fliph() } else { turned }
}

/// Squared distance to the nearest non-zero mask pixel, if it is at most `band` (else `None`):
/// a brute-force window search, independent of the feature transform under test.
fn near_mask(mask: &GrayImage, band: u32) -> Vec<Option<u32>> {
    let (w, h) = mask.dimensions();
    let mut col = vec![u32::MAX; (w * h) as usize];
    for x in 0..w {
        for y in 0..h {
            let d = (0..h)
                .filter(|&yy| mask.get_pixel(x, yy)[0] != 0)
                .map(|yy| yy.abs_diff(y))
                .min();
            col[(y * w + x) as usize] = d.unwrap_or(u32::MAX);
        }
    }
    let mut out = vec![None; (w * h) as usize];
    for y in 0..h {
        for x in 0..w {
            let lo = x.saturating_sub(band);
            let hi = (x + band).min(w - 1);
            let best = (lo..=hi)
                .filter_map(|xx| {
                    let c = col[(y * w + xx) as usize];
                    (c <= band).then(|| xx.abs_diff(x).pow(2) + c * c)
                })
                .min();
            out[(y * w + x) as usize] = best.filter(|&d| d <= band * band);
        }
    }
    out
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn a_masked_edit_changes_only_the_mask_and_its_band(
        (w, h) in (16u32..=300, 16u32..=300),
        orientation in 0u8..8,
        shapes in prop::collection::vec(shape(), 1..4),
        fallback in (0u32..300, 0u32..300),
        (answer_w, answer_h) in (1u32..400, 1u32..400),
        answer_matches_crop in any::<bool>(),
        ratios in prop::sample::subsequence(GEMINI.to_vec(), 1..=GEMINI.len()),
        context in 0.2f32..0.6,
        feather in 0.0f32..0.09,
    ) {
        let original = orient(DynamicImage::ImageRgba8(picture(w, h, 1)), orientation).into_rgba8();
        let gray = orient(DynamicImage::ImageLuma8(draw(w, h, &shapes, fallback)), orientation).into_luma8();
        let (w, h) = original.dimensions();
        let mask = Mask::from_gray(gray.clone(), w, h).unwrap();
        let options = EditOptions { context, feather, ..EditOptions::default() };
        let plan = plan_masked_edit(&mask, &ratios, &options).unwrap();

        // (4) The crop holds the mask (and band and ring) and has an offered ratio exactly.
        let c = plan.crop;
        let need = plan.answer_region();
        prop_assert!(c.x <= i64::from(need.x) && c.y <= i64::from(need.y));
        prop_assert!(c.x + i64::from(c.width) >= i64::from(need.right()));
        prop_assert!(c.y + i64::from(c.height) >= i64::from(need.bottom()));
        prop_assert!(need.contains(plan.mask_bbox.x, plan.mask_bbox.y));
        prop_assert!(ratios.contains(&plan.ratio));
        prop_assert_eq!(u64::from(c.width) * u64::from(plan.ratio.1), u64::from(c.height) * u64::from(plan.ratio.0));
        prop_assert_eq!(plan.padded, c.x < 0 || c.y < 0 || c.width > w || c.height > h);
        if !plan.padded {
            prop_assert!(c.x + i64::from(c.width) <= i64::from(w) && c.y + i64::from(c.height) <= i64::from(h));
        }
        prop_assert_eq!(crop_for_model(&original, &plan).dimensions(), (c.width, c.height));

        // (2) The band: at least 1 px, at most 5 % of the short side (1 px when that is less).
        let band = plan.band;
        prop_assert!(band >= 1 && band <= (w.min(h) / 20).max(1));

        let (answer_w, answer_h) = if answer_matches_crop { (c.width, c.height) } else { (answer_w, answer_h) };
        let answer = picture(answer_w, answer_h, 2);
        let out = composite_masked_edit(&original, &mask, &plan, &answer).unwrap();
        let png = encode_lossless(&out, &original).unwrap();
        // Decoded by the image crate, not the path encode_lossless checked with.
        let decoded = image::load_from_memory(&png).unwrap().into_rgba8();
        prop_assert_eq!(&decoded, &out.image);

        let aligned = align_answer(&answer, &plan).unwrap();
        let tables = out.seam.tables();
        let near = near_mask(&gray, band);
        for (x, y, p) in decoded.enumerate_pixels() {
            let i = (y * w + x) as usize;
            let alpha = out.alpha.alpha(x, y);
            match near[i] {
                // (1) and (2): farther than the band: α is exactly 0 and the pixel is the original.
                None => {
                    prop_assert_eq!(alpha, 0.0, "alpha at ({}, {})", x, y);
                    prop_assert_eq!(p, original.get_pixel(x, y), "pixel at ({}, {})", x, y);
                }
                Some(0) => prop_assert!(alpha > 0.0, "mask pixel ({}, {}) has alpha 0", x, y),
                Some(_) => {}
            }
            // (3) Full-strength mask pixels are the aligned answer, colour-corrected.
            if gray.get_pixel(x, y)[0] == 255 {
                let r = aligned.region;
                let a = aligned.image.get_pixel(x - r.x, y - r.y);
                let expected = Rgba([
                    tables[0][usize::from(a[0])],
                    tables[1][usize::from(a[1])],
                    tables[2][usize::from(a[2])],
                    a[3],
                ]);
                prop_assert_eq!(*p, expected, "mask pixel at ({}, {})", x, y);
            }
        }
        prop_assert_eq!(out.misaligned, {
            let skew = ((f64::from(answer_w) / f64::from(answer_h)).ln()
                - (f64::from(c.width) / f64::from(c.height)).ln()).abs();
            skew > f64::from(options.aspect_tolerance)
        });
    }

    #[test]
    fn a_uniform_colour_drift_leaves_no_seam(
        (w, h) in (40u32..=200, 40u32..=200),
        shapes in prop::collection::vec(shape(), 1..3),
        drift in (-20i16..=20, -20i16..=20, -20i16..=20),
    ) {
        // Content in 30..=225, so a drift of ±20 never clips and can be undone exactly.
        let mut original = picture(w, h, 3);
        for p in original.pixels_mut() {
            for c in 0..3 {
                p.0[c] = 30 + p.0[c] % 196;
            }
        }
        let gray = draw(w, h, &shapes, (w / 2, h / 2));
        let mask = Mask::from_gray(gray, w, h).unwrap();
        let plan = plan_masked_edit(&mask, GEMINI, &EditOptions::default()).unwrap();
        let mut answer = crop_for_model(&original, &plan);
        let shift = [drift.0, drift.1, drift.2];
        for p in answer.pixels_mut() {
            for (v, s) in p.0.iter_mut().zip(shift) {
                *v = (i16::from(*v) + s) as u8;
            }
        }
        let out = composite_masked_edit(&original, &mask, &plan, &answer).unwrap();
        if out.seam.samples > 0 {
            for (x, y, p) in out.image.enumerate_pixels() {
                let o = original.get_pixel(x, y);
                for c in 0..3 {
                    prop_assert!(p.0[c].abs_diff(o.0[c]) <= 1, "({}, {}) {:?} vs {:?}", x, y, p, o);
                }
            }
        }
    }

    #[test]
    fn nothing_panics_on_hostile_input(
        bytes in prop::collection::vec(any::<u8>(), 0..64),
        (w, h) in (0u32..40, 0u32..40),
        ratios in prop::collection::vec((0u32..30, 0u32..30), 0..4),
        context in prop_oneof![Just(f32::NAN), Just(f32::INFINITY), -1.0f32..2.0],
        feather in prop_oneof![Just(f32::NAN), Just(f32::NEG_INFINITY), -1.0f32..2.0],
        tolerance in prop_oneof![Just(f32::NAN), -1.0f32..2.0],
        (answer_w, answer_h) in (0u32..50, 0u32..50),
    ) {
        let _ = decode_answer(&bytes);
        let _ = Mask::from_encoded(&bytes, w, h);
        let gray = GrayImage::from_fn(w, h, |x, y| Luma([bytes.get((x + y * w) as usize % bytes.len().max(1)).copied().unwrap_or(0)]));
        let Ok(mask) = Mask::from_gray(gray, w, h) else { return Ok(()); };
        let options = EditOptions { context, feather, aspect_tolerance: tolerance, min_crop_side: w };
        let Ok(plan) = plan_masked_edit(&mask, &ratios, &options) else { return Ok(()); };
        let original = picture(w, h, 5);
        let answer = picture(answer_w, answer_h, 6);
        if let Ok(out) = composite_masked_edit(&original, &mask, &plan, &answer) {
            prop_assert!(encode_lossless(&out, &original).is_ok());
        }
    }
}
