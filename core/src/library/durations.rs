//! How long jobs take here, learned from this library's history: the expected time of a model at
//! a size (a median and a 90th percentile of the latest completed jobs), shown before Generate, on
//! a running job and for a whole batch. Nothing is shown until enough jobs have finished: a guess
//! from two samples would mislead more than it helps.

use serde::Serialize;

use super::Library;
use crate::Result;
use crate::catalog::{ImageSize, Model};

/// Completed jobs needed before an expected time is shown.
pub const MIN_DURATION_SAMPLES: usize = 5;
/// The latest completed jobs the figures come from (services speed up and slow down).
const DURATION_WINDOW: i64 = 200;

/// How long a job of one model and size usually takes here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ExpectedTime {
    pub median_ms: u32,
    /// Nine jobs in ten finished within this.
    pub p90_ms: u32,
    pub samples: u32,
}

impl ExpectedTime {
    /// From job durations in milliseconds; `None` below [`MIN_DURATION_SAMPLES`].
    pub fn from_samples(mut ms: Vec<u32>) -> Option<Self> {
        if ms.len() < MIN_DURATION_SAMPLES {
            return None;
        }
        ms.sort_unstable();
        // Nearest rank: the smallest sample with at least q of the samples at or below it.
        let rank = |q: f64| {
            let n = ms.len();
            let r = ((q * n as f64).ceil() as usize).clamp(1, n);
            ms.get(r - 1).copied().unwrap_or_default()
        };
        Some(Self {
            median_ms: rank(0.5),
            p90_ms: rank(0.9),
            samples: u32::try_from(ms.len()).unwrap_or(u32::MAX),
        })
    }

    /// How long `jobs` such jobs take when `concurrency` run at once: waves of `concurrency`,
    /// each as long as one job (the median; the p90 for the pessimistic figure).
    pub fn for_jobs(&self, jobs: u32, concurrency: u32) -> Self {
        let waves = jobs.div_ceil(concurrency.max(1));
        Self {
            median_ms: self.median_ms.saturating_mul(waves),
            p90_ms: self.p90_ms.saturating_mul(waves),
            samples: self.samples,
        }
    }
}

impl Library {
    /// The expected time of `model` at `size` from this profile's latest completed jobs, or
    /// `None` while fewer than [`MIN_DURATION_SAMPLES`] have finished.
    pub async fn expected_time(
        &self,
        model: Model,
        size: ImageSize,
    ) -> Result<Option<ExpectedTime>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT duration_ms FROM jobs
             WHERE model = ? AND profile_id = ? AND image_size = ? AND status = 'COMPLETED'
               AND duration_ms IS NOT NULL AND duration_ms >= 0
             ORDER BY created_at DESC LIMIT ?",
        )
        .bind(model.as_str())
        .bind(&self.profile_id)
        .bind(i64::from(size.long_side()))
        .bind(DURATION_WINDOW)
        .fetch_all(&self.pool)
        .await?;
        let ms = rows
            .into_iter()
            .map(|(d,)| u32::try_from(d).unwrap_or(u32::MAX))
            .collect();
        Ok(ExpectedTime::from_samples(ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_by_nearest_rank_and_nothing_below_five_samples() {
        assert_eq!(ExpectedTime::from_samples(vec![1, 2, 3, 4]), None);
        let t = ExpectedTime::from_samples((1..=10).map(|s| s * 1000).collect()).unwrap();
        assert_eq!((t.median_ms, t.p90_ms, t.samples), (5000, 9000, 10));
        let t = ExpectedTime::from_samples(vec![40_000, 9_000, 10_000, 11_000, 12_000]).unwrap();
        assert_eq!(
            (t.median_ms, t.p90_ms),
            (11_000, 40_000),
            "one slow job shows in the p90"
        );
    }

    #[test]
    fn a_batch_takes_waves_of_the_concurrency() {
        let one = ExpectedTime {
            median_ms: 10_000,
            p90_ms: 20_000,
            samples: 9,
        };
        assert_eq!(one.for_jobs(5, 2).median_ms, 30_000);
        assert_eq!(one.for_jobs(4, 2).p90_ms, 40_000);
        assert_eq!(
            one.for_jobs(3, 0).median_ms,
            30_000,
            "no concurrency counts as one"
        );
    }
}
