//! `ui/src/bindings.ts` is generated from the same builder `run()` uses. This test fails by itself
//! when the committed file differs from what the commands export (drift); `make bindings`
//! (`UPDATE_BINDINGS=1`) rewrites it instead.

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
