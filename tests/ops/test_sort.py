"""topk / sort / argsort vs NumPy (stable order, NaN largest) and MXNet outputs."""
import numpy as np
import pytest

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError


def gx_view(base_np, view_np):
    X = mx.nd.array(base_np, dtype=base_np.dtype)
    isz = base_np.itemsize
    off = (view_np.__array_interface__["data"][0] - base_np.__array_interface__["data"][0]) // isz
    return _c.as_strided(X, view_np.shape, tuple(s // isz for s in view_np.strides), off)


def ref_argsort(a, axis, ascend):
    """Stable argsort along axis; NaN is the largest value."""
    a = np.moveaxis(np.asarray(a, dtype=np.float64), axis, -1)
    idx = np.broadcast_to(np.arange(a.shape[-1]), a.shape)
    nan = np.isnan(a)
    filled = np.where(nan, 0, a)
    rows = []
    for r in range(int(np.prod(a.shape[:-1]))):
        ai, ni, fi = (t.reshape(-1, a.shape[-1])[r] for t in (idx, nan, filled))
        keys = (ai, fi, ni) if ascend else (ai, -fi, ~ni)
        rows.append(np.lexsort(keys))
    out = np.array(rows).reshape(a.shape)
    return np.moveaxis(out, -1, axis)


MXNET_X = [[3, 1, 3, 2, 1], [0, 5, 5, 5, -1]]


def test_matches_mxnet_outputs():
    x = mx.nd.array(MXNET_X)
    # outputs recorded from MXNet 1.9.1
    np.testing.assert_array_equal(mx.nd.topk(x).asnumpy(), [[0], [1]])
    np.testing.assert_array_equal(mx.nd.topk(x, k=3).asnumpy(), [[0, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(mx.nd.topk(x, k=3, is_ascend=True).asnumpy(), [[1, 4, 3], [4, 0, 1]])
    v, i = mx.nd.topk(x, k=2, ret_typ="both")
    np.testing.assert_array_equal(v.asnumpy(), [[3, 3], [5, 5]])
    np.testing.assert_array_equal(i.asnumpy(), [[0, 2], [1, 2]])
    np.testing.assert_array_equal(mx.nd.topk(x, k=2, ret_typ="mask").asnumpy(),
                                  [[1, 0, 1, 0, 0], [0, 1, 1, 0, 0]])
    np.testing.assert_array_equal(mx.nd.topk(x, axis=0).asnumpy(), [[0, 1, 1, 1, 0]])
    np.testing.assert_array_equal(mx.nd.topk(x, axis=None, k=3).asnumpy(), [6, 7, 8])
    np.testing.assert_array_equal(mx.nd.topk(x, k=0).asnumpy(), [[0, 2, 3, 1, 4], [1, 2, 3, 0, 4]])
    r = mx.nd.topk(x, k=2, dtype="int32")
    assert r.dtype == np.int32
    np.testing.assert_array_equal(r.asnumpy(), [[0, 2], [1, 2]])
    vi, ii = mx.nd.topk(x.astype("int32"), k=2, ret_typ="both")
    assert vi.dtype == np.int32 and ii.dtype == np.float32
    np.testing.assert_array_equal(mx.nd.sort(x).asnumpy(), [[1, 1, 2, 3, 3], [-1, 0, 5, 5, 5]])
    np.testing.assert_array_equal(mx.nd.sort(x, is_ascend=False).asnumpy(), [[3, 3, 2, 1, 1], [5, 5, 5, 0, -1]])
    np.testing.assert_array_equal(mx.nd.sort(x, axis=0).asnumpy(), [[0, 1, 3, 2, -1], [3, 5, 5, 5, 1]])
    np.testing.assert_array_equal(mx.nd.sort(x, axis=None).asnumpy(), [-1, 0, 1, 1, 2, 3, 3, 5, 5, 5])
    np.testing.assert_array_equal(mx.nd.argsort(x).asnumpy(), [[1, 4, 3, 0, 2], [4, 0, 1, 2, 3]])
    np.testing.assert_array_equal(mx.nd.argsort(x, is_ascend=False).asnumpy(),
                                  [[0, 2, 3, 1, 4], [1, 2, 3, 0, 4]])
    np.testing.assert_array_equal(mx.nd.argsort(x, axis=None).asnumpy(), [9, 5, 1, 4, 3, 0, 2, 6, 7, 8])
    assert mx.nd.argsort(x, dtype="int32").dtype == np.int32
    np.testing.assert_array_equal(x.topk(k=2).asnumpy(), [[0, 2], [1, 2]])
    np.testing.assert_array_equal(x.sort().asnumpy(), mx.nd.sort(x).asnumpy())
    np.testing.assert_array_equal(x.argsort().asnumpy(), mx.nd.argsort(x).asnumpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32, np.int64, np.int8, np.uint8])
@pytest.mark.parametrize("shape", [(7,), (4, 9), (3, 5, 40), (2, 1, 300)])
def test_sort_argsort_vs_numpy(dtype, shape):
    rng = np.random.default_rng(0)
    base = rng.integers(0, 6, size=shape).astype(dtype)  # plenty of ties
    views = [base] + ([base.transpose()] if base.ndim > 1 else []) + [base[..., ::-1]]
    for v in views:
        x = gx_view(base, v)
        for axis in range(-v.ndim, v.ndim):
            for asc in (True, False):
                ref = ref_argsort(v, axis, asc)
                got = mx.nd.argsort(x, axis=axis, is_ascend=asc)
                assert got.dtype == np.float32
                np.testing.assert_array_equal(got.asnumpy(), ref)
                np.testing.assert_array_equal(mx.nd.sort(x, axis=axis, is_ascend=asc).asnumpy(),
                                              np.take_along_axis(v, ref, axis))


@pytest.mark.parametrize("k", [1, 3, 10])
def test_topk_vs_numpy(k):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((6, 5, 20)).astype(np.float32)
    a[0, 0, :5] = a[0, 0, 5:10]  # ties
    x = mx.nd.array(a)
    for axis in (-1, 0, 2) if k <= 6 else (-1,):
        for asc in (False, True):
            ref = np.take(ref_argsort(a, axis, asc), np.arange(k), axis=axis)
            v, i = mx.nd.topk(x, axis=axis, k=k, ret_typ="both", is_ascend=asc)
            np.testing.assert_array_equal(i.asnumpy(), ref)
            np.testing.assert_array_equal(v.asnumpy(), np.take_along_axis(a, ref, axis))
            np.testing.assert_array_equal(mx.nd.topk(x, axis=axis, k=k, ret_typ="value", is_ascend=asc).asnumpy(),
                                          v.asnumpy())
            mask = mx.nd.topk(x, axis=axis, k=k, ret_typ="mask", is_ascend=asc).asnumpy()
            want = np.zeros_like(a)
            np.put_along_axis(want, ref, 1, axis)
            np.testing.assert_array_equal(mask, want)


def test_nan_sorts_largest():
    a = np.array([3, np.nan, 1, 2], dtype=np.float32)
    x = mx.nd.array(a)
    np.testing.assert_array_equal(mx.nd.argsort(x).asnumpy(), np.argsort(a, kind="stable"))
    np.testing.assert_array_equal(mx.nd.sort(x).asnumpy(), np.sort(a))
    np.testing.assert_array_equal(mx.nd.argsort(x, is_ascend=False).asnumpy(), [1, 0, 3, 2])
    np.testing.assert_array_equal(mx.nd.topk(x, k=1).asnumpy(), [1])


def test_large_threaded():
    rng = np.random.default_rng(2)
    a = rng.integers(0, 50, size=(400, 500)).astype(np.float32)
    got = mx.nd.argsort(mx.nd.array(a), axis=1).asnumpy()
    np.testing.assert_array_equal(got, np.argsort(a, axis=1, kind="stable"))
    top = mx.nd.topk(mx.nd.array(a), axis=0, k=5, ret_typ="value").asnumpy()
    np.testing.assert_array_equal(top, -np.sort(-a, axis=0)[:5])


def test_empty_and_errors():
    assert mx.nd.sort(mx.nd.zeros((0, 3))).shape == (0, 3)
    assert mx.nd.argsort(mx.nd.zeros((2, 0))).shape == (2, 0)
    x = mx.nd.array(MXNET_X)
    with pytest.raises(MXNetError, match="exceeds"):
        mx.nd.topk(x, k=10)
    with pytest.raises(IndexError):
        mx.nd.topk(x, axis=2)
    with pytest.raises(MXNetError):
        mx.nd.sort(x, axis=-3)
    with pytest.raises(MXNetError):
        mx.nd.topk(x, ret_typ="nonsense")
