//! Which identity provider and client a sign-in uses, and the rules for its addresses. A leaf of
//! sign-in: the flow, the provider and the verifier read it.

use std::time::Duration;

use super::error::SignInError;

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

    pub(super) fn is_google(&self) -> bool {
        normalize_issuer(&self.issuer) == GOOGLE_ISSUER
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

/// Google's ID tokens carry either spelling of its issuer; they are one issuer.
pub fn normalize_issuer(issuer: &str) -> String {
    let trimmed = issuer.trim().trim_end_matches('/');
    if trimmed == "accounts.google.com" {
        GOOGLE_ISSUER.to_owned()
    } else {
        trimmed.to_owned()
    }
}
