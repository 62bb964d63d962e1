//! A provider's "wait", shared by every job of this queue (one profile).
//!
//! A 429 is about the account, not the job: with N jobs running, each retrying on its own would
//! keep hitting a service that said "wait" N times over (and a 500-job batch, 500 times). So a
//! refused submit closes the provider's lane until the time the answer asked for (`Retry-After`,
//! Gemini's `RetryInfo.retryDelay`), or, without one, a capped exponential default; every job
//! about to submit to that lane waits for it first. Only answers that prove nothing was created
//! close it (the queue's `refused`), so it never leads to sending a job again: it only delays
//! first sends and the re-sends of refused ones.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::catalog::ProviderKind;
use crate::lock;
use crate::providers::RetryPolicy;

/// Whose quota a request draws on: a provider's interactive calls, or Gemini's Batch API creates
/// (a separate pool at Google, so one does not pause the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Lane {
    Interactive(ProviderKind),
    GeminiBatch,
}

#[derive(Debug, Default)]
struct Gate {
    /// No new request before this.
    until: Option<Instant>,
    /// 429s in a row without an accepted request, for the default back-off.
    strikes: u32,
}

#[derive(Debug, Default)]
pub(crate) struct Cooldowns {
    gates: Mutex<HashMap<Lane, Gate>>,
}

impl Cooldowns {
    /// How long `lane` stays closed from now (`None`: open).
    pub(crate) fn remaining(&self, lane: Lane) -> Option<Duration> {
        let gates = lock(&self.gates);
        let until = gates.get(&lane)?.until?;
        let left = until.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }

    /// The service refused a request on `lane` as rate limited, asking for `asked` (or not
    /// saying): the lane closes until then, or for `policy`'s back-off of this many 429s in a
    /// row. A later deadline already set is kept. Returns how long the lane is now closed.
    pub(crate) fn rate_limited(
        &self,
        lane: Lane,
        asked: Option<Duration>,
        policy: &RetryPolicy,
    ) -> Duration {
        let mut gates = lock(&self.gates);
        let gate = gates.entry(lane).or_default();
        gate.strikes = gate.strikes.saturating_add(1);
        let wait = asked.unwrap_or_else(|| {
            policy.backoff_delay(gate.strikes, crate::providers::retry::random_seed())
        });
        let until = Instant::now() + wait;
        let until = gate.until.map_or(until, |u| u.max(until));
        gate.until = Some(until);
        until.saturating_duration_since(Instant::now())
    }

    /// A request on `lane` was accepted: the default back-off starts small again.
    pub(crate) fn accepted(&self, lane: Lane) {
        if let Some(gate) = lock(&self.gates).get_mut(&lane) {
            gate.strikes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(400),
            max_retry_after: Duration::from_secs(5),
        }
    }

    #[tokio::test]
    async fn a_lane_closes_for_what_was_asked_and_keeps_the_later_deadline() {
        let gates = Cooldowns::default();
        let lane = Lane::Interactive(ProviderKind::NanoBanana);
        assert_eq!(gates.remaining(lane), None);
        let long = gates.rate_limited(lane, Some(Duration::from_secs(30)), &policy());
        assert!(long > Duration::from_secs(29));
        // A shorter answer arriving later does not reopen the lane early.
        gates.rate_limited(lane, Some(Duration::from_secs(1)), &policy());
        assert!(gates.remaining(lane).unwrap() > Duration::from_secs(29));
        // Other lanes are not affected.
        assert_eq!(gates.remaining(Lane::GeminiBatch), None);
        assert_eq!(
            gates.remaining(Lane::Interactive(ProviderKind::Gemini)),
            None
        );
    }

    #[tokio::test]
    async fn without_retry_info_the_wait_grows_and_is_capped() {
        let gates = Cooldowns::default();
        let lane = Lane::Interactive(ProviderKind::Gemini);
        let first = gates.rate_limited(lane, None, &policy());
        assert!(first <= Duration::from_millis(100), "{first:?}");
        for _ in 0..10 {
            let wait = gates.rate_limited(lane, None, &policy());
            assert!(wait <= Duration::from_millis(400), "{wait:?}");
        }
        gates.accepted(lane);
        let gate = lock(&gates.gates);
        assert_eq!(gate.get(&lane).map(|g| g.strikes), Some(0));
    }
}
