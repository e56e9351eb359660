"""take, pick, one_hot, gather_nd, scatter_nd and advanced __getitem__/__setitem__ against NumPy/MXNet."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx.base import MXNetError

DTYPES = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64"]
IDX_DTYPES = ["float32", "int32", "int64", "uint8", "float64"]


def arr(shape, dtype="float32", seed=0):
    a = np.random.default_rng(seed).integers(0, 100, size=shape).astype(dtype)
    return a, mx.nd.array(a, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("idt", IDX_DTYPES)
def test_take_dtypes(dtype, idt):
    a, x = arr((3, 4), dtype)
    idx = np.array([2, 0, 1, 2], dtype=idt)
    np.testing.assert_array_equal(mx.nd.take(x, mx.nd.array(idx, dtype=idt)).asnumpy(), a[idx.astype(int)])


def test_take_modes_axes():
    a, x = arr((3, 4))
    i = mx.nd.array([-1, 0, 5, 2.7])
    np.testing.assert_array_equal(mx.nd.take(x, i).asnumpy(), a[[0, 0, 2, 2]])          # clip (MXNet)
    np.testing.assert_array_equal(mx.nd.take(x, i, mode="wrap").asnumpy(), a[[2, 0, 2, 2]])
    with pytest.raises(IndexError):
        mx.nd.take(x, i, mode="raise")
    with pytest.raises(MXNetError):
        mx.nd.take(x, mx.nd.array([-1]), mode="raise")   # MXNet's raise mode rejects negatives too
    ii = np.array([[0, 1], [3, 2]])
    np.testing.assert_array_equal(mx.nd.take(x, mx.nd.array(ii), axis=1).asnumpy(), np.take(a, ii, axis=1))
    np.testing.assert_array_equal(x.take(mx.nd.array([1]), axis=-1).asnumpy(), a[:, [1]])
    b, y = arr((2, 3, 4, 5))
    np.testing.assert_array_equal(mx.nd.take(y, mx.nd.array(ii), axis=2).asnumpy(), np.take(b, ii, axis=2))
    with pytest.raises(MXNetError):
        mx.nd.take(x, i, axis=2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_pick(dtype):
    a, x = arr((3, 4), dtype)
    np.testing.assert_array_equal(mx.nd.pick(x, mx.nd.array([0, 5, -1])).asnumpy(), a[[0, 1, 2], [0, 3, 0]])
    np.testing.assert_array_equal(mx.nd.pick(x, mx.nd.array([0, 5, -1]), mode="wrap").asnumpy(),
                                  a[[0, 1, 2], [0, 1, 3]])
    r = x.pick(mx.nd.array([0, 1, 2, -1]), axis=0, keepdims=True)
    assert r.shape == (1, 4)
    np.testing.assert_array_equal(r.asnumpy()[0], a[[0, 1, 2, 0], [0, 1, 2, 3]])
    b, y = arr((2, 3, 4))
    idx = np.random.default_rng(1).integers(0, 3, size=(2, 4))
    np.testing.assert_array_equal(mx.nd.pick(y, mx.nd.array(idx), axis=1).asnumpy(),
                                  np.take_along_axis(b, idx[:, None, :], 1)[:, 0, :])
    with pytest.raises(MXNetError):
        mx.nd.pick(x, mx.nd.array([0, 5]))


@pytest.mark.parametrize("dtype", ["float32", "int32", "uint8", "float16", "int64"])
def test_one_hot(dtype):
    got = mx.nd.one_hot(mx.nd.array([1, -1, 5, 2.5]), 3)
    np.testing.assert_array_equal(got.asnumpy(), [[0, 1, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1]])
    got = mx.nd.array([[1, 0]], dtype="int32").one_hot(3, on_value=5, off_value=2, dtype=dtype)
    assert got.dtype == np.dtype(dtype) and got.shape == (1, 2, 3)
    np.testing.assert_array_equal(got.asnumpy(), [[[2, 5, 2], [5, 2, 2]]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_gather_scatter_nd(dtype):
    a, x = arr((3, 4), dtype)
    idx = mx.nd.array([[0, -1, 2], [1, -2, 3]])
    np.testing.assert_array_equal(mx.nd.gather_nd(x, idx).asnumpy(), a[[0, -1, 2], [1, -2, 3]])
    np.testing.assert_array_equal(mx.nd.gather_nd(x, mx.nd.array([[0, 2]])).asnumpy(), a[[0, 2]])
    with pytest.raises(IndexError):
        mx.nd.gather_nd(x, mx.nd.array([[0, 7], [1, 9]]))
    v = mx.nd.array([1, 2], dtype=dtype)
    s = mx.nd.scatter_nd(v, mx.nd.array([[0, 2], [1, 3]]), shape=(3, 4))
    e = np.zeros((3, 4), dtype)
    e[0, 1], e[2, 3] = 1, 2
    np.testing.assert_array_equal(s.asnumpy(), e)
    s = mx.nd.scatter_nd(mx.nd.array([[1, 2, 3, 4]], dtype=dtype), mx.nd.array([[1]]), shape=(3, 4))
    np.testing.assert_array_equal(s.asnumpy()[1], [1, 2, 3, 4])
    with pytest.raises(MXNetError):
        mx.nd.scatter_nd(v, mx.nd.array([[0, 2], [1, 3]]), shape=(3, 3))


# ---- advanced __getitem__ / __setitem__ ---------------------------------------------------------

KEYS = [
    lambda: ([0, 2],),
    lambda: ([0, 2], [1, 3]),
    lambda: (slice(None), [1, 3]),
    lambda: (slice(None), [[1], [0]], [2, 3]),
    lambda: ([1, 0], slice(None), [2, 3]),           # separated -> broadcast dims first
    lambda: (1, slice(None), [2, 3]),                # int counts as advanced (separated)
    lambda: (Ellipsis, [0, -1]),
    lambda: (None, [1, 2], 0),
    lambda: (slice(1, None, 2), [[0, 1], [2, 3]], slice(None, None, -1)),
    lambda: ([-1],),
]


@pytest.mark.parametrize("k", range(len(KEYS)))
@pytest.mark.parametrize("kind", ["list", "numpy", "ndarray"])
def test_advanced_getitem(k, kind):
    a, x = arr((3, 4, 5))
    key = KEYS[k]()
    conv = {"list": lambda v: v, "numpy": np.array, "ndarray": lambda v: mx.nd.array(v, dtype="int64")}[kind]
    gkey = tuple(conv(p) if isinstance(p, list) else p for p in key)
    expect = a[tuple(np.array(p) if isinstance(p, list) else p for p in key)]
    got = x[gkey if len(gkey) > 1 else gkey[0]]
    np.testing.assert_array_equal(got.asnumpy(), expect.reshape(expect.shape or (1,)))


def test_bool_mask_and_float_index():
    a, x = arr((3, 4))
    m = a > 50
    np.testing.assert_array_equal(x[m].asnumpy(), a[m])
    np.testing.assert_array_equal(x[mx.nd.array(m, dtype="bool")].asnumpy(), a[m])
    rows = np.array([True, False, True])
    np.testing.assert_array_equal(x[rows, 1:].asnumpy(), a[rows, 1:])
    np.testing.assert_array_equal(x[mx.nd.array([2.0, 0.0])].asnumpy(), a[[2, 0]])   # float index arrays truncate
    with pytest.raises(IndexError):
        x[np.array([True, False])]
    with pytest.raises(IndexError):
        x[[0, 3]]
    with pytest.raises(IndexError):
        x[[0, 1], [0, 1, 2]]


@pytest.mark.parametrize("dtype", ["float32", "int32", "float16", "uint8"])
def test_advanced_setitem(dtype):
    a, x = arr((3, 4, 5), dtype)
    for key, val in [(([0, 2],), 7), (([0, 2], slice(None), [1, 3]), 9),
                     ((slice(None), [1, 3]), np.arange(10).reshape(2, 5).astype(dtype)),
                     ((1, slice(None), [2, 3]), np.arange(2).reshape(2, 1).astype(dtype)),
                     ((a[..., 0] > 50,), 1)]:
        e = a.copy()
        e[key] = val
        x2 = mx.nd.array(a, dtype=dtype)
        x2[key] = mx.nd.array(val, dtype=dtype) if isinstance(val, np.ndarray) else val
        np.testing.assert_array_equal(x2.asnumpy(), e)
    with pytest.raises(MXNetError):
        x[[0, 1]] = np.zeros((3, 4, 5))
    with pytest.raises(IndexError):
        x[[5]] = 1


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_advanced_random(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    a, x = arr(shape, seed=len(shape))
    key = []
    for n in shape[:data.draw(st.integers(1, len(shape)))]:
        kind = data.draw(st.sampled_from(["arr", "slice", "int"]))
        if kind == "arr":
            key.append(np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3))))
        elif kind == "slice":
            key.append(slice(data.draw(st.integers(-n, n)), None, data.draw(st.sampled_from([1, 2, -1]))))
        else:
            key.append(data.draw(st.integers(-n, n - 1)))
    if not any(isinstance(k, np.ndarray) for k in key):
        key[0] = np.array([0])
    lens = {len(k) for k in key if isinstance(k, np.ndarray)}
    if len(lens) > 1:
        key = [k[:1] if isinstance(k, np.ndarray) else k for k in key]
    key = tuple(key)
    expect = a[key]
    np.testing.assert_array_equal(x[key].asnumpy(), expect.reshape(expect.shape or (1,)))
    e = a.copy()
    e[key] = -1
    x[key] = -1
    np.testing.assert_array_equal(x.asnumpy(), e)
