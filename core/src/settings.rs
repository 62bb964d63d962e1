//! A profile's preferences, kept in its library (`settings` table, one JSON document) so they
//! travel with the library: generation defaults, the price table, concurrency, notifications.
//! Secrets are not preferences: the API key lives in the OS keychain (see [`crate::accounts::secrets`]).

use serde::{Deserialize, Serialize};

use crate::library::Library;
use crate::providers::{AspectRatio, MAX_IMAGES, Model, PriceTable, SizePreset};
use crate::{CoreError, Result};

/// Most jobs one process may run at once; more only queues at the service.
pub const MAX_CONCURRENCY: u32 = 8;

const SETTINGS_KEY: &str = "preferences";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub default_model: Model,
    pub default_size: SizePreset,
    pub default_aspect_ratio: AspectRatio,
    /// Images per generation, 1 to 4.
    pub default_count: u32,
    /// USD per image by size; what a job's cost is computed from.
    pub prices: PriceTable,
    /// Jobs this app runs at once, 1 to [`MAX_CONCURRENCY`].
    pub concurrency: u32,
    /// A desktop notification when a job finishes while the window is in the background.
    pub notify_when_done: bool,
}

impl Settings {
    /// The defaults of a fresh library, with the price table and concurrency of the configuration.
    pub fn defaults(prices: PriceTable, concurrency: usize) -> Self {
        Self {
            default_model: Model::NanoBanana,
            default_size: SizePreset::Quality,
            default_aspect_ratio: AspectRatio::default(),
            default_count: 1,
            prices,
            concurrency: u32::try_from(concurrency)
                .unwrap_or(MAX_CONCURRENCY)
                .clamp(1, MAX_CONCURRENCY),
            notify_when_done: true,
        }
    }

    /// Refuses values the queue could not honour, with a message naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.default_model == Model::Demo {
            return Err(CoreError::InvalidInput(
                "the default model must be a Nano Banana model; the demo is used only without an API key".into(),
            ));
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
        let p = &self.prices;
        for (name, price) in [
            ("Fast", p.fast),
            ("Balanced", p.balanced),
            ("Quality", p.quality),
            ("Ultra", p.ultra),
        ] {
            if !price.is_finite() || !(0.0..=100.0).contains(&price) {
                return Err(CoreError::InvalidInput(format!(
                    "the {name} price must be between $0 and $100 per image"
                )));
            }
        }
        Ok(())
    }
}

impl Library {
    /// The saved settings, or `None` if this library has never saved any. A document that no
    /// longer parses (written by a newer version) also reads as `None`, so defaults apply.
    pub async fn load_settings(&self) -> Result<Option<Settings>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(SETTINGS_KEY)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.and_then(|(json,)| match serde_json::from_str(&json) {
            Ok(settings) => Some(settings),
            Err(e) => {
                tracing::warn!(error = %e, "saved settings are unreadable; using defaults");
                None
            }
        }))
    }

    pub async fn save_settings(&self, settings: &Settings) -> Result<()> {
        settings.validate()?;
        let json = serde_json::to_string(settings)
            .map_err(|e| CoreError::Internal(format!("settings could not be encoded: {e}")))?;
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(SETTINGS_KEY)
        .bind(json)
        .bind(crate::clock::now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
