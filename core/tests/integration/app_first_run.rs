//! The first run: a key pasted in the welcome is checked with its service before it is saved (the
//! fake Gemini's model description, the fake Nano Banana's credit call): a refused key is an error
//! and nothing is saved; a service that cannot be reached saves it "not checked yet". The welcome,
//! once dismissed, stays dismissed on this device.

use crate::gemini_support::{env, env_with};

use fake_nanobanana::FakeServer;
use nanoforge_core::accounts::SecretPurpose;
use nanoforge_core::{ErrorKind, KeyCheck};

#[tokio::test]
async fn a_gemini_key_is_checked_before_it_is_saved() {
    let env = env().await;
    let session = env.core.session();
    session.clear_key(SecretPurpose::GeminiKey).await.unwrap();

    let err = session
        .check_and_set_key(SecretPurpose::GeminiKey, "AIza-not-a-real-key".into())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ApiKeyRejected, "{err}");
    let status = session.key_status(SecretPurpose::GeminiKey).await.unwrap();
    assert!(!status.configured, "a refused key is not saved");

    let checked = session
        .check_and_set_key(
            SecretPurpose::GeminiKey,
            fake_gemini::DEFAULT_API_KEY.into(),
        )
        .await
        .unwrap();
    assert_eq!(checked.check, KeyCheck::Accepted);
    assert!(checked.status.configured);
    // The check is a model description, never a generation (which costs money).
    assert_eq!(env.fake.generate_count(), 0);
    assert!(
        env.fake
            .requests()
            .iter()
            .any(|r| r.method == "GET" && r.path.ends_with("/models/gemini-2.5-flash-image"))
    );
}

#[tokio::test]
async fn offline_the_key_is_saved_not_checked_yet() {
    let env = env_with(|c| c.gemini_base_url = "http://127.0.0.1:9".into()).await;
    let session = env.core.session();
    session.clear_key(SecretPurpose::GeminiKey).await.unwrap();
    let checked = session
        .check_and_set_key(SecretPurpose::GeminiKey, "AIza-saved-offline".into())
        .await
        .unwrap();
    assert_eq!(checked.check, KeyCheck::NotChecked);
    assert!(checked.reason.is_some());
    assert!(checked.status.configured);
}

#[tokio::test]
async fn a_nano_banana_key_is_checked_with_the_credit_call() {
    let nb = FakeServer::start().await.unwrap();
    let base = nb.base_url().to_owned();
    let env = env_with(move |c| c.nanobanana_base_url = base).await;
    let session = env.core.session();
    let err = session
        .check_and_set_key(SecretPurpose::NanoBananaKey, "wrong-key".into())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ApiKeyRejected, "{err}");
    assert!(
        !session
            .key_status(SecretPurpose::NanoBananaKey)
            .await
            .unwrap()
            .configured
    );
    let checked = session
        .check_and_set_key(SecretPurpose::NanoBananaKey, nb.api_key().to_owned())
        .await
        .unwrap();
    assert_eq!(checked.check, KeyCheck::Accepted);
}

#[tokio::test]
async fn the_welcome_once_dismissed_does_not_come_back() {
    let env = env().await;
    assert!(!env.core.app_info().await.unwrap().welcome_dismissed);
    env.core.dismiss_welcome().await.unwrap();
    assert!(env.core.app_info().await.unwrap().welcome_dismissed);
    let again = env.reopen().await;
    assert!(again.app_info().await.unwrap().welcome_dismissed);
}
