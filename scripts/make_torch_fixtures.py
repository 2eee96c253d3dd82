#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for Discern's Swift tests.

Run from the repository root:

    /work/peer-venv/bin/python scripts/make_torch_fixtures.py

(the venv needs only `torch` and `numpy`; create it with
`python3 -m venv /work/peer-venv && /work/peer-venv/bin/pip install torch numpy`).

Output: JSON files in Tests/Fixtures/torch/ (see the README.md there).

Conventions
-----------
* Everything is computed in float32 on the CPU, single-threaded; the RNG is
  reset with `torch.manual_seed(0)` before each file is generated.
* A tensor is written as {"shape": [...], "data": [flat row-major floats]}.
  Floats are written with Python's repr of `float(x)`: the exact float32 value
  as the shortest decimal that round-trips through float64. Nothing is rounded.
* Layouts follow the Swift engine (NHWC):
    - images / activations:  [N, H, W, C]
    - conv2d weight:         [KH, KW, Cin, Cout]
    - depthwise weight:      [KH, KW, C]
    - conv-transpose weight: [KH, KW, Cout, Cin]
    - linear weight:         [In, Out]
* Gradients are the autograd gradients of sum(y * gy) for the stored random
  upstream gradient `gy` (same shape as `y`).
* Every file carries "torch_version".
"""

import json
import math
import os
import sys

import numpy as np  # noqa: F401  (kept as a declared dependency of the fixtures)
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Tests", "Fixtures", "torch")
MAX_BYTES = 60_000

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)
DT = torch.float32


# ----------------------------------------------------------------- encoding

def enc(t):
    """Tensor -> {"shape", "data"} (row-major, float32 values as float repr)."""
    if t is None:
        return None
    t = t.detach().to(DT).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def enc_int(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": [int(v) for v in t.reshape(-1).tolist()]}


def nhwc(t):
    """torch NCHW -> NHWC."""
    return t.permute(0, 2, 3, 1)


def conv_w(w):
    """torch conv weight [Cout, Cin, KH, KW] -> [KH, KW, Cin, Cout]."""
    return w.permute(2, 3, 1, 0)


def dw_w(w):
    """torch depthwise weight [C, 1, KH, KW] -> [KH, KW, C]."""
    return w.permute(2, 3, 0, 1).squeeze(-1)


def convt_w(w):
    """torch ConvTranspose2d weight [Cin, Cout, KH, KW] -> [KH, KW, Cout, Cin]."""
    return w.permute(2, 3, 1, 0)


def write(name, obj):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    text = json.dumps(obj, separators=(",", ":"), allow_nan=False) + "\n"
    with open(path, "w") as f:
        f.write(text)
    size = len(text.encode())
    print(f"{name}: {size} bytes")
    if size >= MAX_BYTES:
        sys.exit(f"error: {name} is {size} bytes (limit {MAX_BYTES})")


def randn(*shape):
    return torch.randn(*shape, dtype=DT)


def tf_same_pad(size, k, s):
    """TensorFlow 'SAME' padding along one axis -> (before, after)."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def header():
    return {"torch_version": torch.__version__}


# ------------------------------------------------------------------- conv2d

def conv_case(name, n, h, w, cin, cout, k, stride, pad, bias, depthwise=False):
    """pad = [top, bottom, left, right]; explicit F.pad then conv with padding 0."""
    x = randn(n, cin, h, w).requires_grad_(True)
    if depthwise:
        assert cin == cout
        wt = (randn(cin, 1, k, k) * 0.5).requires_grad_(True)
    else:
        wt = (randn(cout, cin, k, k) * (1.0 / math.sqrt(cin * k * k))).requires_grad_(True)
    b = randn(cout).requires_grad_(True) if bias else None
    top, bottom, left, right = pad
    xp = F.pad(x, (left, right, top, bottom))
    y = F.conv2d(xp, wt, b, stride=stride, padding=0, groups=cin if depthwise else 1)
    gy = randn(*y.shape)
    (y * gy).sum().backward()
    wfn = dw_w if depthwise else conv_w
    return {
        "name": name,
        "stride": stride,
        "pad": list(pad),
        "x": enc(nhwc(x)),
        "w": enc(wfn(wt)),
        "b": enc(b),
        "gy": enc(nhwc(gy)),
        "y": enc(nhwc(y)),
        "dx": enc(nhwc(x.grad)),
        "dw": enc(wfn(wt.grad)),
        "db": enc(b.grad) if bias else None,
    }


def same(h, w, k, s):
    t, b = tf_same_pad(h, k, s)
    l, r = tf_same_pad(w, k, s)
    return [t, b, l, r]


def make_conv2d():
    cases = [
        # N, H, W, Cin, Cout, k, stride, pad, bias
        # Shapes are kept tiny (batch 1-2, 2-3 channels, never 1 channel, so a
        # Cin/Cout layout mix-up is still visible) so the file stays under 60 KB;
        # spatial sizes, kernels, strides and paddings are the ones under test.
        conv_case("k3_s1_pad1_bias", 2, 4, 3, 2, 3, 3, 1, [1, 1, 1, 1], True),
        conv_case("k3_s1_valid_nobias", 1, 5, 4, 3, 2, 3, 1, [0, 0, 0, 0], False),
        conv_case("k4_s2_same_8x8_nobias", 1, 8, 8, 2, 3, 4, 2, same(8, 8, 4, 2), False),
        conv_case("k4_s1_same_7x7_asym_bias", 1, 7, 7, 2, 2, 4, 1, same(7, 7, 4, 1), True),
        conv_case("k5_s2_pad2_9x9_bias", 1, 9, 9, 2, 2, 5, 2, [2, 2, 2, 2], True),
        conv_case("k1_s2_pad0_bias", 1, 5, 5, 3, 2, 1, 2, [0, 0, 0, 0], True),
        conv_case("k3_s2_same_7x7_bias", 1, 7, 7, 2, 3, 3, 2, same(7, 7, 3, 2), True),
    ]
    assert cases[2]["pad"] == [1, 1, 1, 1]
    assert cases[3]["pad"] == [1, 2, 1, 2]
    assert cases[6]["pad"] == [1, 1, 1, 1]
    write("conv2d.json", {**header(), "cases": cases})


def make_depthwise():
    cases = [
        conv_case("k3_s1_pad1_c4_bias", 2, 5, 4, 4, 4, 3, 1, [1, 1, 1, 1], True, depthwise=True),
        conv_case("k5_s2_same_9x9_c3_nobias", 1, 9, 9, 3, 3, 5, 2, same(9, 9, 5, 2), False,
                  depthwise=True),
        conv_case("k3_s2_same_8x8_c3_bias", 1, 8, 8, 3, 3, 3, 2, same(8, 8, 3, 2), True,
                  depthwise=True),
    ]
    assert cases[1]["pad"] == [2, 2, 2, 2]
    assert cases[2]["pad"] == [0, 1, 0, 1]
    write("depthwise.json", {**header(), "cases": cases})


# ----------------------------------------------------------- conv transpose

def convt_case(name, n, h, w, cin, cout, k, stride, padding, output_padding, bias):
    x = randn(n, cin, h, w).requires_grad_(True)
    wt = (randn(cin, cout, k, k) * (1.0 / math.sqrt(cin * k * k))).requires_grad_(True)
    b = randn(cout).requires_grad_(True) if bias else None
    y = F.conv_transpose2d(x, wt, b, stride=stride, padding=padding,
                           output_padding=output_padding)
    gy = randn(*y.shape)
    (y * gy).sum().backward()
    return {
        "name": name,
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "x": enc(nhwc(x)),
        "w": enc(convt_w(wt)),
        "b": enc(b),
        "gy": enc(nhwc(gy)),
        "y": enc(nhwc(y)),
        "dx": enc(nhwc(x.grad)),
        "dw": enc(convt_w(wt.grad)),
        "db": enc(b.grad) if bias else None,
    }


def make_conv_transpose():
    cases = [
        # N, H, W, Cin, Cout, k, s, p, op, bias
        convt_case("k4_s2_p1_op0_nobias", 1, 4, 4, 4, 3, 4, 2, 1, 0, False),
        convt_case("k3_s2_p1_op1_bias", 1, 5, 5, 2, 2, 3, 2, 1, 1, True),
        convt_case("k5_s1_p2_op0_bias", 1, 5, 4, 2, 3, 5, 1, 2, 0, True),
    ]
    write("conv_transpose.json", {**header(), "cases": cases})


# ---------------------------------------------------------------- batchnorm

def bn_case(name, kind, x_shape, c):
    eps, momentum = 1e-5, 0.1
    x = (randn(*x_shape) * 2.0 + 0.5).requires_grad_(True)
    gamma = (randn(c) * 0.5 + 1.0).requires_grad_(True)
    beta = (randn(c) * 0.5).requires_grad_(True)
    rm_in = randn(c) * 0.5
    rv_in = torch.rand(c, dtype=DT) + 0.5
    rm, rv = rm_in.clone(), rv_in.clone()
    y = F.batch_norm(x, rm, rv, gamma, beta, training=True, momentum=momentum, eps=eps)
    gy = randn(*y.shape)
    (y * gy).sum().backward()
    with torch.no_grad():
        y_eval = F.batch_norm(x, rm, rv, gamma, beta, training=False, momentum=momentum, eps=eps)
    lay = nhwc if kind == "2d" else (lambda t: t)
    return {
        "name": name,
        "kind": kind,
        "eps": eps,
        "momentum": momentum,
        "x": enc(lay(x)),
        "gamma": enc(gamma),
        "beta": enc(beta),
        "running_mean_in": enc(rm_in),
        "running_var_in": enc(rv_in),
        "gy": enc(lay(gy)),
        "y_train": enc(lay(y)),
        "dx": enc(lay(x.grad)),
        "dgamma": enc(gamma.grad),
        "dbeta": enc(beta.grad),
        "running_mean_out": enc(rm),
        "running_var_out": enc(rv),
        "y_eval": enc(lay(y_eval)),
    }


def make_batchnorm():
    cases = [
        bn_case("bn2d_n3_h4_w5_c6", "2d", (3, 6, 4, 5), 6),  # torch NCHW; written NHWC
        bn_case("bn1d_n8_c5", "1d", (8, 5), 5),
    ]
    write("batchnorm.json", {**header(), "cases": cases})


# --------------------------------------------------------------- optimizers

def make_optimizers():
    p0 = randn(3, 4)
    grads = [randn(3, 4) for _ in range(3)]
    specs = [
        ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}),
        ("sgd_nesterov_wd", "SGD",
         {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 5e-4}),
        ("adam", "Adam", {"lr": 1e-2}),
        ("adam_betas_wd", "Adam", {"lr": 1e-2, "betas": (0.8, 0.99), "weight_decay": 0.1}),
        ("adamw_wd", "AdamW", {"lr": 1e-2, "weight_decay": 0.1}),
        ("adamax", "Adamax", {"lr": 2e-2}),
        ("adamax_wd", "Adamax", {"lr": 2e-2, "weight_decay": 0.05}),
    ]
    cases = []
    for name, cls, hyper in specs:
        p = torch.nn.Parameter(p0.clone())
        opt = getattr(torch.optim, cls)([p], **hyper)
        after = []
        for g in grads:
            p.grad = g.clone()
            opt.step()
            after.append(enc(p))
        group = opt.param_groups[0]
        resolved = {k: group[k] for k in ("lr", "momentum", "dampening", "nesterov",
                                          "weight_decay", "betas", "eps", "amsgrad")
                    if k in group}
        cases.append({
            "name": name,
            "class": cls,
            "hyper": {k: (list(v) if isinstance(v, tuple) else v) for k, v in hyper.items()},
            # every update-relevant hyper-parameter torch actually used (defaults filled in)
            "resolved_hyper": {k: (list(v) if isinstance(v, tuple) else v)
                               for k, v in resolved.items()},
            "p0": enc(p0),
            "grads": [enc(g) for g in grads],
            "after": after,
        })
    write("optimizers.json", {**header(), "cases": cases})


# ---------------------------------------------------------------- schedules

def make_schedules():
    cases = []
    sched = torch.optim.lr_scheduler

    # OneCycleLR with Adam: cycles lr and betas[0] ("momenta").
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.Adam([p], lr=0.1)
    hyper = {"max_lr": 0.1, "total_steps": 20}
    s = sched.OneCycleLR(opt, **hyper)
    lrs, momenta = [], []
    for i in range(20):
        lrs.append(float(opt.param_groups[0]["lr"]))
        momenta.append(float(opt.param_groups[0]["betas"][0]))
        p.grad = torch.zeros(1)
        opt.step()
        if i < 19:
            s.step()
    cases.append({
        "name": "onecycle", "class": "OneCycleLR", "optimizer": "Adam",
        "hyper": hyper,
        "resolved_hyper": {"anneal_strategy": "cos", "pct_start": 0.3, "div_factor": 25.0,
                           "final_div_factor": 1e4, "three_phase": False,
                           "cycle_momentum": True, "base_momentum": 0.85,
                           "max_momentum": 0.95},
        "base_lr": float(opt.param_groups[0]["initial_lr"]),
        "steps": 20, "lrs": lrs, "momenta": momenta,
    })

    def simple(name, cls, hyper, base_lr, steps):
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=base_lr)
        s = getattr(sched, cls)(opt, **hyper)
        lrs = []
        for _ in range(steps):
            lrs.append(float(opt.param_groups[0]["lr"]))
            p.grad = torch.zeros(1)
            opt.step()
            s.step()
        cases.append({"name": name, "class": cls, "optimizer": "SGD", "hyper": hyper,
                      "base_lr": base_lr, "steps": steps, "lrs": lrs})

    simple("cosine", "CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}, 0.1, 12)
    simple("step", "StepLR", {"step_size": 3, "gamma": 0.5}, 0.1, 10)
    write("schedules.json", {**header(), "cases": cases})


# ------------------------------------------------------------------- losses

def make_losses():
    cases = []

    def bce(name, logits, targets):
        z = logits.clone().requires_grad_(True)
        loss = F.binary_cross_entropy_with_logits(z, targets, reduction="mean")
        loss.backward()
        cases.append({"name": name, "kind": "bce_with_logits", "reduction": "mean",
                      "logits": enc(z), "targets": enc(targets),
                      "loss": float(loss.detach()), "dlogits": enc(z.grad)})

    def ce(name, logits, targets):
        z = logits.clone().requires_grad_(True)
        loss = F.cross_entropy(z, targets, reduction="mean")
        loss.backward()
        cases.append({"name": name, "kind": "cross_entropy", "reduction": "mean",
                      "logits": enc(z), "targets": enc_int(targets),
                      "loss": float(loss.detach()), "dlogits": enc(z.grad)})

    bce("bce_random", randn(8) * 2.0, (torch.rand(8) > 0.5).to(DT))
    bce("bce_extreme",
        torch.tensor([50.0, -50.0, 50.0, -50.0, 30.0, -30.0, 0.0, 88.0], dtype=DT),
        torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0], dtype=DT))
    ce("ce_random", randn(6, 3) * 2.0, torch.randint(0, 3, (6,)))
    ce("ce_extreme",
       torch.tensor([[50.0, -50.0, 0.0],
                     [-50.0, 50.0, 0.0],
                     [50.0, 50.0, -50.0],
                     [100.0, 0.0, -100.0],
                     [0.0, 0.0, 0.0],
                     [-50.0, -50.0, -49.0]], dtype=DT),
       torch.tensor([0, 0, 1, 2, 1, 2]))
    write("losses.json", {**header(), "cases": cases})


# -------------------------------------------------------------- activations

def make_activations():
    # Elementwise / channel ops on x [N=2, H=3, W=3, C=4] (NHWC; no layout change
    # needed since nothing here is spatial). Includes values near 0 and beyond +-6.
    x = randn(2, 3, 3, 4) * 3.0
    flat = x.view(-1)
    specials = [1e-3, -1e-3, 2.5e-4, -2.5e-4, 6.5, 7.25, -6.5, 5.999, 6.001, -8.0]
    for i, v in enumerate(specials):
        flat[i * 7] = v
    assert not (x == 0).any() and not (x == 6).any()
    gy = randn(*x.shape)
    ops = {
        "relu": F.relu,
        "relu6": F.relu6,
        "leaky_relu_0.2": lambda t: F.leaky_relu(t, 0.2),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "softmax_lastdim": lambda t: F.softmax(t, dim=-1),
        "log_softmax_lastdim": lambda t: F.log_softmax(t, dim=-1),
    }
    elementwise = {}
    for name, fn in ops.items():
        xi = x.clone().requires_grad_(True)
        y = fn(xi)
        (y * gy).sum().backward()
        elementwise[name] = {"y": enc(y), "dx": enc(xi.grad)}

    # Pooling on xp [N=2, H=4, W=4, C=3] NHWC (torch computes in NCHW).
    xp_nchw = randn(2, 3, 4, 4)
    assert xp_nchw.reshape(-1).unique().numel() == xp_nchw.numel()  # no ties
    pools = {
        "maxpool_2x2_s2": (lambda t: F.max_pool2d(t, 2, 2), {"kernel": 2, "stride": 2}),
        "avgpool_2x2_s2": (lambda t: F.avg_pool2d(t, 2, 2), {"kernel": 2, "stride": 2}),
        "global_avgpool": (lambda t: t.mean(dim=(2, 3)), {}),
    }
    pooling = {}
    for name, (fn, params) in pools.items():
        xi = xp_nchw.clone().requires_grad_(True)
        y = fn(xi)
        g = randn(*y.shape)
        (y * g).sum().backward()
        to_out = nhwc if y.dim() == 4 else (lambda t: t)  # global pool -> [N, C]
        pooling[name] = {**params, "gy": enc(to_out(g)), "y": enc(to_out(y)),
                         "dx": enc(nhwc(xi.grad))}

    write("activations.json", {
        **header(),
        "elementwise": {"x": enc(x), "gy": enc(gy), "ops": elementwise},
        "pooling": {"x": enc(nhwc(xp_nchw)), "ops": pooling},
    })


def main():
    print(f"torch {torch.__version__} -> {OUT_DIR}")
    for make in (make_conv2d, make_depthwise, make_conv_transpose, make_batchnorm,
                 make_optimizers, make_schedules, make_losses, make_activations):
        torch.manual_seed(0)  # each file is reproducible on its own
        make()


if __name__ == "__main__":
    main()
