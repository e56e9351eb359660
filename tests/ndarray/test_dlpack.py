"""DLPack exchange: NDArray.__dlpack__ / __dlpack_device__ and mx.nd.from_dlpack,
zero copy both ways with NumPy (and PyTorch when it is importable)."""
import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError

DTYPES = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64", "bool"]


def sample(shape, dtype, seed=0):
    n = int(np.prod(shape))
    v = (np.arange(n) * 5 + seed) % 13 - 6
    if dtype == "bool":
        return (v > 0).reshape(shape)
    if dtype == "uint8":
        v = v + 6
    return v.astype(dtype).reshape(shape)


def nd(a):
    a = np.asarray(a)
    if a.ndim == 0:
        return _c.reshape(_c.array_from_numpy(a.reshape(1)), ())
    return _c.array_from_numpy(a)


def ptr(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def other_value(dtype):
    return True if dtype == "bool" else 42


# ---- gluonx -> NumPy --------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_to_numpy_zero_copy_every_dtype(dtype):
    src = sample((3, 4), dtype)
    x = nd(src)
    assert x.__dlpack_device__() == (1, 0)
    n = np.from_dlpack(x)
    assert n.dtype == np.dtype(dtype) and n.shape == (3, 4)
    np.testing.assert_array_equal(n, src)
    assert ptr(n) == x._data_ptr
    # a write through gluonx is seen by the NumPy array
    x[1, 2] = other_value(dtype)
    _c.numpy_view(x)[0, 0] = other_value(dtype)
    assert n[1, 2] == other_value(dtype) and n[0, 0] == other_value(dtype)
    np.testing.assert_array_equal(n, x.asnumpy())


def test_to_numpy_shapes_0d_and_empty():
    s = nd(np.array(2.5, dtype=np.float32))
    n = np.from_dlpack(s)
    assert n.shape == () and n == 2.5
    e = nd(np.zeros((0, 3), dtype=np.int32))
    assert np.from_dlpack(e).shape == (0, 3)


def test_to_numpy_strided_views():
    base = nd(np.arange(24.0, dtype=np.float32).reshape(4, 6))
    ref = np.arange(24.0, dtype=np.float32).reshape(4, 6)
    cases = [((6, 4), (1, 6), 0, ref.T),                       # transpose
             ((4, 3), (6, 2), 1, ref[:, 1::2]),                # step
             ((2, 6), (-6, 1), 18, ref[3:1:-1, :]),            # negative stride
             ((3, 2), (0, 1), 2, np.broadcast_to(ref[0, 2:4], (3, 2)))]   # zero stride
    for shape, strides, off, exp in cases:
        v = _c.as_strided(base, shape, strides, off)
        n = np.from_dlpack(v)
        np.testing.assert_array_equal(n, exp)
        assert n.strides == tuple(s * 4 for s in strides)
        assert np.shares_memory(n, np.from_dlpack(base))


def test_to_numpy_lifetime_source_deleted():
    x = nd(np.arange(1000, dtype=np.int64))
    r = weakref.ref(x)
    n = np.from_dlpack(x)
    del x
    gc.collect()
    assert r() is not None                  # the NumPy array keeps the NDArray alive
    np.testing.assert_array_equal(n, np.arange(1000))
    del n
    gc.collect()
    assert r() is None                      # ... and releases it (the deleter ran)


def test_unconsumed_and_reused_capsule():
    x = nd(np.arange(3.0))
    r = weakref.ref(x)
    cap = x.__dlpack__()
    del x
    gc.collect()
    assert r() is not None
    del cap                                 # never consumed: the capsule's destructor frees it
    gc.collect()
    assert r() is None

    y = nd(np.arange(3.0))
    cap = mx.nd.to_dlpack_for_read(y)
    z = mx.nd.from_dlpack(cap)
    assert z._data_ptr == y._data_ptr
    with pytest.raises(TypeError) as ei:    # a capsule is consumed once
        mx.nd.from_dlpack(cap)
    assert isinstance(ei.value, MXNetError)


# ---- NumPy -> gluonx --------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_from_numpy_zero_copy_every_dtype(dtype):
    a = sample((2, 5), dtype, 1)
    x = mx.nd.from_dlpack(a)
    assert x.dtype == np.dtype(dtype) and x.shape == (2, 5) and x.context == mx.cpu()
    assert x._data_ptr == ptr(a)
    np.testing.assert_array_equal(x.asnumpy(), a)
    a[1, 3] = other_value(dtype)            # write through NumPy ...
    assert x.asnumpy()[1, 3] == other_value(dtype)
    x[0, 0] = other_value(dtype)            # ... and through gluonx
    assert a[0, 0] == other_value(dtype)
    # back to NumPy: still the same memory
    assert ptr(np.from_dlpack(x)) == ptr(a)


def test_from_numpy_0d_empty_and_capsule():
    s = mx.nd.from_dlpack(np.array(3.5, dtype=np.float32))
    assert s.shape == () and s.asnumpy() == 3.5
    e = mx.nd.from_dlpack(np.zeros((0, 3)))
    assert e.shape == (0, 3) and e.asnumpy().shape == (0, 3)
    a = np.arange(4, dtype=np.int32)
    x = mx.nd.from_dlpack(a.__dlpack__())
    np.testing.assert_array_equal(x.asnumpy(), a)


def test_from_numpy_strided():
    full = np.arange(60.0).reshape(3, 4, 5)
    for view in (full[:, ::2, 1::3], full.transpose(2, 0, 1), full[::-1, :, ::-2], full[1]):
        x = mx.nd.from_dlpack(view)
        assert x.shape == view.shape
        assert x.strides == tuple(s // 8 for s in view.strides)
        assert x.is_contiguous == view.flags.c_contiguous
        np.testing.assert_array_equal(x.asnumpy(), view)
        assert x._data_ptr == ptr(view)


def test_from_numpy_lifetime_source_deleted():
    a = np.arange(10000, dtype=np.float64)
    r = weakref.ref(a)
    x = mx.nd.from_dlpack(a)
    del a
    gc.collect()
    assert r() is not None
    np.testing.assert_array_equal(x.asnumpy(), np.arange(10000))
    v = x[5:8]                              # a view of the import keeps it alive too
    del x
    gc.collect()
    assert r() is not None
    np.testing.assert_array_equal(v.asnumpy(), [5, 6, 7])
    del v
    gc.collect()
    assert r() is None


def test_from_dlpack_errors_release_the_source():
    a = np.zeros(3, dtype=np.complex64)
    r = weakref.ref(a)
    with pytest.raises(TypeError, match="dtype") as ei:
        mx.nd.from_dlpack(a)
    assert isinstance(ei.value, MXNetError)
    del a, ei
    gc.collect()
    assert r() is None
    with pytest.raises(ValueError, match="dimensions"):
        mx.nd.from_dlpack(np.zeros((1,) * 17))
    for bad in (3, "x", [1, 2], None):
        with pytest.raises(TypeError):
            mx.nd.from_dlpack(bad)
    ro = np.arange(3.0)
    ro.flags.writeable = False
    with pytest.raises(BufferError):        # NumPy refuses to export read-only memory
        mx.nd.from_dlpack(ro)


@settings(max_examples=60, deadline=None)
@given(dtype=st.sampled_from(DTYPES),
       shape=st.lists(st.integers(1, 4), min_size=1, max_size=4),
       data=st.data())
def test_random_views_round_trip(dtype, shape, data):
    a = sample(tuple(shape), dtype, 3)
    sl = tuple(slice(None, None, data.draw(st.sampled_from([1, 2, -1]))) for _ in shape)
    view = a[sl]
    perm = data.draw(st.permutations(range(len(shape))))
    view = view.transpose(perm)
    x = mx.nd.from_dlpack(view)
    np.testing.assert_array_equal(x.asnumpy(), view)
    back = np.from_dlpack(x)
    assert back.strides == view.strides and ptr(back) == ptr(view)
    np.testing.assert_array_equal(back, view)


# ---- PyTorch -----------------------------------------------------------------------------

TORCH_DTYPES = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64", "bool"]


@pytest.mark.parametrize("dtype", TORCH_DTYPES)
def test_torch_both_ways(dtype):
    torch = pytest.importorskip("torch")
    tdt = getattr(torch, dtype)
    t = torch.from_numpy(sample((3, 4), dtype, 2).copy())
    x = mx.nd.from_dlpack(t)
    assert x.dtype == np.dtype(dtype) and x._data_ptr == t.data_ptr()
    t[0, 1] = other_value(dtype)
    assert x.asnumpy()[0, 1] == other_value(dtype)
    y = nd(sample((2, 3), dtype, 4))
    u = torch.from_dlpack(y)
    assert u.dtype == tdt and u.data_ptr() == y._data_ptr
    u[1, 2] = other_value(dtype)
    assert y.asnumpy()[1, 2] == other_value(dtype)


def test_torch_views_lifetimes_and_errors():
    torch = pytest.importorskip("torch")
    t = torch.arange(12.0).reshape(3, 4)[:, 1::2]
    x = mx.nd.from_dlpack(t)
    assert x.strides == tuple(t.stride())
    np.testing.assert_array_equal(x.asnumpy(), t.numpy())
    r = weakref.ref(t)
    del t
    gc.collect()
    np.testing.assert_array_equal(x.asnumpy(), [[1, 3], [5, 7], [9, 11]])
    del x
    gc.collect()
    assert r() is None
    base = nd(np.arange(24.0, dtype=np.float32).reshape(4, 6))
    v = _c.as_strided(base, (6, 4), (1, 6), 0)          # transpose (PyTorch rejects negative strides)
    u = torch.from_dlpack(v)
    assert tuple(u.stride()) == (1, 6)
    np.testing.assert_array_equal(u.numpy(), np.arange(24.0).reshape(4, 6).T)
    assert torch.from_dlpack(nd(np.array(2.0, np.float32))).shape == ()
    with pytest.raises(TypeError):
        mx.nd.from_dlpack(torch.ones(2, dtype=torch.bfloat16))
    cap = torch.utils.dlpack.to_dlpack(torch.arange(3))
    np.testing.assert_array_equal(mx.nd.from_dlpack(cap).asnumpy(), [0, 1, 2])


def test_dlpack_copy_and_device_arguments():
    a = mx.nd.array([1.0, 2.0])
    c = np.from_dlpack(a, copy=True)
    a[0] = 9  # c is a copy: writes to the NDArray do not reach it
    assert c.tolist() == [1.0, 2.0]
    with pytest.raises(BufferError):
        a.__dlpack__(dl_device=(2, 0))
