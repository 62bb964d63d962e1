//! Moving image files between the library folder and the bucket: uploads (originals and
//! thumbnails made here, through `upload.rs`, which checks an original's key that exists already),
//! downloads (other devices' files, originals checked against their hash), and deletes after a
//! delete-forever. A bounded number run at once; a file that fails stays queued for the next sync,
//! unless the failure says the whole sync cannot work (credentials, bucket, clock), which stops it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::store::{FileBody, LargeBody, ObjectStore};
use super::{Progress, SyncError, SyncStage};
use crate::library::MAX_FILE_BYTES;
use crate::library::replica::{FileDirection as Direction, QueuedFile as Row, Replica};
use crate::{CoreError, Result};

/// Transfers in flight at once.
pub const PARALLEL: usize = 8;
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
    let gate = Arc::new(Semaphore::new(PARALLEL));
    let mut tasks = JoinSet::new();
    for row in rows {
        let (replica, store, gate) = (replica.clone(), Arc::clone(store), gate.clone());
        tasks.spawn(async move {
            let _slot = gate.acquire_owned().await;
            let outcome = move_one(&replica, &store, direction, &row).await;
            (row, outcome)
        });
    }
    let mut fatal = None;
    // Finished files leave the queue in batches: a commit per file costs more than a loopback
    // transfer. A crash before a batch commits only repeats work (the file is already in place,
    // or the bucket answers "already there").
    let mut finished = Vec::new();
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

/// Bytes moved, or `None` when the object is not in the bucket (a download of a file its device
/// has not uploaded yet).
async fn move_one(
    replica: &Replica,
    store: &Arc<dyn ObjectStore>,
    direction: Direction,
    row: &Row,
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
            if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                return Ok(Some(0));
            }
            let max_bytes = if row.original {
                MAX_FILE_BYTES
            } else {
                MAX_THUMB_BYTES
            };
            match store.download(&row.key, max_bytes).await? {
                None => Ok(None),
                Some(FileBody::Small(bytes)) => {
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
                        Ok(file) => verify_and_place(&temp, &path, row, &file.sha256)
                            .await
                            .map(|()| Some(file.bytes)),
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
    match move_one(replica, store, Direction::Down, &row).await? {
        Some(_) => Ok(()),
        None => Err(CoreError::NotFound(format!(
            "{what} of this image: the device that made it has not uploaded it yet ({key})"
        ))),
    }
}

/// A new temporary file's name in `path`'s folder (renamed over `path` once complete).
fn temp_beside(path: &Path) -> Result<PathBuf> {
    let dir = path
        .parent()
        .ok_or_else(|| CoreError::Internal(format!("{} has no folder", path.display())))?;
    Ok(dir.join(format!(".tmp-sync-{}", uuid::Uuid::new_v4().simple())))
}

/// Writes a small downloaded file in one blocking step: checked (an original must hash to its
/// name), written private under a temporary name, then renamed into place.
fn place_small(path: &Path, row: &Row, bytes: &[u8]) -> Result<u64> {
    use sha2::{Digest, Sha256};
    if row.original {
        let sha = super::ops::hex(&Sha256::digest(bytes));
        if sha != row.sha256 {
            return Err(corrupt(row, &sha));
        }
    } else if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        // Thumbnails are our own JPEGs; anything else is not kept (nor served to the page).
        return Err(SyncError::Corrupt(format!(
            "{} in the bucket is not a JPEG thumbnail",
            row.key
        ))
        .into());
    }
    let temp = temp_beside(path)?;
    if let Some(dir) = temp.parent() {
        crate::private_fs::create_dir_all(dir)?;
    }
    let written = crate::private_fs::open_options()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e.into());
    }
    Ok(bytes.len() as u64)
}

fn corrupt(row: &Row, sha: &str) -> CoreError {
    SyncError::Corrupt(format!(
        "{} in the bucket does not match its hash (got {sha})",
        row.key
    ))
    .into()
}

/// An original must hash to its name; then the temporary file becomes the library's file.
async fn verify_and_place(temp: &Path, dest: &Path, row: &Row, sha: &str) -> Result<()> {
    if row.original && sha != row.sha256 {
        return Err(corrupt(row, sha));
    }
    tokio::fs::rename(temp, dest).await?;
    Ok(())
}

/// Takes finished files off the queue, in one transaction.
async fn done(replica: &Replica, direction: Direction, rows: &mut Vec<Row>) -> Result<()> {
    replica.files_done(direction, rows).await?;
    rows.clear();
    Ok(())
}

/// Streams a large body into `dest` (a new private file the caller renames), hashing it on the
/// way so an original is not read back from disk to be checked, and stopping past its limit.
async fn write_to(body: LargeBody, dest: &Path) -> std::result::Result<Written, SyncError> {
    use sha2::{Digest, Sha256};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let local = |e: std::io::Error| SyncError::Local(e.to_string());
    let file = tokio::fs::OpenOptions::from(crate::private_fs::open_options())
        .write(true)
        .create_new(true)
        .open(dest)
        .await
        .map_err(local)?;
    // Each tokio file write is a trip to the blocking pool: batch the body's small chunks.
    let mut file = tokio::io::BufWriter::with_capacity(1 << 20, file);
    let mut reader = body.reader.take(body.max_bytes.saturating_add(1));
    let mut buffer = vec![0u8; 256 * 1024];
    let mut written = 0u64;
    let mut hasher = Sha256::new();
    loop {
        let n = reader
            .read(&mut buffer)
            .await
            .map_err(|e| SyncError::Interrupted(format!("reading {}: {e}", body.key)))?;
        if n == 0 {
            break;
        }
        written += n as u64;
        if written > body.max_bytes {
            return Err(SyncError::Corrupt(format!(
                "{} holds more than the {} bytes such a file may have",
                body.key, body.max_bytes
            )));
        }
        hasher.update(&buffer[..n]);
        file.write_all(&buffer[..n]).await.map_err(local)?;
    }
    file.flush().await.map_err(local)?;
    // On disk before it is renamed into place and leaves the queue (a power cut must not leave an
    // empty original that "exists").
    file.get_ref().sync_all().await.map_err(local)?;
    Ok(Written {
        bytes: written,
        sha256: super::ops::hex(&hasher.finalize()),
    })
}

/// A file written from the bucket.
struct Written {
    bytes: u64,
    /// Of the bytes written, lowercase hex.
    sha256: String,
}
