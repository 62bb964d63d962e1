//! Automatic syncs while the app runs: at start, after finished jobs, after a profile switch and
//! every few minutes, for the open profile when its sync is set up with automatic syncs on. They
//! coalesce: at most one sync runs and one more is due, whatever number of jobs finish meanwhile.
//! The task holds the core weakly and ends when the core shuts down or is dropped.

use std::time::Duration;

use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::core::AppCore;
use super::events::CoreEvent;

/// Automatic syncs run this often while the app is open (and after each finished job).
const AUTO_SYNC_EVERY: Duration = Duration::from_secs(5 * 60);

/// Whether an event calls for another sync.
fn calls_for_sync(event: &CoreEvent) -> bool {
    match event {
        CoreEvent::Job { event } => event.stage.is_final(),
        CoreEvent::Profile { .. } => true,
        CoreEvent::Library { .. } | CoreEvent::Sync { .. } | CoreEvent::Quitting { .. } => false,
    }
}

impl AppCore {
    /// Starts the automatic syncs (the app; the CLI syncs when asked).
    pub fn start_auto_sync(&self) {
        let weak = self.downgrade();
        let mut events = self.subscribe();
        let stopped = self.inner.stopped.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(AUTO_SYNC_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick is now: a sync at start.
            let mut due = false;
            loop {
                if !due {
                    tokio::select! {
                        () = stopped.cancelled() => return,
                        _ = every.tick() => due = true,
                        event = events.recv() => match event {
                            Ok(event) => due = calls_for_sync(&event),
                            Err(RecvError::Lagged(_)) => due = true,
                            Err(RecvError::Closed) => return,
                        },
                    }
                    continue;
                }
                due = false;
                let Some(core) = weak.upgrade() else { return };
                let session = core.session();
                // Only the session is held during the sync: the core can go away meanwhile.
                drop(core);
                if session.auto_sync_wanted().await {
                    tokio::select! {
                        () = stopped.cancelled() => return,
                        outcome = session.sync_now() => if let Err(e) = outcome {
                            tracing::info!(error = %e, "automatic sync did not complete; trying again later");
                        },
                    }
                }
                drop(session);
                // What happened during the sync makes one more due, however much it was.
                loop {
                    match events.try_recv() {
                        Ok(event) => due |= calls_for_sync(&event),
                        Err(TryRecvError::Lagged(_)) => due = true,
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Closed) => return,
                    }
                }
            }
        });
    }
}
