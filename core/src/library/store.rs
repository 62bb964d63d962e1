//! Content-addressed files under the library folder. Originals are named by the SHA-256 of their
//! exact bytes, so the same bytes stored twice are one file and a name never changes meaning (which
//! is what lets sync upload each file once and never overwrite it).

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use crate::{CoreError, Result};

pub(super) const IMAGES_DIR: &str = "images";
pub(super) const THUMBS_DIR: &str = "thumbs";
/// Files of one stored original: every path that goes away with its last row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub(crate) struct FileSet {
    pub sha256: String,
    pub path: String,
    pub thumb_path: Option<String>,
    pub preview_path: Option<String>,
}

/// Files being written start with this; a stale one is left only by a crash.
pub(super) const TEMP_PREFIX: &str = ".tmp-";

pub(super) const THUMB_SIZE: u32 = 256;
pub(super) const PREVIEW_SIZE: u32 = 512;

/// `images/ab/<sha256>.<ext>`
pub(crate) fn original_rel(sha256: &str, ext: &str) -> String {
    format!("{IMAGES_DIR}/{}/{sha256}.{ext}", shard(sha256))
}

/// `thumbs/ab/<sha256>_<long side>.jpg`
pub(crate) fn thumb_rel(sha256: &str, long_side: u32) -> String {
    format!("{THUMBS_DIR}/{}/{sha256}_{long_side}.jpg", shard(sha256))
}

fn shard(sha256: &str) -> &str {
    sha256.get(..2).unwrap_or("00")
}

/// Joins a stored relative path onto the root, refusing anything that could leave it: absolute
/// paths, `..`, drive prefixes, and backslashes (stored paths use `/` on every platform).
pub(super) fn checked_join(root: &Path, rel: &str) -> Result<PathBuf> {
    let refuse = || CoreError::InvalidInput(format!("{rel:?} is not a path inside the library"));
    if rel.is_empty() || rel.contains('\\') || rel.contains('\0') {
        return Err(refuse());
    }
    let mut out = root.to_path_buf();
    for component in Path::new(rel).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(refuse());
            }
        }
    }
    if out == root {
        return Err(refuse());
    }
    Ok(out)
}

/// Writes `bytes` to `path` so that `path` either does not exist or holds all of them: a temp file
/// in the same folder, optionally fsynced (originals), then renamed over. Thumbnails skip the fsync
/// because they are regenerated when missing or unreadable.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    stage(path, bytes, durable)?.persist()
}

/// A complete temp file waiting to be renamed to its final name; removed if dropped unpersisted
/// (e.g. the image turned out to be invalid while it was being written).
pub(super) struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    durable: bool,
    persisted: bool,
}

pub(super) fn stage(dest: &Path, bytes: &[u8], durable: bool) -> io::Result<Staged> {
    open_temp(dest, durable)?.finish(bytes)
}

/// A private temp file created before its bytes exist, so that the creation (an inode to find,
/// which on the bench VM's journal-less ext4 can take most of a millisecond) is paid off the path
/// that waits for the bytes. Removed if dropped unfinished.
pub(super) struct OpenTemp {
    file: fs::File,
    staged: Staged,
}

impl std::fmt::Debug for OpenTemp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("OpenTemp").field(&self.staged.tmp).finish()
    }
}

pub(super) fn open_temp(dest: &Path, durable: bool) -> io::Result<OpenTemp> {
    let dir = dest
        .parent()
        .ok_or_else(|| io::Error::other("file path has no folder"))?;
    crate::private_fs::create_dir_all(dir)?;
    let staged = Staged {
        tmp: dir.join(format!("{TEMP_PREFIX}{}", uuid::Uuid::new_v4().simple())),
        dest: dest.to_path_buf(),
        durable,
        persisted: false,
    };
    // Private from the start: the rename keeps the mode, so the stored file is 0600 on Unix.
    let file = crate::private_fs::open_options()
        .write(true)
        .create_new(true)
        .open(&staged.tmp)?;
    Ok(OpenTemp { file, staged })
}

impl OpenTemp {
    /// Writes the bytes (and for a durable file, fsyncs them and lets their pages leave the cache:
    /// see `private_fs::release_cached`), leaving the file ready to take its name.
    pub(super) fn finish(mut self, bytes: &[u8]) -> io::Result<Staged> {
        self.file.write_all(bytes)?;
        if self.staged.durable {
            self.file.sync_all()?;
            crate::private_fs::release_cached(&self.file);
        }
        Ok(self.staged)
    }
}

impl Staged {
    pub(super) fn persist(mut self) -> io::Result<()> {
        fs::rename(&self.tmp, &self.dest)?;
        self.persisted = true;
        if self.durable
            && let Some(dir) = self.dest.parent()
        {
            crate::private_fs::sync_dir(dir);
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Removes a file that may already be gone; true if there was one.
pub(super) fn remove_if_exists(path: &Path) -> io::Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Every regular file under `root/<sub>`, as library-relative `/`-separated paths.
pub(super) fn list_files(root: &Path, sub: &str) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(root.join(sub), sub.to_owned())];
    while let Some((dir, rel)) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child_rel = format!("{rel}/{name}");
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push((entry.path(), child_rel));
            } else if kind.is_file() {
                out.push(child_rel);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape_the_root() {
        let root = Path::new("/lib");
        for bad in [
            "",
            "..",
            "../x",
            "images/../../etc/passwd",
            "/etc/passwd",
            "a\\b",
            ".",
            "./",
        ] {
            assert!(checked_join(root, bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            checked_join(root, "images/ab/x.png").unwrap(),
            Path::new("/lib/images/ab/x.png")
        );
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/file.bin");
        write_atomic(&path, b"one", true).unwrap();
        write_atomic(&path, b"two", false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(
            list_files(dir.path(), "a").unwrap(),
            vec!["a/b/file.bin".to_owned()]
        );
    }

    #[test]
    fn a_file_created_early_is_kept_only_once_written_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("t/x.jpg");
        let early = open_temp(&dest, false).unwrap();
        let listed = list_files(dir.path(), "t").unwrap();
        assert!(
            listed.len() == 1 && listed[0].starts_with(&format!("t/{TEMP_PREFIX}")),
            "{listed:?}"
        );
        // Dropped unwritten (the image turned out invalid): nothing stays.
        drop(early);
        assert_eq!(list_files(dir.path(), "t").unwrap(), Vec::<String>::new());
        // Written but never named: nothing stays either.
        drop(open_temp(&dest, false).unwrap().finish(b"half").unwrap());
        assert_eq!(list_files(dir.path(), "t").unwrap(), Vec::<String>::new());
        open_temp(&dest, true)
            .unwrap()
            .finish(b"whole")
            .unwrap()
            .persist()
            .unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"whole");
        assert_eq!(
            list_files(dir.path(), "t").unwrap(),
            vec!["t/x.jpg".to_owned()]
        );
    }
}
