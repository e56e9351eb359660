"""Peak memory (and first-call time) of training ResNet-18 CIFAR: gluonx eager
and hybridized beside PyTorch eager and real MXNet 1.9.1 hybridized.

Each configuration runs in a FRESH process (one subprocess each, one after
another) that imports its framework, builds ResNet-18 CIFAR (3x32x32, the
model of bench_gluon.py: gx_resnet18 / torch_models()["resnet"], and
benchmarks/_mxnet_side.py's copy for MXNet), initializes it (Xavier) and
trains --steps steps (default 3) at --batch (default 32): forward under
autograd.record(), SoftmaxCrossEntropyLoss, backward, trainer.step (SGD lr
0.01, no momentum).  Reported per configuration:

  peak RSS     resource.getrusage(RUSAGE_SELF).ru_maxrss of that process, MiB,
               beside the RSS right after the imports (the framework's own share)
  times        the first step's forward and backward (for hybridize: the first
               forward is the trace + plan + first run; "first - steady" is
               the trace + plan cost), and the steady state: the best of the
               later steps' forward, backward and whole step
  plan stats   gluonx hybridized: net._cached_op.stats(), per compiled signature

Configurations: gluonx eager, gluonx hybridize(), gluonx
hybridize(static_alloc=True, static_shape=True), PyTorch eager (2 threads;
when torch is importable in this interpreter; the torch process does not
import gluonx), MXNet 1.9.1 hybridize(static_alloc=True, static_shape=True)
(with --mxnet PYTHON, default $GLUONX_MXNET_PYTHON; MXNET_SUBGRAPH_BACKEND=NONE,
OMP_NUM_THREADS=2).  Every process gets OMP_NUM_THREADS=2 and the
environment this script started with.

Targets (the graph issue): peak RSS of ResNet-18 b32 hybridized, 3 steps
<= 0.6x MXNet hybridized (static_alloc)'s; the first call of a hybridized
ResNet-18 under 1 s.

    python benchmarks/bench_memory.py
    PYTHONPATH=. /work/torch-venv/bin/python benchmarks/bench_memory.py --mxnet /work/mx-ref/bin/python
    python benchmarks/bench_memory.py --only gx-static mxnet --mxnet /work/mx-ref/bin/python

Times here come from a few steps of one process each: they show the
first-call cost, bench_gluon.py measures throughput.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

ENV_AT_START = dict(os.environ)   # before gluonx (imported by bench_gluon) sets variables of its own
HERE = os.path.dirname(os.path.abspath(__file__))
LR = 0.01
CONFIGS = ("gx-eager", "gx-hybrid", "gx-static", "torch", "mxnet")
LABELS = {"gx-eager": "gluonx eager", "gx-hybrid": "gluonx hybridize()",
          "gx-static": "gluonx hybridize(static)", "torch": "PyTorch eager",
          "mxnet": "MXNet 1.9.1 hybridize(static)"}


def _rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: KiB


def _data(batch):
    import numpy as np
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch, 3, 32, 32)).astype(np.float32)
    y_np = rng.integers(0, 10, size=batch).astype(np.float32)
    return x_np, y_np


# --------------------------------------------------------------------------- child processes

def child_gluonx(config, batch, steps):
    rss_start = _rss_mib()
    sys.path.insert(0, HERE)
    import bench_gluon as bg
    mx, autograd, gluon = bg.mx, bg.autograd, bg.gluon
    rss_import = _rss_mib()
    x_np, y_np = _data(batch)
    net = bg.gx_resnet18()
    net.initialize(mx.init.Xavier())
    if bg.HYBRIDIZE[config] is not None:
        net.hybridize(**bg.HYBRIDIZE[config])
    x, y = mx.nd.array(x_np), mx.nd.array(y_np)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        with autograd.record():
            loss = loss_fn(net(x), y)
        bg._sync()
        t1 = time.perf_counter()
        loss.backward()
        bg._sync()
        t2 = time.perf_counter()
        trainer.step(batch)
        bg._sync()
        t3 = time.perf_counter()
        times.append({"forward_s": t1 - t0, "backward_s": t2 - t1, "step_s": t3 - t0})
    out = {"framework": "gluonx", "version": getattr(mx, "__version__", "?"), "config": config,
           "batch": batch, "steps": times, "rss_start_mib": rss_start, "rss_after_import_mib": rss_import,
           "peak_rss_mib": _rss_mib(), "loss": float(loss.mean().asscalar())}
    cop = getattr(net, "_cached_op", None)
    if bg.HYBRIDIZE[config] is not None:
        out["plan_stats"] = cop.stats() if cop is not None else None
        out["fallback_reason"] = getattr(cop, "fallback_reason", None) if cop is not None else "no cached op"
    return out


def _torch_models_source_only(torch):
    """bench_gluon.torch_models, taken from its source: importing bench_gluon
    would load gluonx into the PyTorch process and count it in its RSS."""
    import ast
    path = os.path.join(HERE, "bench_gluon.py")
    with open(path) as fh:
        tree = ast.parse(fh.read(), path)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "torch_models")
    ns = {}
    exec(compile(ast.Module(body=[fn], type_ignores=[]), path, "exec"), ns)
    return ns["torch_models"](torch)


def child_torch(batch, steps):
    rss_start = _rss_mib()
    import numpy as np
    import torch
    torch.set_num_threads(2)
    rss_import = _rss_mib()
    torch.manual_seed(0)
    x_np, y_np = _data(batch)
    net = _torch_models_source_only(torch)["resnet"]()
    net.train()
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np.astype(np.int64))
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        loss = loss_fn(net(x), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        opt.zero_grad()
        t3 = time.perf_counter()
        times.append({"forward_s": t1 - t0, "backward_s": t2 - t1, "step_s": t3 - t0})
    return {"framework": "torch", "version": torch.__version__, "config": "torch", "batch": batch,
            "steps": times, "rss_start_mib": rss_start, "rss_after_import_mib": rss_import,
            "peak_rss_mib": _rss_mib(), "loss": float(loss.item())}


# --------------------------------------------------------------------------- parent

def _child_env(extra_path=None):
    env = dict(ENV_AT_START)
    env["OMP_NUM_THREADS"] = "2"
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join([extra_path] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def run_child(config, args, gluonx_root):
    """(result dict, None, stderr lines) or (None, why, stderr lines)."""
    if config == "mxnet":
        sys.path.insert(0, HERE)
        from bench_gluon import run_mxnet_side
        res, why = run_mxnet_side(args.mxnet, ["memory", "--batch", args.batch, "--steps", args.steps],
                                  base_env=ENV_AT_START)
        return res, why, []
    cmd = [sys.executable, os.path.abspath(__file__), "--child", config, "--batch", str(args.batch),
           "--steps", str(args.steps)]
    try:
        proc = subprocess.run(cmd, env=_child_env(gluonx_root), capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.SubprocessError) as e:
        return None, "%s: %s" % (type(e).__name__, e), []
    err = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return None, (err[-1] if err else "exit status %d, no result line" % proc.returncode)[:200], err
    return json.loads(lines[-1]), None, err


def _timing_line(res):
    st = res["steps"]
    first = st[0]
    line = "first step: forward %.3f s, backward %.3f s" % (first["forward_s"], first["backward_s"])
    if len(st) > 1:
        steady = {k: min(s[k] for s in st[1:]) for k in ("forward_s", "backward_s", "step_s")}
        line += ("; steady (best of steps 2-%d): forward %.3f s, backward %.3f s, step %.3f s; "
                 "first - steady: forward %+.3f s, backward %+.3f s"
                 % (len(st), steady["forward_s"], steady["backward_s"], steady["step_s"],
                    first["forward_s"] - steady["forward_s"], first["backward_s"] - steady["backward_s"]))
    return line


def main(argv=None):
    p = argparse.ArgumentParser(description="Peak RSS and first-call time of ResNet-18 CIFAR training, "
                                            "one fresh process per configuration.")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--only", nargs="+", choices=CONFIGS, default=None)
    p.add_argument("--no-torch", action="store_true")
    p.add_argument("--mxnet", metavar="PYTHON", default=os.environ.get("GLUONX_MXNET_PYTHON"),
                   help="a Python with MXNet 1.9.1 (default: $GLUONX_MXNET_PYTHON)")
    p.add_argument("--no-mxnet", action="store_true")
    p.add_argument("--child", choices=CONFIGS[:4], help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        res = (child_torch(args.batch, args.steps) if args.child == "torch"
               else child_gluonx(args.child, args.batch, args.steps))
        sys.stdout.flush()
        print(json.dumps(res), flush=True)
        return

    configs = list(args.only or CONFIGS)
    if args.no_torch and "torch" in configs:
        configs.remove("torch")
    if "mxnet" in configs and (args.no_mxnet or not args.mxnet):
        configs.remove("mxnet")
        print("MXNet: skipped (%s)" % ("--no-mxnet" if args.no_mxnet else
                                       "give --mxnet PYTHON or set GLUONX_MXNET_PYTHON"))
    gluonx_root = None
    if any(c.startswith("gx-") for c in configs):
        import gluonx
        gluonx_root = os.path.dirname(os.path.dirname(os.path.abspath(gluonx.__file__)))
    print("ResNet-18 CIFAR training, batch %d, %d steps, one fresh process per configuration "
          "(python %s; load average %.2f)" % (args.batch, args.steps, sys.executable, os.getloadavg()[0]),
          flush=True)
    results = {}
    for config in configs:
        res, why, err = run_child(config, args, gluonx_root)
        if res is None:
            if config == "torch" and "No module named 'torch'" in why:
                print("  %-30s not importable in %s" % (LABELS[config], sys.executable))
            else:
                print("  %-30s n/a (%s)" % (LABELS[config], why))
            continue
        results[config] = res
        print("  %-30s peak RSS %8.1f MiB  (after imports %7.1f MiB, model + training %7.1f MiB)  %s %s"
              % (LABELS[config], res["peak_rss_mib"], res["rss_after_import_mib"],
                 res["peak_rss_mib"] - res["rss_after_import_mib"], res["framework"], res["version"]))
        print("  %-30s %s" % ("", _timing_line(res)))
        if config in ("gx-hybrid", "gx-static"):
            first = res["steps"][0]
            print("  %-30s first call (trace + plan + run, the first forward under autograd.record): "
                  "%.3f s [target < 1 s]; with the first backward %.3f s"
                  % ("", first["forward_s"], first["forward_s"] + first["backward_s"]))
            if res.get("fallback_reason"):
                print("  %-30s FALLBACK (operator by operator): %s" % ("", res["fallback_reason"]))
            for i, st in enumerate(res.get("plan_stats") or []):
                print("  %-30s plan %d: %s" % ("", i, json.dumps(st, sort_keys=True)))
        for ln in err[-5:]:
            print("  %-30s stderr: %s" % ("", ln[:200]))
        sys.stdout.flush()
    if "mxnet" in results:
        mxp = results["mxnet"]
        for config in ("gx-eager", "gx-hybrid", "gx-static"):
            if config in results:
                r = results[config]
                print("%s / MXNet hybridize(static): peak RSS %.2fx%s  (model + training share %.2fx)"
                      % (LABELS[config], r["peak_rss_mib"] / mxp["peak_rss_mib"],
                         " [target <= 0.60x]" if config != "gx-eager" else "",
                         (r["peak_rss_mib"] - r["rss_after_import_mib"])
                         / (mxp["peak_rss_mib"] - mxp["rss_after_import_mib"])))
    elif any(c.startswith("gx-") for c in results):
        print("no MXNet result: the peak RSS ratio to MXNet is not computed")


if __name__ == "__main__":
    main()
