//! The OS keychain as a [`SecretStore`]: Secret Service on Linux and the BSDs, Keychain on macOS,
//! Credential Manager on Windows, through `keyring-core` and its store crates (the `keyring`
//! crate's own global store caches a failed start for the life of the process; this one does not).
//!
//! A keychain that cannot be reached (no Secret Service yet, a locked collection) is tried again on
//! a later call, at most every [`RETRY_AFTER`], so a user who starts their keyring after the app
//! does not have to restart it. Android and iOS have no store here yet: their shells hand the core
//! a platform store (see `docs/mobile.md`); until then this one says so and nothing is written.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keyring_core::{CredentialStore, Entry, Error as KeyringError};

use super::secrets::{
    KEYCHAIN_SERVICE, KeySource, Secret, SecretPurpose, SecretStore, keychain_account,
};
use crate::{CoreError, Result, lock};

/// A keychain that failed to start is asked again after this long.
pub const RETRY_AFTER: Duration = Duration::from_secs(2);

/// The platform keychain. Cheap to share; the connection is made on first use.
pub struct KeychainStore {
    service: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    store: Option<Arc<CredentialStore>>,
    failed_at: Option<(Instant, String)>,
}

impl Default for KeychainStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeychainStore {
    /// The app's entries (service `dev.nanoforge.studio`).
    pub fn new() -> Self {
        Self::with_service(KEYCHAIN_SERVICE)
    }

    /// Entries under another service name (tests use their own so they never touch real keys).
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            state: Mutex::new(State::default()),
        }
    }

    fn store(&self) -> Result<Arc<CredentialStore>> {
        let mut state = lock(&self.state);
        if let Some(store) = &state.store {
            return Ok(Arc::clone(store));
        }
        if let Some((at, why)) = &state.failed_at
            && at.elapsed() < RETRY_AFTER
        {
            return Err(CoreError::Keychain(why.clone()));
        }
        match platform_store() {
            Ok(store) => {
                state.failed_at = None;
                state.store = Some(Arc::clone(&store));
                Ok(store)
            }
            Err(e) => {
                let why = describe(e);
                // Callers that need a key report it; a CLI run with keys in the environment
                // must not print this (stderr carries one line per failure).
                tracing::info!(error = %why, "the system keychain is unavailable");
                state.failed_at = Some((Instant::now(), why.clone()));
                Err(CoreError::Keychain(why))
            }
        }
    }

    fn entry(&self, profile_id: &str, purpose: SecretPurpose) -> Result<Entry> {
        let store = self.store()?;
        Entry::new_in_store(
            &store,
            &self.service,
            &keychain_account(profile_id, purpose),
        )
        .map_err(|e| self.failed(e))
    }

    /// Maps a keychain error; a platform failure also drops the connection so the next call
    /// reconnects (the daemon may have restarted).
    fn failed(&self, e: KeyringError) -> CoreError {
        if matches!(
            e,
            KeyringError::PlatformFailure(_) | KeyringError::NoStorageAccess(_)
        ) {
            lock(&self.state).store = None;
        }
        CoreError::Keychain(describe(e))
    }
}

impl SecretStore for KeychainStore {
    fn get(&self, profile_id: &str, purpose: SecretPurpose) -> Result<Option<Secret>> {
        match self.entry(profile_id, purpose)?.get_password() {
            // A value that is not a usable key (blank, edited by hand) reads as none.
            Ok(value) => Ok(Secret::new(value).ok()),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(self.failed(e)),
        }
    }

    fn set(&self, profile_id: &str, purpose: SecretPurpose, secret: &Secret) -> Result<()> {
        self.entry(profile_id, purpose)?
            .set_password(secret.expose())
            .map_err(|e| self.failed(e))
    }

    fn delete(&self, profile_id: &str, purpose: SecretPurpose) -> Result<bool> {
        match self.entry(profile_id, purpose)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(KeyringError::NoEntry) => Ok(false),
            Err(e) => Err(self.failed(e)),
        }
    }

    fn source(&self) -> KeySource {
        KeySource::Keychain
    }
}

fn describe(e: KeyringError) -> String {
    match e {
        KeyringError::NoDefaultStore => "no keychain service is running on this system".into(),
        KeyringError::NoStorageAccess(inner) => {
            format!("the keychain refused access, it may be locked: {inner}")
        }
        KeyringError::PlatformFailure(inner) => {
            format!("no keychain service is running on this system ({inner})")
        }
        other => other.to_string(),
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

/// Mobile shells inject their own [`SecretStore`]; this one never stores anything there.
#[cfg(any(target_os = "android", target_os = "ios"))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(KeyringError::NotSupportedByStore(
        "this build has no secure storage on this platform yet".into(),
    ))
}
