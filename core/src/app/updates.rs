//! Updates of this install, the device's side (the shell downloads, checks the minisign signature
//! and installs with tauri-plugin-updater): whether to check in the background, where to look
//! (the build's endpoint, or one a self-hoster sets), and which version the user chose to skip.
//! Kept in `updates.json` in the data folder: an install is a device, not a profile.
//!
//! The rules the prompt follows live here, not in the page: a background check never offers a
//! skipped version; a check the user asked for does.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::core::AppCore;
use crate::{CoreError, Result};

const UPDATES_FILE: &str = "updates.json";
/// Longer than any sensible release URL.
const MAX_ENDPOINT_CHARS: usize = 2048;

/// What Settings → Updates shows and sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UpdatePreferences {
    /// Check for a new version in the background after the window opens.
    pub auto_check: bool,
    /// Where to look instead of the build's endpoint (a self-hosted `latest.json`), if set.
    pub endpoint: Option<String>,
    /// The version the user chose to skip: background checks do not offer it again.
    pub skipped_version: Option<String>,
}

impl Default for UpdatePreferences {
    fn default() -> Self {
        Self {
            auto_check: true,
            endpoint: None,
            skipped_version: None,
        }
    }
}

/// Settings → Updates: the settings, where the build looks when none is set, and why the last
/// check failed (a background check's failure is only shown here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UpdateSettings {
    pub preferences: UpdatePreferences,
    pub built_in_endpoint: Option<String>,
    pub last_check_error: Option<String>,
    /// False where the app store updates the app (phones): Settings hides the card.
    pub supported: bool,
}

/// A newer version the endpoint offers, as the prompt shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AvailableUpdate {
    pub version: String,
    pub current_version: String,
    /// The release notes, plain text (shown as text, never as HTML).
    pub notes: Option<String>,
    /// When it was published (RFC 3339), if the endpoint says.
    pub published_at: Option<String>,
}

/// How far a download has come, streamed to the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UpdateProgress {
    pub downloaded_bytes: f64,
    /// `None` when the server sends no length.
    pub total_bytes: Option<f64>,
}

/// Checks an endpoint a user typed: an `https` URL, or `http` to this computer (a local release
/// server while testing a self-hosted setup). Release builds refuse plain http elsewhere anyway
/// (the updater plugin's rule); saying so here gives the reason before a check fails.
pub fn validate_update_endpoint(endpoint: &str) -> Result<String> {
    let endpoint = endpoint.trim();
    if endpoint.chars().count() > MAX_ENDPOINT_CHARS {
        return Err(CoreError::InvalidInput(
            "the update address is too long".into(),
        ));
    }
    let url = url::Url::parse(endpoint)
        .map_err(|e| CoreError::InvalidInput(format!("the update address is not a URL ({e})")))?;
    let loopback = matches!(
        url.host(),
        Some(url::Host::Ipv4(ip)) if ip.is_loopback()
    ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
        || url.host_str() == Some("localhost");
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        other => {
            return Err(CoreError::InvalidInput(format!(
                "the update address must start with https:// (not {other}://): updates are only \
                 fetched over an encrypted connection"
            )));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(CoreError::InvalidInput(
            "the update address must not contain a user name or password".into(),
        ));
    }
    Ok(url.to_string())
}

impl AppCore {
    fn updates_file(&self) -> PathBuf {
        self.config().data_dir.join(UPDATES_FILE)
    }

    /// This install's update settings (the defaults when none were saved). A file that cannot be
    /// read counts as the defaults, with a line in the log: a broken settings file must not stop
    /// updates, which may be what fixes it.
    pub async fn update_preferences(&self) -> UpdatePreferences {
        let path = self.updates_file();
        match tokio::fs::read(&path).await {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(
                    "{} is not readable, using the defaults: {e}",
                    path.display()
                );
                UpdatePreferences::default()
            }),
            Err(_) => UpdatePreferences::default(),
        }
    }

    /// Saves whether to check in the background and the endpoint (empty: the build's). The
    /// skipped version stays as it was.
    pub async fn set_update_preferences(
        &self,
        auto_check: bool,
        endpoint: Option<String>,
    ) -> Result<UpdatePreferences> {
        let endpoint = match endpoint.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => Some(validate_update_endpoint(e)?),
        };
        let mut prefs = self.update_preferences().await;
        prefs.auto_check = auto_check;
        prefs.endpoint = endpoint;
        self.save_update_preferences(&prefs).await?;
        Ok(prefs)
    }

    /// "Skip this version": background checks stop offering `version` (a later one is offered).
    pub async fn skip_update(&self, version: &str) -> Result<UpdatePreferences> {
        let version = version.trim();
        if version.is_empty() || version.len() > 64 {
            return Err(CoreError::InvalidInput(format!(
                "{version:?} is not a version"
            )));
        }
        let mut prefs = self.update_preferences().await;
        prefs.skipped_version = Some(version.to_owned());
        self.save_update_preferences(&prefs).await?;
        Ok(prefs)
    }

    /// Whether a check should look at all: a background check only when the user left them on.
    pub async fn should_check_for_updates(&self, background: bool) -> bool {
        !background || self.update_preferences().await.auto_check
    }

    /// Whether to offer `update`: always when the user asked, in the background unless it is the
    /// skipped version.
    pub async fn should_offer_update(&self, update: &AvailableUpdate, background: bool) -> bool {
        !background
            || self.update_preferences().await.skipped_version.as_deref()
                != Some(update.version.as_str())
    }

    async fn save_update_preferences(&self, prefs: &UpdatePreferences) -> Result<()> {
        let body = serde_json::to_vec_pretty(prefs)
            .map_err(|e| CoreError::Internal(format!("update settings: {e}")))?;
        let path = self.updates_file();
        tokio::task::spawn_blocking(move || crate::private_fs::write_atomically(&path, &body))
            .await??;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_or_this_computer() {
        assert_eq!(
            validate_update_endpoint(" https://example.org/nf/latest.json ").unwrap(),
            "https://example.org/nf/latest.json"
        );
        for ok in [
            "http://127.0.0.1:8123/latest.json",
            "http://localhost/latest.json",
            "http://[::1]:9/x",
        ] {
            validate_update_endpoint(ok).unwrap();
        }
        for bad in [
            "http://example.org/latest.json",
            "ftp://example.org/x",
            "file:///etc/passwd",
            "latest.json",
            "https://user:pw@example.org/x",
        ] {
            let e = validate_update_endpoint(bad).unwrap_err();
            assert!(matches!(e, CoreError::InvalidInput(_)), "{bad}: {e:?}");
        }
    }
}
