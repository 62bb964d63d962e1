//! Thumbnails and previews by the hash of their original: the gallery's hot path. Their files are
//! content-addressed (`thumbs/ab/<sha256>_<side>.jpg`), so a request names a file directly and is
//! served with no database work; the database is asked only when the file is missing, to find the
//! image whose original it can be made again from.

use super::files::ImageFileKind;
use super::{Library, store};
use crate::{CoreError, Result};

impl ImageFileKind {
    /// The long side of this kind's file, for the thumbnail kinds.
    pub fn thumb_side(self) -> Option<u32> {
        match self {
            ImageFileKind::Thumb => Some(store::THUMB_SIZE),
            ImageFileKind::Preview => Some(store::PREVIEW_SIZE),
            ImageFileKind::Original => None,
        }
    }
}

/// A SHA-256 as the library names files by it: 64 lowercase hex digits. Anything else never
/// reaches the file system (it is also what keeps a request inside `thumbs/`).
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Library {
    /// The bytes of the thumbnail or preview of the original with hash `sha256`, read straight
    /// from its file; `None` when the file is not there (see [`Library::image_of_sha256`]).
    pub async fn thumbnail_file(
        &self,
        sha256: &str,
        kind: ImageFileKind,
    ) -> Result<Option<Vec<u8>>> {
        let side = kind
            .thumb_side()
            .ok_or_else(|| CoreError::InvalidInput("originals are served by image id".into()))?;
        if !is_sha256(sha256) {
            return Err(CoreError::InvalidInput(format!(
                "{sha256:?} is not an image hash"
            )));
        }
        let path = store::checked_join(&self.root, &store::thumb_rel(sha256, side))?;
        match tokio::fs::read(path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The id of an image of this profile whose original has hash `sha256` (the trash included:
    /// its thumbnails are still shown there).
    pub async fn image_of_sha256(&self, sha256: &str) -> Result<Option<String>> {
        Ok(self.images_by_sha256(&[sha256.to_owned()]).await?.pop())
    }
}

#[cfg(test)]
mod tests {
    use super::is_sha256;

    #[test]
    fn only_lowercase_sha256_hex_names_a_file() {
        let sha = "ab".repeat(32);
        assert!(is_sha256(&sha));
        assert!(!is_sha256(&sha.to_uppercase()));
        assert!(!is_sha256(&sha[..63]));
        assert!(!is_sha256(&format!("{}/..", &sha[..61])));
        assert!(!is_sha256(&format!("{}g", &sha[..63])));
    }
}
