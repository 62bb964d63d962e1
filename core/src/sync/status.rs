//! Sync as the settings screen and `sync status` show it, read from the library alone (no request
//! is made): the location, this device, what waits to be pushed or fetched, the other devices.

use serde::Serialize;

use super::setup::SyncSetup;
use crate::Result;
use crate::library::replica::{PendingPurges, Replica};

/// Other devices' deletions forever that wait for the user: a pull would have deleted more than
/// 10 images and more than half of the library ("Device X deleted 240 of 250 images forever —
/// apply?"). Everything else of that pull was applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PendingDeletions {
    /// Images they would delete.
    pub count: u32,
    /// Images in the library now (those included).
    pub library_size: u32,
    /// Who deleted them, the most first.
    pub devices: Vec<DeletionsBy>,
}

/// One device's share of [`PendingDeletions`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeletionsBy {
    pub device_id: String,
    /// As the device names itself (its host name).
    pub name: Option<String>,
    pub count: u32,
}

impl From<PendingPurges> for PendingDeletions {
    fn from(p: PendingPurges) -> Self {
        PendingDeletions {
            count: p.count,
            library_size: p.library_size,
            devices: p
                .devices
                .into_iter()
                .map(|d| DeletionsBy {
                    device_id: d.device_id,
                    name: d.name,
                    count: d.count,
                })
                .collect(),
        }
    }
}

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
    /// Deletions from another device waiting for confirmation, if any.
    pub pending_deletions: Option<PendingDeletions>,
}

impl SyncStatus {
    /// Where sync stands for `replica` with `setup` (environment overrides applied).
    pub async fn read(replica: &Replica, setup: &SyncSetup) -> Result<SyncStatus> {
        let device = replica.device().await?;
        let location = setup.location(replica.profile_id()).ok();
        let backlog = replica.backlog().await?;
        let peers = replica.peers().await?;
        let pending_deletions = replica.pending_purges().await?.map(Into::into);
        Ok(SyncStatus {
            configured: location.is_some(),
            endpoint: location.as_ref().map(|l| l.endpoint.clone()),
            bucket: location.as_ref().map(|l| l.bucket.clone()),
            prefix: location.as_ref().map(|l| l.prefix.clone()),
            device_id: device.device_id,
            last_sync_ms: device.last_sync_at.map(|ms| ms as f64),
            pending_uploads: backlog.outbox.saturating_add(backlog.files_up),
            pending_downloads: backlog.files_down,
            devices: peers
                .into_iter()
                .map(|p| PeerDevice {
                    id: p.device_id,
                    name: p.name,
                    platform: p.platform,
                    last_seen_ms: p.last_push_at.map(|ms| ms as f64),
                })
                .collect(),
            pending_deletions,
        })
    }
}
