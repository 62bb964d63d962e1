//! What a person can report when something goes wrong, with no server: the panic hook's crash
//! files in the logs folder (message, location, backtrace, version), read back at the next start
//! until they are acknowledged.

mod crash;

pub use crash::{CrashReport, acknowledge_crashes, install_panic_hook, unseen_crashes};
