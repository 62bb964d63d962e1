use image::{GrayImage, Luma, Rgba, RgbaImage};

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
];

fn rect_mask(w: u32, h: u32, x: u32, y: u32, rw: u32, rh: u32) -> Mask {
    let g = GrayImage::from_fn(w, h, |px, py| {
        let inside = px >= x && px < x + rw && py >= y && py < y + rh;
        Luma([if inside { 255 } else { 0 }])
    });
    Mask::from_gray(g, w, h).unwrap()
}

fn holds(plan: &EditPlan, r: PixelRect) -> bool {
    let c = plan.crop;
    c.x <= i64::from(r.x)
        && c.y <= i64::from(r.y)
        && c.x + i64::from(c.width) >= i64::from(r.right())
        && c.y + i64::from(c.height) >= i64::from(r.bottom())
}

fn exact_ratio(plan: &EditPlan) -> bool {
    let (a, b) = plan.ratio;
    u64::from(plan.crop.width) * u64::from(b) == u64::from(plan.crop.height) * u64::from(a)
}

#[test]
fn a_central_mask_gets_context_and_an_exact_ratio() {
    let mask = rect_mask(2000, 1500, 900, 700, 200, 100);
    let plan = plan_masked_edit(&mask, GEMINI, &EditOptions::default()).unwrap();
    assert!(exact_ratio(&plan), "{plan:?}");
    assert!(!plan.padded);
    // 30 % context on each side at least: 200 + 2·60 wide, 100 + 2·30 high.
    let want = PixelRect {
        x: 840,
        y: 670,
        width: 320,
        height: 160,
    };
    assert!(holds(&plan, want), "{plan:?}");
    assert!(plan.crop.width.min(plan.crop.height) >= 256);
    assert_eq!(plan.region, "the central area");
}

#[test]
fn a_mask_in_the_corner_shifts_the_crop_instead_of_shrinking_it() {
    let mask = rect_mask(1000, 800, 0, 0, 300, 300);
    let plan = plan_masked_edit(&mask, &[(1, 1)], &EditOptions::default()).unwrap();
    assert_eq!((plan.crop.x, plan.crop.y), (0, 0));
    // 300 + 90 context on the open side + 90 that could not go past the edge: still 390 (the
    // context only exists inside the image), and square.
    assert_eq!((plan.crop.width, plan.crop.height), (390, 390));
    assert_eq!(
        plan.region, "the central area",
        "its centre is in the crop's middle third"
    );

    // A small mask in the corner: the crop grows to the minimum side, away from the edges.
    let small = rect_mask(1000, 800, 0, 0, 100, 100);
    let plan = plan_masked_edit(&small, &[(1, 1)], &EditOptions::default()).unwrap();
    assert_eq!(
        plan.crop,
        CropRect {
            x: 0,
            y: 0,
            width: 256,
            height: 256
        }
    );
    assert_eq!(plan.region, "the upper-left area");
}

#[test]
fn without_room_for_full_context_the_largest_fitting_crop_is_used() {
    // A 600×400 image, mask almost everything: 1:1 cannot hold it, 3:2 can at the image's size.
    let mask = rect_mask(600, 400, 20, 20, 560, 360);
    let plan = plan_masked_edit(&mask, &[(1, 1), (3, 2)], &EditOptions::default()).unwrap();
    assert_eq!(plan.ratio, (3, 2));
    assert_eq!(
        plan.crop,
        CropRect {
            x: 0,
            y: 0,
            width: 600,
            height: 400
        }
    );
    assert!(!plan.padded);
}

#[test]
fn a_panorama_narrower_than_any_ratio_is_padded_not_distorted() {
    let mask = rect_mask(1000, 100, 0, 0, 1000, 100);
    let plan = plan_masked_edit(&mask, GEMINI, &EditOptions::default()).unwrap();
    assert!(plan.padded);
    assert_eq!(plan.ratio, (21, 9));
    assert!(exact_ratio(&plan));
    assert!(holds(&plan, mask.bbox()));
    assert_eq!(plan.crop.x, 0);
    assert!(plan.crop.y < 0 && plan.crop.width == 1001);
}

#[test]
fn no_usable_ratio_is_an_error() {
    let mask = rect_mask(10, 10, 2, 2, 2, 2);
    for ratios in [&[][..], &[(0, 1), (3, 0)][..]] {
        let err = plan_masked_edit(&mask, ratios, &EditOptions::default()).unwrap_err();
        assert_eq!(err, MaskedEditError::NoAspectRatio(ratios.to_vec()));
    }
}

#[test]
fn the_band_and_ring_always_fit_in_the_crop() {
    let mask = rect_mask(4096, 2304, 4000, 2200, 96, 104);
    let plan = plan_masked_edit(&mask, GEMINI, &EditOptions::default()).unwrap();
    assert_eq!(plan.band, 46);
    let need = mask.bbox().grown_within(plan.band + plan.ring, 4096, 2304);
    assert!(holds(&plan, need), "{plan:?}");
    assert_eq!(plan.region, "the lower-right area");
}

#[test]
fn regions_are_named_on_a_three_by_three_grid() {
    let crop = CropRect {
        x: 0,
        y: 0,
        width: 300,
        height: 300,
    };
    let at = |x, y| {
        describe_region(
            crop,
            PixelRect {
                x,
                y,
                width: 10,
                height: 10,
            },
        )
    };
    assert_eq!(at(0, 0), "the upper-left area");
    assert_eq!(at(145, 0), "the upper-middle area");
    assert_eq!(at(290, 145), "the middle-right area");
    assert_eq!(at(145, 290), "the lower-middle area");
    let big = PixelRect {
        x: 5,
        y: 5,
        width: 290,
        height: 290,
    };
    assert_eq!(describe_region(crop, big), "most of the image");
}

#[test]
fn the_crop_sent_copies_pixels_and_repeats_edges_when_padded() {
    let img = RgbaImage::from_fn(40, 10, |x, y| Rgba([x as u8, y as u8, 0, 255]));
    let mask = rect_mask(40, 10, 0, 0, 40, 10);
    let plan = plan_masked_edit(&mask, &[(1, 1)], &EditOptions::default()).unwrap();
    assert_eq!((plan.crop.x, plan.crop.y, plan.crop.width), (0, -15, 40));
    let sent = crop_for_model(&img, &plan);
    assert_eq!(sent.dimensions(), (40, 40));
    assert_eq!(
        sent.get_pixel(7, 0),
        &Rgba([7, 0, 0, 255]),
        "top rows repeat row 0"
    );
    assert_eq!(sent.get_pixel(7, 20), &Rgba([7, 5, 0, 255]));
    assert_eq!(sent.get_pixel(39, 39), &Rgba([39, 9, 0, 255]));

    let inside = rect_mask(100, 100, 40, 40, 10, 10);
    let big = RgbaImage::from_fn(100, 100, |x, y| Rgba([x as u8, y as u8, 1, 255]));
    let plan = plan_masked_edit(&inside, &[(1, 1)], &EditOptions::default()).unwrap();
    let sent = crop_for_model(&big, &plan);
    let (cx, cy) = (plan.crop.x as u32, plan.crop.y as u32);
    for (x, y, p) in sent.enumerate_pixels() {
        assert_eq!(p, big.get_pixel(cx + x, cy + y));
    }
}

#[test]
fn the_band_is_at_most_five_percent_and_at_least_one_pixel() {
    assert_eq!(feather_band(4096, 0.02), 82);
    assert_eq!(feather_band(4096, 0.5), 204);
    assert_eq!(feather_band(16, 0.02), 1);
    assert_eq!(feather_band(16, 0.05), 1);
    assert_eq!(feather_band(1000, f32::NAN), 20);
    assert_eq!(feather_band(1000, -1.0), 20);
    assert_eq!(feather_band(1, 0.05), 1);
}
