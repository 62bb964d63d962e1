//! Uploading one library file. The bucket's names are content-addressed, so a key that exists
//! already (a 412) usually holds the same bytes — but an original is checked before that is
//! believed: it is created with its SHA-256 as metadata, and on a 412 the existing object must
//! carry the same hash (or, written by an older version without one, hash to it). Other bytes
//! under an original's name (a broken upload, a bucket written by hand) would otherwise mark it
//! safe in the bucket while it is not; they are replaced by the right bytes. Thumbnails are
//! derived from their original and checked when downloaded, so a 412 on one is taken as it is.

use std::path::Path;
use std::sync::Arc;

use super::SyncError;
use super::store::{Body, Created, FileBody, ObjectStore};
use crate::{CoreError, Result};

/// Uploads a library file unless the bucket has it; returns its size. An original (`sha256`
/// given) carries its hash as metadata, and a 412 on it counts as "already there" only once the
/// object is shown to be the same bytes (its recorded hash, else its bytes hashed): other bytes
/// under a content-addressed name (a broken upload, a bucket written by hand) would otherwise mark
/// the original safe in the bucket while it is not. Such an object is replaced by the right bytes.
pub(super) async fn upload(
    store: &Arc<dyn ObjectStore>,
    key: &str,
    path: &Path,
    content_type: &str,
    sha256: Option<&str>,
) -> Result<u64> {
    let bytes = tokio::fs::metadata(path)
        .await
        .map_err(|e| CoreError::NotFound(format!("{key} ({e})")))?
        .len();
    let created = store
        .create(key, Body::file(path), content_type, sha256)
        .await?;
    let Some(sha256) = sha256.filter(|_| created == Created::AlreadyThere) else {
        return Ok(bytes);
    };
    if holds(store, key, sha256, bytes).await? {
        return Ok(bytes);
    }
    tracing::warn!(
        key,
        "the bucket holds other bytes under this original's name: replacing them"
    );
    store.delete(key).await?;
    match store
        .create(key, Body::file(path), content_type, Some(sha256))
        .await?
    {
        Created::Now => Ok(bytes),
        Created::AlreadyThere if holds(store, key, sha256, bytes).await? => Ok(bytes),
        Created::AlreadyThere => Err(SyncError::Corrupt(format!(
            "{key} in the bucket is not this original (another writer keeps replacing it)"
        ))
        .into()),
    }
}

/// Whether the object at `key` is the original with hash `sha256` (`bytes` long): by the hash it
/// was created with, or, for one written without (an older version), by its bytes.
async fn holds(store: &Arc<dyn ObjectStore>, key: &str, sha256: &str, bytes: u64) -> Result<bool> {
    use sha2::{Digest, Sha256};
    use tokio::io::AsyncReadExt;
    let Some(head) = store.head(key).await? else {
        return Ok(false);
    };
    if let Some(recorded) = head.sha256 {
        return Ok(recorded == sha256 && head.size == bytes);
    }
    if head.size != bytes {
        return Ok(false);
    }
    let hashed = match store.download(key, bytes).await? {
        None => return Ok(false),
        Some(FileBody::Small(body)) => super::ops::hex(&Sha256::digest(&body)),
        Some(FileBody::Large(body)) => {
            let mut reader = body.reader.take(bytes.saturating_add(1));
            let mut hasher = Sha256::new();
            let mut buffer = vec![0u8; 256 * 1024];
            loop {
                let n = reader
                    .read(&mut buffer)
                    .await
                    .map_err(|e| SyncError::Interrupted(format!("reading {key}: {e}")))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buffer[..n]);
            }
            super::ops::hex(&hasher.finalize())
        }
    };
    Ok(hashed == sha256)
}
