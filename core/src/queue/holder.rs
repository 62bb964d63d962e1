//! This process as a lease holder: `host|pid|process start|queue`, so after a `kill -9` the next
//! process on the same machine can prove the holder is gone (no process with that pid and start
//! time) and take its jobs over at once instead of waiting out the lease.

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

/// This process, as lease owners name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    host: String,
    pid: u32,
    /// Seconds since the epoch the process started (pids are reused; start times are not).
    started: u64,
}

impl Holder {
    pub(crate) fn current() -> Self {
        let pid = std::process::id();
        Holder {
            host: System::host_name().unwrap_or_default(),
            pid,
            started: start_time(pid).unwrap_or(0),
        }
    }

    /// A lease owner id for one queue of this process.
    pub(crate) fn owner_id(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.host.replace('|', "_"),
            self.pid,
            self.started,
            uuid::Uuid::new_v4().simple()
        )
    }

    /// Whether `owner` (another lease holder) is provably gone: on this host, and no process with
    /// its pid and start time exists. Anything we cannot prove (another host, an old-style owner
    /// id, an unreadable process table) counts as alive, and the lease is waited out.
    pub(crate) fn proves_dead(&self, owner: &str) -> bool {
        let mut parts = owner.split('|');
        let (Some(host), Some(pid), Some(started), Some(_queue), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return false;
        };
        let (Ok(pid), Ok(started)) = (pid.parse::<u32>(), started.parse::<u64>()) else {
            return false;
        };
        if host.is_empty() || host != self.host.replace('|', "_") || started == 0 {
            return false;
        }
        if pid == self.pid && started == self.started {
            // Another queue of this very process (a profile switched away and back): alive.
            return false;
        }
        start_time(pid) != Some(started)
    }
}

/// The start time of process `pid`, if it exists.
fn start_time(pid: u32) -> Option<u64> {
    let pid = Pid::from_u32(pid);
    let Ok(mut system) = System::new() else {
        return None;
    };
    system.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[pid]),
        true,
        ProcessRefreshKind::nothing(),
    );
    system.process(pid).map(|p| p.start_time())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_gone_process_of_this_host_is_proven_dead() {
        let me = Holder::current();
        let alive = me.owner_id();
        assert!(!me.proves_dead(&alive), "this process is alive");
        // A pid that cannot exist on Linux (above pid_max), same host, a plausible start.
        let gone = format!("{}|4194999|{}|q", me.host, me.started);
        assert!(me.proves_dead(&gone));
        // Same pid, another start time: the pid was reused, the holder is gone.
        let reused = format!(
            "{}|{}|{}|q",
            me.host,
            me.pid,
            me.started.saturating_sub(100)
        );
        assert!(me.proves_dead(&reused));
        assert!(!me.proves_dead(&format!("other-host|4194999|{}|q", me.started)));
        assert!(
            !me.proves_dead("pid123-abcdef"),
            "old-style owners are waited out"
        );
        assert!(!me.proves_dead(""));
    }
}
