//! Tree → plan: wildcards and columns looked up, every subtree's number of combinations computed
//! once (saturating at `u128::MAX`), so counting is a lookup and an index decodes without search.

use std::collections::HashMap;

use super::error::TemplateError;
use super::parse::{self, Node};
use crate::batch::csv_table::CsvTable;
use crate::batch::wildcards::Wildcards;

/// Groups and wildcards nested deeper than this, counted through the wildcards, are refused:
/// resolving and expanding recurse once per level, and a debug build's 2 MB thread stack must
/// hold the deepest plan with room to spare. No real prompt comes close.
pub(super) const MAX_DEPTH: usize = 64;

/// A template with its wildcards and columns found: it counts and expands.
#[derive(Debug, Clone)]
pub struct ExpansionPlan<'t> {
    pub(super) root: Seq,
    pub(super) wildcards: Vec<ResolvedWildcard>,
    pub(super) table: Option<&'t CsvTable>,
    /// Columns used anywhere (the text or its wildcards), in first-use order. Empty: the CSV
    /// rows do not multiply the count.
    pub(super) columns: Vec<usize>,
}

/// Nodes in a row: a mixed-radix number, the last node its fastest digit.
#[derive(Debug, Clone)]
pub(super) struct Seq {
    pub(super) nodes: Vec<RNode>,
    /// For each node, the product of the counts after it (its digit's place value).
    pub(super) places: Vec<u128>,
    pub(super) count: u128,
    /// How many groups and wildcards deep it goes.
    height: usize,
}

#[derive(Debug, Clone)]
pub(super) enum RNode {
    Text(String),
    /// `group` is `None` inside a wildcard's entries (not a choice of its own).
    Group {
        group: Option<u32>,
        options: Options,
    },
    Wildcard {
        group: Option<u32>,
        id: usize,
    },
    Variable {
        column: usize,
    },
}

/// One-of-several: the combinations of option 0 come first, then those of option 1, …
#[derive(Debug, Clone)]
pub(super) struct Options {
    pub(super) seqs: Vec<Seq>,
    /// Where each option's combinations start.
    pub(super) starts: Vec<u128>,
    pub(super) count: u128,
}

#[derive(Debug, Clone)]
pub(super) struct ResolvedWildcard {
    pub(super) name: String,
    pub(super) options: Options,
    /// Each option's index in the stored list (blank and `#` lines are skipped).
    pub(super) lines: Vec<u32>,
    /// The deepest entry's height: a later use of the list must still fit under `MAX_DEPTH`.
    height: usize,
}

pub(super) fn resolve<'t>(
    nodes: &[Node],
    wildcards: &Wildcards,
    table: Option<&'t CsvTable>,
) -> Result<ExpansionPlan<'t>, TemplateError> {
    let mut resolver = Resolver {
        wildcards,
        table,
        resolved: Vec::new(),
        ids: HashMap::new(),
        stack: Vec::new(),
        depth: 0,
        columns: Vec::new(),
    };
    let root = resolver.seq(nodes, true)?;
    Ok(ExpansionPlan {
        root,
        wildcards: resolver.resolved,
        table,
        columns: resolver.columns,
    })
}

impl Seq {
    fn new(nodes: Vec<RNode>, wildcards: &[ResolvedWildcard]) -> Self {
        let mut places = vec![1u128; nodes.len()];
        let mut count = 1u128;
        for (node, place) in nodes.iter().zip(places.iter_mut()).rev() {
            *place = count;
            count = count.saturating_mul(node_count(node, wildcards));
        }
        let height = nodes
            .iter()
            .map(|node| node_height(node, wildcards))
            .max()
            .unwrap_or(0);
        Self {
            nodes,
            places,
            count,
            height,
        }
    }
}

impl Options {
    fn new(seqs: Vec<Seq>) -> Self {
        let mut starts = Vec::with_capacity(seqs.len());
        let mut count = 0u128;
        for seq in &seqs {
            starts.push(count);
            count = count.saturating_add(seq.count);
        }
        Self {
            seqs,
            starts,
            count,
        }
    }

    /// The option holding combination `index`, and the index within it.
    pub(super) fn locate(&self, index: u128) -> (usize, u128) {
        let option = self
            .starts
            .partition_point(|&start| start <= index)
            .saturating_sub(1);
        let start = self.starts.get(option).copied().unwrap_or(0);
        (option, index.saturating_sub(start))
    }
}

pub(super) fn node_count(node: &RNode, wildcards: &[ResolvedWildcard]) -> u128 {
    match node {
        RNode::Text(_) | RNode::Variable { .. } => 1,
        RNode::Group { options, .. } => options.count,
        RNode::Wildcard { id, .. } => wildcards.get(*id).map_or(1, |w| w.options.count),
    }
}

fn node_height(node: &RNode, wildcards: &[ResolvedWildcard]) -> usize {
    match node {
        RNode::Text(_) | RNode::Variable { .. } => 0,
        RNode::Group { options, .. } => {
            1 + options.seqs.iter().map(|s| s.height).max().unwrap_or(0)
        }
        RNode::Wildcard { id, .. } => 1 + wildcards.get(*id).map_or(0, |w| w.height),
    }
}

struct Resolver<'a, 't> {
    wildcards: &'a Wildcards,
    table: Option<&'t CsvTable>,
    resolved: Vec<ResolvedWildcard>,
    ids: HashMap<String, usize>,
    /// Wildcards being resolved, outermost first: a name already here is a loop.
    stack: Vec<String>,
    /// Groups and wildcards open around the node being resolved.
    depth: usize,
    columns: Vec<usize>,
}

impl Resolver<'_, '_> {
    /// `top`: the template's own text, whose groups are recorded as choices.
    fn seq(&mut self, nodes: &[Node], top: bool) -> Result<Seq, TemplateError> {
        let mut resolved = Vec::with_capacity(nodes.len());
        for node in nodes {
            resolved.push(self.node(node, top)?);
        }
        Ok(Seq::new(resolved, &self.resolved))
    }

    fn node(&mut self, node: &Node, top: bool) -> Result<RNode, TemplateError> {
        Ok(match node {
            Node::Text(text) => RNode::Text(text.clone()),
            Node::Group {
                group,
                alternatives,
            } => {
                self.enter(None, 0)?;
                let mut seqs = Vec::with_capacity(alternatives.len());
                for alternative in alternatives {
                    seqs.push(self.seq(alternative, top)?);
                }
                self.depth -= 1;
                RNode::Group {
                    group: top.then_some(*group),
                    options: Options::new(seqs),
                }
            }
            Node::Wildcard { group, at, name } => RNode::Wildcard {
                group: top.then_some(*group),
                id: self.wildcard(name, *at)?,
            },
            Node::Variable { at, column } => RNode::Variable {
                column: self.column(column, *at)?,
            },
        })
    }

    fn column(&mut self, name: &str, at: usize) -> Result<usize, TemplateError> {
        let Some(table) = self.table else {
            return Err(TemplateError::NoTable {
                at,
                column: name.to_owned(),
            });
        };
        let Some(index) = table.column_index(name) else {
            return Err(TemplateError::UnknownColumn {
                at,
                column: name.to_owned(),
                columns: table.columns().to_vec(),
            });
        };
        if !self.columns.contains(&index) {
            self.columns.push(index);
        }
        Ok(index)
    }

    /// Each list is resolved once, however often it is used.
    fn wildcard(&mut self, name: &str, at: usize) -> Result<usize, TemplateError> {
        if let Some(&id) = self.ids.get(name) {
            let height = self.resolved.get(id).map_or(0, |w| w.height);
            self.enter(Some(name), height)?;
            self.depth -= 1;
            return Ok(id);
        }
        if let Some(first) = self.stack.iter().position(|n| n == name) {
            let mut chain = self.stack.get(first..).unwrap_or_default().to_vec();
            chain.push(name.to_owned());
            return Err(TemplateError::WildcardLoop { chain });
        }
        let wildcards = self.wildcards;
        let Some(entries) = wildcards.get(name) else {
            return Err(TemplateError::UnknownWildcard {
                at,
                name: name.to_owned(),
                suggestion: wildcards.suggest(name).map(str::to_owned),
            });
        };
        self.enter(Some(name), 0)?;
        self.stack.push(name.to_owned());
        let options = self.entries(name, entries);
        self.stack.pop();
        self.depth -= 1;
        let (seqs, lines) = options?;
        if seqs.is_empty() {
            return Err(TemplateError::EmptyWildcardList {
                name: name.to_owned(),
            });
        }
        let id = self.resolved.len();
        self.resolved.push(ResolvedWildcard {
            name: name.to_owned(),
            height: seqs.iter().map(|s| s.height).max().unwrap_or(0),
            options: Options::new(seqs),
            lines,
        });
        self.ids.insert(name.to_owned(), id);
        Ok(id)
    }

    /// Opens one more level (a group, or the wildcard `name` whose entries go `below` deeper);
    /// the caller closes it with `self.depth -= 1` once done (after an error the resolver is
    /// dropped, so error paths need not).
    fn enter(&mut self, name: Option<&str>, below: usize) -> Result<(), TemplateError> {
        if self.depth + 1 + below > MAX_DEPTH {
            let mut chain = self.stack.clone();
            chain.extend(name.map(str::to_owned));
            return Err(TemplateError::WildcardsTooDeep {
                chain,
                max: MAX_DEPTH,
            });
        }
        self.depth += 1;
        Ok(())
    }

    fn entries(
        &mut self,
        name: &str,
        entries: &[String],
    ) -> Result<(Vec<Seq>, Vec<u32>), TemplateError> {
        let mut seqs = Vec::with_capacity(entries.len());
        let mut lines = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let entry = entry.trim();
            if entry.is_empty() || entry.starts_with('#') {
                continue;
            }
            let in_entry = |inner: TemplateError| match inner {
                // The chain already says where the loop is.
                TemplateError::WildcardLoop { .. } | TemplateError::WildcardsTooDeep { .. } => {
                    inner
                }
                _ => TemplateError::InWildcard {
                    name: name.to_owned(),
                    line: index + 1,
                    inner: Box::new(inner),
                },
            };
            let parsed = parse::parse(entry).map_err(in_entry)?;
            seqs.push(self.seq(&parsed.nodes, false).map_err(in_entry)?);
            lines.push(u32::try_from(index).unwrap_or(u32::MAX));
        }
        Ok((seqs, lines))
    }
}
