//! Seam colour matching: models drift a little in exposure and white balance even where they
//! were told to change nothing, and that drift shows as a halo along the feather band. A
//! per-channel mean/std transfer (Reinhard-style, in sRGB) is fitted on a thin ring just outside
//! the band, where the answer should equal the original, and applied to every answer pixel that
//! is blended (the mask and its band), so the inside and the band shift together.
//!
//! sRGB rather than Lab: the drift is mostly a per-channel gain and offset, the fit then costs
//! one pass of integer sums, and the correction becomes a 256-entry table per channel.

use image::RgbaImage;
use rayon::prelude::*;

use super::align::AlignedAnswer;
use super::error::Result;
use super::feather::FeatherAlpha;

/// Fewer ring samples than this and the fit is noise: the answer is left as it is.
const MIN_SAMPLES: u64 = 64;
/// A gain outside this range means the ring saw different content, not drift.
const GAIN_RANGE: (f32, f32) = (0.5, 2.0);
/// Below this spread (in 8-bit levels) a channel is flat; only its mean is matched.
const FLAT_STD: f32 = 1.0;

/// `corrected = gain · answer + offset`, per RGB channel; alpha is never changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeamTransfer {
    pub gain: [f32; 3],
    pub offset: [f32; 3],
    /// Ring pixels the fit used (0: none, identity).
    pub samples: u64,
}

impl SeamTransfer {
    pub const IDENTITY: SeamTransfer = SeamTransfer {
        gain: [1.0; 3],
        offset: [0.0; 3],
        samples: 0,
    };

    /// Fits on the ring, where the answer should still equal the original.
    pub fn fit(
        original: &RgbaImage,
        aligned: &AlignedAnswer,
        alpha: &FeatherAlpha,
    ) -> Result<SeamTransfer> {
        aligned.check_fits(alpha, original)?;
        let region = alpha.region();
        let ow = original.width() as usize;
        let (src, ans) = (original.as_raw(), aligned.image.as_raw());
        let aw = aligned.region.width as usize;
        // Per channel: Σ original, Σ original², Σ answer, Σ answer², plus the count.
        let sums = (0..region.height as usize)
            .into_par_iter()
            .map(|ry| {
                let mut acc = Sums::default();
                let y = region.y as usize + ry;
                let ay = y - aligned.region.y as usize;
                let row_start = ry * region.width as usize;
                for rx in 0..region.width as usize {
                    if !alpha.ring_at(row_start + rx) {
                        continue;
                    }
                    let x = region.x as usize + rx;
                    let ax = x - aligned.region.x as usize;
                    let o = &src[(y * ow + x) * 4..][..3];
                    let a = &ans[(ay * aw + ax) * 4..][..3];
                    acc.add(o, a);
                }
                acc
            })
            .reduce(Sums::default, Sums::merge);
        Ok(sums.transfer())
    }

    /// The correction as lookup tables, one per RGB channel.
    pub fn tables(&self) -> [[u8; 256]; 3] {
        let mut tables = [[0u8; 256]; 3];
        for (c, table) in tables.iter_mut().enumerate() {
            for (v, out) in table.iter_mut().enumerate() {
                let mapped = self.gain[c] * v as f32 + self.offset[c];
                *out = mapped.round().clamp(0.0, 255.0) as u8;
            }
        }
        tables
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    original: [u64; 3],
    original_sq: [u64; 3],
    answer: [u64; 3],
    answer_sq: [u64; 3],
    count: u64,
}

impl Sums {
    fn add(&mut self, o: &[u8], a: &[u8]) {
        for c in 0..3 {
            let (ov, av) = (u64::from(o[c]), u64::from(a[c]));
            self.original[c] += ov;
            self.original_sq[c] += ov * ov;
            self.answer[c] += av;
            self.answer_sq[c] += av * av;
        }
        self.count += 1;
    }

    fn merge(mut self, other: Sums) -> Sums {
        for c in 0..3 {
            self.original[c] += other.original[c];
            self.original_sq[c] += other.original_sq[c];
            self.answer[c] += other.answer[c];
            self.answer_sq[c] += other.answer_sq[c];
        }
        self.count += other.count;
        self
    }

    fn transfer(&self) -> SeamTransfer {
        if self.count < MIN_SAMPLES {
            return SeamTransfer::IDENTITY;
        }
        let n = self.count as f64;
        let stats = |sum: u64, sum_sq: u64| {
            let mean = sum as f64 / n;
            let var = (sum_sq as f64 / n - mean * mean).max(0.0);
            (mean as f32, var.sqrt() as f32)
        };
        let mut transfer = SeamTransfer {
            samples: self.count,
            ..SeamTransfer::IDENTITY
        };
        for c in 0..3 {
            let (mo, so) = stats(self.original[c], self.original_sq[c]);
            let (ma, sa) = stats(self.answer[c], self.answer_sq[c]);
            let gain = if sa < FLAT_STD || so < FLAT_STD {
                1.0
            } else {
                (so / sa).clamp(GAIN_RANGE.0, GAIN_RANGE.1)
            };
            transfer.gain[c] = gain;
            transfer.offset[c] = mo - gain * ma;
        }
        transfer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(pairs: &[([u8; 3], [u8; 3])]) -> Sums {
        let mut s = Sums::default();
        for (o, a) in pairs {
            s.add(o, a);
        }
        s
    }

    #[test]
    fn a_uniform_drift_is_undone() {
        // The answer is the original, 10 levels brighter in red and 5 darker in blue.
        let pairs: Vec<_> = (0..200u32)
            .map(|i| {
                let v = (i % 100 + 50) as u8;
                ([v, v, v], [v + 10, v, v - 5])
            })
            .collect();
        let t = sums(&pairs).transfer();
        let tables = t.tables();
        for v in 50u8..150 {
            assert_eq!(tables[0][usize::from(v + 10)], v);
            assert_eq!(tables[1][usize::from(v)], v);
            assert_eq!(tables[2][usize::from(v - 5)], v);
        }
    }

    #[test]
    fn too_few_samples_leave_the_answer_alone() {
        let t = sums(&[([0, 0, 0], [255, 255, 255]); 10]).transfer();
        assert_eq!(t, SeamTransfer::IDENTITY);
    }

    #[test]
    fn a_wild_gain_is_clamped() {
        let pairs: Vec<_> = (0..100u8)
            .map(|i| ([i * 2, 0, 0], [100 + (i % 2), 0, 0]))
            .collect();
        let t = sums(&pairs).transfer();
        assert!(t.gain[0] <= GAIN_RANGE.1 && t.gain[0] >= GAIN_RANGE.0);
        assert_eq!(t.gain[1], 1.0, "a flat channel keeps its gain");
    }
}
