//! Signing in with Google (or any OpenID provider) without a server of ours, shared by the app and
//! the CLI: the authorization-code flow with PKCE S256, `state` and `nonce`, in the system browser,
//! returning to a one-shot loopback listener ([`loopback`]); the code is exchanged at the
//! provider's token endpoint and the ID token verified in full ([`verify`]).
//!
//! Only the identity is kept (issuer + subject, plus email and name for display): no access,
//! refresh or ID token is stored anywhere. Mobile shells cannot use a loopback redirect (Google
//! blocks it for Android and iOS clients); they obtain an ID token natively and hand it to
//! [`verify::verify_id_token`] (see `docs/mobile.md`).

mod config;
mod error;
pub mod loopback;
pub mod provider;
pub mod verify;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

pub(crate) use config::check_endpoint_url;
pub use config::{
    ClientSource, DEFAULT_SIGN_IN_TIMEOUT, GOOGLE_ISSUER, OidcConfig, normalize_issuer,
};
pub use error::SignInError;
pub use loopback::{Callback, LoopbackReceiver};
pub use provider::{Discovery, IdentityProvider};
pub use verify::{VerifiedIdentity, verify_id_token};

/// A sign-in waiting for the browser: open [`PendingSignIn::url`], then [`PendingSignIn::finish`].
#[derive(Debug)]
pub struct PendingSignIn {
    pub url: String,
    provider: IdentityProvider,
    receiver: LoopbackReceiver,
    state: String,
    nonce: String,
    verifier: String,
}

/// Starts a sign-in: discovery, a loopback listener, and the authorization URL with fresh PKCE
/// verifier, `state` and `nonce` (a retry never reuses any of them, nor the port).
pub async fn begin(provider: &IdentityProvider) -> Result<PendingSignIn, SignInError> {
    let client_id = provider.config().client_id()?.to_owned();
    let discovery = provider.discovery().await?;
    let receiver = LoopbackReceiver::bind().await?;
    let (state, nonce, verifier) = (random_token()?, random_token()?, random_token()?);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut url = reqwest::Url::parse(&discovery.authorization_endpoint)
        .map_err(|e| SignInError::Provider(format!("bad authorization endpoint: {e}")))?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", &client_id)
            .append_pair("redirect_uri", &receiver.redirect_uri())
            .append_pair("scope", "openid email profile")
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        if provider.config().is_google() {
            // One library per account: let the person pick which Google account.
            q.append_pair("prompt", "select_account");
        }
    }
    Ok(PendingSignIn {
        url: url.into(),
        provider: provider.clone(),
        receiver,
        state,
        nonce,
        verifier,
    })
}

impl PendingSignIn {
    /// Waits for the browser (up to `timeout`, or until `cancel`), exchanges the code and verifies
    /// the ID token against `now_secs` (Unix seconds; a parameter so clock skew is testable).
    pub async fn finish(
        self,
        timeout: Duration,
        cancel: &CancellationToken,
        now_secs: impl FnOnce() -> i64,
    ) -> Result<VerifiedIdentity, SignInError> {
        let redirect_uri = self.receiver.redirect_uri();
        let code = match self.receiver.wait(&self.state, timeout, cancel).await? {
            Callback::Code(code) => code,
            Callback::Refused { error, description } => {
                return Err(if error == "access_denied" {
                    SignInError::Denied { description }
                } else {
                    SignInError::TokenRefused { error, description }
                });
            }
        };
        let token = tokio::select! {
            token = self.provider.exchange(&code, &self.verifier, &redirect_uri) => token?,
            () = cancel.cancelled() => return Err(SignInError::Cancelled),
        };
        verify_id_token(&self.provider, &token, &self.nonce, now_secs()).await
    }
}

/// 256 random bits, base64url: a PKCE verifier, `state` or `nonce`.
fn random_token() -> Result<String, SignInError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| SignInError::Config(format!("no secure random numbers: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}
