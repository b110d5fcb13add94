#!/usr/bin/python3
"""Image-folder training epoch: hookd's streaming loader against torchvision's DataLoader, side by side.

    /usr/bin/python3 bench/loader_ab.py --hookd .build/release/hookd [--rounds 3] [--images 4000]
                                        [--peers hookd:2:2,hookd:1:1,torchvision:2:2,torchvision:1:2]

Generates (once, under --folder) --images photo-like 256x256 JPEGs in 10 classes (smooth random
colour fields with edges and noise, PIL quality 90), then alternates, round by round, one
training epoch of each peer on that folder, so a noisy machine hits all of them. A peer is
NAME:THREADS:WORKERS (intra-op threads of training, loader workers):

  hookd        `hookd train` streaming the folder: squish-resize to 128x128, pad 4 + random
               crop, random flip, imagenet normalisation, on WORKERS `data.workers` threads.
  torchvision  `ImageFolder` + `DataLoader(num_workers=WORKERS, shuffle=True)` with
               Resize((128, 128)), RandomCrop(128, padding=4), RandomHorizontalFlip(),
               ToTensor(), Normalize(imagenet).

All train fastai's simple_cnn [3,16,32,64,10] with batch norm (scripts/fastai_models.py), Adam
at a constant 1e-3, batch 64, no hooks, no stats file. images/s covers the
training epoch from asking for its first batch to the last optimizer step (hookd's epoch
metrics; the same span timed in Python for torchvision). Memory is the peak over the run of the
summed PSS (/proc/PID/smaps_rollup) of the peer's process and all its children, sampled every
50 ms: PSS counts pages the DataLoader's forked workers share with their parent once, where
summed RSS would count them once per process. CPU is the user + system seconds of the peer and
its children per training image (whole process: start-up and validation included), which a
busy machine inflates less than wall time. Prints each round, then medians and each peer's
ratios to the last torchvision peer.
"""
import argparse
import json
import os
import resource
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
        split = "valid" if (n // 10) % 10 == 9 else "train"
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


def run_measured(cmd):
    """Runs `cmd`, returning (stdout, peak summed PSS in MiB, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out, peak[0] / 1024, cpu


def hookd_round(args, workdir, threads, workers):
    spec = {
        "name": "loader-bench",
        "model": {"arch": "simple_cnn", "channels": [3, 16, 32, 64, 10], "batch_norm": True},
        "data": {"format": "image_folder", "path": args.folder, "size": [128, 128], "normalize": "imagenet",
                 "workers": workers, "cache": "none", "augment": {"flip": True, "pad_crop": 4}},
        "train": {"epochs": 1, "batch_size": args.batch_size, "threads": threads, "optimizer": "adam",
                  "lr": 0.001, "schedule": "constant"},
        "hooks": [],
    }
    path = os.path.join(workdir, "spec.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    out, peak, cpu = run_measured([args.hookd, "train", path, "--json"])
    metrics = json.loads(next(l for l in out.splitlines() if l.startswith("{")))
    return metrics["imagesPerSecond"], peak, cpu


def torchvision_round(args, threads, workers):
    out, peak, cpu = run_measured([sys.executable, os.path.abspath(__file__), "--torchvision-peer", "--folder",
                                   args.folder, "--batch-size", str(args.batch_size), "--threads", str(threads),
                                   "--workers", str(workers)])
    return json.loads(out.strip().splitlines()[-1])["img_per_s"], peak, cpu


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
    ap.add_argument("--peers", default="hookd:2:2,hookd:1:1,torchvision:1:2,torchvision:2:2",
                    help="NAME:THREADS:WORKERS, comma-separated; ratios are to the last torchvision one")
    ap.add_argument("--torchvision-peer", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=2, help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.torchvision_peer:
        return torchvision_peer(args)
    make_folder(args.folder, args.images)
    train_images = sum(len(files) for _, _, files in os.walk(os.path.join(args.folder, "train")))
    peers = [(p, *map(int, p.split(":")[1:])) for p in args.peers.split(",")]
    results = {p: [] for p, _, _ in peers}
    with tempfile.TemporaryDirectory() as workdir:
        for r in range(args.rounds):
            # Rotate who goes first, so no peer always runs on the warmest page cache.
            for peer, threads, workers in peers[r % len(peers):] + peers[:r % len(peers)]:
                if peer.startswith("hookd"):
                    ips, mib, cpu = hookd_round(args, workdir, threads, workers)
                else:
                    ips, mib, cpu = torchvision_round(args, threads, workers)
                results[peer].append((ips, mib, cpu / train_images * 1000))
                print(f"round {r + 1} {peer:16s} {ips:7.0f} img/s  peak PSS {mib:5.0f} MiB  "
                      f"CPU {cpu / train_images * 1000:5.2f} ms/img", flush=True)
    base = [p for p, _, _ in peers if p.startswith("torchvision")][-1]
    print(f"\nmedians over {args.rounds} rounds ({train_images} training images); ratios to {base}, per round:")
    for peer, rows in results.items():
        ips, mib, cpu = ([row[i] for row in rows] for i in range(3))
        speed = [a[0] / b[0] for a, b in zip(rows, results[base])]
        memory = [a[1] / b[1] for a, b in zip(rows, results[base])]
        print(f"{peer:16s} {statistics.median(ips):6.0f} img/s ({min(ips):.0f}-{max(ips):.0f})  "
              f"peak PSS {statistics.median(mib):4.0f} MiB ({min(mib):.0f}-{max(mib):.0f})  "
              f"CPU {statistics.median(cpu):.2f} ms/img  "
              f"speed {statistics.median(speed):.2f}x ({', '.join(f'{x:.2f}' for x in speed)})  "
              f"memory {statistics.median(memory):.2f}x ({', '.join(f'{x:.2f}' for x in memory)})")


if __name__ == "__main__":
    main()
