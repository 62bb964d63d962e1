//! Moving image files between the library folder and the bucket: uploads (originals and
//! thumbnails made here; a key that exists already is the same bytes), downloads (other devices'
//! files, originals checked against their hash), and deletes after a delete-forever. A bounded
//! number run at once; a file that fails stays queued for the next sync, unless the failure says
//! the whole sync cannot work (credentials, bucket, clock), which stops it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::transport::{FileBody, Transport};
use super::{Progress, SyncError, SyncStage};
use crate::library::{Library, begin_immediate};
use crate::{CoreError, Result};

/// Transfers in flight at once.
pub const PARALLEL: usize = 8;
/// Finished transfers committed together.
const DONE_BATCH: usize = 64;

#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    key: String,
    sha256: String,
    content_type: String,
    original: bool,
}

/// What one direction moved.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Moved {
    pub files: u32,
    pub bytes: u64,
    /// Files left queued (missing, not uploaded yet by their device, a passing error).
    pub left: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Delete,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Delete => "delete",
        }
    }

    fn stage(self) -> SyncStage {
        match self {
            Direction::Up => SyncStage::Uploading,
            Direction::Down => SyncStage::Downloading,
            Direction::Delete => SyncStage::Cleaning,
        }
    }
}

/// Moves every queued file of `direction`.
pub async fn move_all(
    library: &Library,
    transport: &Transport,
    direction: Direction,
    progress: &Progress,
) -> Result<Moved> {
    // Thumbnails first: another device shows the gallery before the originals arrive.
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT key, sha256, content_type, original FROM sync_files WHERE direction = ?
         ORDER BY original, attempts, key",
    )
    .bind(direction.as_str())
    .fetch_all(library.pool())
    .await?;
    let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let mut moved = Moved::default();
    if rows.is_empty() {
        return Ok(moved);
    }
    progress.report(direction.stage(), 0, total, 0);
    let gate = Arc::new(Semaphore::new(PARALLEL));
    let mut tasks = JoinSet::new();
    for row in rows {
        let (library, transport, gate) = (library.clone(), transport.clone(), gate.clone());
        tasks.spawn(async move {
            let _slot = gate.acquire_owned().await;
            let outcome = move_one(&library, &transport, direction, &row).await;
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
                    done(library, direction, &mut finished).await?;
                }
                moved.files += 1;
                moved.bytes += bytes;
                if direction == Direction::Down && moved.files == 2 {
                    // Some files committed as done, the rest not: what a crash here must survive.
                    done(library, direction, &mut finished).await?;
                    super::crash::crash_point("mid_download");
                }
            }
            Ok(None) => {
                failed(
                    library,
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
                failed(library, direction, &row, &e.to_string()).await?;
                moved.left += 1;
            }
        }
        progress.report(
            direction.stage(),
            moved.files + moved.left,
            total,
            moved.bytes,
        );
    }
    done(library, direction, &mut finished).await?;
    match fatal {
        Some(e) => Err(e.into()),
        None => Ok(moved),
    }
}

/// Bytes moved, or `None` when the object is not in the bucket (a download of a file its device
/// has not uploaded yet).
async fn move_one(
    library: &Library,
    transport: &Transport,
    direction: Direction,
    row: &Row,
) -> Result<Option<u64>> {
    let path = library.absolute_path(&row.key)?;
    match direction {
        Direction::Up => {
            let bytes = tokio::fs::metadata(&path)
                .await
                .map_err(|e| CoreError::NotFound(format!("{} ({e})", row.key)))?
                .len();
            transport
                .create_from_file(&row.key, &path, &row.content_type)
                .await?;
            Ok(Some(bytes))
        }
        Direction::Down => {
            if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                return Ok(Some(0));
            }
            match transport.download(&row.key).await? {
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
                    let result = match body.write_to(&temp).await {
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
            transport.delete(&row.key).await?;
            Ok(Some(0))
        }
    }
}

/// Downloads one original now (on demand), hash-checked.
pub async fn fetch_one(
    library: &Library,
    transport: &Transport,
    key: &str,
    sha256: &str,
) -> Result<()> {
    let row = Row {
        key: key.to_owned(),
        sha256: sha256.to_owned(),
        content_type: String::new(),
        original: true,
    };
    match move_one(library, transport, Direction::Down, &row).await? {
        Some(_) => Ok(()),
        None => Err(CoreError::NotFound(format!(
            "the original of this image: the device that made it has not uploaded it yet ({key})"
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
    }
    let temp = temp_beside(path)?;
    if let Some(dir) = temp.parent() {
        crate::private_fs::create_dir_all(dir)?;
    }
    let written = crate::private_fs::open_options()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| file.write_all(bytes))
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
async fn done(library: &Library, direction: Direction, rows: &mut Vec<Row>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut tx = begin_immediate(library.pool()).await?;
    for row in rows.iter() {
        sqlx::query("DELETE FROM sync_files WHERE key = ? AND direction = ?")
            .bind(&row.key)
            .bind(direction.as_str())
            .execute(&mut *tx)
            .await?;
        if direction == Direction::Up && row.original {
            sqlx::query(
                "UPDATE images SET original_remote = 1 WHERE sha256 = ? AND original_remote = 0",
            )
            .bind(&row.sha256)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    rows.clear();
    Ok(())
}

async fn failed(library: &Library, direction: Direction, row: &Row, error: &str) -> Result<()> {
    sqlx::query(
        "UPDATE sync_files SET attempts = attempts + 1, last_error = ? WHERE key = ? AND direction = ?",
    )
    .bind(error)
    .bind(&row.key)
    .bind(direction.as_str())
    .execute(library.pool())
    .await?;
    Ok(())
}
