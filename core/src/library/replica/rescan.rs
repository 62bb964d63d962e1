//! Segments that carried operation kinds this version did not know (made by a newer version on
//! another device) are remembered, so that after this device upgrades it reads them again and
//! applies those kinds — instead of having moved its cursor past them for good. Only the kinds
//! that were unknown are applied on the second reading: the rest was applied the first time.

use sqlx::SqliteConnection;

use super::Replica;
use super::records::{KNOWN_KINDS, PulledSegment};
use crate::{CoreError, Result};

/// A segment to read again, and the kinds it had that were unknown then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rescan {
    pub device: String,
    pub seq: i64,
    pub kinds: Vec<String>,
}

impl Rescan {
    /// The kinds of this segment that this version applies now.
    pub fn now_known(&self) -> Vec<String> {
        self.kinds
            .iter()
            .filter(|k| KNOWN_KINDS.contains(&k.as_str()))
            .cloned()
            .collect()
    }
}

/// Inside apply's transaction: the segment's unknown kinds replace whatever was remembered for it.
pub(super) async fn remember(conn: &mut SqliteConnection, segment: &PulledSegment) -> Result<()> {
    sqlx::query("DELETE FROM sync_rescan WHERE device = ? AND seq = ?")
        .bind(&segment.device)
        .bind(segment.seq)
        .execute(&mut *conn)
        .await?;
    if segment.unknown_kinds.is_empty() {
        return Ok(());
    }
    let kinds = serde_json::to_string(&segment.unknown_kinds)
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    sqlx::query("INSERT INTO sync_rescan (device, seq, kinds) VALUES (?, ?, ?)")
        .bind(&segment.device)
        .bind(segment.seq)
        .bind(kinds)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Replica {
    /// Remembered segments with at least one kind this version now knows.
    pub async fn rescans_due(&self) -> Result<Vec<Rescan>> {
        let rows: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT device, seq, kinds FROM sync_rescan ORDER BY device, seq")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(device, seq, kinds)| Rescan {
                device,
                seq,
                kinds: serde_json::from_str(&kinds).unwrap_or_default(),
            })
            .filter(|r| !r.now_known().is_empty())
            .collect())
    }
}
