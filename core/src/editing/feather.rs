//! The blend alpha: the mask's own value inside it, then a smoothstep fade across a band of
//! `band` pixels outside it, and exactly 0 beyond (no Gaussian tail that would touch far pixels).
//!
//! Distances come from an exact Euclidean feature transform (Felzenszwalb & Huttenlocher,
//! "Distance Transforms of Sampled Functions") that also tracks *which* mask pixel is nearest:
//! a band pixel fades from that pixel's value, so a soft grey brush edge stays soft instead of
//! jumping to full strength just outside it. imageproc's exact transform gives distances only,
//! runs on one thread in f64, and would add nalgebra, rand and friends to the core's build.

use rayon::prelude::*;

use super::crop::EditPlan;
use super::error::{MaskedEditError, Result};
use super::mask::{Mask, PixelRect};

const FAR: u32 = u32::MAX;
/// Columns per pass-1 task: wide enough to read mask rows in long runs.
const STRIP: usize = 256;

/// Distances to the mask over the bounding box grown by band and ring, and the alpha they give.
#[derive(Debug, Clone)]
pub struct FeatherAlpha {
    region: PixelRect,
    blend: PixelRect,
    band: u32,
    ring: u32,
    /// Squared distance to the nearest non-zero mask pixel, row-major over `region`.
    dist2: Vec<u32>,
    /// That pixel's mask value.
    nearest: Vec<u8>,
}

impl FeatherAlpha {
    /// Refuses a plan made for another mask or image (its regions would not fit this mask).
    pub fn compute(mask: &Mask, plan: &EditPlan) -> Result<FeatherAlpha> {
        let (w, h) = (mask.width(), mask.height());
        if (plan.image_width, plan.image_height) != (w, h) || plan.mask_bbox != mask.bbox() {
            return Err(MaskedEditError::PlanMismatch);
        }
        let region = plan.answer_region();
        let reach = plan.band.saturating_add(plan.ring);
        let (dist2, nearest) = feature_transform(mask, region, reach);
        Ok(FeatherAlpha {
            region,
            blend: mask.bbox().grown_within(plan.band, w, h),
            band: plan.band,
            ring: plan.ring,
            dist2,
            nearest,
        })
    }

    pub fn band(&self) -> u32 {
        self.band
    }

    /// Where alpha can be non-zero: the mask's bounding box grown by the band.
    pub fn blend_region(&self) -> PixelRect {
        self.blend
    }

    /// Where distances are known: the bounding box grown by band and ring (inside the image).
    pub fn region(&self) -> PixelRect {
        self.region
    }

    /// Alpha at image pixel (x, y): 0 anywhere farther than the band from the mask.
    pub fn alpha(&self, x: u32, y: u32) -> f32 {
        match self.index(x, y) {
            Some(i) => alpha_of(self.dist2[i], self.nearest[i], self.band),
            None => 0.0,
        }
    }

    /// Pixel (x, y) lies in the ring just outside the band, where seam colours are fitted.
    pub fn in_ring(&self, x: u32, y: u32) -> bool {
        self.index(x, y).is_some_and(|i| self.ring_at(i))
    }

    pub(super) fn ring_at(&self, i: usize) -> bool {
        let d2 = u64::from(self.dist2[i]);
        let outer = u64::from(self.band) + u64::from(self.ring);
        d2 > u64::from(self.band) * u64::from(self.band) && d2 <= outer * outer
    }

    /// Alpha for a row of `region` (index = y − region.y), as (squared distances, nearest values).
    pub(super) fn row(&self, region_row: usize) -> (&[u32], &[u8]) {
        let w = self.region.width as usize;
        let span = region_row * w..(region_row + 1) * w;
        (&self.dist2[span.clone()], &self.nearest[span])
    }

    fn index(&self, x: u32, y: u32) -> Option<usize> {
        self.region.contains(x, y).then(|| {
            (y - self.region.y) as usize * self.region.width as usize + (x - self.region.x) as usize
        })
    }
}

/// 1 − smoothstep over the band, scaled by the nearest mask value; 0 beyond the band. A pixel at
/// distance `band` still gets a little alpha, so the fade never ends in a step.
pub(super) fn alpha_of(dist2: u32, nearest: u8, band: u32) -> f32 {
    let strength = f32::from(nearest) / 255.0;
    if dist2 == 0 {
        return strength;
    }
    if u64::from(dist2) > u64::from(band) * u64::from(band) {
        return 0.0;
    }
    let t = (dist2 as f32).sqrt() / (band as f32 + 1.0);
    strength * (1.0 - t * t * (3.0 - 2.0 * t))
}

/// Squared distance to, and value of, the nearest non-zero mask pixel for every pixel of
/// `region` (which holds the whole mask bounding box, so no nearer pixel lies outside it).
/// Only distances up to `reach` matter (band + ring): a pixel farther away gets `FAR`, which
/// lets both passes drop far columns early.
fn feature_transform(mask: &Mask, region: PixelRect, reach: u32) -> (Vec<u32>, Vec<u8>) {
    let (rw, rh) = (region.width as usize, region.height as usize);
    let (mw, values) = (mask.width() as usize, mask.values().as_raw());
    let mask_row = |ry: usize| {
        let start = (region.y as usize + ry) * mw + region.x as usize;
        &values[start..start + rw]
    };

    // Pass 1, per column: distance to and row of the nearest mask pixel in the same column.
    // Columns are cut into strips so both cores share the work while reading the mask by rows.
    let strip = STRIP.min(rw).max(1);
    let strips: Vec<ColumnStrip> = (0..rw)
        .step_by(strip)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|x0| column_pass(&mask_row, rh, x0, (x0 + strip).min(rw), reach))
        .collect();

    // Pass 2, per row: the lower envelope of the parabolas (x − q)² + column distance(q)².
    let limit = u64::from(reach) * u64::from(reach);
    let mut dist2 = vec![FAR; rw * rh];
    let mut nearest = vec![0u8; rw * rh];
    dist2
        .par_chunks_mut(rw)
        .zip(nearest.par_chunks_mut(rw))
        .enumerate()
        .for_each_init(
            || RowScratch::new(rw),
            |scratch, (ry, (d_out, n_out))| {
                scratch.gather(&strips, ry);
                let RowScratch { dist, rows, hull } = scratch;
                row_pass(dist, hull, |x, d2, q| {
                    if u64::from(d2) <= limit {
                        d_out[x] = d2;
                        n_out[x] = mask_row(rows[q] as usize)[q];
                    }
                });
            },
        );
    (dist2, nearest)
}

/// One row of pass-1 results gathered from the strips, and the envelope's buffer.
struct RowScratch {
    dist: Vec<u32>,
    rows: Vec<u32>,
    hull: Vec<Parabola>,
}

impl RowScratch {
    fn new(width: usize) -> RowScratch {
        RowScratch {
            dist: Vec::with_capacity(width),
            rows: Vec::with_capacity(width),
            hull: Vec::with_capacity(width),
        }
    }

    fn gather(&mut self, strips: &[ColumnStrip], ry: usize) {
        self.dist.clear();
        self.rows.clear();
        for strip in strips {
            let span = ry * strip.width..(ry + 1) * strip.width;
            self.dist.extend_from_slice(&strip.dist[span.clone()]);
            self.rows.extend_from_slice(&strip.rows[span]);
        }
    }
}

/// Pass-1 results for a strip of columns, row-major within the strip.
struct ColumnStrip {
    width: usize,
    /// Vertical distance to the nearest mask pixel in the column (`FAR`: none within reach).
    dist: Vec<u32>,
    /// That pixel's row.
    rows: Vec<u32>,
}

/// Two sweeps down the columns `[x0, x1)`.
fn column_pass<'a>(
    mask_row: &impl Fn(usize) -> &'a [u8],
    rh: usize,
    x0: usize,
    x1: usize,
    reach: u32,
) -> ColumnStrip {
    let sw = x1 - x0;
    let reach = i64::from(reach);
    let mut dist = vec![FAR; sw * rh];
    let mut rows = vec![0u32; sw * rh];
    // Row of the last mask pixel seen in each column; far enough away to start with.
    let none = -(reach + 1);
    let mut last = vec![none; sw];
    for y in 0..rh {
        let (m, d, r) = (
            &mask_row(y)[x0..x1],
            &mut dist[y * sw..(y + 1) * sw],
            &mut rows[y * sw..(y + 1) * sw],
        );
        for i in 0..sw {
            if m[i] != 0 {
                last[i] = y as i64;
            }
            if y as i64 - last[i] <= reach {
                d[i] = (y as i64 - last[i]) as u32;
                r[i] = last[i] as u32;
            }
        }
    }
    let none = rh as i64 + reach + 1;
    last.iter_mut().for_each(|l| *l = none);
    for y in (0..rh).rev() {
        let (m, d, r) = (
            &mask_row(y)[x0..x1],
            &mut dist[y * sw..(y + 1) * sw],
            &mut rows[y * sw..(y + 1) * sw],
        );
        for i in 0..sw {
            if m[i] != 0 {
                last[i] = y as i64;
            }
            let below = last[i] - y as i64;
            if below < i64::from(d[i]) && below <= reach {
                d[i] = below as u32;
                r[i] = last[i] as u32;
            }
        }
    }
    ColumnStrip {
        width: sw,
        dist,
        rows,
    }
}

/// A parabola of the lower envelope: centred on column `q`, lowest from `from_num / from_den`.
#[derive(Clone, Copy)]
struct Parabola {
    q: i64,
    /// q² + f(q), the parabola's constant term.
    c: i64,
    from_num: i64,
    from_den: i64,
}

/// Exact 1-D squared distance transform of `dist²` along a row (Felzenszwalb & Huttenlocher),
/// in integers: intersections are compared as fractions, never divided.
/// `emit(x, d², q)` for every x, with q the column of the nearest parabola.
fn row_pass(dist: &[u32], hull: &mut Vec<Parabola>, mut emit: impl FnMut(usize, u32, usize)) {
    hull.clear();
    for (q, &d) in dist.iter().enumerate() {
        // Inside a run of mask pixels only the run's ends can be nearest to anything outside
        // it (those inside are their own nearest, below): most of a big mask's row is skipped.
        let inside_run = d == 0 && q > 0 && dist.get(q + 1) == Some(&0) && dist[q - 1] == 0;
        if d == FAR || inside_run {
            continue;
        }
        let q = q as i64;
        let c = q * q + i64::from(d) * i64::from(d);
        loop {
            let Some(top) = hull.last() else {
                hull.push(Parabola {
                    q,
                    c,
                    from_num: i64::MIN,
                    from_den: 1,
                });
                break;
            };
            // Where this parabola drops below the top one: (c − top.c) / (2 (q − top.q)).
            let (num, den) = (c - top.c, 2 * (q - top.q));
            // num/den ≤ top.from ⇔ num · top.den ≤ top.num · den (both denominators > 0).
            if hull.len() > 1 && num * top.from_den <= top.from_num * den {
                hull.pop();
                continue;
            }
            hull.push(Parabola {
                q,
                c,
                from_num: num,
                from_den: den,
            });
            break;
        }
    }
    if hull.is_empty() {
        return;
    }
    let mut k = 0;
    for (x, &d) in dist.iter().enumerate() {
        if d == 0 {
            emit(x, 0, x);
            continue;
        }
        let xi = x as i64;
        while k + 1 < hull.len() && hull[k + 1].from_num < xi * hull[k + 1].from_den {
            k += 1;
        }
        let p = hull[k];
        let d2 = (xi - p.q) * (xi - p.q) + (p.c - p.q * p.q);
        emit(x, d2.min(i64::from(FAR - 1)) as u32, p.q as usize);
    }
}

#[cfg(test)]
#[path = "feather_tests.rs"]
mod tests;
