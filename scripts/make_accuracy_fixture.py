#!/usr/bin/python3
"""Records PyTorch's validation accuracy on the default run spec, for hookd's accuracy test.

    /usr/bin/python3 scripts/make_accuracy_fixture.py

Runs bench/peer_torch.py (the same simple_cnn, init, Adam + one-cycle, batch 64, one epoch of
Fashion-MNIST, 2 threads, seed 42) and writes Tests/CLITests/Fixtures/pytorch_default_run.json.
Needs Debian's python3-torch (scripts/setup.sh --peers) and dataset-fashion-mnist.
"""
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
command = ["/usr/bin/python3", "bench/peer_torch.py", "--batch-size", "64", "--epochs", "1", "--threads", "2", "--seed", "42"]
line = json.loads(subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
fixture = {"spec": "config/default-run.json", "command": " ".join(command), "torch": line["torch"],
           "valid_acc": line["valid_acc"], "valid_loss": line["valid_loss"]}
path = os.path.join(ROOT, "Tests", "CLITests", "Fixtures", "pytorch_default_run.json")
with open(path, "w") as f:
    json.dump(fixture, f, indent=2)
    f.write("\n")
print(json.dumps(fixture))
