//! Signing in with Google (or any OpenID provider) without a server of ours, shared by the app and
//! the CLI: the authorization-code flow with PKCE S256, `state` and `nonce`, in the system browser,
//! returning to a one-shot loopback listener ([`loopback`]); the code is exchanged at the
//! provider's token endpoint and the ID token verified in full ([`verify`]).
//!
//! Only the identity is kept (issuer + subject, plus email and name for display): no access,
//! refresh or ID token is stored anywhere. Mobile shells cannot use a loopback redirect (Google
//! blocks it for Android and iOS clients); they obtain an ID token natively and hand it to
//! [`verify::verify_id_token`] (see `docs/mobile.md`).

pub mod loopback;
pub mod provider;
pub mod verify;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

pub use loopback::{Callback, LoopbackReceiver};
pub use provider::{Discovery, IdentityProvider};
pub use verify::{VerifiedIdentity, verify_id_token};

use crate::ErrorKind;

/// Google's issuer, the default.
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
/// How long a sign-in waits for the browser by default.
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// Which provider and client to sign in with. Built from `NANOFORGE_OIDC_ISSUER`,
/// `NANOFORGE_OIDC_CLIENT_ID` and `NANOFORGE_OIDC_CLIENT_SECRET` (read at run time, else baked in
/// at build time from the same names); the issuer defaults to Google.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcConfig {
    pub issuer: String,
    pub client_id: Option<String>,
    /// Google desktop clients have a secret that is not really secret (it ships in every copy).
    pub client_secret: Option<String>,
    /// Allowed difference between our clock and the provider's.
    pub leeway: Duration,
    pub http_timeout: Duration,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            issuer: GOOGLE_ISSUER.to_owned(),
            client_id: option_env!("NANOFORGE_OIDC_CLIENT_ID").map(str::to_owned),
            client_secret: option_env!("NANOFORGE_OIDC_CLIENT_SECRET").map(str::to_owned),
            leeway: Duration::from_secs(120),
            http_timeout: Duration::from_secs(30),
        }
    }
}

impl OidcConfig {
    /// The defaults, with the environment's values (through `var`) taking precedence.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut config = Self::default();
        if let Some(issuer) = set("NANOFORGE_OIDC_ISSUER") {
            config.issuer = issuer.trim_end_matches('/').to_owned();
        }
        if let Some(id) = set("NANOFORGE_OIDC_CLIENT_ID") {
            config.client_id = Some(id);
        }
        if let Some(secret) = set("NANOFORGE_OIDC_CLIENT_SECRET") {
            config.client_secret = Some(secret);
        }
        config
    }

    /// Whether this build can sign in at all (a client id is configured).
    pub fn is_configured(&self) -> bool {
        self.client_id.is_some()
    }

    pub fn client_id(&self) -> Result<&str, SignInError> {
        self.client_id.as_deref().ok_or(SignInError::NotConfigured)
    }

    /// An issuer must be https, or http on a loopback host (a local test provider).
    pub fn check(&self) -> Result<(), SignInError> {
        check_endpoint_url(&self.issuer)
    }

    fn is_google(&self) -> bool {
        crate::accounts::normalize_issuer(&self.issuer) == GOOGLE_ISSUER
    }
}

/// https anywhere; http only to a loopback host.
pub(crate) fn check_endpoint_url(url: &str) -> Result<(), SignInError> {
    if crate::net::is_secure_or_loopback(url) {
        Ok(())
    } else {
        Err(SignInError::Config(format!(
            "{url} is not an https address (plain http is allowed only on this computer)"
        )))
    }
}

/// Every way a sign-in can fail. Nothing is created on any of them.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(
        "sign-in is not set up in this build: set NANOFORGE_OIDC_CLIENT_ID (and NANOFORGE_OIDC_CLIENT_SECRET for a Google desktop client)"
    )]
    NotConfigured,
    #[error("sign-in configuration problem: {0}")]
    Config(String),
    #[error(
        "Can't reach {host} to sign in ({message}). Check your internet connection, then try again."
    )]
    Offline { host: String, message: String },
    #[error("the sign-in page was not completed within {} minutes; start again when you are ready", .0.as_secs().div_ceil(60))]
    TimedOut(Duration),
    #[error("sign-in cancelled")]
    Cancelled,
    #[error("you declined to sign in{}", .description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Denied { description: Option<String> },
    #[error("the sign-in could not listen for the browser on this computer: {0}")]
    Loopback(String),
    #[error("the identity provider refused the sign-in: {error}{}", .description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    TokenRefused {
        error: String,
        description: Option<String>,
    },
    #[error("the identity provider answered unexpectedly: {0}")]
    Provider(String),
    #[error("the sign-in answer is not valid: {0}")]
    InvalidToken(String),
    #[error(
        "the sign-in answer had already expired; if you just signed in, your device's clock may be wrong: check its date and time"
    )]
    Expired,
    #[error("your device's clock is about {} minutes off; set the date and time correctly, then sign in again", .seconds.unsigned_abs().div_ceil(60))]
    ClockSkew { seconds: i64 },
}

impl SignInError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            SignInError::NotConfigured => ErrorKind::SignInNotConfigured,
            SignInError::Config(_) => ErrorKind::Config,
            SignInError::Offline { .. } => ErrorKind::Network,
            SignInError::TimedOut(_) => ErrorKind::Timeout,
            SignInError::Cancelled => ErrorKind::Cancelled,
            SignInError::Denied { .. } => ErrorKind::SignInDenied,
            SignInError::Loopback(_)
            | SignInError::TokenRefused { .. }
            | SignInError::Provider(_) => ErrorKind::SignInFailed,
            SignInError::InvalidToken(_) | SignInError::Expired => ErrorKind::InvalidToken,
            SignInError::ClockSkew { .. } => ErrorKind::ClockSkew,
        }
    }
}

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
