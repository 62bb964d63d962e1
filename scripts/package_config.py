#!/usr/bin/env python3
"""The Linux packages' requirements, computed from the built binaries on the machine that built them.

- .deb: dpkg-shlibdeps reads the ELF NEEDED entries of each binary and maps every library to the
  Debian package (and minimum version, from that machine's symbols files) that provides it, as
  debhelper's ${shlibs:Depends} does.
- .rpm: the same NEEDED sonames as rpm's automatic requirements name them
  (`libgtk-3.so.0()(64bit)`), which Fedora and openSUSE packages both provide whatever their
  package names.

The result depends on the build machine (its library versions, what the linker kept), so a list
written once into tauri.conf.json goes stale: `make dist` and the package test compute it here and
hand it to the Tauri bundler as a configuration override.

With TAURI_SIGNING_PRIVATE_KEY set, it also asks for the updater's signatures (createUpdaterArtifacts).

Usage: package_config.py [--cli PATH] BINARY...
  prints {"bundle":{"linux":{"deb":{"depends":[...],"files":{...}},"rpm":{"depends":[...],"files":{...}}}}}
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Loaded at run time, not linked, so no tool finds them: the web view's engine.
DEB_RUNTIME_ONLY = ["libjavascriptcoregtk-4.1-0", "libwebkit2gtk-4.1-0"]
RPM_RUNTIME_ONLY = ["libjavascriptcoregtk-4.1.so.0()(64bit)", "libwebkit2gtk-4.1.so.0()(64bit)"]


def shlibs_depends(elfs):
    """The shlibs:Depends field for these ELF files, as dpkg-shlibdeps writes it."""
    with tempfile.TemporaryDirectory() as tmp:
        # dpkg-shlibdeps wants to run inside a source package: a minimal debian/control will do.
        Path(tmp, "debian").mkdir()
        Path(tmp, "debian/control").write_text("Source: probe\n\nPackage: probe\nArchitecture: any\n")
        out = subprocess.run(["dpkg-shlibdeps", "-O", *(f"-e{Path(e).resolve()}" for e in elfs)],
                             cwd=tmp, check=True, capture_output=True, text=True).stdout
    m = re.search(r"^shlibs:Depends=(.*)$", out, re.M)
    if not m:
        sys.exit(f"package_config: dpkg-shlibdeps gave no shlibs:Depends:\n{out}")
    return m.group(1)


def needed_sonames(elfs):
    """Every NEEDED soname of these 64-bit ELF files, as rpm's automatic requirements."""
    names = set()
    for elf in elfs:
        out = subprocess.run(["readelf", "-d", str(elf)], check=True, capture_output=True,
                             text=True).stdout
        names.update(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))
    return sorted(f"{n}()(64bit)" for n in names if not n.startswith("ld-linux"))


def main():
    args = sys.argv[1:]
    cli = None
    if args[:1] == ["--cli"]:
        cli, args = args[1], args[2:]
    if not args:
        sys.exit(__doc__)
    elfs = args + ([cli] if cli else [])
    for b in elfs:
        if not Path(b).is_file():
            sys.exit(f"package_config: {b} is not built")
    deb = [g.strip() for g in shlibs_depends(elfs).split(",") if g.strip()]
    names = {re.split(r"[\s(:]", g, maxsplit=1)[0] for g in deb}
    deb += [p for p in DEB_RUNTIME_ONLY if p not in names]
    rpm = needed_sonames(elfs)
    rpm += [p for p in RPM_RUNTIME_ONLY if p not in rpm]
    files = {"/usr/bin/nanoforge": str(Path(cli).resolve())} if cli else {}
    bundle = {"linux": {
        "deb": {"depends": deb, **({"files": files} if files else {})},
        "rpm": {"depends": rpm, **({"files": files} if files else {})},
    }}
    # With a signing key the bundler also writes each package's minisign `.sig` (the updater's
    # artifacts); without one it must not try, so a build without the key still makes packages.
    if os.environ.get("TAURI_SIGNING_PRIVATE_KEY"):
        bundle["createUpdaterArtifacts"] = True
    print(json.dumps({"bundle": bundle}))


if __name__ == "__main__":
    main()
