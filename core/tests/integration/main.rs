//! The core's integration tests, linked into one binary: one link and one copy of the tree on disk
//! instead of one per file (CI ran out of disk with a binary per file). Each module is one former test
//! file; `cargo test -p nanoforge-core --test integration sync_safety::` runs one of them.
//! `accounts_keychain_late` stays a binary of its own: it changes the process's environment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts_isolation;
mod accounts_keychain;
mod accounts_signin;
mod app_events;
mod app_session_race;
mod app_settings;
mod gemini;
mod gemini_support;
mod inputs_url;
mod library_export;
mod library_gallery;
mod library_ingest;
mod library_integrity;
mod library_jobs;
mod library_metadata;
mod library_migration;
mod library_private_files;
mod library_purge;
mod library_sharing;
mod library_stats;
mod library_support;
mod money_budget;
mod money_charged;
mod money_install;
mod money_quit;
mod money_recovery;
mod money_staging;
mod oidc_support;
mod provider_demo;
mod provider_download;
mod provider_errors;
mod provider_poll;
mod provider_submit;
mod provider_support;
mod provider_validation;
mod queue_control;
mod queue_failures;
mod queue_happy;
mod queue_resume;
mod queue_support;
mod sync_converge;
mod sync_hostile;
mod sync_inputs;
mod sync_owner;
mod sync_phone_mode;
mod sync_safety;
mod sync_secret;
mod sync_support;
mod sync_transfers;
mod sync_trust;
