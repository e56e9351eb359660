"""The MXNet 1.9.1 side of bench_gluon.py and bench_memory.py (runs under MXNet's Python, not gluonx's).

Builds the benchmark models with MXNet Gluon -- the same layers and sizes as
bench_gluon.py's gx_* models (MLP 784-256-256-10, LeNet, ResNet-18 CIFAR),
Xavier init, SoftmaxCrossEntropyLoss, plain SGD lr 0.01 without momentum --
hybridizes them with static_alloc=True, static_shape=True and prints ONE
JSON line of results on stdout:

  time    best-of-N seconds per training / inference step (benchmarks/_timing.best_time,
          the method bench_gluon.py uses), plus the first step's seconds
            python _mxnet_side.py time --model resnet --batch 32 --train 1 --number 1 --repeat 5
  memory  peak RSS (ru_maxrss) of this fresh process after building ResNet-18 CIFAR and
          training --steps steps at --batch, with the first / steady forward and backward times
            python _mxnet_side.py memory --batch 32 --steps 3

A training step is forward under autograd.record(), loss, backward,
trainer.step(batch) and mx.nd.waitall(); the loss block is not hybridized
(neither is gluonx's).  Meant to be started by the two benchmark scripts
with MXNET_SUBGRAPH_BACKEND=NONE and OMP_NUM_THREADS=2 in its environment
(set here too when absent):

    MXNET_SUBGRAPH_BACKEND=NONE OMP_NUM_THREADS=2 /work/mx-ref/bin/python benchmarks/_mxnet_side.py time ...
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("MXNET_SUBGRAPH_BACKEND", "NONE")
os.environ.setdefault("OMP_NUM_THREADS", "2")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _models import build  # noqa: E402
from _timing import best_time  # noqa: E402

LR = 0.01
SHAPES = {"mlp": (784,), "lenet": (1, 28, 28), "resnet": (3, 32, 32)}


def _rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: KiB


def _onednn(mx):
    try:
        return bool(mx.runtime.Features().is_enabled("MKLDNN"))
    except Exception:  # noqa: BLE001
        return None


def setup(model, batch):
    """(mx, net, x, y, loss_fn, trainer) with the net hybridized(static_alloc, static_shape)."""
    import numpy as np
    import mxnet as mx
    from mxnet import gluon

    mx.random.seed(0)
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch,) + SHAPES[model]).astype(np.float32)
    y_np = rng.integers(0, 10, size=batch).astype(np.float32)
    net = build(mx, model)
    net.initialize(mx.init.Xavier(), ctx=mx.cpu())
    net.hybridize(static_alloc=True, static_shape=True)
    x, y = mx.nd.array(x_np), mx.nd.array(y_np)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    return mx, net, x, y, loss_fn, trainer


def cmd_time(args):
    mx, net, x, y, loss_fn, trainer = setup(args.model, args.batch)
    from mxnet import autograd

    def train_step():
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(args.batch)
        mx.nd.waitall()

    def infer_step():
        net(x)
        mx.nd.waitall()

    step = train_step if args.train else infer_step
    t0 = time.perf_counter()
    step()                                       # the first call: graph build + static memory plan
    first = time.perf_counter() - t0
    sec = best_time(step, args.number, args.repeat)
    return {"framework": "mxnet", "version": mx.__version__, "model": args.model, "batch": args.batch,
            "train": bool(args.train), "seconds_per_step": sec, "first_call_s": first,
            "throughput": args.batch / sec, "loadavg": os.getloadavg()[0], "onednn": _onednn(mx),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "subgraph_backend": os.environ.get("MXNET_SUBGRAPH_BACKEND")}


def cmd_memory(args):
    rss_start = _rss_mib()
    import mxnet as mx  # noqa: F401  (the import's share of the peak, reported apart)
    rss_import = _rss_mib()
    mx, net, x, y, loss_fn, trainer = setup("resnet", args.batch)
    from mxnet import autograd
    steps = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        with autograd.record():
            loss = loss_fn(net(x), y)
        mx.nd.waitall()
        t1 = time.perf_counter()
        loss.backward()
        mx.nd.waitall()
        t2 = time.perf_counter()
        trainer.step(args.batch)
        mx.nd.waitall()
        t3 = time.perf_counter()
        steps.append({"forward_s": t1 - t0, "backward_s": t2 - t1, "step_s": t3 - t0})
    return {"framework": "mxnet", "version": mx.__version__, "config": "mxnet-static", "batch": args.batch,
            "steps": steps, "rss_start_mib": rss_start, "rss_after_import_mib": rss_import,
            "peak_rss_mib": _rss_mib(), "onednn": _onednn(mx), "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "subgraph_backend": os.environ.get("MXNET_SUBGRAPH_BACKEND")}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("time")
    t.add_argument("--model", choices=sorted(SHAPES), required=True)
    t.add_argument("--batch", type=int, required=True)
    t.add_argument("--train", type=int, choices=(0, 1), required=True)
    t.add_argument("--number", type=int, default=1)
    t.add_argument("--repeat", type=int, default=5)
    m = sub.add_parser("memory")
    m.add_argument("--batch", type=int, default=32)
    m.add_argument("--steps", type=int, default=3)
    args = p.parse_args(argv)
    out = cmd_time(args) if args.cmd == "time" else cmd_memory(args)
    sys.stdout.flush()
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
