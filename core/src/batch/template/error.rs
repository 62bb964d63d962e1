//! Why a template cannot be used. `at` fields count characters (not bytes) from 0; the messages
//! count from 1, as a person reads. Errors inside a wildcard's entry are wrapped in
//! [`TemplateError::InWildcard`] with the entry's line, so positions are within that entry.

/// A problem with a template, its wildcards, its CSV variables or the size of its expansion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "the `{{` at character {} is never closed: add a `}}`, or write `\\{{` for a literal brace",
        .at + 1
    )]
    UnclosedGroup { at: usize },
    #[error(
        "the `}}` at character {} has no `{{` before it: remove it, or write `\\}}` for a literal brace",
        .at + 1
    )]
    UnmatchedClose { at: usize },
    #[error(
        "the groups at character {} are nested more than {max} deep: flatten them",
        .at + 1
    )]
    NestedTooDeep { at: usize, max: usize },
    #[error(
        "the `__` at character {} starts a wildcard name with no closing `__` on its line: close \
         it, or write `\\_\\_` for literal underscores",
        .at + 1
    )]
    UnclosedWildcard { at: usize },
    #[error(
        "the wildcard at character {} has no name: write `__name__`, or `\\_\\_` for literal \
         underscores",
        .at + 1
    )]
    EmptyWildcard { at: usize },
    #[error(
        "the wildcard name `{name}` at character {} contains `{bad}`: names have no spaces or \
         `{{ }} | $ \\`; write `\\_\\_` for literal underscores",
        .at + 1
    )]
    InvalidWildcardName { at: usize, name: String, bad: char },
    #[error(
        "the `${{` at character {} has no closing `}}` on its line: close it, or write `\\$` for a \
         literal dollar sign",
        .at + 1
    )]
    UnclosedVariable { at: usize },
    #[error("the `${{}}` at character {} names no column: write `${{column}}`", .at + 1)]
    EmptyVariable { at: usize },
    #[error(
        "{what} at character {} is not supported: write one alternative per option instead",
        .at + 1
    )]
    Unsupported { at: usize, what: &'static str },
    #[error("there is no wildcard `{name}` (character {}): {}", .at + 1, unknown_hint(.suggestion))]
    UnknownWildcard {
        at: usize,
        name: String,
        suggestion: Option<String>,
    },
    #[error(
        "the wildcard `{name}` has no entries (blank lines and lines starting with `#` are skipped)"
    )]
    EmptyWildcardList { name: String },
    #[error("the wildcard `{}` uses itself ({}): remove the loop", chain_start(.chain), .chain.join(" → "))]
    WildcardLoop { chain: Vec<String> },
    /// Only reachable through wildcards: one text alone is capped lower, by `NestedTooDeep`.
    #[error(
        "groups and wildcards nest more than {max} deep through the wildcards {}: flatten them or \
         shorten the chain",
        .chain.join(" → ")
    )]
    WildcardsTooDeep { chain: Vec<String>, max: usize },
    #[error("in the wildcard `{name}`, line {line}: {inner}")]
    InWildcard {
        name: String,
        /// 1-based, counting blank and `#` lines, as in the list's file.
        line: usize,
        inner: Box<TemplateError>,
    },
    #[error(
        "`${{{column}}}` at character {} needs a CSV file: choose one whose header row has a \
         column `{column}`",
        .at + 1
    )]
    NoTable { at: usize, column: String },
    #[error(
        "the CSV file has no column `{column}` (character {}); its columns are: {}",
        .at + 1,
        .columns.join(", ")
    )]
    UnknownColumn {
        at: usize,
        column: String,
        columns: Vec<String>,
    },
    #[error("Random N needs N of at least 1")]
    NoPromptsRequested,
    #[error(
        "this would make {} prompts, more than the limit of {max}: raise the limit, or use \
         Random N with N up to {max}",
        show_count(.count)
    )]
    TooManyPrompts { count: u128, max: u64 },
}

fn unknown_hint(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(name) => format!("did you mean `{name}`? (names are case-sensitive)"),
        None => "add a wildcard list with that name, or write `\\_\\_` for literal underscores"
            .to_owned(),
    }
}

fn chain_start(chain: &[String]) -> &str {
    chain.first().map_or("", String::as_str)
}

/// Counts saturate at `u128::MAX`; say so rather than print a precise-looking wrong number.
fn show_count(count: &u128) -> String {
    if *count == u128::MAX {
        format!("more than {count}")
    } else {
        count.to_string()
    }
}
