#!/usr/bin/python3
"""Training-health rules overhead, in-process A/B: every default rule (dead_units' per-channel
kernel output included) against the same hooks and recording without rules.

Each run records into a fresh --db and toggles the rules every --period batches inside one
process (`hookd train --health-ab`, BenchmarkProbe), reporting on/off median step times; rounds
repeat it, so a noisy machine shows as the spread between them.

  bench/health_ab.py --binary .build/release/hookd --rounds 5
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile

DEFAULT_SPEC = "bench/specs/fashion-all.json"  # simple_cnn, bs 64, forward hooks on all leaves


def run(binary, args, directory, index):
    db = os.path.join(directory, f"run{index}.sqlite")
    cmd = [binary, "train", args.spec, "--threads", str(args.threads), "--bench-name", "health-ab", "--db", db,
           "--health-ab", str(args.period), "--max-batches", str(args.max_batches)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = next(l for l in reversed(out.splitlines()) if l.startswith("{"))
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return json.loads(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=".build/release/hookd")
    ap.add_argument("--spec", default=DEFAULT_SPEC, help="a spec's own `alerts` switch rules off, e.g. to cost one rule")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--period", type=int, default=4)
    ap.add_argument("--max-batches", type=int, default=600)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for index in range(args.rounds):
            row = run(args.binary, args, directory, index)
            rows.append(row)
            print(f"  round {index + 1}: overhead {row['overhead'] * 100:+.2f}%, "
                  f"on {row['on_step_ms']:.3f} ms, off {row['off_step_ms']:.3f} ms per step", flush=True)
    over = [r["overhead"] * 100 for r in rows]
    on = statistics.median(r["on_step_ms"] for r in rows)
    off = statistics.median(r["off_step_ms"] for r in rows)
    print(f"## the spec's rules vs none ({args.spec}, {args.max_batches} batches, period {args.period})")
    print(f"  overhead {statistics.median(over):+.2f}% ({min(over):+.2f} to {max(over):+.2f}), "
          f"on {on:.3f} ms, off {off:.3f} ms per step")


if __name__ == "__main__":
    main()
