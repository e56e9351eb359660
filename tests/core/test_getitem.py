"""Basic __getitem__/__setitem__ of the core (views vs copies as in MXNet 1.9.1)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx.base import MXNetError


def make(shape=(4, 6), dtype="float32"):
    a = np.arange(int(np.prod(shape))).reshape(shape).astype(dtype)
    return a, mx.nd.array(a, dtype=dtype)


KEYS = [1, -1, slice(1, 3), slice(None, None, 2), slice(None, None, -1), slice(-2, 0, -1), (1, 2), (slice(None), 0),
        (Ellipsis, 1), (None, 1), (1, None, slice(1, 5, 2)), (slice(None), slice(None, None, -2)), Ellipsis,
        (slice(5, 1), slice(None)), (-1, -1)]


@pytest.mark.parametrize("key", KEYS, ids=[repr(k) for k in KEYS])
@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8"])
def test_values(key, dtype):
    a, x = make(dtype=dtype)
    e = a[key]
    np.testing.assert_array_equal(x[key].asnumpy(), e.reshape(e.shape or (1,)))


# (key, shares memory) as observed on MXNet 1.9.1
SHARING = [(1, True), (slice(1, 3), True), ((slice(None), 0), False), (slice(None, None, 2), False),
           ((1, 2), True), (-1, True), ((1,), True), ((slice(1, 3), slice(None)), True), (Ellipsis, True)]


@pytest.mark.parametrize("key,shares", SHARING, ids=[repr(k) for k, _ in SHARING])
def test_view_or_copy_like_mxnet(key, shares):
    a, x = make()
    v = x[key]
    v[:] = -1
    assert bool((x.asnumpy() == -1).any()) == shares


def test_zero_d_result_is_1():
    _, x = make()
    assert x[1, 2].shape == (1,)
    assert x[1, 2].asscalar() == 8
    assert make((5,))[1][3].shape == (1,)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_slices(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    a, x = make(shape)
    key = tuple(slice(data.draw(st.integers(-n - 1, n + 1)), data.draw(st.integers(-n - 1, n + 1)),
                      data.draw(st.sampled_from([None, 1, 2, -1, -3]))) for n in shape)
    np.testing.assert_array_equal(x[key].asnumpy(), a[key])
    e = a.copy()
    e[key] = 7
    x[key] = 7
    np.testing.assert_array_equal(x.asnumpy(), e)


def test_setitem():
    a, x = make()
    x[1] = 5
    a[1] = 5
    x[:, 2] = mx.nd.array(np.arange(4))
    a[:, 2] = np.arange(4)
    x[::2, ::-3] = np.array([[9, 8]])          # NumPy value, broadcast
    a[::2, ::-3] = [[9, 8]]
    x[2:, 1:3] = [1, 2]                        # list, broadcast
    a[2:, 1:3] = [1, 2]
    x[0, 0] = 3.7                              # float into float32
    a[0, 0] = 3.7
    x[...] = x + 0                             # self-assignment
    np.testing.assert_array_equal(x.asnumpy(), a)
    y = mx.nd.zeros((2, 3), dtype="int32")
    y[:] = mx.nd.array([1.9, 2.1, -3.5])       # cast on assignment
    np.testing.assert_array_equal(y.asnumpy(), np.array([[1, 2, -3]] * 2))
    with pytest.raises(MXNetError):
        y[:] = mx.nd.zeros((3, 3))


def test_out_of_range():
    _, x = make()
    for key in [4, -5, (1, 6), (0, 0, 0)]:
        with pytest.raises(IndexError):
            x[key]
        with pytest.raises(MXNetError):
            x[key]
    with pytest.raises(IndexError):
        x[(Ellipsis, 1, Ellipsis)]
    with pytest.raises(IndexError):
        x[4] = 1
