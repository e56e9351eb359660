"""Gluon training / inference throughput: gluonx eager and hybridized, beside
PyTorch (eager and torch.compile, when importable) and real MXNet 1.9.1.

Same models, sizes, Xavier init (gluonx, MXNet), plain SGD (lr 0.01, no
momentum) and softmax cross-entropy everywhere:

  mlp     MLP 784-256-256-10 (ReLU), training, batch 64 and 512          samples/s
  lenet   LeNet 1x28x28: conv5x5x20 -> maxpool2 -> conv5x5x50 -> maxpool2
          -> dense500 -> dense10 (ReLU), training, batch 64                samples/s
  resnet  ResNet-18, CIFAR variant (3x32x32, 3x3 stem, no stem pool),
          inference and training, batch 32                                 img/s

Rows per case (throughput, and the seconds of the first call, measured once):
  gluonx eager                  the gx_* HybridSequential / HybridBlock models, not hybridized
  gluonx hybridize()            traced into a graph, run compiled (gluonx/symbol/cached_op.py)
  gluonx hybridize(static)      hybridize(static_alloc=True, static_shape=True)
  PyTorch eager                 torch.nn, 2 threads
  torch.compile                 torch.compile(model) (default inductor backend); its compile
                                time is the first call, excluded from the throughput (shorter
                                when inductor's on-disk cache holds the kernels from an earlier
                                run); a failure prints "n/a (reason)"
  MXNet hybridize(static)       MXNet 1.9.1 Gluon, hybridize(static_alloc=True, static_shape=True),
                                run by benchmarks/_mxnet_side.py under --mxnet PYTHON with
                                MXNET_SUBGRAPH_BACKEND=NONE, OMP_NUM_THREADS=2 and the environment
                                this script started with (not the OMP_WAIT_POLICY /
                                OPENBLAS_CORETYPE gluonx sets on import)
and the ratios (throughput / throughput, above 1 = gluonx faster) the graph
issue's targets use:
  hybridize()/eager, static/eager   >= 1.15x on MLP b64 and LeNet; >= 1.0x (never slower) on every row
  static/MXNet                      >= 1.4x on ResNet-18 training (MXNet hybridized, static_alloc)
  static/PyTorch                    >= 1.3x on ResNet-18 training (PyTorch eager)
  static/torch.compile              no target, for reference

    python benchmarks/bench_gluon.py                 # everything, two rounds
    python benchmarks/bench_gluon.py --only mlp lenet --rounds 1
    PYTHONPATH=. /work/torch-venv/bin/python benchmarks/bench_gluon.py --mxnet /work/mx-ref/bin/python
    PYTHONPATH=. /work/torch-venv/bin/python benchmarks/bench_gluon.py --only mlp --rounds 1 --quick \\
        --mxnet /work/mx-ref/bin/python             # a quick check that everything runs

Flags: --only GROUP..., --rounds N, --quick (fewer timed calls: a smoke test,
not a measurement), --no-torch, --no-compile (PyTorch eager only), --mxnet
PYTHON (default: $GLUONX_MXNET_PYTHON; without either MXNet is skipped),
--no-mxnet, --load N: each case is timed quiet, then again beside N busy
processes (benchmarks/_timing.busy_load), and a "loaded/quiet" line gives
each framework's throughput under load over its quiet throughput (the
eager-speed issue's target: gluonx's ratio >= PyTorch's).

A training step is forward under autograd.record(), loss, backward and
trainer.step (PyTorch: forward, loss, backward, optimizer.step, zero_grad);
the loss block is not hybridized in gluonx or MXNet.  An inference step is
the forward outside autograd.record() (PyTorch: eval mode, no_grad).  All
run on the CPU.  Throughput is the batch over the best of `repeat` runs of
`number` steps (benchmarks/_timing.py); the in-process frameworks' runs take
turns (best_times_interleaved), so that a slow spell of a shared machine is
not charged to one of them alone.  MXNet runs in its own process right after
the in-process timing of the case (same best-of-N, benchmarks/_timing.best_time),
so it does not take turns with them: compare its ratios over several rounds.
Every model is built once and reused by the later rounds.  PyTorch shares
this process, and so runs with the OMP_WAIT_POLICY=passive gluonx sets on
import (unless already set).  Peak memory and the first-call cost of a
hybridized ResNet-18: benchmarks/bench_memory.py.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

# the environment as given, before gluonx sets OMP_WAIT_POLICY / OPENBLAS_CORETYPE on import:
# what the MXNet side process gets
ENV_AT_START = dict(os.environ)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _models import HYBRIDIZE, build  # noqa: E402
from _timing import best_times_interleaved, busy_load, try_import_torch  # noqa: E402

import numpy as np  # noqa: E402

import gluonx as mx  # noqa: E402
from gluonx import autograd, gluon  # noqa: E402
from gluonx.gluon import nn  # noqa: E402

LR = 0.01
_LAYERS = ("Conv2D", "BatchNorm", "Activation", "MaxPool2D", "GlobalAvgPool2D")
HERE = os.path.dirname(os.path.abspath(__file__))
MXNET_SIDE = os.path.join(HERE, "_mxnet_side.py")


def _missing_layers():
    return [name for name in _LAYERS if not hasattr(nn, name)]


def _sync():
    waitall = getattr(mx.nd, "waitall", None)
    if waitall is not None:
        waitall()


# --------------------------------------------------------------------------- gluonx models

def gx_mlp():
    return build(mx, "mlp")


def gx_lenet():
    return build(mx, "lenet")


def gx_resnet18(classes=10):
    return build(mx, "resnet", classes)


def gx_runner(net, x_np, y_np, train, hybridize=None):
    """A training or inference step of `net` (initialized here; hybridized
    with `hybridize` as keyword arguments unless it is None)."""
    net.initialize(mx.init.Xavier())
    if hybridize is not None:
        net.hybridize(**hybridize)
    x, y = mx.nd.array(x_np), mx.nd.array(y_np)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    batch = x_np.shape[0]

    def train_step():
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(batch)
        _sync()

    def infer_step():
        net(x)
        _sync()

    return train_step if train else infer_step


def plan_summary(net) -> str:
    """The cached op's plans in a few words (gluonx hybridize)."""
    cop = getattr(net, "_cached_op", None)
    if cop is None:
        return "no cached op after the first call"
    if getattr(cop, "fallback_reason", None):
        return "FALLBACK, runs operator by operator: %s" % cop.fallback_reason
    try:
        parts = ["%d launches (%d fused), arena %.1f MiB" % (s.get("launches", -1), s.get("fused", -1),
                                                           s.get("arena_bytes", 0) / 2.0 ** 20)
                 for s in cop.stats()]
    except Exception as e:  # noqa: BLE001 -- a report, not a check
        return "stats() failed: %s" % _reason(e)
    return "plan: " + "; ".join(parts) if parts else "no compiled plan"


# --------------------------------------------------------------------------- PyTorch models

def torch_models(torch):
    tnn = torch.nn

    def mlp():
        return tnn.Sequential(tnn.Linear(784, 256), tnn.ReLU(), tnn.Linear(256, 256), tnn.ReLU(),
                              tnn.Linear(256, 10))

    def lenet():
        return tnn.Sequential(tnn.Conv2d(1, 20, 5), tnn.ReLU(), tnn.MaxPool2d(2, 2),
                              tnn.Conv2d(20, 50, 5), tnn.ReLU(), tnn.MaxPool2d(2, 2),
                              tnn.Flatten(), tnn.Linear(800, 500), tnn.ReLU(), tnn.Linear(500, 10))

    class Block(tnn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.body = tnn.Sequential(tnn.Conv2d(cin, cout, 3, stride, 1, bias=False), tnn.BatchNorm2d(cout),
                                       tnn.ReLU(), tnn.Conv2d(cout, cout, 3, 1, 1, bias=False),
                                       tnn.BatchNorm2d(cout))
            self.down = (tnn.Sequential(tnn.Conv2d(cin, cout, 1, stride, bias=False), tnn.BatchNorm2d(cout))
                         if stride != 1 or cin != cout else None)

        def forward(self, x):
            return torch.relu(self.body(x) + (x if self.down is None else self.down(x)))

    def resnet18(classes=10):
        layers = [tnn.Conv2d(3, 64, 3, 1, 1, bias=False), tnn.BatchNorm2d(64), tnn.ReLU()]
        cin = 64
        for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
            cin = cout
        layers += [tnn.AdaptiveAvgPool2d(1), tnn.Flatten(), tnn.Linear(512, classes)]
        return tnn.Sequential(*layers)

    return {"mlp": mlp, "lenet": lenet, "resnet": resnet18}


def torch_runner(torch, net, x_np, y_np, train, compile=False):
    """A training or inference step of `net`; with compile=True the model is
    torch.compile(net) (compiled by the first call)."""
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np.astype(np.int64))
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    net.train(train)
    fwd = torch.compile(net) if compile else net

    def train_step():
        loss = loss_fn(fwd(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()

    def infer_step():
        with torch.no_grad():
            fwd(x)

    return train_step if train else infer_step


# --------------------------------------------------------------------------- MXNet (its own process)

def mxnet_env(base=None) -> dict:
    """The side process's environment: `base` (default: the one this script
    started with, before gluonx's import set OMP_WAIT_POLICY / OPENBLAS_CORETYPE),
    less PYTHONPATH (which may hold gluonx), with MXNET_SUBGRAPH_BACKEND=NONE and 2 threads."""
    env = {k: v for k, v in (ENV_AT_START if base is None else base).items() if k != "PYTHONPATH"}
    env["MXNET_SUBGRAPH_BACKEND"] = "NONE"
    env["OMP_NUM_THREADS"] = "2"
    return env


def run_mxnet_side(python, args, timeout=1800, base_env=None):
    """Runs benchmarks/_mxnet_side.py under `python`: (its JSON result, None) or (None, why not)."""
    try:
        proc = subprocess.run([python, MXNET_SIDE] + [str(a) for a in args], env=mxnet_env(base_env),
                              capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as e:
        return None, _reason(e)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = proc.stderr.strip().splitlines() or ["exit status %d, no result line" % proc.returncode]
        return None, err[-1][:200]
    return json.loads(lines[-1]), None


# --------------------------------------------------------------------------- driver

# (group, label, model, input shape per sample, batch, train, timing number, repeat)
CASES = [
    ("mlp", "MLP 784-256-256-10 train", "mlp", (784,), 64, True, 20, 7),
    ("mlp", "MLP 784-256-256-10 train", "mlp", (784,), 512, True, 5, 7),
    ("lenet", "LeNet 1x28x28 train", "lenet", (1, 28, 28), 64, True, 3, 7),
    ("resnet", "ResNet-18 3x32x32 infer", "resnet", (3, 32, 32), 32, False, 2, 5),
    ("resnet", "ResNet-18 3x32x32 train", "resnet", (3, 32, 32), 32, True, 1, 5),
]
GX_MODELS = {"mlp": gx_mlp, "lenet": gx_lenet, "resnet": gx_resnet18}
LABELS = {"gx-eager": "gluonx eager", "gx-hybrid": "gluonx hybridize()",
          "gx-static": "gluonx hybridize(static)", "torch": "PyTorch eager", "torch.compile": "torch.compile",
          "mxnet": "MXNet 1.9.1 hybridize(static)"}


def _reason(e) -> str:
    msg = str(e).strip().splitlines()
    return ("%s: %s" % (type(e).__name__, msg[0] if msg else "")).strip()[:200]


def _first_call(step, net=None) -> dict:
    """Runs `step` once, timed (the first call: gluonx's trace + plan, torch.compile's
    compile); {'step', 'first', 'note'} or {'error'} when it raised."""
    import traceback
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        try:
            step()
        except Exception as e:  # noqa: BLE001 -- reported as "n/a (reason)"
            traceback.print_exc()
            return {"error": _reason(e)}
        first = time.perf_counter() - t0
    notes = [plan_summary(net)] if net is not None else []
    notes += ["warning: %s" % str(w.message).splitlines()[0][:160] for w in caught]
    return {"step": step, "first": first, "note": "; ".join(notes)}


def build_variants(case, torch, use_compile) -> dict:
    """name -> _first_call() result, for the in-process frameworks."""
    _, _, model, shape, batch, train, _, _ = case
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch,) + shape).astype(np.float32)
    y_np = rng.integers(0, 10, size=batch).astype(np.float32)
    out = {}
    for name, hy in HYBRIDIZE.items():
        net = GX_MODELS[model]()
        out[name] = _first_call(gx_runner(net, x_np, y_np, train, hy), net if hy is not None else None)
    if torch is not None:
        out["torch"] = _first_call(torch_runner(torch, torch_models(torch)[model](), x_np, y_np, train))
        if use_compile:
            try:
                step = torch_runner(torch, torch_models(torch)[model](), x_np, y_np, train, compile=True)
            except Exception as e:  # noqa: BLE001
                out["torch.compile"] = {"error": _reason(e)}
            else:
                res = _first_call(step)
                if "step" in res:    # a second call: does a recompile follow the first one?
                    second = _first_call(step)
                    if "step" not in second:
                        res = second
                    else:
                        res["note"] = "compile = the first call; the second took %.3f s" % second["first"]
                out["torch.compile"] = res
    return out


def _targets(group, batch, train):
    """(hybridized/eager, static/MXNet, static/PyTorch) targets of the graph issue, None where none."""
    hyb = 1.15 if (group == "mlp" and batch == 64) or group == "lenet" else 1.0
    return (hyb,) + ((1.4, 1.3) if group == "resnet" and train else (None, None))


def _ratio(label, num, den, target=None) -> str:
    txt = "%s %s" % (label, "%.2fx" % (num / den) if num and den else "n/a")
    return txt + (" [target >= %.2fx]" % target if target else "")


def run_case(case, variants, mxnet_python, number, repeat, first_round, tag="") -> dict:
    """Times one case, prints its table; returns throughput per row name."""
    group, label, model, shape, batch, train, _, _ = case
    unit = "img/s" if model == "resnet" else "samples/s"
    steps = {name: v["step"] for name, v in variants.items() if "step" in v}
    try:
        times = best_times_interleaved(steps, number, repeat)
    except Exception as e:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        print("%-26s batch %4d  timing failed: %s" % (label, batch, _reason(e)), flush=True)
        return {}
    rates = {name: batch / t for name, t in times.items()}
    rows = {name: v for name, v in variants.items()}
    if mxnet_python:
        res, why = run_mxnet_side(mxnet_python, ["time", "--model", model, "--batch", batch,
                                                 "--train", int(train), "--number", number, "--repeat", repeat])
        if res is None:
            rows["mxnet"] = {"error": "MXNet side failed: %s" % why}
        else:
            rates["mxnet"] = res["throughput"]
            rows["mxnet"] = {"first": res["first_call_s"],
                             "note": "MXNet %s%s, own process, load average %.2f"
                                     % (res["version"], ", oneDNN" if res.get("onednn") else "",
                                        res.get("loadavg", float("nan")))}
    print("%s  batch %d  (%s, best of %d x %d steps)%s" % (label, batch, unit, repeat, number, tag), flush=True)
    for name in LABELS:
        if name not in rows:
            continue
        v = rows[name]
        if "error" in v:
            print("  %-30s n/a (%s)" % (LABELS[name], v["error"]))
            continue
        cell = "  %-30s %10.1f %s" % (LABELS[name], rates[name], unit.ljust(9) if first_round else unit)
        if first_round:
            cell += "  first call %8.3f s" % v["first"]
            if v.get("note"):
                cell += "  (%s)" % v["note"]
        print(cell)
    hyb, vs_mx, vs_torch = _targets(group, batch, train)
    eager, static = rates.get("gx-eager"), rates.get("gx-static")
    cells = [_ratio("hybridize()/eager", rates.get("gx-hybrid"), eager, hyb),
             _ratio("static/eager", static, eager, hyb)]
    if "mxnet" in rows:
        cells.append(_ratio("static/MXNet", static, rates.get("mxnet"), vs_mx))
    if "torch" in rows:
        cells.append(_ratio("static/PyTorch", static, rates.get("torch"), vs_torch))
    if "torch.compile" in rows:
        cells.append(_ratio("static/torch.compile", static, rates.get("torch.compile")))
    print("  ratios: " + "  ".join(cells), flush=True)
    return rates


def print_load_ratios(quiet: dict, loaded: dict, n: int) -> None:
    """Each row's throughput beside n busy processes over its quiet throughput."""
    cells = ["%s %.2f" % (LABELS[name], loaded[name] / quiet[name])
             for name in LABELS if quiet.get(name) and loaded.get(name)]
    print("  loaded/quiet (--load %d): %s" % (n, "  ".join(cells)), flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description="Gluon throughput: gluonx eager and hybridized beside PyTorch "
                                            "(eager, torch.compile) and MXNet 1.9.1 hybridized.")
    p.add_argument("--only", nargs="+", choices=("mlp", "lenet", "resnet"), default=None)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--quick", action="store_true", help="fewer timed steps (a smoke test, not a measurement)")
    p.add_argument("--no-torch", action="store_true", help="no PyTorch rows (eager nor compiled)")
    p.add_argument("--no-compile", action="store_true", help="no torch.compile row")
    p.add_argument("--mxnet", metavar="PYTHON", default=os.environ.get("GLUONX_MXNET_PYTHON"),
                   help="a Python with MXNet 1.9.1 (default: $GLUONX_MXNET_PYTHON)")
    p.add_argument("--no-mxnet", action="store_true")
    p.add_argument("--load", type=int, default=0, metavar="N",
                   help="also time each case beside N busy processes and print loaded/quiet ratios")
    args = p.parse_args(argv)
    groups = args.only or ["mlp", "lenet", "resnet"]
    torch = None if args.no_torch else try_import_torch()
    mxnet_python = None if args.no_mxnet else args.mxnet
    missing = _missing_layers()
    if missing and any(g in groups for g in ("lenet", "resnet")):
        print("gluonx.gluon.nn lacks %s: skipping the LeNet and ResNet-18 cases (needs the conv / norm "
              "layers)" % ", ".join(missing))
        groups = [g for g in groups if g == "mlp"]
    print("gluonx %s%s" % (getattr(mx, "__version__", "?"),
                           ", torch %s (%d threads)" % (torch.__version__, torch.get_num_threads())
                           if torch is not None else ", PyTorch not importable" if not args.no_torch
                           else ", PyTorch not run (--no-torch)"))
    if torch is not None:
        print("torch.compile: %s" % ("not run (--no-compile)" if args.no_compile else
                                     "default inductor backend; compile time = its first call, not timed"))
    if mxnet_python:
        print("MXNet: %s benchmarks/_mxnet_side.py (MXNET_SUBGRAPH_BACKEND=NONE, OMP_NUM_THREADS=2), "
              "per case after the in-process timing" % mxnet_python)
    else:
        print("MXNet: skipped (%s)" % ("--no-mxnet" if args.no_mxnet else
                                       "give --mxnet PYTHON or set GLUONX_MXNET_PYTHON"))
    if args.quick:
        print("--quick: fewer timed steps; the figures are a smoke test, not a measurement")
    built = {}
    for rnd in range(1, args.rounds + 1):
        print("round %d (load average %.2f)" % (rnd, os.getloadavg()[0]), flush=True)
        for i, case in enumerate(CASES):
            if case[0] not in groups:
                continue
            number, repeat = case[6], case[7]
            if args.quick:
                number, repeat = max(1, number // 4), 2
            first = i not in built
            if first:
                built[i] = build_variants(case, torch, not args.no_compile)
            quiet = run_case(case, built[i], mxnet_python, number, repeat, first,
                             "  quiet" if args.load else "")
            if args.load > 0:
                with busy_load(args.load):
                    loaded = run_case(case, built[i], mxnet_python, number, repeat, False,
                                      "  beside %d busy processes" % args.load)
                print_load_ratios(quiet, loaded, args.load)


if __name__ == "__main__":
    main()
