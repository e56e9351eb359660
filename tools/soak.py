"""Soak test: trains the digits LeNet for many steps with inference threads beside it, watching RSS.

    PYTHONPATH=. python tools/soak.py --steps 10000 --mode eager
    PYTHONPATH=. python tools/soak.py --steps 10000 --mode hybrid

Prints the resident set size at step 1,000 (or the first sample past it) and at the end, and the
growth between them in percent; a leak shows as steady growth (the target is under 1 %).  RSS is
read from /proc/self/statm (no psutil), falling back to resource's peak where /proc is missing.
"""
import argparse
import os
import resource
import sys
import threading
import time

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "examples"))

import gluonx as mx  # noqa: E402
from gluonx import autograd, gluon  # noqa: E402

import train_digits  # noqa: E402  (the digits model and data loader of the example)


def rss_mib() -> float:
    """Current resident set size in MiB (peak RSS where /proc is unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2.0 ** 20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _infer_loop(net, x: np.ndarray, stop: threading.Event, counts: list, idx: int, lock: threading.Lock):
    """Inference beside training: what a server thread would do with the same net."""
    data = mx.nd.array(x)
    while not stop.is_set():
        with lock:  # the net's parameters are updated in place by the trainer
            out = net(data)
        out.asnumpy()
        counts[idx] += 1
        time.sleep(0.001)


def run(steps: int, mode: str, every: int, batch: int, threads: int, baseline_step: int = 1000) -> dict:
    """Trains for `steps` steps; returns the RSS samples and the growth after `baseline_step`."""
    mx.random.seed(0)
    x_tr, y_tr, x_te, _ = train_digits.load_sklearn_digits(seed=0)
    net = train_digits.build_lenet()
    net.initialize(mx.init.Xavier(magnitude=2.24))
    if mode == "hybrid":
        net.hybridize()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.05, "momentum": 0.9})
    net(mx.nd.array(x_te[:2]))  # settle deferred initialization before the threads start
    lock = threading.Lock()
    stop = threading.Event()
    counts = [0] * threads
    workers = [threading.Thread(target=_infer_loop, args=(net, x_te[16 * i:16 * i + 16], stop, counts, i, lock),
                                daemon=True) for i in range(threads)]
    for w in workers:
        w.start()
    rng = np.random.RandomState(0)
    samples = []
    t0 = time.perf_counter()
    try:
        for step in range(1, steps + 1):
            pick = rng.randint(0, len(y_tr), size=batch)
            data, label = mx.nd.array(x_tr[pick]), mx.nd.array(y_tr[pick])
            with lock:
                with autograd.record():
                    loss = loss_fn(net(data), label)
                loss.backward()
                trainer.step(batch)
            if step % every == 0 or step == steps:
                loss_v = float(loss.mean().asscalar())
                samples.append((step, rss_mib()))
                print("step %6d  loss %.4f  rss %.1f MiB" % (step, loss_v, samples[-1][1]), flush=True)
    finally:
        stop.set()
        for w in workers:
            w.join()
    base = next((s for s in samples if s[0] >= baseline_step), samples[0])
    end = samples[-1]
    growth = 100.0 * (end[1] - base[1]) / base[1]
    print("mode %s: %d steps in %.1f s, %d inference calls on %d threads"
          % (mode, steps, time.perf_counter() - t0, sum(counts), threads))
    print("RSS at step %d: %.1f MiB" % base)
    print("RSS at step %d (end): %.1f MiB" % end)
    print("RSS growth: %+.2f %%" % growth)
    return {"samples": samples, "growth_pct": growth, "inference_calls": sum(counts)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--mode", choices=("eager", "hybrid", "both"), default="both")
    p.add_argument("--every", type=int, default=500, help="sample RSS every K steps")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--threads", type=int, default=2, help="inference threads beside the training")
    p.add_argument("--baseline-step", type=int, default=1000, help="growth is measured from this step")
    args = p.parse_args(argv)
    modes = ("eager", "hybrid") if args.mode == "both" else (args.mode,)
    for m in modes:
        run(args.steps, m, min(args.every, args.steps), args.batch_size, args.threads, args.baseline_step)
    return 0


if __name__ == "__main__":
    sys.exit(main())
