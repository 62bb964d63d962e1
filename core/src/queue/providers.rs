//! The queue's providers: a [`Registry`] built with the profile's keys (environment, then the
//! secret store), so a fresh install without any key still produces (clearly labelled) demo
//! images. Rebuilt when the keys change; running jobs keep the registry they started with.

use crate::accounts::{SecretPurpose, Secrets};
use crate::catalog::ProviderKind;
use crate::providers::gemini::{GeminiClient, GeminiConfig};
use crate::providers::{
    DemoProvider, DownloadLimits, NanoBananaClient, NanoBananaConfig, Registry,
};
use crate::secret::ApiKey;
use crate::{CoreConfig, Result};

/// Builds the registry with `profile_id`'s keys (on the blocking pool). A keychain that cannot be
/// reached counts as no key.
pub(crate) async fn build(
    config: &CoreConfig,
    secrets: &Secrets,
    profile_id: &str,
) -> Result<Registry> {
    let key = |kind| async move {
        match ProviderKind::info(kind).key {
            Some(purpose) => resolve_key(secrets, profile_id, purpose).await,
            None => None,
        }
    };
    let nanobanana = match key(ProviderKind::NanoBanana).await {
        Some(key) => Some(NanoBananaClient::new(client_config(config), Some(key))?),
        None => None,
    };
    let gemini = match key(ProviderKind::Gemini).await {
        Some(key) => {
            let mut gemini = GeminiConfig::new(config.gemini_base_url.clone());
            gemini.read_timeout = config.paid_call_timeout;
            Some(GeminiClient::new(gemini, Some(key))?)
        }
        None => None,
    };
    let demo = match config.demo_latency {
        Some(latency) => DemoProvider::with_latency(latency),
        None => DemoProvider::new(),
    };
    Ok(Registry::new(nanobanana, gemini, demo))
}

/// Asks `purpose`'s service whether it takes `key` (Nano Banana: the credit call; Gemini: a
/// model's description), without keeping anything.
pub(crate) async fn check_key(
    config: &CoreConfig,
    purpose: SecretPurpose,
    key: ApiKey,
) -> std::result::Result<(), crate::providers::ProviderError> {
    match purpose {
        SecretPurpose::NanoBananaKey => {
            let mut nb = client_config(config);
            nb.retry = crate::providers::RetryPolicy::NEVER;
            NanoBananaClient::new(nb, Some(key))?
                .credits()
                .await
                .map(|_| ())
        }
        SecretPurpose::GeminiKey => {
            let client =
                GeminiClient::new(GeminiConfig::new(config.gemini_base_url.clone()), Some(key))?;
            client
                .check_key(crate::catalog::Model::Gemini25FlashImage.as_str())
                .await
        }
        SecretPurpose::SyncSecretKey | SecretPurpose::SignInClientSecret => Ok(()),
    }
}

async fn resolve_key(
    secrets: &Secrets,
    profile_id: &str,
    purpose: SecretPurpose,
) -> Option<ApiKey> {
    match secrets.resolve(profile_id, purpose).await {
        Ok(found) => found.map(|found| {
            tracing::debug!(source = ?found.source, key = %found.secret.masked(), purpose = purpose.label(), "using a key");
            found.secret
        }),
        Err(e) => {
            // No D-Bus, no Secret Service, a locked keychain: the demo provider still works.
            tracing::debug!(error = %e, "keychain unavailable; treating it as no API key");
            None
        }
    }
}

fn client_config(config: &CoreConfig) -> NanoBananaConfig {
    let mut nb = NanoBananaConfig::from_core(config);
    // The queue checks the balance once per generation, before anything is recorded.
    nb.check_credits_before_submit = false;
    // A 429 pauses all of the profile's submits to the service at once (`queue::cooldown`).
    nb.retry_rate_limited_submits = false;
    nb.retry = config.retry;
    nb.request_timeout = config.request_timeout;
    nb.read_timeout = nb.read_timeout.min(config.request_timeout);
    nb.download = DownloadLimits {
        idle_timeout: config.download_idle_timeout,
        ..DownloadLimits::default()
    };
    nb
}
