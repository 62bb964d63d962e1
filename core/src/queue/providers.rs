//! Which provider makes a job's images: Nano Banana when an API key is known, otherwise the
//! offline demo provider, so a fresh install still produces (clearly labelled) demo images.

use crate::accounts::{ApiKey, SecretPurpose, Secrets};
use crate::catalog::ProviderKind;
use crate::library::JobRecord;
use crate::providers::{
    DemoProvider, DownloadLimits, NanoBananaClient, NanoBananaConfig, Provider, ProviderError,
};
use crate::{CoreConfig, CoreError, Result};

/// The providers of one queue.
#[derive(Debug, Clone)]
pub(crate) struct Providers {
    nanobanana: Option<Provider>,
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
        Ok(Self {
            nanobanana,
            demo: Provider::Demo(demo),
        })
    }

    /// Nano Banana when a key is known, else the demo.
    pub(crate) fn default_kind(&self) -> ProviderKind {
        if self.nanobanana.is_some() {
            ProviderKind::NanoBanana
        } else {
            ProviderKind::Demo
        }
    }

    pub(crate) fn get(&self, kind: ProviderKind) -> Result<&Provider> {
        match kind {
            ProviderKind::Demo => Ok(&self.demo),
            ProviderKind::NanoBanana => self
                .nanobanana
                .as_ref()
                .ok_or(CoreError::Provider(ProviderError::ApiKeyMissing)),
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
