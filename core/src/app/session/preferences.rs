//! The profile's preferences (applied to the running queue at once) and its keys (kept in the
//! secret store, per profile; the page sees them masked).

use serde::Serialize;

use super::Session;
use crate::accounts::{KeySource, Secret, SecretPurpose};
use crate::preferences::Preferences;
use crate::providers::ProviderError;
use crate::queue::{ProviderKind, Queue};
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
        if !SecretPurpose::ALL.contains(&purpose) {
            return Err(CoreError::InvalidInput(format!(
                "the {} belongs to the device, not a profile (Settings → Account)",
                purpose.label()
            )));
        }
        let key = Secret::new(key)?;
        self.secrets().set(&self.profile.id, purpose, key).await?;
        self.queue.keys_changed().await;
        self.key_status(purpose).await
    }

    /// Saves a key after asking its service whether it takes it (the welcome and Settings): a
    /// refused key is an error and nothing is saved; a service that cannot be reached (offline)
    /// leaves it saved as "not checked yet".
    pub async fn check_and_set_key(
        &self,
        purpose: SecretPurpose,
        key: String,
    ) -> Result<CheckedKey> {
        if !matches!(
            purpose,
            SecretPurpose::NanoBananaKey | SecretPurpose::GeminiKey
        ) {
            return Err(CoreError::InvalidInput(format!(
                "the {} is not checked here",
                purpose.label()
            )));
        }
        let secret = Secret::new(key.clone())?;
        let (check, reason) = match crate::queue::check_key(self.config(), purpose, secret).await {
            Ok(()) => (KeyCheck::Accepted, None),
            // The service knew the key: it only has no credit left.
            Err(e @ ProviderError::OutOfCredits { .. }) => {
                (KeyCheck::Accepted, Some(e.to_string()))
            }
            Err(e @ (ProviderError::ApiKeyRejected { .. } | ProviderError::InvalidInput(_))) => {
                return Err(e.into());
            }
            Err(e) => (KeyCheck::NotChecked, Some(e.to_string())),
        };
        let status = self.set_key(purpose, key).await?;
        Ok(CheckedKey {
            status,
            check,
            reason,
        })
    }

    /// Removes the open profile's key (an environment variable, if set, still applies).
    pub async fn clear_key(&self, purpose: SecretPurpose) -> Result<ApiKeyStatus> {
        self.secrets().delete(&self.profile.id, purpose).await?;
        self.queue.keys_changed().await;
        self.key_status(purpose).await
    }
}

/// What a key check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum KeyCheck {
    /// The service took it.
    Accepted,
    /// The service could not be asked (offline, down): saved, "not checked yet".
    NotChecked,
}

/// A key saved after its check.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CheckedKey {
    pub status: ApiKeyStatus,
    pub check: KeyCheck,
    /// Why it was not checked, or what the service added (no credit left).
    pub reason: Option<String>,
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
