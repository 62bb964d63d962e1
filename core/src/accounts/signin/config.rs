//! Which identity provider and client a sign-in uses, and the rules for its addresses. A leaf of
//! sign-in: the flow, the provider and the verifier read it.

use std::time::Duration;

use super::error::SignInError;

/// Google's issuer, the default.
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
/// How long a sign-in waits for the browser by default.
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// Where a sign-in client's id (or secret) came from. Per field, the environment wins, then the
/// client a person set up on this device (Settings → Account, `account client set`), then one
/// compiled into the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ClientSource {
    Environment,
    Settings,
    Build,
}

/// Which provider and client to sign in with. Built from `NANOFORGE_OIDC_ISSUER`,
/// `NANOFORGE_OIDC_CLIENT_ID` and `NANOFORGE_OIDC_CLIENT_SECRET` (read at run time, else baked in
/// at build time from the same names); the issuer defaults to Google. A client set up on the
/// device is layered on at sign-in ([`OidcConfig::with_device_client`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcConfig {
    pub issuer: String,
    pub client_id: Option<String>,
    /// Google desktop clients have a secret that is not really secret (it ships in every copy).
    pub client_secret: Option<String>,
    pub client_id_source: Option<ClientSource>,
    pub client_secret_source: Option<ClientSource>,
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
            client_id_source: option_env!("NANOFORGE_OIDC_CLIENT_ID").map(|_| ClientSource::Build),
            client_secret_source: option_env!("NANOFORGE_OIDC_CLIENT_SECRET")
                .map(|_| ClientSource::Build),
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
            config.client_id_source = Some(ClientSource::Environment);
        }
        if let Some(secret) = set("NANOFORGE_OIDC_CLIENT_SECRET") {
            config.client_secret = Some(secret);
            config.client_secret_source = Some(ClientSource::Environment);
        }
        config
    }

    /// This configuration with the device's own client (id and secret) where the environment
    /// does not set that field.
    pub fn with_device_client(mut self, client_id: Option<String>, secret: Option<String>) -> Self {
        if self.client_id_source != Some(ClientSource::Environment)
            && let Some(id) = client_id
        {
            self.client_id = Some(id);
            self.client_id_source = Some(ClientSource::Settings);
        }
        if self.client_secret_source != Some(ClientSource::Environment)
            && let Some(secret) = secret
        {
            self.client_secret = Some(secret);
            self.client_secret_source = Some(ClientSource::Settings);
        }
        self
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
