//! Circles (strongly connected components of more than one file) and their readable report.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::refs::Edges;
use crate::tree::Crate;

/// One edge of a circle and the first place in the source that makes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    pub from: String,
    pub line: usize,
    /// The path as written, up to the item (`crate::b::Thing`, `super::Library`).
    pub written: String,
    pub item: String,
    pub to: String,
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} uses {}", self.from, self.line, self.written)?;
        if self.written.rsplit("::").next() != Some(self.item.as_str()) {
            write!(f, " (= {})", self.item)?;
        }
        write!(f, ", defined in {}", self.to)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Repository-relative paths, sorted.
    pub files: Vec<String>,
    /// Every edge between two files of the circle, sorted by file.
    pub edges: Vec<Evidence>,
}

#[derive(Debug, Default)]
pub struct Report {
    pub crates: usize,
    /// Edges between distinct files, over all crates.
    pub edges: usize,
    pub cycles: Vec<Cycle>,
    files: BTreeSet<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.cycles.is_empty()
    }

    pub fn files(&self) -> usize {
        self.files.len()
    }

    pub(crate) fn add_crate(&mut self, repo_root: &Path, krate: &Crate, edges: &Edges) {
        let names: Vec<String> = krate.files.iter().map(|f| relative(repo_root, f)).collect();
        self.crates += 1;
        self.edges += edges.len();
        self.files.extend(names.iter().cloned());

        let mut graph = DiGraph::<usize, ()>::new();
        let nodes: Vec<NodeIndex> = (0..names.len()).map(|f| graph.add_node(f)).collect();
        for &(from, to) in edges.keys() {
            graph.add_edge(nodes[from], nodes[to], ());
        }
        for component in petgraph::algo::tarjan_scc(&graph) {
            if component.len() < 2 {
                continue;
            }
            let members: BTreeSet<usize> = component.iter().map(|n| graph[*n]).collect();
            let mut files: Vec<String> = members.iter().map(|f| names[*f].clone()).collect();
            files.sort();
            // A file shared by two crates (a `#[path]` module) could show the same circle twice.
            if self.cycles.iter().any(|c| c.files == files) {
                continue;
            }
            let mut evidence: Vec<Evidence> = edges
                .iter()
                .filter(|((from, to), _)| members.contains(from) && members.contains(to))
                .map(|(&(from, to), e)| Evidence {
                    from: names[from].clone(),
                    line: e.line,
                    written: e.written.clone(),
                    item: e.item.clone(),
                    to: names[to].clone(),
                })
                .collect();
            evidence.sort();
            self.cycles.push(Cycle {
                files,
                edges: evidence,
            });
        }
    }
}

fn relative(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = format!(
            "{} crates, {} files, {} edges between files",
            self.crates,
            self.files.len(),
            self.edges
        );
        if self.cycles.is_empty() {
            return writeln!(f, "no file-level import cycle ({scope})");
        }
        writeln!(
            f,
            "{} file-level import cycle(s) ({scope}).",
            self.cycles.len()
        )?;
        writeln!(
            f,
            "Break each by moving items so that one of its edges goes away \
             (what counts: tests/import-cycles/src/lib.rs)."
        )?;
        for (i, cycle) in self.cycles.iter().enumerate() {
            writeln!(
                f,
                "\ncycle {} ({} files): {}",
                i + 1,
                cycle.files.len(),
                cycle.files.join(", ")
            )?;
            for edge in &cycle.edges {
                writeln!(f, "  {edge}")?;
            }
        }
        Ok(())
    }
}
