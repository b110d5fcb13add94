#!/usr/bin/python3
"""Image-folder training epoch: hookd's streaming loader against torchvision's DataLoader, side by side.

    /usr/bin/python3 bench/loader_ab.py --hookd .build/release/hookd [--rounds 3] [--images 4000]

Generates (once, under --folder) --images photo-like 256x256 JPEGs in 10 classes (smooth random
colour fields with edges and noise, PIL quality 90), then alternates, round by round, one
training epoch of each peer on that folder, so a noisy machine hits both:

  hookd        `hookd train` streaming the folder: squish-resize to 128x128, pad 4 + random
               crop, random flip, imagenet normalisation, on `data.workers` threads.
  torchvision  `ImageFolder` + `DataLoader(num_workers=2, shuffle=True)` with
               Resize((128, 128)), RandomCrop(128, padding=4), RandomHorizontalFlip(),
               ToTensor(), Normalize(imagenet).

Both train fastai's simple_cnn [3,16,32,64,10] with batch norm (scripts/fastai_models.py), Adam
at a constant 1e-3, batch 64, 2 intra-op threads, no hooks, no stats file. images/s covers the
training epoch from asking for its first batch to the last optimizer step (hookd's epoch
metrics; the same span timed in Python for torchvision). Memory is the peak over the run of the
summed PSS (/proc/PID/smaps_rollup) of the peer's process and all its children, sampled every
50 ms: PSS counts pages the DataLoader's forked workers share with their parent once, where
summed RSS would count them once per process. Prints each round, then medians and the ratios.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])


def make_folder(root, images, seed=0):
    """`images` JPEGs (90% train, 10% valid) at 256x256, unless `root` already holds them."""
    marker = os.path.join(root, f".complete-{images}")
    if os.path.exists(marker):
        return
    import numpy as np
    from PIL import Image, ImageFilter
    rng = np.random.default_rng(seed)
    for n in range(images):
        split = "valid" if n % 10 == 9 else "train"
        label = n % 10
        folder = os.path.join(root, split, f"class{label}")
        os.makedirs(folder, exist_ok=True)
        # A low-resolution colour field blown up smoothly, a few hard edges, and sensor noise.
        field = rng.integers(0, 256, size=(8, 8, 3), dtype=np.uint8)
        img = Image.fromarray(field).resize((256, 256), Image.BICUBIC)
        arr = np.asarray(img).astype(np.int16)
        for _ in range(3):
            y, x = rng.integers(0, 256, size=2)
            arr[y:, x:] += rng.integers(-60, 60, size=3, dtype=np.int16)
        arr += rng.normal(0, 8, size=arr.shape).astype(np.int16)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).filter(ImageFilter.SMOOTH)
        img.save(os.path.join(folder, f"{n:06d}.jpg"), quality=90)
    open(marker, "w").close()


def descendants(pid):
    """`pid` and every process below it."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_measured(cmd, env=None):
    """Runs `cmd`, returning (stdout, peak summed PSS in MiB)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], sum(pss_kib(p) for p in descendants(proc.pid)))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = proc.communicate()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{err[-3000:]}")
    return out, peak[0] / 1024


def hookd_round(args, workdir):
    spec = {
        "name": "loader-bench",
        "model": {"arch": "simple_cnn", "channels": [3, 16, 32, 64, 10], "batch_norm": True},
        "data": {"format": "image_folder", "path": args.folder, "size": [128, 128], "normalize": "imagenet",
                 "workers": args.workers, "cache": "none", "augment": {"flip": True, "pad_crop": 4}},
        "train": {"epochs": 1, "batch_size": args.batch_size, "threads": args.threads, "optimizer": "adam",
                  "lr": 0.001, "schedule": "constant"},
        "hooks": [],
    }
    path = os.path.join(workdir, "spec.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    out, peak = run_measured([args.hookd, "train", path, "--json"])
    metrics = json.loads(next(l for l in out.splitlines() if l.startswith("{")))
    return metrics["imagesPerSecond"], peak


def torchvision_round(args):
    out, peak = run_measured([sys.executable, os.path.abspath(__file__), "--torchvision-peer", "--folder", args.folder,
                              "--batch-size", str(args.batch_size), "--threads", str(args.threads),
                              "--workers", str(args.tv_workers)])
    return json.loads(out.strip().splitlines()[-1])["img_per_s"], peak


def torchvision_peer(args):
    """One epoch of torchvision's pipeline; prints {"img_per_s": ...}."""
    import torch
    import torch.nn as nn
    import torchvision.transforms as T
    from torchvision.datasets import ImageFolder
    sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
    from fastai_models import simple_cnn
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    transform = T.Compose([T.Resize((128, 128)), T.RandomCrop(128, padding=4), T.RandomHorizontalFlip(),
                           T.ToTensor(), T.Normalize(*IMAGENET)])
    data = ImageFolder(os.path.join(args.folder, "train"), transform=transform)
    loader = torch.utils.data.DataLoader(data, batch_size=args.batch_size, shuffle=True, num_workers=args.workers)
    model = simple_cnn((3, 16, 32, 64, 10), bn=True)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    images = 0
    start = time.perf_counter()
    for x, y in loader:
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        images += len(y)
    seconds = time.perf_counter() - start
    print(json.dumps({"img_per_s": images / seconds, "images": images, "seconds": seconds}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hookd", default=os.path.join(HERE, "..", ".build/release/hookd"))
    ap.add_argument("--folder", default=os.path.join(tempfile.gettempdir(), "hookd-loader-bench"))
    ap.add_argument("--images", type=int, default=4000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads of training, both peers")
    ap.add_argument("--workers", type=int, default=2, help="hookd's data.workers; torchvision: --tv-workers")
    ap.add_argument("--tv-workers", type=int, default=2)
    ap.add_argument("--torchvision-peer", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.torchvision_peer:
        return torchvision_peer(args)
    make_folder(args.folder, args.images)
    results = {"hookd": [], "torchvision": []}
    with tempfile.TemporaryDirectory() as workdir:
        for r in range(args.rounds):
            # Alternate who goes first, so neither always runs on a warmer page cache.
            peers = [("hookd", lambda: hookd_round(args, workdir)), ("torchvision", lambda: torchvision_round(args))]
            for name, fn in (peers if r % 2 == 0 else peers[::-1]):
                ips, mib = fn()
                results[name].append((ips, mib))
                print(f"round {r + 1} {name:12s} {ips:8.0f} img/s  peak PSS {mib:6.0f} MiB", flush=True)
    med = {k: (statistics.median(i for i, _ in v), statistics.median(m for _, m in v)) for k, v in results.items()}
    for name, rows in results.items():
        ips = [i for i, _ in rows]
        mib = [m for _, m in rows]
        print(f"{name:12s} median {med[name][0]:6.0f} img/s ({min(ips):.0f}-{max(ips):.0f}), "
              f"peak PSS {med[name][1]:5.0f} MiB ({min(mib):.0f}-{max(mib):.0f})")
    ratios = [h[0] / t[0] for h, t in zip(results["hookd"], results["torchvision"])]
    mems = [h[1] / t[1] for h, t in zip(results["hookd"], results["torchvision"])]
    print(f"hookd / torchvision: {statistics.median(ratios):.2f}x img/s (per round {', '.join(f'{x:.2f}' for x in ratios)}), "
          f"{statistics.median(mems):.2f}x memory (per round {', '.join(f'{x:.2f}' for x in mems)})")


if __name__ == "__main__":
    main()
