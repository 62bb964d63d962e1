//! The "possibly charged" report: every job whose paid request went out and whose cost was never
//! confirmed (no result came back), as CSV a person can attach to a refund request — the
//! service's task id, when it was sent (UTC and Unix ms), what it was expected to cost, and why it
//! ended. The CLI (`list --possibly-charged --csv`) and History's button write the same text.

use super::Library;
use super::types::{JobQuery, JobRecord};
use crate::{CoreError, Result};

/// Jobs per page read while writing the report.
const PAGE: u32 = 500;

const HEADER: [&str; 13] = [
    "job_id",
    "provider",
    "model",
    "size",
    "images",
    "status",
    "task_id",
    "submitted_at_utc",
    "submitted_at_ms",
    "estimated_usd",
    "charged_credits",
    "error_kind",
    "error",
];

impl Library {
    /// The report as CSV (a header line, then newest first).
    pub async fn possibly_charged_csv(&self) -> Result<String> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(HEADER).map_err(csv_error)?;
        let mut query = JobQuery {
            limit: Some(PAGE),
            possibly_charged: true,
            ..JobQuery::default()
        };
        loop {
            let page = self.list_jobs(&query).await?;
            for job in &page.items {
                out.write_record(row(job)).map_err(csv_error)?;
            }
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => break,
            }
        }
        let bytes = out.into_inner().map_err(|e| csv_error(e.into_error()))?;
        String::from_utf8(bytes).map_err(|e| CoreError::Internal(e.to_string()))
    }
}

fn row(job: &JobRecord) -> [String; 13] {
    let submitted_ms = job.submitted_at.map(|ms| ms as i64);
    [
        job.id.clone(),
        job.provider.as_str().to_owned(),
        job.model.as_str().to_owned(),
        job.image_size.as_str().to_owned(),
        job.num_images.to_string(),
        job.status.as_str().to_owned(),
        job.remote_task_id.clone().unwrap_or_default(),
        submitted_ms.map(utc).unwrap_or_default(),
        submitted_ms.map(|ms| ms.to_string()).unwrap_or_default(),
        format!("{:.4}", job.estimated_cost),
        job.charged_credits
            .map(|c| c.to_string())
            .unwrap_or_default(),
        job.error_kind
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
        job.error_message.clone().unwrap_or_default(),
    ]
}

/// `2026-12-07T01:02:03Z`.
fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn csv_error(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(format!("could not write the report: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_utc_seconds() {
        assert_eq!(super::utc(1_796_000_000_123), "2026-11-30T00:53:20Z");
        assert_eq!(super::utc(0), "1970-01-01T00:00:00Z");
    }
}
