//! A fake of Google's Gemini API for the image models: `generateContent` (with multi-turn thought
//! signatures) and the Batch API for inline requests, as a real HTTP server on 127.0.0.1 that
//! follows the contract in `shared/notes/providers.md` §2, `editing.md` §1 and `batch.md` §1,
//! and misbehaves on request. See README.md for the scenario controls.
//!
//! This file owns the handle tests hold ([`FakeGemini`]). `server` accepts connections, `handler`
//! takes a request through logging, faults and the key check, `route` classifies paths,
//! `generate` and `batch` serve the endpoints and `control` the test controls; `fields` and
//! `request` validate bodies, `signatures` issues and checks thought signatures, `payload`
//! summarises bodies for the log, `response` and `images` build answers, `errors` builds
//! refusals, `models` knows the models, and `scenario`, `faults` and `state` hold what tests
//! asked for and what the fake saw.

mod batch;
mod control;
mod errors;
mod faults;
mod fields;
mod generate;
mod handler;
mod images;
pub mod models;
mod payload;
mod request;
mod response;
mod route;
pub mod scenario;
mod server;
mod signatures;
mod state;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;

pub use batch::scenario::{
    BatchAdvance, BatchCall, BatchInfo, BatchRequestLog, BatchScenario, BatchState, Progression,
    RequestError, ResultsIn, StateSpelling,
};
pub use models::{MODELS, Model};
pub use payload::{InlineImage, PartDetail, PayloadSummary, TurnDetail, TurnSummary};
pub use scenario::{
    ContentShape, ControlRequest, Fault, FaultAction, Limits, Outcome, PROMPT_PREFIX, Scenario,
    Target,
};
pub use signatures::{CORRUPTED, VALIDATOR_SKIPS};
pub use state::{Endpoint, KeySource, RecordedRequest};
use state::{Shared, State};

/// The key the fake accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "test-gemini-key";

/// A running fake. Dropping it stops the server and drops its open connections.
#[derive(Debug)]
pub struct FakeGemini {
    base_url: String,
    addr: SocketAddr,
    shared: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeGemini {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeGemini {
    /// Starts on a free port of 127.0.0.1 with [`DEFAULT_API_KEY`].
    pub async fn start() -> std::io::Result<FakeGemini> {
        Self::start_on(0, DEFAULT_API_KEY).await
    }

    /// Starts on `127.0.0.1:port` (0 = any free port) accepting `api_key`.
    pub async fn start_on(port: u16, api_key: &str) -> std::io::Result<FakeGemini> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let shared = Shared(Arc::new(Mutex::new(State::new(api_key.to_owned()))));
        // The handler enforces the configurable body limit itself (axum's default is 2 MB).
        let app = Router::new()
            .fallback(handler::handle)
            .layer(DefaultBodyLimit::disable())
            .with_state(shared.clone());
        let server = tokio::spawn(server::serve(listener, app));
        Ok(FakeGemini {
            base_url: format!("http://{addr}"),
            addr,
            shared,
            server,
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash: clients append
    /// `/v1beta/models/{model}:generateContent`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn api_key(&self) -> String {
        self.shared.lock().api_key.clone()
    }

    /// `{base_url}/v1beta/models/{model}:generateContent`.
    pub fn generate_url(&self, model: &str) -> String {
        format!("{}/v1beta/models/{model}:generateContent", self.base_url)
    }

    /// The scenario of calls from now on (a prompt's `@fake{..}` still wins).
    pub fn set_scenario(&self, scenario: Scenario) {
        self.shared.lock().scenario = scenario;
    }

    pub fn scenario(&self) -> Scenario {
        self.shared.lock().scenario.clone()
    }

    /// Queues a fault for the next matching requests (after those already queued).
    pub fn push_fault(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Faults not used up yet.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.clone()
    }

    pub fn set_limits(&self, limits: Limits) {
        self.shared.lock().limits = limits;
    }

    /// Forgets the scenario, faults, limits, batches, signatures and requests.
    pub fn reset(&self) {
        self.shared.lock().reset();
    }

    /// Every request so far (control calls too), in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// The `generateContent` calls so far, in arrival order.
    pub fn generate_requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.endpoint == Endpoint::GenerateContent)
            .cloned()
            .collect()
    }

    /// The latest `generateContent` call.
    pub fn last_generate(&self) -> Option<RecordedRequest> {
        self.generate_requests().pop()
    }

    /// `generateContent` calls to any model.
    pub fn generate_count(&self) -> usize {
        self.shared.lock().generate_count()
    }

    /// `generateContent` calls to this model id.
    pub fn model_count(&self, model: &str) -> usize {
        self.model_counts().get(model).copied().unwrap_or(0)
    }

    /// `generateContent` calls per model id.
    pub fn model_counts(&self) -> BTreeMap<String, usize> {
        self.shared.lock().model_counts()
    }

    /// Thought signatures the fake has handed out (a client should echo them in the next turn).
    pub fn issued_signatures(&self) -> Vec<String> {
        let mut all: Vec<_> = self.shared.lock().signatures.keys().cloned().collect();
        all.sort();
        all
    }
}
