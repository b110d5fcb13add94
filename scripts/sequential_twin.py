#!/usr/bin/python3
"""The PyTorch twin of a hookd `sequential` run spec (SPEC §4): the same layer list built
with torch.nn, so its state_dict keys and shapes are hookd's.

Run with Debian's interpreter (python3-torch, the libtorch build hookd links against):

    /usr/bin/python3 scripts/sequential_twin.py SPEC.json keys
        prints [[key, shape], ...] of the twin's state_dict, in order, as JSON

scripts/weights_oracle.py saves the twin's weights and output for the weights tests.
"""
import json
import sys

import torch
import torch.nn as nn


class AdaptiveConcatPool2d(nn.Module):
    """fastai's layer: max and average pooling concatenated on channels (max first)."""

    def __init__(self, size=None):
        super().__init__()
        self.size = size or 1
        self.ap = nn.AdaptiveAvgPool2d(self.size)
        self.mp = nn.AdaptiveMaxPool2d(self.size)

    def forward(self, x):
        return torch.cat([self.mp(x), self.ap(x)], 1)


class Residual(nn.Module):
    """body(x) + shortcut(x), the shortcut being the identity when the spec has none."""

    def __init__(self, body, shortcut=None):
        super().__init__()
        self.body = body
        if shortcut is not None:
            self.shortcut = shortcut

    def forward(self, x):
        return self.body(x) + (self.shortcut(x) if hasattr(self, "shortcut") else x)


def kwargs(arguments):
    # JSON has lists where PyTorch takes tuples (kernel_size=[3, 1]).
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def build(layers):
    modules = []
    for layer in layers:
        (name, arguments), = layer.items()
        if name == "Sequential":
            modules.append(build(arguments))
        elif name == "Residual":
            shortcut = arguments.get("shortcut")
            modules.append(Residual(build(arguments["body"]), build(shortcut) if shortcut else None))
        elif name == "AdaptiveConcatPool2d":
            modules.append(AdaptiveConcatPool2d(**kwargs(arguments)))
        else:
            modules.append(getattr(nn, name)(**kwargs(arguments)))
    return nn.Sequential(*modules)


def main():
    spec_path, command = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    if command != "keys":
        sys.exit("unknown command " + command)
    model = build(spec["model"]["layers"])
    print(json.dumps([[k, list(v.shape)] for k, v in model.state_dict().items()]))


if __name__ == "__main__":
    main()
