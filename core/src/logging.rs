//! The app's log: info level and up, to `<data_dir>/logs/nanoforge.log`, capped in size (the file
//! rotates at 2 MiB and three old files are kept), so a problem a user reports can be read back.
//! Nothing secret is ever logged: keys print masked and tokens are never kept.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};

use crate::Result;

pub const LOG_DIR: &str = "logs";
pub const LOG_FILE: &str = "nanoforge.log";
/// Size at which the log rotates.
pub const MAX_LOG_BYTES: usize = 2 * 1024 * 1024;
/// Rotated files kept besides the current one.
pub const KEPT_LOGS: usize = 3;

/// The folder "Open logs folder" shows.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(LOG_DIR)
}

/// A writer for the capped log file (exposed for tests of the cap). The folder is 0700 and the
/// file 0600 on Unix (rotation renames, so the old files keep that); logs written before that
/// are narrowed here.
pub fn capped_writer(data_dir: &Path) -> Result<FileRotate<AppendCount>> {
    let dir = log_dir(data_dir);
    crate::private_fs::create_dir_all(&dir)?;
    crate::private_fs::restrict(&dir.join(LOG_FILE))?;
    for n in 1..=KEPT_LOGS {
        crate::private_fs::restrict(&dir.join(format!("{LOG_FILE}.{n}")))?;
    }
    // What file_rotate asks of its options: read, create, append.
    let mut options = crate::private_fs::open_options();
    options.read(true).create(true).append(true);
    Ok(FileRotate::new(
        dir.join(LOG_FILE),
        AppendCount::new(KEPT_LOGS),
        ContentLimit::BytesSurpassed(MAX_LOG_BYTES),
        Compression::None,
        Some(options),
    ))
}

/// Sends the process's logs (info and up, or `RUST_LOG`) to the capped file. Once per process.
pub fn to_file(data_dir: &Path) -> Result<()> {
    let writer = Mutex::new(capped_writer(data_dir)?);
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init();
    Ok(())
}
