//! Whether a job is still in its remote batch's hands: asked by the queue and the per-job runner
//! (which must not send such a job alone), so it depends on nothing of the queue itself.

use crate::library::{JobRecord, JobStatus};

/// Whether `job` is still in its remote batch's hands (not yet staged, not ended).
pub(crate) fn waits_on_remote(job: &JobRecord) -> bool {
    matches!(
        job.status,
        JobStatus::Pending | JobStatus::Submitted | JobStatus::Processing
    )
}
