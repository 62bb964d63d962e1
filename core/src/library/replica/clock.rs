//! Hybrid logical clock values as stored in the library: Unix milliseconds shifted left 16 bits,
//! plus a counter, in one `i64` (the triggers in migration 0006 tick the same way in SQL). They
//! order as plain integers; ties between devices go to the larger device id.
//!
//! A device whose clock runs ahead must not win every later edit forever: every reader takes an
//! operation's effective time as at most the bucket's `Last-Modified` of the segment that carried
//! it, plus [`MAX_AHEAD_MS`]. `Last-Modified` is the server's clock and the same for every reader
//! (the pushing device reads it back too), so all devices clamp alike and converge.
//!
//! `Last-Modified` has whole seconds, so two segments stored in the same second share a cap: an
//! edit made in answer to a far-ahead edit and pushed within that same second ties with it, and
//! the device id decides (the same way on every device). A second later it wins outright.

/// How far past the server's time a segment's operations may claim to be.
pub const MAX_AHEAD_MS: i64 = 2 * 60 * 1000;

const COUNTER_BITS: u32 = 16;

/// The clock value at `ms` with counter 0.
pub fn at_ms(ms: i64) -> i64 {
    ms.saturating_mul(1 << COUNTER_BITS)
}

/// The milliseconds part of a clock value.
#[cfg(test)]
fn ms_of(hlc: i64) -> i64 {
    hlc >> COUNTER_BITS
}

/// The largest clock value an operation in a segment the server stored at `last_modified_ms`
/// may have.
pub fn cap_for(last_modified_ms: i64) -> i64 {
    at_ms(last_modified_ms.saturating_add(MAX_AHEAD_MS + 1)) - 1
}

/// An operation's effective time: its own, clamped by its segment's server time.
pub fn effective(hlc: i64, last_modified_ms: i64) -> i64 {
    hlc.min(cap_for(last_modified_ms))
}

/// Whether version `a` (clock, device) wins over `b`.
pub fn wins(a: (i64, &str), b: (i64, &str)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 >= b.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_far_ahead_is_clamped_to_the_servers_time() {
        let server = 1_700_000_000_000;
        let ahead = at_ms(server + 5 * 3600 * 1000);
        let eff = effective(ahead, server);
        assert_eq!(ms_of(eff), server + MAX_AHEAD_MS);
        let honest = at_ms(server - 1000) + 3;
        assert_eq!(effective(honest, server), honest);
        assert!(wins((at_ms(server + MAX_AHEAD_MS + 1), "a"), (eff, "z")));
    }

    #[test]
    fn ties_go_to_the_larger_device() {
        assert!(wins((5, "b"), (5, "a")));
        assert!(!wins((5, "a"), (5, "b")));
        assert!(wins((6, "a"), (5, "b")));
    }
}
