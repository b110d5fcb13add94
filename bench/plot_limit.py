#!/usr/bin/python3
"""GET /plots/{layer}.svg?limit=N on a long run: the SVG's size and time, and the colorful
dimension's index-seek sampling against a by-row window query over the same histograms.

    /usr/bin/python3 bench/plot_limit.py [--rows 200000] [--hookd .build/release/hookd]

1. `hookd train` a tiny synthetic spec into a temporary stats file (schema, run 1), then adds
   --rows batches of layer 0.0: a stats row and a 40-bin histogram each (a histogram hook on
   every batch of a long run).
2. Times the by-row window query (the sampling `/stats` used before index seeks) over the
   histograms with limit 100, through Python's sqlite3 (the same libsqlite3), then `hookd serve`
   on the file: the first (uncached) GET of each URL, HTTP included.
Needs `swift build -c release` (or --hookd for another build).
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
import urllib.request

from bench_daemon import by_row, serving, tiny_run_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--hookd", default=os.path.join(ROOT, ".build", "release", "hookd"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="hookd-plotlimit-")
    try:
        db_path = tiny_run_file(args.hookd, work)
        rng = random.Random(1)
        db = sqlite3.connect(db_path)
        db.executemany("INSERT OR REPLACE INTO activation_stats (run_id, path, kind, batch, epoch, mean, std, near_zero, min, max) "
                       "VALUES (1, '0.0', 'forward', ?, 0, ?, 2.0, 0.5, 0.0, 1.0)", ((b, rng.random()) for b in range(args.rows)))
        # A ReLU layer's histogram: most values in the low bins, the rest empty.
        db.executemany("INSERT OR REPLACE INTO histograms (run_id, module, kind, batch, epoch, lo, hi, counts) "
                       "VALUES (1, '0.0', 'forward', ?, 0, 0, 10, ?)",
                       ((b, json.dumps([rng.randint(0, 5000 >> min(i, 20)) if i < 20 else 0 for i in range(40)]))
                        for b in range(args.rows)))
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        with sqlite3.connect(db_path) as db:
            t = time.perf_counter()
            sampled = [row[0] for row in db.execute(by_row("histograms", "run_id = 1 AND module = '0.0' AND kind = 'forward'", "counts"), {"l": 100})]
            by_row_ms = (time.perf_counter() - t) * 1000
        with serving(args.hookd, work, db_path) as (port, _):
            print(f"| query on {args.rows:,} batches of one layer | batches | SVG bytes | ms |")
            print("|---|---|---|---|")
            print(f"| by-row window query over histograms, limit=100 (sqlite3, no SVG) | {len(sampled)} | | {by_row_ms:.1f} |")
            for query in ["stat=color_dim&limit=100", "stat=color_dim&limit=1000", "stat=mean&limit=100", "stat=mean&limit=1000"]:
                t = time.perf_counter()
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/plots/0.0.svg?run=1&{query}") as response:
                    body = response.read().decode()
                ms = (time.perf_counter() - t) * 1000
                columns = body.count('class="column"') if "color_dim" in query else body.split('class="series" d="')[1].count("L") + 1
                if query == "stat=color_dim&limit=100":
                    # One row per batch: the seek sampling picks exactly the by-row query's batches.
                    batches = [int(part.split('"')[0]) for part in body.split('data-batch="')[1:]]
                    assert batches == sampled, "the plot's columns differ from the by-row sampling"
                print(f"| hookd GET /plots/0.0.svg?{query} (uncached, HTTP included) | {columns} | {len(body):,} | {ms:.1f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
