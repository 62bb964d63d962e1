//! Signing in against a real OpenID provider process on 127.0.0.1, with a test client playing the
//! browser: the happy path creates (then reuses) one library per account and switches to it; every
//! failure leaves nothing behind and the open profile open.

use crate::oidc_support;

use std::sync::Arc;
use std::time::Duration;

use nanoforge_core::accounts::{Secrets, SessionStore, profile_dir};
use nanoforge_core::{AppCore, CoreConfig, ErrorKind, ProfileChoice};
use oidc_support::browse;

async fn core_for(provider: &oidc_support::Provider, dir: &std::path::Path) -> AppCore {
    let mut config = CoreConfig::new(dir);
    config.oidc = provider.config();
    config.sign_in_timeout = Duration::from_secs(10);
    config.demo_latency = Some(Duration::ZERO);
    AppCore::open_with(
        config,
        Secrets::new(Arc::new(SessionStore::new())),
        ProfileChoice::Current,
    )
    .await
    .expect("open the core")
}

/// Starts a sign-in, plays the browser with `knobs`, and returns how it ended.
async fn sign_in(
    core: &AppCore,
    knobs: &[(&str, &str)],
) -> nanoforge_core::Result<nanoforge_core::ProfileSummary> {
    let url = core.begin_sign_in().await?;
    let finishing = {
        let core = core.clone();
        tokio::spawn(async move { core.finish_sign_in().await })
    };
    browse(&url, knobs).await;
    finishing.await.expect("join")
}

fn profile_folders(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("profiles")).map_or(0, |d| d.count())
}

#[tokio::test]
async fn signing_in_creates_one_library_per_account_and_reuses_it() {
    let Some(provider) = oidc_support::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let core = core_for(&provider, dir.path()).await;
    assert_eq!(core.session().profile().id, "local");

    let alice = sign_in(&core, &[("nf_sub", "alice"), ("nf_name", "Alice A")])
        .await
        .unwrap();
    assert!(alice.id.starts_with("g-"), "{alice:?}");
    assert_eq!(alice.email.as_deref(), Some("alice@example.test"));
    assert_eq!(alice.name.as_deref(), Some("Alice A"));
    assert_eq!(
        core.session().profile().id,
        alice.id,
        "the account's library is open"
    );
    assert!(
        profile_dir(dir.path(), &alice.id)
            .unwrap()
            .join("library.sqlite")
            .exists()
    );
    let state = core.accounts_state().unwrap();
    assert_eq!(state.profiles.len(), 2);
    assert_eq!(state.current.id, alice.id);

    // A new email for the same subject is the same account, the same folder.
    core.sign_out().await.unwrap();
    let again = sign_in(
        &core,
        &[("nf_sub", "alice"), ("nf_email", "alice@new.test")],
    )
    .await
    .unwrap();
    assert_eq!(again.id, alice.id);
    assert_eq!(again.email.as_deref(), Some("alice@new.test"));
    let bob = sign_in(&core, &[("nf_sub", "bob")]).await.unwrap();
    assert_ne!(bob.id, alice.id);
    assert_eq!(core.accounts_state().unwrap().profiles.len(), 3);

    // A fresh process (the app restarted offline) opens the last library without any network.
    drop(core);
    drop(provider);
    let mut config = CoreConfig::new(dir.path());
    config.oidc.issuer = "http://127.0.0.1:1".into();
    let reopened = AppCore::open_with(
        config,
        Secrets::new(Arc::new(SessionStore::new())),
        ProfileChoice::Current,
    )
    .await
    .unwrap();
    assert_eq!(reopened.session().profile().id, bob.id);
}

#[tokio::test]
async fn every_failure_leaves_nothing_behind() {
    let Some(provider) = oidc_support::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let core = core_for(&provider, dir.path()).await;
    let cases: &[(&[(&str, &str)], ErrorKind)] = &[
        (&[("nf_deny", "1")], ErrorKind::SignInDenied),
        (&[("nf_token", "expired")], ErrorKind::InvalidToken),
        (&[("nf_token", "wrong_aud")], ErrorKind::InvalidToken),
        (&[("nf_token", "wrong_iss")], ErrorKind::InvalidToken),
        (&[("nf_token", "wrong_azp")], ErrorKind::InvalidToken),
        (&[("nf_token", "no_nonce")], ErrorKind::InvalidToken),
        (&[("nf_token", "wrong_nonce")], ErrorKind::InvalidToken),
        (&[("nf_token", "bad_signature")], ErrorKind::InvalidToken),
        (&[("nf_token", "unknown_kid")], ErrorKind::InvalidToken),
        (&[("nf_token", "alg_none")], ErrorKind::InvalidToken),
        (&[("nf_token", "hs256")], ErrorKind::InvalidToken),
        (&[("nf_token", "future_iat")], ErrorKind::ClockSkew),
        (
            &[("nf_token_error", "invalid_grant")],
            ErrorKind::SignInFailed,
        ),
        (
            &[("nf_token_error", "invalid_client")],
            ErrorKind::SignInFailed,
        ),
        (
            &[("nf_token_error", "server_error")],
            ErrorKind::SignInFailed,
        ),
    ];
    for (knobs, kind) in cases {
        let error = sign_in(&core, knobs).await.expect_err("must fail");
        assert_eq!(error.kind(), *kind, "{knobs:?}: {error}");
        assert_eq!(core.session().profile().id, "local", "{knobs:?}");
        assert_eq!(
            core.accounts_state().unwrap().profiles.len(),
            1,
            "{knobs:?}"
        );
        assert_eq!(
            profile_folders(dir.path()),
            1,
            "{knobs:?}: only local's folder"
        );
    }
    // Rotated keys (one JWKS refetch) and an expiry inside the leeway are fine.
    sign_in(&core, &[("nf_sub", "carol"), ("nf_token", "rotated_kid")])
        .await
        .unwrap();
    sign_in(&core, &[("nf_sub", "dave"), ("nf_token", "exp_in_leeway")])
        .await
        .unwrap();
}

#[tokio::test]
async fn a_wrong_state_is_ignored_and_the_flow_keeps_waiting() {
    let Some(provider) = oidc_support::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let core = core_for(&provider, dir.path()).await;
    let url = core.begin_sign_in().await.unwrap();
    let finishing = {
        let core = core.clone();
        tokio::spawn(async move { core.finish_sign_in().await })
    };
    // A stale tab (the provider sends another state back): an error page, and the wait goes on.
    assert_eq!(browse(&url, &[("nf_state", "wrong")]).await, 400);
    assert!(!finishing.is_finished());
    assert_eq!(browse(&url, &[("nf_sub", "erin")]).await, 200);
    let erin = finishing.await.unwrap().unwrap();
    assert_eq!(core.session().profile().id, erin.id);
}

#[tokio::test]
async fn timeout_cancel_and_a_second_sign_in_release_everything() {
    let Some(provider) = oidc_support::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut config = CoreConfig::new(dir.path());
    config.oidc = provider.config();
    config.sign_in_timeout = Duration::from_millis(300);
    let core = AppCore::open_with(
        config,
        Secrets::new(Arc::new(SessionStore::new())),
        ProfileChoice::Current,
    )
    .await
    .unwrap();
    // The browser was closed: the sign-in times out and its port is free again.
    let url = core.begin_sign_in().await.unwrap();
    let port = reqwest::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .and_then(|(_, v)| reqwest::Url::parse(&v).ok())
        .and_then(|u| u.port())
        .unwrap();
    let timed_out = core.finish_sign_in().await.unwrap_err();
    assert_eq!(timed_out.kind(), ErrorKind::Timeout, "{timed_out}");
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
    );

    // A second sign-in cancels the first one in flight.
    let first_url = core.begin_sign_in().await.unwrap();
    let _second_url = core.begin_sign_in().await.unwrap();
    assert_ne!(
        first_url, _second_url,
        "fresh state, nonce, verifier and port"
    );
    core.cancel_sign_in().await;
    assert_eq!(
        core.finish_sign_in().await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(core.accounts_state().unwrap().profiles.len(), 1);
}

#[tokio::test]
async fn offline_and_misconfigured_providers_fail_with_their_own_words() {
    let dir = tempfile::tempdir().unwrap();
    let open = |issuer: &str, client: Option<&str>| {
        let mut config = CoreConfig::new(dir.path());
        config.oidc.issuer = issuer.into();
        config.oidc.client_id = client.map(str::to_owned);
        AppCore::open_with(
            config,
            Secrets::new(Arc::new(SessionStore::new())),
            ProfileChoice::Current,
        )
    };
    let offline = open("http://127.0.0.1:1", Some("x")).await.unwrap();
    let error = offline.begin_sign_in().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network, "{error}");
    let plain = open("http://accounts.example.com", Some("x"))
        .await
        .unwrap();
    let error = plain.begin_sign_in().await.unwrap_err();
    // Configured, but wrongly: a configuration error that names the problem.
    assert_eq!(error.kind(), ErrorKind::Config, "{error}");
    assert!(error.to_string().contains("https"), "{error}");
    let unset = open("https://accounts.google.com", None).await.unwrap();
    assert!(!unset.accounts_state().unwrap().sign_in_configured);
    let error = unset.begin_sign_in().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SignInNotConfigured);
    assert!(
        error.to_string().contains("NANOFORGE_OIDC_CLIENT_ID"),
        "{error}"
    );
}

/// The device clock is checked against the token: a clock far behind sees a token "from the
/// future", far ahead an expired one — both say to fix the clock.
#[tokio::test]
async fn a_wrong_device_clock_is_named() {
    use nanoforge_core::accounts::signin;
    let Some(provider) = oidc_support::start().await else {
        return;
    };
    let idp = nanoforge_core::accounts::IdentityProvider::new(provider.config()).unwrap();
    let now = nanoforge_core::clock::now_ms() / 1000;
    for (offset, kind) in [
        (-7200, ErrorKind::ClockSkew),
        (7200 * 3, ErrorKind::InvalidToken),
    ] {
        let pending = signin::begin(&idp).await.unwrap();
        let url = pending.url.clone();
        let cancel = tokio_util::sync::CancellationToken::new();
        let finishing = tokio::spawn(async move {
            pending
                .finish(Duration::from_secs(10), &cancel, move || now + offset)
                .await
        });
        browse(&url, &[("nf_sub", "frank")]).await;
        let error = nanoforge_core::CoreError::from(finishing.await.unwrap().unwrap_err());
        assert_eq!(error.kind(), kind, "{offset}: {error}");
        assert!(error.to_string().contains("clock"), "{error}");
    }
}
