//! The Nano Banana API key: kept in the OS keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows), never in SQLite, files or logs.
//!
//! The keychain calls block (D-Bus round trips); async callers use the `*_async` functions, which
//! run them on the blocking pool.

use std::fmt;

use crate::{CoreError, Result};

/// The keychain "service" our entries live under (the app identifier).
pub const KEYCHAIN_SERVICE: &str = crate::config::APP_IDENTIFIER;
/// The keychain account name of the Nano Banana API key.
pub const NANOBANANA_KEY_ACCOUNT: &str = "nanobanana-api-key";
/// Environment variable that overrides the keychain (CLI, CI, headless machines).
pub const NANOBANANA_KEY_ENV: &str = "NANOBANANA_API_KEY";

/// An API key. Its `Debug` and [`ApiKey::masked`] show only the last four characters.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// A key from user input: surrounding whitespace removed; blank is refused.
    pub fn new(key: impl Into<String>) -> Result<Self> {
        let key = key.into();
        let trimmed = key.trim();
        if trimmed.is_empty() {
            return Err(CoreError::InvalidInput("the API key is empty".into()));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(CoreError::InvalidInput(
                "the API key contains control characters; paste it again".into(),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The key itself, for the `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// For display: eight bullets and the last four characters (all bullets if the key is short).
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let tail: String = if chars.len() >= 8 {
            chars[chars.len() - 4..].iter().collect()
        } else {
            String::new()
        };
        format!("••••••••{tail}")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.masked())
    }
}

/// Where the key came from, for the settings screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum KeySource {
    Environment,
    Keychain,
}

/// Get, set and delete the API key in the OS keychain.
#[derive(Debug, Clone)]
pub struct ApiKeyStore {
    service: String,
    account: String,
}

impl Default for ApiKeyStore {
    fn default() -> Self {
        Self::new()
    }
}

impl ApiKeyStore {
    /// The app's entry: service `dev.nanoforge.studio`, account `nanobanana-api-key`.
    pub fn new() -> Self {
        Self::with_names(KEYCHAIN_SERVICE, NANOBANANA_KEY_ACCOUNT)
    }

    /// Another entry (tests use their own so they never touch a real key).
    pub fn with_names(service: impl Into<String>, account: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            account: account.into(),
        }
    }

    fn entry(&self) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &self.account).map_err(keychain_error)
    }

    /// The stored key, or `None` if none is stored.
    pub fn get(&self) -> Result<Option<ApiKey>> {
        match self.entry()?.get_password() {
            Ok(key) => Ok(ApiKey::new(key).ok()),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(e)),
        }
    }

    pub fn set(&self, key: &ApiKey) -> Result<()> {
        self.entry()?
            .set_password(key.expose())
            .map_err(keychain_error)?;
        tracing::info!(key = %key.masked(), "API key stored in the keychain");
        Ok(())
    }

    /// Removes the key; `false` if there was none.
    pub fn delete(&self) -> Result<bool> {
        match self.entry()?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keychain_error(e)),
        }
    }

    pub async fn get_async(&self) -> Result<Option<ApiKey>> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.get()).await?
    }

    pub async fn set_async(&self, key: ApiKey) -> Result<()> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.set(&key)).await?
    }

    pub async fn delete_async(&self) -> Result<bool> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.delete()).await?
    }
}

/// The key to use: `NANOBANANA_API_KEY` if set and non-empty, else the keychain's, else `None`.
/// A keychain that cannot be reached is an error (with a hint to use the environment variable),
/// not a silent `None`.
pub fn resolve_api_key() -> Result<Option<(ApiKey, KeySource)>> {
    resolve_api_key_from(std::env::var(NANOBANANA_KEY_ENV).ok(), &ApiKeyStore::new())
}

/// [`resolve_api_key`] with the environment value and the store given (for tests).
pub fn resolve_api_key_from(
    env_value: Option<String>,
    store: &ApiKeyStore,
) -> Result<Option<(ApiKey, KeySource)>> {
    if let Some(key) = env_value.and_then(|v| ApiKey::new(v).ok()) {
        return Ok(Some((key, KeySource::Environment)));
    }
    Ok(store.get()?.map(|k| (k, KeySource::Keychain)))
}

pub async fn resolve_api_key_async() -> Result<Option<(ApiKey, KeySource)>> {
    tokio::task::spawn_blocking(resolve_api_key).await?
}

/// [`resolve_api_key`] against a given keychain entry, on the blocking pool.
pub async fn resolve_api_key_with(store: &ApiKeyStore) -> Result<Option<(ApiKey, KeySource)>> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        resolve_api_key_from(std::env::var(NANOBANANA_KEY_ENV).ok(), &store)
    })
    .await?
}

fn keychain_error(e: keyring::Error) -> CoreError {
    let hint = format!("(or set {NANOBANANA_KEY_ENV})");
    let message = match e {
        keyring::Error::NoDefaultStore => {
            format!("no keychain service is running on this system {hint}")
        }
        keyring::Error::NoStorageAccess(inner) => {
            format!("the keychain refused access, it may be locked: {inner} {hint}")
        }
        other => format!("{other} {hint}"),
    };
    CoreError::Keychain(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_masked_never_show_the_whole_key() {
        let key = ApiKey::new("  sk-secret-value-1234 ").unwrap();
        assert_eq!(key.expose(), "sk-secret-value-1234");
        assert_eq!(key.masked(), "••••••••1234");
        let debug = format!("{key:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.ends_with("1234)"));
        assert_eq!(ApiKey::new("short").unwrap().masked(), "••••••••");
        assert!(ApiKey::new("   ").is_err());
    }

    #[test]
    fn the_environment_wins_over_the_keychain() {
        // A non-empty environment value is used without touching the keychain at all.
        let store = ApiKeyStore::with_names("dev.nanoforge.test.unused", "none");
        let (key, source) = resolve_api_key_from(Some("env-key-5678".into()), &store)
            .unwrap()
            .unwrap();
        assert_eq!(key.expose(), "env-key-5678");
        assert_eq!(source, KeySource::Environment);
    }
}
