//! Which provider makes a job's images: the one whose key the profile has (Nano Banana, Google's
//! Gemini API), otherwise the offline demo provider, so a fresh install still produces (clearly
//! labelled) demo images.

use crate::accounts::{ApiKey, SecretPurpose, Secrets};
use crate::catalog::ProviderKind;
use crate::library::JobRecord;
use crate::providers::gemini::{GeminiClient, GeminiConfig};
use crate::providers::{
    DemoProvider, DownloadLimits, NanoBananaClient, NanoBananaConfig, Provider, ProviderError,
    Service,
};
use crate::{CoreConfig, CoreError, Result};

/// The providers of one queue.
#[derive(Debug, Clone)]
pub(crate) struct Providers {
    nanobanana: Option<Provider>,
    gemini: Option<Provider>,
    demo: Provider,
}

impl Providers {
    /// Builds the providers with `profile_id`'s keys (environment, then the secret store, on the
    /// blocking pool). A keychain that cannot be reached counts as no key.
    pub(crate) async fn build(
        config: &CoreConfig,
        secrets: &Secrets,
        profile_id: &str,
    ) -> Result<Self> {
        let key = resolve_key(secrets, profile_id, SecretPurpose::NanoBananaKey).await;
        let gemini_key = resolve_key(secrets, profile_id, SecretPurpose::GeminiKey).await;
        let demo = match config.demo_latency {
            Some(latency) => DemoProvider::with_latency(latency),
            None => DemoProvider::new(),
        };
        let nanobanana = match key {
            Some(key) => {
                let client = NanoBananaClient::new(client_config(config), Some(key))?;
                Some(Provider::NanoBanana(client))
            }
            None => None,
        };
        let gemini = match gemini_key {
            Some(key) => {
                let gemini = GeminiConfig::new(config.gemini_base_url.clone());
                Some(Provider::Gemini(GeminiClient::new(gemini, Some(key))?))
            }
            None => None,
        };
        Ok(Self {
            nanobanana,
            gemini,
            demo: Provider::Demo(demo),
        })
    }

    /// Nano Banana when its key is known, else Gemini when its key is, else the demo.
    pub(crate) fn default_kind(&self) -> ProviderKind {
        if self.nanobanana.is_some() {
            ProviderKind::NanoBanana
        } else if self.gemini.is_some() {
            ProviderKind::Gemini
        } else {
            ProviderKind::Demo
        }
    }

    /// Providers that can generate here (a key, or the demo).
    pub(crate) fn available(&self) -> Vec<ProviderKind> {
        ProviderKind::ALL
            .into_iter()
            .filter(|k| self.get(*k).is_ok())
            .collect()
    }

    pub(crate) fn get(&self, kind: ProviderKind) -> Result<&Provider> {
        match kind {
            ProviderKind::Demo => Ok(&self.demo),
            ProviderKind::NanoBanana => {
                self.nanobanana
                    .as_ref()
                    .ok_or(CoreError::Provider(ProviderError::ApiKeyMissing {
                        service: Service::NanoBanana,
                    }))
            }
            ProviderKind::Gemini => {
                self.gemini
                    .as_ref()
                    .ok_or(CoreError::Provider(ProviderError::ApiKeyMissing {
                        service: Service::Gemini,
                    }))
            }
        }
    }

    /// The provider that made `job`; an error if it is not available here (no key).
    pub(crate) fn for_job(&self, job: &JobRecord) -> Result<&Provider> {
        self.get(job.provider)
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
    nb.retry = config.retry;
    nb.request_timeout = config.request_timeout;
    nb.read_timeout = nb.read_timeout.min(config.request_timeout);
    nb.download = DownloadLimits {
        idle_timeout: config.download_idle_timeout,
        ..DownloadLimits::default()
    };
    nb
}
