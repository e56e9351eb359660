"""Autograd overhead: 10 x (mul, add, tanh, sub, sigmoid) on (16,) float32
arrays inside record(), then sum and backward().  Reports microseconds per
recorded op, forward and backward together (51 ops: the 50 + the sum),
for gluonx, NumPy with a hand-written backward, and PyTorch when importable.

    python benchmarks/bench_autograd.py

Target (issue 4): gluonx at most 0.5x PyTorch's time per op.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import best_time, fmt_row, try_import_torch  # noqa: E402

import numpy as np  # noqa: E402

import gluonx as mx  # noqa: E402

N_OPS = 51
rng = np.random.default_rng(0)
X0, W0, B0 = (rng.standard_normal(16).astype(np.float32) for _ in range(3))


def gluonx_step(x, w, b):
    with mx.autograd.record():
        h = x
        for _ in range(10):
            h = mx.nd.sigmoid(mx.nd.tanh(h * w + b) - b)
        loss = h.sum()
    loss.backward()


def numpy_step(x, w, b):
    # forward, keeping what the backward needs
    saved = []
    h = x
    for _ in range(10):
        m = h * w
        a = m + b
        t = np.tanh(a)
        s = t - b
        y = 1 / (1 + np.exp(-s))
        saved.append((h, t, y))
        h = y
    h.sum()
    # backward by hand
    g = np.ones_like(h)
    gw = np.zeros_like(w)
    gb = np.zeros_like(b)
    for h_in, t, y in reversed(saved):
        gs = g * y * (1 - y)
        gb -= gs
        ga = gs * (1 - t * t)
        gb += ga
        gw += ga * h_in
        g = ga * w
    return g, gw, gb


def main() -> None:
    torch = try_import_torch()
    x, w, b = (mx.nd.array(v) for v in (X0, W0, B0))
    for v in (x, w, b):
        v.attach_grad()
    for round_ in (1, 2):
        print("-- round %d --" % round_)
        t = {"gluonx": best_time(lambda: gluonx_step(x, w, b), 2000) / N_OPS,
             "numpy": best_time(lambda: numpy_step(X0, W0, B0), 2000) / N_OPS}
        if torch is not None:
            tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (X0, W0, B0))

            def torch_step():
                h = tx
                for _ in range(10):
                    h = torch.sigmoid(torch.tanh(h * tw + tb) - tb)
                h.sum().backward()
            t["torch"] = best_time(torch_step, 2000) / N_OPS
        print(fmt_row("per recorded op (fwd+bwd)", t))


if __name__ == "__main__":
    main()
