//! Typed commands, one module per area; each is a one-line call into the core.
pub mod accounts;
pub mod app;
pub mod batches;
pub mod editing;
pub mod files;
pub mod generation;
pub mod library;
pub mod organise;
pub mod prompts;
pub mod settings;
pub mod sync;
pub mod updates;
