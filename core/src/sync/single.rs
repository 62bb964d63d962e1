//! Single-file operations outside a full sync: the connection test, uploading one original so it
//! can be handed to a provider as a presigned URL, and fetching one original on demand.

use std::time::Duration;

use super::engine::Syncer;
use super::transport::Created;
use crate::Result;
use crate::library::ImageRecord;

/// The key the connection test writes and deletes.
const PROBE_PREFIX: &str = "probe/";

impl Syncer {
    /// Reads and writes the bucket once (then deletes what it wrote): wrong keys, a missing
    /// bucket, an unreachable endpoint, a refused certificate or a read-only token each fail with
    /// their own error.
    pub async fn probe(&self) -> Result<()> {
        self.transport().get("library.json").await?;
        let key = format!("{PROBE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        self.transport()
            .create(&key, b"nanoforge".to_vec(), "text/plain")
            .await?;
        self.transport().delete(&key).await?;
        Ok(())
    }

    async fn image(&self, id: &str) -> Result<ImageRecord> {
        self.library().get_image(id).await
    }

    /// Makes sure image `id`'s original is in the bucket (uploading it now if needed).
    pub async fn upload_original(&self, id: &str) -> Result<()> {
        let image = self.image(id).await?;
        if self.library().original_is_remote(id).await? {
            return Ok(());
        }
        let path = self.library().absolute_path(&image.path)?;
        match self
            .transport()
            .create_from_file(&image.path, &path, &image.mime)
            .await?
        {
            Created::Now | Created::AlreadyThere => {}
        }
        self.library()
            .original_uploaded(&image.sha256, &image.path)
            .await
    }

    /// A URL anyone can GET image `id`'s original with for `ttl`.
    pub async fn presign(&self, id: &str, ttl: Duration) -> Result<String> {
        let image = self.image(id).await?;
        Ok(self.transport().presign_get(&image.path, ttl).await?)
    }

    /// Downloads image `id`'s original into the library (hash-checked) and marks it used now.
    pub async fn fetch_original(&self, id: &str) -> Result<()> {
        let image = self.image(id).await?;
        super::files::fetch_one(self.library(), self.transport(), &image.path, &image.sha256)
            .await?;
        self.library().original_fetched(id).await
    }
}
