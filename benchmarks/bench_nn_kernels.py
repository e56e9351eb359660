"""Training kernels: BatchNorm, LayerNorm, softmax, relu, add.

Prints gluonx against PyTorch (CPU, 2 threads) and NumPy where NumPy has a
natural counterpart, in one run, twice.  Ratios are gluonx time / other time
(below 1 = gluonx faster).

    python benchmarks/bench_nn_kernels.py            # everything
    python benchmarks/bench_nn_kernels.py --quick    # smaller repeat counts

The shapes are those of a ResNet-18 (CIFAR, batch 32) training step and of
a transformer-ish LayerNorm / classifier softmax.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import best_time, fmt_row, try_import_torch  # noqa: E402

import numpy as np  # noqa: E402

import gluonx as mx  # noqa: E402

BN_SHAPES = ((32, 64, 32, 32), (32, 128, 16, 16), (32, 256, 8, 8), (32, 512, 4, 4))


def _reps(shape, k, budget=2e8):
    n = int(np.prod(shape))
    return max(2, int(k * budget / max(n, 1) / 20))


def np_layernorm(x, g, b, eps=1e-5):
    m = x.mean(-1, keepdims=True)
    v = x.var(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


def np_softmax(x, axis):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def np_log_softmax(x, axis):
    s = x - x.max(axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis, keepdims=True))


def bench_batchnorm(torch, k):
    for shape in BN_SHAPES:
        C = shape[1]
        xn = np.random.randn(*shape).astype(np.float32)
        x = mx.nd.array(xn)
        g, b = mx.nd.ones(C), mx.nd.zeros(C)
        mm, mv = mx.nd.zeros(C), mx.nd.ones(C)
        reps = _reps(shape, k)

        def fwd():
            with mx.autograd.train_mode():
                return mx.nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False)

        x.attach_grad()
        g.attach_grad()
        b.attach_grad()

        def fwdbwd():
            with mx.autograd.record():
                y = mx.nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False)
            y.backward()
            return x.grad

        t1 = {"gluonx": best_time(fwd, reps)}
        t2 = {"gluonx": best_time(fwdbwd, reps)}
        if torch is not None:
            tx = torch.from_numpy(xn)
            tg, tb = torch.ones(C, requires_grad=True), torch.zeros(C, requires_grad=True)
            rm, rv = torch.zeros(C), torch.ones(C)
            F = torch.nn.functional
            t1["torch"] = best_time(lambda: F.batch_norm(tx, rm, rv, tg, tb, training=True), reps)
            txg = tx.clone().requires_grad_(True)
            dy = torch.ones(shape)

            def tfb():
                txg.grad = None
                F.batch_norm(txg, rm, rv, tg, tb, training=True).backward(dy)
                return txg.grad
            t2["torch"] = best_time(tfb, reps)
        print(fmt_row("BN fwd %s" % (shape,), t1))
        print(fmt_row("BN fwd+bwd %s" % (shape,), t2))


def bench_layernorm(torch, k):
    for shape in ((64, 768), (32, 64, 32, 32)):
        D = shape[-1]
        xn = np.random.randn(*shape).astype(np.float32)
        x = mx.nd.array(xn)
        g, b = mx.nd.ones(D), mx.nd.zeros(D)
        gn, bn = np.ones(D, np.float32), np.zeros(D, np.float32)
        reps = _reps(shape, k)
        t = {"gluonx": best_time(lambda: mx.nd.LayerNorm(x, g, b), reps),
             "numpy": best_time(lambda: np_layernorm(xn, gn, bn), reps)}
        x.attach_grad()

        def fwdbwd():
            with mx.autograd.record():
                y = mx.nd.LayerNorm(x, g, b)
            y.backward()
            return x.grad
        t2 = {"gluonx": best_time(fwdbwd, reps)}
        if torch is not None:
            tx = torch.from_numpy(xn)
            tg, tb = torch.ones(D), torch.zeros(D)
            t["torch"] = best_time(lambda: torch.nn.functional.layer_norm(tx, (D,), tg, tb), reps)
            txg = tx.clone().requires_grad_(True)
            dy = torch.ones(shape)

            def tfb():
                txg.grad = None
                torch.nn.functional.layer_norm(txg, (D,), tg, tb).backward(dy)
                return txg.grad
            t2["torch"] = best_time(tfb, reps)
        print(fmt_row("LayerNorm %s" % (shape,), t))
        print(fmt_row("LayerNorm fwd+bwd %s" % (shape,), t2))


def bench_softmax(torch, k):
    for shape, axis in (((64, 1000), -1), ((512, 10), -1), ((32, 10, 1024), -1), ((32, 10, 1024), 1)):
        xn = np.random.randn(*shape).astype(np.float32)
        x = mx.nd.array(xn)
        reps = _reps(shape, k)
        for name, fn, npf in (("softmax", mx.nd.softmax, np_softmax),
                              ("log_softmax", mx.nd.log_softmax, np_log_softmax)):
            t = {"gluonx": best_time(lambda: fn(x, axis=axis), reps),
                 "numpy": best_time(lambda: npf(xn, axis), reps)}
            if torch is not None:
                tx = torch.from_numpy(xn)
                tf = getattr(torch, name)
                t["torch"] = best_time(lambda: tf(tx, axis), reps)
            print(fmt_row("%s %s ax%d" % (name, shape, axis), t))


def bench_elemwise(torch, k):
    shape = (32, 64, 32, 32)
    xn = np.random.randn(*shape).astype(np.float32)
    yn = np.random.randn(*shape).astype(np.float32)
    x, y = mx.nd.array(xn), mx.nd.array(yn)
    reps = _reps(shape, k)
    tx, ty = (torch.from_numpy(xn), torch.from_numpy(yn)) if torch is not None else (None, None)
    rows = [
        ("add (32,64,32,32)", lambda: x + y, lambda: xn + yn, lambda: tx + ty),
        ("relu (32,64,32,32)", lambda: mx.nd.relu(x), lambda: np.maximum(xn, 0), lambda: torch.relu(tx)),
        ("relu bwd dy*(x>0)", lambda: y * (x > 0), lambda: yn * (xn > 0),
         lambda: torch.ops.aten.threshold_backward(ty, tx, 0)),
    ]
    for label, g, n, tt in rows:
        t = {"gluonx": best_time(g, reps), "numpy": best_time(n, reps)}
        if torch is not None:
            t["torch"] = best_time(tt, reps)
        print(fmt_row(label, t))


def run(quick: bool) -> None:
    torch = try_import_torch()
    k = 0.25 if quick else 1.0
    bench_batchnorm(torch, k)
    bench_layernorm(torch, k)
    bench_softmax(torch, k)
    bench_elemwise(torch, k)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    for round_ in (1, 2):
        print("-- round %d --" % round_)
        run(args.quick)


if __name__ == "__main__":
    main()
