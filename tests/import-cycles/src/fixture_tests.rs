//! Small crates written to a temporary folder, one per rule of the semantics (see lib.rs).

use std::path::Path;

use crate::{Report, check_crate, check_packages};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn check(files: &[(&str, &str)]) -> Report {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    check_crate(dir.path(), &dir.path().join("src/lib.rs")).unwrap()
}

fn cycles<'a>(report: &'a Report) -> Vec<Vec<&'a str>> {
    let files = |c: &'a crate::Cycle| c.files.iter().map(String::as_str).collect();
    report.cycles.iter().map(files).collect()
}

fn evidence(report: &Report) -> Vec<String> {
    report
        .cycles
        .iter()
        .flat_map(|c| c.edges.iter().map(|e| e.to_string()))
        .collect()
}

#[test]
fn a_direct_two_file_cycle_is_found_with_its_evidence() {
    let report = check(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        ("src/a.rs", "pub struct A;\npub fn f(_: crate::b::B) {}\n"),
        ("src/b.rs", "use crate::a::A;\n\npub struct B(pub A);\n"),
    ]);
    assert_eq!(cycles(&report), [["src/a.rs", "src/b.rs"]]);
    assert_eq!(
        evidence(&report),
        [
            "src/a.rs:2 uses crate::b::B, defined in src/b.rs",
            "src/b.rs:3 uses A, defined in src/a.rs",
        ]
    );
    assert!(
        report
            .to_string()
            .contains("cycle 1 (2 files): src/a.rs, src/b.rs"),
        "{report}"
    );
}

#[test]
fn a_cycle_through_a_re_export_in_mod_rs_is_attributed_to_the_defining_files() {
    let report = check(&[
        ("src/lib.rs", "mod m;\nmod x;\npub use m::Thing as Top;\n"),
        ("src/m/mod.rs", "mod inner;\npub use inner::Thing;\n"),
        (
            "src/m/inner.rs",
            "pub struct Thing;\npub fn f(_: crate::x::X) {}\n",
        ),
        // Through the chain lib.rs -> m/mod.rs -> m/inner.rs, and through a rename.
        ("src/x.rs", "pub struct X;\npub fn g(_: crate::Top) {}\n"),
    ]);
    assert_eq!(cycles(&report), [["src/m/inner.rs", "src/x.rs"]]);
    assert_eq!(
        evidence(&report),
        [
            "src/m/inner.rs:2 uses crate::x::X, defined in src/x.rs",
            "src/x.rs:2 uses crate::Top (= Thing), defined in src/m/inner.rs",
        ]
    );
}

const FACADE_CHILDREN: [(&str, &str); 2] = [
    (
        "src/library/images.rs",
        "use super::Library;\npub struct Image;\nimpl Image {\n    pub fn of(_: &Library) {}\n}\n",
    ),
    (
        "src/library/trash.rs",
        "pub fn empty(_: &super::Library) {}\n",
    ),
];

#[test]
fn a_facade_mod_rs_that_re_exports_its_children_is_not_a_cycle() {
    let facade = "mod images;\nmod trash;\npub use images::Image;\npub use trash::empty;\n\
                  pub struct Library;\n";
    let mut files = vec![
        ("src/lib.rs", "pub mod library;\n"),
        ("src/library/mod.rs", facade),
    ];
    files.extend(FACADE_CHILDREN);
    let report = check(&files);
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.edges, 2);
}

#[test]
fn a_facade_whose_own_code_uses_a_child_item_is_a_cycle() {
    let facade = "mod images;\nmod trash;\npub use images::Image;\n\
                  pub struct Library;\nimpl Library {\n    pub fn first(&self) -> Image { Image }\n}\n";
    let mut files = vec![
        ("src/lib.rs", "pub mod library;\n"),
        ("src/library/mod.rs", facade),
    ];
    files.extend(FACADE_CHILDREN);
    let report = check(&files);
    assert_eq!(
        cycles(&report),
        [["src/library/images.rs", "src/library/mod.rs"]]
    );
    assert!(
        evidence(&report)
            .contains(&"src/library/mod.rs:6 uses Image, defined in src/library/images.rs".into())
    );
}

#[test]
fn uses_in_test_modules_and_test_items_do_not_count() {
    let report = check(&[
        (
            "src/lib.rs",
            "mod a;\nmod b;\n#[cfg(test)]\nmod step_tests;\n",
        ),
        (
            "src/a.rs",
            "pub struct A;\n#[cfg(test)]\nmod tests {\n    use crate::b::B;\n    fn t(_: B) {}\n}\n\
             #[cfg(all(test, unix))]\nfn helper(_: crate::b::B) {}\n\
             impl A {\n    #[cfg(test)]\n    fn fake() -> crate::b::B { crate::b::B(A) }\n}\n",
        ),
        ("src/b.rs", "pub struct B(pub crate::a::A);\n"),
        (
            "src/step_tests.rs",
            "use crate::{a::A, b::B};\nfn t(_: A, _: B) {}\n",
        ),
    ]);
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.files(), 3, "the test file is not read");
}

#[test]
fn globs_resolve_including_re_exported_globs_and_enum_variants() {
    let report = check(&[
        ("src/lib.rs", "mod a;\nmod b;\nmod c;\nmod m;\n"),
        (
            "src/a.rs",
            "use crate::b::*;\npub struct A;\npub fn f(_: B) {}\n",
        ),
        ("src/b.rs", "pub struct B(pub crate::a::A);\n"),
        ("src/m/mod.rs", "mod inner;\npub use self::inner::*;\n"),
        (
            "src/m/inner.rs",
            "pub enum Kind { On, Off }\npub fn g(_: crate::c::C) {}\n",
        ),
        (
            "src/c.rs",
            "use crate::m::Kind::*;\npub struct C;\npub fn on() { let _k = On; }\n",
        ),
    ]);
    assert_eq!(
        cycles(&report),
        [
            vec!["src/a.rs", "src/b.rs"],
            vec!["src/c.rs", "src/m/inner.rs"]
        ]
    );
    assert!(
        evidence(&report)
            .contains(&"src/c.rs:3 uses On (= Kind), defined in src/m/inner.rs".into())
    );
}

#[test]
fn renames_resolve_including_self_in_a_group() {
    let report = check(&[
        ("src/lib.rs", "mod a;\nmod b;\nmod c;\n"),
        (
            "src/a.rs",
            "use crate::b::B as Bee;\npub struct A;\npub fn f(_: Bee) {}\n",
        ),
        (
            "src/b.rs",
            "use crate::c::{self as other};\npub struct B;\npub fn g(_: other::C) {}\n",
        ),
        ("src/c.rs", "pub struct C;\npub fn h(_: crate::a::A) {}\n"),
    ]);
    assert_eq!(cycles(&report), [["src/a.rs", "src/b.rs", "src/c.rs"]]);
    assert!(evidence(&report).contains(&"src/a.rs:3 uses Bee (= B), defined in src/b.rs".into()));
}

#[test]
fn inline_modules_super_and_function_local_uses_resolve() {
    let report = check(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        (
            "src/a.rs",
            "pub struct A;\nmod inner {\n    pub fn f() {\n        use crate::b::B;\n        let _b = B;\n    }\n}\n",
        ),
        (
            "src/b.rs",
            "pub struct B;\nmod deep {\n    fn g(_: super::super::a::A) {}\n}\n",
        ),
    ]);
    assert_eq!(cycles(&report), [["src/a.rs", "src/b.rs"]]);
    assert_eq!(
        evidence(&report),
        [
            "src/a.rs:5 uses B, defined in src/b.rs",
            "src/b.rs:3 uses super::super::a::A, defined in src/a.rs",
        ]
    );
}

#[test]
fn what_syntax_cannot_resolve_or_what_shadows_an_item_makes_no_edge() {
    let report = check(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        (
            "src/a.rs",
            "pub struct A;\npub fn helper() {}\npub fn f(_: crate::b::B) {}\n",
        ),
        (
            "src/b.rs",
            "use crate::a::*;\npub struct B;\n\
             // A generic parameter, a variable and a module named like items of a.rs.\n\
             pub fn g<A>(x: A) -> A { x }\n\
             pub fn h(helper: u8) -> u8 { helper }\n\
             // Only a method call and a macro reach a.rs.\n\
             pub fn m(b: &B) { b.clone_me(); let _ = format!(\"{:?}\", A); }\n\
             // Other crates and the prelude.\n\
             pub fn n(_: std::path::PathBuf, _: ::serde::Value, _: Option<String>) {}\n",
        ),
    ]);
    assert!(report.is_clean(), "{report}");
}

#[test]
fn a_loop_of_glob_re_exports_ends() {
    let report = check(&[
        ("src/lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("src/a.rs", "pub use crate::b::*;\n"),
        ("src/b.rs", "pub use crate::a::*;\nuse missing::*;\n"),
        ("src/c.rs", "pub fn f(_: crate::a::Missing) {}\n"),
    ]);
    assert!(report.is_clean(), "{report}");
}

#[test]
fn path_attributes_and_module_folders_are_followed() {
    let report = check(&[
        ("src/lib.rs", "#[path = \"odd/place.rs\"]\nmod a;\nmod b;\n"),
        ("src/odd/place.rs", "mod near;\npub use near::A;\n"),
        (
            "src/odd/near.rs",
            "pub struct A;\npub fn f(_: crate::b::B) {}\n",
        ),
        ("src/b.rs", "mod c;\npub struct B(pub c::Cee);\n"),
        (
            "src/b/c.rs",
            "pub struct Cee;\npub fn g(_: crate::a::A) {}\n",
        ),
    ]);
    assert_eq!(
        cycles(&report),
        [["src/b.rs", "src/b/c.rs", "src/odd/near.rs"]]
    );
}

#[test]
fn a_missing_module_file_is_an_error_that_names_the_declaration() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("src/lib.rs", "// one\nmod gone;\n")]);
    let err = check_crate(dir.path(), &dir.path().join("src/lib.rs")).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("src/lib.rs:2: `mod gone;` has no file"),
        "{message}"
    );
}

#[test]
fn every_crate_root_of_a_package_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "pkg/Cargo.toml",
                "[package]\nname = \"pkg\"\n\n[[bin]]\nname = \"tool\"\npath = \"tool/start.rs\"\n",
            ),
            ("pkg/src/lib.rs", "pub struct Fine;\n"),
            (
                "pkg/src/bin/other/main.rs",
                "mod a;\nmod b;\nfn main() {}\n",
            ),
            (
                "pkg/src/bin/other/a.rs",
                "pub struct A;\npub fn f(_: crate::b::B) {}\n",
            ),
            ("pkg/src/bin/other/b.rs", "pub struct B(pub crate::a::A);\n"),
            ("pkg/tool/start.rs", "fn main() {}\n"),
        ],
    );
    let report = check_packages(dir.path(), &["pkg"]).unwrap();
    assert_eq!(report.crates, 3);
    assert_eq!(
        cycles(&report),
        [["pkg/src/bin/other/a.rs", "pkg/src/bin/other/b.rs"]]
    );
}
