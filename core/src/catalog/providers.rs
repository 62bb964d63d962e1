//! The providers as data: who generates (the reseller, Google's API, the offline demo) and what
//! each can do — how it takes input images, whether it runs remote tasks to poll, whether it has a
//! credit balance, which key it runs on. The queue asks this instead of matching on providers, and
//! the UI reads it through the bindings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::choice::UnknownChoice;
use crate::secret::SecretPurpose;

/// Who generates: the reseller, Google's own API, or the offline demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ProviderKind {
    #[default]
    #[serde(rename = "nanobanana")]
    NanoBanana,
    /// Google's own Gemini API (an AI Studio key).
    #[serde(rename = "gemini")]
    Gemini,
    #[serde(rename = "demo")]
    Demo,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [
        ProviderKind::NanoBanana,
        ProviderKind::Gemini,
        ProviderKind::Demo,
    ];

    /// The name stored in `jobs.provider`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::NanoBanana => "nanobanana",
            ProviderKind::Gemini => "gemini",
            ProviderKind::Demo => "demo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::NanoBanana => "Nano Banana (nanobananaapi.ai)",
            ProviderKind::Gemini => "Google Gemini API",
            ProviderKind::Demo => "Demo — not AI",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderKind {
    type Err = UnknownChoice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nanobanana" | "nano-banana" => Ok(ProviderKind::NanoBanana),
            "gemini" | "google" => Ok(ProviderKind::Gemini),
            "demo" => Ok(ProviderKind::Demo),
            other => Err(UnknownChoice(format!(
                "unknown provider '{other}': choose nanobanana, gemini or demo"
            ))),
        }
    }
}

/// How a provider receives input images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum InputMode {
    /// The image bytes inside the request (Gemini).
    Inline,
    /// Public URLs the service fetches (the reseller): library images go as short-lived links
    /// from the user's sync bucket.
    Urls,
    /// The request's images are drawn locally; inputs only steer the demo's picture.
    Local,
}

/// What one provider can do.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProviderInfo {
    pub kind: ProviderKind,
    pub label: &'static str,
    pub input_mode: InputMode,
    /// A submit starts a remote task that is polled and downloaded (else the answer holds the images).
    pub remote_tasks: bool,
    /// The account has a credit balance the app can read.
    pub balance: bool,
    /// The key it runs on (none: it runs offline).
    pub key: Option<SecretPurpose>,
    /// An edit continues the conversation that made the image (the model's turns replayed);
    /// else an edit is a new request with the image as an input.
    pub conversations: bool,
}

impl ProviderKind {
    /// What this provider can do.
    pub fn info(self) -> ProviderInfo {
        match self {
            ProviderKind::NanoBanana => ProviderInfo {
                kind: self,
                label: self.label(),
                input_mode: InputMode::Urls,
                remote_tasks: true,
                balance: true,
                key: Some(SecretPurpose::NanoBananaKey),
                conversations: false,
            },
            ProviderKind::Gemini => ProviderInfo {
                kind: self,
                label: self.label(),
                input_mode: InputMode::Inline,
                remote_tasks: false,
                balance: false,
                key: Some(SecretPurpose::GeminiKey),
                conversations: true,
            },
            ProviderKind::Demo => ProviderInfo {
                kind: self,
                label: self.label(),
                input_mode: InputMode::Local,
                remote_tasks: false,
                balance: false,
                key: None,
                conversations: false,
            },
        }
    }
}
