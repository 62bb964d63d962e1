//! Handing an image's original to the user: a copy where they chose (with its settings where
//! other tools read them, `copies.rs`), or its pixels for the clipboard.

use std::io::Write;
use std::path::Path;

use super::Library;
use super::copies::outgoing_copy;
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
    /// Copies the original of image `id` to `dest` (a path the user picked), in its own format,
    /// with the settings added where other tools read them when the original has none. The copy
    /// is written next to `dest` first and renamed, so a failed copy never leaves half a file
    /// under that name.
    pub async fn save_image_as(&self, id: &str, dest: &Path) -> Result<()> {
        let image = self.get_image(id).await?;
        let source = self.absolute_path(&image.path)?;
        let dest = dest.to_path_buf();
        if dest.as_os_str().is_empty() {
            return Err(CoreError::InvalidInput(
                "no destination file was given".into(),
            ));
        }
        let meta = self.copy_metadata(&[id]).await?.remove(id);
        tokio::task::spawn_blocking(move || -> Result<()> {
            let dir = match dest.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => std::env::current_dir()?,
            };
            let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
            let original = std::fs::read(&source).map_err(|e| {
                CoreError::NotFound(format!("the original of image {} ({e})", source.display()))
            })?;
            tmp.as_file_mut()
                .write_all(&outgoing_copy(&original, meta.as_ref()))?;
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

/// The files of an image the page may load (by id, never by path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFileKind {
    Original,
    /// 256 px long side, JPEG.
    Thumb,
    /// 512 px long side, JPEG.
    Preview,
}

impl ImageFileKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "original" => Some(Self::Original),
            "thumb" => Some(Self::Thumb),
            "preview" => Some(Self::Preview),
            _ => None,
        }
    }
}

impl Library {
    /// The bytes and MIME type of one file of image `id` (a missing thumbnail is made again from
    /// the original first). Only image files are ever reachable this way.
    pub async fn image_file_bytes(
        &self,
        id: &str,
        kind: ImageFileKind,
    ) -> Result<(Vec<u8>, &'static str)> {
        let image = self.get_image(id).await?;
        let (rel, mime) = match kind {
            ImageFileKind::Original => (Some(image.path.clone()), mime_of(&image.mime)),
            ImageFileKind::Thumb => (image.thumb_path.clone(), "image/jpeg"),
            ImageFileKind::Preview => (image.preview_path.clone(), "image/jpeg"),
        };
        if let Some(rel) = &rel
            && let Ok(bytes) = tokio::fs::read(self.absolute_path(rel)?).await
        {
            return Ok((bytes, mime));
        }
        if kind == ImageFileKind::Original {
            return Err(CoreError::NotFound(format!("the original of image {id}")));
        }
        let image = self.ensure_thumbnails(id).await?;
        let rel = match kind {
            ImageFileKind::Thumb => image.thumb_path,
            _ => image.preview_path,
        }
        .ok_or_else(|| CoreError::NotFound(format!("a thumbnail of image {id}")))?;
        let bytes = tokio::fs::read(self.absolute_path(&rel)?)
            .await
            .map_err(|e| CoreError::NotFound(format!("a thumbnail of image {id} ({e})")))?;
        Ok((bytes, mime))
    }

    /// The stored bytes with SHA-256 `sha256` (an original or an input of any image here), and
    /// the id of an image that has them; `None` when no image of this library has them.
    pub async fn bytes_by_sha256(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT id, path FROM images WHERE sha256 = ? AND profile_id = ? LIMIT 1",
        )
        .bind(sha256)
        .bind(&self.profile_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, rel)) = row else {
            return Ok(None);
        };
        match tokio::fs::read(self.absolute_path(&rel)?).await {
            Ok(bytes) => Ok(Some((id, bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(CoreError::NotFound(
                format!("the original of image {id} on this device"),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Ids of images whose stored bytes have these SHA-256s (one per hash found).
    pub async fn images_by_sha256(&self, hashes: &[String]) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        for sha in hashes {
            let row: Option<(String,)> =
                sqlx::query_as("SELECT id FROM images WHERE sha256 = ? AND profile_id = ? LIMIT 1")
                    .bind(sha)
                    .bind(&self.profile_id)
                    .fetch_optional(&self.pool)
                    .await?;
            ids.extend(row.map(|(id,)| id));
        }
        Ok(ids)
    }
}

/// The stored MIME type, as one of the few the page may receive.
fn mime_of(stored: &str) -> &'static str {
    match stored {
        "image/jpeg" => "image/jpeg",
        "image/webp" => "image/webp",
        _ => "image/png",
    }
}
