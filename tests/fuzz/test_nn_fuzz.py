"""Neural-network, optimizer, creation and random operators: numeric gradients of
EVERY differentiable operator on freshly drawn values (the input generators of the
tests/ops CASES tables, which hold valid shapes and attributes for each op, under
drawn seeds), NumPy references for the creation ops and plain properties of the
samplers and optimizer updates."""
from __future__ import annotations

import glob
import importlib.util
import os
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx.ops.registry import REQUIRED

from strategies import assert_close, call_ok_or_mxerror, per_op_examples, unique_ops

_OPS_TESTS = os.path.join(os.path.dirname(__file__), os.pardir, "ops")
sys.path.insert(0, _OPS_TESTS)
from gradcheck import inputs as grad_inputs  # noqa: E402
from gluonx.test_utils import check_numeric_gradient  # noqa: E402


def _grad_cases() -> dict:
    """{op name: (fn, generators)} from tests/ops/test_gradients.py and test_grad_*.py."""
    cases = {}
    for path in sorted(glob.glob(os.path.join(_OPS_TESTS, "test_grad*.py"))):
        spec = importlib.util.spec_from_file_location("_fuzzcases_" + os.path.basename(path)[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        cases.update(getattr(mod, "CASES", {}))
    return cases


CASES = _grad_cases()
DIFFERENTIABLE = sorted(n for n, op in unique_ops().items()
                        if op.differentiable and (op.inputs or op.variadic) and (
                            {n} | set(op.aliases)) & set(CASES))


def _case_for(name):
    op = unique_ops()[name]
    return CASES[next(k for k in (name,) + op.aliases if k in CASES)]


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_gradient_drawn_values(name):
    """float64 central differences against autograd on new random values of the
    op's checked case (seeds drawn; ci: a few per op)."""
    fn, gens = _case_for(name)

    @settings(max_examples=max(1, per_op_examples(100, 1)))
    @given(st.integers(2, 2 ** 31))
    def run(seed):
        check_numeric_gradient(fn, grad_inputs(gens, seed, np.float64), numeric_eps=1e-6, rtol=1e-4, atol=1e-6)

    run()


# ---- creation ops against NumPy ------------------------------------------------------

@settings(max_examples=per_op_examples(2))
@given(st.lists(st.integers(0, 4), max_size=6).map(tuple), st.sampled_from(("float32", "float64", "int32", "int8",
                                                                             "uint8", "bool", "float16")),
       st.floats(-3, 3).map(lambda v: round(v, 1)))
def test_creation_vs_numpy(shape, dtype, value):
    assert_close(mx.nd.zeros(shape, dtype=dtype), np.zeros(shape, dtype), dtype, "zeros")
    assert_close(mx.nd.ones(shape, dtype=dtype), np.ones(shape, dtype), dtype, "ones")
    assert mx.nd.empty(shape, dtype=dtype).shape == shape
    want = np.full(shape, value).astype(dtype) if dtype in ("float32", "float64", "float16") else \
        np.full(shape, int(value)).astype(dtype)
    full = mx.nd.full(shape, value if dtype.startswith("float") else int(value), dtype=dtype)
    assert_close(full, want, dtype, "full")
    x = mx.nd.ones(shape, dtype=dtype)
    assert_close(mx.nd.zeros_like(x), np.zeros(shape, dtype), dtype, "zeros_like")
    assert_close(mx.nd.ones_like(x), np.ones(shape, dtype), dtype, "ones_like")
    if dtype.startswith("float"):
        assert_close(mx.nd.full_like(x, fill_value=value), np.full(shape, value, dtype), dtype, "full_like")


@settings(max_examples=per_op_examples(2))
@given(st.integers(-5, 5), st.integers(-5, 20), st.sampled_from((1, 2, 0.5, -1, -0.5, 3)), st.integers(1, 3),
       st.integers(0, 6), st.booleans(), st.integers(0, 5), st.integers(0, 5), st.integers(-3, 3))
def test_arange_linspace_eye_vs_numpy(start, stop, step, repeat, num, endpoint, N, M, k):
    got = mx.nd.arange(start, stop, step, repeat=repeat, dtype="float64")
    assert_close(got, np.repeat(np.arange(start, stop, step, dtype=np.float64), repeat), "float64", "arange")
    assert_close(mx.nd.linspace(start, stop, num, endpoint=endpoint, dtype="float64"),
                 np.linspace(start, stop, num, endpoint=endpoint), "float64", "linspace")
    assert_close(mx.nd.eye(N, M, k), np.eye(N, M or None, k, dtype=np.float32), "float32", "eye")


# ---- samplers ---------------------------------------------------------------------

@settings(max_examples=per_op_examples(2))
@given(st.lists(st.integers(0, 4), max_size=4).map(tuple), st.sampled_from(("float32", "float64", "float16")),
       st.floats(-2, 2), st.floats(0.1, 3))
def test_samplers_shape_dtype_range(shape, dtype, lo, width):
    hi = lo + width
    want_shape = shape or (1,)     # MXNet: shape=() is the unset shape, one draw
    u = mx.nd.random.uniform(lo, hi, shape=shape, dtype=dtype).asnumpy()
    assert u.shape == want_shape and u.dtype == np.dtype(dtype)
    assert np.all((u >= lo - 1e-3) & (u <= hi + 1e-3))
    for draw in (lambda: mx.nd.random.normal(lo, width, shape=shape, dtype=dtype),
                 lambda: mx.nd.random.exponential(width, shape=shape, dtype=dtype),
                 lambda: mx.nd.random.gamma(width, 1.0, shape=shape, dtype=dtype),
                 lambda: mx.nd.random.poisson(width, shape=shape, dtype=dtype),
                 lambda: mx.nd.random.randn(*shape, dtype=dtype)):
        v = draw().asnumpy()
        assert v.shape == want_shape and np.all(np.isfinite(v))
    r = mx.nd.random.randint(-3, 4, shape=shape, dtype="int32").asnumpy()
    assert r.shape == want_shape and np.all((r >= -3) & (r < 4))
    x = mx.nd.array(np.arange(int(np.prod(shape))).reshape(shape)) if shape else mx.nd.array([1.0, 2.0])
    s = mx.nd.random.shuffle(x).asnumpy()
    assert sorted(s.ravel()) == sorted(x.asnumpy().ravel())
    if shape and shape[-1]:
        p = np.random.default_rng(0).uniform(0.1, 1, shape)
        p /= p.sum(-1, keepdims=True)
        m = mx.nd.random.multinomial(mx.nd.array(p)).asnumpy()
        assert m.shape == (shape[:-1] or (1,)) and np.all((m >= 0) & (m < shape[-1]))


# ---- optimizer updates --------------------------------------------------------------

@settings(max_examples=per_op_examples(2))
@given(st.lists(st.integers(0, 4), max_size=3).map(tuple), st.floats(0.0, 1.0), st.floats(0, 0.1),
       st.floats(0.0, 0.9), st.integers(0, 2 ** 16))
def test_sgd_updates_vs_numpy(shape, lr, wd, momentum, seed):
    rng = np.random.default_rng(seed)
    w, g, m = (rng.uniform(-1, 1, shape).astype(np.float32) for _ in range(3))
    got = mx.nd.sgd_update(mx.nd.array(w), mx.nd.array(g), lr=lr, wd=wd)
    assert_close(got, w - lr * (g + wd * w), "float32", "sgd_update", 10)
    mom = mx.nd.array(m)
    got = mx.nd.sgd_mom_update(mx.nd.array(w), mx.nd.array(g), mom, lr=lr, wd=wd, momentum=momentum)
    want_m = momentum * m - lr * (g + wd * w)
    assert_close(got, w + want_m, "float32", "sgd_mom_update", 10)


OPTIMIZER_OPS = ("adam_update", "ftml_update", "ftrl_update", "lamb_update_phase1", "lamb_update_phase2",
                 "mp_nag_mom_update", "mp_sgd_mom_update", "mp_sgd_update", "nag_mom_update", "rmsprop_update",
                 "rmspropalex_update", "signsgd_update", "signum_update", "sgd_update", "sgd_mom_update")


@pytest.mark.parametrize("name", OPTIMIZER_OPS)
def test_optimizer_update_finite(name):
    """Every fused update on valid states: finite results of the weight's shape
    and dtype; NaN gradients give NaN (or an error), never a crash."""
    op = unique_ops()[name]

    @settings(max_examples=per_op_examples(40, 2))
    @given(st.lists(st.integers(0, 4), max_size=3).map(tuple), st.integers(0, 2 ** 16), st.booleans())
    def run(shape, seed, nan):
        rng = np.random.default_rng(seed)
        arrs = []
        for inp in op.inputs:
            # lamb phase 2 takes the two norms r1, r2 as one-element arrays; rmspropalex's
            # running mean g must stay below sqrt(n) (n - g^2 is a variance)
            v = rng.uniform(0.1, 1, (1,) if inp in ("r1", "r2") else shape)
            if name == "rmspropalex_update" and inp == "g":
                v = v * 0.1
            if nan and inp in ("grad", "g") and v.size:
                v.flat[0] = np.nan
            arrs.append(mx.nd.array(v, dtype="float32"))
        kw = {a.name: (1 if a.kind == "int" else 0.1) for a in op.attrs
              if a.default is REQUIRED or a.name in ("t", "wd")}
        ok, res = call_ok_or_mxerror(op, *arrs, **kw)
        assert ok, res
        res = res[0] if isinstance(res, (list, tuple)) else res
        assert res.shape == shape
        if not nan:
            assert np.all(np.isfinite(res.asnumpy())), (name, res)

    run()


COVERED = set(DIFFERENTIABLE) | set(OPTIMIZER_OPS) | {
    "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "full_like", "arange", "linspace", "eye",
    "random_uniform", "random_normal", "random_exponential", "random_gamma", "random_poisson", "random_randn",
    "random_randint", "shuffle", "multinomial"}
