//! The core's one event stream: everything a shell or the CLI shows that can change without being
//! asked — a job's progress, committed library changes (batched and coalesced by the library's
//! change feed), a sync's progress, another profile opening. Each event names its profile; a
//! listener that falls behind loses the oldest events (`Lagged`), never blocks the core, and
//! the library stays the source of truth to reload from.

use serde::Serialize;
use tokio::sync::broadcast;

use super::profiles::ProfileSummary;
use crate::AppError;
use crate::library::LibraryChange;
use crate::queue::JobEvent;
use crate::sync::{SyncProgress, SyncReport};

/// Events kept for a listener that is behind.
pub const EVENT_BUFFER: usize = 1024;

/// One thing that happened.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CoreEvent {
    /// A step in the life of one job.
    Job { event: JobEvent },
    /// Committed changes to a profile's library (images, jobs, stats, preferences, sync state).
    Library { change: LibraryChange },
    /// A sync of a profile's library started, moved on, finished or failed.
    #[serde(rename_all = "camelCase")]
    Sync {
        profile_id: String,
        event: SyncEvent,
    },
    /// Another profile is open now: everything shown so far belongs to the previous one.
    Profile { profile: ProfileSummary },
    /// The app or the CLI is quitting and waits for this many paid requests to be recorded.
    #[serde(rename_all = "camelCase")]
    Quitting { paid_requests: u32 },
}

/// What a listener hears about syncs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SyncEvent {
    Started,
    Progress { progress: SyncProgress },
    Finished { report: SyncReport },
    Failed { error: AppError },
}

/// The sending side, shared by the core and every session.
pub(crate) type Bus = broadcast::Sender<CoreEvent>;

/// Job events only, for a caller that follows jobs (the CLI's progress, tests).
pub struct JobEvents {
    rx: broadcast::Receiver<CoreEvent>,
    /// Only this profile's jobs, when set.
    profile_id: Option<String>,
}

impl JobEvents {
    pub(super) fn new(rx: broadcast::Receiver<CoreEvent>) -> Self {
        Self {
            rx,
            profile_id: None,
        }
    }

    pub(super) fn of_profile(rx: broadcast::Receiver<CoreEvent>, profile_id: &str) -> Self {
        Self {
            rx,
            profile_id: Some(profile_id.to_owned()),
        }
    }

    fn wanted(&self, event: CoreEvent) -> Option<JobEvent> {
        match event {
            CoreEvent::Job { event }
                if self
                    .profile_id
                    .as_ref()
                    .is_none_or(|p| *p == event.profile_id) =>
            {
                Some(event)
            }
            _ => None,
        }
    }

    /// The next job event; `Lagged` when events were missed, `Closed` when the core is gone.
    pub async fn recv(&mut self) -> Result<JobEvent, broadcast::error::RecvError> {
        loop {
            let event = self.rx.recv().await?;
            if let Some(event) = self.wanted(event) {
                return Ok(event);
            }
        }
    }

    /// A job event that has already arrived, without waiting.
    pub fn try_recv(&mut self) -> Result<JobEvent, broadcast::error::TryRecvError> {
        loop {
            let event = self.rx.try_recv()?;
            if let Some(event) = self.wanted(event) {
                return Ok(event);
            }
        }
    }
}
