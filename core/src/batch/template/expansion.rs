//! What an expansion is asked for and what it yields: the mode, and each prompt with the choices
//! that made it. These are stored as JSON with each job (camelCase, sources tagged by `kind`) and
//! read by the UI's batch grid; counts and indices are `u32` because specta refuses 64-bit
//! integers.

use serde::{Deserialize, Serialize};

/// How a template becomes prompts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ExpansionMode {
    /// Every combination once, in the template's order.
    #[default]
    AllCombinations,
    /// `n` different combinations drawn with `seed` (the same seed gives the same prompts),
    /// listed in the all-combinations order; `n` at or above the count gives every one. Past
    /// 2^128 combinations (the count saturates) they are drawn level by level, in draw order.
    Random { n: u32, seed: u32 },
}

/// One prompt of a batch and what made it, stored as JSON with its job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Expansion {
    pub prompt: String,
    /// The CSV row (0-based, header excluded), when the template uses variables.
    pub row: Option<u32>,
    /// The variables' values first (one per column, in first-use order), then the template's
    /// groups and wildcards reached, in reading order: the grid's axes.
    pub choices: Vec<Choice>,
}

/// One decision behind a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub source: ChoiceSource,
    /// Which option: the alternative's position in its group, the entry's line in the wildcard
    /// list (0-based, blank and `#` lines counted), or the CSV row.
    pub index: u32,
    /// The text it put in the prompt (with anything nested in it already expanded).
    pub value: String,
}

/// Where a choice was made. `group` numbers the template's `{…}` and `__name__` together in
/// reading order from 0 (an outer group before the groups nested in it); choices made inside a
/// wildcard's entries are part of that wildcard's value, not choices of their own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ChoiceSource {
    Alternative { group: u32 },
    Wildcard { group: u32, name: String },
    Variable { column: String },
}
