//! Moving image files between the library folder and the bucket: uploads (originals and
//! thumbnails made here, through `upload.rs`, which checks an original's key that exists already),
//! downloads (other devices' files, originals checked against their hash), and deletes after a
//! delete-forever. A bounded number run at once; a file that fails stays queued for the next sync,
//! unless the failure says the whole sync cannot work (credentials, bucket, clock), which stops it.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::place::{Staged, land, stage_large, stage_small};
use super::store::{FileBody, ObjectStore};
use super::{Progress, SyncStage};
use crate::library::MAX_FILE_BYTES;
use crate::library::replica::{FileDirection as Direction, QueuedFile as Row, Replica};
use crate::{CoreError, Result};

/// Transfers in flight at once.
pub const PARALLEL: usize = 8;
/// Downloaded files being written at once, beyond the transfers: a download gives its transfer
/// slot to the next GET as soon as its bytes are here, so the disk's time overlaps the network's
/// instead of adding to it. Bounded because a small file waits in memory (at most
/// `IN_MEMORY_MAX`) until it is written under its temporary name.
const PLACING: usize = 4 * PARALLEL;
/// Finished transfers committed together; downloaded files are also landed (flushed to disk,
/// renamed into place) together, just before.
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
    // Downloads written under temporary names, waiting to land with their batch.
    let mut staged: Vec<(Row, Staged, u64)> = Vec::new();
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
            Ok(Some(Finished {
                bytes,
                staged: None,
            })) => {
                finished.push(row);
                if finished.len() >= DONE_BATCH {
                    done(replica, direction, &mut finished).await?;
                }
                moved.files += 1;
                moved.bytes += bytes;
            }
            Ok(Some(Finished {
                bytes,
                staged: Some(file),
            })) => {
                staged.push((row, file, bytes));
                // The first two downloads land and commit on their own: some files done, the rest
                // not, is what a crash here must survive.
                let first = moved.files == 0 && staged.len() == 2;
                if staged.len() >= DONE_BATCH || first {
                    land_all(replica, &mut staged, &mut finished, &mut moved).await?;
                    done(replica, direction, &mut finished).await?;
                }
                if first {
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
    land_all(replica, &mut staged, &mut finished, &mut moved).await?;
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

/// Lands the staged downloads in one blocking step; those that landed join `finished`, the others
/// stay queued with their error.
async fn land_all(
    replica: &Replica,
    staged: &mut Vec<(Row, Staged, u64)>,
    finished: &mut Vec<Row>,
    moved: &mut Moved,
) -> Result<()> {
    if staged.is_empty() {
        return Ok(());
    }
    let (rows, files): (Vec<(Row, u64)>, Vec<Staged>) = staged
        .drain(..)
        .map(|(row, file, bytes)| ((row, bytes), file))
        .unzip();
    let results = tokio::task::spawn_blocking(move || land(files)).await?;
    for ((row, bytes), result) in rows.into_iter().zip(results) {
        match result {
            Ok(()) => {
                finished.push(row);
                moved.files += 1;
                moved.bytes += bytes;
            }
            Err(e) => {
                tracing::warn!(key = %row.key, error = %e, "a downloaded file could not be kept; it stays queued");
                replica
                    .file_failed(Direction::Down, &row, &e.to_string())
                    .await?;
                moved.left += 1;
            }
        }
    }
    Ok(())
}

/// A transfer that ended: the bytes it moved and, for a download, its file waiting to land.
struct Finished {
    bytes: u64,
    staged: Option<Staged>,
}

impl Finished {
    fn moved(bytes: u64) -> Finished {
        Finished {
            bytes,
            staged: None,
        }
    }
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

/// What moved, or `None` when the object is not in the bucket (a download of a file its device
/// has not uploaded yet). A download's file is not looked for here (the caller did), and is left
/// staged under a temporary name for the caller to land.
async fn move_one(
    replica: &Replica,
    store: &Arc<dyn ObjectStore>,
    direction: Direction,
    row: &Row,
    slot: Slot,
) -> Result<Option<Finished>> {
    let path = replica.absolute_path(&row.key)?;
    match direction {
        Direction::Up => {
            let sha256 = row.original.then_some(row.sha256.as_str());
            super::upload::upload(store, &row.key, &path, &row.content_type, sha256)
                .await
                .map(|bytes| Some(Finished::moved(bytes)))
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
                    let size = bytes.len() as u64;
                    let staged =
                        tokio::task::spawn_blocking(move || stage_small(&path, &row, &bytes))
                            .await??;
                    Ok(Some(Finished {
                        bytes: size,
                        staged: Some(staged),
                    }))
                }
                Some(FileBody::Large(body)) => {
                    let (staged, size) = stage_large(body, &path, row).await?;
                    Ok(Some(Finished {
                        bytes: size,
                        staged: Some(staged),
                    }))
                }
            }
        }
        Direction::Delete => {
            store.delete(&row.key).await?;
            Ok(Some(Finished::moved(0)))
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
        Some(Finished { staged, .. }) => {
            let files: Vec<Staged> = staged.into_iter().collect();
            let landed = tokio::task::spawn_blocking(move || land(files)).await?;
            landed.into_iter().collect()
        }
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
