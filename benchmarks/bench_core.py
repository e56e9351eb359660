"""Core speed: per-op overhead, 1M-element ops, GEMM, import time.

Prints gluonx against NumPy (and PyTorch when importable) side by side, in
one run, twice.  Ratios are gluonx time / other time (below 1 = faster).

    python benchmarks/bench_core.py            # everything
    python benchmarks/bench_core.py --quick    # smaller repeat counts

Targets (issue 3, 2-core machine): (4,4) add <= 1.8x NumPy; 1M add/sum <= 1.0x
NumPy; GEMM 256/1024/2048 time <= 1/0.97 of NumPy; import < 0.3 s.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import best_time, fmt_row, try_import_torch  # noqa: E402

import numpy as np  # noqa: E402

import gluonx as mx  # noqa: E402


def import_time() -> float:
    code = "import time; t = time.perf_counter(); import gluonx; print(time.perf_counter() - t)"
    runs = [float(subprocess.check_output([sys.executable, "-c", code]).decode()) for _ in range(5)]
    return min(runs)


def run(quick: bool) -> None:
    torch = try_import_torch()
    k = 0.2 if quick else 1.0

    a, b = mx.nd.ones((4, 4)), mx.nd.ones((4, 4))
    x, y = np.ones((4, 4), np.float32), np.ones((4, 4), np.float32)
    t = {"gluonx": best_time(lambda: a + b, int(200000 * k)),
         "numpy": best_time(lambda: x + y, int(200000 * k))}
    if torch is not None:
        ta, tb = torch.ones(4, 4), torch.ones(4, 4)
        t["torch"] = best_time(lambda: ta + tb, int(200000 * k))
    print(fmt_row("(4,4) float32 add / call", t))

    n = 1 << 20
    a, b = mx.nd.array(np.random.rand(n)), mx.nd.array(np.random.rand(n))
    x, y = a.asnumpy(), b.asnumpy()
    t = {"gluonx": best_time(lambda: a + b, int(300 * k)), "numpy": best_time(lambda: x + y, int(300 * k))}
    if torch is not None:
        ta, tb = torch.from_numpy(x), torch.from_numpy(y)
        t["torch"] = best_time(lambda: ta + tb, int(300 * k))
    print(fmt_row("1M float32 add", t))

    t = {"gluonx": best_time(lambda: a.sum(), int(300 * k)), "numpy": best_time(lambda: x.sum(), int(300 * k))}
    if torch is not None:
        t["torch"] = best_time(lambda: ta.sum(), int(300 * k))
    print(fmt_row("1M float32 sum", t))

    for size in (256, 1024, 2048):
        reps = {256: 200, 1024: 10, 2048: 3}[size]
        reps = max(2, int(reps * k))
        x = np.random.rand(size, size).astype(np.float32)
        y = np.random.rand(size, size).astype(np.float32)
        a, b = mx.nd.array(x), mx.nd.array(y)
        t = {"gluonx": best_time(lambda: mx.nd.dot(a, b), reps, 3), "numpy": best_time(lambda: x @ y, reps, 3)}
        if torch is not None:
            ta, tb = torch.from_numpy(x), torch.from_numpy(y)
            t["torch"] = best_time(lambda: ta @ tb, reps, 3)
        gflops = 2 * size ** 3 / t["gluonx"] / 1e9
        print(fmt_row("GEMM %d^3 float32" % size, t, "ms") + "  (gluonx %.0f GFLOP/s)" % gflops)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    print("import gluonx: %.3f s (best of 5 fresh interpreters)" % import_time())
    for round_ in (1, 2):
        print("-- round %d --" % round_)
        run(args.quick)


if __name__ == "__main__":
    main()
