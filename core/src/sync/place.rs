//! Writing downloaded files into the library folder: checked (an original must hash to its name, a
//! thumbnail must be a JPEG) and written private under a temporary name ([`Staged`]), then landed
//! a batch at a time ([`land`]): the batch's bytes flushed to disk together, each file renamed into
//! place, the new names flushed too. The sync takes files off its queue only after that, so a file
//! that exists under its name is always whole, and a queue row is never dropped for a file a power
//! cut could still take away.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::SyncError;
use super::store::LargeBody;
use crate::library::replica::QueuedFile as Row;
use crate::{CoreError, Result};

/// A new temporary file's name in `path`'s folder (renamed over `path` once complete).
pub(super) fn temp_beside(path: &Path) -> Result<PathBuf> {
    let dir = path
        .parent()
        .ok_or_else(|| CoreError::Internal(format!("{} has no folder", path.display())))?;
    Ok(dir.join(format!(".tmp-sync-{}", uuid::Uuid::new_v4().simple())))
}

/// A checked file written whole under a temporary name beside its place, not flushed or renamed
/// yet. It holds no open file (a batch may hold many), and its temporary file is removed if it is
/// dropped before it lands.
pub(super) struct Staged {
    temp: PathBuf,
    dest: PathBuf,
    landed: bool,
}

impl Staged {
    fn new(temp: PathBuf, dest: &Path) -> Staged {
        Staged {
            temp,
            dest: dest.to_path_buf(),
            landed: false,
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.landed {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Checks a small downloaded file and writes it under a temporary name, in one blocking step.
pub(super) fn stage_small(path: &Path, row: &Row, bytes: &[u8]) -> Result<Staged> {
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
    let mut file = crate::private_fs::open_options()
        .write(true)
        .create_new(true)
        .open(&temp)?;
    let staged = Staged::new(temp, path);
    file.write_all(bytes)?;
    Ok(staged)
}

/// Streams a large body into a private file under a temporary name beside `dest`, hashing it on
/// the way (an original is not read back from disk to be checked) and stopping past its limit. An
/// original that does not hash to its name is not kept.
pub(super) async fn stage_large(body: LargeBody, dest: &Path, row: &Row) -> Result<(Staged, u64)> {
    let temp = temp_beside(dest)?;
    if let Some(dir) = temp.parent() {
        crate::library::create_private_dir(dir).await?;
    }
    let written = write_to(body, &temp).await;
    let staged = Staged::new(temp, dest);
    let written = written?;
    if row.original && written.sha256 != row.sha256 {
        return Err(corrupt(row, &written.sha256));
    }
    Ok((staged, written.bytes))
}

/// Lands staged files: their bytes reach the disk, then each takes its name, then the names reach
/// the disk, so the caller may take them off the queue. One result per file, in order: a file
/// whose rename failed stays queued; a failed flush fails them all (none is known to be safe).
pub(super) fn land(mut staged: Vec<Staged>) -> Vec<Result<()>> {
    let all_failed = |e: std::io::Error, n: usize| -> Vec<Result<()>> {
        let message = e.to_string();
        (0..n)
            .map(|_| Err(SyncError::Local(message.clone()).into()))
            .collect()
    };
    // Before any rename: a power cut must not leave a name on a file whose bytes never arrived.
    if let Err(e) = flush_files(&staged) {
        return all_failed(e, staged.len());
    }
    let renamed: Vec<Result<()>> = staged
        .iter_mut()
        .map(|one| {
            std::fs::rename(&one.temp, &one.dest)?;
            one.landed = true;
            Ok(())
        })
        .collect();
    match flush_names(&staged) {
        Ok(()) => renamed,
        Err(e) => all_failed(e, staged.len()),
    }
}

/// The staged files' bytes on disk. On Linux (Android too), one `syncfs` for a batch instead of
/// an fsync per file: each fsync waits for a journal commit and device flush of its own (measured
/// on the bench machine: ~2.5 ms a file one after another, ~0.1–0.2 ms a file with one syncfs per
/// 64), and a phone's first pull of 10,000 images writes 20,000 files.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn flush_files(staged: &[Staged]) -> std::io::Result<()> {
    match staged {
        [one] => std::fs::File::open(&one.temp)?.sync_all(),
        _ => syncfs_each(staged.iter().map(|s| s.temp.as_path())),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn flush_files(staged: &[Staged]) -> std::io::Result<()> {
    staged
        .iter()
        .try_for_each(|one| std::fs::File::open(&one.temp)?.sync_all())
}

/// The landed files' new names on disk.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn flush_names(staged: &[Staged]) -> std::io::Result<()> {
    match staged {
        [one] => sync_folders(std::iter::once(one.dest.as_path())),
        _ => syncfs_each(staged.iter().map(|s| s.dest.as_path())),
    }
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
fn flush_names(staged: &[Staged]) -> std::io::Result<()> {
    sync_folders(staged.iter().map(|s| s.dest.as_path()))
}

/// Windows cannot flush a folder through std; NTFS journals the renames itself.
#[cfg(not(unix))]
fn flush_names(_staged: &[Staged]) -> std::io::Result<()> {
    Ok(())
}

/// An fsync of each distinct folder the files are in.
#[cfg(unix)]
fn sync_folders<'a>(files: impl Iterator<Item = &'a Path>) -> std::io::Result<()> {
    let mut folders: Vec<&Path> = files.filter_map(Path::parent).collect();
    folders.sort_unstable();
    folders.dedup();
    folders
        .into_iter()
        .try_for_each(|dir| std::fs::File::open(dir)?.sync_all())
}

/// One `syncfs` for each filesystem the files are on (a library's folders are normally on one).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn syncfs_each<'a>(files: impl Iterator<Item = &'a Path>) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mut done = Vec::new();
    for path in files {
        let device = std::fs::metadata(path)?.dev();
        if !done.contains(&device) {
            rustix::fs::syncfs(std::fs::File::open(path)?)?;
            done.push(device);
        }
    }
    Ok(())
}

fn corrupt(row: &Row, sha: &str) -> CoreError {
    SyncError::Corrupt(format!(
        "{} in the bucket does not match its hash (got {sha})",
        row.key
    ))
    .into()
}

/// Streams a large body into `dest` (a new private file), hashing it on the way and stopping past
/// its limit; flushed from the writer's buffer, not to the disk (landing does that).
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
