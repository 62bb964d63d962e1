//! The device's own Google sign-in client (Settings → Account → "Use your own Google client",
//! `nanoforge account client …`): a package built without a compiled-in client can still sign in.
//! The client id is not secret and is kept in `signin-client.json` in the data folder; its secret
//! goes to the OS keychain only (device scope), never a file. Per field the environment wins, then
//! this client, then one compiled into the build ([`OidcConfig::with_device_client`]).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::core::AppCore;
use crate::accounts::signin::ClientSource;
use crate::accounts::{IdentityProvider, OidcConfig, Secret, SecretPurpose};
use crate::secret::DEVICE_SECRETS;
use crate::{CoreError, Result};

const CLIENT_FILE: &str = "signin-client.json";
/// Longer than any provider's client ids (Google's are about 75 characters).
const MAX_CLIENT_ID_CHARS: usize = 512;

/// Which client a sign-in uses, as Settings and `account client show` tell it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SignInClientStatus {
    pub client_id: Option<String>,
    pub source: Option<ClientSource>,
    pub has_secret: bool,
    pub issuer: String,
}

#[derive(Serialize, Deserialize)]
struct ClientFile {
    client_id: String,
}

impl AppCore {
    fn client_file(&self) -> PathBuf {
        self.config().data_dir.join(CLIENT_FILE)
    }

    /// Whether a client was set up on this device (a cheap check for the accounts screen).
    pub(super) fn has_device_client(&self) -> bool {
        self.client_file().is_file()
    }

    /// The device's client id, if one was set up. A file that cannot be read is an error that
    /// says so (sign-in would otherwise silently fall back to another client).
    async fn device_client_id(&self) -> Result<Option<String>> {
        let path = self.client_file();
        match tokio::fs::read(&path).await {
            Ok(bytes) => serde_json::from_slice::<ClientFile>(&bytes)
                .map(|f| Some(f.client_id))
                .map_err(|e| {
                    CoreError::InvalidInput(format!(
                        "{} is not a sign-in client file ({e}); run `nanoforge account client clear`",
                        path.display()
                    ))
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The provider and client a sign-in uses now.
    pub async fn oidc_config(&self) -> Result<OidcConfig> {
        let id = self.device_client_id().await?;
        let secret = match id {
            // A keychain that cannot be read does not hide the client id: a Google desktop client
            // then fails at the token exchange with a message naming the variable.
            Some(_) => self
                .secrets()
                .get(DEVICE_SECRETS, SecretPurpose::SignInClientSecret)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "the sign-in client's secret could not be read");
                    None
                }),
            None => None,
        };
        Ok(self
            .config()
            .oidc
            .clone()
            .with_device_client(id, secret.map(|s| s.expose().to_owned())))
    }

    pub async fn sign_in_client(&self) -> Result<SignInClientStatus> {
        let config = self.oidc_config().await?;
        Ok(SignInClientStatus {
            client_id: config.client_id.clone(),
            source: config
                .client_id_source
                .or(config.client_id.as_ref().map(|_| ClientSource::Build)),
            has_secret: config.client_secret.is_some(),
            issuer: config.issuer,
        })
    }

    /// Sets up this device's own client: the secret (a Google desktop client has one) to the
    /// keychain first, so a keychain that cannot take it leaves nothing half set up.
    pub async fn set_sign_in_client(
        &self,
        client_id: &str,
        secret: Option<String>,
    ) -> Result<SignInClientStatus> {
        let client_id = client_id.trim();
        if client_id.is_empty()
            || client_id.chars().count() > MAX_CLIENT_ID_CHARS
            || client_id
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(CoreError::InvalidInput(
                "a client id is one word of at most 512 characters (Google's end in .apps.googleusercontent.com)".into(),
            ));
        }
        let secret = secret
            .filter(|s| !s.trim().is_empty())
            .map(Secret::new)
            .transpose()?;
        match secret {
            Some(secret) => {
                self.secrets()
                    .set(DEVICE_SECRETS, SecretPurpose::SignInClientSecret, secret)
                    .await?
            }
            // A client without a secret: an old one goes. A keychain that cannot be reached
            // holds nothing this process could read either, so it does not stop the change.
            None => self.forget_client_secret().await,
        }
        let body = serde_json::to_vec_pretty(&ClientFile {
            client_id: client_id.to_owned(),
        })
        .map_err(|e| CoreError::Internal(format!("the sign-in client file: {e}")))?;
        let path = self.client_file();
        tokio::task::spawn_blocking(move || crate::private_fs::write_atomically(&path, &body))
            .await??;
        self.forget_identity_provider().await;
        self.sign_in_client().await
    }

    /// Forgets the device's client (file and secret); the environment's or the build's applies.
    pub async fn clear_sign_in_client(&self) -> Result<SignInClientStatus> {
        self.forget_client_secret().await;
        match tokio::fs::remove_file(self.client_file()).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        self.forget_identity_provider().await;
        self.sign_in_client().await
    }

    /// Checks the client's issuer answers discovery (Settings' **Test**); no browser opens.
    pub async fn test_sign_in_client(&self) -> Result<SignInClientStatus> {
        let provider = self.identity_provider().await?;
        provider.config().client_id()?;
        provider.discovery().await?;
        self.sign_in_client().await
    }

    /// The provider for the configuration in effect, reused while it does not change (its
    /// discovery and keys are cached).
    pub(super) async fn identity_provider(&self) -> Result<IdentityProvider> {
        let config = self.oidc_config().await?;
        let mut slot = self.inner.identity.lock().await;
        if let Some(provider) = slot.as_ref()
            && *provider.config() == config
        {
            return Ok(provider.clone());
        }
        let provider = IdentityProvider::new(config)?;
        *slot = Some(provider.clone());
        Ok(provider)
    }

    async fn forget_client_secret(&self) {
        if let Err(e) = self
            .secrets()
            .delete(DEVICE_SECRETS, SecretPurpose::SignInClientSecret)
            .await
        {
            tracing::warn!(error = %e, "the sign-in client's secret could not be deleted");
        }
    }

    async fn forget_identity_provider(&self) {
        *self.inner.identity.lock().await = None;
    }
}
