//! The Batch API for inline requests over real HTTP (`shared/notes/batch.md` §1): `lifecycle`
//! (states, the Operation's shape, cancel, expiry, delete), `listing` (pages, the controls over
//! HTTP), `checks` (what a create refuses, requests that fail alone, result quirks) and
//! `faults` (a lost create answer, 429s). One binary, modules for the cases.

#[path = "../common/mod.rs"]
mod common;

mod checks;
mod faults;
mod lifecycle;
mod listing;

use fake_gemini::BatchState;
use serde_json::Value;

use common::{Api, FLASH, prompt, with_config};

fn two_requests() -> Vec<(&'static str, Value)> {
    vec![
        ("job-1", with_config("a red fox", "16:9", "1K")),
        ("job-2", prompt("a blue whale")),
    ]
}

/// `POST /__control/batches/advance`, expecting a 200.
async fn advance(api: &Api, body: Value) -> Value {
    let (status, answer) = api
        .control("POST", "/__control/batches/advance", Some(body))
        .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

/// `n` requests keyed `job-1` … `job-n`.
fn requests(n: usize) -> Vec<(String, Value)> {
    (1..=n)
        .map(|i| (format!("job-{i}"), prompt(&format!("picture {i}"))))
        .collect()
}

async fn create(api: &Api, display: &str, requests: &[(String, Value)]) -> (u16, Value) {
    let pairs: Vec<(&str, Value)> = requests
        .iter()
        .map(|(k, r)| (k.as_str(), r.clone()))
        .collect();
    api.create_batch(FLASH, display, &pairs).await
}

/// Creates, finishes and gets a batch; returns its finished Operation.
async fn finished(api: &Api, requests: &[(String, Value)]) -> Value {
    let (status, created) = create(api, "finished", requests).await;
    assert_eq!(status, 200, "{created}");
    let name = created["name"].as_str().unwrap();
    api.server
        .set_batch_state(name, BatchState::Succeeded)
        .unwrap();
    api.get_batch(name).await.1
}
