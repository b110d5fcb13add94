#!/usr/bin/python3
"""hookd's StatsWriter against a bare C SQLite insert loop, interleaved, with the ratio.

    /usr/bin/python3 bench/store.py [--rows 500000] [--rounds 5]

Both write the same activation_stats rows (schema, WAL, synchronous=NORMAL, 1000 rows per
transaction) into a fresh file under /tmp. Needs swift build -c release (StoreBench) and a C
compiler; builds bench/bin/store_peer itself.
"""
import argparse
import json
import os
import statistics
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=500_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--train-rounds", type=int, default=3, help="in-process A/B runs of training with and without the store")
    args = ap.parse_args()
    os.makedirs(os.path.join(HERE, "bin"), exist_ok=True)
    peer = os.path.join(HERE, "bin", "store_peer")
    subprocess.run(["cc", "-O2", "-o", peer, os.path.join(HERE, "store_peer.c"), "-lsqlite3"], check=True)
    cmds = {"c-insert-loop": [peer, "/tmp/hookd-store-peer.sqlite", str(args.rows)],
            "hookd-writer": [os.path.join(ROOT, ".build", "release", "StoreBench"), "/tmp/hookd-store-bench.sqlite", str(args.rows)]}
    rates = {name: [] for name in cmds}
    for r in range(args.rounds):
        for name, cmd in cmds.items():
            line = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
            assert line.get("dropped", 0) == 0, line
            rates[name].append(line["rows_per_s"])
            print(json.dumps({"round": r, **line}), flush=True)
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f"\n| rows | C insert loop rows/s (median) | hookd writer rows/s (median) | hookd / C |")
    print("|---|---|---|---|")
    print(f"| {args.rows} | {med['c-insert-loop']:.0f} | {med['hookd-writer']:.0f} | {med['hookd-writer'] / med['c-insert-loop']:.2f}x |")

    # Training with the store on vs stats kept in memory only: one process switches the
    # recorder every 8 batches (separate processes are too noisy for a 3% effect).
    hookd = os.path.join(ROOT, ".build", "release", "hookd")
    spec = os.path.join(HERE, "specs", "fashion-stats.json")
    overheads = []
    for r in range(args.train_rounds):
        db = "/tmp/hookd-store-ab.sqlite"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
        out = subprocess.run([hookd, "train", spec, "--db", db, "--threads", "2", "--store-ab", "8",
                              "--bench-name", "hookd-store-ab"], check=True, capture_output=True, text=True).stdout
        line = json.loads(out.strip().splitlines()[-1])
        overheads.append(line["overhead"])
        print(json.dumps({"round": r, **line}), flush=True)
    print(f"\n| training with the SQLite store on vs memory only (in-process A/B, median of {len(overheads)}) | {statistics.median(overheads):+.1%} |")


if __name__ == "__main__":
    main()
