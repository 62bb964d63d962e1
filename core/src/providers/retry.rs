//! When to ask again, and how long to wait first.
//!
//! Polls, credit look-ups and downloads are safe to repeat. A submit is repeated only when the
//! service clearly did not create a task: the connection was refused, it answered 429, or it
//! answered a retryable 5xx with its own error envelope. A submit that timed out or lost its
//! connection after sending is never repeated (it could be charged twice); it fails with
//! [`ProviderError::SubmitUnconfirmed`].

use std::time::Duration;

use super::ProviderError;

/// Capped exponential backoff with jitter, plus `Retry-After` for 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first (1 = never retry).
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited out here: the error goes to the caller
    /// (the queue can schedule the job for later instead of holding a request open).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    pub const NEVER: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
        max_retry_after: Duration::ZERO,
    };

    /// The wait before retry number `attempt` (1 = first retry): `base · 2^(attempt-1)` capped at
    /// `max_delay`, of which the upper half is random ("equal jitter"), so it is never zero for a
    /// non-zero base and clients that failed together do not retry together. A pure function of
    /// its inputs.
    pub fn backoff_delay(&self, attempt: u32, rng_seed: u64) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        let half = ceiling_ms / 2;
        let jitter = fastrand::Rng::with_seed(rng_seed ^ u64::from(attempt)).u64(0..=half);
        Duration::from_millis(ceiling_ms - half + jitter)
    }

    /// How long to wait before asking again after `error` on attempt number `attempt`
    /// (1 = the first try), or `None` to give up and return the error.
    pub fn delay_after(
        &self,
        error: &ProviderError,
        attempt: u32,
        rng_seed: u64,
        submit: bool,
        service_answered: bool,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !may_retry(error, submit, service_answered) {
            return None;
        }
        if let ProviderError::RateLimited {
            retry_after: Some(after),
            ..
        } = error
        {
            return (*after <= self.max_retry_after).then_some(*after);
        }
        Some(self.backoff_delay(attempt, rng_seed))
    }
}

/// Whether one more try of the same call is safe and useful. `service_answered` is true when the
/// response body was the service's own envelope (it decided, so no task was created).
fn may_retry(error: &ProviderError, submit: bool, service_answered: bool) -> bool {
    match error {
        ProviderError::RateLimited { .. } => true,
        ProviderError::Server {
            retryable: true, ..
        } => !submit || service_answered,
        // Only connection failures before sending reach here for a submit; later failures are
        // already `SubmitUnconfirmed`.
        ProviderError::Network { .. } => true,
        ProviderError::Timeout { .. }
        | ProviderError::Download {
            retryable: true, ..
        } => !submit,
        _ => false,
    }
}

/// A fresh seed for one call's jitter.
pub(crate) fn random_seed() -> u64 {
    fastrand::u64(..)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(5),
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_is_deterministic_per_seed() {
        let p = policy();
        for seed in [0, 1, 42, u64::MAX] {
            for attempt in 1..=8 {
                let d = p.backoff_delay(attempt, seed);
                let ceiling = (100u64 << (attempt - 1)).min(1000);
                assert!(d.as_millis() as u64 >= ceiling / 2, "{attempt} {d:?}");
                assert!(d.as_millis() as u64 <= ceiling, "{attempt} {d:?}");
                assert_eq!(d, p.backoff_delay(attempt, seed));
            }
        }
        let spread: std::collections::HashSet<_> = (0..50).map(|s| p.backoff_delay(4, s)).collect();
        assert!(spread.len() > 5, "jitter varies with the seed");
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = policy();
        let limited = |secs| ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(secs)),
            message: String::new(),
        };
        assert_eq!(
            p.delay_after(&limited(1), 1, 0, true, true),
            Some(Duration::from_secs(1))
        );
        assert_eq!(p.delay_after(&limited(60), 1, 0, true, true), None);
    }

    #[test]
    fn submits_are_not_retried_when_the_outcome_is_ambiguous() {
        let p = policy();
        let server = ProviderError::Server {
            status: 502,
            message: String::new(),
            retryable: true,
        };
        assert!(p.delay_after(&server, 1, 0, true, true).is_some());
        assert!(p.delay_after(&server, 1, 0, true, false).is_none());
        assert!(p.delay_after(&server, 1, 0, false, false).is_some());
        let timeout = ProviderError::Timeout {
            what: "x".into(),
            after: Duration::from_secs(1),
        };
        assert!(p.delay_after(&timeout, 1, 0, true, true).is_none());
        let failed = ProviderError::GenerationFailed {
            success_flag: 3,
            error_code: None,
            message: String::new(),
        };
        assert!(p.delay_after(&failed, 1, 0, false, true).is_none());
        assert!(p.delay_after(&server, 10, 0, false, true).is_none());
    }
}
