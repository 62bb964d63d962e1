//! The outcome model: how a job ends, what it may have cost, and whether it can still be finished.
//! A paid result is never lost (a job whose result may exist stays *recoverable*) and never bought
//! twice by accident (nothing that may have been charged is ever sent again on its own).
//!
//! | what happened | status | `may_be_charged` | cost | `resume` / Recover |
//! |---|---|---|---|---|
//! | recorded, never sent | PENDING | no | 0 | sent |
//! | the service refused the submit outright (400/401/402/422, 429 answered, a known zero balance) | FAILED, or PENDING again after a 429 | no (the attempt is taken back) | 0 | — |
//! | submit sent, no task id recorded (a crash, a timeout or a cut connection after sending, a gateway 5xx) | FAILED `interrupted` or `submit_unconfirmed`, with `submitted_at` | yes | estimate counted as *possible* | never resent; "Run again" asks first |
//! | task id, still generating when our deadline passed | RECOVERABLE `timeout` | yes | possible | re-polled |
//! | task id, an answer we could not read, 401/404/5xx/429 beyond the job's budget | RECOVERABLE (its kind) | yes | possible | re-polled |
//! | task id, the service reports failure (successFlag 2) | FAILED `generation_failed` | no | 0 | — |
//! | task id, the service reports failure (successFlag 3) | FAILED `generation_failed` | yes (failed generations may be billed) | possible | — |
//! | result URLs known, download or ingest failed | RECOVERABLE `download`/`invalid_image` | yes | confirmed | downloaded again |
//! | cancelled before the submit | CANCELLED | no | 0 | — |
//! | cancelled after the submit | CANCELLED, task id kept | yes | possible | Recover fetches the result if it exists |
//! | a synchronous call (Gemini) cut after sending | FAILED `submit_unconfirmed` | yes | possible | never resent |
//! | done | COMPLETED | yes | confirmed | — |
//!
//! `interrupted` keeps one meaning: this app stopped while a submit was in flight, so whether the
//! service received it cannot be known. Recovering re-polls and re-downloads with its own time
//! budget ([`RECOVERY_BUDGET`]) and never resubmits; it runs at start, on `nanoforge resume`, and on
//! the user's Recover (`nanoforge retry`). A start or `resume` recovers only jobs submitted within
//! the recovery window (`CoreConfig::recovery_window`): this service family keeps result URLs for
//! about a day and task records longer (undocumented), so older ones wait for an explicit Recover.

use std::time::Duration;

use crate::CoreError;
use crate::ErrorKind;
use crate::library::{JobStatus, JobUpdate};
use crate::providers::ProviderError;

/// How long one recovery of one job may poll and download before it is recoverable again.
pub const RECOVERY_BUDGET: Duration = Duration::from_secs(15 * 60);

/// Where a run stopped, for [`end_state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Before the submit went out (or it was refused).
    BeforeSubmit,
    /// The service has a task (or a synchronous call was sent): results may exist or be charged.
    AfterSubmit { has_task: bool, has_results: bool },
}

/// The row update that ends a run which failed with `error` at `stage`.
pub(crate) fn end_state(error: &CoreError, stage: Stage) -> JobUpdate {
    let kind = error.kind();
    let mut update = JobUpdate {
        error_kind: Some(kind),
        error_message: Some(error.to_string()),
        ..JobUpdate::default()
    };
    // An answer without an image that still billed its tokens: that cost is confirmed.
    if let CoreError::Provider(e) = error
        && let Some(charged) = e.charged()
    {
        update.cost = Some(charged);
        update.may_be_charged = Some(true);
    }
    match stage {
        // No task: whether it may be charged was recorded with the attempt (and taken back when
        // the service refused it outright); a synchronous answer we could not use keeps it.
        Stage::BeforeSubmit => {
            update.status = Some(JobStatus::Failed);
            if charges_unknown(kind) {
                update.may_be_charged = Some(true);
            }
        }
        Stage::AfterSubmit {
            has_task,
            has_results,
        } => match error {
            CoreError::Provider(ProviderError::GenerationFailed { success_flag, .. }) => {
                update.status = Some(JobStatus::Failed);
                update.may_be_charged = Some(*success_flag != 2);
            }
            _ if has_task || has_results => {
                update.status = Some(JobStatus::Recoverable);
                update.may_be_charged = Some(true);
            }
            _ => {
                update.status = Some(JobStatus::Failed);
                update.may_be_charged = Some(true);
            }
        },
    }
    update
}

/// Kinds that say a submit went out and its fate is unknown.
fn charges_unknown(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::Interrupted | ErrorKind::SubmitUnconfirmed)
}

/// Whether a submit failure proves the service did not create (or charge for) anything, so the
/// attempt can be taken back.
pub(crate) fn submit_refused(error: &ProviderError) -> bool {
    matches!(
        error,
        ProviderError::InvalidInput(_)
            | ProviderError::ApiKeyMissing { .. }
            | ProviderError::ApiKeyRejected { .. }
            | ProviderError::OutOfCredits { .. }
            | ProviderError::InvalidRequest { .. }
            | ProviderError::RateLimited { .. }
            | ProviderError::Maintenance { .. }
            | ProviderError::Network { .. }
            | ProviderError::ModelNotFound { .. }
            | ProviderError::QuotaExhausted { .. }
            | ProviderError::ConversationRejected { .. }
            // Synchronous providers (Gemini) answer 5xx only when nothing was generated; the
            // reseller's submit 5xx is already `SubmitUnconfirmed`.
            | ProviderError::Server { retryable: true, .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(e: ProviderError) -> CoreError {
        CoreError::Provider(e)
    }

    #[test]
    fn a_job_with_a_task_is_never_failed_for_our_own_reasons() {
        let after = Stage::AfterSubmit {
            has_task: true,
            has_results: false,
        };
        let timeout = provider(ProviderError::Timeout {
            what: "x".into(),
            after: Duration::from_secs(1),
        });
        let ended = end_state(&timeout, after);
        assert_eq!(ended.status, Some(JobStatus::Recoverable));
        assert_eq!(ended.may_be_charged, Some(true));
        assert_eq!(ended.error_kind, Some(ErrorKind::Timeout));
        let key = provider(ProviderError::ApiKeyRejected {
            service: crate::providers::Service::NanoBanana,
            message: "401".into(),
        });
        assert_eq!(end_state(&key, after).status, Some(JobStatus::Recoverable));

        let created_nothing = provider(ProviderError::GenerationFailed {
            success_flag: 2,
            error_code: None,
            message: "x".into(),
        });
        let ended = end_state(&created_nothing, after);
        assert_eq!(
            (ended.status, ended.may_be_charged),
            (Some(JobStatus::Failed), Some(false))
        );
        let failed = provider(ProviderError::GenerationFailed {
            success_flag: 3,
            error_code: None,
            message: "x".into(),
        });
        assert_eq!(end_state(&failed, after).may_be_charged, Some(true));

        let unconfirmed = provider(ProviderError::SubmitUnconfirmed {
            message: "cut".into(),
        });
        let ended = end_state(&unconfirmed, Stage::BeforeSubmit);
        assert_eq!(
            (ended.status, ended.may_be_charged),
            (Some(JobStatus::Failed), Some(true))
        );
        let refused = provider(ProviderError::InvalidRequest {
            status: 400,
            message: "x".into(),
        });
        // Left as recorded: the attempt was taken back when the service refused it.
        assert_eq!(
            end_state(&refused, Stage::BeforeSubmit).may_be_charged,
            None
        );
    }
}
