#!/usr/bin/python3
"""Regenerate the JPEG and resize oracle fixtures for hookd's Datasets tests.

Run with Debian's interpreter (python3-pil links the same libjpeg62-turbo hookd links,
python3-torch is the libtorch 1.13.1 build hookd links):

    /usr/bin/python3 scripts/make_image_fixtures.py [--out Tests/DatasetsTests/Fixtures]

PIL is needed only here: the JPEGs and JSON files are committed, so the tests do not need it.
Every image comes from a fixed formula plus noise from a seeded torch.Generator, and PIL's
JPEG encoder is deterministic, so a rerun reproduces every file byte for byte.

Writes, per case NAME, the image NAME.jpg and NAME.json:

    {"file": "NAME.jpg", "mode": "L" | "RGB", "height": H, "width": W,
     "pixels": [C*H*W ints],        # what PIL decodes, channel-first (C = 1 for L, 3 for RGB)
     "luma": [H*W ints],            # RGB cases only: PIL's draft("L"), libjpeg's own gray output
     "resized": [{"size": [h, w],
                  "values": [C*h*w floats],  # F.interpolate(x, (h, w), mode="bilinear",
                                             #   align_corners=False, antialias=False)
                                             #   on x = pixels as float32 (0...255), N=1
                  "bytes": [C*h*w ints]}]}   # values rounded half to even, as uint8, which
                                             #   is what torchvision's resize does to a uint8 image

plus cmyk.jpg (a CMYK JPEG, which hookd rejects) with no JSON.
"""
import argparse
import json
import os

import numpy
import torch
import torch.nn.functional as F
from PIL import Image

# name -> (mode, height, width, PIL save options, sizes to resize to)
CASES = {
    "gray_9x13": ("L", 9, 13, {}, [(5, 6), (16, 20)]),
    "rgb_9x13": ("RGB", 9, 13, {}, [(5, 6), (16, 20), (9, 7)]),
    "rgb_progressive_7x10": ("RGB", 7, 10, {"progressive": True}, [(12, 4)]),
    "rgb_444_6x5": ("RGB", 6, 5, {"subsampling": 0}, [(3, 3)]),
}


def source_image(mode, height, width, seed):
    """Gradients plus noise: smooth enough to be a JPEG, uneven enough to catch misplaced pixels."""
    g = torch.Generator().manual_seed(seed)
    channels = 1 if mode == "L" else 3
    y = torch.arange(height).view(1, height, 1).float()
    x = torch.arange(width).view(1, 1, width).float()
    c = torch.arange(channels).view(channels, 1, 1).float()
    base = 40 + 11 * x + 17 * y + 60 * c
    noise = torch.randint(-25, 26, (channels, height, width), generator=g).float()
    hwc = (base + noise).clamp(0, 255).to(torch.uint8).permute(1, 2, 0).contiguous()
    array = hwc.numpy()
    return Image.fromarray(array[:, :, 0] if mode == "L" else array, mode)


def chw(image):
    """PIL image -> channel-first uint8 tensor."""
    t = torch.from_numpy(numpy.asarray(image).copy())
    return t.unsqueeze(0) if t.dim() == 2 else t.permute(2, 0, 1).contiguous()


def write_case(out, name, mode, height, width, options, sizes, seed):
    path = os.path.join(out, name + ".jpg")
    source_image(mode, height, width, seed).save(path, "JPEG", quality=85, **options)
    with Image.open(path) as decoded:
        assert decoded.mode == mode and decoded.size == (width, height), (decoded.mode, decoded.size)
        pixels = chw(decoded)
    doc = {"file": name + ".jpg", "mode": mode, "height": height, "width": width,
           "pixels": pixels.reshape(-1).tolist()}
    if mode == "RGB":
        with Image.open(path) as luma:
            luma.draft("L", luma.size)  # asks libjpeg itself for gray (its Y channel)
            assert luma.mode == "L" and luma.size == (width, height)
            doc["luma"] = chw(luma).reshape(-1).tolist()
    doc["resized"] = []
    x = pixels.unsqueeze(0).float()
    for h, w in sizes:
        values = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False, antialias=False)[0]
        doc["resized"].append({"size": [h, w], "values": [float(v) for v in values.reshape(-1).tolist()],
                               "bytes": values.round().to(torch.uint8).reshape(-1).tolist()})
    with open(os.path.join(out, name + ".json"), "w") as f:
        f.write(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"{name}.jpg {os.path.getsize(path):>5} B  {mode:<3} {height}x{width}  resized to {sizes}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "Tests", "DatasetsTests", "Fixtures"))
    out = os.path.normpath(ap.parse_args().out)
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    for seed, (name, (mode, height, width, options, sizes)) in enumerate(sorted(CASES.items())):
        write_case(out, name, mode, height, width, options, sizes, seed)
    # PIL writes CMYK JPEGs (Adobe-inverted, 4 components); hookd must name and refuse them.
    Image.new("CMYK", (8, 6), (10, 200, 30, 40)).save(os.path.join(out, "cmyk.jpg"), "JPEG", quality=85)
    print("cmyk.jpg")


if __name__ == "__main__":
    main()
