//! A batch as the API answers it: a long-running Operation `{name, metadata, done, response |
//! error}` whose `metadata` is the `GenerateContentBatch` (state, times, `batchStats`), as live
//! answers show it (`shared/notes/batch.md` §1.2). Proto JSON rules apply: int64 counts are
//! strings, zero counts and `done: false` are left out.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::scenario::{BatchState, ResultsIn, StateSpelling};
use super::store::Batch;

const BATCH_TYPE: &str =
    "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch";
const OUTPUT_TYPE: &str =
    "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput";

/// The Operation for `batch`. `results` are its rendered `inlinedResponses` (a succeeded batch
/// answered by get); a list entry or a create answer goes without them.
pub fn operation(batch: &Batch, spelling: StateSpelling, results: Option<&[Value]>) -> Value {
    let mut metadata = json!({
        "@type": BATCH_TYPE,
        "model": format!("models/{}", batch.model.id),
        "displayName": batch.display_name,
        "createTime": rfc3339(batch.create_time),
        "updateTime": rfc3339(batch.update_time),
        "batchStats": stats(batch),
        "state": batch.state.wire(spelling),
        "name": batch.name,
    });
    if let Some(end) = batch.end_time {
        metadata["endTime"] = json!(rfc3339(end));
    }
    let mut operation = json!({ "name": batch.name });
    if batch.state.is_terminal() {
        operation["done"] = json!(true);
    }
    match batch.state {
        BatchState::Succeeded => {
            if let Some(results) = results {
                let where_to = batch
                    .settled
                    .as_ref()
                    .map_or(ResultsIn::Both, |s| s.quirks.results_in);
                let inlined = json!({ "inlinedResponses": results });
                if where_to != ResultsIn::Response {
                    metadata["output"] = json!({ "inlinedResponses": inlined });
                }
                if where_to != ResultsIn::Metadata {
                    operation["response"] =
                        json!({ "@type": OUTPUT_TYPE, "inlinedResponses": inlined });
                }
            }
        }
        // A cancelled operation carries CANCELLED as its error (the API reference's words).
        BatchState::Cancelled => {
            operation["error"] = json!({ "code": 1, "message": "The batch was cancelled." });
        }
        BatchState::Failed => {
            operation["error"] = json!({ "code": 13, "message": "Internal error encountered." });
        }
        // An expired batch just ends, without results (the guide's words).
        BatchState::Expired | BatchState::Pending | BatchState::Running => {}
    }
    operation["metadata"] = metadata;
    operation
}

/// `batchStats`, int64 as strings, zero counts left out as proto JSON does.
fn stats(batch: &Batch) -> Value {
    let total = batch.items.len();
    let (ok, failed, pending) = match batch.state {
        BatchState::Succeeded => {
            let failed = batch.failed_count();
            (total - failed, failed, 0)
        }
        _ => (0, 0, total),
    };
    let mut stats = json!({ "requestCount": total.to_string() });
    for (name, count) in [
        ("successfulRequestCount", ok),
        ("failedRequestCount", failed),
        ("pendingRequestCount", pending),
    ] {
        if count > 0 {
            stats[name] = json!(count.to_string());
        }
    }
    stats
}

/// RFC 3339 in UTC with nanoseconds, as Google writes timestamps ("2025-12-03T17:23:06.004734302Z").
pub fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:09}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_nanos()
    )
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let t = UNIX_EPOCH + Duration::new(1_764_782_586, 4_734_302);
        assert_eq!(rfc3339(t), "2025-12-03T17:23:06.004734302Z");
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000000Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000000000Z");
    }
}
