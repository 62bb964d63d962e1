//! The batches the fake holds and how they move: PENDING → RUNNING → a final state, by the clock
//! (a timed progression) or by command, and what each finished one froze to answer its requests
//! with. Results themselves are rendered later, off the lock (`results`).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use super::scenario::{BatchAdvance, BatchInfo, BatchScenario, BatchState, Progression};
use crate::models::Model;
use crate::request::Validated;
use crate::scenario::Scenario;

/// Every batch created since the last reset, in creation order, and the batch scenario.
#[derive(Debug, Default)]
pub struct Batches {
    pub list: Vec<Batch>,
    pub scenario: BatchScenario,
}

/// One inline request of a batch.
#[derive(Debug)]
pub struct Item {
    /// The request's `metadata`, echoed on its result.
    pub metadata: Option<Value>,
    pub key: Option<String>,
    /// What to answer with: the checked request and the scenario its `@fake{..}` prefix named,
    /// or the API's refusal (the result is an INVALID_ARGUMENT error).
    pub accepted: Result<(Validated, Option<Scenario>), String>,
}

/// What a batch froze when it succeeded.
#[derive(Debug, Clone)]
pub struct Settled {
    /// For requests without their own `@fake{..}`.
    pub scenario: Scenario,
    pub quirks: BatchScenario,
}

#[derive(Debug)]
pub struct Batch {
    /// Creation order since the fake started (list order and page tokens use it).
    pub seq: u64,
    /// `batches/{id}`.
    pub name: String,
    pub display_name: String,
    pub model: &'static Model,
    pub items: Arc<Vec<Item>>,
    pub state: BatchState,
    pub create_time: SystemTime,
    pub update_time: SystemTime,
    pub end_time: Option<SystemTime>,
    pub deleted: bool,
    pub settled: Option<Settled>,
    /// The rendered `inlinedResponses`, once a get asked for them.
    pub results: Option<Arc<Vec<Value>>>,
    created_at: Instant,
    /// RUNNING and SUCCEEDED after these times since creation (a timed progression).
    timed: Option<(Duration, Duration)>,
}

impl Batch {
    pub fn new(
        seq: u64,
        name: String,
        display_name: String,
        model: &'static Model,
        items: Vec<Item>,
        progression: Progression,
    ) -> Batch {
        let now = SystemTime::now();
        Batch {
            seq,
            name,
            display_name,
            model,
            items: Arc::new(items),
            state: BatchState::Pending,
            create_time: now,
            update_time: now,
            end_time: None,
            deleted: false,
            settled: None,
            results: None,
            created_at: Instant::now(),
            timed: match progression {
                Progression::Manual => None,
                Progression::Timed {
                    pending_ms,
                    running_ms,
                } => {
                    let running = Duration::from_millis(pending_ms);
                    Some((running, running + Duration::from_millis(running_ms)))
                }
            },
        }
    }

    /// Moves to `to` unless the batch is already finished (or `to` is back to PENDING); `false`
    /// if nothing changed.
    pub fn set_state(
        &mut self,
        to: BatchState,
        scenario: &Scenario,
        quirks: &BatchScenario,
    ) -> bool {
        if self.state.is_terminal() || self.state == to || to == BatchState::Pending {
            return false;
        }
        self.state = to;
        self.update_time = SystemTime::now();
        if to.is_terminal() {
            self.end_time = Some(self.update_time);
        }
        if to == BatchState::Succeeded {
            self.settled = Some(Settled {
                scenario: scenario.clone(),
                quirks: quirks.clone(),
            });
        }
        true
    }

    /// Catches up with a timed progression.
    fn refresh(&mut self, now: Instant, scenario: &Scenario, quirks: &BatchScenario) {
        let Some((running, succeeded)) = self.timed else {
            return;
        };
        let age = now.saturating_duration_since(self.created_at);
        if age >= succeeded {
            self.set_state(BatchState::Succeeded, scenario, quirks);
        } else if age >= running && self.state == BatchState::Pending {
            self.set_state(BatchState::Running, scenario, quirks);
        }
    }

    /// The requests that finish as errors: refused at create, or named in the quirks.
    pub fn failed_count(&self) -> usize {
        let quirks = self.settled.as_ref().map(|s| &s.quirks);
        self.items
            .iter()
            .filter(|item| {
                item.accepted.is_err()
                    || item
                        .key
                        .as_ref()
                        .is_some_and(|k| quirks.is_some_and(|q| q.errors.contains_key(k)))
            })
            .count()
    }

    pub fn info(&self) -> BatchInfo {
        BatchInfo {
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            model: self.model.id.to_owned(),
            state: self.state,
            keys: self.items.iter().map(|i| i.key.clone()).collect(),
            invalid_requests: self.items.iter().filter(|i| i.accepted.is_err()).count(),
            deleted: self.deleted,
        }
    }
}

impl Batches {
    /// Brings every timed batch up to date; call before reading states.
    pub fn refresh(&mut self, scenario: &Scenario) {
        let now = Instant::now();
        let quirks = &self.scenario;
        for batch in &mut self.list {
            batch.refresh(now, scenario, quirks);
        }
    }

    /// A batch that was not deleted, by `batches/{id}` or its id.
    pub fn find(&mut self, name: &str) -> Option<&mut Batch> {
        let name = full_name(name);
        self.list.iter_mut().find(|b| b.name == name && !b.deleted)
    }

    /// Applies an advance command; `Err` names a batch it does not know.
    pub fn advance(
        &mut self,
        advance: &BatchAdvance,
        scenario: &Scenario,
    ) -> Result<Vec<BatchInfo>, String> {
        self.refresh(scenario);
        let wanted = advance.name.as_deref().map(full_name);
        if let Some(name) = &wanted
            && !self.list.iter().any(|b| &b.name == name && !b.deleted)
        {
            return Err(format!("no batch {name}"));
        }
        let quirks = &self.scenario;
        let mut changed = Vec::new();
        for batch in &mut self.list {
            if batch.deleted || wanted.as_ref().is_some_and(|n| n != &batch.name) {
                continue;
            }
            let to = advance.to.unwrap_or(match batch.state {
                BatchState::Pending => BatchState::Running,
                _ => BatchState::Succeeded,
            });
            if batch.set_state(to, scenario, quirks) {
                changed.push(batch.info());
            }
        }
        Ok(changed)
    }
}

/// `batches/{id}` for an id or a full name.
pub fn full_name(name: &str) -> String {
    if name.starts_with("batches/") {
        name.to_owned()
    } else {
        format!("batches/{name}")
    }
}
