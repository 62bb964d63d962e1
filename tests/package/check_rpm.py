#!/usr/bin/env python3
"""Inspects the .rpm with rpm's own tools (Debian's `rpm`, `rpm2cpio`, `rpmlint`), without installing it:

- name, version, release and licence as packaged;
- `rpm -qpl`: the app and the CLI at the .deb's paths, the desktop entry and the hicolor icons;
- `rpm -qpR`: every library the binaries link (by soname, as rpm's autoreq names them) plus the
  web view's, so Fedora and openSUSE install what it needs;
- `rpmlint` (tests/package/rpmlint.toml filters what the bundler cannot act on): no error;
- its digests hold (`rpm -K`) and the unpacked CLI runs (`nanoforge info --json` on an empty data folder);
- the app is marked as an rpm install (`__TAURI_BUNDLE_TYPE_VAR_RPM`), which the updater needs.

Usage: check_rpm.py PACKAGE.rpm APP_BINARY CLI_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from package_config import needed_sonames  # noqa: E402


def rpm_query(pkg, *args):
    return subprocess.run(["rpm", "-qp", *args, str(pkg)], check=True, capture_output=True,
                          text=True).stdout


def fail(message):
    sys.exit(f"check_rpm: {message}")


def main():
    pkg, app, cli = (Path(a).resolve() for a in sys.argv[1:4])
    version = json.loads(Path(__file__).resolve().parents[2].joinpath("src-tauri/tauri.conf.json")
                         .read_text())["version"]
    header = rpm_query(pkg, "--queryformat", "%{NAME}|%{VERSION}|%{RELEASE}|%{LICENSE}|%{ARCH}")
    name, ver, release, licence, arch = header.split("|")
    if (name, ver, licence, arch) != ("nanoforge", version, "MIT", "x86_64") or not release:
        fail(f"unexpected header {header!r} (want nanoforge {version}, MIT, x86_64, a release)")
    print(f"check_rpm: {name} {ver}-{release} ({licence}, {arch})")

    files = set(rpm_query(pkg, "-l").split())
    for want in ["/usr/bin/nanoforge-app", "/usr/bin/nanoforge"]:
        if want not in files:
            fail(f"{want} is not in the package: {sorted(files)}")
    if not any(f.startswith("/usr/share/applications/") and f.endswith(".desktop") for f in files):
        fail("no desktop entry")
    if not any(f.startswith("/usr/share/icons/hicolor/") and f.endswith("/apps/nanoforge-app.png")
               for f in files):
        fail("no hicolor icon")

    requires = set(rpm_query(pkg, "-R").split("\n"))
    wanted = set(needed_sonames([app, cli])) | {"libwebkit2gtk-4.1.so.0()(64bit)",
                                                 "libgtk-3.so.0()(64bit)"}
    missing = sorted(wanted - requires)
    if missing:
        fail(f"Requires lacks {missing} (the bundler was not given scripts/package_config.py's list)")
    print(f"check_rpm: {len(wanted)} linked libraries required by soname")

    lint = subprocess.run(["rpmlint", "-c", str(Path(__file__).with_name("rpmlint.toml")), str(pkg)],
                          capture_output=True, text=True)
    if lint.returncode != 0:
        fail(f"rpmlint found errors:\n{lint.stdout}{lint.stderr}")
    print("check_rpm: rpmlint: " + (lint.stdout.strip().splitlines() or ["no output"])[-1].strip())

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "root")
        root.mkdir()
        # The digests first (header and payload): then the payload is whole. Debian's rpm2cpio
        # 4.18 exits 1 on these packages after writing the whole archive, so its status is not
        # the check; cpio's is.
        subprocess.run(["rpm", "-K", str(pkg)], check=True, capture_output=True)
        payload = subprocess.run(["rpm2cpio", str(pkg)], capture_output=True).stdout
        subprocess.run(["cpio", "-idm", "--quiet"], input=payload, cwd=root, check=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NANOFORGE_", "NANOBANANA_"))}
        env["NANOFORGE_DATA_DIR"] = str(Path(tmp, "data"))
        out = subprocess.run([str(root / "usr/bin/nanoforge"), "info", "--json"], env=env,
                             check=True, capture_output=True, text=True).stdout
        info = json.loads(out)
        if info.get("version") != version or info.get("job_count") != 0:
            fail(f"the unpacked CLI said {out}")
        # The updater installs an update the way this install came (rpm -U here): the bundler
        # marks the app's binary with its package type, and an unmarked one would not update.
        app = (root / "usr/bin/nanoforge-app").read_bytes()
        if b"__TAURI_BUNDLE_TYPE_VAR_RPM" not in app:
            fail("the app in the .rpm has no __TAURI_BUNDLE_TYPE_VAR_RPM marker (updates would fail)")
    print(f"check_rpm: the unpacked nanoforge {version} runs; its app is marked as an rpm install")


if __name__ == "__main__":
    main()
