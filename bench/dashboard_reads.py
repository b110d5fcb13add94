#!/usr/bin/python3
"""The dashboard's first reads on a long run: GET /runs/{id}/batches?limit=1000 and
GET /histograms/{layer}?limit=400 (index-seek sampling, `SampledTable`) against the by-row
window query they first used (run through Python's sqlite3, the same libsqlite3), on one file.

    /usr/bin/python3 bench/dashboard_reads.py [--rows 1000000] [--histograms 200000] [--hookd PATH]

1. `hookd train` a tiny synthetic spec into a temporary stats file (schema, run 1), then adds
   --rows batch metrics and --histograms histograms of layer 0.0.
2. Times the by-row query for each, then `hookd serve` on the file: the first (uncached) GET of
   each URL, HTTP included; the picks must equal the by-row query's (one row per batch).
Needs `swift build -c release` (or --hookd .build/debug/hookd).
"""
import argparse
import json
import os
import shutil
import sqlite3
import tempfile
import time
import urllib.request

from bench_daemon import by_row, serving, tiny_run_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--histograms", type=int, default=200_000)
    ap.add_argument("--hookd", default=os.path.join(ROOT, ".build", "release", "hookd"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="hookd-dashreads-")
    try:
        db_path = tiny_run_file(args.hookd, work)
        db = sqlite3.connect(db_path)
        db.executemany("INSERT OR REPLACE INTO batch_metrics (run_id, batch, epoch, loss, lr) VALUES (1, ?, 0, 0.5, 0.001)",
                       ((b,) for b in range(args.rows)))
        counts = json.dumps([b % 7 for b in range(40)])
        db.executemany("INSERT OR REPLACE INTO histograms (run_id, module, kind, batch, epoch, lo, hi, counts) "
                       "VALUES (1, '0.0', 'forward', ?, 0, 0, 10, ?)", ((b, counts) for b in range(args.histograms)))
        db.commit()
        # Time on the file as hookd reads it: rows in the main file, not the WAL.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        cases = [
            ("batches", "/runs/1/batches?limit=1000", 1000,
             by_row("batch_metrics", "run_id = 1", "epoch, loss, lr")),
            ("histograms", "/histograms/0.0?run=1&limit=400", 400,
             by_row("histograms", "run_id = 1 AND module = '0.0' AND kind = 'forward'", "epoch, lo, hi, counts")),
        ]
        old = {}
        with sqlite3.connect(db_path) as db:
            for name, _, limit, sql in cases:
                t = time.perf_counter()
                old[name] = ([row[0] for row in db.execute(sql, {"l": limit})], (time.perf_counter() - t) * 1000)
        with serving(args.hookd, work, db_path) as port:
            print(f"| read ({args.rows:,} batch metrics, {args.histograms:,} histograms of 0.0) | rows | by-row query ms | hookd GET ms (uncached, HTTP included) | ratio |")
            print("|---|---|---|---|---|")
            for name, url, _, _ in cases:
                t = time.perf_counter()
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}") as response:
                    body = json.loads(response.read())
                ms = (time.perf_counter() - t) * 1000
                picks, old_ms = old[name]
                assert body["batch"] == picks, f"{url}: hookd's picks differ from the by-row query's"
                print(f"| `GET {url}` | {len(picks)} | {old_ms:.1f} | {ms:.1f} | {old_ms / ms:.0f}x |")
            zoom = f"/runs/1/batches?limit=1000&from={args.rows // 2}&to={args.rows // 2 + args.rows // 10}"
            t = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{zoom}") as response:
                rows = len(json.loads(response.read())["batch"])
            print(f"| `GET {zoom}` (a zoom) | {rows} | | {(time.perf_counter() - t) * 1000:.1f} | |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
