//! The settings screen's side of [`AppCore`]: preferences (applied to the running queue at once),
//! the API key (kept in the OS keychain) and reading generation settings out of a dropped file.

use serde::Serialize;

use crate::config::KeySetting;
use crate::library::{MAX_FILE_BYTES, RecalledSettings, read_generation_metadata};
use crate::queue::ProviderKind;
use crate::secrets::{ApiKey, KeySource, resolve_api_key_with};
use crate::settings::Settings;
use crate::{AppCore, CoreError, Result};

/// What the settings screen shows about the API key. The key itself never leaves the core.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyStatus {
    pub configured: bool,
    /// Eight bullets and the last four characters.
    pub masked: Option<String>,
    /// `None` when the key was given by the configuration (tests) or there is none.
    pub source: Option<KeySource>,
    /// The provider new generations use: Nano Banana with a key, else the offline demo.
    pub provider: ProviderKind,
    /// Why the keychain could not be read, if it could not.
    pub keychain_error: Option<String>,
}

impl AppCore {
    /// The profile's settings: saved ones, else the defaults.
    pub async fn settings(&self) -> Result<Settings> {
        let config = self.config();
        Ok(self
            .library()
            .load_settings()
            .await?
            .unwrap_or_else(|| Settings::defaults(config.prices, config.concurrency)))
    }

    /// Validates and saves `settings`, and applies them to the running queue: new jobs use the
    /// new prices and concurrency at once.
    pub async fn update_settings(&self, settings: Settings) -> Result<Settings> {
        self.library().save_settings(&settings).await?;
        self.apply_settings(&settings).await;
        Ok(settings)
    }

    pub(crate) async fn apply_settings(&self, settings: &Settings) {
        self.queue().set_prices(settings.prices).await;
        self.queue()
            .set_concurrency(usize::try_from(settings.concurrency).unwrap_or(1));
    }

    pub async fn api_key_status(&self) -> Result<ApiKeyStatus> {
        let provider = self.default_provider().await?;
        let (found, keychain_error) = match &self.config().api_key {
            KeySetting::NoKey => (None, None),
            KeySetting::Fixed(key) => (Some((key.clone(), None)), None),
            KeySetting::Resolve => match resolve_api_key_with(&self.config().key_store).await {
                Ok(found) => (found.map(|(key, source)| (key, Some(source))), None),
                Err(e) => (None, Some(e.to_string())),
            },
        };
        Ok(ApiKeyStatus {
            configured: found.is_some(),
            masked: found.as_ref().map(|(key, _)| key.masked()),
            source: found.and_then(|(_, source)| source),
            provider,
            keychain_error,
        })
    }

    /// Saves the key in the OS keychain and switches new generations to Nano Banana.
    pub async fn set_api_key(&self, key: String) -> Result<ApiKeyStatus> {
        let key = ApiKey::new(key)?;
        self.config().key_store.set_async(key).await?;
        self.queue().set_api_key(KeySetting::Resolve).await;
        self.api_key_status().await
    }

    /// Removes the key from the keychain; new generations use the demo provider (unless
    /// `NANOBANANA_API_KEY` is set).
    pub async fn clear_api_key(&self) -> Result<ApiKeyStatus> {
        self.config().key_store.delete_async().await?;
        self.queue().set_api_key(KeySetting::Resolve).await;
        self.api_key_status().await
    }

    /// The absolute path of image `id`'s original.
    pub async fn image_file(&self, id: &str) -> Result<std::path::PathBuf> {
        let image = self.library().get_image(id).await?;
        self.library().absolute_path(&image.path)
    }

    /// Generation settings embedded in an image file (ours, AUTOMATIC1111, ComfyUI, InvokeAI).
    pub async fn read_image_metadata(&self, bytes: Vec<u8>) -> Result<Option<RecalledSettings>> {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(CoreError::ImageTooLarge(format!(
                "the file is larger than {} MiB",
                MAX_FILE_BYTES >> 20
            )));
        }
        Ok(tokio::task::spawn_blocking(move || read_generation_metadata(&bytes)).await?)
    }
}
