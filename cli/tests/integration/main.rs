//! The CLI's tests, run against the built `nanoforge` binary, linked into one test binary (one link
//! and one copy on disk instead of one per file). `cargo test -p nanoforge-cli --test integration cli_sync::`
//! runs one module.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_accounts;
mod cli_batch;
mod cli_concurrent;
mod cli_editing;
mod cli_gemini;
mod cli_gemini_batch;
mod cli_generate;
mod cli_interrupt;
mod cli_library;
mod cli_money;
mod cli_organise;
mod cli_prompts;
mod cli_resume;
mod cli_sync;
mod cli_sync_crash;
mod cli_sync_trust;
// The local OpenID provider the core's sign-in tests start, shared.
#[path = "../../../core/tests/integration/oidc_support/mod.rs"]
mod oidc_support;
mod support;
