//! A person's own sign-in client on this device: a core with no client from the environment or
//! the build signs in against the real OpenID provider process once the client is set up (the
//! secret in the secret store, never a file of the data folder); the environment wins per field;
//! bad ids are refused; clearing goes back to "not set up".

use crate::oidc_support::{self, CLIENT_ID, CLIENT_SECRET, browse};

use std::sync::Arc;
use std::time::Duration;

use nanoforge_core::accounts::{
    ClientSource, OidcConfig, SecretPurpose, SecretStore, Secrets, SessionStore,
};
use nanoforge_core::{AppCore, CoreConfig, ErrorKind, ProfileChoice};

/// A core pointed at the provider's issuer with no client id or secret at all.
async fn core_without_client(
    issuer: &str,
    dir: &std::path::Path,
    store: Arc<SessionStore>,
) -> AppCore {
    let mut config = CoreConfig::new(dir);
    config.oidc = OidcConfig {
        issuer: issuer.to_owned(),
        client_id: None,
        client_secret: None,
        client_id_source: None,
        client_secret_source: None,
        ..OidcConfig::default()
    };
    config.sign_in_timeout = Duration::from_secs(10);
    AppCore::open_with(config, Secrets::new(store), ProfileChoice::Current)
        .await
        .expect("open the core")
}

/// Every file under `dir`, read whole.
fn files_containing(dir: &std::path::Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && bytes.windows(needle.len()).any(|w| w == needle)
            {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test]
async fn a_build_without_a_client_signs_in_after_the_client_is_set_up() {
    let Some(provider) = oidc_support::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SessionStore::new());
    let core = core_without_client(&provider.issuer, dir.path(), Arc::clone(&store)).await;
    assert!(!core.accounts_state().unwrap().sign_in_configured);
    let err = core.begin_sign_in().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignInNotConfigured, "{err}");

    let status = core
        .set_sign_in_client(&format!("  {CLIENT_ID} "), Some(CLIENT_SECRET.into()))
        .await
        .unwrap();
    assert_eq!(status.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(status.source, Some(ClientSource::Settings));
    assert!(status.has_secret);
    assert!(core.accounts_state().unwrap().sign_in_configured);
    // Test runs the issuer's discovery.
    core.test_sign_in_client().await.unwrap();

    let url = core.begin_sign_in().await.unwrap();
    assert!(url.contains(&format!("client_id={CLIENT_ID}")), "{url}");
    let finishing = {
        let core = core.clone();
        tokio::spawn(async move { core.finish_sign_in().await })
    };
    browse(&url, &[("nf_sub", "own-client")]).await;
    let profile = finishing.await.unwrap().unwrap();
    assert!(profile.id.starts_with("g-"), "{profile:?}");

    // The secret is in the secret store (device scope), in no file of the data folder.
    let kept = store
        .get("device", SecretPurpose::SignInClientSecret)
        .unwrap()
        .unwrap();
    assert_eq!(kept.expose(), CLIENT_SECRET);
    assert_eq!(
        files_containing(dir.path(), CLIENT_SECRET.as_bytes()),
        Vec::<std::path::PathBuf>::new()
    );
    assert_eq!(files_containing(dir.path(), CLIENT_ID.as_bytes()).len(), 1);

    // A wrong secret is what the provider refuses: the secret set here is the one sent.
    core.set_sign_in_client(CLIENT_ID, Some("not-the-secret".into()))
        .await
        .unwrap();
    core.sign_out().await.unwrap();
    let url = core.begin_sign_in().await.unwrap();
    let finishing = {
        let core = core.clone();
        tokio::spawn(async move { core.finish_sign_in().await })
    };
    browse(&url, &[("nf_sub", "own-client")]).await;
    assert!(finishing.await.unwrap().is_err());

    let cleared = core.clear_sign_in_client().await.unwrap();
    assert_eq!(cleared.client_id, None);
    assert_eq!(cleared.source, None);
    assert!(!cleared.has_secret);
    assert!(
        store
            .get("device", SecretPurpose::SignInClientSecret)
            .unwrap()
            .is_none()
    );
    assert!(!core.accounts_state().unwrap().sign_in_configured);
}

#[tokio::test]
async fn the_environment_wins_per_field_and_bad_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SessionStore::new());
    let mut config = CoreConfig::new(dir.path());
    config.oidc = OidcConfig::from_lookup(|name| match name {
        "NANOFORGE_OIDC_ISSUER" => Some("http://127.0.0.1:9/".into()),
        "NANOFORGE_OIDC_CLIENT_ID" => Some("from-env".into()),
        _ => None,
    });
    let core = AppCore::open_with(
        config,
        Secrets::new(Arc::clone(&store) as Arc<dyn SecretStore>),
        ProfileChoice::Current,
    )
    .await
    .unwrap();
    let status = core
        .set_sign_in_client("mine.apps.googleusercontent.com", Some("s3cret".into()))
        .await
        .unwrap();
    // The id comes from the environment; the secret, which it does not set, from the device.
    assert_eq!(status.client_id.as_deref(), Some("from-env"));
    assert_eq!(status.source, Some(ClientSource::Environment));
    assert!(status.has_secret);
    let config = core.oidc_config().await.unwrap();
    assert_eq!(config.issuer, "http://127.0.0.1:9");
    assert_eq!(config.client_secret.as_deref(), Some("s3cret"));
    assert_eq!(config.client_secret_source, Some(ClientSource::Settings));

    for bad in ["", "two words", "tab\there", &"x".repeat(600)] {
        let err = core.set_sign_in_client(bad, None).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}: {err}");
    }
    // A device secret cannot be stored as a profile's key.
    let err = core
        .session()
        .set_key(SecretPurpose::SignInClientSecret, "x".into())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
