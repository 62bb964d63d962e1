#!/usr/bin/env python3
"""The Depends a .deb of these binaries needs, computed on the machine that built them.

dpkg-shlibdeps reads the ELF NEEDED entries of each binary and maps every library to the Debian
package (and minimum version, from that machine's symbols files) that provides it, as debhelper's
${shlibs:Depends} does. The result depends on the build machine (its library versions and what the
linker kept), so a list written once into tauri.conf.json goes stale: `make dist` and the package
test compute it here and hand it to the Tauri bundler as a configuration override.

Usage: deb_depends.py --tauri-config [--cli PATH] BINARY...
  prints {"bundle":{"linux":{"deb":{"depends":[...], "files": {"/usr/bin/nanoforge": PATH}}}}}
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Not found by dpkg-shlibdeps (loaded at run time, not linked): the web view's JavaScript engine.
RUNTIME_ONLY = ["libjavascriptcoregtk-4.1-0", "libwebkit2gtk-4.1-0"]


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
        sys.exit(f"deb_depends: dpkg-shlibdeps gave no shlibs:Depends:\n{out}")
    return m.group(1)


def main():
    args = sys.argv[1:]
    if not args or args[0] != "--tauri-config":
        sys.exit(__doc__)
    args = args[1:]
    cli = None
    if args[:1] == ["--cli"]:
        cli, args = args[1], args[2:]
    if not args:
        sys.exit(__doc__)
    for b in args + ([cli] if cli else []):
        if not Path(b).is_file():
            sys.exit(f"deb_depends: {b} is not built")
    groups = [g.strip() for g in shlibs_depends(args + ([cli] if cli else [])).split(",") if g.strip()]
    names = {re.split(r"[\s(:]", g, 1)[0] for g in groups}
    groups += [p for p in RUNTIME_ONLY if p not in names]
    deb = {"depends": groups}
    if cli:
        deb["files"] = {"/usr/bin/nanoforge": str(Path(cli).resolve())}
    print(json.dumps({"bundle": {"linux": {"deb": deb}}}))


if __name__ == "__main__":
    main()
