//! The API key in a real OS keychain (Secret Service on Linux). Runs when
//! `NANOFORGE_KEYRING_TEST=1` (CI starts gnome-keyring under dbus-run-session and sets it);
//! otherwise it is skipped with a note, except under `CI=true`, where a missing keychain fails.

use nanoforge_core::secrets::{ApiKey, ApiKeyStore, KeySource, resolve_api_key_from};

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

#[test]
fn the_key_round_trips_through_the_os_keychain() {
    if !keychain_available() {
        return;
    }
    // Its own entry, so a developer's real key is never touched.
    let store = ApiKeyStore::with_names(
        "dev.nanoforge.studio.test",
        format!("nanobanana-api-key-{}", std::process::id()),
    );
    let _ = store.delete();
    assert_eq!(store.get().unwrap(), None);

    let key = ApiKey::new("nb-test-key-0123456789").unwrap();
    store.set(&key).unwrap();
    assert_eq!(store.get().unwrap(), Some(key.clone()));

    let (resolved, source) = resolve_api_key_from(None, &store).unwrap().unwrap();
    assert_eq!(
        (resolved.expose(), source),
        ("nb-test-key-0123456789", KeySource::Keychain)
    );
    let (resolved, source) = resolve_api_key_from(Some("  ".into()), &store)
        .unwrap()
        .unwrap();
    assert_eq!(
        (resolved.masked(), source),
        ("••••••••6789".to_owned(), KeySource::Keychain)
    );
    let (_, source) = resolve_api_key_from(Some("from-env-key".into()), &store)
        .unwrap()
        .unwrap();
    assert_eq!(source, KeySource::Environment);

    let replaced = ApiKey::new("nb-second-key-abcd").unwrap();
    store.set(&replaced).unwrap();
    assert_eq!(store.get().unwrap(), Some(replaced));

    assert!(store.delete().unwrap());
    assert!(!store.delete().unwrap(), "deleting twice is not an error");
    assert_eq!(store.get().unwrap(), None);
    assert_eq!(resolve_api_key_from(None, &store).unwrap(), None);
}

#[tokio::test]
async fn the_async_wrappers_use_the_same_entry() {
    if !keychain_available() {
        return;
    }
    let store = ApiKeyStore::with_names(
        "dev.nanoforge.studio.test",
        format!("nanobanana-api-key-async-{}", std::process::id()),
    );
    store
        .set_async(ApiKey::new("async-key-wxyz").unwrap())
        .await
        .unwrap();
    assert_eq!(
        store.get_async().await.unwrap().unwrap().masked(),
        "••••••••wxyz"
    );
    assert!(store.delete_async().await.unwrap());
}
