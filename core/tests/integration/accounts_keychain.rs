//! Keys in a real OS keychain (Secret Service on Linux), per profile and purpose. Runs when
//! `NANOFORGE_KEYRING_TEST=1` (`scripts/with-keyring.sh` starts gnome-keyring under
//! dbus-run-session and sets it); otherwise it is skipped with a note, except under `CI=true`,
//! where a missing keychain fails.

use std::sync::Arc;

use nanoforge_core::accounts::{
    KeySource, KeychainStore, Secret, SecretPurpose, SecretStore, Secrets, keychain_account,
};
use nanoforge_core::{AppCore, CoreConfig, ProfileChoice};

fn keychain_available() -> bool {
    if std::env::var("NANOFORGE_KEYRING_TEST").as_deref() == Ok("1") {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but NANOFORGE_KEYRING_TEST is not 1: start a Secret Service (gnome-keyring under \
         dbus-run-session) and set NANOFORGE_KEYRING_TEST=1"
    );
    eprintln!(
        "note: keychain test skipped; set NANOFORGE_KEYRING_TEST=1 with a Secret Service running"
    );
    false
}

/// A keychain service of the test's own, so a developer's real keys are never touched.
fn test_service(name: &str) -> String {
    format!("dev.nanoforge.studio.test.{name}-{}", std::process::id())
}

#[test]
fn keys_round_trip_per_profile_and_purpose() {
    if !keychain_available() {
        return;
    }
    let store = KeychainStore::with_service(test_service("roundtrip"));
    let a = Secret::new("key-of-profile-a-1234").unwrap();
    let b = Secret::new("key-of-profile-b-5678").unwrap();
    for profile in ["local", "g-alice"] {
        for purpose in SecretPurpose::ALL {
            let _ = store.delete(profile, purpose);
        }
    }
    store
        .set("local", SecretPurpose::NanoBananaKey, &a)
        .unwrap();
    store
        .set("g-alice", SecretPurpose::NanoBananaKey, &b)
        .unwrap();
    store.set("g-alice", SecretPurpose::GeminiKey, &a).unwrap();
    assert_eq!(
        store.get("local", SecretPurpose::NanoBananaKey).unwrap(),
        Some(a.clone())
    );
    assert_eq!(
        store.get("g-alice", SecretPurpose::NanoBananaKey).unwrap(),
        Some(b)
    );
    assert_eq!(store.get("local", SecretPurpose::GeminiKey).unwrap(), None);
    assert_eq!(
        store.get("g-alice", SecretPurpose::GeminiKey).unwrap(),
        Some(a)
    );
    assert!(
        store
            .delete("g-alice", SecretPurpose::NanoBananaKey)
            .unwrap()
    );
    assert!(
        !store
            .delete("g-alice", SecretPurpose::NanoBananaKey)
            .unwrap(),
        "twice is no error"
    );
    assert_eq!(
        store.get("g-alice", SecretPurpose::NanoBananaKey).unwrap(),
        None
    );
    for purpose in SecretPurpose::ALL {
        let _ = store.delete("local", purpose);
        let _ = store.delete("g-alice", purpose);
    }
}

#[cfg(target_os = "linux")]
/// An install from before profiles stored its key as service `dev.nanoforge.studio`, account
/// `nanobanana-api-key`: the upgraded core finds it for the local profile, and only there.
#[tokio::test]
async fn an_upgraded_install_keeps_its_saved_key() {
    if !keychain_available() || std::env::var("NANOBANANA_API_KEY").is_ok() {
        return;
    }
    let service = test_service("legacy");
    assert_eq!(
        keychain_account("local", SecretPurpose::NanoBananaKey),
        "nanobanana-api-key"
    );
    // Written the way the previous release wrote it: keyring's own entry with the old names.
    let raw_store = zbus_secret_service_keyring_store::Store::new().expect("secret service");
    let raw: Arc<keyring_core::CredentialStore> = raw_store;
    let legacy = keyring_core::Entry::new_in_store(&raw, &service, "nanobanana-api-key").unwrap();
    legacy.set_password("legacy-saved-key-9876").unwrap();

    let dir = tempfile::tempdir().unwrap();
    let secrets = Secrets::new(Arc::new(KeychainStore::with_service(&service)));
    let core = AppCore::open_with(CoreConfig::new(dir.path()), secrets, ProfileChoice::Current)
        .await
        .unwrap();
    let status = core
        .session()
        .key_status(SecretPurpose::NanoBananaKey)
        .await
        .unwrap();
    assert!(status.configured, "{status:?}");
    assert_eq!(status.source, Some(KeySource::Keychain));
    assert_eq!(status.masked.as_deref(), Some("••••••••9876"));
    let _ = legacy.delete_credential();
}
