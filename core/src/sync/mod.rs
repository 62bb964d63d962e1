//! Sync: one library on every device of a person, through their own S3-compatible bucket (R2), with
//! no server of ours. This module owns the protocol (segments, heads, `library.json`), the object
//! store ([`store`]: a small trait, S3 behind it), the runs and the file transfers. What the
//! library records, exports and merges is behind its narrow replication handle
//! ([`crate::library::replica`]): sync runs no SQL.
//!
//! Layout under the library's prefix:
//! - `library.json`: created once (`If-None-Match: *`); format version, library id and owner (the
//!   account whose libraries it belongs to; see `root.rs`).
//! - `heads/<device>.json`: each device's last segment number, name and platform; written only by
//!   that device.
//! - `ops/<device>/<seq:016x>.ndjson.gz`: immutable segments of operations, written once.
//! - `images/ab/<sha256>.<ext>`, `thumbs/ab/<sha256>_<side>.jpg`: content-addressed files, the same
//!   names as in the library folder; uploaded once (a 412 on an original is checked against the
//!   hash it was created with before it counts as "already there").
//!
//! Guarantees: two devices never write the same key (so nothing is overwritten; the one exception,
//! claiming a `library.json` that has no owner yet, is a compare-and-swap); every change is
//! recorded in the outbox in the same transaction as the change (migration 0006's triggers); the
//! merge is deterministic (last writer wins per field on a hybrid clock, device id breaking ties,
//! clamped by server time; purges are terminal tombstones; absence never means deletion); local
//! progress advances only after the bucket confirmed, in one transaction; only the device that
//! made a job ever drives it. And a bucket is not trusted: nothing read is trusted for size,
//! count or ids; a library of another account is refused; a mass delete-forever from elsewhere
//! waits for the user (`library::replica::deletions`).

mod binding;
mod engine;
mod files;
mod ops;
mod place;
mod pull;
mod root;
mod setup;
mod single;
mod status;
pub mod store;
mod upload;

use serde::Serialize;

pub use binding::SecretBinding;
pub use engine::{DeviceInfo, SyncParty, SyncReport, Syncer};
/// Transfers a sync runs at once (the sync bench's bare baselines use the same).
pub use files::PARALLEL as PARALLEL_TRANSFERS;
pub use setup::{DEFAULT_CACHE_MB, SyncLocation, SyncSetup, default_prefix};
pub use status::{DeletionsBy, PeerDevice, PendingDeletions, SyncStatus};

/// Why a sync could not run or finish. Each says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "sync is not set up: give an endpoint, a bucket and an access key in Settings → Sync \
         (or the NANOFORGE_SYNC_* environment variables)"
    )]
    NotConfigured,
    #[error(
        "no secret access key for sync: enter it in Settings → Sync (or set \
         NANOFORGE_SYNC_SECRET_ACCESS_KEY)"
    )]
    SecretMissing,
    #[error("the bucket refused the access key: check the access key id and the secret ({0})")]
    Credentials(String),
    #[error(
        "there is no bucket '{0}' at this endpoint: check the bucket name (and the endpoint's account)"
    )]
    BucketMissing(String),
    #[error(
        "this access key may read the bucket but not write to it: give the token Object Read & \
         Write permission ({0})"
    )]
    ReadOnly(String),
    #[error("the bucket refused this device's clock: set the date and time correctly ({0})")]
    ClockSkew(String),
    #[error("the sync endpoint cannot be reached: {0}")]
    Unreachable(String),
    /// The connection broke during one transfer (reset, broken pipe): that file stays queued and
    /// the others go on; a host that cannot be reached at all is `Unreachable`.
    #[error("the connection to the bucket broke during a transfer; sync will try again: {0}")]
    Interrupted(String),
    #[error("the sync endpoint's certificate was refused (TLS): {0}")]
    Tls(String),
    #[error("the bucket's service failed; sync will try again: {0}")]
    Server(String),
    #[error(
        "the bucket holds a library written by a newer Nanoforge (format {0}): update Nanoforge to sync it"
    )]
    FormatTooNew(u32),
    #[error("unreadable sync data in the bucket: {0}")]
    Corrupt(String),
    #[error("the bucket refused the request: {0}")]
    Refused(String),
    #[error("a file of the library could not be read or written: {0}")]
    Local(String),
    #[error(
        "another sync of this library is running (in the app or the CLI); try again when it ends"
    )]
    Busy,
    /// `library.json` at this prefix names another account: two accounts' libraries never merge.
    #[error(
        "the library at '{prefix}' in this bucket belongs to another account ({owner}): nothing was \
         synced; choose another prefix or bucket for this profile"
    )]
    OtherAccount { prefix: String, owner: String },
    /// The saved secret was given for another endpoint, bucket or access key id: it is never sent
    /// somewhere else without being typed again.
    #[error(
        "the saved secret access key belongs to another endpoint, bucket or access key id: enter \
         the secret access key again for this location"
    )]
    SecretNotForLocation,
}

impl SyncError {
    /// Failures that no retry of another file would avoid: the whole sync stops.
    pub fn stops_the_sync(&self) -> bool {
        matches!(
            self,
            SyncError::Credentials(_)
                | SyncError::BucketMissing(_)
                | SyncError::ReadOnly(_)
                | SyncError::ClockSkew(_)
                | SyncError::Unreachable(_)
                | SyncError::Tls(_)
                | SyncError::FormatTooNew(_)
                | SyncError::OtherAccount { .. }
                | SyncError::SecretNotForLocation
        )
    }

    pub fn kind(&self) -> crate::ErrorKind {
        use crate::ErrorKind as K;
        match self {
            SyncError::NotConfigured | SyncError::SecretMissing => K::SyncNotConfigured,
            SyncError::Credentials(_) => K::SyncCredentials,
            SyncError::BucketMissing(_) => K::SyncBucketMissing,
            SyncError::ReadOnly(_) => K::SyncReadOnly,
            SyncError::ClockSkew(_) => K::ClockSkew,
            SyncError::Unreachable(_) | SyncError::Interrupted(_) => K::Network,
            SyncError::Tls(_) => K::SyncTls,
            SyncError::Server(_) => K::SyncServer,
            SyncError::FormatTooNew(_) => K::SyncFormatTooNew,
            SyncError::Corrupt(_) | SyncError::Refused(_) => K::SyncRefused,
            SyncError::Local(_) => K::Io,
            SyncError::Busy => K::SyncBusy,
            SyncError::OtherAccount { .. } => K::SyncOtherAccount,
            SyncError::SecretNotForLocation => K::SyncSecretRequired,
        }
    }
}

/// What a running sync is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SyncStage {
    Connecting,
    Uploading,
    Pushing,
    Pulling,
    Downloading,
    Cleaning,
    Done,
}

/// One progress report: `done` of `total` items of the current stage, and bytes moved so far in it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub stage: SyncStage,
    pub done: u32,
    pub total: u32,
    /// Bytes moved in this stage; f64 for the UI (exact below 2^53).
    pub bytes: f64,
}

/// Where progress goes (the app forwards it to the page; the CLI draws a bar).
#[derive(Clone)]
pub struct Progress(std::sync::Arc<dyn Fn(SyncProgress) + Send + Sync>);

impl Progress {
    pub fn new(f: impl Fn(SyncProgress) + Send + Sync + 'static) -> Progress {
        Progress(std::sync::Arc::new(f))
    }

    pub fn none() -> Progress {
        Progress::new(|_| {})
    }

    pub fn report(&self, stage: SyncStage, done: u32, total: u32, bytes: u64) {
        (self.0)(SyncProgress {
            stage,
            done,
            total,
            bytes: bytes as f64,
        });
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}
