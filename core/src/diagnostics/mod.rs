//! What a person can report when something goes wrong, with no server: the panic hook's crash
//! files in the logs folder (message, location, backtrace, version), read back at the next start
//! until they are acknowledged; and the report "Copy diagnostics" makes, secrets masked.

mod crash;
mod report;

pub use crash::{CrashReport, acknowledge_crashes, install_panic_hook, unseen_crashes};
pub use report::{REPORT_LOG_LINES, ReportContext, diagnostics_report, mask_secrets};
