//! Test-only crash points: a debug build aborts the process at a named step of a sync when
//! `NANOFORGE_SYNC_CRASH_AT` names it, so tests can kill a sync at every step and check that the
//! next one carries on and every device still converges (release builds compile them out).

/// The steps, in the order a sync reaches them.
pub const CRASH_POINTS: &[&str] = &[
    "after_uploads",
    "after_segment_put",
    "after_segment_recorded",
    "after_head",
    "mid_apply",
    "mid_download",
    "after_downloads",
];

/// Aborts here if the test asked for this step.
#[inline]
pub(crate) fn crash_point(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("NANOFORGE_SYNC_CRASH_AT").is_ok_and(|at| at == name) {
        eprintln!("nanoforge: sync crash point {name} reached (test)");
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}
