"""The NDArray type itself: creation, dtypes, devices, views, conversion, errors."""
import pickle

import numpy as np
import pytest

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError

ALL_DTYPES = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64", "bool"]


def test_array_defaults_to_float32_like_mxnet():
    assert mx.nd.array(np.arange(4, dtype=np.int64)).dtype == np.float32
    assert mx.nd.array(np.arange(4, dtype=np.float64)).dtype == np.float32
    assert mx.nd.array([1, 2, 3]).dtype == np.float32
    assert mx.nd.array([1, 2], dtype="int64").dtype == np.int64
    x = mx.nd.array([1, 2], dtype="int32")
    assert mx.nd.array(x).dtype == np.int32  # from an NDArray the dtype is kept


def test_array_scalar_and_nested():
    assert mx.nd.array(3.0).shape == ()
    assert mx.nd.array(3.0).asnumpy() == 3.0
    a = mx.nd.array([[1, 2], [3, 4]])
    assert a.shape == (2, 2) and a.ndim == 2 and a.size == 4
    np.testing.assert_array_equal(a.asnumpy(), [[1, 2], [3, 4]])


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_roundtrip_every_dtype(dtype):
    src = (np.arange(24) % 7).reshape(2, 3, 4).astype(dtype)
    a = mx.nd.array(src, dtype=dtype)
    assert a.dtype == np.dtype(dtype).type
    out = a.asnumpy()
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, src)
    np.testing.assert_array_equal(np.array(a), src)


@pytest.mark.parametrize("src,dst", [("float32", "int32"), ("float64", "float16"), ("int64", "uint8"),
                                     ("bool", "float32"), ("float32", "bool"), ("int8", "int64")])
def test_astype(src, dst):
    x = (np.arange(-6, 6) * 1.5).astype(src)
    np.testing.assert_array_equal(mx.nd.array(x, dtype=src).astype(dst).asnumpy(), x.astype(dst))


def test_creation_functions():
    np.testing.assert_array_equal(mx.nd.zeros((2, 3)).asnumpy(), np.zeros((2, 3), np.float32))
    np.testing.assert_array_equal(mx.nd.ones(4, dtype="int32").asnumpy(), np.ones(4, np.int32))
    np.testing.assert_array_equal(mx.nd.full((2, 2), 7.5).asnumpy(), np.full((2, 2), 7.5, np.float32))
    assert mx.nd.empty((3, 0)).shape == (3, 0)
    np.testing.assert_array_equal(mx.nd.eye(3, 4, k=1).asnumpy(), np.eye(3, 4, k=1, dtype=np.float32))
    np.testing.assert_array_equal(mx.nd.eye(4, k=-2).asnumpy(), np.eye(4, k=-2, dtype=np.float32))
    z = mx.nd.zeros_like(mx.nd.ones((2, 5), dtype="int64"))
    assert z.dtype == np.int64 and z.asnumpy().sum() == 0
    assert mx.nd.ones_like(mx.nd.zeros((3,))).asnumpy().tolist() == [1, 1, 1]


def test_context():
    a = mx.nd.zeros((2,), ctx=mx.cpu(0))
    assert a.context == mx.cpu() and a.ctx == mx.cpu(0)
    assert str(a.context) == "cpu(0)"
    with mx.cpu(0):
        assert mx.nd.zeros((1,)).context == mx.cpu(0)
    assert mx.context.num_gpus() == 0
    assert a.as_in_context(mx.cpu()) is a


def test_gpu_without_backend_is_a_clear_error():
    with pytest.raises(MXNetError, match="gpu"):
        mx.nd.zeros((2,), ctx=mx.gpu(0))
    with pytest.raises(ValueError):
        mx.nd.ones((2,)).as_in_context(mx.gpu(0))


def test_repr_matches_mxnet():
    assert repr(mx.nd.array([[1, 2], [3, 4]])) == "\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>"


def test_first_axis_slices_are_views():
    a = mx.nd.array(np.arange(12).reshape(3, 4))
    row = a[1]
    row[:] = 100
    assert a.asnumpy()[1].tolist() == [100] * 4
    block = a[0:2]
    block[:] = 7
    assert a.asnumpy()[0].tolist() == [7] * 4
    col = a[:, 1]
    col[:] = -1
    assert a.asnumpy()[2, 1] == 9  # a[:, 1] is a copy


def test_reshape_method_is_a_view():
    a = mx.nd.array(np.arange(6))
    r = a.reshape((2, 3))
    r[:] = 0
    assert a.asnumpy().sum() == 0
    assert a.reshape(3, 2).shape == (3, 2)


def test_scalar_results_have_shape_one():
    a = mx.nd.array(np.arange(12).reshape(3, 4))
    assert a[1, 2].shape == (1,)
    assert a[1, 2].asscalar() == 6
    assert mx.nd.array([5])[0].shape == (1,)
    assert float(mx.nd.array([2.5])) == 2.5
    assert int(mx.nd.array([3])) == 3


def test_asscalar_needs_size_one():
    with pytest.raises(ValueError):
        mx.nd.zeros((2,)).asscalar()


def test_bool_len_iter_hash():
    assert not mx.nd.zeros((0,))
    assert mx.nd.ones((1,))
    with pytest.raises(ValueError):
        bool(mx.nd.ones((2,)))
    a = mx.nd.array([[1, 2], [3, 4]])
    assert len(a) == 2
    assert [r.asnumpy().tolist() for r in a] == [[1, 2], [3, 4]]
    assert {a: 1}[a] == 1


def test_copy_copyto_and_pickle():
    a = mx.nd.array([1, 2, 3])
    b = a.copy()
    b[:] = 0
    assert a.asnumpy().tolist() == [1, 2, 3]
    c = mx.nd.zeros((3,))
    a.copyto(c)
    assert c.asnumpy().tolist() == [1, 2, 3]
    with pytest.raises(ValueError):
        a.copyto(mx.nd.zeros((4,)))
    d = pickle.loads(pickle.dumps(a))
    assert d.asnumpy().tolist() == [1, 2, 3] and d.context == mx.cpu()


def test_wait_and_waitall_are_cheap_no_ops_on_cpu():
    a = mx.nd.ones((2,))
    a.wait_to_read()
    mx.nd.waitall()


def test_strided_views_via_as_strided():
    base = mx.nd.array(np.arange(20).reshape(4, 5))
    v = _c.as_strided(base, (4, 2), (5, 2), 1)       # columns 1 and 3
    np.testing.assert_array_equal(v.asnumpy(), np.arange(20).reshape(4, 5)[:, 1:4:2])
    assert not v.is_contiguous
    rev = _c.as_strided(base, (4, 5), (-5, -1), 19)  # both axes reversed
    np.testing.assert_array_equal(rev.asnumpy(), np.arange(20).reshape(4, 5)[::-1, ::-1])
    assert _c.contiguous(rev).is_contiguous


def test_memory_survives_the_base_array():
    a = mx.nd.array(np.arange(8))
    v = a[2:5]
    del a
    assert v.asnumpy().tolist() == [2, 3, 4]


@pytest.mark.parametrize("bad", ["float128", "complex64", "str", object])
def test_unknown_dtype_is_a_type_error(bad):
    with pytest.raises(TypeError) as e:
        mx.nd.zeros((2,), dtype=bad)
    assert isinstance(e.value, MXNetError)
    assert "dtype" in str(e.value)


def test_ragged_nested_list_is_a_value_error():
    with pytest.raises(ValueError) as e:
        mx.nd.array([[1, 2], [3]])
    assert isinstance(e.value, MXNetError)
    with pytest.raises(TypeError):
        mx.nd.array([["a", "b"]])


def test_bad_shapes():
    with pytest.raises(ValueError):
        mx.nd.zeros((2, -1))
    with pytest.raises(TypeError):
        mx.nd.zeros((2, 1.5))
    with pytest.raises(ValueError):
        mx.nd.zeros((1,) * 17)
    with pytest.raises(ValueError):
        mx.nd.array(np.arange(6)).reshape((4, 2))


def test_direct_construction_is_refused():
    with pytest.raises(TypeError):
        mx.nd.NDArray()


def test_float_array_is_not_an_index():
    with pytest.raises(TypeError):
        [1, 2, 3][mx.nd.array([1.0])]
    assert [1, 2, 3][mx.nd.array([1], dtype="int32")] == 2
