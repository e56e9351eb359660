"""Timing helpers shared by the benchmark scripts: best-of-N wall times."""
from __future__ import annotations

import contextlib
import subprocess
import sys
import timeit
from typing import Callable, Iterator


def best_time(fn: Callable[[], object], number: int, repeat: int = 5) -> float:
    """Seconds per call: the best of `repeat` runs of `number` calls."""
    fn()  # warm up (allocator caches, lazy imports, BLAS threads)
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def best_times_interleaved(fns: dict[str, Callable[[], object]], number: int,
                           repeat: int = 5) -> dict[str, float]:
    """Seconds per call of each function: best of `repeat` runs of `number` calls,
    the frameworks' runs taking turns, so that a slow spell of a shared machine
    is not charged to one of them alone."""
    for fn in fns.values():
        fn()
    best = {name: float("inf") for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            best[name] = min(best[name], timeit.timeit(fn, number=number) / number)
    return best


@contextlib.contextmanager
def busy_load(n: int) -> Iterator[None]:
    """Runs `n` busy processes (a pure-Python spin loop each, as a DataLoader
    worker, a notebook kernel or a compile would take a core) while the
    block runs; they are killed on exit."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(max(n, 0))]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()


def try_import_torch():
    try:
        import torch
        torch.set_num_threads(2)
        return torch
    except Exception:
        return None


def fmt_row(label: str, times: dict[str, float], unit: str = "us") -> str:
    scale = {"us": 1e6, "ms": 1e3}[unit]
    base = times["gluonx"]
    cells = ["%-28s" % label]
    for name, t in times.items():
        cells.append("%s %9.3f %s" % (name, t * scale, unit))
    for name, t in times.items():
        if name != "gluonx":
            cells.append("gluonx/%s %.2fx" % (name, base / t))
    return "  ".join(cells)
