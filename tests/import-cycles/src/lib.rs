//! Finds file-level import circles in the Rust crates of the repository (issue 17), so that a test can
//! keep the tree free of them.
//!
//! What counts, and why:
//! - Each crate (a `lib.rs`, `main.rs`, `src/bin` or build-script root) is read with `syn` into its module
//!   tree: `mod x;` (`x.rs`, `x/mod.rs`, or `#[path = ...]`) and inline `mod x { ... }`. Modules and items
//!   under `#[cfg(test)]` (also `cfg(all(test, ..))`) are left out, inline or file (`#[cfg(test)] mod
//!   step_tests;`): tests may lean on anything.
//! - File A depends on file B when code in A *uses an item* (not a module) defined in B: anywhere `syn`
//!   gives a `Path` (types, expressions, patterns, impl headers, bounds, fields, signatures) and upper-case
//!   identifier patterns (`None`-like constants and unit variants). Names are resolved as rustc does, as
//!   far as syntax allows: `crate::`, `self::`, `super::`, and a first segment bound in the scope by the
//!   module's or block's own items, its `use` declarations (renames, groups, `self` in groups, globs,
//!   globs of enum variants), with explicit names shadowing globs. Function-local `use` and items count;
//!   generic parameters and local variables shadow items of the same name.
//! - `use` and `pub use` only bind names: a re-export is transparent, so a path that goes through one is
//!   attributed to the file that defines the item (chains and globs followed, loops cut). Naming a module
//!   is no dependency, which is why a facade `mod.rs` that re-exports its children is not in a circle
//!   with them unless its own code uses their items.
//! - Edges stay within one crate: other crates (std, serde, `nanoforge_core` seen from the CLI) are
//!   ignored, and so is a file's use of itself.
//! - Not seen, because syntax alone cannot resolve them: method calls (`x.load()` needs the type of `x`),
//!   anything inside a macro invocation (`format!`, `matches!`, `json!`: tokens, not code, until
//!   expanded), and attributes such as `#[derive]`. An edge found only there is missed, never invented.
//! - A circle is a strongly connected component of more than one file; the report gives, for every edge
//!   inside it, the first place in the source that makes it.

mod error;
mod refs;
mod report;
mod resolve;
mod roots;
mod tree;

#[cfg(test)]
mod fixture_tests;

use std::path::Path;

pub use error::Error;
pub use report::{Cycle, Evidence, Report};

/// Checks every crate of the given package folders (relative to `repo_root`, e.g. `["core", "cli"]`).
pub fn check_packages(repo_root: &Path, packages: &[&str]) -> Result<Report, Error> {
    let mut report = Report::default();
    for package in packages {
        for root in roots::crate_roots(&repo_root.join(package))? {
            check_into(repo_root, &root, &mut report)?;
        }
    }
    Ok(report)
}

/// Checks one crate, given its root file (`src/lib.rs`, `src/main.rs`, ...).
pub fn check_crate(repo_root: &Path, crate_root: &Path) -> Result<Report, Error> {
    let mut report = Report::default();
    check_into(repo_root, crate_root, &mut report)?;
    Ok(report)
}

fn check_into(repo_root: &Path, crate_root: &Path, report: &mut Report) -> Result<(), Error> {
    let krate = tree::Crate::load(crate_root)?;
    let edges = refs::file_edges(&krate);
    report.add_crate(repo_root, &krate, &edges);
    Ok(())
}
