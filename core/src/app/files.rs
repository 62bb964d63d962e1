//! The open profile's image files as the shell hands them out (the page, open, reveal, copy,
//! save-as, export). Each goes through [`AppCore::ensure_original`] first, so on a device that
//! keeps only thumbnails (phone mode) the original is fetched from the sync bucket when needed.

use std::path::Path;

use super::AppCore;
use crate::Result;
use crate::library::{ExportOptions, ImageFileKind, RgbaImage};

impl AppCore {
    /// The bytes and MIME type of one file of image `id`, for the image protocol.
    pub async fn image_file_bytes(
        &self,
        id: &str,
        kind: ImageFileKind,
    ) -> Result<(Vec<u8>, &'static str)> {
        if kind == ImageFileKind::Original {
            self.ensure_original(id).await?;
        }
        self.session().library().image_file_bytes(id, kind).await
    }

    /// The absolute path of image `id`'s original (for "open" and "reveal"; the page never sees
    /// it).
    pub async fn image_file(&self, id: &str) -> Result<std::path::PathBuf> {
        self.ensure_original(id).await
    }

    /// Image `id`'s pixels, for the clipboard.
    pub async fn image_rgba(&self, id: &str) -> Result<RgbaImage> {
        self.ensure_original(id).await?;
        self.session().library().image_rgba(id).await
    }

    /// Copies image `id`'s original to `dest` (a path the user chose in a native dialog).
    pub async fn save_image_as(&self, id: &str, dest: &Path) -> Result<()> {
        self.ensure_original(id).await?;
        self.session().library().save_image_as(id, dest).await
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
        self.session().library().export_zip(ids, out, options).await
    }
}
