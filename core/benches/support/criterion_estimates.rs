//! Reading criterion's own estimates back, so each bench prints its ratios and budgets from the
//! figures criterion printed (shared by the bench binaries through `#[path]`).

use std::path::{Path, PathBuf};

/// Criterion's output folder, found the way criterion finds it (the bench binary lives in
/// `<target>/<profile>/deps/`).
pub fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

/// The figure criterion prints as `time`, in ms: the slope of the linear fit when it has one,
/// else the mean.
pub fn typical_ms(dir: &Path, id: &str) -> Option<f64> {
    let text = std::fs::read_to_string(dir.join(id).join("new/estimates.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let ns = json["slope"]["point_estimate"]
        .as_f64()
        .or_else(|| json["mean"]["point_estimate"].as_f64())?;
    Some(ns / 1e6)
}
