//! Applying other devices' segments: the deterministic merge. Jobs are replaced by their newer
//! record (only their own device writes them); a new image is inserted once; each edited field
//! keeps the value with the highest (clock, device) version; a purge is terminal. Everything pulled
//! in one run is applied in one transaction with the peers' cursors, so a crash applies all of it
//! or none, and nothing is ever applied twice. Nothing is inferred from absence. Purges go through
//! [`super::deletions`]: a mass delete waits for the user, and an original that exists only here
//! is kept in the Trash.

use super::Replica;
use super::clock;
use super::deletions::{IncomingPurge, apply_purges, hold_mass_delete};
use super::merge::{apply_job, forget_dangling_lineage, set_field, tombstoned_among};
use super::new_images::NewImages;
use super::records::{Op, PeerUpdate, PulledSegment};
use crate::Result;
use crate::library::{Reach, begin_immediate};

/// What one apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub ops: usize,
    pub new_images: usize,
    /// Ids of the images it added, edited and deleted forever, and of the jobs it recorded.
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub purged: Vec<String>,
    pub jobs: Vec<String>,
    /// Deleted forever elsewhere but kept in this device's Trash (the only copy of the original).
    pub kept: Vec<String>,
    /// Deletions held back for the user's confirmation (a mass delete).
    pub held: usize,
    /// Named references changed.
    pub references: bool,
    /// Albums or tags changed (the images concerned are in `updated`).
    pub organise: bool,
    /// Saved prompts or wildcard lists changed.
    pub prompts: bool,
}

impl Replica {
    /// Applies `segments` (in device, seq order) and records the peers' heads, in one
    /// transaction, then tells the library's listener what changed.
    pub async fn apply(
        &self,
        segments: &[PulledSegment],
        peers: &[PeerUpdate],
        keep_originals: bool,
    ) -> Result<Applied> {
        let applied = apply(self, segments, peers, keep_originals).await?;
        // The feed lists ids up to its limit and says "everything" past it.
        let changes = self.library.changes();
        changes.images_added(applied.added.iter().cloned());
        changes.images_updated(applied.updated.iter().chain(&applied.kept).cloned());
        changes.images_removed(applied.purged.iter().cloned());
        for id in &applied.jobs {
            changes.job(id, false);
        }
        if applied.references {
            changes.references();
        }
        if applied.organise {
            changes.organise();
        }
        if applied.prompts {
            changes.prompts();
        }
        changes.sync();
        Ok(applied)
    }
}

async fn apply(
    replica: &Replica,
    segments: &[PulledSegment],
    peers: &[PeerUpdate],
    keep_originals: bool,
) -> Result<Applied> {
    let library = &replica.library;
    let mut tx = begin_immediate(library.pool()).await?;
    // An image may name a job another device's segment (in this same pull) creates.
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE sync_device SET applying = 1")
        .execute(&mut *tx)
        .await?;
    let mut applied = Applied::default();
    let mut seen_hlc = 0;
    let mut jobs_touched = Vec::new();
    let mut new_images = NewImages::new(library.profile_id(), keep_originals);
    let mut purges = Vec::new();
    // Images deleted forever here are never inserted again. Read once for the whole pull: new
    // images are applied before this pull's own purges, so the set cannot change meanwhile.
    let new_ids: Vec<&str> = segments
        .iter()
        .flat_map(|segment| &segment.ops)
        .filter_map(|op| match op {
            Op::Image { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let tombstoned = tombstoned_among(&mut tx, &new_ids).await?;
    // Jobs first, then new images, then edits and purges: a segment's edit may be about an image
    // that another device's segment, applied in the same pull, creates.
    for phase in 0..3 {
        for segment in segments {
            for op in &segment.ops {
                let eff = clock::effective(op.hlc(), segment.last_modified_ms);
                let dev = segment.device.as_str();
                let done = match (phase, op) {
                    (0, Op::Job { id, record, .. }) => {
                        jobs_touched.push(id.clone());
                        let done = apply_job(&mut tx, library.profile_id(), dev, record).await?;
                        if done {
                            applied.jobs.push(id.clone());
                        }
                        done
                    }
                    (1, Op::Image { id, record, .. }) => {
                        if !tombstoned.contains(id.as_str()) {
                            new_images.push(&mut tx, (id, eff, dev), record).await?;
                        }
                        true
                    }
                    (
                        2,
                        Op::Set {
                            id, field, value, ..
                        },
                    ) => {
                        let done = set_field(&mut tx, id, *field, value, eff, dev).await?;
                        if done {
                            applied.updated.push(id.clone());
                        }
                        done
                    }
                    (2, Op::Ref { id, record, .. }) => {
                        let target = super::merge::Target {
                            profile_id: library.profile_id(),
                            device: dev,
                        };
                        let done =
                            super::refs::apply_ref(&mut tx, &target, id, eff, record).await?;
                        applied.references |= done;
                        done
                    }
                    (2, Op::Album { id, record, .. }) => {
                        let target = super::merge::Target {
                            profile_id: library.profile_id(),
                            device: dev,
                        };
                        let done =
                            super::organise::apply_album(&mut tx, &target, id, eff, record).await?;
                        applied.organise |= done;
                        done
                    }
                    (
                        2,
                        Op::Member {
                            id, album, member, ..
                        },
                    ) => {
                        let change = (id.as_str(), album.as_str(), *member);
                        let done = super::organise::apply_member(&mut tx, change, eff, dev).await?;
                        if done {
                            applied.organise = true;
                            applied.updated.push(id.clone());
                        }
                        done
                    }
                    (
                        2,
                        Op::Tag {
                            id, tag, tagged, ..
                        },
                    ) => {
                        let change = (id.as_str(), tag.as_str(), *tagged);
                        let done = super::organise::apply_tag(&mut tx, change, eff, dev).await?;
                        if done {
                            applied.organise = true;
                            applied.updated.push(id.clone());
                        }
                        done
                    }
                    (2, Op::Prompt { id, record, .. } | Op::Wildcard { id, record, .. }) => {
                        let target = super::merge::Target {
                            profile_id: library.profile_id(),
                            device: dev,
                        };
                        let kind = if matches!(op, Op::Prompt { .. }) {
                            super::prompts::TextKind::Prompt
                        } else {
                            super::prompts::TextKind::Wildcard
                        };
                        let done =
                            super::prompts::apply_text(&mut tx, &target, (kind, id), eff, record)
                                .await?;
                        applied.prompts |= done;
                        done
                    }
                    // Applied after the edits, all at once, so a mass delete can be held back whole.
                    (2, Op::Purge { id, .. }) => {
                        purges.push(IncomingPurge {
                            id: id.clone(),
                            hlc: eff,
                            device: segment.device.clone(),
                            seq: segment.seq,
                        });
                        true
                    }
                    _ => false,
                };
                if done {
                    applied.ops += 1;
                    seen_hlc = seen_hlc.max(eff);
                }
            }
        }
        if phase == 1 {
            new_images.flush(&mut tx).await?;
        }
    }
    let images_added = new_images.added;
    applied.new_images = images_added.len();
    let total = purges.len();
    let purges = hold_mass_delete(&mut tx, purges, &images_added).await?;
    applied.held = total - purges.len();
    let done = apply_purges(&mut tx, &purges).await?;
    forget_dangling_lineage(&mut tx, &jobs_touched, &images_added).await?;
    applied.added = images_added;
    applied.purged = done.deleted;
    applied.kept = done.kept;
    for segment in segments {
        super::rescan::remember(&mut tx, segment).await?;
        sqlx::query(
            "INSERT INTO sync_peers (device_id, applied_seq) VALUES (?, ?)
             ON CONFLICT (device_id) DO UPDATE SET applied_seq = max(applied_seq, excluded.applied_seq)",
        )
        .bind(&segment.device)
        .bind(segment.seq)
        .execute(&mut *tx)
        .await?;
    }
    for peer in peers {
        sqlx::query(
            "INSERT INTO sync_peers (device_id, head_etag, name, platform, app_version, last_push_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (device_id) DO UPDATE SET head_etag = excluded.head_etag, name = excluded.name,
                 platform = excluded.platform, app_version = excluded.app_version,
                 last_push_at = excluded.last_push_at",
        )
        .bind(&peer.device)
        .bind(&peer.etag)
        .bind(&peer.name)
        .bind(&peer.platform)
        .bind(&peer.app_version)
        .bind(peer.last_push_at)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE sync_device SET applying = 0, hlc = max(hlc, ?)")
        .bind(seen_hlc)
        .execute(&mut *tx)
        .await?;
    crate::crash::crash_point(crate::crash::CrashPoint::MidApply);
    tx.commit().await?;
    library
        .remove_unreferenced_files(done.files, Reach::ThisDevice)
        .await?;
    Ok(applied)
}
