//! The providers one profile can use, by kind: each one whose key is known, and always the offline
//! demo. The queue asks the registry which provider runs a request and for the client that runs a
//! job; what each provider can do is data in the catalog (`ProviderKind::info`).

use super::gemini::GeminiClient;
use super::{DemoProvider, NanoBananaClient, Provider, ProviderError, Service};
use crate::catalog::{Model, ProviderKind};

/// Built clients, one per provider that can run here.
#[derive(Debug, Clone)]
pub struct Registry {
    nanobanana: Option<Provider>,
    gemini: Option<Provider>,
    demo: Provider,
}

impl Registry {
    /// A registry of the given clients (`None`: no key for that provider) and the demo.
    pub fn new(
        nanobanana: Option<NanoBananaClient>,
        gemini: Option<GeminiClient>,
        demo: DemoProvider,
    ) -> Self {
        Self {
            nanobanana: nanobanana.map(Provider::NanoBanana),
            gemini: gemini.map(Provider::Gemini),
            demo: Provider::Demo(demo),
        }
    }

    /// Nano Banana when its key is known, else Gemini when its key is, else the demo.
    pub fn default_kind(&self) -> ProviderKind {
        if self.nanobanana.is_some() {
            ProviderKind::NanoBanana
        } else if self.gemini.is_some() {
            ProviderKind::Gemini
        } else {
            ProviderKind::Demo
        }
    }

    /// Providers that can generate here (a key, or the demo), in order of preference.
    pub fn available(&self) -> Vec<ProviderKind> {
        ProviderKind::ALL
            .into_iter()
            .filter(|k| self.get(*k).is_ok())
            .collect()
    }

    /// The provider that runs a request for `model`: the one chosen, else the model's own when its
    /// key is known, else the default (the demo without any key). The one place this is decided;
    /// the UI asks the core for it.
    pub fn choose(&self, model: Model, chosen: Option<ProviderKind>) -> ProviderKind {
        match chosen {
            Some(kind) => kind,
            None if self.get(model.provider()).is_ok() => model.provider(),
            None => self.default_kind(),
        }
    }

    /// The client of `kind`; a typed error when its key is not known here.
    pub fn get(&self, kind: ProviderKind) -> Result<&Provider, ProviderError> {
        let missing = |service| ProviderError::ApiKeyMissing { service };
        match kind {
            ProviderKind::Demo => Ok(&self.demo),
            ProviderKind::NanoBanana => {
                self.nanobanana.as_ref().ok_or(missing(Service::NanoBanana))
            }
            ProviderKind::Gemini => self.gemini.as_ref().ok_or(missing(Service::Gemini)),
        }
    }
}
