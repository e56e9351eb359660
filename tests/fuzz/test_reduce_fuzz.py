"""Reductions and sorting against NumPy: drawn shapes (zero-size dims, rank 0-6),
axes (None, one, several, negative, with keepdims/exclude), strided views and
dtypes; numeric gradients of the differentiable ones."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import gluonx as mx
from gluonx.test_utils import check_numeric_gradient

from strategies import FLOATS, assert_close, call_ok_or_mxerror, np_data, per_op_examples, shapes, view_of

REDUCE = {"sum": np.sum, "mean": np.mean, "prod": np.prod, "max": np.max, "min": np.min,
          "nansum": np.nansum, "nanprod": np.nanprod}
COVERED = set(REDUCE) | {"norm", "argmax", "argmin", "argmax_channel", "sort", "argsort", "topk"}


@st.composite
def axes_for(draw, ndim):
    """None, an int or a tuple of distinct axes (negative ones too), as MXNet takes them."""
    if ndim == 0 or draw(st.integers(0, 3)) == 0:
        return None
    picked = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    picked = [a - ndim if draw(st.booleans()) else a for a in picked]
    return picked[0] if len(picked) == 1 and draw(st.booleans()) else tuple(picked)


def _np_axes(axis, ndim, exclude):
    if axis is None:
        return tuple(range(ndim))
    ax = {a % ndim for a in ((axis,) if isinstance(axis, int) else axis)}
    return tuple(i for i in range(ndim) if (i in ax) != exclude)


@settings(max_examples=per_op_examples(1))
@given(st.sampled_from(sorted(REDUCE)), shapes(0, 6, 0, 4, 256), st.sampled_from(("float32", "float64", "int32")),
       st.booleans(), st.booleans(), st.data())
def test_reduce_vs_numpy(name, shape, dtype, keepdims, exclude, data):
    axis = data.draw(axes_for(len(shape)), label="axis")
    exclude = exclude and axis is not None
    special = name.startswith("nan")
    a = np_data(data.draw, shape, dtype, -2, 2, special=special)
    ok, got = call_ok_or_mxerror(getattr(mx.nd, name), data.draw(view_of(a)), axis=axis, keepdims=keepdims,
                                 exclude=exclude)
    ax = _np_axes(axis, len(shape), exclude)
    empty_out = any(shape[i] == 0 for i in ax)
    kept = [d for i, d in enumerate(shape) if i not in ax]
    if name in ("max", "min") and empty_out:
        if int(np.prod(kept)) == 0:   # nothing to compute: an empty result (NumPy refuses)
            assert ok and got.size == 0, got
        else:
            assert not ok      # no identity: an error, not garbage
        return
    assert ok, got
    if name == "mean" and empty_out and dtype == "int32":
        return     # NumPy's NaN has no int32 value to compare with
    with np.errstate(all="ignore"):
        want = REDUCE[name](a.astype(np.float64) if dtype != "int32" else a, axis=ax, keepdims=keepdims)
    want = np.asarray(want)
    if want.ndim == 0 and got.ndim == 1:
        want = want.reshape(1)      # MXNet: a full reduction without keepdims is shape (1,)
    assert_close(got, want.astype(dtype) if dtype == "int32" else want,
                 dtype if dtype != "float32" or name not in ("prod", "nanprod") else "float16", name)


@settings(max_examples=per_op_examples(2))
@given(shapes(1, 4, 1, 4, 64), st.sampled_from(FLOATS), st.sampled_from((1, 2)), st.booleans(), st.data())
def test_norm_vs_numpy(shape, dtype, ord_, keepdims, data):
    axis = data.draw(axes_for(len(shape)))
    assume(not isinstance(axis, tuple) or len(axis) <= 2)
    a = np_data(data.draw, shape, dtype, -2, 2, special=False)
    ok, got = call_ok_or_mxerror(mx.nd.norm, data.draw(view_of(a)), ord=ord_, axis=axis, keepdims=keepdims)
    assert ok, got
    ax = _np_axes(axis, len(shape), False)
    af = a.astype(np.float64)
    want = np.sum(np.abs(af), axis=ax, keepdims=keepdims) if ord_ == 1 else \
        np.sqrt(np.sum(af * af, axis=ax, keepdims=keepdims))
    want = np.asarray(want).reshape(got.shape) if np.asarray(want).size == got.size else want
    assert_close(got, want, dtype, "norm", 5)


@settings(max_examples=per_op_examples(2))
@given(shapes(1, 5, 1, 5, 128), st.sampled_from(FLOATS + ("int32", "uint8")), st.sampled_from(("argmax", "argmin")),
       st.booleans(), st.data())
def test_argmax_argmin_vs_numpy(shape, dtype, name, keepdims, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    # distinct values: ties would make the answer depend on the scan order
    a = data.draw(st.permutations(range(int(np.prod(shape))))).__iter__()
    a = np.array(list(a)).reshape(shape).astype(dtype if dtype != "uint8" else "int32") % 251
    a = a.astype(dtype)
    assume(np.unique(a).size == a.size)
    got = getattr(mx.nd, name)(data.draw(view_of(a)), axis=axis, keepdims=keepdims)
    want = getattr(np, name)(a, axis=axis)
    if keepdims:
        want = np.expand_dims(want, axis)
    assert got.dtype == (np.float64 if dtype == "float64" else np.float32)    # MXNet's float indices
    np.testing.assert_array_equal(got.asnumpy(), want.astype(got.dtype))
    if len(shape) >= 2:
        ch = mx.nd.argmax_channel(mx.nd.array(a, dtype=dtype))
        np.testing.assert_array_equal(ch.asnumpy(), np.argmax(a, axis=-1).astype(ch.dtype))


@settings(max_examples=per_op_examples(1))
@given(shapes(1, 4, 0, 5, 128), st.sampled_from(("float32", "float64", "int32")), st.booleans(), st.data())
def test_sort_argsort_topk_vs_numpy(shape, dtype, ascend, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = int(np.prod(shape))
    a = np.array(data.draw(st.permutations(range(n))), dtype=np.int64).reshape(shape).astype(dtype)
    x = data.draw(view_of(a))
    s = np.sort(a, axis=axis)
    idx = np.argsort(a, axis=axis, kind="stable")
    if not ascend:
        s, idx = np.flip(s, axis), np.flip(idx, axis)
    assert_close(mx.nd.sort(x, axis=axis, is_ascend=ascend), s, dtype, "sort")
    np.testing.assert_array_equal(mx.nd.argsort(x, axis=axis, is_ascend=ascend).asnumpy(), idx.astype(np.float32))
    size = shape[axis]
    k = data.draw(st.integers(1, max(size, 1)))
    ok, got = call_ok_or_mxerror(mx.nd.topk, x, axis=axis, k=k, ret_typ="value", is_ascend=ascend)
    if size == 0:
        return
    assert ok, got
    assert_close(got, np.take(s, np.arange(k), axis=axis), dtype, "topk")
    ind = mx.nd.topk(x, axis=axis, k=k, ret_typ="indices", is_ascend=ascend)
    np.testing.assert_array_equal(ind.asnumpy(), np.take(idx, np.arange(k), axis=axis).astype(np.float32))


@pytest.mark.parametrize("k", [0, -1, 2 ** 31, 2 ** 62, -(2 ** 63)])
def test_topk_hostile_k(k):
    """k beyond the axis (or <= 0) is an error or the whole axis (MXNet: k <= 0 means all)."""
    ok, got = call_ok_or_mxerror(mx.nd.topk, mx.nd.array([[3, 1, 2]]), k=k, ret_typ="value")
    if ok:
        assert got.shape[1] <= 3


@settings(max_examples=per_op_examples(1))
@given(st.sampled_from(("sum", "mean", "prod", "max", "min", "nansum", "nanprod", "norm")),
       shapes(0, 3, 1, 3, 12), st.booleans(), st.integers(0, 2 ** 16), st.data())
def test_reduce_gradient(name, shape, keepdims, seed, data):
    axis = data.draw(axes_for(len(shape)))
    kw = dict(axis=axis, keepdims=keepdims)
    rng = np.random.default_rng(seed)
    # distinct values away from 0: max/min have no ties, prod has no zero
    x = (rng.permutation(max(1, int(np.prod(shape)))) + 1.0)[:int(np.prod(shape))].reshape(shape) * 0.3
    x = x * rng.choice([-1.0, 1.0], shape)
    check_numeric_gradient(lambda v: getattr(mx.nd, name)(v, **kw), [x], numeric_eps=1e-6, rtol=1e-4, atol=1e-6)


@settings(max_examples=per_op_examples(2))
@given(shapes(1, 3, 1, 4, 24), st.booleans(), st.integers(0, 2 ** 16), st.data())
def test_sort_topk_gradient(shape, ascend, seed, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    k = data.draw(st.integers(1, shape[axis]))
    x = np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape) * 0.5
    check_numeric_gradient(lambda v: mx.nd.sort(v, axis=axis, is_ascend=ascend), [x], numeric_eps=1e-6,
                           rtol=1e-4, atol=1e-6)
    check_numeric_gradient(lambda v: mx.nd.topk(v, axis=axis, k=k, ret_typ="value"), [x], numeric_eps=1e-6,
                           rtol=1e-4, atol=1e-6)
