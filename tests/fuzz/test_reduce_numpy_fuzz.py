"""Reductions, arg-reductions and sorting against NumPy: drawn shapes (rank
0-6, zero-size dims), axes (None, an int, a tuple, negative, out of range,
repeated), keepdims / exclude, every dtype, non-contiguous inputs, NaN/inf.
An out-of-range or repeated axis must be a clean error; a result must match
NumPy within the dtype's tolerance.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from op_strategies import FLOATS, INTS, arrays, assert_close, clean_call, scaled, shapes

nd = mx.nd

REDUCE = {"sum": np.sum, "mean": np.mean, "prod": np.prod, "max": np.max, "min": np.min,
          "nansum": np.nansum, "nanprod": np.nanprod}

_AXIS = st.one_of(st.none(), st.integers(-8, 8), st.lists(st.integers(-8, 8), max_size=4).map(tuple))


def _np_axes(axis, ndim, exclude):
    """The normalised axis tuple NumPy is given, or None when gluonx must refuse it."""
    if axis is None or axis == ():          # MXNet: all axes, exclude or not
        return tuple(range(ndim))
    seq = (axis,) if isinstance(axis, int) else axis
    norm = []
    for a in seq:
        if not -ndim <= a < ndim:
            return None
        norm.append(a % ndim)
    if len(set(norm)) != len(norm):
        return None
    if exclude:
        norm = [a for a in range(ndim) if a not in norm]
    return tuple(norm)


def _result_size(shape, axes):
    return int(np.prod([d for i, d in enumerate(shape) if i not in axes]))


def _mx_shape(x):
    """MXNet's full reductions give shape (1,), not NumPy's ()."""
    x = np.asarray(x)
    return x.reshape(1) if x.ndim == 0 else x


@pytest.mark.parametrize("name", sorted(REDUCE))
@settings(max_examples=scaled(4))
@given(x=arrays(shape=shapes(max_side=4, max_size=256), kinds=("normal", "int", "special"), lo=-2, hi=2),
       axis=_AXIS, keepdims=st.booleans(), exclude=st.booleans())
def test_reduce_against_numpy(name, x, axis, keepdims, exclude):
    a, an = x
    ok, out = clean_call(getattr(nd, name), an, axis=axis, keepdims=keepdims, exclude=exclude)
    axes = _np_axes(axis, a.ndim, exclude)
    if axes is None:
        assert not ok, "%s accepted axis=%r of a %d-d array" % (name, axis, a.ndim)
        return
    empty = any(a.shape[i] == 0 for i in axes)
    if name in ("max", "min") and empty and a.size == 0 and _result_size(a.shape, axes):
        assert not ok and isinstance(out, ValueError), "%s over a zero-size axis: %r" % (name, out)
        return       # no identity: NumPy raises too
    if name in ("max", "min") and empty:
        assert not ok or out.size == 0
        return
    if not ok:
        dtype_refused = isinstance(out, TypeError) or isinstance(out, NotImplementedError)
        assert dtype_refused, "%s refused axis=%r of shape %s: %s" % (name, axis, a.shape, out)
        return
    dtype = "bool" if a.dtype == np.bool_ else a.dtype.name
    with np.errstate(all="ignore"):
        want = REDUCE[name](a.astype(np.float64), axis=axes, keepdims=keepdims)
        want = want if keepdims else _mx_shape(want)
    if dtype not in FLOATS:
        # sums accumulate in the dtype (MXNet): compare where no wraparound happened
        if name in ("max", "min") or (name in ("sum", "nansum") and dtype != "bool"
                                      and np.all((want >= np.iinfo(dtype).min) & (want <= np.iinfo(dtype).max))):
            got = out.asnumpy().astype(np.float64)
            np.testing.assert_array_equal(got, np.asarray(want), err_msg=name)
        return
    if dtype == "float16" or name in ("prod", "nanprod"):
        with np.errstate(all="ignore"):   # overflow to inf in the dtype is the dtype's answer
            want = np.where(np.abs(want) > np.finfo(dtype).max, np.sign(want) * np.inf, want)
    assert_close(out, want, dtype, rtol=1e-2 if dtype == "float16" else 1e-4 if dtype == "float32" else 1e-9,
                 atol=5e-2 if dtype == "float16" else 1e-4 if dtype == "float32" else 1e-9, what=name)


@settings(max_examples=scaled(2))
@given(x=arrays(shape=shapes(max_size=128), kinds=("normal", "int")), axis=_AXIS, keepdims=st.booleans(),
       ord=st.sampled_from([1, 2, 0, 3, -1]))
def test_norm_against_numpy(x, axis, keepdims, ord):
    a, an = x
    ok, out = clean_call(nd.norm, an, ord=ord, axis=axis, keepdims=keepdims)
    axes = _np_axes(axis, a.ndim, False)
    if axes is None or ord not in (1, 2):
        assert not ok or ord in (1, 2), "norm accepted ord=%r" % ord
        return
    if not ok:
        return
    dtype = "bool" if a.dtype == np.bool_ else a.dtype.name
    f = np.abs(a.astype(np.float64))
    want = np.sum(f, axis=axes, keepdims=keepdims) if ord == 1 else \
        np.sqrt(np.sum(f * f, axis=axes, keepdims=keepdims))
    if dtype in FLOATS:
        assert_close(out, want if keepdims else _mx_shape(want), dtype, rtol=1e-2 if dtype == "float16" else 1e-5,
                     atol=1e-1 if dtype == "float16" else 1e-5, what="norm")


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@settings(max_examples=scaled(2))
@given(x=arrays(shape=shapes(max_size=128), kinds=("normal", "int")), axis=st.one_of(st.none(), st.integers(-7, 7)),
       keepdims=st.booleans())
def test_argreduce_against_numpy(name, x, axis, keepdims):
    a, an = x
    ok, out = clean_call(getattr(nd, name), an, axis=axis, keepdims=keepdims)
    if axis is not None and not -a.ndim <= axis < max(a.ndim, 1):
        assert not ok, "%s accepted axis=%r of a %d-d array" % (name, axis, a.ndim)
        return
    if not ok:
        return
    # float32 indices whatever the input dtype, float64 for float64 data (README, Differences)
    assert out.dtype == (np.float64 if a.dtype == np.float64 else np.float32), (a.dtype, out.dtype)
    if a.size == 0 or (axis is None and a.ndim == 0):
        return
    f = a.astype(np.float64)
    want = getattr(np, name)(f, axis=axis)
    if keepdims:
        want = np.expand_dims(want, axis if axis is not None else 0) if axis is not None else \
            np.reshape(want, (1,) * max(a.ndim, 1))
    got = out.asnumpy()
    assert got.size == np.size(want), (got.shape, np.shape(want))
    np.testing.assert_array_equal(got.reshape(-1), np.reshape(want, -1).astype(np.float32))


@settings(max_examples=scaled(2))
@given(x=arrays(shape=shapes(min_rank=1, max_size=128), kinds=("normal", "int")), axis=st.integers(-7, 7),
       ascend=st.booleans())
def test_sort_and_argsort_against_numpy(x, axis, ascend):
    a, an = x
    ok, out = clean_call(nd.sort, an, axis=axis, is_ascend=ascend)
    if not -a.ndim <= axis < a.ndim:
        assert not ok, "sort accepted axis=%r of a %d-d array" % (axis, a.ndim)
        return
    if not ok:
        return
    want = np.sort(a, axis=axis, kind="stable")
    if not ascend:
        want = np.flip(want, axis=axis)
    np.testing.assert_array_equal(out.asnumpy(), want)
    ok, idx = clean_call(nd.argsort, an, axis=axis, is_ascend=ascend)
    if ok:
        # indices may order ties either way: they must select the sorted values
        got = np.take_along_axis(a, idx.asnumpy().astype(np.int64), axis=axis)
        np.testing.assert_array_equal(got, want)


@settings(max_examples=scaled(2))
@given(x=arrays(shape=shapes(min_rank=1, max_size=128), kinds=("normal", "int"), dtype=st.sampled_from(FLOATS + INTS)),
       axis=st.integers(-7, 7), k=st.integers(-2, 6), ret=st.sampled_from(["value", "indices", "mask", "both", "x"]),
       ascend=st.booleans())
def test_topk_against_numpy(x, axis, k, ret, ascend):
    a, an = x
    ok, out = clean_call(nd.topk, an, axis=axis, k=k, ret_typ=ret, is_ascend=ascend)
    if not -a.ndim <= axis < a.ndim or ret == "x":
        assert not ok, "topk accepted axis=%r ret_typ=%r of a %d-d array" % (axis, ret, a.ndim)
        return
    if not ok or ret != "value" or k < 1 or k > a.shape[axis]:
        return
    s = np.sort(a, axis=axis, kind="stable")
    want = np.take(s, range(k), axis=axis) if ascend else np.take(np.flip(s, axis=axis), range(k), axis=axis)
    np.testing.assert_array_equal(out.asnumpy(), want)
