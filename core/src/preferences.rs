//! A profile's preferences, kept in its library (`settings` table, one JSON document) so they
//! travel with the library: generation defaults, the price table, budget, concurrency,
//! notifications. Secrets are not preferences: the API keys live in the OS keychain (see
//! [`crate::accounts::secrets`]); where the library syncs is its sync setup
//! ([`crate::sync::SyncSetup`]); how the process runs is its [`crate::CoreConfig`].

use serde::{Deserialize, Serialize};

use crate::catalog::AspectRatio;
use crate::catalog::{ImageSize, MAX_IMAGES, Model, PriceOverride, Prices};
use crate::library::Library;
use crate::queue::{DEFAULT_RECOVERY_WINDOW_DAYS, MoneySettings};
use crate::{CoreError, Result};

pub use crate::config::MAX_CONCURRENCY;

/// The key of the preferences in the library's `settings` table.
const SETTINGS_KEY: &str = "preferences";

/// Longest recovery window a person can choose, in days.
pub const MAX_RECOVERY_WINDOW_DAYS: u32 = 60;

/// Settings written by earlier versions (a four-size price table, preset sizes) still read: the
/// old table is ignored (the catalog prices per model now) and old size names map to tiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    pub default_model: Model,
    #[serde(deserialize_with = "crate::catalog::deserialize_saved_size")]
    #[cfg_attr(feature = "specta", specta(type = ImageSize))]
    pub default_size: ImageSize,
    pub default_aspect_ratio: AspectRatio,
    /// Images per generation, 1 to 4.
    pub default_count: u32,
    /// The user's own prices (USD per image) for a model and size; others come from the catalog.
    #[serde(default)]
    pub price_overrides: Vec<PriceOverride>,
    /// USD per calendar month (UTC); `None`: no budget.
    #[serde(default)]
    pub monthly_budget_usd: Option<f64>,
    /// What one image costs in the service's credits, if known; only then is a batch compared
    /// with the balance before it is sent.
    #[serde(default)]
    pub credits_per_image: Option<f64>,
    /// Recoverable jobs up to this many days old are recovered on their own at start.
    #[serde(default = "default_recovery_window_days")]
    pub recovery_window_days: u32,
    /// Jobs this app runs at once, 1 to [`MAX_CONCURRENCY`].
    pub concurrency: u32,
    /// A desktop notification when a job finishes while the window is in the background.
    pub notify_when_done: bool,
}

fn default_recovery_window_days() -> u32 {
    DEFAULT_RECOVERY_WINDOW_DAYS
}

impl Preferences {
    /// The defaults of a fresh library, with the concurrency of the configuration.
    pub fn defaults(concurrency: usize) -> Self {
        Self {
            default_model: Model::default(),
            default_size: ImageSize::default(),
            default_aspect_ratio: AspectRatio::default(),
            default_count: 1,
            price_overrides: Vec::new(),
            monthly_budget_usd: None,
            credits_per_image: None,
            recovery_window_days: DEFAULT_RECOVERY_WINDOW_DAYS,
            concurrency: u32::try_from(concurrency)
                .unwrap_or(MAX_CONCURRENCY)
                .clamp(1, MAX_CONCURRENCY),
            notify_when_done: true,
        }
    }

    /// What the queue applies.
    pub fn money(&self) -> Result<MoneySettings> {
        Ok(MoneySettings {
            prices: Prices::new(&self.price_overrides)?,
            monthly_budget_usd: self.monthly_budget_usd,
            credits_per_image: self.credits_per_image,
            recovery_window_days: self.recovery_window_days,
        })
    }

    /// Refuses values the queue could not honour, with a message naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.default_model == Model::Demo {
            return Err(CoreError::InvalidInput(
                "the default model must be a real model; the demo is used only without an API key"
                    .into(),
            ));
        }
        if self.default_model.info().size(self.default_size).is_none() {
            return Err(CoreError::InvalidInput(format!(
                "{} does not offer the default size {}",
                self.default_model.info().label,
                self.default_size
            )));
        }
        if !(1..=u32::from(MAX_IMAGES)).contains(&self.default_count) {
            return Err(CoreError::InvalidInput(format!(
                "images per generation must be between 1 and {MAX_IMAGES}"
            )));
        }
        if !(1..=MAX_CONCURRENCY).contains(&self.concurrency) {
            return Err(CoreError::InvalidInput(format!(
                "concurrency must be between 1 and {MAX_CONCURRENCY}"
            )));
        }
        Prices::new(&self.price_overrides)?;
        if let Some(budget) = self.monthly_budget_usd
            && (!budget.is_finite() || !(0.0..=100_000.0).contains(&budget))
        {
            return Err(CoreError::InvalidInput(
                "the monthly budget must be between $0 and $100,000".into(),
            ));
        }
        if let Some(credits) = self.credits_per_image
            && (!credits.is_finite() || credits <= 0.0)
        {
            return Err(CoreError::InvalidInput(
                "credits per image must be a positive number".into(),
            ));
        }
        if !(1..=MAX_RECOVERY_WINDOW_DAYS).contains(&self.recovery_window_days) {
            return Err(CoreError::InvalidInput(format!(
                "the recovery window must be between 1 and {MAX_RECOVERY_WINDOW_DAYS} days"
            )));
        }
        Ok(())
    }
}

impl Preferences {
    /// The saved preferences of `library`, or `None` if it has never saved any. A document that
    /// no longer reads (written by a newer version, edited by hand) is logged and the defaults
    /// apply: generating must not stop over a preference.
    pub async fn load(library: &Library) -> Result<Option<Preferences>> {
        match library.read_setting(SETTINGS_KEY).await {
            Ok(found) => Ok(found),
            Err(CoreError::Unreadable(reason)) => {
                tracing::warn!(%reason, "saved preferences are unreadable; using defaults");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Validates and saves them.
    pub async fn save(&self, library: &Library) -> Result<()> {
        self.validate()?;
        library.write_setting(SETTINGS_KEY, self).await?;
        library.changes().preferences();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_saved_by_the_previous_release_still_read() {
        let old = r#"{"defaultModel":"nano-banana","defaultSize":"ultra","defaultAspectRatio":"16:9",
            "defaultCount":2,"prices":{"fast":0.005,"balanced":0.01,"quality":0.0125,"ultra":0.045},
            "concurrency":3,"notifyWhenDone":false}"#;
        let settings: Preferences = serde_json::from_str(old).unwrap();
        assert_eq!(settings.default_size, ImageSize::S2K);
        assert_eq!((settings.default_count, settings.concurrency), (2, 3));
        assert!(
            settings.price_overrides.is_empty(),
            "the old table is not a price any more"
        );
        assert_eq!(settings.recovery_window_days, DEFAULT_RECOVERY_WINDOW_DAYS);
    }
}
