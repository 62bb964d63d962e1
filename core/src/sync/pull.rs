//! The pull: one listing of the heads, then only the changed heads and their new segments (by
//! computed key, no listing of segments), plus segments to read again after an upgrade; all of it
//! applied in one transaction. Also where this device notices that its own head moved without it.

use super::engine::{HEADS, Head, MAX_SMALL_OBJECT, Syncer};
use super::ops::{self, FORMAT, MAX_PACKED_SEGMENT_BYTES};
use super::{Progress, SyncError, SyncReport, SyncStage};
use crate::Result;
use crate::library::replica::{DeviceState, PeerUpdate, PulledSegment};

impl Syncer {
    /// One listing of the heads; only changed heads are read, and only their new segments.
    pub(super) async fn pull(&self, report: &mut SyncReport, progress: &Progress) -> Result<()> {
        let me = self.replica.device().await?;
        let listed = self.store.list(HEADS).await?;
        let mut segments = Vec::new();
        let mut peers = Vec::new();
        for entry in &listed {
            let Some(device) = entry
                .key
                .strip_prefix(HEADS)
                .and_then(|k| k.strip_suffix(".json"))
            else {
                continue;
            };
            if device == me.device_id {
                if entry.etag.is_empty() || me.head_etag.as_deref() != Some(entry.etag.as_str()) {
                    self.check_own_head(&me, &entry.key).await?;
                }
                continue;
            }
            let (applied, etag) = self.replica.peer(device).await?;
            if !entry.etag.is_empty() && etag.as_deref() == Some(entry.etag.as_str()) {
                continue;
            }
            let Some(found) = self.store.get(&entry.key, MAX_SMALL_OBJECT).await? else {
                continue;
            };
            let head: Head = serde_json::from_slice(&found.body)
                .map_err(|e| SyncError::Corrupt(format!("{}: {e}", entry.key)))?;
            if head.format > FORMAT {
                return Err(SyncError::FormatTooNew(head.format).into());
            }
            let mut complete = true;
            for seq in applied + 1..=head.last_seq {
                progress.report(
                    SyncStage::Pulling,
                    report.segments_pulled,
                    report.segments_pulled + 1,
                    0,
                );
                let key = Self::segment_key(device, seq);
                let Some(body) = self.store.get(&key, MAX_PACKED_SEGMENT_BYTES).await? else {
                    tracing::warn!(
                        device,
                        seq,
                        "a segment its head announces is missing; trying later"
                    );
                    complete = false;
                    break;
                };
                let unpacked = ops::unpack(&body.body, device, seq)?;
                report.ops_pulled += u32::try_from(unpacked.ops.len()).unwrap_or(u32::MAX);
                report.segments_pulled += 1;
                segments.push(PulledSegment {
                    device: device.to_owned(),
                    seq,
                    last_modified_ms: body.last_modified_ms,
                    ops: unpacked.ops,
                    unknown_kinds: unpacked.unknown_kinds,
                });
            }
            if complete {
                peers.push(PeerUpdate {
                    device: device.to_owned(),
                    etag: entry.etag.clone(),
                    name: Some(head.name),
                    platform: Some(head.platform),
                    app_version: Some(head.app_version),
                    last_push_at: Some(head.pushed_at),
                });
            }
        }
        if !listed
            .iter()
            .any(|e| e.key == format!("{HEADS}{}.json", me.device_id))
            && me.last_seq > 0
        {
            // Our head is gone from the bucket (deleted by hand?): announce our segments again.
            self.put_head(&me.device_id, me.last_seq).await?;
        }
        segments.extend(self.rescans().await?);
        if segments.is_empty() && peers.is_empty() {
            return Ok(());
        }
        let applied = self
            .replica
            .apply(&segments, &peers, self.keep_originals)
            .await?;
        report.new_images += u32::try_from(applied.new_images).unwrap_or(u32::MAX);
        Ok(())
    }

    /// Segments read before with kinds this version did not know, read again for those kinds.
    async fn rescans(&self) -> Result<Vec<PulledSegment>> {
        let mut again = Vec::new();
        for rescan in self.replica.rescans_due().await? {
            let key = Self::segment_key(&rescan.device, rescan.seq);
            let Some(body) = self.store.get(&key, MAX_PACKED_SEGMENT_BYTES).await? else {
                continue;
            };
            let unpacked = ops::unpack(&body.body, &rescan.device, rescan.seq)?;
            let wanted = rescan.now_known();
            again.push(PulledSegment {
                device: rescan.device.clone(),
                seq: rescan.seq,
                last_modified_ms: body.last_modified_ms,
                ops: unpacked
                    .ops
                    .into_iter()
                    .filter(|op| wanted.iter().any(|k| k == op.kind()))
                    .collect(),
                unknown_kinds: unpacked.unknown_kinds,
            });
        }
        Ok(again)
    }

    /// Our head changed in the bucket without us: if it announces more than we pushed, this
    /// library is an older copy of this device (restored from a backup), so it takes a new
    /// identity and pulls its own later segments as another device's.
    async fn check_own_head(&self, me: &DeviceState, key: &str) -> Result<()> {
        let Some(found) = self.store.get(key, MAX_SMALL_OBJECT).await? else {
            return Ok(());
        };
        let head: Head = serde_json::from_slice(&found.body)
            .map_err(|e| SyncError::Corrupt(format!("{key}: {e}")))?;
        if head.last_seq > me.last_seq {
            tracing::warn!(device = %me.device_id, "this library is older than its own head: new device identity");
            self.replica.new_identity().await?;
        }
        Ok(())
    }
}
