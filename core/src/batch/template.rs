//! Prompt templates: one text that stands for many prompts.
//!
//! Syntax (Dynamic Prompts' where it has one):
//! - `{a|b|c}` picks one alternative. Alternatives nest (`{a|{b|c} d}`), may be empty (`{a|}`,
//!   `{}`) and keep their whitespace as written (`{ a | b }` gives ` a ` and ` b `). A `|` outside
//!   braces is plain text.
//! - `__name__` picks one entry of the wildcard list `name` (see [`Wildcards`]: case-sensitive).
//!   The name runs to the next `__` on the same line and has no spaces or `{ } | $ \`. Entries
//!   are templates too (alternatives, other wildcards, variables); a list that reaches itself is
//!   an error.
//! - `${column}` is the value of `column` in the current row of the CSV file ([`CsvTable`]); the
//!   name is trimmed and case-sensitive.
//! - `\{ \} \| \$ \_ \\` are the literal character, so `\_\_x\_\_` is not a wildcard and
//!   `\$\{x\}` is the text `${x}` (`\${x}` would be `$` then the group `{x}`). Any other
//!   backslash is kept as written (`\(` stays `\(`, as prompts copied from A1111 expect).
//! - Dynamic Prompts' `{2$$a|b}` (several picks) and `{0.5::a|b}` (weights) are refused rather
//!   than sent to a paid model as text.
//! - Nesting is capped (32 groups in one text, 64 levels counted through wildcards) so the
//!   recursive walks stay far inside a thread's stack.
//!
//! Order (jobs are recorded in it): like nested loops written in reading order. The CSV row is
//! the outermost loop; then the groups and wildcards of the text, the last one changing fastest
//! (`{a|b} {c|d}` gives `a c`, `a d`, `b c`, `b d`); an alternative's nested groups are counted
//! inside it. Every combination has an index in that order, and random mode decodes indices.
//! A CSV multiplies the count only when the template (or a wildcard it uses) has a variable.

mod error;
mod expand;
mod expansion;
mod parse;
mod resolve;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_expand;
#[cfg(test)]
mod tests_wildcards;

pub use error::TemplateError;
pub use expansion::{Choice, ChoiceSource, Expansion, ExpansionMode};
pub use resolve::ExpansionPlan;

use crate::batch::csv_table::CsvTable;
use crate::batch::wildcards::Wildcards;
use parse::Node;

/// A parsed template, before wildcards and the CSV file are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    nodes: Vec<Node>,
    groups: u32,
}

impl Template {
    /// Reads a template; errors carry the character position of the problem.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let parsed = parse::parse(text)?;
        Ok(Self {
            nodes: parsed.nodes,
            groups: parsed.groups,
        })
    }

    /// How many `{…}` groups and `__name__` wildcards the text has (the `group` numbers).
    pub fn group_count(&self) -> u32 {
        self.groups
    }

    /// The columns the text names with `${…}`, once each, in first-use order (not counting the
    /// wildcards' entries, which are only known at [`Template::resolve`]).
    pub fn columns(&self) -> Vec<&str> {
        self.distinct(|node| match node {
            Node::Variable { column, .. } => Some(column),
            _ => None,
        })
    }

    /// The wildcards the text names, once each, in first-use order.
    pub fn wildcard_names(&self) -> Vec<&str> {
        self.distinct(|node| match node {
            Node::Wildcard { name, .. } => Some(name),
            _ => None,
        })
    }

    fn distinct<'n>(&'n self, name_of: impl Fn(&'n Node) -> Option<&'n String>) -> Vec<&'n str> {
        let mut found: Vec<&str> = Vec::new();
        parse::visit(&self.nodes, &mut |node| {
            if let Some(name) = name_of(node)
                && !found.contains(&name.as_str())
            {
                found.push(name);
            }
        });
        found
    }

    /// Looks up the wildcards and columns; the plan counts and expands without further errors
    /// except the caller's limit.
    pub fn resolve<'t>(
        &self,
        wildcards: &Wildcards,
        table: Option<&'t CsvTable>,
    ) -> Result<ExpansionPlan<'t>, TemplateError> {
        resolve::resolve(&self.nodes, wildcards, table)
    }
}
