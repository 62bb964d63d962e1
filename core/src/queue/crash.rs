//! Named crash points for the durability tests: with `NANOFORGE_CRASH_AT=<step>` a debug build
//! aborts the process right there (as a power cut or `kill -9` would, without unwinding or
//! cleanup), so a test can restart and check that nothing was lost or sent twice. Faster and
//! steadier than timed kills. Release builds compile it to nothing.

/// The steps a test can stop at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CrashPoint {
    /// The job is recorded; its attempt is not.
    BeforeAttempt,
    /// The service accepted the task; its id is not recorded yet.
    AfterSubmit,
    /// The task id is recorded; a status check is in flight.
    WhilePolling,
    /// Result URLs are recorded; the image is half downloaded.
    WhileDownloading,
    /// The image is downloaded; it is being stored.
    WhileIngesting,
}

impl CrashPoint {
    #[cfg_attr(not(debug_assertions), allow(dead_code))]
    fn name(self) -> &'static str {
        match self {
            CrashPoint::BeforeAttempt => "before_attempt",
            CrashPoint::AfterSubmit => "after_submit",
            CrashPoint::WhilePolling => "while_polling",
            CrashPoint::WhileDownloading => "while_downloading",
            CrashPoint::WhileIngesting => "while_ingesting",
        }
    }
}

/// Aborts here if the test asked for this step.
#[inline]
pub(crate) fn crash_point(point: CrashPoint) {
    #[cfg(debug_assertions)]
    if std::env::var("NANOFORGE_CRASH_AT").is_ok_and(|at| at == point.name()) {
        eprintln!("nanoforge: crash point {} reached (test)", point.name());
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}
