//! The batch controls of [`FakeGemini`], for tests in the same process (the HTTP twins are
//! `POST /__control/batches/advance`, `GET /__control/batches` and `"batch"` in
//! `POST /__control/scenario`).

use super::scenario::{BatchAdvance, BatchInfo, BatchScenario, BatchState};
use crate::FakeGemini;
use crate::state::{Endpoint, RecordedRequest};

impl FakeGemini {
    /// How batches behave from now on.
    pub fn set_batch_scenario(&self, scenario: BatchScenario) {
        let mut state = self.shared.lock();
        // Timed batches catch up under the old scenario first.
        let default = state.scenario.clone();
        state.batches.refresh(&default);
        state.batches.scenario = scenario;
    }

    pub fn batch_scenario(&self) -> BatchScenario {
        self.shared.lock().batches.scenario.clone()
    }

    /// Moves batches on (see [`BatchAdvance`]) and returns those that changed; `Err` if `name`
    /// is no batch.
    pub fn advance_batches(&self, advance: BatchAdvance) -> Result<Vec<BatchInfo>, String> {
        let mut state = self.shared.lock();
        let scenario = state.scenario.clone();
        state.batches.advance(&advance, &scenario)
    }

    /// Moves batch `name` (`batches/{id}` or the id) straight to `to`.
    pub fn set_batch_state(&self, name: &str, to: BatchState) -> Result<Vec<BatchInfo>, String> {
        self.advance_batches(BatchAdvance {
            name: Some(name.to_owned()),
            to: Some(to),
        })
    }

    /// Every batch created since the last reset, deleted ones included, oldest first.
    pub fn batches(&self) -> Vec<BatchInfo> {
        let mut state = self.shared.lock();
        let scenario = state.scenario.clone();
        state.batches.refresh(&scenario);
        state.batches.list.iter().map(|b| b.info()).collect()
    }

    /// Batches created since the last reset (a create whose answer was lost counts: the batch
    /// exists). A test asserts "no second batch" with this.
    pub fn batches_created(&self) -> usize {
        self.shared.lock().batches.list.len()
    }

    /// The Batch API calls so far, in arrival order.
    pub fn batch_requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.endpoint.is_batch())
            .cloned()
            .collect()
    }

    /// Calls to `endpoint` so far (`Endpoint::BatchCreate` counts create attempts, also those
    /// refused or faulted; [`FakeGemini::batches_created`] counts batches).
    pub fn endpoint_count(&self, endpoint: Endpoint) -> usize {
        self.shared.lock().endpoint_count(endpoint)
    }

    /// `{base_url}/v1beta/models/{model}:batchGenerateContent`.
    pub fn batch_create_url(&self, model: &str) -> String {
        format!(
            "{}/v1beta/models/{model}:batchGenerateContent",
            self.base_url()
        )
    }
}
