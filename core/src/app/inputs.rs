//! Input images for image-to-image: a local file or a public URL becomes an `input` image of the
//! open profile's library (validated, deduplicated by content, kept out of the gallery), so a job
//! refers to it by id and sync can carry it to the other devices with the job.

use std::path::Path;
use std::time::Duration;

use super::AppCore;
use crate::Result;
use crate::library::{ImageRecord, IngestSource};
use crate::providers::download::{DownloadLimits, download_image};
use crate::providers::{RetryPolicy, net};

/// How long fetching one input URL may take, retries included.
const URL_DEADLINE: Duration = Duration::from_secs(120);

impl AppCore {
    /// Keeps a local image file as an input. The same file again is the same input.
    pub async fn import_input_image(&self, path: &Path) -> Result<ImageRecord> {
        self.session()
            .library()
            .import_input_image(IngestSource::File(path.to_path_buf()))
            .await
    }

    /// Keeps dropped image bytes as an input (the page reads a dropped file; it never names a path).
    pub async fn import_input_bytes(&self, bytes: Vec<u8>) -> Result<ImageRecord> {
        if bytes.len() as u64 > DownloadLimits::default().max_bytes {
            return Err(crate::CoreError::InvalidInput(format!(
                "that image is {} MB; input images can be at most {} MB",
                bytes.len() / (1024 * 1024),
                DownloadLimits::default().max_bytes / (1024 * 1024)
            )));
        }
        self.session()
            .library()
            .import_input_image(IngestSource::Bytes(bytes))
            .await
    }

    /// Fetches an http(s) image (size- and pixel-capped, like results) and keeps it as an input,
    /// for a provider that takes files rather than URLs.
    pub async fn import_input_url(&self, url: &str) -> Result<ImageRecord> {
        // Held for the whole call: the input lands in the library it was asked for, even if the
        // profile is switched meanwhile.
        let session = self.session();
        let library = session.library();
        let parent = library.root().join("downloads");
        let staging = tokio::task::spawn_blocking(move || {
            crate::private_fs::create_dir_all(&parent)?;
            tempfile::Builder::new().prefix(".in-").tempdir_in(&parent)
        })
        .await??;
        let http = net::files_client(Duration::from_secs(15), Duration::from_secs(30))?;
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
