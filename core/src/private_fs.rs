//! Files and folders only this user can read (audit L16): prompts, images, the database and the
//! logs tell what someone made. On Unix (Linux, macOS, and Android, where it is harmless) every
//! folder we create is 0700 and every file 0600 whatever the umask (which can only narrow them).
//! Elsewhere the defaults stay: on Windows the data folder sits under the user's profile folder,
//! whose ACL already keeps other users out.
//!
//! Files the user asks for somewhere they chose (exports, "Save as") are not made here: they get
//! the usual permissions of that place.

use std::fs::{DirBuilder, OpenOptions};
use std::io;
use std::path::Path;

#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;

/// `create_dir_all` whose new folders are private. Existing folders are left as they are.
pub(crate) fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)
}

/// The same for async code.
pub(crate) async fn create_dir_all_async(dir: &Path) -> io::Result<()> {
    let mut builder = tokio::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(DIR_MODE);
    builder.create(dir).await
}

/// `OpenOptions` that create a missing file private (an existing file keeps its mode).
pub(crate) fn open_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options
}

/// Takes the group and other bits off an existing file or folder (one written before files were
/// made private); the owner's bits stay. A missing path or a symlink is left alone.
pub(crate) fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mode = meta.permissions().mode();
        if !meta.file_type().is_symlink() && mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Makes the rename itself durable where the platform allows opening a folder for fsync.
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Lets the kernel drop a file's pages from its cache once they are on disk (call it after an
/// fsync: dirty pages are not dropped). For originals, which are written once and read rarely:
/// an import of a thousand 1.6 MB images would otherwise push the thumbnails and the database the
/// gallery reads out of the cache, and the next write reuses the freed pages instead of growing
/// the cache into memory not yet touched (on the 2-core VM that made a 1.6 MB write cost 2.6 ms
/// instead of 0.23 ms; issue 19). Advice only: where it is not available nothing changes.
pub(crate) fn release_cached(file: &std::fs::File) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = file;
}

/// Writes a small private file whole or not at all: to `<path>.tmp`, synced, then renamed over
/// `path` (device settings such as `signin-client.json` and `updates.json`).
pub(crate) fn write_atomically(path: &Path, body: &[u8]) -> io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        create_dir_all(dir)?;
    }
    let mut name = path.as_os_str().to_owned();
    name.push(".tmp");
    let tmp = std::path::PathBuf::from(name);
    let mut file = open_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)?;
    file.write_all(body)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn new_folders_and_files_are_private_and_old_ones_are_narrowed() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b/c");
        create_dir_all(&nested).unwrap();
        for folder in ["a", "a/b", "a/b/c"] {
            assert_eq!(mode(&dir.path().join(folder)), 0o700, "{folder}");
        }
        let file = nested.join("f");
        open_options().write(true).create(true).open(&file).unwrap();
        assert_eq!(mode(&file), 0o600);

        let old = dir.path().join("old");
        std::fs::write(&old, b"x").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        restrict(&old).unwrap();
        assert_eq!(mode(&old), 0o600);
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o444)).unwrap();
        restrict(&old).unwrap();
        assert_eq!(mode(&old), 0o400, "the owner's bits stay as they were");
        restrict(&dir.path().join("missing")).unwrap();
    }
}
