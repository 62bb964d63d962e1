//! Handing an image's original to the user: a copy where they chose, or its pixels for the
//! clipboard.

use std::path::Path;

use super::Library;
use super::imaging::{decode, sniff};
use crate::{CoreError, Result};

/// Decoded pixels, 8-bit RGBA, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Library {
    /// Copies the original of image `id` to `dest` (a path the user picked). The copy is written
    /// next to `dest` first and renamed, so a failed copy never leaves half a file under that name.
    pub async fn save_image_as(&self, id: &str, dest: &Path) -> Result<()> {
        let image = self.get_image(id).await?;
        let source = self.absolute_path(&image.path)?;
        let dest = dest.to_path_buf();
        if dest.as_os_str().is_empty() {
            return Err(CoreError::InvalidInput(
                "no destination file was given".into(),
            ));
        }
        tokio::task::spawn_blocking(move || -> Result<()> {
            let dir = match dest.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => std::env::current_dir()?,
            };
            let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
            let mut input = std::fs::File::open(&source).map_err(|e| {
                CoreError::NotFound(format!("the original of image {} ({e})", source.display()))
            })?;
            std::io::copy(&mut input, tmp.as_file_mut())?;
            tmp.as_file().sync_all()?;
            tmp.persist(&dest).map_err(|e| CoreError::Io(e.error))?;
            Ok(())
        })
        .await?
    }

    /// The pixels of image `id`'s original, decoded under the library's size limits.
    pub async fn image_rgba(&self, id: &str) -> Result<RgbaImage> {
        let image = self.get_image(id).await?;
        let path = self.absolute_path(&image.path)?;
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| CoreError::NotFound(format!("the original of image {id} ({e})")))?;
        tokio::task::spawn_blocking(move || {
            let format = sniff(&bytes)?;
            let rgba = decode(&bytes, format)?.into_rgba8();
            Ok(RgbaImage {
                width: rgba.width(),
                height: rgba.height(),
                pixels: rgba.into_raw(),
            })
        })
        .await?
    }
}
