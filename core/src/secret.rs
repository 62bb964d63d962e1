//! A secret value (an API key, a sync secret, OAuth material) as it moves through the core: shown
//! only masked, exposed only where it is sent. A leaf that the providers, sync and the secret store
//! share; where secrets are kept is `accounts::secrets`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{CoreError, Result};

/// What a secret is for. Each profile has at most one secret per purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SecretPurpose {
    /// nanobananaapi.ai API key.
    NanoBananaKey,
    /// Google AI Studio (Gemini API) key.
    GeminiKey,
    /// The secret access key of the sync bucket (its id is not secret and lives in the settings).
    SyncSecretKey,
    /// The secret of the device's own Google sign-in client (kept for the whole device, under
    /// [`DEVICE_SECRETS`], never a profile's; not in [`SecretPurpose::ALL`]).
    SignInClientSecret,
}

/// The keychain scope of secrets that belong to the device rather than to a profile.
pub const DEVICE_SECRETS: &str = "device";

impl SecretPurpose {
    /// A profile's secrets.
    pub const ALL: [SecretPurpose; 3] = [
        SecretPurpose::NanoBananaKey,
        SecretPurpose::GeminiKey,
        SecretPurpose::SyncSecretKey,
    ];

    /// The keychain account name part: `nanobanana-api-key`, ...
    pub fn entry_name(self) -> &'static str {
        match self {
            SecretPurpose::NanoBananaKey => "nanobanana-api-key",
            SecretPurpose::GeminiKey => "gemini-api-key",
            SecretPurpose::SyncSecretKey => "sync-secret-access-key",
            SecretPurpose::SignInClientSecret => "signin-client-secret",
        }
    }

    /// The environment variable that overrides the store for every profile (CLI, CI, headless).
    pub fn env_var(self) -> &'static str {
        match self {
            SecretPurpose::NanoBananaKey => "NANOBANANA_API_KEY",
            SecretPurpose::GeminiKey => "GEMINI_API_KEY",
            SecretPurpose::SyncSecretKey => "NANOFORGE_SYNC_SECRET_ACCESS_KEY",
            SecretPurpose::SignInClientSecret => "NANOFORGE_OIDC_CLIENT_SECRET",
        }
    }

    /// For messages: "Nano Banana API key".
    pub fn label(self) -> &'static str {
        match self {
            SecretPurpose::NanoBananaKey => "Nano Banana API key",
            SecretPurpose::GeminiKey => "Gemini API key",
            SecretPurpose::SyncSecretKey => "sync secret access key",
            SecretPurpose::SignInClientSecret => "sign-in client secret",
        }
    }
}

/// A secret value. Its `Debug` and [`Secret::masked`] show only the last four characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// The name the providers use for their keys.
pub type ApiKey = Secret;

impl Secret {
    /// A secret from user input: surrounding whitespace removed; blank or control characters refused.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(CoreError::InvalidInput("the key is empty".into()));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(CoreError::InvalidInput(
                "the key contains control characters; paste it again".into(),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The value itself, for an authentication header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// For display: eight bullets and the last four characters (all bullets if the value is short).
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let tail: String = if chars.len() >= 8 {
            chars[chars.len() - 4..].iter().collect()
        } else {
            String::new()
        };
        format!("••••••••{tail}")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}
