//! Copies that leave the library as files the desktop handles: the name a copy is offered under
//! (one rule for Save as and dragging out, kept here rather than in the page), and the file a drag
//! out of the window hands to another app. Such a copy carries the image's settings like every
//! copy that leaves (`copies.rs`), and lives under `outgoing/` in the library folder until a later
//! drag clears it: the app it was dropped on may read it after the drop.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::Library;
use super::copies::outgoing_copy;
use crate::{CoreError, Result, private_fs};

/// Folder (in the library folder) of the files handed to other apps by a drag.
pub const OUTGOING_DIR: &str = "outgoing";

/// How long a dragged copy stays: the app it was dropped on reads it at once (a file manager
/// copies it, a browser uploads it), so a day is plenty, and nothing piles up.
const OUTGOING_TTL: Duration = Duration::from_secs(24 * 3600);

/// The name a copy of an image is offered under: the prompt's first six words, lower case, joined
/// by `-`, numbered when the job made several images ("fox-2.jpg"), with the original's
/// extension; `nanoforge-<id>` when the prompt has no word.
pub fn suggested_file_name(prompt: Option<&str>, id: &str, position: u32, path: &str) -> String {
    let lower = prompt.unwrap_or_default().to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .collect();
    let base = if words.is_empty() {
        format!("nanoforge-{id}")
    } else {
        words.join("-")
    };
    let n = if position > 0 {
        format!("-{}", position + 1)
    } else {
        String::new()
    };
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty() && !e.contains('/'))
        .unwrap_or("png");
    format!("{base}{n}.{ext}")
}

/// The name of a dragged copy: the suggested name when it is plain ASCII, else
/// `nanoforge-<id>.<ext>`. Why: the drag hands the file to other apps as a `file://` URI that the
/// platform layer (the `drag` crate) writes without percent-escaping, so a name that would need
/// escaping could reach the other app as a wrong path.
fn drag_file_name(suggested: &str, id: &str, ext: &str) -> String {
    let plain = suggested
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain {
        suggested.to_owned()
    } else {
        let id: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        format!("nanoforge-{id}.{ext}")
    }
}

impl Library {
    /// The name Save as suggests for image `id` (see [`suggested_file_name`]).
    pub async fn suggested_file_name(&self, id: &str) -> Result<String> {
        let image = self.get_image(id).await?;
        Ok(suggested_file_name(
            image.prompt.as_deref(),
            &image.id,
            image.position,
            &image.path,
        ))
    }

    /// Writes the copy of image `id` that a drag hands to another app, with its settings where
    /// other tools read them, and returns its absolute path: `outgoing/<fresh folder>/<name>`, so
    /// two drags of images with the same prompt never overwrite each other. Copies older than a
    /// day are cleared first.
    pub async fn write_drag_copy(&self, id: &str) -> Result<PathBuf> {
        let image = self.get_image(id).await?;
        let source = self.absolute_path(&image.path)?;
        let suggested = suggested_file_name(
            image.prompt.as_deref(),
            &image.id,
            image.position,
            &image.path,
        );
        let ext = suggested.rsplit_once('.').map_or("png", |(_, e)| e);
        let name = drag_file_name(&suggested, &image.id, ext);
        let meta = self.copy_metadata(&[id]).await?.remove(id);
        let outgoing = self.root().join(OUTGOING_DIR);
        tokio::task::spawn_blocking(move || -> Result<PathBuf> {
            clear_old_copies(&outgoing, OUTGOING_TTL);
            private_fs::create_dir_all(&outgoing)?;
            let folder = tempfile::Builder::new()
                .prefix("drag-")
                .tempdir_in(&outgoing)?
                .keep();
            let original = std::fs::read(&source).map_err(|e| {
                CoreError::NotFound(format!("the original of image {} ({e})", source.display()))
            })?;
            let dest = folder.join(name);
            let mut file = private_fs::open_options()
                .write(true)
                .create_new(true)
                .open(&dest)?;
            file.write_all(&outgoing_copy(&original, meta.as_ref()))?;
            file.sync_all()?;
            Ok(dest)
        })
        .await?
    }
}

/// Removes the drag folders under `outgoing` older than `ttl`. Best effort: a copy that cannot be
/// removed now is tried again at the next drag.
fn clear_old_copies(outgoing: &std::path::Path, ttl: Duration) {
    let Ok(entries) = std::fs::read_dir(outgoing) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > ttl);
        if old && let Err(e) = std::fs::remove_dir_all(entry.path()) {
            tracing::debug!("an old dragged copy stays for now: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_comes_from_the_prompts_first_words() {
        let name = |prompt, position, path| suggested_file_name(prompt, "img-1", position, path);
        assert_eq!(
            name(
                Some("A lighthouse, on a basalt cliff at dusk; volumetric fog"),
                0,
                "images/ab/abc.png"
            ),
            "a-lighthouse-on-a-basalt-cliff.png"
        );
        assert_eq!(name(Some("Fox"), 1, "images/ab/abc.jpg"), "fox-2.jpg");
        assert_eq!(
            name(Some("  !!! "), 0, "images/ab/abc.webp"),
            "nanoforge-img-1.webp"
        );
        assert_eq!(name(None, 0, "images/ab/abc"), "nanoforge-img-1.png");
        assert_eq!(
            name(Some("Ünïcode 猫 fox"), 0, "a.png"),
            "ünïcode-猫-fox.png"
        );
    }

    #[test]
    fn a_dragged_copy_is_named_in_plain_ascii() {
        assert_eq!(drag_file_name("fox-2.jpg", "i1", "jpg"), "fox-2.jpg");
        assert_eq!(
            drag_file_name("ünïcode-猫.png", "img 1/..", "png"),
            "nanoforge-img1.png"
        );
    }

    #[test]
    fn old_drag_folders_are_cleared_and_new_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("drag-old")).unwrap();
        std::fs::write(dir.path().join("drag-old/a.png"), b"x").unwrap();
        clear_old_copies(dir.path(), Duration::from_secs(3600));
        assert!(
            dir.path().join("drag-old/a.png").exists(),
            "an hour has not passed"
        );
        clear_old_copies(dir.path(), Duration::ZERO);
        assert!(!dir.path().join("drag-old").exists());
    }
}
