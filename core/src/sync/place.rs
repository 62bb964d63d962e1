//! Writing a downloaded file into the library folder: checked (an original must hash to its
//! name, a thumbnail must be a JPEG), written private under a temporary name, fsynced, then renamed
//! into place, so a file that exists under its name is always whole.

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

/// Writes a small downloaded file in one blocking step: checked (an original must hash to its
/// name), written private under a temporary name, then renamed into place.
pub(super) fn place_small(path: &Path, row: &Row, bytes: &[u8]) -> Result<u64> {
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
pub(super) async fn verify_and_place(temp: &Path, dest: &Path, row: &Row, sha: &str) -> Result<()> {
    if row.original && sha != row.sha256 {
        return Err(corrupt(row, sha));
    }
    tokio::fs::rename(temp, dest).await?;
    Ok(())
}
/// Streams a large body into `dest` (a new private file the caller fsyncs and renames), hashing
/// it on the way so an original is not read back from disk to be checked, and stopping past its
/// limit.
pub(super) async fn write_to(
    body: LargeBody,
    dest: &Path,
) -> std::result::Result<(tokio::fs::File, Written), SyncError> {
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
    let written = Written {
        bytes: written,
        sha256: super::ops::hex(&hasher.finalize()),
    };
    Ok((file.into_inner(), written))
}

/// A file written from the bucket.
pub(super) struct Written {
    pub bytes: u64,
    /// Of the bytes written, lowercase hex.
    pub sha256: String,
}
