//! `ui/src/bindings.ts` is generated from the same builder `run()` uses. This test fails by itself
//! when the committed file differs from what the commands export (drift); `make bindings`
//! (`UPDATE_BINDINGS=1`) rewrites it instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[test]
fn the_committed_bindings_match_the_commands() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(nanoforge_app_lib::BINDINGS_PATH);
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh_path = dir.path().join("bindings.ts");
    nanoforge_app_lib::export_bindings(
        &nanoforge_app_lib::specta_builder::<tauri::Wry>(),
        &fresh_path,
    )
    .expect("bindings export");
    let fresh = std::fs::read_to_string(&fresh_path).expect("bindings written");
    assert!(
        fresh.contains("appInfo"),
        "the app_info command is missing from the bindings"
    );
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed, &fresh).expect("write ui/src/bindings.ts");
        return;
    }
    let current = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        current == fresh,
        "ui/src/bindings.ts is out of date with the Rust commands: run `make bindings` and commit it"
    );
}

/// The page names images and jobs by id, never a file or folder: save-as, export and input
/// images open their dialogs in Rust. An argument that looks like a path is a hole.
#[test]
fn no_command_takes_a_path_from_the_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bindings.ts");
    nanoforge_app_lib::export_bindings(&nanoforge_app_lib::specta_builder::<tauri::Wry>(), &path)
        .expect("bindings export");
    let ts = std::fs::read_to_string(&path).expect("bindings written");
    let mut offenders = Vec::new();
    for line in ts
        .lines()
        .skip_while(|l| !l.contains("export const commands"))
    {
        let Some((name, rest)) = line
            .split_once("__TAURI_INVOKE")
            .and_then(|(_, r)| r.split_once("(\""))
            .and_then(|(_, r)| r.split_once('"'))
        else {
            continue;
        };
        let args = rest.split_once('{').map_or("", |(_, a)| a);
        let args = args.split_once('}').map_or("", |(a, _)| a);
        for arg in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            let lower = arg.to_ascii_lowercase();
            if ["path", "dest", "dir", "folder"]
                .iter()
                .any(|w| lower.contains(w))
            {
                offenders.push(format!("{name}({arg})"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "commands taking a path from the page: {offenders:?}"
    );
}
