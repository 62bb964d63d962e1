//! Dashboard and Analytics figures, read from the `daily_stats` aggregate that triggers keep exact
//! (see migrations/0001_library.sql): a few hundred rows, whatever the size of the library.

use serde::{Deserialize, Serialize};

use super::Library;
use super::db::{f64_to_ms, now_ms, to_u32};
use crate::Result;

const DAY_MS: i64 = 86_400_000;
const DEFAULT_WINDOW_DAYS: i64 = 30;
/// Longest per-day series returned (two years), so a careless range cannot build a huge answer.
const MAX_WINDOW_DAYS: i64 = 731;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct StatsQuery {
    /// Start of the per-day series, Unix ms (default: 29 days before today, UTC).
    pub from: Option<f64>,
    /// End of the per-day series, Unix ms, inclusive of its day (default: now).
    pub to: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StatsTotals {
    /// Images not in the trash.
    pub images: u32,
    pub image_bytes: f64,
    pub jobs: u32,
    pub completed_jobs: u32,
    pub failed_jobs: u32,
    /// USD the providers confirmed.
    pub total_cost: f64,
    /// USD the providers may have charged without a result (estimates of jobs flagged
    /// `may_be_charged` whose cost was never confirmed).
    pub possible_cost: f64,
    /// Jobs whose paid result may still be recovered.
    pub recoverable_jobs: u32,
    /// Over completed jobs that recorded a duration.
    pub avg_duration_ms: Option<f64>,
    /// completed / (completed + failed); `None` before any job finished.
    pub success_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DayStats {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// Unix ms of the day's UTC midnight.
    pub day_start: f64,
    pub images: u32,
    pub jobs: u32,
    pub completed_jobs: u32,
    pub failed_jobs: u32,
    pub cost: f64,
    /// USD possibly charged that day (see [`StatsTotals::possible_cost`]).
    pub possible_cost: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SizeStats {
    pub image_size: crate::catalog::ImageSize,
    pub images: u32,
    pub jobs: u32,
    pub cost: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LibraryStats {
    pub totals: StatsTotals,
    /// The current calendar month, UTC.
    pub this_month: StatsTotals,
    /// Every day of the requested window, oldest first, zero-filled.
    pub per_day: Vec<DayStats>,
    /// Per preset size, smallest first, over all time.
    pub per_size: Vec<SizeStats>,
    /// Jobs not yet finished (pending, submitted, processing or downloading).
    pub active_jobs: u32,
    pub trashed_images: u32,
}

type TotalsRow = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

/// This month's spend (UTC), for the budget.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthSpend {
    /// `YYYY-MM`.
    pub month: String,
    pub confirmed: f64,
    pub possible: f64,
}

fn totals(
    (jobs, completed, failed, micros, dur_sum, dur_count, images, bytes, possible, recoverable): TotalsRow,
) -> StatsTotals {
    StatsTotals {
        images: to_u32(images),
        image_bytes: bytes.max(0) as f64,
        jobs: to_u32(jobs),
        completed_jobs: to_u32(completed),
        failed_jobs: to_u32(failed),
        total_cost: micros as f64 / 1e6,
        possible_cost: possible as f64 / 1e6,
        recoverable_jobs: to_u32(recoverable),
        avg_duration_ms: (dur_count > 0).then(|| dur_sum as f64 / dur_count as f64),
        success_rate: (completed + failed > 0)
            .then(|| completed as f64 / (completed + failed) as f64),
    }
}

const TOTALS_SQL: &str = "SELECT coalesce(sum(jobs), 0), coalesce(sum(completed), 0), coalesce(sum(failed), 0),
    coalesce(sum(cost_micros), 0), coalesce(sum(duration_ms_sum), 0), coalesce(sum(duration_count), 0),
    coalesce(sum(images), 0), coalesce(sum(image_bytes), 0), coalesce(sum(possible_micros), 0),
    coalesce(sum(recoverable), 0) FROM daily_stats WHERE day >= ?";

/// Day number (since 1970-01-01, UTC) of the first day of `now_ms`'s month.
const MONTH_START_SQL: &str =
    "SELECT CAST(strftime('%s', ? / 1000, 'unixepoch', 'start of month') AS INTEGER) / 86400";

impl Library {
    pub async fn stats(&self, query: &StatsQuery) -> Result<LibraryStats> {
        let now = now_ms();
        let to_day = match query.to {
            Some(to) => f64_to_ms(to, "to")?,
            None => now,
        }
        .div_euclid(DAY_MS);
        let from_day = match query.from {
            Some(from) => f64_to_ms(from, "from")?.div_euclid(DAY_MS),
            None => to_day - (DEFAULT_WINDOW_DAYS - 1),
        }
        .max(to_day - (MAX_WINDOW_DAYS - 1));

        // One read transaction: every figure comes from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let all: TotalsRow = sqlx::query_as(TOTALS_SQL)
            .bind(i64::MIN)
            .fetch_one(&mut *tx)
            .await?;
        let (month_start_day,): (i64,) = sqlx::query_as(MONTH_START_SQL)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let month: TotalsRow = sqlx::query_as(TOTALS_SQL)
            .bind(month_start_day)
            .fetch_one(&mut *tx)
            .await?;
        let days: Vec<(i64, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT day, sum(images), sum(jobs), sum(completed), sum(failed), sum(cost_micros),
                    sum(possible_micros)
             FROM daily_stats WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day",
        )
        .bind(from_day)
        .bind(to_day)
        .fetch_all(&mut *tx)
        .await?;
        let sizes: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT image_size, sum(images), sum(jobs), sum(cost_micros) FROM daily_stats
             GROUP BY image_size HAVING sum(images) > 0 OR sum(jobs) > 0 ORDER BY image_size",
        )
        .fetch_all(&mut *tx)
        .await?;
        let (active_jobs,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM jobs WHERE profile_id = ?
               AND status IN ('PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING')",
        )
        .bind(&self.profile_id)
        .fetch_one(&mut *tx)
        .await?;
        let (trashed,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM images WHERE profile_id = ? AND deleted_at IS NOT NULL",
        )
        .bind(&self.profile_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;

        let mut per_day = Vec::with_capacity(usize::try_from(to_day - from_day + 1).unwrap_or(0));
        let mut rows = days.into_iter().peekable();
        for day in from_day..=to_day {
            let row = rows.next_if(|r| r.0 == day);
            let (images, jobs, completed, failed, micros, possible) = row
                .map(|r| (r.1, r.2, r.3, r.4, r.5, r.6))
                .unwrap_or_default();
            per_day.push(DayStats {
                day: civil_date(day),
                day_start: (day * DAY_MS) as f64,
                images: to_u32(images),
                jobs: to_u32(jobs),
                completed_jobs: to_u32(completed),
                failed_jobs: to_u32(failed),
                cost: micros as f64 / 1e6,
                possible_cost: possible as f64 / 1e6,
            });
        }
        // Rows of earlier releases (768, 1536 px presets) fold into the tier that covers them.
        let mut tiers = std::collections::BTreeMap::new();
        for (size, images, jobs, micros) in sizes {
            let tier = crate::catalog::ImageSize::nearest(to_u32(size));
            let sum: &mut (i64, i64, i64) = tiers.entry(tier).or_default();
            *sum = (sum.0 + images, sum.1 + jobs, sum.2 + micros);
        }
        let per_size = tiers
            .into_iter()
            .map(|(image_size, (images, jobs, micros))| SizeStats {
                image_size,
                images: to_u32(images),
                jobs: to_u32(jobs),
                cost: micros as f64 / 1e6,
            })
            .collect();
        Ok(LibraryStats {
            totals: totals(all),
            this_month: totals(month),
            per_day,
            per_size,
            active_jobs: to_u32(active_jobs),
            trashed_images: to_u32(trashed),
        })
    }
}

impl Library {
    /// Spend in the calendar month (UTC) holding `now` (Unix ms).
    pub async fn month_spend(&self, now: i64) -> Result<MonthSpend> {
        let mut conn = self.pool.acquire().await?;
        month_spend_on(&mut conn, now).await
    }
}

/// [`Library::month_spend`] on a given connection (inside a caller's transaction).
pub(super) async fn month_spend_on(
    conn: &mut sqlx::SqliteConnection,
    now: i64,
) -> Result<MonthSpend> {
    let (start,): (i64,) = sqlx::query_as(MONTH_START_SQL)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
    let (confirmed, possible): (i64, i64) = sqlx::query_as(
        "SELECT coalesce(sum(cost_micros), 0), coalesce(sum(possible_micros), 0)
         FROM daily_stats WHERE day >= ?",
    )
    .bind(start)
    .fetch_one(&mut *conn)
    .await?;
    Ok(MonthSpend {
        month: civil_date(start)[..7].to_owned(),
        confirmed: confirmed as f64 / 1e6,
        possible: possible as f64 / 1e6,
    })
}

/// `YYYY-MM-DD` of a day number since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(civil_date(-1), "1969-12-31");
    }
}
