//! The panic hook. A panic anywhere (a worker thread, a spawned task, the UI's command) writes
//! `logs/crash-<unix ms>-<pid>.json` and an error line in the log before the default hook runs, so a
//! crash of the window app leaves more than a line on a stderr nobody sees. The next start lists
//! the files not acknowledged yet; acknowledging moves them to `logs/crashes-seen/`.

use std::io::Write;
use std::panic::PanicHookInfo;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::Result;

const PREFIX: &str = "crash-";
const SEEN_DIR: &str = "crashes-seen";
/// A crash file larger than this is not read back (it is ours, but the folder is the user's).
const MAX_REPORT_BYTES: u64 = 1024 * 1024;

/// One crash, as written by the hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CrashReport {
    /// The crash file's name in the logs folder.
    #[serde(default)]
    pub file: String,
    pub version: String,
    /// Unix ms.
    pub at: f64,
    pub thread: String,
    pub message: String,
    /// `file:line:column` of the panic.
    pub location: Option<String>,
    pub backtrace: String,
}

/// Installs the hook for this process (the app and the CLI call it once, at start). A panic
/// inside the hook itself is not reported twice.
pub fn install_panic_hook(data_dir: &Path, version: &'static str) {
    let logs = crate::logging::log_dir(data_dir);
    let previous = std::panic::take_hook();
    let busy = AtomicBool::new(false);
    std::panic::set_hook(Box::new(move |info| {
        if !busy.swap(true, Ordering::SeqCst) {
            let report = report_of(info, version);
            tracing::error!(
                message = %report.message,
                location = report.location.as_deref().unwrap_or("unknown"),
                "Nanoforge panicked"
            );
            if let Err(e) = write_report(&logs, &report) {
                tracing::error!(error = %e, "could not write the crash file");
            }
            busy.store(false, Ordering::SeqCst);
        }
        previous(info);
    }));
}

fn report_of(info: &PanicHookInfo<'_>, version: &str) -> CrashReport {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    CrashReport {
        file: String::new(),
        version: version.to_owned(),
        at: crate::clock::now_ms() as f64,
        thread: std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_owned(),
        message,
        location: info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column())),
        backtrace: std::backtrace::Backtrace::force_capture().to_string(),
    }
}

fn write_report(logs: &Path, report: &CrashReport) -> std::io::Result<PathBuf> {
    crate::private_fs::create_dir_all(logs)?;
    let name = format!("{PREFIX}{}-{}.json", report.at as i64, std::process::id());
    let path = logs.join(name);
    let mut file = crate::private_fs::open_options()
        .write(true)
        .create_new(true)
        .open(&path)?;
    let json = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    file.write_all(&json)?;
    file.sync_all()?;
    Ok(path)
}

/// Crash files not acknowledged yet, oldest first. Unreadable ones are skipped (and logged).
pub fn unseen_crashes(data_dir: &Path) -> Result<Vec<CrashReport>> {
    let logs = crate::logging::log_dir(data_dir);
    let entries = match std::fs::read_dir(&logs) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut reports = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(PREFIX) || !name.ends_with(".json") {
            continue;
        }
        match read_report(&entry.path()) {
            Ok(mut report) => {
                report.file = name;
                reports.push(report);
            }
            Err(e) => tracing::warn!(file = %name, error = %e, "an unreadable crash file"),
        }
    }
    reports.sort_by(|a, b| a.at.total_cmp(&b.at));
    Ok(reports)
}

fn read_report(path: &Path) -> std::io::Result<CrashReport> {
    if std::fs::metadata(path)?.len() > MAX_REPORT_BYTES {
        return Err(std::io::Error::other("larger than a crash file can be"));
    }
    serde_json::from_slice(&std::fs::read(path)?).map_err(std::io::Error::other)
}

/// Moves the crash files listed by [`unseen_crashes`] to `logs/crashes-seen/`, so the next start
/// no longer shows them.
pub fn acknowledge_crashes(data_dir: &Path) -> Result<u32> {
    let logs = crate::logging::log_dir(data_dir);
    let seen = logs.join(SEEN_DIR);
    let mut moved = 0;
    for report in unseen_crashes(data_dir)? {
        crate::private_fs::create_dir_all(&seen)?;
        std::fs::rename(logs.join(&report.file), seen.join(&report.file))?;
        moved += 1;
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_round_trips_and_is_acknowledged_once() {
        let dir = tempfile::tempdir().unwrap();
        let logs = crate::logging::log_dir(dir.path());
        let report = CrashReport {
            file: String::new(),
            version: "9.9.9".into(),
            at: 1_000.0,
            thread: "main".into(),
            message: "boom".into(),
            location: Some("core/src/x.rs:1:2".into()),
            backtrace: String::new(),
        };
        write_report(&logs, &report).unwrap();
        std::fs::write(logs.join("crash-2-1.json"), b"{ not json").unwrap();
        let unseen = unseen_crashes(dir.path()).unwrap();
        assert_eq!(unseen.len(), 1, "the unreadable file is skipped");
        assert_eq!(unseen[0].message, "boom");
        assert_eq!(
            unseen[0].file,
            format!("crash-1000-{}.json", std::process::id())
        );
        assert_eq!(acknowledge_crashes(dir.path()).unwrap(), 1);
        assert!(unseen_crashes(dir.path()).unwrap().is_empty());
        assert!(logs.join(SEEN_DIR).join(&unseen[0].file).exists());
    }
}
