//! What changed in a library, told to whoever shows it. Every write path of the library (and the
//! queue's ledger, and sync's apply) notes what it committed here; notes are merged for a short
//! window and handed to the listener as one [`LibraryChange`], so a burst (a 100k-image pull, a
//! batch of finished jobs) is a handful of changes, not one per row. Past [`MAX_IDS`] ids of one
//! kind the change says `all` instead of listing them: the listener reloads.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use crate::lock;

/// How long notes are gathered before they are handed on: short enough to feel immediate.
const COALESCE_WINDOW: Duration = Duration::from_millis(40);
/// Ids of one kind listed in one change; more are `all`.
pub const MAX_IDS: usize = 200;

/// Ids of one kind of record that changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ChangedIds {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    /// Too many to list (or not known one by one): everything of this kind may have changed.
    pub all: bool,
}

impl ChangedIds {
    pub fn is_empty(&self) -> bool {
        !self.all && self.added.is_empty() && self.updated.is_empty() && self.removed.is_empty()
    }

    fn merge(&mut self, other: ChangedIds) {
        if self.all || other.all {
            *self = ChangedIds {
                all: true,
                ..ChangedIds::default()
            };
            return;
        }
        for (mine, theirs) in [
            (&mut self.added, other.added),
            (&mut self.updated, other.updated),
            (&mut self.removed, other.removed),
        ] {
            for id in theirs {
                if !mine.contains(&id) {
                    mine.push(id);
                }
            }
        }
        // An image added and removed in one window is simply gone; one added and then edited is new.
        self.added.retain(|id| !self.removed.contains(id));
        let (added, removed) = (&self.added, &self.removed);
        self.updated
            .retain(|id| !added.contains(id) && !removed.contains(id));
        if self.added.len() + self.updated.len() + self.removed.len() > MAX_IDS {
            *self = ChangedIds {
                all: true,
                ..ChangedIds::default()
            };
        }
    }
}

/// One batch of committed changes of one profile's library.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LibraryChange {
    pub profile_id: String,
    /// Gallery images (input images are not listed).
    pub images: ChangedIds,
    pub jobs: ChangedIds,
    /// Counts, spending or charts may differ.
    pub stats: bool,
    /// The profile's preferences were saved.
    pub preferences: bool,
    /// The sync setup, queue or peers changed.
    pub sync: bool,
    /// Named references were added, renamed, replaced or removed.
    pub references: bool,
    /// Albums or tags changed (created, renamed, deleted, or what is in them); the images whose
    /// albums or tags changed are listed in `images` too.
    pub organise: bool,
    /// Saved prompts or wildcard lists changed (saved, removed, or arrived from another device).
    pub prompts: bool,
}

impl LibraryChange {
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
            && self.jobs.is_empty()
            && !self.stats
            && !self.preferences
            && !self.sync
            && !self.references
            && !self.organise
            && !self.prompts
    }

    fn merge(&mut self, other: LibraryChange) {
        self.images.merge(other.images);
        self.jobs.merge(other.jobs);
        self.stats |= other.stats;
        self.references |= other.references;
        self.organise |= other.organise;
        self.prompts |= other.prompts;
        self.preferences |= other.preferences;
        self.sync |= other.sync;
    }
}

/// Where changes go (set by whoever opened the library to show it).
pub type ChangeListener = Arc<dyn Fn(LibraryChange) + Send + Sync>;

/// The library's change notes and their listener. Cheap to clone.
#[derive(Clone, Default)]
pub struct ChangeFeed {
    inner: Arc<Mutex<Feed>>,
}

#[derive(Default)]
struct Feed {
    profile_id: String,
    listener: Option<ChangeListener>,
    pending: LibraryChange,
    /// A flush is scheduled for the pending notes.
    scheduled: bool,
}

impl std::fmt::Debug for ChangeFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeFeed")
    }
}

impl ChangeFeed {
    pub(crate) fn new(profile_id: &str) -> Self {
        let feed = ChangeFeed::default();
        lock(&feed.inner).profile_id = profile_id.to_owned();
        feed
    }

    /// Sends this library's changes to `listener` from now on (replacing any other).
    pub fn listen(&self, listener: ChangeListener) {
        lock(&self.inner).listener = Some(listener);
    }

    /// Records a committed change; the listener hears it within the coalescing window. Without a
    /// listener (a tool, a test) notes are dropped.
    pub(crate) fn note(&self, change: LibraryChange) {
        if change.is_empty() {
            return;
        }
        let mut feed = lock(&self.inner);
        if feed.listener.is_none() {
            return;
        }
        feed.pending.merge(change);
        if feed.scheduled {
            return;
        }
        // Outside a runtime (a blocking helper) the note waits for the next one made inside.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        feed.scheduled = true;
        let inner = Arc::clone(&self.inner);
        runtime.spawn(async move {
            tokio::time::sleep(COALESCE_WINDOW).await;
            let (change, listener) = {
                let mut feed = lock(&inner);
                feed.scheduled = false;
                let mut change = std::mem::take(&mut feed.pending);
                change.profile_id = feed.profile_id.clone();
                (change, feed.listener.clone())
            };
            if let Some(listener) = listener
                && !change.is_empty()
            {
                listener(change);
            }
        });
    }

    pub(crate) fn images_added(&self, ids: impl IntoIterator<Item = String>) {
        self.note(LibraryChange {
            images: ChangedIds {
                added: ids.into_iter().collect(),
                ..ChangedIds::default()
            },
            stats: true,
            ..LibraryChange::default()
        });
    }

    pub(crate) fn images_updated(&self, ids: impl IntoIterator<Item = String>) {
        self.note(LibraryChange {
            images: ChangedIds {
                updated: ids.into_iter().collect(),
                ..ChangedIds::default()
            },
            stats: true,
            ..LibraryChange::default()
        });
    }

    pub(crate) fn images_removed(&self, ids: impl IntoIterator<Item = String>) {
        self.note(LibraryChange {
            images: ChangedIds {
                removed: ids.into_iter().collect(),
                ..ChangedIds::default()
            },
            stats: true,
            ..LibraryChange::default()
        });
    }

    /// A job was recorded (`added`) or changed; its cost may count in the stats.
    pub(crate) fn job(&self, id: &str, added: bool) {
        let ids = vec![id.to_owned()];
        let jobs = if added {
            ChangedIds {
                added: ids,
                ..ChangedIds::default()
            }
        } else {
            ChangedIds {
                updated: ids,
                ..ChangedIds::default()
            }
        };
        self.note(LibraryChange {
            jobs,
            stats: true,
            ..LibraryChange::default()
        });
    }

    pub(crate) fn references(&self) {
        self.note(LibraryChange {
            references: true,
            ..LibraryChange::default()
        });
    }

    /// Albums or tags changed (the images concerned are told with `images_updated`).
    pub(crate) fn organise(&self) {
        self.note(LibraryChange {
            organise: true,
            ..LibraryChange::default()
        });
    }

    /// Saved prompts or wildcard lists changed.
    pub(crate) fn prompts(&self) {
        self.note(LibraryChange {
            prompts: true,
            ..LibraryChange::default()
        });
    }

    pub(crate) fn preferences(&self) {
        self.note(LibraryChange {
            preferences: true,
            ..LibraryChange::default()
        });
    }

    pub(crate) fn sync(&self) {
        self.note(LibraryChange {
            sync: true,
            ..LibraryChange::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn merging_keeps_each_id_once_and_overflows_to_all() {
        let mut a = ChangedIds {
            added: ids(&["1", "2"]),
            ..ChangedIds::default()
        };
        a.merge(ChangedIds {
            updated: ids(&["2", "3"]),
            removed: ids(&["1"]),
            ..ChangedIds::default()
        });
        assert_eq!(a.added, ids(&["2"]));
        assert_eq!(
            a.updated,
            ids(&["3"]),
            "an image added in the window is just new"
        );
        assert_eq!(a.removed, ids(&["1"]));
        let many: Vec<String> = (0..=MAX_IDS).map(|i| i.to_string()).collect();
        a.merge(ChangedIds {
            added: many,
            ..ChangedIds::default()
        });
        assert!(a.all && a.added.is_empty());
    }

    #[tokio::test]
    async fn a_burst_of_notes_reaches_the_listener_as_one_change() {
        let feed = ChangeFeed::new("p");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        feed.listen(Arc::new(move |c| {
            let _ = tx.send(c);
        }));
        for i in 0..1000 {
            feed.images_added([format!("img{i}")]);
            feed.job(&format!("job{i}"), false);
        }
        let change = rx.recv().await.unwrap();
        assert_eq!(change.profile_id, "p");
        assert!(change.images.all && change.jobs.all && change.stats);
        feed.preferences();
        let next = rx.recv().await.unwrap();
        assert!(next.preferences && next.images.is_empty());
        assert!(rx.try_recv().is_err(), "nothing else was sent");
    }
}
