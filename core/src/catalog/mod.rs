//! The model catalog: every rule about models and providers in one place, as data — which
//! provider serves a model and how that provider takes input images, the sizes and aspect ratios a
//! model offers, its input-image and prompt limits, how many images one task makes, and what each
//! size costs. Validation, pricing, the queue, the UI's pickers (through the bindings) and the CLI
//! all read it; nothing copies these rules. A leaf of the core: it depends on nothing but the
//! error type.

mod builtin;
mod choice;
mod models;
mod prices;
mod providers;
mod ratios;
mod sizes;

pub use builtin::builtin;
pub use choice::UnknownChoice;
pub use models::{Model, ModelInfo, PriceBasis, SizeOption};
pub use prices::{PriceOverride, Prices, round_micro_usd, round_usd};
pub use providers::{InputMode, ProviderInfo, ProviderKind};
pub use ratios::AspectRatio;
pub use sizes::ImageSize;
pub(crate) use sizes::deserialize_saved_size;

/// The most images one generation may ask for.
pub const MAX_IMAGES: u8 = 4;

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
}
