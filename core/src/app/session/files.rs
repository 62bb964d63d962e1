//! The profile's image files as the shell hands them out (the page, open, reveal, copy, save-as,
//! export). Each goes through [`Session::ensure_original`] first, so on a device that keeps only
//! thumbnails (phone mode) the original is fetched from the sync bucket when needed.

use std::path::Path;

use super::Session;
use crate::library::{ExportOptions, ImageFileKind, RecalledSettings, RgbaImage};
use crate::library::{MAX_FILE_BYTES, try_read_generation_metadata};
use crate::{CoreError, Result};

impl Session {
    /// The bytes and MIME type of one file of image `id`, for the image protocol.
    pub async fn image_file_bytes(
        &self,
        id: &str,
        kind: ImageFileKind,
    ) -> Result<(Vec<u8>, &'static str)> {
        if kind == ImageFileKind::Original {
            self.ensure_original(id).await?;
        }
        self.library.image_file_bytes(id, kind).await
    }

    /// The thumbnail or preview of the original with hash `sha256`, for the image protocol's
    /// cacheable URLs. The file is read directly; only when it is missing is it made again from
    /// the original, or fetched from the bucket when the original is not on this device (a phone
    /// that keeps thumbnails only). A hash no image of this profile has is not found.
    pub async fn thumbnail_bytes(&self, sha256: &str, kind: ImageFileKind) -> Result<Vec<u8>> {
        if let Some(bytes) = self.library.thumbnail_file(sha256, kind).await? {
            return Ok(bytes);
        }
        let not_found = || CoreError::NotFound(format!("a thumbnail of {sha256}"));
        let id = self
            .library
            .image_of_sha256(sha256)
            .await?
            .ok_or_else(not_found)?;
        self.library.ensure_thumbnails(&id).await?;
        if let Some(bytes) = self.library.thumbnail_file(sha256, kind).await? {
            return Ok(bytes);
        }
        if self.library.replica().original_is_remote(&id).await? {
            let side = kind.thumb_side().ok_or_else(not_found)?;
            let syncer = self.sync_access().syncer().await?;
            syncer.fetch_thumbnail(sha256, side).await?;
        }
        self.library
            .thumbnail_file(sha256, kind)
            .await?
            .ok_or_else(not_found)
    }

    /// The absolute path of image `id`'s original (for "open" and "reveal"; the page never sees
    /// it).
    pub async fn image_file(&self, id: &str) -> Result<std::path::PathBuf> {
        self.ensure_original(id).await
    }

    /// Image `id`'s pixels, for the clipboard.
    pub async fn image_rgba(&self, id: &str) -> Result<RgbaImage> {
        self.ensure_original(id).await?;
        self.library.image_rgba(id).await
    }

    /// Copies image `id`'s original to `dest` (a path the user chose in a native dialog).
    pub async fn save_image_as(&self, id: &str, dest: &Path) -> Result<()> {
        self.ensure_original(id).await?;
        self.library.save_image_as(id, dest).await
    }

    /// The name Save as suggests for image `id` (the prompt's first words, the original's
    /// extension).
    pub async fn suggested_file_name(&self, id: &str) -> Result<String> {
        self.library.suggested_file_name(id).await
    }

    /// Writes the copy of image `id` a drag out of the window hands to another app (with its
    /// settings, like every copy that leaves) and returns its path.
    pub async fn drag_copy(&self, id: &str) -> Result<std::path::PathBuf> {
        self.ensure_original(id).await?;
        self.library.write_drag_copy(id).await
    }

    /// Exports `ids` (originals, metadata, CSV) to a zip at `out` (chosen in a native dialog).
    pub async fn export_zip(
        &self,
        ids: &[String],
        out: &Path,
        options: ExportOptions,
    ) -> Result<u32> {
        for id in ids {
            self.ensure_original(id).await?;
        }
        self.library.export_zip(ids, out, options).await
    }

    /// Generation settings embedded in an image file (ours, AUTOMATIC1111, ComfyUI, InvokeAI; PNG
    /// text chunks, JPEG and WebP EXIF). EXIF that cannot be read is an `InvalidImage` error.
    pub async fn read_image_metadata(&self, bytes: Vec<u8>) -> Result<Option<RecalledSettings>> {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(CoreError::ImageTooLarge(format!(
                "the file is larger than {} MiB",
                MAX_FILE_BYTES >> 20
            )));
        }
        tokio::task::spawn_blocking(move || try_read_generation_metadata(&bytes)).await?
    }
}
