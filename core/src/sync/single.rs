//! Single-file operations outside a full sync: the connection test, uploading one original so it
//! can be handed to a provider as a presigned URL (checked like a sync's uploads), and fetching
//! one original on demand.

use std::time::Duration;

use super::engine::Syncer;
use super::store::Body;
use crate::Result;

/// The key the connection test writes and deletes.
const PROBE_PREFIX: &str = "probe/";

impl Syncer {
    /// Reads and writes the bucket once (then deletes what it wrote): wrong keys, a missing
    /// bucket, an unreachable endpoint, a refused certificate or a read-only token each fail with
    /// their own error.
    pub async fn probe(&self) -> Result<()> {
        // A library of another account at this prefix is refused here already, before the
        // location is saved.
        if let Some((root, _)) = self.read_root().await?
            && let Some(owner) = root.owner.filter(|o| o != self.owner())
        {
            return Err(super::SyncError::OtherAccount {
                prefix: self.location().prefix.clone(),
                owner,
            }
            .into());
        }
        let key = format!("{PROBE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        self.store()
            .create(&key, Body::Bytes(b"nanoforge".to_vec()), "text/plain", None)
            .await?;
        self.store().delete(&key).await?;
        Ok(())
    }

    /// Makes sure image `id`'s original is in the bucket (uploading it now if needed).
    pub async fn upload_original(&self, id: &str) -> Result<()> {
        if self.replica().original_is_remote(id).await? {
            return Ok(());
        }
        let original = self.replica().original_file(id).await?;
        let path = self.replica().absolute_path(&original.key)?;
        super::upload::upload(
            self.store(),
            &original.key,
            &path,
            &original.mime,
            Some(&original.sha256),
        )
        .await?;
        self.replica()
            .original_uploaded(&original.sha256, &original.key)
            .await
    }

    /// A URL anyone can GET image `id`'s original with for `ttl`.
    pub async fn presign(&self, id: &str, ttl: Duration) -> Result<String> {
        let original = self.replica().original_file(id).await?;
        Ok(self.store().presign_get(&original.key, ttl).await?)
    }

    /// Downloads image `id`'s original into the library (hash-checked) and marks it used now.
    pub async fn fetch_original(&self, id: &str) -> Result<()> {
        let original = self.replica().original_file(id).await?;
        super::files::fetch_one(
            self.replica(),
            self.store(),
            &original.key,
            &original.sha256,
        )
        .await?;
        self.replica().original_fetched(id).await
    }

    /// Downloads the thumbnail or preview (`long_side`) of the original with hash `sha256` into
    /// the library (a device that keeps only thumbnails lost one, or its pull has not reached it).
    pub async fn fetch_thumbnail(&self, sha256: &str, long_side: u32) -> Result<()> {
        let key = crate::library::thumb_rel(sha256, long_side);
        super::files::fetch_file(self.replica(), self.store(), &key, sha256, false).await
    }
}
