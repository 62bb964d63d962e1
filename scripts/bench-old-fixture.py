#!/usr/bin/env python3
"""Gives a library seeded by an old `nanoforge seed-synthetic` (whose 100k rows share four thumbnail
files) 1,000 distinct thumbnail and preview files, as today's seeder makes them, so the gallery
benchmark can re-baseline a commit from before the cacheable thumbnail URLs on the same fixture
(BENCHMARKS.md). Row i keeps its sample (i % 4) and gets copy i % 1000 of that sample's files.

Usage (as run.sh's NANOFORGE_BENCH_FIXTURE_HOOK): bench-old-fixture.py DATA_DIR
"""
import os
import shutil
import sqlite3
import sys

DISTINCT = 1000


def main(data_dir: str) -> None:
    dbs = [os.path.join(d, f) for d, _, fs in os.walk(data_dir) for f in fs if f == "library.sqlite"]
    if len(dbs) != 1:
        sys.exit(f"expected one library.sqlite under {data_dir}, found {dbs}")
    root = os.path.dirname(dbs[0])
    db = sqlite3.connect(dbs[0])
    rows = db.execute("SELECT rowid, thumb_path, preview_path FROM images ORDER BY rowid").fetchall()
    made = {}
    updates = []
    for i, (rowid, thumb, preview) in enumerate(rows):
        k = i % DISTINCT
        if k not in made:
            paths = []
            for src, side in ((thumb, 256), (preview, 512)):
                rel = f"thumbs/zz/synthetic-{k:04d}_{side}.jpg"
                os.makedirs(os.path.join(root, "thumbs", "zz"), exist_ok=True)
                shutil.copyfile(os.path.join(root, src), os.path.join(root, rel))
                paths.append(rel)
            made[k] = paths
        updates.append((made[k][0], made[k][1], rowid))
    with db:
        db.executemany("UPDATE images SET thumb_path = ?, preview_path = ? WHERE rowid = ?", updates)
    db.close()
    print(f"{len(rows)} rows over {len(made)} distinct thumbnails in {root}")


if __name__ == "__main__":
    main(sys.argv[1])
