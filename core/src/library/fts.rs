//! Turning what a person types into a safe FTS5 query, and choosing how to run it. The gallery's
//! search covers prompts (`jobs_fts`) and, since migration 0012, each image's tags and album names
//! (`labels_fts`): an image matches when its prompt has every word, or its labels do.

use sqlx::SqlitePool;

use crate::Result;

/// More words than this add nothing to a prompt search but cost time.
const MAX_TERMS: usize = 16;

/// Up to this many matching prompts, a search starts from the matches and sorts them (cost grows
/// with the matches); beyond it, it walks the newest-first index and keeps rows that match (cost
/// grows with how rare the term is). Around sqrt(page × library size) the two cost the same;
/// measured in benches/library.rs.
const MATCHES_FIRST_LIMIT: i64 = 2000;

/// How a search query is driven; see [`MATCHES_FIRST_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    MatchesFirst,
    NewestFirst,
}

/// Counts matches up to the limit (cheap: FTS5 stops early) to pick the plan. SQLite's own planner
/// cannot see how many rows an FTS5 MATCH returns, so it cannot make this choice itself.
pub(crate) async fn plan(pool: &SqlitePool, expr: &str) -> Result<Plan> {
    let (hits,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM (SELECT 1 FROM jobs_fts WHERE jobs_fts MATCH ? LIMIT ?)",
    )
    .bind(expr)
    .bind(MATCHES_FIRST_LIMIT + 1)
    .fetch_one(pool)
    .await?;
    Ok(if hits <= MATCHES_FIRST_LIMIT {
        Plan::MatchesFirst
    } else {
        Plan::NewestFirst
    })
}

/// The gallery's plan: prompts and labels counted together, and whether any label matches at all
/// (when none does, the query is exactly the prompt-only one, so a library without tags pays
/// nothing for them).
pub(crate) async fn plan_with_labels(pool: &SqlitePool, expr: &str) -> Result<(Plan, bool)> {
    let (prompts, labels): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM jobs_fts WHERE jobs_fts MATCH ?1 LIMIT ?2)),
                (SELECT count(*) FROM (SELECT 1 FROM labels_fts WHERE labels_fts MATCH ?1 LIMIT ?2))",
    )
    .bind(expr)
    .bind(MATCHES_FIRST_LIMIT + 1)
    .fetch_one(pool)
    .await?;
    let plan = if prompts + labels <= MATCHES_FIRST_LIMIT {
        Plan::MatchesFirst
    } else {
        Plan::NewestFirst
    };
    Ok((plan, labels > 0))
}

/// Builds an FTS5 MATCH expression from free text: every word becomes a quoted prefix term and the
/// terms are ANDed. Quoting means FTS5 operators (`AND`, `OR`, `NEAR`, `*`, `^`, `:`, parentheses,
/// unbalanced quotes) are searched for as plain words and can never make the query fail.
/// Control characters split words like spaces: a NUL inside a quoted FTS5 string ends it early
/// ("unterminated string"). Returns `None` when nothing searchable is left (empty or punctuation).
pub(crate) fn match_expression(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .take(MAX_TERMS)
        .map(|word| format!("\"{}\"*", word.replace('"', "\"\"")))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::match_expression;

    #[test]
    fn operators_and_quotes_become_plain_terms() {
        assert_eq!(
            match_expression("red fox").as_deref(),
            Some("\"red\"* \"fox\"*")
        );
        assert_eq!(
            match_expression("\"unbalanced").as_deref(),
            Some("\"\"\"unbalanced\"*")
        );
        assert_eq!(
            match_expression("AND OR").as_deref(),
            Some("\"AND\"* \"OR\"*")
        );
        assert_eq!(match_expression("  - * ( ) "), None);
        assert_eq!(
            match_expression("fox\0es\u{1b}[31m").as_deref(),
            Some("\"fox\"* \"es\"* \"[31m\"*")
        );
        assert_eq!(match_expression(""), None);
    }
}
