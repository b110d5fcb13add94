#!/usr/bin/python3
"""GET /stats/{layer}?limit=N on a long run: hookd's index-seek sampling against the by-row
window query it replaced (run through Python's sqlite3, the same libsqlite3), on one file.

    /usr/bin/python3 bench/stats_limit.py [--rows 1000000]

1. `hookd train` a tiny synthetic spec into a temporary stats file (schema, run 1), then adds
   --rows rows for layer 0.0 (a day of a busy run is ~1M batches a layer).
2. Times the old query (git show 578dd0d:Sources/StatsStore/StatsReader+Stats.swift) with
   limit 100, then `hookd serve` on the file: the first (uncached) GET of each URL.
Needs `swift build -c release`.
"""
import argparse
import json
import os
import shutil
import sqlite3
import tempfile
import time
import urllib.request

from bench_daemon import serving, tiny_run_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOOKD = os.path.join(ROOT, ".build", "release", "hookd")

# The by-row downsampling hookd used before (every = 1).
OLD_SQL = """
WITH f AS (
    SELECT batch, mean, std, near_zero, min, max, row_number() OVER (ORDER BY batch) - 1 AS rn
    FROM activation_stats WHERE run_id = 1 AND path = '0.0' AND kind = 'forward'
), s AS (SELECT *, row_number() OVER (ORDER BY batch) - 1 AS rn2, count(*) OVER () AS n FROM f)
SELECT batch FROM s WHERE n <= :l OR rn2 = 0 OR (rn2 * (:l - 1)) / (n - 1) <> ((rn2 - 1) * (:l - 1)) / (n - 1)
ORDER BY batch
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="hookd-statslimit-")
    try:
        db_path = tiny_run_file(HOOKD, work)
        db = sqlite3.connect(db_path)
        db.executemany("INSERT OR REPLACE INTO activation_stats (run_id, path, kind, batch, epoch, mean, std, near_zero, min, max) "
                       "VALUES (1, '0.0', 'forward', ?, 0, 1.0, 2.0, 0.5, 0.0, 1.0)", ((b,) for b in range(args.rows)))
        db.commit()
        # Time the old query on the file as hookd reads it: rows in the main file, not the WAL.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        with sqlite3.connect(db_path) as db:
            t = time.perf_counter()
            old = [row[0] for row in db.execute(OLD_SQL, {"l": 100})]
            old_ms = (time.perf_counter() - t) * 1000
        with serving(HOOKD, work, db_path) as (port, _):
            print(f"| query on {args.rows:,} rows of one layer | rows | ms |")
            print("|---|---|---|")
            print(f"| old by-row window query, limit=100 (sqlite3) | {len(old)} | {old_ms:.1f} |")
            for query in ["limit=100", "limit=1000", f"limit=100&from={args.rows // 2}&to={args.rows // 2 + args.rows // 10}"]:
                t = time.perf_counter()
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats/0.0?run=1&{query}") as response:
                    body = json.loads(response.read())
                if query == "limit=100":
                    # One row per batch: the seek sampling must pick exactly the old query's rows.
                    assert body["batch"] == old, "hookd's limit=100 differs from the by-row query"
                print(f"| hookd GET /stats/0.0?{query} (uncached, HTTP included) | {len(body['batch'])} | {(time.perf_counter() - t) * 1000:.1f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
