//! What images cost: the catalog's default prices with a profile's own overrides applied, and the
//! rounding every total uses. Prices are defaults: a person can override any (model, size) price in
//! Settings, since the reseller publishes none and a contract may differ.

use serde::{Deserialize, Serialize};

use super::models::Model;
use super::sizes::ImageSize;
use crate::{CoreError, Result};

/// A person's own price for one model and size (USD per image).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PriceOverride {
    pub model: Model,
    pub size: ImageSize,
    pub usd: f64,
}

/// The catalog with a profile's price overrides applied. Cheap to clone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prices {
    overrides: Vec<PriceOverride>,
}

impl Prices {
    /// Refuses prices that are not a finite number of dollars between 0 and 100, or that name a
    /// size the model does not offer.
    pub fn new(overrides: &[PriceOverride]) -> Result<Self> {
        for o in overrides {
            if !o.usd.is_finite() || !(0.0..=100.0).contains(&o.usd) {
                return Err(CoreError::InvalidInput(format!(
                    "the {} {} price must be between $0 and $100 per image",
                    o.model.info().label,
                    o.size
                )));
            }
            if o.model.info().size(o.size).is_none() {
                return Err(CoreError::InvalidInput(format!(
                    "{} has no {} size to price",
                    o.model.info().label,
                    o.size
                )));
            }
        }
        Ok(Self {
            overrides: overrides.to_vec(),
        })
    }

    /// USD per image; 0 for a size the model does not offer (validation refuses those first).
    pub fn per_image(&self, model: Model, size: ImageSize) -> f64 {
        self.own(model, size)
            .or_else(|| model.info().size(size).map(|s| s.price_usd))
            .unwrap_or(0.0)
    }

    /// The person's own price for `model` and `size`, if they set one (the last one set wins).
    pub fn own(&self, model: Model, size: ImageSize) -> Option<f64> {
        self.overrides
            .iter()
            .rev()
            .find(|o| o.model == model && o.size == size)
            .map(|o| o.usd)
    }

    /// The estimate for `count` images, rounded to a hundredth of a cent so sums stay readable.
    pub fn estimate(&self, model: Model, size: ImageSize, count: u32) -> f64 {
        round_usd(self.per_image(model, size) * f64::from(count))
    }
}

/// Rounds to a hundredth of a cent.
pub fn round_usd(usd: f64) -> f64 {
    (usd * 10_000.0).round() / 10_000.0
}

/// Rounds to a millionth of a dollar, the unit costs are stored in: a blocked prompt's few input
/// tokens cost less than a hundredth of a cent and still count.
pub fn round_micro_usd(usd: f64) -> f64 {
    (usd * 1_000_000.0).round() / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_win_and_are_checked() {
        let p = Prices::new(&[PriceOverride {
            model: Model::NanoBanana2,
            size: ImageSize::S2K,
            usd: 0.05,
        }])
        .unwrap();
        assert_eq!(p.per_image(Model::NanoBanana2, ImageSize::S2K), 0.05);
        assert_eq!(p.estimate(Model::NanoBanana2, ImageSize::S2K, 3), 0.15);
        assert_eq!(p.per_image(Model::NanoBanana2, ImageSize::S1K), 0.067);
        let bad = |model, size, usd| Prices::new(&[PriceOverride { model, size, usd }]).is_err();
        assert!(bad(Model::NanoBanana2, ImageSize::S1K, -1.0));
        assert!(bad(Model::NanoBanana2, ImageSize::S1K, f64::NAN));
        assert!(
            bad(Model::NanoBanana, ImageSize::S4K, 0.1),
            "nano-banana has no 4K"
        );
    }
}
