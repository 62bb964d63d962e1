//! Input images for image-to-image: a local file, dropped bytes or a public URL becomes an `input`
//! image of the profile's library (validated, deduplicated by content, kept out of the gallery),
//! so a job refers to it by id and sync can carry it to the other devices with the job. For a
//! provider that takes URLs, [`BucketLinks`] hands the queue a short-lived link to a library
//! image in the user's sync bucket.

use std::path::Path;
use std::time::Duration;

use super::Session;
use super::sync::{INPUT_URL_TTL, SyncAccess};
use crate::library::{ImageRecord, IngestSource};
use crate::providers::RetryPolicy;
use crate::providers::download::{DownloadLimits, download_image};
use crate::providers::input_url::input_client;
use crate::queue::InputLinks;
use crate::sync::SyncError;
use crate::{CoreError, Result};

/// How long fetching one input URL may take, retries included.
const URL_DEADLINE: Duration = Duration::from_secs(120);

impl Session {
    /// Keeps a local image file as an input. The same file again is the same input.
    pub async fn import_input_image(&self, path: &Path) -> Result<ImageRecord> {
        self.library
            .import_input_image(IngestSource::File(path.to_path_buf()))
            .await
    }

    /// Keeps dropped image bytes as an input (the page reads a dropped file; it never names a path).
    pub async fn import_input_bytes(&self, bytes: Vec<u8>) -> Result<ImageRecord> {
        if bytes.len() as u64 > DownloadLimits::default().max_bytes {
            return Err(CoreError::InvalidInput(format!(
                "that image is {} MB; input images can be at most {} MB",
                bytes.len() / (1024 * 1024),
                DownloadLimits::default().max_bytes / (1024 * 1024)
            )));
        }
        self.library
            .import_input_image(IngestSource::Bytes(bytes))
            .await
    }

    /// Fetches an https image (plain http only on this computer; size- and pixel-capped, like
    /// results; never from the local network, redirects included) and keeps it as an input, for a
    /// provider that takes files rather than URLs.
    pub async fn import_input_url(&self, url: &str) -> Result<ImageRecord> {
        // https (or this computer), and never led into the local network by a redirect.
        let http = input_client(url, Duration::from_secs(15), Duration::from_secs(30))?;
        let library = &self.library;
        let parent = library.root().join("downloads");
        let staging = tokio::task::spawn_blocking(move || {
            crate::private_fs::create_dir_all(&parent)?;
            tempfile::Builder::new().prefix(".in-").tempdir_in(&parent)
        })
        .await??;
        let dest = staging.path().join("input");
        let deadline = tokio::time::Instant::now() + URL_DEADLINE;
        let fetched = download_image(
            &http,
            url,
            &dest,
            DownloadLimits::default(),
            RetryPolicy::default(),
            |_| {},
            deadline,
        )
        .await?;
        // The file's extension must agree with its content for ingest.
        let named = staging.path().join(format!("input.{}", fetched.format));
        tokio::fs::rename(&fetched.path, &named).await?;
        library.import_input_image(IngestSource::File(named)).await
    }
}

/// Links to a profile's library images in its sync bucket: the original is uploaded if it is not
/// there yet, then presigned for [`INPUT_URL_TTL`]. Without sync set up, a clear error says so.
pub(super) struct BucketLinks {
    access: SyncAccess,
}

impl BucketLinks {
    pub(super) fn new(access: SyncAccess) -> Self {
        Self { access }
    }

    async fn syncer(&self) -> Result<crate::sync::Syncer> {
        match self.access.syncer().await {
            Err(CoreError::Sync(SyncError::NotConfigured)) => {
                Err(crate::providers::local_inputs_need_sync().into())
            }
            other => other,
        }
    }
}

#[async_trait::async_trait]
impl InputLinks for BucketLinks {
    async fn prepare(&self, id: &str) -> Result<()> {
        self.syncer().await?.upload_original(id).await
    }

    async fn link(&self, id: &str) -> Result<String> {
        let syncer = self.syncer().await?;
        syncer.upload_original(id).await?;
        syncer.presign(id, INPUT_URL_TTL).await
    }
}
