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
    /// Keeps pixels from the system clipboard (8-bit RGBA, row by row) as an input, stored as a
    /// lossless PNG: the web view's paste event carries no image on every platform (WebKitGTK's
    /// has none), so the shell reads the clipboard itself.
    pub async fn import_input_pixels(
        &self,
        width: u32,
        height: u32,
        rgba: Vec<u8>,
    ) -> Result<ImageRecord> {
        let png =
            tokio::task::spawn_blocking(move || encode_rgba_png(width, height, rgba)).await??;
        self.import_input_bytes(png).await
    }

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

/// A PNG of `rgba`, refused when the buffer does not hold `width` × `height` pixels or the size is
/// beyond what the library accepts.
fn encode_rgba_png(width: u32, height: u32, rgba: Vec<u8>) -> Result<Vec<u8>> {
    use crate::library::MAX_DIMENSION;
    if width == 0 || height == 0 || width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(CoreError::InvalidInput(format!(
            "the clipboard image is {width}×{height} pixels; inputs can be up to \
             {MAX_DIMENSION}×{MAX_DIMENSION}"
        )));
    }
    let image = image::RgbaImage::from_raw(width, height, rgba).ok_or_else(|| {
        CoreError::InvalidInput(
            "the clipboard image is not whole (its pixels do not fill it)".into(),
        )
    })?;
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(image)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| {
            CoreError::InvalidImage(format!("the clipboard image could not be encoded: {e}"))
        })?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipboard_pixels_become_a_png_and_a_short_buffer_is_refused() {
        let png = encode_rgba_png(2, 1, vec![255, 0, 0, 255, 0, 0, 255, 128]).unwrap();
        let back = image::load_from_memory(&png).unwrap().into_rgba8();
        assert_eq!(back.into_raw(), vec![255, 0, 0, 255, 0, 0, 255, 128]);
        assert!(matches!(
            encode_rgba_png(2, 2, vec![0; 8]),
            Err(CoreError::InvalidInput(_))
        ));
        assert!(matches!(
            encode_rgba_png(0, 2, vec![]),
            Err(CoreError::InvalidInput(_))
        ));
    }
}
