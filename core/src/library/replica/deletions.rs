//! Deletions forever that arrive from other devices. Most are applied with the rest of a pull: the
//! tombstone (remove wins, everywhere), then the row, then this device's files. Two exceptions:
//!
//! - **A mass delete waits for the user.** A pull whose purges would delete more than
//!   [`MASS_DELETE_MIN`] images *and* more than half of the library (a leaked key, a buggy peer, a
//!   library emptied by mistake on another device) applies everything else and holds those purges
//!   back in `sync_pending_purges` (migration 0009), each as the pull read it: the device and
//!   segment that carried it and its effective version. [`Replica::apply_pending_purges`] applies
//!   them later exactly as the pull would have. Until then the images stay, and edits to them
//!   apply as usual (a purge is terminal, so it still wins once confirmed). Nothing discards them:
//!   declining would leave this device with images every other device deleted, for good.
//! - **The only copy of an original is never unlinked from elsewhere.** A purge of an image whose
//!   original never reached the bucket (`original_remote = 0`: it was made here and its upload is
//!   still queued) records the tombstone like any purge — the image is gone from the synced
//!   library, and no later operation brings it back — but keeps the row and its files here, in
//!   this device's Trash. From then on it is this device's alone: its queued uploads are dropped,
//!   the outbox never pushes it (see `outbox.rs`), a start-over does not send it, and emptying the
//!   Trash (or deleting it forever) removes it for good like any other image.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;
use sqlx::SqliteConnection;

use super::Replica;
use super::merge::purge;
use crate::Result;
use crate::library::{FileSet, Reach, begin_immediate, delete_image_rows};

/// A pull deleting more images than this (and more than half of the library) waits for the user.
pub const MASS_DELETE_MIN: usize = 10;

/// One purge as a pull read it.
#[derive(Debug, Clone)]
pub(super) struct IncomingPurge {
    pub id: String,
    /// Its effective version (clamped by its segment's server time).
    pub hlc: i64,
    pub device: String,
    pub seq: i64,
}

/// What applying purges did.
#[derive(Debug, Default)]
pub(super) struct PurgesApplied {
    /// Images deleted here.
    pub deleted: Vec<String>,
    /// Images kept in this device's Trash (their original exists only here).
    pub kept: Vec<String>,
    /// The files the deleted rows used, for removal after the commit.
    pub files: BTreeSet<FileSet>,
}

/// Another device's deletions waiting for the user, by device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingPurges {
    /// Images they would delete.
    pub count: u32,
    /// Images in the library now (those included).
    pub library_size: u32,
    pub devices: Vec<PendingPurgesOf>,
}

/// One device's share of [`PendingPurges`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingPurgesOf {
    pub device_id: String,
    /// As its head names it.
    pub name: Option<String>,
    pub count: u32,
}

/// The purges of one pull that may be applied now; the others (a mass delete) are held back in
/// `sync_pending_purges`. `added`: images this same pull inserted (deleting those loses nothing
/// the library had).
pub(super) async fn hold_mass_delete(
    conn: &mut SqliteConnection,
    purges: Vec<IncomingPurge>,
    added: &[String],
) -> Result<Vec<IncomingPurge>> {
    let added: HashSet<&str> = added.iter().map(String::as_str).collect();
    let mut doomed = HashSet::new();
    for p in &purges {
        if !added.contains(p.id.as_str()) && image_exists(conn, &p.id).await? {
            doomed.insert(p.id.clone());
        }
    }
    let (now,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM images")
        .fetch_one(&mut *conn)
        .await?;
    let before = usize::try_from(now)
        .unwrap_or(0)
        .saturating_sub(added.len());
    if doomed.len() <= MASS_DELETE_MIN || doomed.len() * 2 <= before {
        return Ok(purges);
    }
    // The report and the status say so; the log keeps the numbers.
    tracing::info!(
        images = doomed.len(),
        library = before,
        "another device deleted most of the library forever: waiting for confirmation"
    );
    let mut now_apply = Vec::new();
    for p in purges {
        if !doomed.contains(&p.id) {
            now_apply.push(p);
            continue;
        }
        sqlx::query(
            "INSERT INTO sync_pending_purges (image_id, device, seq, hlc, held_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (image_id, device) DO UPDATE SET seq = excluded.seq, hlc = excluded.hlc",
        )
        .bind(&p.id)
        .bind(&p.device)
        .bind(p.seq)
        .bind(p.hlc)
        .bind(crate::clock::now_ms())
        .execute(&mut *conn)
        .await?;
    }
    Ok(now_apply)
}

async fn image_exists(conn: &mut SqliteConnection, id: &str) -> Result<bool> {
    Ok(original_remote(conn, id).await?.is_some())
}

/// Whether image `id`'s original is in the bucket; `None` when there is no such image here.
async fn original_remote(conn: &mut SqliteConnection, id: &str) -> Result<Option<bool>> {
    let row: Option<(bool,)> = sqlx::query_as("SELECT original_remote FROM images WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|(remote,)| remote))
}

/// Applies purges inside apply's transaction (`sync_device.applying = 1`): tombstones, then rows
/// deleted, or kept in the Trash when this device holds the only copy of the original.
pub(super) async fn apply_purges(
    conn: &mut SqliteConnection,
    purges: &[IncomingPurge],
) -> Result<PurgesApplied> {
    let mut done = PurgesApplied::default();
    let mut seen = HashSet::new();
    for p in purges {
        purge(conn, &p.id, p.hlc).await?;
        if !seen.insert(p.id.as_str()) {
            continue;
        }
        match original_remote(conn, &p.id).await? {
            None => {}
            Some(true) => done.deleted.push(p.id.clone()),
            Some(false) => {
                keep_in_trash(conn, &p.id).await?;
                done.kept.push(p.id.clone());
            }
        }
    }
    done.files = delete_image_rows(conn, &done.deleted).await?;
    for id in done.deleted.iter().chain(&done.kept) {
        sqlx::query("DELETE FROM sync_pending_purges WHERE image_id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(done)
}

/// The image leaves the synced library but stays here, in the Trash, with its files; its uploads
/// are dropped (unless another live image has the same bytes).
async fn keep_in_trash(conn: &mut SqliteConnection, id: &str) -> Result<()> {
    tracing::warn!(
        id,
        "another device deleted forever an image whose original exists only here: kept in the Trash"
    );
    sqlx::query("UPDATE images SET deleted_at = COALESCE(deleted_at, ?) WHERE id = ?")
        .bind(crate::clock::now_ms())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "DELETE FROM sync_files WHERE direction = 'up'
           AND sha256 = (SELECT sha256 FROM images WHERE id = ?1)
           AND NOT EXISTS (SELECT 1 FROM images i WHERE i.sha256 = sync_files.sha256 AND i.id != ?1
                             AND i.id NOT IN (SELECT image_id FROM sync_tombstones))",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What confirming the held deletions did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PendingApplied {
    pub deleted: u32,
    /// Kept in the Trash instead (their original exists only here).
    pub kept: u32,
}

impl Replica {
    /// Other devices' deletions held back for confirmation, if any still concern an image here.
    pub async fn pending_purges(&self) -> Result<Option<PendingPurges>> {
        let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT p.device, s.name, COUNT(DISTINCT p.image_id) AS n
             FROM sync_pending_purges p LEFT JOIN sync_peers s ON s.device_id = p.device
             WHERE EXISTS (SELECT 1 FROM images i WHERE i.id = p.image_id)
             GROUP BY p.device ORDER BY n DESC, p.device",
        )
        .fetch_all(self.pool())
        .await?;
        let n = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        let devices: Vec<PendingPurgesOf> = rows
            .into_iter()
            .map(|(device_id, name, count)| PendingPurgesOf {
                device_id,
                name,
                count: n(count),
            })
            .collect();
        if devices.is_empty() {
            return Ok(None);
        }
        let (count, size): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(DISTINCT image_id) FROM sync_pending_purges p
                     WHERE EXISTS (SELECT 1 FROM images i WHERE i.id = p.image_id)),
                    (SELECT COUNT(*) FROM images)",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(Some(PendingPurges {
            count: n(count),
            library_size: n(size),
            devices,
        }))
    }

    /// Applies every held deletion, as the pull that read it would have (the user confirmed).
    pub async fn apply_pending_purges(&self) -> Result<PendingApplied> {
        let mut tx = begin_immediate(self.pool()).await?;
        let rows: Vec<(String, i64, String, i64)> = sqlx::query_as(
            "SELECT image_id, hlc, device, seq FROM sync_pending_purges ORDER BY device, seq, image_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            return Ok(PendingApplied::default());
        }
        sqlx::query("UPDATE sync_device SET applying = 1")
            .execute(&mut *tx)
            .await?;
        let purges: Vec<IncomingPurge> = rows
            .into_iter()
            .map(|(id, hlc, device, seq)| IncomingPurge {
                id,
                hlc,
                device,
                seq,
            })
            .collect();
        let done = apply_purges(&mut tx, &purges).await?;
        sqlx::query("DELETE FROM sync_pending_purges")
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE sync_device SET applying = 0")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let changes = self.library.changes();
        changes.images_removed(done.deleted.iter().cloned());
        changes.images_updated(done.kept.iter().cloned());
        changes.sync();
        self.library
            .remove_unreferenced_files(done.files, Reach::ThisDevice)
            .await?;
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Ok(PendingApplied {
            deleted: n(done.deleted.len()),
            kept: n(done.kept.len()),
        })
    }
}
