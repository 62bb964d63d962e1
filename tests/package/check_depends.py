#!/usr/bin/env python3
"""Checks a .deb's Depends against what its binaries link.

dpkg-shlibdeps reads the ELF NEEDED entries of every binary in the package and maps each library
to the Debian package (and minimum version, from the symbols files) that provides it. Every such
requirement must be met by the package's own Depends: the same package (or one of its
alternatives) with a version constraint at least as strict. Installing on a machine that already
has every -dev library would prove nothing, so this is the check that the package installs
anywhere its Depends are satisfied.

Usage: check_depends.py PACKAGE.deb
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from package_config import shlibs_depends  # noqa: E402


def parse(field):
    """'a (>= 1) | b, c' -> [[('a', '>=', '1'), ('b', None, None)], [('c', None, None)]]"""
    groups = []
    for group in filter(None, (g.strip() for g in field.split(","))):
        alts = []
        for alt in group.split("|"):
            m = re.fullmatch(r"\s*([a-z0-9][a-z0-9+.-]+)(?::\w+)?\s*(?:\((<<|<=|=|>=|>>)\s*([^)\s]+)\))?\s*", alt)
            if not m:
                sys.exit(f"check_depends: cannot parse dependency '{alt}'")
            alts.append(m.groups())
        groups.append(alts)
    return groups


def version_ge(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "ge", b]).returncode == 0


def satisfies(declared, required):
    """A declared alternative names the required package with a minimum version >= the required one."""
    name, _, need = required
    for dname, dop, dver in declared:
        if dname != name:
            continue
        if need is None or (dop in (">=", ">>", "=") and version_ge(dver, need)):
            return True
    return False


def main():
    deb = Path(sys.argv[1]).resolve()
    depends = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], check=True, capture_output=True,
                             text=True).stdout.strip()
    declared = [alt for group in parse(depends) for alt in group]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "root")
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        elfs = sorted(str(p) for p in root.rglob("*")
                      if p.is_file() and not p.is_symlink() and p.open("rb").read(4) == b"\x7fELF")
        if not elfs:
            sys.exit(f"check_depends: no binaries in {deb.name}")
        linked = shlibs_depends(elfs)
    required = parse(linked)
    missing = [" | ".join(f"{n} ({o} {v})" if v else n for n, o, v in group) for group in required
               if not any(satisfies(declared, alt) for alt in group)]
    rel = [str(Path(e).relative_to(root)) for e in elfs]
    print(f"check_depends: {', '.join(rel)} link: {linked}")
    print(f"check_depends: the package declares: {depends}", flush=True)
    if missing:
        print("check_depends: Depends lacks (the bundler was not given scripts/package_config.py's list): "
              + ", ".join(missing), file=sys.stderr)
        sys.exit(1)
    print("check_depends: every linked library is covered by Depends")


if __name__ == "__main__":
    main()
