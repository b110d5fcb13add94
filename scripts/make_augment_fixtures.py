#!/usr/bin/python3
"""Regenerate the augmentation oracle for hookd's loader (Tests/DatasetsTests/Fixtures/augment.json).

    /usr/bin/python3 scripts/make_augment_fixtures.py [--out Tests/DatasetsTests/Fixtures]

hookd draws its augmentation from its own seeded SplitMix64 (one generator per seed, epoch and
image), not from torch's generator. This script mirrors that generator and feeds its numbers to
torchvision's own code in place of torch's RNG: `torch.empty(1).uniform_(a, b)` returns
`a + (b - a) * u`, `torch.rand(1)` returns `u` (u: the generator's top 53 bits / 2**53), and
`torch.randint(low, high)` returns `low + below(high - low)` (Lemire's unbiased multiply).
So the crop boxes come from torchvision's `RandomResizedCrop.get_params` and
`RandomCrop.get_params` themselves, the flip from `RandomHorizontalFlip.forward`, and the
pixels from `F.resized_crop` (bilinear, antialias=False), `F.pad` (zeros), `F.crop`, `F.hflip`
on the uint8 image, in hookd's order: resized crop, pad and crop, flip.

Writes {"cases": [{"name", "augment": {"flip", "pad_crop", "scale"}, "seed", "channels",
"height", "width", "images": [[C*H*W ints]], "epochs": [{"epoch": E, "samples": [{"crop":
[i, j, h, w] | null, "pad": [i, j] | null, "flip": bool, "pixels": [C*H*W ints],
"values": [C*H*W floats] (with a crop only)}]}]}]}.
"""
import argparse
import contextlib
import json
import os

import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode

from splitmix64 import MASK, SplitMix64  # hookd's generator, shared with the other scripts


def generator(seed, epoch, sample):
    """hookd's `Augmentation.generator(seed:epoch:sample:)`."""
    run = SplitMix64(seed ^ 0x0A06D0A06D0A06D0)
    of_epoch = SplitMix64((run.next() + epoch) & MASK)
    return SplitMix64((of_epoch.next() + sample) & MASK)


class Uniform:
    def __init__(self, rng):
        self.rng = rng

    def uniform_(self, a, b):
        a, b = float(a), float(b)
        return torch.tensor([a + (b - a) * self.rng.uniform()], dtype=torch.float64)


@contextlib.contextmanager
def drawing_from(rng, flips):
    """torch's RNG entry points that torchvision's transforms call, answered by `rng`."""
    saved = torch.empty, torch.rand, torch.randint

    def rand(*_, **__):
        u = rng.uniform()
        flips.append(u < 0.5)
        return torch.tensor([u], dtype=torch.float64)

    torch.empty = lambda *_, **__: Uniform(rng)
    torch.rand = rand
    torch.randint = lambda low, high, size: torch.tensor([low + rng.below(high - low)])
    try:
        yield
    finally:
        torch.empty, torch.rand, torch.randint = saved


def augment(img, aug, rng):
    """The draws and the augmented image; with a resized crop also "values": the same steps on
    the float image, unrounded, which tells a tie (x.5, where torch's AVX2 kernel and a plain one
    may round apart) from a real difference."""
    _, height, width = img.shape
    exact = img.float()
    sample = {"crop": None, "pad": None, "flip": False}
    flips = []
    with drawing_from(rng, flips):
        if aug["scale"] is not None:
            i, j, h, w = T.RandomResizedCrop.get_params(img, aug["scale"], [3 / 4, 4 / 3])
            sample["crop"] = [i, j, h, w]
    if sample["crop"] is not None:
        img = F.resized_crop(img, i, j, h, w, [height, width], InterpolationMode.BILINEAR, antialias=False)
        exact = F.resized_crop(exact, i, j, h, w, [height, width], InterpolationMode.BILINEAR, antialias=False)
    if aug["pad_crop"] > 0:
        padded = F.pad(img, [aug["pad_crop"]], fill=0)
        with drawing_from(rng, flips):
            i, j, _, _ = T.RandomCrop.get_params(padded, (height, width))
        sample["pad"] = [i, j]
        img = F.crop(padded, i, j, height, width)
        exact = F.crop(F.pad(exact, [aug["pad_crop"]], fill=0), i, j, height, width)
    if aug["flip"]:
        with drawing_from(rng, flips):
            img = T.RandomHorizontalFlip()(img)
        sample["flip"] = flips[-1]
        if sample["flip"]:
            exact = F.hflip(exact)
    sample["pixels"] = img.flatten().tolist()
    if sample["crop"] is not None:
        sample["values"] = [round(v, 5) for v in exact.flatten().tolist()]
    return sample


def photo(channels, height, width, seed):
    """A smooth gradient with noise, so every crop and interpolation weight shows."""
    g = torch.Generator().manual_seed(seed)
    y = torch.linspace(0, 1, height).view(1, height, 1)
    x = torch.linspace(0, 1, width).view(1, 1, width)
    c = torch.arange(channels).view(channels, 1, 1) / 3
    base = 255 * (0.3 * y + 0.5 * x * (1 - c) + 0.2 * c)
    noisy = base + 40 * torch.rand(channels, height, width, generator=g) - 20
    return noisy.round().clamp(0, 255).to(torch.uint8)


# name -> (augment, channels, height, width, seed); "wide" is 4:1, beyond the aspect ratios
# (3/4, 4/3) at nearly full area, so RandomResizedCrop falls back to its centre crop.
CASES = {
    "flip": ({"flip": True, "pad_crop": 0, "scale": None}, 3, 12, 16, 7),
    "pad_crop": ({"flip": False, "pad_crop": 4, "scale": None}, 3, 12, 16, 7),
    "resized_crop": ({"flip": False, "pad_crop": 0, "scale": [0.35, 1.0]}, 3, 12, 16, 7),
    "all": ({"flip": True, "pad_crop": 3, "scale": [0.08, 1.0]}, 3, 12, 16, 11),
    "gray_wide_fallback": ({"flip": False, "pad_crop": 0, "scale": [0.95, 1.0]}, 1, 6, 24, 5),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests/DatasetsTests/Fixtures"))
    args = parser.parse_args()
    cases = []
    for name, (aug, channels, height, width, seed) in CASES.items():
        images = [photo(channels, height, width, 100 * seed + k) for k in range(4)]
        epochs = [{"epoch": e, "samples": [augment(img, aug, generator(seed, e, k)) for k, img in enumerate(images)]}
                  for e in (0, 1)]
        cases.append({"name": name, "augment": aug, "seed": seed, "channels": channels, "height": height,
                      "width": width, "images": [img.flatten().tolist() for img in images], "epochs": epochs})
    path = os.path.join(args.out, "augment.json")
    with open(path, "w") as f:
        json.dump({"cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
