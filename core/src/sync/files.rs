//! Moving image files between the library folder and the bucket: uploads (originals and
//! thumbnails made here, through `upload.rs`, which checks an original's key that exists already),
//! downloads (other devices' files, originals checked against their hash), and deletes after a
//! delete-forever. A bounded number run at once; a file that fails stays queued for the next sync,
//! unless the failure says the whole sync cannot work (credentials, bucket, clock), which stops it.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::place::{place_small, temp_beside, verify_and_place, write_to};
use super::store::{FileBody, ObjectStore};
use super::{Progress, SyncError, SyncStage};
use crate::library::MAX_FILE_BYTES;
use crate::library::replica::{FileDirection as Direction, QueuedFile as Row, Replica};
use crate::{CoreError, Result};

/// Transfers in flight at once.
pub const PARALLEL: usize = 8;
/// Downloaded files being written and fsynced at once, beyond the transfers: a download gives its
/// transfer slot to the next GET as soon as its bytes are here, so the disk's time (mostly the
/// fsync) overlaps the network's instead of adding to it. Bounded because a small file waits in
/// memory (at most `IN_MEMORY_MAX`) until its write ends.
const PLACING: usize = 4 * PARALLEL;
/// Finished transfers committed together.
const DONE_BATCH: usize = 64;

/// The most a thumbnail or preview from the bucket may weigh (ours are tens of KB).
const MAX_THUMB_BYTES: u64 = 2 << 20;

/// What one direction moved.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Moved {
    pub files: u32,
    pub bytes: u64,
    /// Files left queued (missing, not uploaded yet by their device, a passing error).
    pub left: u32,
}

fn stage(direction: Direction) -> SyncStage {
    match direction {
        Direction::Up => SyncStage::Uploading,
        Direction::Down => SyncStage::Downloading,
        Direction::Delete => SyncStage::Cleaning,
    }
}

/// Moves every queued file of `direction`.
pub async fn move_all(
    replica: &Replica,
    store: &Arc<dyn ObjectStore>,
    direction: Direction,
    progress: &Progress,
) -> Result<Moved> {
    let rows = replica.queued_files(direction).await?;
    let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let mut moved = Moved::default();
    if rows.is_empty() {
        return Ok(moved);
    }
    progress.report(stage(direction), 0, total, 0);
    // Finished files leave the queue in batches: a commit per file costs more than a loopback
    // transfer. A crash before a batch commits only repeats work (the file is already in place,
    // or the bucket answers "already there").
    let mut finished = Vec::new();
    let rows = if direction == Direction::Down {
        // Files already here (a download whose batch a crash did not commit) are done without a
        // transfer. All are looked up in one blocking step, not one pool trip per file while it
        // holds a transfer slot.
        let (here, missing) = split_present(replica, rows).await?;
        moved.files += u32::try_from(here.len()).unwrap_or(u32::MAX);
        finished.extend(here);
        missing
    } else {
        rows
    };
    let gate = Arc::new(Semaphore::new(PARALLEL));
    let placing = Arc::new(Semaphore::new(PLACING));
    let mut tasks = JoinSet::new();
    for row in rows {
        let (replica, store) = (replica.clone(), Arc::clone(store));
        let (gate, placing) = (gate.clone(), placing.clone());
        tasks.spawn(async move {
            let slot = Slot {
                transfer: gate.acquire_owned().await.ok(),
                placing: Some(placing),
            };
            let outcome = move_one(&replica, &store, direction, &row, slot).await;
            (row, outcome)
        });
    }
    let mut fatal = None;
    while let Some(joined) = tasks.join_next().await {
        let (row, outcome) = match joined {
            Ok(done) => done,
            // Aborted after the error that stops this sync: that error is the one to report, and
            // the file stays queued for the next sync.
            Err(e) if e.is_cancelled() && fatal.is_some() => {
                moved.left += 1;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        match outcome {
            Ok(Some(bytes)) => {
                finished.push(row);
                if finished.len() >= DONE_BATCH {
                    done(replica, direction, &mut finished).await?;
                }
                moved.files += 1;
                moved.bytes += bytes;
                if direction == Direction::Down && moved.files == 2 {
                    // Some files committed as done, the rest not: what a crash here must survive.
                    done(replica, direction, &mut finished).await?;
                    crate::crash::crash_point(crate::crash::CrashPoint::MidDownload);
                }
            }
            Ok(None) => {
                replica
                    .file_failed(
                        direction,
                        &row,
                        "not in the bucket yet: the device that made it has not uploaded it",
                    )
                    .await?;
                moved.left += 1;
            }
            Err(CoreError::Sync(e)) if e.stops_the_sync() => {
                moved.left += 1;
                if fatal.is_none() {
                    tasks.abort_all();
                    fatal = Some(e);
                }
            }
            Err(e) => {
                tracing::warn!(key = %row.key, error = %e, "a file transfer failed; it stays queued");
                replica.file_failed(direction, &row, &e.to_string()).await?;
                moved.left += 1;
            }
        }
        progress.report(
            stage(direction),
            moved.files + moved.left,
            total,
            moved.bytes,
        );
    }
    done(replica, direction, &mut finished).await?;
    match fatal {
        Some(e) => Err(e.into()),
        None => Ok(moved),
    }
}

/// The queued downloads whose file is already in the library folder, and the others.
async fn split_present(replica: &Replica, rows: Vec<Row>) -> Result<(Vec<Row>, Vec<Row>)> {
    let replica = replica.clone();
    tokio::task::spawn_blocking(move || {
        let mut here = Vec::new();
        let mut missing = Vec::new();
        for row in rows {
            // A key that makes no path is left to its transfer, which reports it for that file.
            let present = replica
                .absolute_path(&row.key)
                .is_ok_and(|path| path.try_exists().unwrap_or(false));
            if present {
                here.push(row);
            } else {
                missing.push(row);
            }
        }
        (here, missing)
    })
    .await
    .map_err(Into::into)
}

/// A transfer's hold on the network: given up once a download's bytes are here, for a place
/// among the files being written (so at most `PLACING` wait in memory).
struct Slot {
    transfer: Option<OwnedSemaphorePermit>,
    placing: Option<Arc<Semaphore>>,
}

impl Slot {
    /// No limits (a download on demand, on its own).
    fn free() -> Slot {
        Slot {
            transfer: None,
            placing: None,
        }
    }

    /// Waits for a place among the files being written, then frees the transfer slot.
    async fn off_the_network(mut self) -> Option<OwnedSemaphorePermit> {
        let place = match self.placing.take() {
            Some(placing) => placing.acquire_owned().await.ok(),
            None => None,
        };
        drop(self.transfer.take());
        place
    }
}

/// Bytes moved, or `None` when the object is not in the bucket (a download of a file its device
/// has not uploaded yet). A download's file is not looked for here (the caller did).
async fn move_one(
    replica: &Replica,
    store: &Arc<dyn ObjectStore>,
    direction: Direction,
    row: &Row,
    slot: Slot,
) -> Result<Option<u64>> {
    let path = replica.absolute_path(&row.key)?;
    match direction {
        Direction::Up => {
            let sha256 = row.original.then_some(row.sha256.as_str());
            super::upload::upload(store, &row.key, &path, &row.content_type, sha256)
                .await
                .map(Some)
        }
        Direction::Down => {
            let max_bytes = if row.original {
                MAX_FILE_BYTES
            } else {
                MAX_THUMB_BYTES
            };
            match store.download(&row.key, max_bytes).await? {
                None => Ok(None),
                Some(FileBody::Small(bytes)) => {
                    let _place = slot.off_the_network().await;
                    let (path, row) = (path.clone(), row.clone());
                    tokio::task::spawn_blocking(move || place_small(&path, &row, &bytes))
                        .await?
                        .map(Some)
                }
                Some(FileBody::Large(body)) => {
                    let temp = temp_beside(&path)?;
                    if let Some(dir) = temp.parent() {
                        crate::library::create_private_dir(dir).await?;
                    }
                    let result = match write_to(body, &temp).await {
                        Ok((file, written)) => {
                            let _place = slot.off_the_network().await;
                            // On disk before it is renamed into place and leaves the queue (a
                            // power cut must not leave an empty original that "exists").
                            match file.sync_all().await {
                                Ok(()) => verify_and_place(&temp, &path, row, &written.sha256)
                                    .await
                                    .map(|()| Some(written.bytes)),
                                Err(e) => Err(SyncError::Local(e.to_string()).into()),
                            }
                        }
                        Err(e) => Err(e.into()),
                    };
                    let _ = tokio::fs::remove_file(&temp).await;
                    result
                }
            }
        }
        Direction::Delete => {
            store.delete(&row.key).await?;
            Ok(Some(0))
        }
    }
}

/// Downloads one original now (on demand), hash-checked.
pub async fn fetch_one(
    replica: &Replica,
    store: &Arc<dyn ObjectStore>,
    key: &str,
    sha256: &str,
) -> Result<()> {
    fetch_file(replica, store, key, sha256, true).await
}

/// Downloads one file now (on demand): an original (hash-checked) or a thumbnail (checked to be
/// a JPEG).
pub async fn fetch_file(
    replica: &Replica,
    store: &Arc<dyn ObjectStore>,
    key: &str,
    sha256: &str,
    original: bool,
) -> Result<()> {
    let row = Row {
        key: key.to_owned(),
        sha256: sha256.to_owned(),
        content_type: String::new(),
        original,
    };
    let what = if original {
        "the original"
    } else {
        "a thumbnail"
    };
    let path = replica.absolute_path(key)?;
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    match move_one(replica, store, Direction::Down, &row, Slot::free()).await? {
        Some(_) => Ok(()),
        None => Err(CoreError::NotFound(format!(
            "{what} of this image: the device that made it has not uploaded it yet ({key})"
        ))),
    }
}

/// Takes finished files off the queue, in one transaction.
async fn done(replica: &Replica, direction: Direction, rows: &mut Vec<Row>) -> Result<()> {
    replica.files_done(direction, rows).await?;
    rows.clear();
    Ok(())
}
