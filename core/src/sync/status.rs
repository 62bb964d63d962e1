//! Sync as the settings screen and `sync status` show it, read from the library alone (no request
//! is made): the location, this device, what waits to be pushed or fetched, the other devices.

use serde::Serialize;

use super::local;
use super::settings::SyncSettings;
use crate::Result;
use crate::library::Library;

/// Another device of this library, as its head describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PeerDevice {
    pub id: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    /// When it last pushed, Unix ms.
    pub last_seen_ms: Option<f64>,
}

/// Sync as the settings screen and `sync status` show it (no request is made).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub configured: bool,
    pub endpoint: Option<String>,
    pub bucket: Option<String>,
    pub prefix: Option<String>,
    pub device_id: String,
    pub last_sync_ms: Option<f64>,
    /// Changes and files this device has not pushed yet.
    pub pending_uploads: u32,
    pub pending_downloads: u32,
    pub devices: Vec<PeerDevice>,
}

impl Library {
    /// Where sync stands for this library with `settings` (environment overrides applied).
    pub async fn sync_status(&self, settings: &SyncSettings) -> Result<SyncStatus> {
        let device = local::device(self.pool()).await?;
        let location = settings.location(self.profile_id()).ok();
        let (outbox,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sync_outbox")
            .fetch_one(self.pool())
            .await?;
        let (up, down): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(direction IN ('up', 'delete')), 0), COALESCE(SUM(direction = 'down'), 0)
             FROM sync_files",
        )
        .fetch_one(self.pool())
        .await?;
        let peers: Vec<(String, Option<String>, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT device_id, name, platform, last_push_at FROM sync_peers
             WHERE head_etag IS NOT NULL ORDER BY last_push_at DESC",
        )
        .fetch_all(self.pool())
        .await?;
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(SyncStatus {
            configured: location.is_some(),
            endpoint: location.as_ref().map(|l| l.endpoint.clone()),
            bucket: location.as_ref().map(|l| l.bucket.clone()),
            prefix: location.as_ref().map(|l| l.prefix.clone()),
            device_id: device.device_id,
            last_sync_ms: device.last_sync_at.map(|ms| ms as f64),
            pending_uploads: count(outbox + up),
            pending_downloads: count(down),
            devices: peers
                .into_iter()
                .map(|(id, name, platform, last)| PeerDevice {
                    id,
                    name,
                    platform,
                    last_seen_ms: last.map(|ms| ms as f64),
                })
                .collect(),
        })
    }
}
