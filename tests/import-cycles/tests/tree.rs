//! Issue 17: no file-level import circle in the Rust crates (tests aside). `ui/src` is kept so by
//! eslint's `import-x/no-cycle` (ui/eslint.config.js).

use std::path::Path;

#[test]
fn the_tree_has_no_file_level_import_cycle() {
    let repo_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let repo_root = repo_root.canonicalize().unwrap();
    let report = import_cycles::check_packages(&repo_root, &["core", "cli", "src-tauri"]).unwrap();
    // A tree this size has hundreds of edges: a handful would mean the resolver lost its way.
    assert!(report.files() > 50 && report.edges > 100, "{report}");
    assert!(report.is_clean(), "\n{report}");
}
