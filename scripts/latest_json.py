#!/usr/bin/env python3
"""Writes the updater's `latest.json` (tauri-plugin-updater's static format) to stdout.

Each package given gets its platform key (`linux-x86_64-deb`, `linux-x86_64-rpm`: the plugin looks for
`{os}-{arch}-{installer}` first), its download URL under --base-url, and the contents of its `.sig`
file (the minisign signature `tauri build`/`tauri signer sign` wrote beside it). A package without its
`.sig` is an error: an unsigned entry would only make every client refuse the update.

    scripts/latest_json.py --version 0.2.0 --notes-file NOTES.md \\
        --base-url https://github.com/OWNER/nanoforge/releases/download/v0.2.0 \\
        --deb target/release/bundle/deb/Nanoforge_0.2.0_amd64.deb \\
        --rpm target/release/bundle/rpm/Nanoforge-0.2.0-1.x86_64.rpm > latest.json
"""
import argparse
import datetime
import json
import os
import sys
import urllib.parse


def entry(package: str, base_url: str) -> dict:
    sig_path = package + ".sig"
    if not os.path.isfile(sig_path):
        sys.exit(f"latest_json: {sig_path} is missing (build with TAURI_SIGNING_PRIVATE_KEY set)")
    with open(sig_path, encoding="utf-8") as f:
        signature = f.read().strip()
    name = urllib.parse.quote(os.path.basename(package))
    return {"url": f"{base_url.rstrip('/')}/{name}", "signature": signature}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True)
    parser.add_argument("--base-url", required=True, help="where the packages are downloaded from")
    parser.add_argument("--notes", default="")
    parser.add_argument("--notes-file")
    parser.add_argument("--deb")
    parser.add_argument("--rpm")
    args = parser.parse_args()
    if not args.deb and not args.rpm:
        sys.exit("latest_json: give --deb and/or --rpm")
    notes = args.notes
    if args.notes_file:
        with open(args.notes_file, encoding="utf-8") as f:
            notes = f.read().strip()
    platforms = {}
    if args.deb:
        platforms["linux-x86_64-deb"] = entry(args.deb, args.base_url)
    if args.rpm:
        platforms["linux-x86_64-rpm"] = entry(args.rpm, args.base_url)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    json.dump(
        {
            "version": args.version,
            "notes": notes,
            "pub_date": now.isoformat().replace("+00:00", "Z"),
            "platforms": platforms,
        },
        sys.stdout,
        indent=2,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
