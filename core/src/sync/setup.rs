//! A profile's sync setup: where its library syncs to (endpoint, bucket, region, prefix and access
//! key id; kept in the library's settings table, the secret access key in the secret store) and
//! what this device keeps. The `NANOFORGE_SYNC_*` environment variables override every field for
//! the one profile the process runs for (`CoreConfig::sync_env_profile`), so a headless machine or
//! a test needs no setup step.

use serde::{Deserialize, Serialize};

use crate::library::Library;
use crate::{CoreError, Result};

/// The key of the sync setup in the library's `settings` table.
const SETTINGS_KEY: &str = "sync";
/// Default on-demand cache for originals when this device does not keep them all (phone mode).
pub const DEFAULT_CACHE_MB: u32 = 512;

/// Where to sync and this device's choices. Not secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct SyncSetup {
    /// `https://<account>.r2.cloudflarestorage.com` (or `.eu.`), any S3 endpoint; plain http only
    /// on this computer.
    pub endpoint: String,
    pub bucket: String,
    /// `auto` for R2.
    pub region: String,
    /// Where in the bucket the library lives; empty: the profile's default (see
    /// [`default_prefix`]).
    pub prefix: String,
    pub access_key_id: String,
    /// Keep every original on this device (desktop); otherwise thumbnails and metadata are kept
    /// and originals fetched when opened, into a cache of `cache_mb`.
    pub keep_originals: bool,
    pub cache_mb: u32,
    /// Sync after each finished job, on start and every few minutes.
    pub auto_sync: bool,
}

impl Default for SyncSetup {
    fn default() -> Self {
        Self {
            endpoint: String::new(),
            bucket: String::new(),
            region: "auto".into(),
            prefix: String::new(),
            access_key_id: String::new(),
            keep_originals: !cfg!(any(target_os = "android", target_os = "ios")),
            cache_mb: DEFAULT_CACHE_MB,
            auto_sync: true,
        }
    }
}

/// A validated location: everything needed to reach the library in the bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncLocation {
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    /// Ends with `/`.
    pub prefix: String,
    pub access_key_id: String,
}

impl SyncLocation {
    /// Identifies the location for "is this the library I verified" checks.
    pub fn label(&self) -> String {
        format!("{}|{}|{}", self.endpoint, self.bucket, self.prefix)
    }
}

/// The prefix a profile syncs to unless told otherwise: the account's id (derived from its Google
/// identity, so the same account and bucket on two devices meet), or `nanoforge/local/`.
pub fn default_prefix(profile_id: &str) -> String {
    format!("nanoforge/{profile_id}/")
}

impl SyncSetup {
    /// The saved settings with `vars` (the `NANOFORGE_SYNC_*` variables, name and value, as the
    /// configuration read them) applied over them.
    pub fn with_env(mut self, vars: &[(String, String)]) -> Self {
        let var = |name: &str| {
            vars.iter()
                .find(|(n, v)| n == name && !v.trim().is_empty())
                .map(|(_, v)| v.clone())
        };
        if let Some(v) = var("NANOFORGE_SYNC_ENDPOINT") {
            self.endpoint = v;
        }
        if let Some(v) = var("NANOFORGE_SYNC_BUCKET") {
            self.bucket = v;
        }
        if let Some(v) = var("NANOFORGE_SYNC_REGION") {
            self.region = v;
        }
        if let Some(v) = var("NANOFORGE_SYNC_PREFIX") {
            self.prefix = v;
        }
        if let Some(v) = var("NANOFORGE_SYNC_ACCESS_KEY_ID") {
            self.access_key_id = v;
        }
        if let Some(v) = var("NANOFORGE_SYNC_KEEP_ORIGINALS") {
            self.keep_originals = !matches!(v.trim(), "0" | "false" | "no");
        }
        self
    }

    /// Whether enough is set to try.
    pub fn is_configured(&self) -> bool {
        !self.endpoint.trim().is_empty()
            && !self.bucket.trim().is_empty()
            && !self.access_key_id.trim().is_empty()
    }

    /// The location, checked: an https endpoint (http only on loopback), a bucket name S3 accepts,
    /// a prefix of plain path segments.
    pub fn location(&self, profile_id: &str) -> Result<SyncLocation> {
        let invalid = |m: String| Err(CoreError::InvalidInput(m));
        if !self.is_configured() {
            return Err(super::SyncError::NotConfigured.into());
        }
        let endpoint = self.endpoint.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&endpoint).ok();
        if parsed
            .as_ref()
            .is_none_or(|u| u.host_str().is_none() || !matches!(u.scheme(), "http" | "https"))
        {
            return invalid(format!(
                "the sync endpoint '{endpoint}' is not an http(s) URL"
            ));
        }
        if !crate::net::is_secure_or_loopback(&endpoint) {
            return invalid(format!(
                "the sync endpoint '{endpoint}' must use https (plain http only on this computer)"
            ));
        }
        let bucket = self.bucket.trim().to_owned();
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && !bucket.starts_with(['-', '.'])
            && !bucket.ends_with(['-', '.']);
        if !bucket_ok {
            return invalid(format!(
                "'{bucket}' is not a bucket name: 3 to 63 lowercase letters, digits, dots and dashes"
            ));
        }
        let prefix = match self.prefix.trim().trim_matches('/') {
            "" => default_prefix(profile_id),
            p => format!("{p}/"),
        };
        let prefix_ok = prefix
            .split('/')
            .filter(|s| !s.is_empty())
            .all(|s| s != "." && s != ".." && s.chars().all(|c| !c.is_control() && c != '\\'))
            && prefix.len() < 512;
        if !prefix_ok {
            return invalid(format!("'{prefix}' is not a usable prefix"));
        }
        let region = match self.region.trim() {
            "" => "auto".to_owned(),
            r => r.to_owned(),
        };
        Ok(SyncLocation {
            endpoint,
            bucket,
            region,
            prefix,
            access_key_id: self.access_key_id.trim().to_owned(),
        })
    }
}

impl SyncSetup {
    /// The saved setup of `library` (the defaults if none was saved), without the environment's
    /// overrides. A saved setup that cannot be read is an error that says so, not "not set up".
    pub async fn load(library: &Library) -> Result<SyncSetup> {
        Ok(library
            .read_setting(SETTINGS_KEY)
            .await?
            .unwrap_or_default())
    }

    pub async fn save(&self, library: &Library) -> Result<()> {
        library.write_setting(SETTINGS_KEY, self).await?;
        library.changes().sync();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(endpoint: &str, bucket: &str, prefix: &str) -> SyncSetup {
        SyncSetup {
            endpoint: endpoint.into(),
            bucket: bucket.into(),
            prefix: prefix.into(),
            access_key_id: "id".into(),
            ..SyncSetup::default()
        }
    }

    #[test]
    fn locations_are_checked_and_prefixes_default_per_profile() {
        let loc = settings("https://acct.r2.cloudflarestorage.com/", "photos", "")
            .location("g-abc")
            .unwrap();
        assert_eq!(loc.endpoint, "https://acct.r2.cloudflarestorage.com");
        assert_eq!(loc.prefix, "nanoforge/g-abc/");
        assert_eq!(loc.region, "auto");
        let custom = settings("http://127.0.0.1:9000", "photos", "/mine/lib/").location("local");
        assert_eq!(custom.unwrap().prefix, "mine/lib/");
        for bad in [
            settings("http://example.com", "photos", ""),
            settings("ftp://x", "photos", ""),
            settings("https://x", "Photos!", ""),
            settings("https://x", "photos", "a/../b"),
        ] {
            assert!(bad.location("local").is_err(), "{bad:?}");
        }
        assert!(matches!(
            SyncSetup::default().location("local"),
            Err(CoreError::Sync(super::super::SyncError::NotConfigured))
        ));
    }
}
