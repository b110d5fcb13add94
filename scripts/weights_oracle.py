#!/usr/bin/python3
"""PyTorch's side of hookd's weights tests (model.weights, hookd export, GET /runs/{id}/weights).

Run with Debian's interpreter (python3-torch and python3-torchvision):

    /usr/bin/python3 scripts/weights_oracle.py sequential SPEC.json DIR
        the spec's twin (scripts/sequential_twin.py): DIR/weights.pt and DIR/forward.json
    /usr/bin/python3 scripts/weights_oracle.py resnet34 DIR [--classes 37] [--size 64]
        torchvision's resnet34(num_classes=N), batch-norm statistics from a few training
        batches: DIR/weights.pt and DIR/forward.json (a fixed 2x3xSxS input, eval-mode output)
    /usr/bin/python3 scripts/weights_oracle.py dead_relu DST
        the weights of DaemonTests' dead-unit run (Flatten, Linear(64, 16), ReLU, Linear(16, 4))
        with the first Linear's bias at -10: its ReLU never fires (Tests/DaemonTests/Fixtures)
    /usr/bin/python3 scripts/weights_oracle.py legacy SRC DST
        SRC re-saved in the pre-1.6 (non-zip) format, for the bad-input tests
    /usr/bin/python3 scripts/weights_oracle.py non_tensor DST
        torch.save({"epoch": 3}, DST): a file that is not a state_dict
    /usr/bin/python3 scripts/weights_oracle.py layouts DST
        torch.save of a plain dict whose tensors are views (a transpose, a slice sharing its
        storage with another entry, a 0-dim scalar) and of other dtypes (float64, int64, bool,
        float16), each arange-valued, so a reader must honour storage offsets and strides
    /usr/bin/python3 scripts/weights_oracle.py compare (SPEC.json | resnet34:N) EXPORTED REFERENCE [--prefix P]
        torch.load(EXPORTED) then load_state_dict(strict=True) on the equivalent model; every
        tensor of EXPORTED equal bit for bit to REFERENCE's key (with the prefix P taken off)
        and of the same dtype; prints "ok" or exits 1 naming the first difference.

Files are written by torch.save(model.state_dict(), f), as a user would; everything is
seeded and single-threaded, so reruns give the same bytes.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sequential_twin import build  # noqa: E402

torch.set_num_threads(1)


def option(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def warm_up_and_save(model, shape, out_dir):
    """A few training batches give batch norm non-trivial running statistics, then the
    state_dict and the eval-mode output on a fixed input."""
    os.makedirs(out_dir, exist_ok=True)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn([8] + shape) * 2 + 0.5)
    torch.save(model.state_dict(), os.path.join(out_dir, "weights.pt"))
    model.eval()
    x = torch.randn([2] + shape)
    with torch.no_grad():
        y = model(x)
    with open(os.path.join(out_dir, "forward.json"), "w") as f:
        json.dump({"input": {"shape": list(x.shape), "data": x.flatten().tolist()},
                   "output": {"shape": list(y.shape), "data": y.flatten().tolist()}}, f)


def model_for(name):
    if name.startswith("resnet34:"):
        import torchvision
        return torchvision.models.resnet34(num_classes=int(name.split(":")[1]))
    with open(name) as f:
        return build(json.load(f)["model"]["layers"])


def main():
    command = sys.argv[1]
    torch.manual_seed(0)
    if command == "sequential":
        with open(sys.argv[2]) as f:
            spec = json.load(f)
        warm_up_and_save(build(spec["model"]["layers"]), spec["data"].get("shape", [1, 28, 28]), sys.argv[3])
    elif command == "resnet34":
        model = model_for("resnet34:%d" % option("--classes", 37))
        size = option("--size", 64)
        warm_up_and_save(model, [3, size, size], sys.argv[2])
    elif command == "dead_relu":
        model = build([{"Flatten": {}}, {"Linear": {"in_features": 64, "out_features": 16}}, {"ReLU": {}},
                       {"Linear": {"in_features": 16, "out_features": 4}}])
        with torch.no_grad():
            model[1].bias.fill_(-10)
        torch.save(model.state_dict(), sys.argv[2])
    elif command == "legacy":
        torch.save(torch.load(sys.argv[2]), sys.argv[3], _use_new_zipfile_serialization=False)
    elif command == "non_tensor":
        torch.save({"epoch": 3}, sys.argv[2])
    elif command == "layouts":
        base = torch.arange(12, dtype=torch.float32)
        torch.save({"transposed": torch.arange(6, dtype=torch.float32).reshape(2, 3).t(),
                    "whole": base, "slice": base[4:10].view(2, 3),
                    "scalar": torch.tensor(7.5), "double": torch.arange(3, dtype=torch.float64),
                    "long": torch.arange(4, dtype=torch.int64) - 2, "bool": torch.tensor([True, False, True]),
                    "half": torch.arange(3, dtype=torch.float16)}, sys.argv[2])
    elif command == "compare":
        model = model_for(sys.argv[2])
        exported, reference = torch.load(sys.argv[3]), torch.load(sys.argv[4])
        prefix = option("--prefix", "")
        model.load_state_dict(exported, strict=True)
        for key, tensor in exported.items():
            want = reference[prefix + key] if prefix + key in reference else None
            if want is None or want.dtype != tensor.dtype or want.shape != tensor.shape or not torch.equal(want, tensor):
                print("differs: %s" % key)
                sys.exit(1)
        print("ok")
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
