//! Keeping this queue's claims on its jobs alive, and telling a dead holder from a live one.
//!
//! A background task renews every lease the queue holds a few times per lease period; a job whose
//! lease it no longer holds (cancelled or taken over in another process) is stopped here. A lease
//! names its holder as `host|pid|process start|queue`, so after a `kill -9` the next process on
//! the same machine can prove the holder is gone (no process with that pid and start time) and take
//! the job over at once instead of waiting out the lease.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::time::MissedTickBehavior;

use super::shared::Shared;

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
            .ledger
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

    /// Claims a job: free, ours, expired, or held by a process of this machine that is provably
    /// gone (taken over at once, not after the lease runs out).
    pub(super) async fn claim(&self, job_id: &str) -> crate::Result<bool> {
        let ttl = self.lease_ttl_ms();
        if self.ledger.claim_job(job_id, &self.owner, ttl).await? {
            return Ok(true);
        }
        let Some(lease) = self.ledger.job_lease(job_id).await? else {
            return Ok(false);
        };
        let holder = self.holder.clone();
        let dead_owner = lease.owner.clone();
        let dead = tokio::task::spawn_blocking(move || holder.proves_dead(&dead_owner)).await?;
        if !dead {
            return Ok(false);
        }
        tracing::info!(job = job_id, previous = %lease.owner, "taking over a job from a process that is gone");
        self.ledger
            .take_over_job(job_id, &lease.owner, &self.owner, ttl)
            .await
    }
}
