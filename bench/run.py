#!/usr/bin/python3
"""hookd against its peers, side by side in one run, with ratios.

    /usr/bin/python3 bench/run.py [--rounds 3] [--max-batches 0] [--batch-sizes 64,256]

Runs, interleaved round by round through bench/compare_peers.py: hookd without hooks, hookd
with ActivationStats on every parameterised layer, PyTorch eager (no hooks, naive forward
hooks, fastai's ActivationStats hook) and the plain C++ libtorch loop (with and without
per-layer stats). Then one more hookd run per batch size that switches its stats hooks on and
off every 8 batches inside one process (the overhead figure least hurt by noise).
Prints every run as JSON, then the medians and ratios as a table for BENCHMARKS.md.
Needs: swift build -c release, bench/build_cpp_loop.sh, scripts/setup.sh --peers.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HOOKD = os.path.join(ROOT, ".build", "release", "hookd")


def hookd_cmd(spec, name, args, extra=""):
    limit = f" --max-batches {args.max_batches}" if args.max_batches else ""
    return f"{HOOKD} train {os.path.join(HERE, 'specs', spec)} --threads {args.threads} --bench-name {name}{limit}{extra}"


def medians(batch, args):
    nohooks = "fashion-nohooks.json" if batch == 64 else f"fashion-nohooks-bs{batch}.json"
    stats = "fashion-stats.json" if batch == 64 else f"fashion-stats-bs{batch}.json"
    cmd = ["/usr/bin/python3", os.path.join(HERE, "compare_peers.py"), "--rounds", str(args.rounds),
           "--max-batches", str(args.max_batches), "--threads", str(args.threads), "--batch-size", str(batch),
           "--peers", "torch,torch-hooks,fastai,cpp,cpp-stats",
           "--extra", "hookd=" + hookd_cmd(nohooks, "hookd", args),
           "--extra", "hookd-stats=" + hookd_cmd(stats, "hookd-stats", args)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result = {}
    for line in out.splitlines():
        print(line, flush=True)
        row = json.loads(line)
        if "median_img_per_s" in row:
            result[row["peer"]] = row
    ab = subprocess.run(hookd_cmd(stats, "hookd-ab", args, " --hooks-ab 8").split(), check=True,
                        capture_output=True, text=True).stdout.strip().splitlines()[-1]
    print(ab, flush=True)
    result["ab"] = json.loads(ab)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--max-batches", type=int, default=0, help="0 = full epoch")
    ap.add_argument("--batch-sizes", default="64,256")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if not os.path.exists(HOOKD):
        sys.exit("build hookd first: swift build -c release")
    rows = []
    for batch in [int(b) for b in args.batch_sizes.split(",")]:
        m = medians(batch, args)
        med = {k: v["median_img_per_s"] for k, v in m.items() if k != "ab"}
        rows.append((batch, med, m["ab"]))
    print("\n| batch | hookd img/s | PyTorch eager | C++ loop | hookd / eager | hookd / C++ | stats overhead: hookd (A/B in-process) | hookd (separate runs) | PyTorch hooks | fastai hooks | C++ stats |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for batch, med, ab in rows:
        cost = lambda base, hooked: med[base] / med[hooked] - 1
        print(f"| {batch} | {med['hookd']:.0f} | {med['torch']:.0f} | {med['cpp']:.0f} | {med['hookd'] / med['torch']:.2f}x "
              f"| {med['hookd'] / med['cpp']:.2f}x | {ab.get('overhead', float('nan')):+.1%} | {cost('hookd', 'hookd-stats'):+.1%} "
              f"| {cost('torch', 'torch-hooks'):+.1%} | {cost('torch', 'fastai'):+.1%} | {cost('cpp', 'cpp-stats'):+.1%} |")


if __name__ == "__main__":
    main()
