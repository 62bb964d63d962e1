//! Batches: many generations from one request. This area owns turning a request into the list of
//! prompts a batch records: templates (`{a|b}` alternatives, `__name__` wildcards, `${column}`
//! variables from a CSV file), their count before anything is expanded, and the expansion itself
//! (all combinations, or a reproducible random sample), refused over the caller's limit.
//!
//! Still to come here: the batch ledger (the expansion recorded once, in one transaction, priced
//! and reserved against the budget, never re-expanded) and the Gemini Batch API path.
//!
//! Everything in this area is pure: no I/O beyond reading a CSV the caller hands over, no clock,
//! no global state, so a batch is the same on every device that expands it.

mod csv_table;
mod template;
mod wildcards;

pub use csv_table::{CsvTable, CsvTableError};
pub use template::{
    Choice, ChoiceSource, Expansion, ExpansionMode, ExpansionPlan, Template, TemplateError,
};
pub use wildcards::Wildcards;
