//! The identity provider as seen over HTTP: its discovery document, its signing keys (JWKS, cached
//! with one refetch on an unknown key id, as keys rotate) and the authorization-code exchange.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use tokio::sync::Mutex;

use super::{OidcConfig, SignInError};
use crate::net::error_chain;

/// Answers of an identity provider are small.
const MAX_BODY: usize = 512 * 1024;
/// A JWKS without a `Cache-Control: max-age` is kept this long.
const DEFAULT_JWKS_TTL: Duration = Duration::from_secs(3600);

/// The parts of `/.well-known/openid-configuration` the flow uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
}

/// The token endpoint's answer (only the ID token is kept, and only until it is verified).
#[derive(Deserialize)]
pub(super) struct TokenResponse {
    pub id_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// One provider: HTTP client, discovery and key cache. Cheap to clone.
#[derive(Debug, Clone)]
pub struct IdentityProvider {
    http: reqwest::Client,
    config: Arc<OidcConfig>,
    discovery: Arc<Mutex<Option<Discovery>>>,
    keys: Arc<Mutex<Option<(JwkSet, Instant, Duration)>>>,
}

impl IdentityProvider {
    pub fn new(config: OidcConfig) -> Result<Self, SignInError> {
        config.check()?;
        let http = crate::net::tls::with_trust_roots(reqwest::Client::builder())
            .connect_timeout(Duration::from_secs(10))
            .timeout(config.http_timeout)
            // A provider's own endpoints never need a redirect; following one could send the code
            // and client secret elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Nanoforge/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SignInError::Config(format!("HTTP client setup failed: {e}")))?;
        Ok(Self {
            http,
            config: Arc::new(config),
            discovery: Arc::new(Mutex::new(None)),
            keys: Arc::new(Mutex::new(None)),
        })
    }

    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// The discovery document (fetched once per process). Its `issuer` must be the configured one.
    pub async fn discovery(&self) -> Result<Discovery, SignInError> {
        let mut slot = self.discovery.lock().await;
        if let Some(d) = slot.as_ref() {
            return Ok(d.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", self.config.issuer);
        let (body, _) = self.get(&url).await?;
        let discovery: Discovery = serde_json::from_slice(&body).map_err(|e| {
            SignInError::Provider(format!("the discovery document is not valid: {e}"))
        })?;
        let same = crate::accounts::normalize_issuer(&discovery.issuer)
            == crate::accounts::normalize_issuer(&self.config.issuer);
        if !same {
            return Err(SignInError::Provider(format!(
                "the provider calls itself {:?}, not {:?}",
                discovery.issuer, self.config.issuer
            )));
        }
        for endpoint in [
            &discovery.authorization_endpoint,
            &discovery.token_endpoint,
            &discovery.jwks_uri,
        ] {
            super::check_endpoint_url(endpoint)?;
        }
        *slot = Some(discovery.clone());
        Ok(discovery)
    }

    /// The signing keys; `refresh` forces a new fetch (an unknown key id: the provider rotated).
    pub async fn keys(&self, refresh: bool) -> Result<JwkSet, SignInError> {
        let mut slot = self.keys.lock().await;
        if !refresh
            && let Some((set, at, ttl)) = slot.as_ref()
            && at.elapsed() < *ttl
        {
            return Ok(set.clone());
        }
        let jwks_uri = self.discovery().await?.jwks_uri;
        let (body, max_age) = self.get(&jwks_uri).await?;
        let set: JwkSet = serde_json::from_slice(&body).map_err(|e| {
            SignInError::Provider(format!("the provider's keys are not valid: {e}"))
        })?;
        *slot = Some((
            set.clone(),
            Instant::now(),
            max_age.unwrap_or(DEFAULT_JWKS_TTL),
        ));
        Ok(set)
    }

    /// Exchanges an authorization code (with its PKCE verifier) for the ID token.
    pub(super) async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<String, SignInError> {
        let endpoint = self.discovery().await?.token_endpoint;
        let client_id = self.config.client_id()?;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
            ("client_id", client_id),
        ];
        // Google's desktop clients must send their (not actually secret) client secret.
        if let Some(secret) = self.config.client_secret.as_deref() {
            form.push(("client_secret", secret));
        }
        let response = self
            .http
            .post(&endpoint)
            .form(&form)
            .send()
            .await
            .map_err(|e| self.transport(&e))?;
        let status = response.status();
        let body = read_capped(response)
            .await
            .map_err(|e| self.transport(&e))?;
        if !status.is_success() {
            return Err(match serde_json::from_slice::<TokenError>(&body) {
                Ok(e) => SignInError::TokenRefused {
                    error: e.error,
                    description: e.error_description,
                },
                Err(_) => SignInError::Provider(format!(
                    "the token endpoint answered HTTP {}",
                    status.as_u16()
                )),
            });
        }
        let token: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            SignInError::Provider(format!("the token answer is not valid JSON: {e}"))
        })?;
        token
            .id_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| SignInError::Provider("the token answer has no ID token".into()))
    }

    async fn get(&self, url: &str) -> Result<(Vec<u8>, Option<Duration>), SignInError> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| self.transport(&e))?;
        let status = response.status();
        let max_age = response
            .headers()
            .get(reqwest::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(max_age);
        let body = read_capped(response)
            .await
            .map_err(|e| self.transport(&e))?;
        if !status.is_success() {
            return Err(SignInError::Provider(format!(
                "{url} answered HTTP {}",
                status.as_u16()
            )));
        }
        Ok((body, max_age))
    }

    fn transport(&self, e: &reqwest::Error) -> SignInError {
        let host = reqwest::Url::parse(&self.config.issuer)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.config.issuer.clone());
        if e.is_connect() || e.is_timeout() {
            SignInError::Offline {
                host,
                message: error_chain(e),
            }
        } else {
            SignInError::Provider(error_chain(e))
        }
    }
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_BODY {
            bytes.truncate(MAX_BODY);
            break;
        }
    }
    Ok(bytes)
}

/// `max-age=N` of a Cache-Control header.
fn max_age(header: &str) -> Option<Duration> {
    header.split(',').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        (name.eq_ignore_ascii_case("max-age"))
            .then(|| value.trim().parse::<u64>().ok())
            .flatten()
            .map(|secs| Duration::from_secs(secs.min(7 * 86_400)))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn cache_control_max_age_is_read() {
        assert_eq!(
            super::max_age("public, max-age=21350, must-revalidate, no-transform"),
            Some(std::time::Duration::from_secs(21350))
        );
        assert_eq!(super::max_age("no-store"), None);
    }
}
