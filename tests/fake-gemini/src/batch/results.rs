//! The `inlinedResponses` of a succeeded batch: one entry per request with its `metadata` and a
//! `response` (a generateContent answer, built as for a direct call) or an `error`, then the
//! quirks of live answers the batch scenario asks for (keys dropped, duplicated or missing,
//! results out of order; `shared/notes/batch.md` §1.3). Rendering may draw 4K images, so it runs
//! off the runtime and off the lock, once per batch.

use std::sync::Arc;

use serde_json::{Value, json};

use super::store::{Item, Settled};
use crate::models::Model;
use crate::response::{self, Call};
use crate::state::Shared;

/// Renders the results of succeeded batch `name` unless it has them already.
pub async fn ensure(shared: &Shared, name: &str) {
    let job = {
        let mut state = shared.lock();
        let Some(batch) = state.batches.find(name) else {
            return;
        };
        match (&batch.settled, &batch.results) {
            (Some(settled), None) => (batch.model, batch.items.clone(), settled.clone()),
            _ => return,
        }
    };
    let (model, items, settled) = job;
    let renderer = shared.clone();
    let rendered =
        tokio::task::spawn_blocking(move || render(&renderer, model, &items, &settled)).await;
    if let Ok(results) = rendered
        && let Some(batch) = shared.lock().batches.find(name)
        && batch.results.is_none()
    {
        batch.results = Some(Arc::new(results));
    }
}

fn render(shared: &Shared, model: &'static Model, items: &[Item], settled: &Settled) -> Vec<Value> {
    let quirks = &settled.quirks;
    let listed =
        |list: &[String], key: Option<&str>| key.is_some_and(|k| list.iter().any(|l| l == k));
    let mut results = Vec::new();
    let mut duplicates = Vec::new();
    for item in items {
        let key = item.key.as_deref();
        if listed(&quirks.omit_keys, key) {
            continue;
        }
        let mut entry = json!({});
        let mut metadata = item.metadata.clone();
        if listed(&quirks.drop_keys, key)
            && let Some(Value::Object(fields)) = &mut metadata
        {
            fields.remove("key");
        }
        // Proto JSON leaves out an empty struct.
        match metadata {
            Some(Value::Object(fields)) if fields.is_empty() => {}
            Some(Value::Null) | None => {}
            Some(metadata) => entry["metadata"] = metadata,
        }
        let scripted = key.and_then(|k| quirks.errors.get(k));
        match (&item.accepted, scripted) {
            (Err(message), _) => entry["error"] = json!({ "code": 3, "message": message }),
            (Ok(_), Some(error)) => {
                entry["error"] = json!({ "code": error.code, "message": error.message });
            }
            (Ok((validated, own)), None) => {
                let call = Call {
                    model,
                    request: validated,
                    scenario: own.as_ref().unwrap_or(&settled.scenario),
                };
                entry["response"] = response::build(shared, &call);
            }
        }
        if listed(&quirks.duplicate_keys, key) {
            duplicates.push(entry.clone());
        }
        results.push(entry);
    }
    results.extend(duplicates);
    if quirks.shuffle {
        results.reverse();
    }
    results
}
