//! The profile's preferences (applied to the running queue at once) and its keys (kept in the
//! secret store, per profile; the page sees them masked).

use serde::Serialize;

use super::Session;
use crate::Result;
use crate::accounts::{KeySource, Secret, SecretPurpose};
use crate::preferences::Preferences;
use crate::queue::{ProviderKind, Queue};

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

impl Session {
    /// The profile's preferences: saved ones, else the defaults.
    pub async fn preferences(&self) -> Result<Preferences> {
        Ok(Preferences::load(&self.library)
            .await?
            .unwrap_or_else(|| Preferences::defaults(self.config().concurrency)))
    }

    /// Validates and saves `preferences`, and applies them to the running queue: new jobs use the
    /// new prices and concurrency at once.
    pub async fn update_preferences(&self, preferences: Preferences) -> Result<Preferences> {
        preferences.save(&self.library).await?;
        apply(&self.queue, &preferences);
        Ok(preferences)
    }

    /// The open profile's key for `purpose`: masked, where it came from, or why it can't be read.
    pub async fn key_status(&self, purpose: SecretPurpose) -> Result<ApiKeyStatus> {
        let provider = self.queue.default_provider().await?;
        let (found, keychain_error) = match self.secrets().resolve(&self.profile.id, purpose).await
        {
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
        self.secrets().set(&self.profile.id, purpose, key).await?;
        self.queue.keys_changed().await;
        self.key_status(purpose).await
    }

    /// Removes the open profile's key (an environment variable, if set, still applies).
    pub async fn clear_key(&self, purpose: SecretPurpose) -> Result<ApiKeyStatus> {
        self.secrets().delete(&self.profile.id, purpose).await?;
        self.queue.keys_changed().await;
        self.key_status(purpose).await
    }
}

/// New prices, budget and concurrency apply to the running queue at once. Preferences that no
/// longer validate (edited by hand) keep the defaults.
pub(super) fn apply(queue: &Queue, preferences: &Preferences) {
    match preferences.money() {
        Ok(money) => queue.set_money(money),
        Err(e) => tracing::warn!(error = %e, "saved money preferences are invalid; using defaults"),
    }
    queue.set_concurrency(usize::try_from(preferences.concurrency).unwrap_or(1));
}
