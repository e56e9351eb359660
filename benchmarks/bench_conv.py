"""3x3 stride-1 convolutions of a CIFAR ResNet-18 (batch 32): forward
(Convolution), image gradient (Deconvolution, i.e. conv_transpose) and
weight gradient (_conv_weight_grad), per Winograd setting.

    python benchmarks/bench_conv.py                  # GLUONX_CONV_WINOGRAD = 2, 4, auto
    python benchmarks/bench_conv.py --modes 0 2 4    # also im2col + GEMM
    python benchmarks/bench_conv.py --accuracy       # max errors against float64

GLUONX_CONV_WINOGRAD is read on every call, so the settings take turns in one
process (best of --repeat runs each, interleaved: the machine is shared).
"""
from __future__ import annotations

import argparse
import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gluonx as mx  # noqa: E402

SHAPES = ((64, 32), (128, 16), (256, 8), (512, 4))  # (channels, side)
KW = dict(kernel=(3, 3), stride=(1, 1), pad=(1, 1))


def ops(N, C, S, seed=0):
    rng = np.random.default_rng(seed)
    x = mx.nd.array(rng.standard_normal((N, C, S, S)).astype("f4"))
    w = mx.nd.array((rng.standard_normal((C, C, 3, 3)) / np.sqrt(9 * C)).astype("f4"))
    dy = mx.nd.array(rng.standard_normal((N, C, S, S)).astype("f4"))
    return {
        "fwd": lambda: mx.nd.Convolution(x, w, num_filter=C, no_bias=True, **KW),
        "dgrad": lambda: mx.nd.Deconvolution(dy, w, num_filter=C, **KW),
        "wgrad": lambda: mx.nd._conv_weight_grad(x, dy, **KW),
    }, (x, w, dy)


def with_mode(mode, fn):
    def run():
        if mode == "auto":
            os.environ.pop("GLUONX_CONV_WINOGRAD", None)
        else:
            os.environ["GLUONX_CONV_WINOGRAD"] = mode
        return fn()
    return run


def bench(args):
    print("ms per call, N=%d, best of %d (interleaved)" % (args.N, args.repeat))
    print("%-14s %-6s" % ("shape", "op") + "".join("%10s" % m for m in args.modes))
    for C, S in SHAPES:
        fns, _ = ops(args.N, C, S)
        for name, fn in fns.items():
            runs = {m: with_mode(m, fn) for m in args.modes}
            for r in runs.values():
                r()
            best = {m: float("inf") for m in runs}
            for _ in range(args.repeat):
                for m, r in runs.items():
                    best[m] = min(best[m], timeit.timeit(r, number=args.number) / args.number)
            print("%-14s %-6s" % ("%d@%dx%d" % (C, S, S), name) + "".join("%10.2f" % (best[m] * 1e3) for m in runs))
    os.environ.pop("GLUONX_CONV_WINOGRAD", None)


def accuracy(args):
    """Max |got - want| / max |want| of float32 results against float64 ones."""
    print("max error / max |result|, N=%d, random normal data (weights ~ N(0, 1))" % args.N)
    print("%-14s %-6s" % ("shape", "op") + "".join("%10s" % m for m in args.modes))
    for C, S in SHAPES:
        fns, (x, w, dy) = ops(args.N, C, S, seed=1)
        w = mx.nd.array(np.random.default_rng(2).standard_normal(w.shape).astype("f4"))
        x64, w64, dy64 = (mx.nd.array(a.asnumpy(), dtype="float64") for a in (x, w, dy))
        refs = {
            "fwd": mx.nd.Convolution(x64, w64, num_filter=C, no_bias=True, **KW).asnumpy(),
            "dgrad": mx.nd.Deconvolution(dy64, w64, num_filter=C, **KW).asnumpy(),
            "wgrad": mx.nd._conv_weight_grad(x64, dy64, **KW).asnumpy(),
        }
        calls = {
            "fwd": lambda: mx.nd.Convolution(x, w, num_filter=C, no_bias=True, **KW),
            "dgrad": lambda: mx.nd.Deconvolution(dy, w, num_filter=C, **KW),
            "wgrad": lambda: mx.nd._conv_weight_grad(x, dy, **KW),
        }
        for name, ref in refs.items():
            errs = [np.abs(with_mode(m, calls[name])().asnumpy() - ref).max() / np.abs(ref).max()
                    for m in args.modes]
            print("%-14s %-6s" % ("%d@%dx%d" % (C, S, S), name) + "".join("%10.1e" % e for e in errs))
    os.environ.pop("GLUONX_CONV_WINOGRAD", None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--modes", nargs="+", default=["2", "4", "auto"])
    ap.add_argument("--N", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--number", type=int, default=3)
    ap.add_argument("--accuracy", action="store_true")
    args = ap.parse_args()
    accuracy(args) if args.accuracy else bench(args)


if __name__ == "__main__":
    main()
