"""Thread counts: the cgroup quota and affinity mask decide the default
(gluonx/_threads.py); the gemm kernel's per-call choice of one or all
threads (backends/cpu/threads.c) gives the same results either way."""
import os
import subprocess
import sys

import numpy as np
import pytest

from gluonx import _threads


def _cgroup(tmp_path, v2=None, v1=None):
    if v2 is not None:
        (tmp_path / "cpu.max").write_text(v2)
    if v1 is not None:
        (tmp_path / "cpu").mkdir()
        (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(str(v1[0]))
        (tmp_path / "cpu" / "cpu.cfs_period_us").write_text(str(v1[1]))
    return str(tmp_path)


@pytest.mark.parametrize("v2,v1,want", [("max 100000\n", None, None), ("150000 100000\n", None, 1.5),
                                        (None, (200000, 100000), 2.0), (None, (-1, 100000), None),
                                        (None, None, None), ("garbage", None, None)])
def test_cgroup_cpu_limit(tmp_path, v2, v1, want):
    assert _threads.cgroup_cpu_limit(_cgroup(tmp_path, v2, v1)) == want


def test_quota_caps_threads(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    root = _cgroup(tmp_path, v2="150000 100000")
    assert _threads.usable_cpus(root) == 2          # 1.5 CPUs of time: two threads
    env = {}
    assert _threads.configure(env, root) == 2
    assert env == {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}


def test_user_settings_win(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    root = _cgroup(tmp_path, v2="100000 100000")
    env = {"OMP_NUM_THREADS": "3"}
    assert _threads.configure(env, root) == 3 and env == {"OMP_NUM_THREADS": "3"}
    env = {"GLUONX_NUM_THREADS": "5", "OMP_NUM_THREADS": "3"}
    assert _threads.configure(env, root) == 5
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == "5"
    with pytest.raises(ValueError, match="GLUONX_NUM_THREADS"):
        _threads.configure({"GLUONX_NUM_THREADS": "0"}, root)


def test_no_limit_leaves_environment_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(4)))
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    env = {}
    assert _threads.configure(env, _cgroup(tmp_path)) == 4 and env == {}


_GEMM_CHECK = r"""
import numpy as np, gluonx as mx
rng = np.random.default_rng(0)
for (m, k, n) in [(64, 784, 256), (512, 256, 256), (3, 5, 7), (1000, 64, 1)]:
    a = rng.standard_normal((m, k)).astype("f4"); b = rng.standard_normal((k, n)).astype("f4")
    want = a.astype("f8") @ b.astype("f8")
    A, B = mx.nd.array(a), mx.nd.array(b)
    for _ in range(40):   # enough calls for the kernel to try both thread counts
        got = mx.nd.dot(A, B).asnumpy()
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3 * np.abs(want).max())
print("ok")
"""


@pytest.mark.parametrize("adaptive", ["1", "0"])
def test_gemm_same_results_with_either_thread_count(adaptive):
    env = dict(os.environ, GLUONX_ADAPTIVE_THREADS=adaptive, OMP_NUM_THREADS="2")
    r = subprocess.run([sys.executable, "-c", _GEMM_CHECK], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"
