//! How the Linux web view draws, chosen before WebKitGTK starts: on a machine without a GPU (no DRM
//! render node: virtual machines, remote desktops, CI under Xvfb) WebKit's compositing mode runs its
//! GL through a software rasteriser, which measured slower and heavier than drawing without it — the
//! gallery's pages p95 139 → 68 ms, the web process after a scroll 562 → 308 MB, the batch grid's
//! screens 93 → 33 ms (BENCHMARKS.md, 2026-12-07). Machines with a GPU keep WebKit's default, and a
//! `WEBKIT_DISABLE_COMPOSITING_MODE` the person set is left as it is.

use std::path::Path;

/// WebKitGTK's switch, read once when its first web view is made.
const COMPOSITING_SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether to switch compositing off: only when nobody chose already and no GPU can render.
pub fn compositing_should_be_off(already_chosen: bool, dri_dir: &Path) -> bool {
    !already_chosen && !has_render_node(dri_dir)
}

/// A DRM render node (`renderD128`…) is what a GPU-backed GL context opens.
fn has_render_node(dri_dir: &Path) -> bool {
    std::fs::read_dir(dri_dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// Applies the choice. Call first thing in `main`, before any thread starts or any GTK call.
pub fn choose_compositing() {
    let chosen = std::env::var_os(COMPOSITING_SWITCH).is_some();
    if compositing_should_be_off(chosen, Path::new("/dev/dri")) {
        // SAFETY: called at the top of `main`, while the process has a single thread, so no other
        // thread reads the environment during the write.
        unsafe { std::env::set_var(COMPOSITING_SWITCH, "1") };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_only_without_a_render_node_and_without_a_choice() {
        let dir = tempfile::tempdir().unwrap();
        let dri = dir.path().join("dri");
        // No /dev/dri at all (this machine, Xvfb in CI): off.
        assert!(compositing_should_be_off(false, &dri));
        // A card without a render node (a display-only device): still off.
        std::fs::create_dir(&dri).unwrap();
        std::fs::write(dri.join("card0"), b"").unwrap();
        assert!(compositing_should_be_off(false, &dri));
        // A render node: WebKit's default.
        std::fs::write(dri.join("renderD128"), b"").unwrap();
        assert!(!compositing_should_be_off(false, &dri));
        // The person's own setting wins either way.
        assert!(!compositing_should_be_off(
            true,
            dir.path().join("none").as_path()
        ));
    }
}
