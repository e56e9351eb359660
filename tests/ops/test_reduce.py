"""Reductions vs NumPy: sum mean prod max min nansum nanprod norm argmax argmin."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError


def gx_view(base_np, view_np, dtype=None):
    """The gluonx view of `base_np` that matches the NumPy view `view_np`."""
    X = mx.nd.array(base_np, dtype=dtype or base_np.dtype)
    isz = base_np.itemsize
    off = (view_np.__array_interface__["data"][0] - base_np.__array_interface__["data"][0]) // isz
    return _c.as_strided(X, view_np.shape, tuple(s // isz for s in view_np.strides), off)


def views(base):
    """(name, numpy view) pairs: contiguous, transposed, reversed, stepped."""
    out = [("contig", base)]
    if base.ndim >= 2:
        out.append(("transposed", base.transpose()))
    out.append(("reversed", base[..., ::-1]))
    if base.shape[-1] >= 2:
        out.append(("step2", base[..., ::2]))
    return out


def rand(shape, dtype, rng, lo=-3, hi=3):
    if np.dtype(dtype).kind == "f":
        return rng.uniform(lo, hi, size=shape).astype(dtype)
    if dtype == np.uint8:
        return rng.integers(0, hi + 1, size=shape).astype(dtype)
    return rng.integers(lo, hi + 1, size=shape).astype(dtype)


def np_reduce(op, a, axis, keepdims):
    kind = a.dtype.kind
    if op in ("sum", "nansum", "prod", "nanprod"):
        f = {"sum": np.sum, "nansum": np.nansum, "prod": np.prod, "nanprod": np.nanprod}[op]
        acc = np.float64 if kind == "f" else np.int64
        return f(a.astype(acc), axis=axis, keepdims=keepdims).astype(a.dtype)
    if op == "mean":
        if kind == "f":
            return np.mean(a.astype(np.float64), axis=axis, keepdims=keepdims).astype(a.dtype)
        s = np.sum(a.astype(np.int64), axis=axis, keepdims=keepdims)
        n = a.size // max(s.size, 1)
        return (s / n).astype(a.dtype)
    return {"max": np.max, "min": np.min}[op](a, axis=axis, keepdims=keepdims)


def check(op, a_np, x, axis, keepdims=False, exclude=False):
    nd = a_np.ndim
    if axis is None or axis == ():
        np_axis = None
    else:
        ax = (axis,) if isinstance(axis, int) else axis
        ax = tuple(a % nd for a in ax)
        np_axis = tuple(i for i in range(nd) if i not in ax) if exclude else ax
    got = getattr(mx.nd, op)(x, axis=axis, keepdims=keepdims, exclude=exclude).asnumpy()
    want = np.asarray(np_reduce(op, a_np, np_axis, keepdims))
    if want.ndim == 0:
        want = want.reshape((1,) * (nd if keepdims else 1))
    assert got.shape == want.shape, (op, axis, got.shape, want.shape)
    assert got.dtype == a_np.dtype
    tol = {np.float16: 2e-2, np.float32: 1e-5, np.float64: 1e-12}.get(a_np.dtype.type, 0)
    atol = tol
    if op in ("sum", "nansum", "mean") and a_np.dtype.kind == "f":
        # a sum that cancels is only as exact as the magnitudes it adds
        mags = np.asarray(np_reduce(op, np.abs(a_np.astype(np.float64)), np_axis, keepdims))
        atol = tol * max(1.0, float(np.max(mags, initial=0.0)))
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=tol, atol=atol)


OPS = ["sum", "mean", "prod", "max", "min", "nansum", "nanprod"]
DTYPES = [np.float32, np.float64, np.float16, np.int32, np.int64, np.int8, np.uint8]
AXES = [None, (), 0, -1, 1, (0, 2), (1, 2), (0, 1, 2)]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_reduce_values(op, dtype):
    rng = np.random.default_rng(0)
    lo, hi = (-1, 1) if op in ("prod", "nanprod") else (-3, 3)
    base = rand((3, 4, 5), dtype, rng, lo, hi)
    for name, v in views(base):
        x = gx_view(base, v)
        for axis in AXES:
            for keepdims in (False, True):
                check(op, v, x, axis, keepdims)
        check(op, v, x, 1, exclude=True)
        check(op, v, x, (0, -1), exclude=True, keepdims=True)


@pytest.mark.parametrize("shape,axis", [((1000,), None), ((7, 513), 1), ((513, 7), 0), ((64, 3000), 0),
                                        ((3000, 64), 1), ((2, 300, 300), (0, 2)), ((300, 2, 300), 1)])
def test_reduce_large(shape, axis):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(shape).astype(np.float32)
    x = mx.nd.array(a)
    for op in ("sum", "max", "min", "mean"):
        check(op, a, x, axis)


def test_sum_1m_accuracy_and_threads():
    rng = np.random.default_rng(2)
    a = rng.uniform(0, 1, size=1 << 20).astype(np.float32)
    got = mx.nd.array(a).sum().asnumpy()
    np.testing.assert_allclose(got, [a.astype(np.float64).sum()], rtol=1e-6)
    b = rng.uniform(0, 1, size=(1 << 20) + 37).astype(np.float32)  # odd length, threaded path
    np.testing.assert_allclose(mx.nd.array(b).sum().asnumpy(), [b.astype(np.float64).sum()], rtol=1e-6)
    c = rng.standard_normal((1024, 1024)).astype(np.float32)
    np.testing.assert_allclose(mx.nd.array(c).sum(axis=0).asnumpy(), c.astype(np.float64).sum(axis=0),
                               rtol=1e-4, atol=1e-3)


def test_nan_handling():
    a = np.array([[1, np.nan, 3], [4, 5, 6]], dtype=np.float32)
    x = mx.nd.array(a)
    np.testing.assert_array_equal(x.max(axis=1).asnumpy(), [np.nan, 6])
    np.testing.assert_array_equal(x.min(axis=1).asnumpy(), [np.nan, 4])
    np.testing.assert_array_equal(x.max().asnumpy(), [np.nan])
    np.testing.assert_array_equal(mx.nd.nansum(x, axis=1).asnumpy(), [4, 15])
    np.testing.assert_array_equal(mx.nd.nanprod(x, axis=1).asnumpy(), [3, 120])
    np.testing.assert_array_equal(mx.nd.nansum(x).asnumpy(), [19])
    big = np.ones(100000, np.float32)
    big[77777] = np.nan
    assert np.isnan(mx.nd.array(big).max().asnumpy()[0])
    assert mx.nd.argmax(mx.nd.array(a), axis=1).asnumpy()[0] == 1


def test_bool_and_int_semantics():
    np.testing.assert_array_equal(mx.nd.sum(mx.nd.array([100, 100, 100], dtype="int8")).asnumpy(), [44])
    np.testing.assert_array_equal(mx.nd.sum(mx.nd.array([200, 200], dtype="uint8")).asnumpy(), [144])
    r = mx.nd.sum(mx.nd.array([1, 1], dtype="bool"))
    assert r.dtype == np.bool_ and r.asnumpy()[0]
    m = mx.nd.mean(mx.nd.array(np.arange(24).reshape(2, 3, 4), dtype="int32"), axis=1)
    assert m.dtype == np.int32
    np.testing.assert_array_equal(m.asnumpy(), np.arange(24).reshape(2, 3, 4).sum(1) // 3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.float16])
def test_argmax_argmin(dtype):
    rng = np.random.default_rng(3)
    base = rng.integers(0, 4, size=(4, 5, 6)).astype(dtype)  # many ties
    for name, v in views(base):
        x = gx_view(base, v)
        for axis in (0, 1, 2, -1):
            for f, nf in ((mx.nd.argmax, np.argmax), (mx.nd.argmin, np.argmin)):
                r = f(x, axis=axis)
                # float32 indices (float64 kept for float64 input), see test_arg_index.py
                assert r.dtype == (np.float64 if dtype == np.float64 else np.float32)
                np.testing.assert_array_equal(r.asnumpy(), nf(v, axis=axis))
                rk = f(x, axis=axis, keepdims=True)
                np.testing.assert_array_equal(rk.asnumpy(), np.expand_dims(nf(v, axis=axis), axis))
        np.testing.assert_array_equal(mx.nd.argmax(x).asnumpy(), [np.argmax(v)])
        assert mx.nd.argmin(x, keepdims=True).shape == (1, 1, 1)
    xf = mx.nd.array(np.arange(24).reshape(2, 3, 4))
    np.testing.assert_array_equal(xf.argmax(1).asnumpy(), np.full((2, 4), 2))
    np.testing.assert_array_equal(mx.nd.argmax_channel(xf).asnumpy(), np.full((2, 3), 3))
    big = rng.standard_normal((300, 700)).astype(np.float32)
    np.testing.assert_array_equal(mx.nd.array(big).argmax(axis=0).asnumpy(), big.argmax(0))
    np.testing.assert_array_equal(mx.nd.array(big).argmin(axis=1).asnumpy(), big.argmin(1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_norm(dtype):
    rng = np.random.default_rng(4)
    base = rng.standard_normal((3, 4, 5)).astype(dtype)
    tol = 2e-2 if dtype == np.float16 else 1e-5
    for name, v in views(base):
        x = gx_view(base, v)
        r = mx.nd.norm(x)
        assert r.shape == (1,) and r.dtype == dtype
        np.testing.assert_allclose(r.asnumpy(), [np.sqrt((v.astype(np.float64) ** 2).sum())], rtol=tol)
        np.testing.assert_allclose(x.norm().asnumpy(), r.asnumpy())
        for axis in (0, -1, (0, 1), (1, 2)):
            for keepdims in (False, True):
                got = mx.nd.norm(x, ord=1, axis=axis, keepdims=keepdims).asnumpy()
                want = np.abs(v.astype(np.float64)).sum(axis=axis, keepdims=keepdims)
                np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
                got = mx.nd.norm(x, axis=axis, keepdims=keepdims).asnumpy()
                want = np.sqrt((v.astype(np.float64) ** 2).sum(axis=axis, keepdims=keepdims))
                np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    with pytest.raises(MXNetError):
        mx.nd.norm(mx.nd.array(base), ord=3)


def test_methods_aliases_and_signature():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = mx.nd.array(a)
    np.testing.assert_array_equal(x.sum(axis=1).asnumpy(), a.sum(1))
    np.testing.assert_array_equal(x.sum(1).asnumpy(), a.sum(1))
    np.testing.assert_array_equal(x.max().asnumpy(), [23])
    np.testing.assert_array_equal(x.min(axis=(0, 2)).asnumpy(), a.min((0, 2)))
    np.testing.assert_array_equal(x.mean(axis=-1, keepdims=True).asnumpy(), a.mean(-1, keepdims=True))
    np.testing.assert_array_equal(x.prod(axis=0).asnumpy(), a.prod(0))
    np.testing.assert_array_equal(mx.nd.sum_axis(x, axis=1).asnumpy(), a.sum(1))
    np.testing.assert_array_equal(mx.nd.max_axis(x, axis=1).asnumpy(), a.max(1))
    np.testing.assert_array_equal(mx.nd.min_axis(x, axis=1).asnumpy(), a.min(1))
    np.testing.assert_array_equal(mx.nd.sum(x, axis=(), exclude=True).asnumpy(), [a.sum()])
    np.testing.assert_array_equal(mx.nd.sum(x, axis="(0, 2)").asnumpy(), a.sum((0, 2)))
    np.testing.assert_array_equal(x.nansum(axis=2).asnumpy(), a.sum(2))
    out = mx.nd.zeros((3,))
    mx.nd.sum(x, axis=(0, 2), out=out)
    np.testing.assert_array_equal(out.asnumpy(), a.sum((0, 2)))


def test_empty_reductions():
    z = mx.nd.zeros((0, 3))
    np.testing.assert_array_equal(mx.nd.sum(z, axis=0).asnumpy(), [0, 0, 0])
    np.testing.assert_array_equal(mx.nd.prod(z, axis=0).asnumpy(), [1, 1, 1])
    assert mx.nd.sum(z, axis=1).shape == (0,)
    for f in (mx.nd.max, mx.nd.min):
        with pytest.raises(MXNetError, match="zero-size"):
            f(z, axis=0)
    with pytest.raises(MXNetError):
        mx.nd.argmax(z, axis=0)


def test_errors():
    x = mx.nd.ones((2, 3, 4))
    with pytest.raises(MXNetError, match="out of range"):
        mx.nd.sum(x, axis=3)
    with pytest.raises(IndexError):
        x.max(axis=-4)
    with pytest.raises(MXNetError, match="twice"):
        mx.nd.sum(x, axis=(0, 0))
    with pytest.raises(MXNetError):
        mx.nd.argmax(x, axis=(1,))
    with pytest.raises(MXNetError):
        mx.nd.argmax(x, axis=5)
    with pytest.raises(TypeError):
        mx.nd.sum(np.ones(3))


@st.composite
def shape_and_axes(draw):
    nd = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=nd, max_size=nd)))
    axes = draw(st.lists(st.integers(-nd, nd - 1), unique_by=lambda a: a % nd, max_size=nd))
    perm = draw(st.permutations(range(nd)))
    return shape, tuple(axes), perm, draw(st.booleans()), draw(st.booleans())


@settings(max_examples=60, deadline=None)
@given(shape_and_axes(), st.sampled_from(["sum", "max"]), st.sampled_from([np.float32, np.int32]))
def test_hypothesis_sum_max(params, op, dtype):
    shape, axes, perm, keepdims, exclude = params
    rng = np.random.default_rng(abs(hash((shape, axes, tuple(perm)))) % 2**32)
    base = rand(shape, dtype, rng, -50, 50)
    v = base.transpose(perm)  # a non-contiguous view in general
    check(op, v, gx_view(base, v), axes, keepdims, exclude)
