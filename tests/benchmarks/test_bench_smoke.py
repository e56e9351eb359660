"""The benchmark scripts run (a smoke test with --quick and the smallest
models; their figures are not checked here: speed is measured, not tested)."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(*args, timeout=300):
    # this checkout's gluonx, whatever an installed copy points at
    path = os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, GLUONX_MXNET_PYTHON="", PYTHONPATH=path)
    r = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=timeout)
    assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-3000:])
    assert "Traceback" not in r.stdout + r.stderr, r.stderr[-3000:]
    return r.stdout


def test_bench_gluon_runs():
    out = _run("benchmarks/bench_gluon.py", "--only", "mlp", "--quick", "--rounds", "1",
               "--no-torch", "--no-mxnet", "--load", "1")
    assert "gluonx hybridize()" in out and "loaded/quiet (--load 1)" in out


@pytest.mark.parametrize("config", ["gx-eager", "gx-static"])
def test_bench_memory_child_runs(config):
    out = _run("benchmarks/bench_memory.py", "--only", config, "--batch", "2", "--steps", "1",
               "--no-torch", "--no-mxnet")
    assert "MiB" in out
