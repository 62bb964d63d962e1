//! Verifying an ID token in full (OpenID Connect Core §3.1.3.7 and Google's guide): an RS256
//! signature by a key of the provider's JWKS (one refetch for an unknown key id), the issuer
//! (Google's two spellings are one), the audience and authorized party (our client id), the
//! `nonce` we sent, and `exp`/`iat` against our clock with a small leeway. Anything else fails
//! closed with the reason; nothing of the token is stored.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::SignInError;
use super::provider::IdentityProvider;
use crate::accounts::normalize_issuer;

/// Who signed in, as the verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    #[serde(default, deserialize_with = "one_or_many")]
    aud: Vec<String>,
    #[serde(default)]
    azp: Option<String>,
    exp: i64,
    iat: i64,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
    #[serde(default)]
    name: Option<String>,
}

/// `aud` is a string or an array of strings.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// Verifies `token` for `provider`, expecting `nonce`, at `now_secs` (Unix seconds).
pub async fn verify_id_token(
    provider: &IdentityProvider,
    token: &str,
    nonce: &str,
    now_secs: i64,
) -> Result<VerifiedIdentity, SignInError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|e| invalid(format!("it is not a signed token ({e})")))?;
    if header.alg != Algorithm::RS256 {
        return Err(invalid(format!(
            "it is signed with {:?}; only RS256 is accepted",
            header.alg
        )));
    }
    let kid = header
        .kid
        .ok_or_else(|| invalid("it names no signing key".into()))?;
    let keys = provider.keys(false).await?;
    let key = match find_key(&keys, &kid)? {
        Some(key) => key,
        // The provider may have rotated its keys since we fetched them: ask once more.
        None => find_key(&provider.keys(true).await?, &kid)?
            .ok_or_else(|| invalid(format!("it is signed by an unknown key ({kid})")))?,
    };
    let claims = check_signature(token, &key)?;
    check_claims(&claims, provider.config(), nonce, now_secs)?;
    Ok(VerifiedIdentity {
        issuer: normalize_issuer(&claims.iss),
        subject: claims.sub,
        email: claims.email,
        email_verified: claims.email_verified.as_ref().and_then(truthy),
        name: claims.name.filter(|n| !n.trim().is_empty()),
    })
}

fn find_key(keys: &JwkSet, kid: &str) -> Result<Option<DecodingKey>, SignInError> {
    keys.find(kid)
        .map(|jwk| {
            DecodingKey::from_jwk(jwk).map_err(|e| {
                SignInError::Provider(format!("the provider's key {kid} is unusable: {e}"))
            })
        })
        .transpose()
}

/// The signature only: claims are checked by [`check_claims`] against our own clock.
fn check_signature(token: &str, key: &DecodingKey) -> Result<Claims, SignInError> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map(|data| data.claims)
        .map_err(|e| invalid(format!("its signature or contents are not valid ({e})")))
}

fn check_claims(
    claims: &Claims,
    config: &super::OidcConfig,
    nonce: &str,
    now: i64,
) -> Result<(), SignInError> {
    if normalize_issuer(&claims.iss) != normalize_issuer(&config.issuer) {
        return Err(invalid(format!("it was issued by {:?}", claims.iss)));
    }
    let client_id = config.client_id()?;
    if !claims.aud.iter().any(|a| a == client_id) {
        return Err(invalid("it was issued for another application".into()));
    }
    if claims.azp.as_deref().is_some_and(|azp| azp != client_id) {
        return Err(invalid("it was requested by another application".into()));
    }
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(invalid("it does not answer this sign-in (nonce)".into()));
    }
    if claims.sub.trim().is_empty() {
        return Err(invalid("it names no account".into()));
    }
    let leeway = i64::try_from(config.leeway.as_secs()).unwrap_or(60);
    if claims.iat > now + leeway {
        return Err(SignInError::ClockSkew {
            seconds: claims.iat - now,
        });
    }
    if claims.exp < now - leeway {
        return Err(SignInError::Expired);
    }
    Ok(())
}

fn truthy(v: &serde_json::Value) -> Option<bool> {
    match v {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) => Some(s == "true"),
        _ => None,
    }
}

fn invalid(reason: String) -> SignInError {
    SignInError::InvalidToken(reason)
}
