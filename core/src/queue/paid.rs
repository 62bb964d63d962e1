//! Paid requests in flight: a job's flag is set from the attempt's commit until the outcome is
//! recorded (a task id, a stored answer), so a quitting app or CLI knows what to wait for.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether a job's paid request is in flight; a quitting app or CLI waits for it to be recorded.
#[derive(Debug, Clone, Default)]
pub(crate) struct PaidFlag(Arc<AtomicBool>);

impl PaidFlag {
    /// Marks the paid request in flight until the returned guard is dropped.
    pub(crate) fn in_flight(&self, done: &Arc<tokio::sync::Notify>) -> PaidGuard {
        self.0.store(true, Ordering::SeqCst);
        PaidGuard {
            flag: self.clone(),
            done: Arc::clone(done),
        }
    }

    pub(crate) fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Clears the flag (and wakes whoever waits for paid requests) however the request ends.
#[derive(Debug)]
pub(crate) struct PaidGuard {
    flag: PaidFlag,
    done: Arc<tokio::sync::Notify>,
}

impl Drop for PaidGuard {
    fn drop(&mut self) {
        self.flag.0.store(false, Ordering::SeqCst);
        self.done.notify_waiters();
    }
}
