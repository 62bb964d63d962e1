//! Regenerates `ui/src/bindings.ts` from the same builder `run()` uses. `make bindings` runs this;
//! `make test` runs it and then fails if git sees the file changed (drift).

use std::path::Path;

#[test]
fn export_typescript_bindings() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(nanoforge_app_lib::BINDINGS_PATH);
    nanoforge_app_lib::export_bindings(&nanoforge_app_lib::specta_builder(), &path)
        .expect("bindings export");
    let text = std::fs::read_to_string(&path).expect("bindings written");
    assert!(
        text.contains("appInfo"),
        "the app_info command is missing from the bindings"
    );
}
