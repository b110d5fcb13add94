#!/usr/bin/python3
"""PyTorch DistributedDataParallel over gloo: the reference hookd's data-parallel runs must equal.

Run with Debian's interpreter (python3-torch, the libtorch build hookd links):

    /usr/bin/python3 scripts/ddp_peer.py init OUT.pt --layers 64,32,10 [--seed 7]
        torch.save of a freshly initialised MLP (Flatten, Linear, ReLU, ..., Linear): the
        initial weights both sides start from (hookd's rank 0 reads them as model.weights)
    /usr/bin/python3 scripts/ddp_peer.py train --data DIR --layers 64,32,10 --init INIT.pt
            --world-size N --port P [--batch-size 8] [--epochs 6] [--lr 0.05] [--momentum 0.9]
            [--seed 42]
        N processes on 127.0.0.1, DDP over gloo (broadcast_buffers=False; rank 0 loads INIT.pt,
        the others start from other random weights, which DDP's broadcast replaces); prints
        {"losses": [[rank 0's per-step losses], ...], "params": {name: [values]}, "seconds":
        [each rank's training-loop seconds], "images": [each rank's images]} on stdout
    /usr/bin/python3 scripts/ddp_peer.py dump FILE.pt
        {name: [values]} of a state_dict file (what hookd --save-weights wrote), as JSON

The data are hookd's: DIR holds MNIST-layout IDX files (train-images-idx3-ubyte, plain or .gz), normalised
with the training split's per-channel mean and std as hookd's Normalization computes them, and
every epoch visits the training split in hookd's seeded order (SplitMix64(seed ^ epoch), a
Fisher-Yates shuffle), which torch's own DistributedSampler (shuffle=False) then pads and
strides by rank. Everything is single-threaded, so reruns give the same numbers.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler, Subset, TensorDataset

from splitmix64 import SplitMix64  # hookd's generator, shared with the other scripts


def read_idx(path):
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            data = f.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = struct.unpack(">" + "I" * (magic & 0xFF), data[4:4 + 4 * (magic & 0xFF)])
    return np.frombuffer(data[4 + 4 * len(dims):], dtype=np.uint8).reshape(dims)


def load_training_split(directory):
    """Normalised images (N, 1, H, W) and labels, as hookd's DataLoader makes its batches."""
    pixels = read_idx(os.path.join(directory, "train-images-idx3-ubyte"))
    labels = read_idx(os.path.join(directory, "train-labels-idx1-ubyte"))
    n = pixels.size
    mean = float(pixels.astype(np.uint64).sum()) / n / 255
    variance = max(0.0, float((pixels.astype(np.uint64) ** 2).sum()) / n / (255 * 255) - mean * mean)
    mean32, std32 = np.float32(mean), np.float32(variance ** 0.5)
    std32 = std32 if std32 > 0 else np.float32(1)
    scale = np.float32(1) / (np.float32(255) * std32)
    bias = -mean32 / std32
    images = pixels.astype(np.float32) * scale + bias
    x = torch.from_numpy(images.astype(np.float32)).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    return TensorDataset(x, y)


def mlp(layers):
    modules = [nn.Flatten()]
    for i in range(len(layers) - 1):
        modules.append(nn.Linear(layers[i], layers[i + 1]))
        if i < len(layers) - 2:
            modules.append(nn.ReLU())
    return nn.Sequential(*modules)


def flat(state):
    return {name: t.detach().reshape(-1).double().tolist() for name, t in state.items()}


def rank_main(rank, args, out_dir):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{args.port}", rank=rank,
                            world_size=args.world_size)
    torch.manual_seed(1000 + rank)
    model = mlp(args.layers)
    if rank == 0:
        model.load_state_dict(torch.load(args.init))
    ddp = nn.parallel.DistributedDataParallel(model, broadcast_buffers=False)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=args.lr, momentum=args.momentum)
    data = load_training_split(args.data)
    losses = []
    images = 0
    started = None
    for epoch in range(args.epochs):
        order = SplitMix64(args.seed ^ epoch).permutation(len(data))
        epoch_data = Subset(data, order)
        sampler = DistributedSampler(epoch_data, num_replicas=args.world_size, rank=rank, shuffle=False)
        for x, y in DataLoader(epoch_data, batch_size=args.batch_size, sampler=sampler):
            # As hookd's --bench-name: from the first batch in hand to the last step's end.
            started = started or time.perf_counter()
            images += len(y)
            loss = nn.functional.cross_entropy(ddp(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    result = {"losses": losses, "seconds": time.perf_counter() - started, "images": images}
    if rank == 0:
        result["params"] = flat(model.state_dict())
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as f:
        json.dump(result, f)
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init")
    init.add_argument("out")
    init.add_argument("--layers", required=True)
    init.add_argument("--seed", type=int, default=7)
    train = sub.add_parser("train")
    train.add_argument("--data", required=True)
    train.add_argument("--layers", required=True)
    train.add_argument("--init", required=True)
    train.add_argument("--world-size", type=int, required=True)
    train.add_argument("--port", type=int, required=True)
    train.add_argument("--batch-size", type=int, default=8)
    train.add_argument("--epochs", type=int, default=6)
    train.add_argument("--lr", type=float, default=0.05)
    train.add_argument("--momentum", type=float, default=0.9)
    train.add_argument("--seed", type=int, default=42)
    dump = sub.add_parser("dump")
    dump.add_argument("file")
    args = parser.parse_args()
    if hasattr(args, "layers"):
        args.layers = [int(v) for v in args.layers.split(",")]

    if args.command == "init":
        torch.manual_seed(args.seed)
        torch.save(mlp(args.layers).state_dict(), args.out)
    elif args.command == "dump":
        json.dump(flat(torch.load(args.file)), sys.stdout)
    else:
        with tempfile.TemporaryDirectory() as out_dir:
            mp.start_processes(rank_main, args=(args, out_dir), nprocs=args.world_size, start_method="fork")
            ranks = []
            for rank in range(args.world_size):
                with open(os.path.join(out_dir, f"rank{rank}.json")) as f:
                    ranks.append(json.load(f))
        json.dump({"losses": [r["losses"] for r in ranks], "params": ranks[0]["params"],
                   "seconds": [r["seconds"] for r in ranks], "images": [r["images"] for r in ranks]}, sys.stdout)


if __name__ == "__main__":
    main()
