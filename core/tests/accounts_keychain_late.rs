//! A keychain that is not running when the app starts is found later, without a restart. Its own
//! test binary: it points the session bus somewhere dead for a moment, which no other test may see.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use nanoforge_core::accounts::{KeychainStore, SecretPurpose, SecretStore};

fn keychain_available() -> bool {
    if std::env::var("NANOFORGE_KEYRING_TEST").as_deref() == Ok("1") {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but NANOFORGE_KEYRING_TEST is not 1 (see scripts/with-keyring.sh)"
    );
    eprintln!(
        "note: keychain test skipped; set NANOFORGE_KEYRING_TEST=1 with a Secret Service running"
    );
    false
}

/// A keychain that was not there when the app started is found later without a restart.
#[test]
fn a_keychain_that_starts_late_is_found_without_a_restart() {
    if !keychain_available() {
        return;
    }
    let real_bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").expect("a session bus");
    let store = KeychainStore::with_service(format!(
        "dev.nanoforge.studio.test.late-{}",
        std::process::id()
    ));
    // SAFETY: the only test in this binary, so no other thread reads the environment meanwhile.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus") };
    let unavailable = store.get("local", SecretPurpose::GeminiKey);
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &real_bus) };
    let error = unavailable.expect_err("no keychain on a dead bus");
    assert!(error.to_string().contains("keychain"), "{error}");
    // Asked again (after the short back-off) it connects.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match store.get("local", SecretPurpose::GeminiKey) {
            Ok(found) => {
                assert_eq!(found, None);
                break;
            }
            Err(e) => {
                assert!(
                    Instant::now() < deadline,
                    "the keychain never came back: {e}"
                );
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
}
