#!/usr/bin/python3
"""Regenerate the PyTorch oracle fixtures for hookd's Swift tests.

Run with Debian's interpreter (it has python3-torch, the same libtorch 1.13.1 build
hookd links against):

    /usr/bin/python3 scripts/make_fixtures.py [--out Tests/TorchTests/Fixtures]

Every case seeds torch itself (torch.manual_seed) and runs single-threaded, so the
files reproduce bit for bit. One JSON file per case:

    {"case": NAME, "op": OP, "config": {...},
     "tensors": {KEY: {"shape": [...], "data": [flat row-major values], "dtype"?: ...}}}

`dtype` is omitted for float32, "int64" for integer tensors (targets, indices, counters)
and "float64" only for the one-cycle schedule (fastai computes it in Python floats).
Gradient rule: loss = (out * upstream).sum() with a fixed random `upstream` of out's
shape; `grad_<name>` is d loss / d <name>. See Tests/TorchTests/Fixtures/INDEX.md.
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fastai_models import simple_cnn  # noqa: E402

try:
    import torchvision  # Debian python3-torchvision 0.14.1 (optional)
    from torchvision.models.resnet import BasicBlock, resnet18, resnet34
except ImportError:  # pragma: no cover - only without python3-torchvision
    torchvision = None

torch.set_num_threads(1)  # one reduction order: reproducible to the bit
torch.use_deterministic_algorithms(True)

OUT_DIR = None
WRITTEN = []


# ---------------------------------------------------------------- helpers
def T(t, dtype=None):
    """Tensor -> {"shape", "data"[, "dtype"]} with exact (repr) floats."""
    t = t.detach().cpu().contiguous()
    d = {"shape": list(t.shape)}
    if t.dtype == torch.int64:
        d["data"] = [int(v) for v in t.reshape(-1).tolist()]
        d["dtype"] = "int64"
    elif t.dtype == torch.float32:
        d["data"] = [float(v) for v in t.reshape(-1).tolist()]
    elif t.dtype == torch.float64:
        d["data"] = [float(v) for v in t.reshape(-1).tolist()]
        d["dtype"] = "float64"
    else:
        raise TypeError(f"unsupported dtype {t.dtype}")
    return d


def write(case, op, config, tensors, extra=None):
    doc = {"case": case, "op": op, "config": config,
           "tensors": {k: (v if isinstance(v, dict) else T(v)) for k, v in tensors.items()}}
    if extra:
        doc.update(extra)
    path = os.path.join(OUT_DIR, case + ".json")
    text = json.dumps(doc, separators=(",", ":")) + "\n"
    with open(path, "w") as f:
        f.write(text)
    n = sum(len(v["data"]) for v in doc["tensors"].values())
    keys = ",".join(doc["tensors"].keys())
    if len(keys) > 90:
        keys = keys[:87] + "..."
    print(f"{case + '.json':<38} {op:<22} {len(doc['tensors']):>3} tensors "
          f"{n:>6} values {len(text):>8} B  [{keys}]")
    WRITTEN.append((case, op, list(doc["tensors"].keys())))


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def run_op(case, op, config, inputs, fn, no_grad_for=()):
    """inputs: name -> tensor. Float inputs not in no_grad_for get grad_<name>."""
    ins = {}
    for k, v in inputs.items():
        if v.is_floating_point() and k not in no_grad_for:
            ins[k] = leaf(v)
        else:
            ins[k] = v.detach().clone()
    out = fn(**ins)
    upstream = torch.randn(out.shape)
    (out * upstream).sum().backward()
    tensors = dict(inputs)
    tensors["upstream"] = upstream
    tensors["out"] = out
    for k, v in ins.items():
        if v.requires_grad:
            tensors["grad_" + k] = v.grad
    write(case, op, config, tensors)


# ---------------------------------------------------------------- linear, conv
def linear_cases():
    for case, bias in (("linear_bias", True), ("linear_nobias", False)):
        torch.manual_seed(1 if bias else 2)
        inputs = {"x": torch.randn(3, 5), "weight": torch.randn(4, 5) * 0.5}
        if bias:
            inputs["bias"] = torch.randn(4) * 0.5
        run_op(case, "linear", {"in_features": 5, "out_features": 4, "bias": bias}, inputs,
               lambda x, weight, bias=None: F.linear(x, weight, bias))


def conv_cases():
    specs = [
        # case, x shape, weight shape, bias, stride, padding, dilation, groups
        ("conv2d_plain", (2, 3, 5, 5), (4, 3, 3, 3), True, (1, 1), (1, 1), (1, 1), 1),
        ("conv2d_stride_pad", (2, 3, 7, 7), (4, 3, 3, 3), True, (2, 2), (1, 1), (1, 1), 1),
        ("conv2d_dilation", (2, 2, 7, 7), (3, 2, 3, 3), True, (1, 1), (2, 2), (2, 2), 1),
        ("conv2d_groups", (2, 4, 5, 5), (4, 2, 3, 3), True, (2, 2), (1, 1), (1, 1), 2),
        ("conv2d_nobias", (2, 3, 5, 5), (4, 3, 3, 3), False, (1, 1), (1, 1), (1, 1), 1),
    ]
    for seed, (case, xs, ws, bias, stride, padding, dilation, groups) in enumerate(specs, 10):
        torch.manual_seed(seed)
        inputs = {"x": torch.randn(*xs), "weight": torch.randn(*ws) * 0.3}
        if bias:
            inputs["bias"] = torch.randn(ws[0]) * 0.3
        cfg = {"stride": list(stride), "padding": list(padding), "dilation": list(dilation),
               "groups": groups, "bias": bias}
        run_op(case, "conv2d", cfg, inputs,
               lambda x, weight, bias=None: F.conv2d(x, weight, bias, stride, padding, dilation, groups))


# ---------------------------------------------------------------- batch norm
def bn_case(case, op, xshape, C, training, affine, seed):
    torch.manual_seed(seed)
    x = torch.randn(*xshape) * 2 + 0.5
    rm0 = torch.randn(C) * 0.1
    rv0 = torch.rand(C) + 0.5
    inputs = {"x": x}
    if affine:
        inputs["weight"] = torch.rand(C) + 0.5
        inputs["bias"] = torch.randn(C) * 0.2
    rm, rv = rm0.clone(), rv0.clone()

    def fn(x, weight=None, bias=None):
        return F.batch_norm(x, rm, rv, weight, bias, training=training, momentum=0.1, eps=1e-5)

    ins = {k: leaf(v) for k, v in inputs.items()}
    out = fn(**ins)
    upstream = torch.randn(out.shape)
    (out * upstream).sum().backward()
    tensors = dict(inputs)
    tensors.update({"running_mean": rm0, "running_var": rv0, "upstream": upstream, "out": out})
    for k, v in ins.items():
        tensors["grad_" + k] = v.grad
    if training:
        tensors["running_mean_after"] = rm
        tensors["running_var_after"] = rv
    cfg = {"num_features": C, "training": training, "affine": affine, "momentum": 0.1,
           "eps": 1e-5, "track_running_stats": True}
    write(case, op, cfg, tensors)


def batchnorm_cases():
    bn_case("batch_norm2d_train", "batch_norm2d", (2, 3, 4, 4), 3, True, True, 20)
    bn_case("batch_norm2d_eval", "batch_norm2d", (2, 3, 4, 4), 3, False, True, 21)
    bn_case("batch_norm1d_train", "batch_norm1d", (6, 4), 4, True, True, 22)
    bn_case("batch_norm2d_noaffine_train", "batch_norm2d", (2, 3, 4, 4), 3, True, False, 23)


# ---------------------------------------------------------------- activations, pooling, misc
def histc_cases():
    """torch.histc on values chosen to sit on, and one float step either side of, every bin edge."""
    for name, bins, lo, hi in (("histc_fastai", 40, 0.0, 10.0), ("histc_odd", 37, 0.1, 9.7)):
        edges = torch.linspace(lo, hi, bins + 1, dtype=torch.float32)
        on_edges = torch.cat([edges, torch.nextafter(edges, edges - 1), torch.nextafter(edges, edges + 1)])
        torch.manual_seed(90 + bins)
        values = torch.cat([on_edges, torch.tensor([lo - 1, hi + 1, -0.0]),
                            torch.randn(5000) * 3 + 5])
        write(name, "histc", {"bins": bins, "min": lo, "max": hi},
              {"x": values, "counts": torch.histc(values, bins, lo, hi)})


def active_channels_cases():
    """dead_units' per-channel activity: (x > 0).any over every dim but 1, on channels built to be
    dead (all <= 0, -0.0) or barely alive (one denormal at a plane's start or end). NaN and
    infinities are not valid JSON: ActivationSummaryTests adds those itself."""
    def edges(x, dims):
        per_channel = x.transpose(0, 1)  # a view: writes reach x
        c, corner = per_channel.shape[0], (0,) * (x.dim() - 1)
        per_channel[4:c // 2] = -per_channel[4:c // 2].abs()  # dead, unremarkable
        per_channel[0] = 0.0
        per_channel[0, ::2] = -0.0
        per_channel[1] = -per_channel[1].abs()
        per_channel[1][(-1,) * (x.dim() - 1)] = 1e-45  # the channel's last element: alive
        per_channel[2] = -per_channel[2].abs()
        per_channel[2][corner] = 1e-45                 # its first element
        per_channel[3] = -per_channel[3].abs()
        per_channel[3][(x.shape[0] // 2,) + corner[1:]] = 1e-45
        # (x > 0).any over dims; 1.13's any takes one dim, so as a count of positives
        return {"x": x, "active": ((x > 0).sum(dim=dims) > 0).to(torch.int64)}

    torch.manual_seed(110)
    write("active_channels_conv", "active_channels", {}, edges(torch.randn(6, 37, 5, 7), (0, 2, 3)))
    torch.manual_seed(111)
    write("active_channels_linear", "active_channels", {}, edges(torch.randn(64, 50), (0,)))
    # Over 16,384 elements: split into ranges over both threads, planes cut at range ends.
    # Small integers keep the file small.
    torch.manual_seed(112)
    x = torch.randint(-3, 2, (5, 40, 16, 17)).float()  # 2 ranges of 2.5 samples: a range starts at channel 20
    write("active_channels_large", "active_channels", {}, edges(x, (0, 2, 3)))


def misc_cases():
    def case(name, op, cfg, seed, inputs_fn, fn, no_grad_for=()):
        torch.manual_seed(seed)
        run_op(name, op, cfg, inputs_fn(), fn, no_grad_for)

    case("relu", "relu", {}, 30, lambda: {"x": torch.randn(2, 3, 4)}, lambda x: F.relu(x))
    case("max_pool2d", "max_pool2d",
         {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "dilation": [1, 1], "ceil_mode": False},
         31, lambda: {"x": torch.randn(2, 2, 7, 7)}, lambda x: F.max_pool2d(x, 3, 2, 1))
    case("max_pool2d_ceil", "max_pool2d",
         {"kernel_size": [3, 3], "stride": [2, 2], "padding": [0, 0], "dilation": [1, 1], "ceil_mode": True},
         32, lambda: {"x": torch.randn(2, 2, 6, 6)}, lambda x: F.max_pool2d(x, 3, 2, 0, ceil_mode=True))
    case("avg_pool2d", "avg_pool2d",
         {"kernel_size": [2, 2], "stride": [2, 2], "padding": [0, 0], "ceil_mode": False, "count_include_pad": True},
         33, lambda: {"x": torch.randn(2, 2, 6, 6)}, lambda x: F.avg_pool2d(x, 2, 2))
    case("avg_pool2d_nopadcount", "avg_pool2d",
         {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": False, "count_include_pad": False},
         34, lambda: {"x": torch.randn(2, 2, 5, 5)},
         lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False))
    case("adaptive_avg_pool2d_1x1", "adaptive_avg_pool2d", {"output_size": [1, 1]},
         35, lambda: {"x": torch.randn(2, 3, 4, 4)}, lambda x: F.adaptive_avg_pool2d(x, (1, 1)))
    case("adaptive_avg_pool2d_5x7_to_3x2", "adaptive_avg_pool2d", {"output_size": [3, 2]},
         36, lambda: {"x": torch.randn(2, 2, 5, 7)}, lambda x: F.adaptive_avg_pool2d(x, (3, 2)))
    case("adaptive_max_pool2d_1x1", "adaptive_max_pool2d", {"output_size": [1, 1]},
         37, lambda: {"x": torch.randn(2, 3, 4, 4)}, lambda x: F.adaptive_max_pool2d(x, (1, 1)))
    case("adaptive_concat_pool2d", "adaptive_concat_pool2d",
         {"output_size": [1, 1], "order": "cat([max, avg], dim=1)"},
         38, lambda: {"x": torch.randn(2, 3, 4, 4)},
         lambda x: torch.cat([F.adaptive_max_pool2d(x, 1), F.adaptive_avg_pool2d(x, 1)], 1))
    case("flatten", "flatten", {"start_dim": 1, "end_dim": -1},
         39, lambda: {"x": torch.randn(2, 3, 2, 2)}, lambda x: torch.flatten(x, 1))
    case("log_softmax", "log_softmax", {"dim": 1},
         40, lambda: {"x": torch.randn(3, 5) * 2}, lambda x: F.log_softmax(x, dim=1))
    case("softmax", "softmax", {"dim": 1},
         41, lambda: {"x": torch.randn(3, 5) * 2}, lambda x: F.softmax(x, dim=1))

    torch.manual_seed(42)
    inputs = {"indices": torch.tensor([[0, 2, 5, 2], [1, 0, 3, 4]], dtype=torch.int64),
              "weight": torch.randn(6, 3)}
    inputs["weight"][0] = 0.0  # nn.Embedding(padding_idx=0) zeroes that row at init
    run_op("embedding_padding_idx", "embedding",
           {"num_embeddings": 6, "embedding_dim": 3, "padding_idx": 0}, inputs,
           lambda indices, weight: F.embedding(indices, weight, padding_idx=0))


# ---------------------------------------------------------------- losses
def loss_cases():
    def ce(case, seed, reduction, ls):
        torch.manual_seed(seed)
        inputs = {"input": torch.randn(4, 5) * 2, "target": torch.tensor([1, 0, 4, 2], dtype=torch.int64)}
        run_op(case, "cross_entropy", {"reduction": reduction, "label_smoothing": ls}, inputs,
               lambda input, target: F.cross_entropy(input, target, reduction=reduction, label_smoothing=ls))

    ce("cross_entropy_mean", 50, "mean", 0.0)
    ce("cross_entropy_sum", 51, "sum", 0.0)
    ce("cross_entropy_label_smoothing", 52, "mean", 0.1)
    torch.manual_seed(53)
    run_op("mse_loss_mean", "mse_loss", {"reduction": "mean"},
           {"input": torch.randn(3, 4), "target": torch.randn(3, 4)},
           lambda input, target: F.mse_loss(input, target), no_grad_for=("target",))


# ---------------------------------------------------------------- optimizers
OPT_SHAPES = {"w": (3, 4), "b": (4,), "k": (2, 1, 2, 2)}


def opt_case(case, cls, cfg, seed):
    torch.manual_seed(seed)
    params = {n: nn.Parameter(torch.randn(*s)) for n, s in OPT_SHAPES.items()}
    tensors = {f"param_step0_{n}": p.detach().clone() for n, p in params.items()}
    opt = cls(list(params.values()), foreach=False, **cfg)
    for k in (1, 2, 3):
        for n, p in params.items():
            g = torch.randn(p.shape)
            tensors[f"grad_step{k}_{n}"] = g
            p.grad = g.clone()
        opt.step()
        for n, p in params.items():
            tensors[f"param_step{k}_{n}"] = p.detach().clone()
    full = {"optimizer": cls.__name__, "param_order": list(OPT_SHAPES), "steps": 3, "foreach": False}
    full.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items()})
    write(case, "optimizer", full, tensors)


def optimizer_cases():
    SGD, Adam, AdamW = torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW
    opt_case("sgd_plain", SGD, dict(lr=0.1), 60)
    opt_case("sgd_momentum_wd", SGD, dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=1e-2), 61)
    opt_case("sgd_nesterov", SGD, dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=True), 62)
    opt_case("sgd_momentum_dampening", SGD, dict(lr=0.1, momentum=0.9, dampening=0.1), 63)
    opt_case("adam", Adam, dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0), 64)
    opt_case("adam_l2", Adam, dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2), 65)
    opt_case("adamw", AdamW, dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2), 66)


# ---------------------------------------------------------------- one cycle (fastai v2.7)
# Ported from fastai/callback/schedule.py (v2.7):
#   def sched_cos(start, end, pos): return start + (1 + math.cos(math.pi*(1-pos))) * (end-start) / 2
#   def combine_scheds(pcts, scheds):
#       pcts = tensor([0] + L(pcts)); pcts = torch.cumsum(pcts, 0); pct_lim = len(pcts) - 2
#       def _inner(pos):
#           idx = min((pos >= pcts).nonzero().max(), pct_lim)
#           actual_pos = (pos-pcts[idx]) / (pcts[idx+1]-pcts[idx])
#           return scheds[idx](actual_pos.item())
#   def combined_cos(pct, start, middle, end):
#       return combine_scheds([pct,1-pct], [SchedCos(start, middle), SchedCos(middle, end)])
#   fit_one_cycle: scheds = {'lr': combined_cos(pct_start, lr_max/div, lr_max, lr_max/div_final),
#                            'mom': combined_cos(pct_start, *moms)}
# and fastai/callback/core.py TrainEvalCallback: before_train sets pct_train = epoch/n_epoch,
# after_batch does pct_train += 1./(n_iter*n_epoch); ParamScheduler.before_batch applies f(pct_train).
def sched_cos(start, end, pos):
    return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2


def combine_scheds(pcts, scheds):
    pcts = torch.tensor([0] + list(pcts))  # float32, like fastai's tensor()
    pcts = torch.cumsum(pcts, 0)
    pct_lim = len(pcts) - 2

    def _inner(pos):
        idx = min((pos >= pcts).nonzero().max(), pct_lim)
        actual_pos = (pos - pcts[idx]) / (pcts[idx + 1] - pcts[idx])  # float32 arithmetic
        return scheds[idx](actual_pos.item()), int(idx), actual_pos.item()
    return _inner


def combined_cos(pct, start, middle, end):
    return combine_scheds([pct, 1 - pct], [lambda p: sched_cos(start, middle, p),
                                           lambda p: sched_cos(middle, end, p)])


def one_cycle_case():
    total, lr_max, div, div_final, pct_start = 20, 0.003, 25.0, 1e5, 0.25
    moms = (0.95, 0.85, 0.95)
    lr_f = combined_cos(pct_start, lr_max / div, lr_max, lr_max / div_final)
    mom_f = combined_cos(pct_start, *moms)
    pct_train = 0 / 1  # before_train: epoch/n_epoch
    rows = {k: [] for k in ("pct", "phase", "phase_pos", "lr", "mom", "lr_f64", "mom_f64")}
    for step in range(total):
        lr, phase, ppos = lr_f(pct_train)
        mom, _, _ = mom_f(pct_train)
        # reference in plain float64 at pct = step/total (what a Swift Double port computes)
        p = step / total
        if p < pct_start:
            q = p / pct_start
            lr64 = sched_cos(lr_max / div, lr_max, q); mom64 = sched_cos(moms[0], moms[1], q)
        else:
            q = (p - pct_start) / (1 - pct_start)
            lr64 = sched_cos(lr_max, lr_max / div_final, q); mom64 = sched_cos(moms[1], moms[2], q)
        for k, v in zip(rows, (pct_train, phase, ppos, lr, mom, lr64, mom64)):
            rows[k].append(v)
        pct_train += 1. / (total * 1)  # after_batch
    tensors = {"step": T(torch.arange(total, dtype=torch.int64)),
               "phase": T(torch.tensor(rows["phase"], dtype=torch.int64))}
    for k in ("pct", "phase_pos", "lr", "mom", "lr_f64", "mom_f64"):
        tensors[k] = T(torch.tensor(rows[k], dtype=torch.float64))
    cfg = {"total_steps": total, "epochs": 1, "steps_per_epoch": total, "lr_max": lr_max, "div": div,
           "div_final": div_final, "pct_start": pct_start, "moms": list(moms),
           "applies": "value k is set by ParamScheduler.before_batch before optimizer step k (0-based), "
                      "at pct = pct_train before that batch",
           "lr_start": lr_max / div, "lr_end": lr_max / div_final}
    write("one_cycle_20", "one_cycle", cfg, tensors)


# ---------------------------------------------------------------- modules with state_dicts
def randomize_bn(bn):
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.normal_(0, 0.2)
        bn.running_mean.normal_(0, 0.1)
        bn.running_var.uniform_(0.5, 1.5)


def module_case(case, op, cfg, model, x, loss_fn=None, targets=None, stats_modules=None, extra=None):
    """Forward (training mode) + backward; params/buffers as param:<state_dict name>."""
    tensors = {"x": x}
    if targets is not None:
        tensors["targets"] = targets
    before = {k: v.detach().clone() for k, v in model.state_dict().items()}
    for k, v in before.items():
        tensors["param:" + k] = v
    xin = leaf(x)
    stats, histograms, hooks = {}, {}, []
    for name, m in (stats_modules or []):
        def hook(mod, inp, out, name=name):  # fastai ActivationStats.hook on the detached output
            o = out.detach().float()
            stats[name] = [o.mean().item(), o.std().item(), (o <= 0.05).long().sum().item() / o.numel(),
                           o.abs().mean().item()]
            histograms[name] = torch.histc(o, 40, 0, 10)  # fastai's ActivationStats bins
        hooks.append(m.register_forward_hook(hook))
    out = model(xin)
    for h in hooks:
        h.remove()
    tensors["out"] = out
    if loss_fn is None:
        upstream = torch.randn(out.shape)
        tensors["upstream"] = upstream
        (out * upstream).sum().backward()
    else:
        loss = loss_fn(out, targets)
        tensors["loss"] = loss
        loss.backward()
    tensors["grad_x"] = xin.grad
    for k, p in model.named_parameters():
        tensors["grad:" + k] = p.grad
    for k, v in model.state_dict().items():
        if "running" in k or "num_batches" in k:
            tensors["buffer_after:" + k] = v
    for name, s in stats.items():
        tensors["stats:" + name] = T(torch.tensor(s, dtype=torch.float64))
        tensors["histc:" + name] = T(histograms[name])
    cfg = dict(cfg)
    cfg["training"] = True
    cfg["state_dict"] = [[k, list(v.shape)] for k, v in before.items()]
    cfg["params"] = sum(p.numel() for p in model.parameters())
    write(case, op, cfg, tensors, extra)


class _BasicBlock(nn.Module):
    """torchvision.models.resnet.BasicBlock layout (used if torchvision is missing)."""
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


def resnet_block_cases():
    Block = BasicBlock if torchvision is not None else _BasicBlock
    for case, cin, cout, stride, seed in (("resnet_basic_block_down", 4, 8, 2, 70),
                                         ("resnet_basic_block", 4, 4, 1, 71)):
        torch.manual_seed(seed)
        down = None
        if stride != 1 or cin != cout:
            down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        block = Block(cin, cout, stride, down)
        for m in block.modules():
            if isinstance(m, nn.BatchNorm2d):
                randomize_bn(m)
        block.train()
        x = torch.randn(2, cin, 6, 6)
        cfg = {"inplanes": cin, "planes": cout, "stride": stride, "downsample": down is not None,
               "bn_momentum": 0.1, "bn_eps": 1e-5,
               "layout": "relu(bn2(conv2(relu(bn1(conv1(x))))) + (downsample(x) if downsample else x)); "
                         "conv1 3x3 stride s pad 1 no bias, conv2 3x3 pad 1 no bias, "
                         "downsample = Sequential(conv1x1 stride s no bias, BatchNorm2d)"}
        module_case(case, "resnet_basic_block", cfg, block, x)


# fastai v2.7 fastai/layers.py, reproduced without importing fastai:
#   class ConvLayer(nn.Sequential): ... ks=3, stride=1, padding=None, bias=None, ndim=2,
#       norm_type=NormType.Batch, bn_1st=True, act_cls=defaults.activation (nn.ReLU), init='auto', bias_std=0.01
#     if padding is None: padding = ((ks-1)//2 if not transpose else 0)
#     bn = norm_type in (NormType.Batch, NormType.BatchZero); if bias is None: bias = not (bn or inn)
#     init_linear(conv, act, init=init, bias_std=bias_std)   # bias ~ N(0, 0.01); weight kaiming_uniform_
#     layers = [conv]; act_bn = [act, BatchNorm(nf)]; if bn_1st: act_bn.reverse()  -> conv, BN, ReLU
#   def _get_norm(...): bn.bias.data.fill_(1e-3); bn.weight.data.fill_(0. if zero else 1.)
#   class SimpleCNN(nn.Sequential):
#     layers = [ConvLayer(filters[i], filters[i+1], kernel_szs[i], stride=strides[i],
#               norm_type=(NormType.Batch if bn and i<nl-1 else None)) for i in range(nl)]
#     layers.append(PoolFlatten())       # PoolFlatten = Sequential(AdaptiveAvgPool2d(1), Flatten())
def simple_cnn_case():
    torch.manual_seed(80)
    model = simple_cnn(bn=True).train()
    n_bn = sum(p.numel() for p in model.parameters())
    n_nobn = sum(p.numel() for p in simple_cnn(bn=False).parameters())
    assert (n_bn, n_nobn) == (29178, 29066), (n_bn, n_nobn)
    torch.manual_seed(81)
    x = torch.randn(4, 1, 28, 28)
    targets = torch.tensor([3, 7, 0, 9], dtype=torch.int64)
    param_leaves = [(n, m) for n, m in model.named_modules()
                    if len(list(m.children())) == 0 and len(list(m.parameters())) > 0]
    cfg = {"filters": [1, 16, 32, 64, 10], "kernel_sizes": [3, 3, 3, 3], "strides": [2, 2, 2, 2],
           "bn": True, "loss": "cross_entropy mean", "params_bn": n_bn, "params_nobn": n_nobn,
           "modules": [[n, type(m).__name__] for n, m in model.named_modules() if n],
           "stats_modules": [n for n, _ in param_leaves],
           "init": "conv weight kaiming_uniform_(a=0), conv bias N(0, 0.01), BN weight 1 bias 1e-3"}
    module_case("simple_cnn", "simple_cnn", cfg, model, x, loss_fn=F.cross_entropy, targets=targets,
                stats_modules=param_leaves)


def resnet_keys_cases():
    if torchvision is None:
        print("torchvision missing: resnet18_keys.json / resnet34_keys.json not written", file=sys.stderr)
        return
    for name, ctor, expect in (("resnet18", resnet18, 11689512), ("resnet34", resnet34, 21797672)):
        m = ctor(num_classes=1000)
        params = dict(m.named_parameters())
        keys = [{"name": k, "shape": list(v.shape), "kind": "parameter" if k in params else "buffer"}
                for k, v in m.state_dict().items()]
        total = sum(p.numel() for p in m.parameters())
        assert total == expect, (name, total)
        cfg = {"arch": name, "num_classes": 1000, "total_params": total,
               "trainable_params": sum(p.numel() for p in m.parameters() if p.requires_grad),
               "state_dict_entries": len(keys), "torchvision": torchvision.__version__}
        write(f"{name}_keys", "state_dict_keys", cfg, {}, extra={"keys": keys})


def main():
    global OUT_DIR
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "Tests", "TorchTests", "Fixtures"))
    OUT_DIR = os.path.normpath(ap.parse_args().out)
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f"torch {torch.__version__}"
          + (f", torchvision {torchvision.__version__}" if torchvision else "") + f" -> {OUT_DIR}")
    linear_cases()
    conv_cases()
    batchnorm_cases()
    misc_cases()
    histc_cases()
    active_channels_cases()
    loss_cases()
    optimizer_cases()
    one_cycle_case()
    resnet_block_cases()
    simple_cnn_case()
    resnet_keys_cases()
    print(f"{len(WRITTEN)} files")


if __name__ == "__main__":
    main()
