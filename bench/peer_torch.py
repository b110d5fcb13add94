#!/usr/bin/python3
"""PyTorch-eager peer for hookd's Fashion-MNIST benchmark.

    /usr/bin/python3 bench/peer_torch.py [--batch-size 64] [--epochs 1] [--threads 2]
                                         [--hooks none|torch|fastai] [--max-batches N]

Same job as hookd's default run: fastai v2.7 SimpleCNN([1,16,32,64,10], bn=True) on
Fashion-MNIST (/usr/share/datasets/fashion-mnist, IDX gz), pixels/255 normalised with the
train set's mean and population std, torch.optim.Adam(betas (0.9, 0.999), eps 1e-8, no weight
decay) with fastai's one-cycle lr (lr_max 0.003, div 25, div_final 1e5, pct_start 0.25) and
beta1 (0.95 -> 0.85 -> 0.95), seed 42, shuffled with a seeded generator, last partial batch
dropped (fastai's training DataLoader default: shuffle=True, drop_last=True). Validation: the
t10k split in eval mode under no_grad.

Prints one JSON line: {"peer": "pytorch-eager", "hooks", "batch_size", "images", "seconds",
"img_per_s", "valid_loss", "valid_acc", ...}; `seconds` covers the training loop only (batch
gathering, forward, hooks, backward, step), not file loading or validation.
"""
import argparse
import gzip
import json
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from fastai_models import simple_cnn  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir):
    xs = {}
    for split, prefix in (("train", "train"), ("valid", "t10k")):
        x = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
        y = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64)
        xs[split] = (x, y)
    train_x = xs["train"][0]
    mean = float(train_x.mean(dtype=np.float64))
    std = float(train_x.std(dtype=np.float64))  # population std (ddof=0)
    out = {}
    for split, (x, y) in xs.items():
        t = torch.from_numpy((x - np.float32(mean)) / np.float32(std)).unsqueeze(1).contiguous()
        out[split] = (t, torch.from_numpy(y))
    return out, mean, std


# ---- fastai v2.7 one-cycle (fastai/callback/schedule.py) --------------------------------
def sched_cos(start, end, pos):
    return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2


def combined_cos(pct, start, middle, end):
    pcts = torch.cumsum(torch.tensor([0, pct, 1 - pct]), 0)  # float32, as fastai's tensor()
    scheds = [lambda p: sched_cos(start, middle, p), lambda p: sched_cos(middle, end, p)]

    def _inner(pos):
        idx = min((pos >= pcts).nonzero().max(), len(pcts) - 2)
        return scheds[idx](((pos - pcts[idx]) / (pcts[idx + 1] - pcts[idx])).item())
    return _inner


# ---- hooks ------------------------------------------------------------------------------
def param_leaves(model):
    """fastai's default HookCallback modules: flatten_model(model) filtered by has_params."""
    return [m for m in model.modules() if len(list(m.children())) == 0 and len(list(m.parameters())) > 0]


class TorchHooks:
    """The naive PyTorch way: a forward hook per parameterised leaf, stats via .item()."""
    def __init__(self, modules):
        self.stats = []
        self.handles = [m.register_forward_hook(self.hook) for m in modules]

    def hook(self, m, i, o):
        o = o.detach()
        self.stats.append((o.mean().item(), o.std().item(), (o <= 0.05).float().mean().item()))

    def after_batch(self, training):
        pass

    def remove(self):
        for h in self.handles:
            h.remove()


class FastaiActivationStats:
    """fastai v2.7 callback/hook.py ActivationStats, reproduced (with_hist=False, every=None).

    Found in the source:
      HookCallback(modules=None, every=None, remove_end=True, is_forward=True, detach=True, cpu=True)
        before_fit: modules = [m for m in flatten_model(self.model) if has_params(m)]; registers
        Hooks(modules, self.hook, is_forward, detach, cpu) once (every is None) -> hooks also run
        on validation batches; after_fit removes them.
      Hook.hook_fn: if self.detach: input,output = to_detach(input, cpu=...), to_detach(output, cpu=...)
                    self.stored = self.hook_func(module, input, output)
      ActivationStats.hook(self, m, i, o):
          if isinstance(o, tuple): return self.hook_multi_ouput(o)
          o = o.float()
          res = {'mean': o.mean().item(), 'std': o.std().item(),
                 'near_zero': (o<=0.05).long().sum().item()/o.numel()}
          if self.with_hist: res['hist'] = o.histc(40,0,10)
          return res
      ActivationStats.after_batch: if self.training and (self.every is None or
          self.train_iter%self.every == 0): self.stats.append(self.hooks.stored)
    (to_detach(x, cpu=True) is x.detach().cpu(): no copy on a CPU tensor.)
    """
    def __init__(self, modules):
        self.stats = []
        self.stored = [None] * len(modules)
        self.handles = [m.register_forward_hook(self._hook_fn(i)) for i, m in enumerate(modules)]

    def _hook_fn(self, idx):
        def hook_fn(module, input, output):
            input = tuple(t.detach().cpu() for t in input)
            output = output.detach().cpu()
            self.stored[idx] = self.hook(module, input, output)
        return hook_fn

    @staticmethod
    def hook(m, i, o):
        o = o.float()
        return {'mean': o.mean().item(), 'std': o.std().item(),
                'near_zero': (o <= 0.05).long().sum().item() / o.numel()}

    def after_batch(self, training):
        if training:
            self.stats.append(list(self.stored))

    def remove(self):
        for h in self.handles:
            h.remove()


def evaluate(model, x, y, bs=1000):
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), bs):
            out = model(x[i:i + bs])
            loss_sum += F.cross_entropy(out, y[i:i + bs], reduction="sum").item()
            correct += (out.argmax(1) == y[i:i + bs]).sum().item()
    return loss_sum / len(x), correct / len(x)


def main():
    ap = argparse.ArgumentParser(description="PyTorch-eager peer for hookd (simple_cnn on Fashion-MNIST)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hooks", choices=["none", "torch", "fastai"], default="none")
    ap.add_argument("--max-batches", type=int, default=0,
                    help="train at most N batches per epoch (the one-cycle schedule spans them)")
    ap.add_argument("--lr", type=float, default=0.003)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--no-valid", action="store_true", help="skip validation (valid_* are null)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    data, mean, std = load(args.data)
    train_x, train_y = data["train"]
    valid_x, valid_y = data["valid"]

    torch.manual_seed(args.seed)
    model = simple_cnn()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    lr_max = args.lr
    lr_sched = combined_cos(0.25, lr_max / 25.0, lr_max, lr_max / 1e5)
    mom_sched = combined_cos(0.25, 0.95, 0.85, 0.95)
    gen = torch.Generator().manual_seed(args.seed)

    n_batches = len(train_x) // args.batch_size  # drop_last
    if args.max_batches:
        n_batches = min(n_batches, args.max_batches)
    hooks = None
    if args.hooks == "torch":
        hooks = TorchHooks(param_leaves(model))
    elif args.hooks == "fastai":
        hooks = FastaiActivationStats(param_leaves(model))

    images, seconds, last_loss = 0, 0.0, float("nan")
    pct_train = 0.0
    for epoch in range(args.epochs):
        pct_train = epoch / args.epochs                   # TrainEvalCallback.before_train
        model.train()
        perm = torch.randperm(len(train_x), generator=gen)
        t0 = time.perf_counter()
        for b in range(n_batches):
            idx = perm[b * args.batch_size:(b + 1) * args.batch_size]
            xb, yb = train_x[idx], train_y[idx]
            g = opt.param_groups[0]                       # ParamScheduler.before_batch
            g["lr"] = lr_sched(pct_train)
            g["betas"] = (mom_sched(pct_train), g["betas"][1])
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            if hooks is not None:
                hooks.after_batch(True)
            pct_train += 1. / (n_batches * args.epochs)   # TrainEvalCallback.after_batch
            images += len(idx)
        last_loss = loss.item()
        seconds += time.perf_counter() - t0
    if isinstance(hooks, TorchHooks):
        n_stats = len(hooks.stats)
        hooks.remove()                                    # naive user: no hooks during eval
    elif hooks is not None:
        n_stats = len(hooks.stats) * len(hooks.stored)
    else:
        n_stats = 0

    valid_loss = valid_acc = None
    if not args.no_valid:
        valid_loss, valid_acc = evaluate(model, valid_x, valid_y)
    if isinstance(hooks, FastaiActivationStats):
        hooks.remove()                                    # HookCallback.after_fit
    print(json.dumps({
        "peer": "pytorch-eager", "hooks": args.hooks, "batch_size": args.batch_size,
        "images": images, "seconds": round(seconds, 4),
        "img_per_s": round(images / seconds, 1) if seconds > 0 else None,
        "valid_loss": valid_loss, "valid_acc": valid_acc,
        "epochs": args.epochs, "batches": n_batches * args.epochs, "threads": torch.get_num_threads(),
        "train_loss_last": last_loss, "stats_rows": n_stats,
        "norm_mean": round(mean, 6), "norm_std": round(std, 6), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
