//! The core's one wall clock: Unix milliseconds (UTC), as stored in every library table.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in Unix milliseconds; 0 if the system clock is before 1970.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
