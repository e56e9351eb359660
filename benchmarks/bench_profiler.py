"""What mx.profiler costs per operator: a tiny op loop (16-element float32
``a + b``, 200k calls by default) with the profiler never enabled, stopped
after a run, paused, and recording (imperative; imperative + memory).

    python benchmarks/bench_profiler.py
    python benchmarks/bench_profiler.py --compare /path/to/other/tree   # e.g. a build of main

``--compare`` times the never-enabled loop of another gluonx tree (its
directory holds the ``gluonx`` package) in subprocesses taking turns with
this one, so that the cost of the core's hooks when off is measured against
the same loop without them.  Figures are per call, best of the repeats.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

LOOP = """
import sys, timeit
sys.path.insert(0, {root!r})
import gluonx as mx
a, b = mx.nd.ones((16,)), mx.nd.ones((16,))
f = lambda: a + b
f()
print(min(timeit.repeat(f, number={n}, repeat={r})) / {n} * 1e9)
"""


def loop_ns(root: str, n: int, repeat: int) -> float:
    """ns per `a + b` of the gluonx in `root`, profiler never enabled, in a fresh process."""
    code = LOOP.format(root=root, n=n, r=repeat)
    return float(subprocess.check_output([sys.executable, "-c", code], cwd=tempfile.gettempdir()).decode())


def in_process(n: int, repeat: int) -> None:
    import timeit
    sys.path.insert(0, ROOT)
    import gluonx as mx
    from gluonx import profiler
    a, b = mx.nd.ones((16,)), mx.nd.ones((16,))

    def per_call() -> float:
        f = lambda: a + b   # noqa: E731
        f()
        return min(timeit.repeat(f, number=n, repeat=repeat)) / n * 1e9

    print("%-44s %8.1f ns" % ("never enabled", per_call()))
    with tempfile.TemporaryDirectory() as tmp:
        fname = os.path.join(tmp, "trace.json")
        profiler.set_config(profile_imperative=True, profile_symbolic=False, profile_memory=False,
                            filename=fname, aggregate_stats=False)
        profiler.set_state("run")
        profiler.pause()
        print("%-44s %8.1f ns" % ("running, paused", per_call()))
        profiler.resume()
        print("%-44s %8.1f ns" % ("recording (imperative)", per_call()))
        profiler.set_state("stop")
        profiler.set_config(profile_imperative=True, profile_memory=True, filename=fname)
        profiler.set_state("run")
        print("%-44s %8.1f ns" % ("recording (imperative + memory)", per_call()))
        profiler.set_state("stop")
        profiler.dump()
        print("%-44s %8.1f ns" % ("stopped after a run", per_call()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200000, help="calls per repeat")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--compare", help="another tree whose gluonx is timed, never enabled, for the hooks' cost")
    ap.add_argument("--rounds", type=int, default=5, help="alternating subprocess rounds with --compare")
    args = ap.parse_args()
    if args.compare:
        this, other = [], []
        for _ in range(args.rounds):
            this.append(loop_ns(ROOT, args.n, args.repeat))
            other.append(loop_ns(os.path.abspath(args.compare), args.n, args.repeat))
        print("a + b, 16 float32, profiler never enabled (ns per call, best of %d rounds):" % args.rounds)
        print("  this tree   %8.1f   (rounds: %s)" % (min(this), " ".join("%.1f" % t for t in this)))
        print("  --compare   %8.1f   (rounds: %s)" % (min(other), " ".join("%.1f" % t for t in other)))
        print("  difference  %+8.1f ns (%+.1f%%)" % (min(this) - min(other), 100 * (min(this) / min(other) - 1)))
        return
    in_process(args.n, args.repeat)


if __name__ == "__main__":
    main()
