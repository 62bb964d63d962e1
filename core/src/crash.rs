//! Named crash points for the durability tests: a debug build aborts the process at a named step
//! (as a power cut or `kill -9` would, without unwinding or cleanup) when `NANOFORGE_CRASH_AT`
//! names it — the queue's steps — or `NANOFORGE_SYNC_CRASH_AT` does — a sync's steps — so a test
//! can restart and check that nothing was lost, sent twice or left diverged. Faster and steadier
//! than timed kills. `NANOFORGE_PANIC_AT` panics there instead. Release builds compile them to
//! nothing.

/// The steps a test can stop at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
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
    /// A sync uploaded this device's files.
    AfterUploads,
    /// A segment is in the bucket; the library has not recorded it.
    AfterSegmentPut,
    /// The segment is recorded; the head does not announce it yet.
    AfterSegmentRecorded,
    /// The head announces the pushed segments.
    AfterHead,
    /// Other devices' segments are applied but not committed.
    MidApply,
    /// Some downloaded files are committed as done, the rest not.
    MidDownload,
    /// Every download finished.
    AfterDownloads,
}

/// A sync's steps, in the order a sync reaches them.
pub const SYNC_CRASH_POINTS: &[CrashPoint] = &[
    CrashPoint::AfterUploads,
    CrashPoint::AfterSegmentPut,
    CrashPoint::AfterSegmentRecorded,
    CrashPoint::AfterHead,
    CrashPoint::MidApply,
    CrashPoint::MidDownload,
    CrashPoint::AfterDownloads,
];

impl CrashPoint {
    /// The value of the variable that stops here.
    pub fn name(self) -> &'static str {
        match self {
            CrashPoint::BeforeAttempt => "before_attempt",
            CrashPoint::AfterSubmit => "after_submit",
            CrashPoint::WhilePolling => "while_polling",
            CrashPoint::WhileDownloading => "while_downloading",
            CrashPoint::WhileIngesting => "while_ingesting",
            CrashPoint::AfterUploads => "after_uploads",
            CrashPoint::AfterSegmentPut => "after_segment_put",
            CrashPoint::AfterSegmentRecorded => "after_segment_recorded",
            CrashPoint::AfterHead => "after_head",
            CrashPoint::MidApply => "mid_apply",
            CrashPoint::MidDownload => "mid_download",
            CrashPoint::AfterDownloads => "after_downloads",
        }
    }

    /// The variable that names it: the queue's and a sync's points are chosen apart.
    pub fn variable(self) -> &'static str {
        if SYNC_CRASH_POINTS.contains(&self) {
            "NANOFORGE_SYNC_CRASH_AT"
        } else {
            "NANOFORGE_CRASH_AT"
        }
    }
}

/// Aborts here if the test asked for this step (or panics here, for `NANOFORGE_PANIC_AT`: the
/// panic hook's and the queue's handling of a bug are tested that way).
#[inline]
pub(crate) fn crash_point(point: CrashPoint) {
    #[cfg(debug_assertions)]
    {
        if std::env::var(point.variable()).is_ok_and(|at| at == point.name()) {
            eprintln!("nanoforge: crash point {} reached (test)", point.name());
            std::process::abort();
        }
        if std::env::var("NANOFORGE_PANIC_AT").is_ok_and(|at| at == point.name()) {
            panic!("test panic at {}", point.name());
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}
