// App commands join Tauri's permission system: each gets `allow-<name>`/`deny-<name>`, and a
// command no capability allows is refused, like a plugin's.
include!("src/command_names.rs");

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(APP_COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build script: {e:#}"));
}
