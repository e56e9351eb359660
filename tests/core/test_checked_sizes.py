"""Impossible or too-large sizes raise an error naming the op, the shape, the dtype and the
bytes, before anything is allocated: no size wraps to a small block that a kernel then overruns,
and no array reports a wrapped (zero or negative) size."""
import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError

BIG = [
    ("ones", lambda: mx.nd.ones((2**31, 2**31)), "(2147483648, 2147483648)"),
    ("ones", lambda: mx.nd.ones((2**40,) * 2).sum(), "(1099511627776, 1099511627776)"),
    ("one_hot", lambda: mx.nd.one_hot(mx.nd.array([1, 2]), depth=2**63 - 1), "9223372036854775807"),
    ("arange", lambda: mx.nd.arange(0, 2**62), "(4611686018427387904,)"),
    ("random_uniform", lambda: mx.nd.random.uniform(shape=(2**31, 2**31)), "(2147483648, 2147483648)"),
    ("random_normal", lambda: mx.nd.random.normal(shape=(2**62,)), "(4611686018427387904,)"),
    ("broadcast_to", lambda: mx.nd.broadcast_to(mx.nd.ones((1, 1)), shape=(2**31, 2**31)).sum(),
     "(2147483648, 2147483648)"),
    ("empty", lambda: mx.nd.empty((2**63 - 1,)), "(9223372036854775807,)"),
    ("tile", lambda: mx.nd.tile(mx.nd.ones((2, 2)), reps=(2**40, 2**40)), "(2199023255552, 2199023255552)"),
    ("full", lambda: mx.nd.full((2**33, 2**33), 1.0), "(8589934592, 8589934592)"),
    ("UpSampling", lambda: mx.nd.UpSampling(mx.nd.ones((1, 1, 2, 2)), scale=2**31, sample_type="nearest"),
     "(1, 1, 4294967296, 4294967296)"),
]


@pytest.mark.parametrize("op,call,shape", BIG, ids=[b[0] + str(i) for i, b in enumerate(BIG)])
def test_too_large_names_op_shape_and_bytes(op, call, shape):
    with pytest.raises(MXNetError) as e:
        call()
    assert isinstance(e.value, MemoryError)
    msg = str(e.value)
    assert op in msg and shape in msg and "bytes" in msg and "float32" in msg


def test_allocation_failure_names_op_and_size():
    # a size that is representable but that no machine here has (4 TiB)
    with pytest.raises(MXNetError) as e:
        mx.nd.empty((2**40,))
    assert isinstance(e.value, MemoryError)
    assert "4398046511104 bytes" in str(e.value) and "(1099511627776,)" in str(e.value)


@pytest.mark.parametrize("call", [lambda: mx.nd.empty((2**64,)), lambda: mx.nd.zeros((-1, 3)),
                                  lambda: mx.nd.repeat(mx.nd.ones((2, 2)), repeats=2**62)])
def test_impossible_dims_are_value_errors(call):
    with pytest.raises(MXNetError) as e:
        call()
    assert isinstance(e.value, ValueError)
    assert "shape" in str(e.value)


def test_reshape_to_a_wrapping_shape_is_refused():
    # (2^62, 4) has 2^64 elements: wrapped to 0 it must not pass as equal to anything
    with pytest.raises(MXNetError) as e:
        mx.nd.zeros((0,)).reshape((2**62, 4))
    assert isinstance(e.value, ValueError)


def test_empty_arrays_with_huge_dims_are_fine():
    # a zero dim makes the array empty whatever the others are (as NumPy)
    a = mx.nd.zeros((0, 2**40))
    assert mx.nd.zeros((0, 2**62, 2**62)).size == 0
    assert a.shape == (0, 2**40) and a.size == 0
    assert a.sum().asscalar() == 0


def test_nothing_left_behind_after_refusals():
    # refusals do not disturb the allocator: normal work afterwards gives right values
    for _ in range(3):
        with pytest.raises(MXNetError):
            mx.nd.empty((2**63 - 1,))
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal((mx.nd.array(x) * 2).asnumpy(), x * 2)


def test_indexing_an_empty_array_with_huge_dims_stays_in_bounds():
    # no element to read: every index into the zero dim is out of bounds, the huge dim may be indexed
    a = mx.nd.zeros((0, 2**62))
    assert a[:, 2**62 - 1].shape == (0,)
    assert a[:, ::2**61].shape == (0, 2) and a[:, ::2**61].size == 0
    assert a.T[2**62 - 1].shape == (0,)
    for key in (0, -1, (0, 0)):
        with pytest.raises(MXNetError) as e:
            a[key]
        assert isinstance(e.value, IndexError)
    with pytest.raises(MXNetError) as e:
        a[:, 2**62]
    assert isinstance(e.value, IndexError)


def test_indices_and_steps_past_int64_are_errors():
    x = mx.nd.array(np.arange(12, dtype=np.float32).reshape(3, 4))
    for key in (2**70, -2**70, (0, 2**64)):
        with pytest.raises(MXNetError) as e:
            x[key]
        assert isinstance(e.value, IndexError)
    with pytest.raises(MXNetError) as e:
        x[:, ::2**70]
    assert isinstance(e.value, ValueError) and "slice" in str(e.value)
    # a step past the axis's size selects the first element (as NumPy)
    np.testing.assert_array_equal(x[::2**62, ::-2**62].asnumpy(), x.asnumpy()[::2**62, ::-2**62])


def test_arange_with_no_finite_length_is_a_value_error():
    for call in (lambda: mx.nd.arange(0, 1e308, step=1e-300), lambda: mx.nd.arange(0, float("nan"))):
        with pytest.raises(MXNetError) as e:
            call()
        assert isinstance(e.value, ValueError) and "arange" in str(e.value)


def test_asnumpy_of_an_empty_array_numpy_cannot_describe():
    a = mx.nd.zeros((0, 2**62, 4))
    assert a.size == 0
    with pytest.raises(MXNetError) as e:
        a.asnumpy()
    assert isinstance(e.value, ValueError) and "asnumpy" in str(e.value)
