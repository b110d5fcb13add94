#!/usr/bin/python3
"""Statistics-hook overhead, in-process A/B, for one or two hookd builds side by side.

Each run toggles the stats hooks every --period batches inside one process (BenchmarkProbe) and
reports on/off median step times; builds alternate run by run, so a noisy machine hits both.
Prints, per spec and build, the median overhead with its range, and on/off step times.

  bench/hooks_ab.py --build before=/work/wt-before/.build/release/hookd \\
                    --build after=.build/release/hookd --rounds 5
"""
import argparse
import json
import statistics
import subprocess

SPECS = {
    "all leaves, mean/std/near_zero": "bench/specs/fashion-all.json",
    "all leaves + histogram": "bench/specs/fashion-all-hist.json",
    "all + histogram, backward on params": "bench/specs/fashion-all-hist-backward.json",
}


def run(binary, spec, args):
    cmd = [binary, "train", spec, "--threads", str(args.threads), "--bench-name", "ab",
           "--hooks-ab", str(args.period), "--max-batches", str(args.max_batches)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = next(l for l in reversed(out.splitlines()) if l.startswith("{"))
    return json.loads(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", action="append", required=True, help="NAME=PATH of a hookd binary")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--period", type=int, default=4)
    ap.add_argument("--max-batches", type=int, default=600)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    builds = [b.split("=", 1) for b in args.build]
    for title, spec in SPECS.items():
        results = {name: [] for name, _ in builds}
        for _ in range(args.rounds):
            for name, binary in builds:
                results[name].append(run(binary, spec, args))
        print(f"## {title} ({spec})")
        for name, rows in results.items():
            over = [r["overhead"] * 100 for r in rows]
            on = statistics.median(r["on_step_ms"] for r in rows)
            off = statistics.median(r["off_step_ms"] for r in rows)
            print(f"  {name:8s} overhead {statistics.median(over):+6.1f}% ({min(over):+.1f} to {max(over):+.1f}), "
                  f"on {on:.3f} ms, off {off:.3f} ms per step")


if __name__ == "__main__":
    main()
