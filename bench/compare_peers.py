#!/usr/bin/python3
"""Run the peers alternately several times and report median img/s with the spread.

    /usr/bin/python3 bench/compare_peers.py [--rounds 3] [--max-batches 300] [--threads 2]
        [--peers torch,torch-hooks,fastai,cpp,cpp-stats] [--extra 'NAME=CMD ...']

Fresh-process throughput on these 2-core VMs swings 20-50% (PERF-NOTES.md §8), so one run proves
nothing: peers are interleaved round by round and the 1-minute load average is recorded before
each run (anything above ~0.5 means another process shares the cores). Output: one JSON line per
run, then one summary JSON line per peer.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--max-batches", type=int, default=300, help="0 = full epoch")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--peers", default="torch,torch-hooks,fastai,cpp,cpp-stats")
    ap.add_argument("--extra", action="append", default=[],
                    help="NAME=COMMAND, e.g. 'hookd=.build/release/hookd bench ...' (must print the JSON line)")
    args = ap.parse_args()
    common = ["--batch-size", str(args.batch_size), "--threads", str(args.threads), "--no-valid"]
    if args.max_batches:
        common += ["--max-batches", str(args.max_batches)]
    cpp = os.path.join(HERE, "bin", "cpp_loop")
    peer = os.path.join(HERE, "peer_torch.py")
    known = {
        "torch": [PY, peer, "--hooks", "none"] + common,
        "torch-hooks": [PY, peer, "--hooks", "torch"] + common,
        "fastai": [PY, peer, "--hooks", "fastai"] + common,
        "cpp": [cpp] + common,
        "cpp-stats": [cpp, "--stats"] + common,
    }
    cmds = {}
    for name in args.peers.split(","):
        if name:
            cmds[name] = known[name]
    for e in args.extra:
        name, _, cmd = e.partition("=")
        cmds[name] = shlex.split(cmd)
    if any(c[0] == cpp for c in cmds.values()) and not os.path.exists(cpp):
        sys.exit("bench/bin/cpp_loop missing: run bench/build_cpp_loop.sh")
    results = {n: [] for n in cmds}
    for r in range(args.rounds):
        for name, cmd in cmds.items():
            load = os.getloadavg()[0]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            line = json.loads(out.strip().splitlines()[-1])
            results[name].append(line["img_per_s"])
            print(json.dumps({"round": r, "peer": name, "load1": round(load, 2),
                              "img_per_s": line["img_per_s"], "seconds": line["seconds"]}), flush=True)
    for name, v in results.items():
        print(json.dumps({"peer": name, "runs": len(v), "median_img_per_s": statistics.median(v),
                          "min": min(v), "max": max(v)}))


if __name__ == "__main__":
    main()
