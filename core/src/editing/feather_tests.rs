use image::{GrayImage, Luma};

use super::*;
use crate::editing::crop::{EditOptions, plan_masked_edit};

/// Brute force: the squared distance to, and the values of, the nearest non-zero pixels.
fn nearest_brute(points: &[(u32, u32, u8)], x: u32, y: u32) -> (u32, Vec<u8>) {
    let mut best = u32::MAX;
    let mut values = Vec::new();
    for &(mx, my, v) in points {
        let d = x.abs_diff(mx).pow(2) + y.abs_diff(my).pow(2);
        if d < best {
            best = d;
            values.clear();
        }
        if d == best {
            values.push(v);
        }
    }
    (best, values)
}

fn check_against_brute_force(g: GrayImage, reach: u32) {
    let (w, h) = g.dimensions();
    let mask = Mask::from_gray(g.clone(), w, h).unwrap();
    let r = PixelRect {
        x: 0,
        y: 0,
        width: w,
        height: h,
    };
    let (d2, near) = feature_transform(&mask, r, reach);
    let reach2 = reach.pow(2);
    let points: Vec<_> = g
        .enumerate_pixels()
        .filter(|p| p.2[0] != 0)
        .map(|(x, y, v)| (x, y, v[0]))
        .collect();
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) as usize;
            let (bd, values) = nearest_brute(&points, x, y);
            if bd > reach2 {
                assert_eq!(d2[i], u32::MAX, "beyond reach at ({x}, {y})");
                continue;
            }
            assert_eq!(d2[i], bd, "distance at ({x}, {y})");
            assert!(values.contains(&near[i]), "nearest value at ({x}, {y})");
        }
    }
}

#[test]
fn distances_are_exact() {
    let mut seed = 12345u32;
    for _ in 0..20 {
        let g = GrayImage::from_fn(37, 29, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let r = (seed >> 16) % 100;
            Luma([if r < 3 { (r * 80 + 15) as u8 } else { 0 }])
        });
        if g.iter().any(|&v| v != 0) {
            check_against_brute_force(g.clone(), 1000);
            check_against_brute_force(g, 3);
        }
    }
    let mut single = GrayImage::new(31, 17);
    single.put_pixel(30, 0, Luma([9]));
    check_against_brute_force(single.clone(), 1000);
    check_against_brute_force(single, 5);
}

#[test]
fn alpha_is_the_mask_inside_then_fades_to_exactly_zero() {
    let mut g = GrayImage::new(200, 200);
    for y in 80..120 {
        for x in 80..120 {
            g.put_pixel(x, y, Luma([if x < 100 { 255 } else { 128 }]));
        }
    }
    let mask = Mask::from_gray(g, 200, 200).unwrap();
    let plan = plan_masked_edit(&mask, &[(1, 1)], &EditOptions::default()).unwrap();
    assert_eq!(plan.band, 4);
    let fa = FeatherAlpha::compute(&mask, &plan).unwrap();
    assert_eq!(fa.alpha(90, 100), 1.0);
    assert_eq!(fa.alpha(110, 100), 128.0 / 255.0);
    // Left of the full-strength half: fades from 1; right of the grey half: from 128/255.
    let left: Vec<f32> = (76..80).rev().map(|x| fa.alpha(x, 100)).collect();
    assert!(
        left.windows(2).all(|p| p[0] > p[1] && p[1] > 0.0),
        "{left:?}"
    );
    assert_eq!(fa.alpha(75, 100), 0.0, "5 px out, beyond the 4 px band");
    assert!(fa.alpha(121, 100) < fa.alpha(78, 100));
    assert!(fa.alpha(123, 100) > 0.0);
    assert_eq!(fa.alpha(124, 100), 0.0);
    assert_eq!(fa.alpha(0, 0), 0.0);
    // Diagonally from the corner (119, 119): √8 ≈ 2.8 px is inside the band, √18 ≈ 4.2 beyond.
    assert!(fa.alpha(121, 121) > 0.0);
    assert_eq!(fa.alpha(122, 122), 0.0);
    // The ring: 4 < d ≤ 6.
    assert!(fa.in_ring(124, 100) && fa.in_ring(125, 100));
    assert!(!fa.in_ring(123, 100) && !fa.in_ring(126, 100));
}
