"""Random sampling: exact MXNet 1.9.1 streams (uniform, normal, randint),
statistics of the other samplers, shapes/dtypes/out= and errors."""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx.base import MXNetError
from gluonx._core import ndarray as _c

HERE = os.path.dirname(os.path.abspath(__file__))
REF = json.load(open(os.path.join(HERE, "data", "random_mxnet.json")))["cases"]
# Samplers whose streams are bit-exact with MXNet (uniform and normal are required to be).
EXACT = {"seed", "uniform", "normal", "randint", "exponential", "gamma", "poisson"}


def call(step):
    kind, r = step[0], mx.nd.random
    if kind == "seed":
        mx.random.seed(step[1])
        return None
    if kind in ("uniform", "normal", "randint", "gamma"):
        f = getattr(r, kind)
        return f(step[1], step[2], shape=tuple(step[3]), dtype=step[4]).asnumpy()
    f = getattr(r, kind)  # exponential, poisson
    return f(step[1], shape=tuple(step[2]), dtype=step[3]).asnumpy()


def check(step, got, want):
    assert got.dtype.name == want["dtype"] and list(got.shape) == want["shape"], step
    if step[0] not in EXACT:  # same distribution, not necessarily the same stream
        return
    flat = got.ravel()
    if "values" in want:
        np.testing.assert_array_equal(flat, np.array(want["values"], dtype=got.dtype), err_msg=str(step))
    else:
        for i, v in want["probe"]:
            assert flat[i] == np.array(v, dtype=got.dtype), (step, i)
        assert hashlib.sha256(got.tobytes()).hexdigest() == want["sha256"], step


def run_case(name):
    case = REF[name]
    for step, want in zip(case["steps"], case["results"]):
        got = call(step)
        if want is not None:
            check(step, got, want)


@pytest.mark.parametrize("name", [n for n in REF if n != "noseed"])
def test_matches_mxnet_after_seed(name):
    run_case(name)


def test_matches_mxnet_without_seed():
    # A fresh process: the engines must start where MXNet's start.
    code = ("import sys; sys.path.insert(0, %r); import test_random as t; t.run_case('noseed'); print('OK')"
            % HERE)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=os.path.dirname(HERE))
    assert res.returncode == 0 and "OK" in res.stdout, res.stderr[-2000:]


def test_seed_repeats_and_streams_continue():
    mx.random.seed(7)
    a = mx.nd.random.uniform(shape=(100,)).asnumpy()
    b = mx.nd.random.uniform(shape=(100,)).asnumpy()
    mx.random.seed(7)
    np.testing.assert_array_equal(mx.nd.random.uniform(shape=(100,)).asnumpy(), a)
    np.testing.assert_array_equal(mx.nd.random.uniform(shape=(100,)).asnumpy(), b)
    assert not np.array_equal(a, b)
    mx.random.seed(7, ctx=mx.cpu())
    np.testing.assert_array_equal(mx.random.uniform(shape=(100,)).asnumpy(), a)


def test_shuffle_and_multinomial_do_not_disturb_streams():
    mx.random.seed(3)
    want = mx.nd.random.normal(shape=(50,)).asnumpy()
    mx.random.seed(3)
    mx.nd.random.shuffle(mx.nd.array(np.arange(10)))
    mx.nd.random.multinomial(mx.nd.array([0.3, 0.7]), shape=5)
    np.testing.assert_array_equal(mx.nd.random.normal(shape=(50,)).asnumpy(), want)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_uniform_normal_stats(dtype):
    mx.random.seed(11)
    u = mx.nd.random.uniform(-2, 6, shape=(200, 300), dtype=dtype).asnumpy().astype(np.float64)
    assert u.min() >= -2 and u.max() <= 6
    assert abs(u.mean() - 2) < 0.05 and abs(u.var() - 64 / 12) < 0.1
    z = mx.nd.random.normal(1.5, 2.0, shape=(60000,), dtype=dtype).asnumpy().astype(np.float64)
    assert abs(z.mean() - 1.5) < 0.05 and abs(z.std() - 2.0) < 0.05


def test_randint_stats_and_bounds():
    mx.random.seed(1)
    x = mx.nd.random.randint(-3, 4, shape=(70000,))
    assert x.dtype == np.int32
    v = x.asnumpy()
    assert v.min() == -3 and v.max() == 3
    counts = np.bincount(v + 3)
    assert np.all(np.abs(counts / len(v) - 1 / 7) < 0.01)
    y = mx.nd.random.randint(0, 2 ** 40, shape=(1000,), dtype="int64").asnumpy()
    assert y.dtype == np.int64 and y.min() >= 0 and y.max() < 2 ** 40 and y.max() > 2 ** 39


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_other_sampler_stats(dtype):
    mx.random.seed(5)
    n = 60000
    e = mx.nd.random.exponential(2.0, shape=(n,), dtype=dtype).asnumpy()
    assert e.min() >= 0 and abs(e.mean() - 2) < 0.05 and abs(e.var() - 4) < 0.25
    for a, b in [(2.5, 1.5), (0.5, 2.0)]:
        g = mx.nd.random.gamma(a, b, shape=(n,), dtype=dtype).asnumpy()
        assert g.min() >= 0 and abs(g.mean() - a * b) / (a * b) < 0.03
        assert abs(g.var() - a * b * b) / (a * b * b) < 0.08
    for lam in [0.0, 3.0, 30.0]:
        p = mx.nd.random.poisson(lam, shape=(n,), dtype=dtype).asnumpy()
        assert np.all(p == np.round(p)) and p.min() >= 0
        assert abs(p.mean() - lam) < 0.05 + 0.02 * lam and abs(p.var() - lam) < 0.1 + 0.05 * lam
    assert mx.nd.random.poisson(2, shape=(3,)).dtype == np.float32


def test_shuffle():
    mx.random.seed(9)
    x = mx.nd.array(np.arange(40).reshape(10, 4))
    y = mx.nd.random.shuffle(x).asnumpy()
    assert sorted(y[:, 0].tolist()) == list(range(0, 40, 4))
    np.testing.assert_array_equal(y[:, 1:] - y[:, :1], np.tile([1, 2, 3], (10, 1)))
    np.testing.assert_array_equal(x.asnumpy(), np.arange(40).reshape(10, 4))
    # every permutation of 3 rows shows up, roughly uniformly
    seen = {}
    for _ in range(600):
        k = tuple(mx.nd.shuffle(mx.nd.array(np.arange(3))).asnumpy().astype(int))
        seen[k] = seen.get(k, 0) + 1
    assert len(seen) == 6 and min(seen.values()) > 60
    # non-contiguous input, int dtype, out=
    base = mx.nd.array(np.arange(12).reshape(3, 4), dtype="int64")
    z = _c.as_strided(base, (4, 3), (1, 4))  # the transpose, as a strided view
    o = mx.nd.zeros((4, 3), dtype="int64")
    r = mx.nd.random.shuffle(z, out=o)
    assert r is o and sorted(o.asnumpy()[:, 0].tolist()) == [0, 1, 2, 3]


def test_multinomial():
    mx.random.seed(2)
    p = mx.nd.array([[0.1, 0.2, 0.7], [1.0, 0.0, 0.0]])
    s, lp = mx.nd.random.multinomial(p, shape=20000, get_prob=True)
    assert s.shape == (2, 20000) and s.dtype == np.int32 and lp.shape == (2, 20000)
    v = s.asnumpy()
    freq = np.bincount(v[0], minlength=3) / 20000
    assert np.all(np.abs(freq - [0.1, 0.2, 0.7]) < 0.015)
    assert np.all(v[1] == 0)
    np.testing.assert_allclose(lp.asnumpy(), np.log(p.asnumpy()[np.arange(2)[:, None], v]), rtol=1e-6)
    assert mx.nd.random.multinomial(mx.nd.array([0.2, 0.8])).shape == (1,)
    assert mx.nd.random.multinomial(mx.nd.array([0.2, 0.8]), shape=(2, 3)).shape == (2, 3)
    assert mx.nd.random.multinomial(p).shape == (2,)
    assert mx.nd.sample_multinomial(p, shape=4, dtype="int64").dtype == np.int64


def test_shapes_dtypes_out_and_aliases():
    assert mx.nd.random.uniform().shape == (1,)
    assert mx.nd.random.normal(0, 1, 5).shape == (5,)
    assert mx.nd.random.uniform(shape=(2, 0)).shape == (2, 0)
    assert mx.nd.random.randn(2, 3).shape == (2, 3)
    assert mx.nd.random.uniform(shape=(2,), dtype="float16").dtype == np.float16
    assert mx.nd.uniform(shape=(2,)).shape == (2,) and mx.nd._random_normal(shape=(3,)).shape == (3,)
    assert mx.random.normal is mx.nd.random.normal
    np.testing.assert_array_equal(mx.nd.random.uniform(3, 3, shape=(4,)).asnumpy(), [3, 3, 3, 3])
    # out=: contiguous and strided targets receive exactly the stream values
    mx.random.seed(4)
    want = mx.nd.random.uniform(shape=(6,)).asnumpy()
    mx.random.seed(4)
    o = mx.nd.zeros((6,))
    assert mx.nd.random.uniform(out=o) is o
    np.testing.assert_array_equal(o.asnumpy(), want)
    mx.random.seed(4)
    big = mx.nd.zeros((2, 6))
    col = _c.as_strided(big, (6,), (2,))  # every other element
    assert mx.nd.random.uniform(shape=(6,), out=col) is col
    np.testing.assert_array_equal(big.asnumpy().ravel()[::2], want)
    np.testing.assert_array_equal(big.asnumpy().ravel()[1::2], 0)


@pytest.mark.parametrize("fn", [
    lambda: mx.nd.random.uniform(3, 1, shape=(2,)),
    lambda: mx.nd.random.normal(0, -1, shape=(2,)),
    lambda: mx.nd.random.uniform(0, 1, shape=(2,), dtype="int32"),
    lambda: mx.nd.random.uniform(0, 1, shape=(-1, 2)),
    lambda: mx.nd.random.randint(5, 5, shape=(2,)),
    lambda: mx.nd.random.randint(0, 5, shape=(2,), dtype="float32"),
    lambda: mx.nd.random.exponential(0, shape=(2,)),
    lambda: mx.nd.random.gamma(0, 1, shape=(2,)),
    lambda: mx.nd.random.poisson(-1, shape=(2,)),
    lambda: mx.nd.random.uniform(shape=(3,), out=mx.nd.zeros((2,))),
    lambda: mx.nd.random.multinomial(mx.nd.array([[-0.5, 1.5]])),
    lambda: mx.nd.random.multinomial(mx.nd.array([1, 2], dtype="int32")),
    lambda: mx.random.seed(1.5),
])
def test_errors(fn):
    with pytest.raises(MXNetError):
        fn()


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, 5000), low=st.floats(-100, 100), width=st.floats(0, 50), seed=st.integers(0, 2 ** 31 - 1))
def test_uniform_sweep_matches_engine_split(n, low, width, seed):
    """Every element lies in range and chunks follow MXNet's engine split:
    drawing N at once equals the per-engine streams of a fresh seed."""
    high = low + width
    mx.random.seed(seed)
    x = mx.nd.random.uniform(low, high, shape=(n,)).asnumpy()
    assert x.shape == (n,)
    if n:
        assert x.min() >= np.float32(low) and x.max() <= np.float32(high)
    mx.random.seed(seed)
    y = mx.nd.random.uniform(low, high, shape=(n,)).asnumpy()
    np.testing.assert_array_equal(x, y)
    if 64 < n <= 128:  # engines 0 and 1: the first element of chunk 1 is engine 1's first draw
        mx.random.seed(seed)
        first = mx.nd.random.uniform(low, high, shape=(64,)).asnumpy()
        np.testing.assert_array_equal(first[0], x[0])
