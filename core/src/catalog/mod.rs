//! The model catalog: every rule about models in one place, as data — which provider serves a
//! model, the sizes and aspect ratios it offers, its input-image and prompt limits, how many images
//! one task makes, and what each size costs. Validation, pricing, the UI's pickers and the CLI all
//! read it; nothing copies these rules.
//!
//! Prices are defaults: a person can override any (model, size) price in Settings, since the
//! reseller publishes none and a contract may differ.

mod models;
mod sizes;

use serde::{Deserialize, Serialize};

pub use models::{Model, ModelInfo, PriceBasis, ProviderKind, SizeOption};
pub use sizes::ImageSize;
pub(crate) use sizes::deserialize_saved_size;

use crate::{CoreError, Result};

/// The most images one generation may ask for.
pub const MAX_IMAGES: u8 = 4;

/// Every model, in the order the UI lists them.
pub fn builtin() -> &'static [ModelInfo] {
    const ALL: &[ModelInfo] = &[
        models::NANO_BANANA_2,
        models::NANO_BANANA_PRO,
        models::NANO_BANANA,
        models::GEMINI_31_FLASH_IMAGE,
        models::GEMINI_3_PRO_IMAGE,
        models::GEMINI_25_FLASH_IMAGE,
        models::GEMINI_31_FLASH_LITE_IMAGE,
        models::DEMO,
    ];
    ALL
}

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
        self.overrides
            .iter()
            .rev()
            .find(|o| o.model == model && o.size == size)
            .map(|o| o.usd)
            .or_else(|| model.info().size(size).map(|s| s.price_usd))
            .unwrap_or(0.0)
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
    fn every_model_has_a_valid_default_and_sane_data() {
        for info in builtin() {
            assert!(info.size(info.default_size).is_some(), "{:?}", info.model);
            assert!(!info.aspect_ratios.is_empty());
            assert!(info.images_per_task >= 1);
            assert_eq!(info.model.info(), info);
            for s in info.sizes {
                assert!(
                    s.price_usd >= 0.0 && s.timeout_secs >= 60,
                    "{:?}",
                    info.model
                );
            }
        }
        // Pro is not priced like the original model any more.
        let p = Prices::default();
        assert!(
            p.per_image(Model::NanoBananaPro, ImageSize::S1K)
                > 5.0 * p.per_image(Model::NanoBanana, ImageSize::S1K)
        );
        assert!(
            Model::NanoBanana2.info().size(ImageSize::S4K).is_some(),
            "4K can be requested"
        );
    }

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
