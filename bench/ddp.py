#!/usr/bin/python3
"""Data-parallel scaling: hookd at world size 2 x 1 thread against world size 1 x 1 thread on the
same images, and against PyTorch DistributedDataParallel over gloo at the same configuration.

    /usr/bin/python3 bench/ddp.py [--rounds 3] [--hookd .build/release/hookd] [--epochs 1]

Every configuration trains the same MLP (784-512-256-10, ReLU) on all 60,000 Fashion-MNIST training
images for --epochs epochs (whole epochs: in runs of 200 batches per rank, each rank's wait for the
other's start-up, inside its timed loop, took ~0.1 off both peers' scaling), SGD (lr 0.05, momentum
0.9, constant), batch 64 per rank, from the same initial weights (scripts/ddp_peer.py init), no
stats hooks, one intra-op thread per rank, all ranks on 127.0.0.1. A rank's time is its training
loop (first batch to last step); a run's throughput is all ranks' images over its slowest rank's
time. "hookd 2 alone" is two lone processes at once, each training one rank's share: the
machine's own ceiling for two processes (two vCPUs of a shared host are not two free cores),
against which the ranks' communication is measured. Configurations are interleaved round by
round, in reverse order every other round, so a drift of the shared VM's speed (10-15% within
minutes here) weighs on both sides of a ratio alike. Output: one JSON line per run, then a summary
table for BENCHMARKS.md with each ratio twice: of the medians, and the median of the rounds' own
ratios (each from runs a minute apart).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from bench_daemon import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "..", "scripts", "ddp_peer.py")
PY = "/usr/bin/python3"
DATA = "/usr/share/datasets/fashion-mnist"
LAYERS = "784,512,256,10"


def spec(path, weights, epochs):
    with open(path, "w") as f:
        json.dump({"name": "ddp-bench", "model": {"arch": "mlp", "layers": [int(v) for v in LAYERS.split(",")],
                                                  "weights": weights},
                   "data": {"format": "idx", "path": DATA},
                   "train": {"epochs": epochs, "batch_size": 64, "optimizer": "sgd", "lr": 0.05, "momentum": 0.9,
                             "schedule": "constant", "seed": 42, "threads": 1},
                   "hooks": []}, f)
    return path


def hookd(binary, spec_path, world_size):
    port = free_port()
    ranks = [subprocess.Popen([binary, "train", spec_path, "--bench-name", "hookd"]
                              + (["--world-size", str(world_size), "--rank", str(r), "--master", f"127.0.0.1:{port}"]
                                 if world_size > 1 else []),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for r in range(world_size)]
    lines = [json.loads(p.communicate(timeout=1200)[0].strip().splitlines()[-1]) for p in ranks]
    if any(p.returncode != 0 for p in ranks):
        sys.exit(f"hookd world size {world_size} failed")
    return sum(l["images"] for l in lines), max(l["seconds"] for l in lines)


def alone_pair(binary, spec_path, epochs):
    """Two lone hookd processes at once, each training as many batches as one rank of 2 x 1: the
    most any data-parallel run of two can get from this machine, with no communication at all."""
    batches = str(-(-60000 // (2 * 64)) * epochs)
    ranks = [subprocess.Popen([binary, "train", spec_path, "--bench-name", "alone", "--max-batches", batches],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(2)]
    lines = [json.loads(p.communicate(timeout=1200)[0].strip().splitlines()[-1]) for p in ranks]
    if any(p.returncode != 0 for p in ranks):
        sys.exit("two lone hookd processes failed")
    return sum(l["images"] for l in lines), max(l["seconds"] for l in lines)


def torch_ddp(init, world_size, epochs):
    out = subprocess.run([PY, PEER, "train", "--data", DATA, "--layers", LAYERS, "--init", init,
                          "--world-size", str(world_size), "--port", str(free_port()), "--epochs", str(epochs),
                          "--batch-size", "64", "--lr", "0.05", "--momentum", "0.9", "--seed", "42"],
                         capture_output=True, text=True, timeout=1200, check=True).stdout
    result = json.loads(out)
    return sum(result["images"]), max(result["seconds"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--hookd", default=os.path.join(HERE, "..", ".build", "release", "hookd"))
    ap.add_argument("--epochs", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        init = os.path.join(tmp, "init.pt")
        subprocess.run([PY, PEER, "init", init, "--layers", LAYERS], check=True)
        spec_path = spec(os.path.join(tmp, "spec.json"), init, args.epochs)
        configs = {
            "hookd 1x1": lambda: hookd(args.hookd, spec_path, 1),
            "hookd 2x1": lambda: hookd(args.hookd, spec_path, 2),
            "hookd 2 alone": lambda: alone_pair(args.hookd, spec_path, args.epochs),
            "torch DDP 1x1": lambda: torch_ddp(init, 1, args.epochs),
            "torch DDP 2x1": lambda: torch_ddp(init, 2, args.epochs),
        }
        rates = {name: [] for name in configs}
        for round_ in range(args.rounds):
            order = list(configs.items())
            for name, run in (order if round_ % 2 == 0 else reversed(order)):
                load = os.getloadavg()[0]
                images, seconds = run()
                rates[name].append(images / seconds)
                print(json.dumps({"round": round_, "config": name, "images": images, "seconds": round(seconds, 3),
                                  "img_per_s": round(images / seconds, 1), "load1": round(load, 2)}), flush=True)
    median = {name: statistics.median(r) for name, r in rates.items()}
    print("\n| configuration | img/s, median (min-max) |\n|---|---|")
    for name, r in rates.items():
        print(f"| {name} | {median[name]:,.0f} ({min(r):,.0f}-{max(r):,.0f}) |")
    print()
    for label, top, bottom in [("hookd scaling 2x1 / 1x1", "hookd 2x1", "hookd 1x1"),
                               ("the machine's ceiling: 2 alone / 1x1", "hookd 2 alone", "hookd 1x1"),
                               ("hookd 2x1 / 2 alone (what the ranks' communication leaves)", "hookd 2x1", "hookd 2 alone"),
                               ("torch DDP scaling 2x1 / 1x1", "torch DDP 2x1", "torch DDP 1x1"),
                               ("hookd 2x1 / torch DDP 2x1", "hookd 2x1", "torch DDP 2x1"),
                               ("hookd 1x1 / torch DDP 1x1", "hookd 1x1", "torch DDP 1x1")]:
        rounds = [a / b for a, b in zip(rates[top], rates[bottom])]
        print(f"{label}: {median[top] / median[bottom]:.2f}x of the medians; rounds "
              f"{', '.join(f'{r:.2f}' for r in rounds)}, median {statistics.median(rounds):.2f}x")


if __name__ == "__main__":
    main()
