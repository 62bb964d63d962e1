//! The secret store: API keys (Nano Banana, Gemini) and sync credentials, one entry per profile and
//! purpose, never in SQLite, files or logs.
//!
//! [`SecretStore`] is the seam the shell hands to [`crate::AppCore::open`]: the desktop app and the
//! CLI pass [`KeychainStore`] (Secret Service, Keychain, Credential Manager); a mobile shell passes
//! its platform's store; tests that are not about the keychain pass a [`SessionStore`], which keeps
//! values in memory for the life of the process and never writes them anywhere. There is no
//! plaintext fallback: without a keychain a secret lasts for the session or comes from the
//! environment, and the user is told.
//!
//! Store calls block (D-Bus round trips); [`Secrets`] runs them on the blocking pool.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use serde::Serialize;

pub use crate::secret::{ApiKey, Secret, SecretPurpose};
use crate::{CoreError, Result, lock};

/// The keychain "service" every entry lives under (the app identifier).
pub const KEYCHAIN_SERVICE: &str = crate::APP_IDENTIFIER;

/// The keychain account of one profile's secret. The local profile's Nano Banana key keeps the
/// name it had before profiles existed, so an upgraded install still finds it.
pub fn keychain_account(profile_id: &str, purpose: SecretPurpose) -> String {
    if profile_id == crate::accounts::LOCAL_PROFILE_ID && purpose == SecretPurpose::NanoBananaKey {
        purpose.entry_name().to_owned()
    } else {
        format!("{}@{profile_id}", purpose.entry_name())
    }
}

/// Where a secret in use came from, for the settings screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum KeySource {
    Environment,
    Keychain,
    /// Kept in memory for this session only (no keychain on this system).
    Session,
}

/// A place secrets are kept, keyed by profile and purpose. Calls may block.
pub trait SecretStore: Send + Sync + 'static {
    fn get(&self, profile_id: &str, purpose: SecretPurpose) -> Result<Option<Secret>>;
    fn set(&self, profile_id: &str, purpose: SecretPurpose, secret: &Secret) -> Result<()>;
    /// `false` when there was nothing to delete.
    fn delete(&self, profile_id: &str, purpose: SecretPurpose) -> Result<bool>;
    /// How a value read from this store is labelled.
    fn source(&self) -> KeySource;
}

/// Secrets held in memory for the life of the process (tests, and a system with no keychain).
#[derive(Debug, Default)]
pub struct SessionStore {
    values: Mutex<HashMap<(String, SecretPurpose), Secret>>,
}

impl SessionStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl SecretStore for SessionStore {
    fn get(&self, profile_id: &str, purpose: SecretPurpose) -> Result<Option<Secret>> {
        Ok(lock(&self.values)
            .get(&(profile_id.to_owned(), purpose))
            .cloned())
    }

    fn set(&self, profile_id: &str, purpose: SecretPurpose, secret: &Secret) -> Result<()> {
        lock(&self.values).insert((profile_id.to_owned(), purpose), secret.clone());
        Ok(())
    }

    fn delete(&self, profile_id: &str, purpose: SecretPurpose) -> Result<bool> {
        Ok(lock(&self.values)
            .remove(&(profile_id.to_owned(), purpose))
            .is_some())
    }

    fn source(&self) -> KeySource {
        KeySource::Session
    }
}

/// A secret found for a profile, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSecret {
    pub secret: Secret,
    pub source: KeySource,
}

/// Reads one environment variable.
type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The core's view of the secret store: environment overrides first, then the store, off the
/// async runtime. Cheap to clone.
#[derive(Clone)]
pub struct Secrets {
    store: Arc<dyn SecretStore>,
    /// Reads an environment variable; `None` for configurations that ignore the environment.
    env: Option<EnvLookup>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets")
            .field("source", &self.store.source())
            .field("env_overrides", &self.env.is_some())
            .finish()
    }
}

impl Secrets {
    /// `store` only: the environment is not consulted.
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self { store, env: None }
    }

    /// `store`, with the purposes' environment variables (read through `env`) taking precedence.
    pub fn with_env(
        store: Arc<dyn SecretStore>,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self {
            store,
            env: Some(Arc::new(env)),
        }
    }

    pub fn store_source(&self) -> KeySource {
        self.store.source()
    }

    /// The environment's value for `purpose`, if set and usable.
    pub fn from_env(&self, purpose: SecretPurpose) -> Option<Secret> {
        let env = self.env.as_ref()?;
        env(purpose.env_var()).and_then(|v| Secret::new(v).ok())
    }

    /// The secret to use: the environment's, else the store's. A store that cannot be reached is
    /// an error naming the environment variable to use instead, never a silent `None`.
    pub async fn resolve(
        &self,
        profile_id: &str,
        purpose: SecretPurpose,
    ) -> Result<Option<FoundSecret>> {
        if let Some(secret) = self.from_env(purpose) {
            return Ok(Some(FoundSecret {
                secret,
                source: KeySource::Environment,
            }));
        }
        let source = self.store.source();
        Ok(self
            .get(profile_id, purpose)
            .await?
            .map(|secret| FoundSecret { secret, source }))
    }

    /// The store's value only (not the environment's).
    pub async fn get(&self, profile_id: &str, purpose: SecretPurpose) -> Result<Option<Secret>> {
        let (store, profile) = (Arc::clone(&self.store), profile_id.to_owned());
        tokio::task::spawn_blocking(move || store.get(&profile, purpose))
            .await?
            .map_err(|e| with_env_hint(e, purpose))
    }

    pub async fn set(
        &self,
        profile_id: &str,
        purpose: SecretPurpose,
        secret: Secret,
    ) -> Result<()> {
        let (store, profile) = (Arc::clone(&self.store), profile_id.to_owned());
        tokio::task::spawn_blocking(move || store.set(&profile, purpose, &secret))
            .await?
            .map_err(|e| with_env_hint(e, purpose))?;
        tracing::info!(
            profile = profile_id,
            purpose = purpose.entry_name(),
            "secret stored"
        );
        Ok(())
    }

    pub async fn delete(&self, profile_id: &str, purpose: SecretPurpose) -> Result<bool> {
        let (store, profile) = (Arc::clone(&self.store), profile_id.to_owned());
        tokio::task::spawn_blocking(move || store.delete(&profile, purpose))
            .await?
            .map_err(|e| with_env_hint(e, purpose))
    }

    /// Deletes every secret of a profile; the first failure is returned after trying them all.
    pub async fn delete_all(&self, profile_id: &str) -> Result<()> {
        let mut first_error = None;
        for purpose in SecretPurpose::ALL {
            if let Err(e) = self.delete(profile_id, purpose).await {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// A keychain failure tells which environment variable works without a keychain.
fn with_env_hint(e: CoreError, purpose: SecretPurpose) -> CoreError {
    match e {
        CoreError::Keychain(message) => {
            CoreError::Keychain(format!("{message} (or set {})", purpose.env_var()))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_masked_never_show_the_whole_secret() {
        let key = Secret::new("  sk-secret-value-1234 ").unwrap();
        assert_eq!(key.expose(), "sk-secret-value-1234");
        assert_eq!(key.masked(), "••••••••1234");
        let debug = format!("{key:?}");
        assert!(!debug.contains("secret-value"), "{debug}");
        assert!(debug.ends_with("1234)"));
        assert_eq!(Secret::new("short").unwrap().masked(), "••••••••");
        assert!(Secret::new("   ").is_err());
        assert!(Secret::new("a\u{0}b").is_err());
    }

    #[test]
    fn the_local_nano_banana_key_keeps_its_old_keychain_name() {
        assert_eq!(
            keychain_account("local", SecretPurpose::NanoBananaKey),
            "nanobanana-api-key"
        );
        assert_eq!(
            keychain_account("local", SecretPurpose::GeminiKey),
            "gemini-api-key@local"
        );
        assert_eq!(
            keychain_account("g-abc", SecretPurpose::NanoBananaKey),
            "nanobanana-api-key@g-abc"
        );
    }

    #[tokio::test]
    async fn the_environment_wins_and_profiles_are_kept_apart() {
        let store = Arc::new(SessionStore::new());
        let secrets = Secrets::with_env(store.clone(), |name| {
            (name == "GEMINI_API_KEY").then(|| "env-gemini-5678".to_owned())
        });
        let a = Secret::new("key-of-profile-a").unwrap();
        secrets
            .set("a", SecretPurpose::NanoBananaKey, a.clone())
            .await
            .unwrap();
        let found = secrets
            .resolve("a", SecretPurpose::NanoBananaKey)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.secret, found.source), (a, KeySource::Session));
        assert_eq!(
            secrets
                .resolve("b", SecretPurpose::NanoBananaKey)
                .await
                .unwrap(),
            None
        );
        let env = secrets
            .resolve("b", SecretPurpose::GeminiKey)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(env.source, KeySource::Environment);
        assert_eq!(env.secret.expose(), "env-gemini-5678");
        secrets.delete_all("a").await.unwrap();
        assert_eq!(store.get("a", SecretPurpose::NanoBananaKey).unwrap(), None);
    }
}
