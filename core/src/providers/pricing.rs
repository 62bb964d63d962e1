//! What a generation costs and how long it may take. The service reports neither, so both come
//! from tables a person can change.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::SizePreset;

/// Price per image in US dollars by size preset. Defaults are the original Nanoforge's table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PriceTable {
    pub fast: f64,
    pub balanced: f64,
    pub quality: f64,
    pub ultra: f64,
}

impl Default for PriceTable {
    fn default() -> Self {
        Self {
            fast: 0.005,
            balanced: 0.010,
            quality: 0.0125,
            ultra: 0.045,
        }
    }
}

impl PriceTable {
    /// The demo provider's prices: nothing.
    pub const FREE: PriceTable = PriceTable {
        fast: 0.0,
        balanced: 0.0,
        quality: 0.0,
        ultra: 0.0,
    };

    pub fn per_image(&self, size: SizePreset) -> f64 {
        match size {
            SizePreset::Fast => self.fast,
            SizePreset::Balanced => self.balanced,
            SizePreset::Quality => self.quality,
            SizePreset::Ultra => self.ultra,
        }
    }

    /// Price of `count` images, rounded to a hundredth of a cent so sums stay readable.
    pub fn cost(&self, size: SizePreset, count: u8) -> f64 {
        let raw = self.per_image(size) * f64::from(count);
        (raw * 10_000.0).round() / 10_000.0
    }
}

/// How long a generation may take before the queue gives up, by size preset, in seconds. The
/// defaults cover the original table (Fast 15–30 s, Balanced 25–45 s, Quality 45–90 s,
/// Ultra 120–300 s) with room to spare and never less than two minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct GenerationTimeouts {
    pub fast_secs: u32,
    pub balanced_secs: u32,
    pub quality_secs: u32,
    pub ultra_secs: u32,
}

impl Default for GenerationTimeouts {
    fn default() -> Self {
        Self {
            fast_secs: 120,
            balanced_secs: 120,
            quality_secs: 180,
            ultra_secs: 360,
        }
    }
}

impl GenerationTimeouts {
    pub fn for_size(&self, size: SizePreset) -> Duration {
        let secs = match size {
            SizePreset::Fast => self.fast_secs,
            SizePreset::Balanced => self.balanced_secs,
            SizePreset::Quality => self.quality_secs,
            SizePreset::Ultra => self.ultra_secs,
        };
        Duration::from_secs(u64::from(secs))
    }

    /// The same timeout for every size (tests use short ones).
    pub fn uniform(secs: u32) -> Self {
        Self {
            fast_secs: secs,
            balanced_secs: secs,
            quality_secs: secs,
            ultra_secs: secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_prices_match_the_original_table() {
        let p = PriceTable::default();
        assert_eq!(p.cost(SizePreset::Fast, 1), 0.005);
        assert_eq!(p.cost(SizePreset::Balanced, 1), 0.01);
        assert_eq!(p.cost(SizePreset::Quality, 4), 0.05);
        assert_eq!(p.cost(SizePreset::Ultra, 2), 0.09);
        assert_eq!(PriceTable::FREE.cost(SizePreset::Ultra, 4), 0.0);
    }

    #[test]
    fn default_timeouts_cover_the_slowest_expected_generation() {
        let t = GenerationTimeouts::default();
        let slowest = [30, 45, 90, 300];
        for (size, slowest) in SizePreset::ALL.into_iter().zip(slowest) {
            assert!(t.for_size(size) >= Duration::from_secs(slowest.max(120)));
        }
    }
}
