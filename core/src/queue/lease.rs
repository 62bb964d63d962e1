//! Keeping this queue's claims on its jobs alive. A background task renews every lease the queue
//! holds a few times per lease period; a job whose lease it no longer holds (cancelled or taken
//! over in another process) is stopped here.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::time::MissedTickBehavior;

use super::Shared;

/// Starts the renewal task; it ends when the queue is dropped.
pub(super) fn spawn_renewal(shared: &Arc<Shared>) {
    let weak = Arc::downgrade(shared);
    let every = shared.config.lease_ttl / 3;
    let root = shared.library.root().to_path_buf();
    tokio::spawn(async move {
        let _ =
            tokio::task::spawn_blocking(move || super::download::sweep_stale_staging(&root)).await;
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            let Some(shared) = weak.upgrade() else {
                break;
            };
            shared.renew_leases_once().await;
        }
    });
}

impl Shared {
    /// One renewal round (a no-op while nothing runs).
    pub(super) async fn renew_leases_once(&self) {
        // Jobs running now were claimed before this snapshot, so a renewal that misses one of them
        // means it is no longer ours; a job started after the snapshot is left alone.
        let running: Vec<_> = self
            .lock_running()
            .iter()
            .map(|(id, r)| (id.clone(), r.cancel.clone()))
            .collect();
        if running.is_empty() {
            return;
        }
        let held = match self
            .library
            .renew_leases(&self.owner, self.lease_ttl_ms())
            .await
        {
            Ok(held) => held.into_iter().collect::<HashSet<_>>(),
            Err(e) => {
                tracing::warn!(error = %e, "could not renew job leases");
                return;
            }
        };
        for (id, cancel) in running {
            if !held.contains(&id) {
                // Finished a moment ago (harmless), or no longer ours: stop driving it.
                cancel.cancel();
            }
        }
    }
}
