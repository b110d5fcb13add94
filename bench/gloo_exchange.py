#!/usr/bin/python3
"""Two ranks over gloo on 127.0.0.1: Gloo's ring all-reduce against one exchange (isend + irecv,
then the add), for the bucket sizes of bench/ddp.py's MLP. Why hookd's gradient reducer exchanges
its buckets at world size 2 (BENCHMARKS.md, data-parallel section).

    /usr/bin/python3 bench/gloo_exchange.py [--steps 300]

Both ranks loop in lockstep; each size and method is timed twice, alternating, and rank 0 prints
milliseconds per operation.
"""
import argparse
import os
import subprocess
import sys
import time

import torch
import torch.distributed as dist

from bench_daemon import free_port

# The MLP 784-512-256-10: the first layer's weight and bias (the last bucket), the other two layers
# (the first bucket), and a small message.
SIZES = {"first layer (1.6 MB)": 784 * 512 + 512, "later layers (0.5 MB)": 512 * 256 + 256 + 256 * 10 + 10,
         "1,000 floats": 1000}


def rank_main(rank, port, steps):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    peer = 1 - rank
    for label, n in SIZES.items():
        mine, theirs = torch.randn(n), torch.empty(n)
        times = {"all_reduce": [], "exchange": []}
        for method in ["all_reduce", "exchange"] * 2:
            dist.barrier()
            start = time.perf_counter()
            for _ in range(steps):
                if method == "all_reduce":
                    dist.all_reduce(mine)
                else:
                    receive = dist.irecv(theirs, peer)
                    dist.isend(mine, peer).wait()
                    receive.wait()
                    mine.add_(theirs)
                # Keep the values bounded: both methods double them.
                mine.mul_(0.5)
            times[method].append((time.perf_counter() - start) / steps * 1e3)
        if rank == 0:
            print(f"{label}: all_reduce {', '.join(f'{t:.2f}' for t in times['all_reduce'])} ms; "
                  f"exchange {', '.join(f'{t:.2f}' for t in times['exchange'])} ms", flush=True)
    dist.destroy_process_group()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--rank", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rank is not None:
        rank_main(args.rank, args.port, args.steps)
        return
    port = free_port()
    ranks = [subprocess.Popen([sys.executable, os.path.abspath(__file__), "--rank", str(r), "--port", str(port),
                               "--steps", str(args.steps)]) for r in range(2)]
    if any(p.wait() != 0 for p in ranks):
        sys.exit("a rank failed")


if __name__ == "__main__":
    main()
