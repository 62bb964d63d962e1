//! The settings screen's side of [`AppCore`]: the open profile's preferences (applied to the
//! running queue at once), its keys (kept in the secret store, per profile), and reading
//! generation settings out of a dropped file.

use serde::Serialize;

use super::AppCore;
use super::session::apply_settings;
use crate::accounts::{KeySource, Secret, SecretPurpose};
use crate::library::{MAX_FILE_BYTES, RecalledSettings, read_generation_metadata};
use crate::queue::ProviderKind;
use crate::settings::Settings;
use crate::{CoreError, Result};

/// What the settings screen shows about one key. The key itself never leaves the core.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyStatus {
    pub purpose: SecretPurpose,
    pub configured: bool,
    /// Eight bullets and the last four characters.
    pub masked: Option<String>,
    pub source: Option<KeySource>,
    /// The provider new generations use by default.
    pub provider: ProviderKind,
    /// Why the keychain could not be read, if it could not.
    pub keychain_error: Option<String>,
}

impl AppCore {
    /// The open profile's settings: saved ones, else the defaults.
    pub async fn settings(&self) -> Result<Settings> {
        let config = self.config();
        Ok(self
            .session()
            .library()
            .load_settings()
            .await?
            .unwrap_or_else(|| Settings::defaults(config.concurrency)))
    }

    /// Validates and saves `settings`, and applies them to the running queue: new jobs use the
    /// new prices and concurrency at once.
    pub async fn update_settings(&self, settings: Settings) -> Result<Settings> {
        let session = self.session();
        session.library().save_settings(&settings).await?;
        apply_settings(session.queue(), &settings).await;
        Ok(settings)
    }

    /// The open profile's key for `purpose`: masked, where it came from, or why it can't be read.
    pub async fn key_status(&self, purpose: SecretPurpose) -> Result<ApiKeyStatus> {
        let session = self.session();
        let provider = session.queue().default_provider().await?;
        let (found, keychain_error) =
            match self.secrets().resolve(&session.profile().id, purpose).await {
                Ok(found) => (found, None),
                Err(e) => (None, Some(e.to_string())),
            };
        Ok(ApiKeyStatus {
            purpose,
            configured: found.is_some(),
            masked: found.as_ref().map(|f| f.secret.masked()),
            source: found.map(|f| f.source),
            provider,
            keychain_error,
        })
    }

    /// Saves a key for the open profile; new generations use it at once.
    pub async fn set_key(&self, purpose: SecretPurpose, key: String) -> Result<ApiKeyStatus> {
        let key = Secret::new(key)?;
        let session = self.session();
        self.secrets()
            .set(&session.profile().id, purpose, key)
            .await?;
        session.queue().keys_changed().await;
        self.key_status(purpose).await
    }

    /// Removes the open profile's key (an environment variable, if set, still applies).
    pub async fn clear_key(&self, purpose: SecretPurpose) -> Result<ApiKeyStatus> {
        let session = self.session();
        self.secrets()
            .delete(&session.profile().id, purpose)
            .await?;
        session.queue().keys_changed().await;
        self.key_status(purpose).await
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
