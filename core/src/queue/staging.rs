//! A synchronous provider's paid answer (Gemini's images) is on disk before anything else can
//! fail: each image is written to `staged/<job id>/<slot>.<ext>` in the library folder and synced
//! (file and folder) before the job's cost is committed, so a library that cannot store it (a full
//! disk, a folder that is not writable, an image the decoder limits refuse), a crash, or a quit
//! leaves the job recoverable from the files — Recover stores them with no new call. The folder
//! is removed once every image is stored. Nothing sweeps it otherwise: it holds paid work.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{CoreError, Result};

/// The folder of staged answers, inside the library folder.
const STAGED_DIR: &str = "staged";

/// The library-relative folder of one job's staged answer.
fn job_dir(job_id: &str) -> Result<String> {
    // Job ids are uuids; anything else must not become a path.
    if job_id.is_empty()
        || !job_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(CoreError::Internal(format!("unusable job id {job_id:?}")));
    }
    Ok(format!("{STAGED_DIR}/{job_id}"))
}

/// The extension the bytes are (the models label JPEG as PNG, so the label is not trusted).
fn sniffed_extension(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Png) => "png",
        Ok(image::ImageFormat::Jpeg) => "jpg",
        Ok(image::ImageFormat::WebP) => "webp",
        _ => "bin",
    }
}

/// Writes `images` durably under the library folder `root`; returns their library-relative paths.
/// Blocking: run it on the blocking pool.
pub(super) fn stage(root: &Path, job_id: &str, images: &[Vec<u8>]) -> Result<Vec<String>> {
    let rel_dir = job_dir(job_id)?;
    let dir = root.join(&rel_dir);
    crate::private_fs::create_dir_all(&dir)?;
    let mut staged = Vec::with_capacity(images.len());
    for (slot, bytes) in images.iter().enumerate() {
        let name = format!("{slot}.{}", sniffed_extension(bytes));
        let path = dir.join(&name);
        let mut file = crate::private_fs::open_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        staged.push(format!("{rel_dir}/{name}"));
    }
    crate::private_fs::sync_dir(&dir);
    if let Some(parent) = dir.parent() {
        crate::private_fs::sync_dir(parent);
    }
    Ok(staged)
}

/// Removes a job's staged answer once every image of it is in the library.
pub(super) fn remove(root: &Path, job_id: &str) -> Result<()> {
    let dir: PathBuf = root.join(job_dir(job_id)?);
    match std::fs::remove_dir_all(&dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}
