"""fused_elemwise against the same chain of single-op kernels (mx.nd ops).

On a (32, 64, 32, 32) float32 array (a ResNet-18 CIFAR activation, 8 MiB):
  bias add (per channel) + relu         2 mx.nd ops vs 1 fused launch
  BatchNorm inference + relu            BatchNorm(use_global_stats) + relu,
                                        and broadcast_mul + broadcast_add + relu,
                                        vs 1 fused launch (x * scale[c] + shift[c], relu)
  x * 0.5 + 1 -> tanh                   3 mx.nd ops vs 1 fused launch
Every variant allocates its output, as the mx.nd ops do ("fused, in place"
writes into its input).  Each time is also given as a multiple of the
fused launch's (above 1: the fused launch is faster).

    python benchmarks/bench_fused.py [--shape 32,64,32,32] [--dtype float32]
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import best_times_interleaved  # noqa: E402

import numpy as np  # noqa: E402

import gluonx as mx  # noqa: E402
from gluonx._core import ndarray as _c  # noqa: E402
from gluonx._fused import FusedProgram  # noqa: E402


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", default="32,64,32,32")
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    shape = tuple(int(v) for v in args.shape.split(","))
    N, C = shape[0], shape[1]
    HW = int(np.prod(shape[2:]))
    shp3 = (N, C, HW)
    dt = args.dtype
    rng = np.random.default_rng(0)
    x = mx.nd.array(rng.standard_normal(shape).astype(dt), dtype=dt)
    x3 = _c.reshape(x, shp3)
    vec = lambda: mx.nd.array(rng.uniform(0.5, 1.5, C).astype(dt), dtype=dt)  # noqa: E731
    bias, gamma, beta, mean, var = vec(), vec(), vec(), vec(), vec()
    eps = 1e-3
    scale = gamma / mx.nd.sqrt(var + eps)
    shift = beta - mean * scale
    b4, s4, t4 = (v.reshape((1, C) + (1,) * (len(shape) - 2)) for v in (bias, scale, shift))
    bview, sview, tview = (_c.as_strided(v, shp3, (0, 1, 0)) for v in (bias, scale, shift))
    n = x.size
    number = max(3, int(2e8 / n / 4))

    p = FusedProgram(2)
    p.unary("relu", p.binary("add", p.input(0), p.input(1)))
    bias_relu = p.pack()
    p = FusedProgram(3)
    p.unary("relu", p.binary("add", p.binary("mul", p.input(0), p.input(1)), p.input(2)))
    bn_relu = p.pack()
    p = FusedProgram(1)
    p.unary("tanh", p.muladd(p.input(0), 0.5, 1.0))
    chain = p.pack()

    def fused(attrs, ins):
        def f():
            out = _c.empty(shp3, dt)
            _c.launch("fused_elemwise", ins, [out], attrs, "fused_elemwise")
            return out
        return f

    def fused_inplace(attrs, ins):
        y = _c.reshape(x.copy(), shp3)  # keep x intact: the chain runs on its copy
        return lambda: _c.launch("fused_elemwise", [y] + ins[1:], [y], attrs, "fused_elemwise")

    # the fused results equal the unfused ones
    ref = mx.nd.relu(mx.nd.broadcast_add(x, b4)).asnumpy()
    assert np.array_equal(fused(bias_relu, [x3, bview])().asnumpy().reshape(shape), ref)
    ref = mx.nd.relu(mx.nd.broadcast_add(mx.nd.broadcast_mul(x, s4), t4)).asnumpy()
    assert np.array_equal(fused(bn_relu, [x3, sview, tview])().asnumpy().reshape(shape), ref)

    groups = [
        ("bias add + relu", {
            "unfused (2 ops)": lambda: mx.nd.relu(mx.nd.broadcast_add(x, b4)),
            "fused": fused(bias_relu, [x3, bview]),
            "fused, in place": fused_inplace(bias_relu, [x3, bview]),
        }),
        ("BN inference + relu", {
            "BatchNorm + relu (2 ops)": lambda: mx.nd.relu(mx.nd.BatchNorm(
                x, gamma, beta, mean, var, eps=eps, fix_gamma=False, use_global_stats=True)),
            "mul + add + relu (3 ops)": lambda: mx.nd.relu(
                mx.nd.broadcast_add(mx.nd.broadcast_mul(x, s4), t4)),
            "fused": fused(bn_relu, [x3, sview, tview]),
            "fused, in place": fused_inplace(bn_relu, [x3, sview, tview]),
        }),
        ("tanh(x * 0.5 + 1)", {
            "unfused (3 ops)": lambda: mx.nd.tanh(x * 0.5 + 1),
            "fused": fused(chain, [x3]),
        }),
    ]
    print("fused_elemwise vs single kernels: %s %s (%d elements, %.1f MiB), %s, %d OpenMP threads max"
          % (shape, dt, n, n * np.dtype(dt).itemsize / 2 ** 20, _cpu_model(),
             int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))))
    for title, fns in groups:
        t = best_times_interleaved(fns, number=number, repeat=args.repeat)
        tf = t["fused"]
        print(title)
        for name, v in t.items():
            ratio = "" if name == "fused" else "%.2fx the fused time" % (v / tf)
            print("  %-28s %9.1f us   %s" % (name, v * 1e6, ratio))

if __name__ == "__main__":
    main()
