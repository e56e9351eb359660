"""Fills, copies and clips through the elementwise driver on shapes with size-1 axes and strides.

The driver (backends/cpu/elemwise.h, ew_run) coalesces axes before looping: size-1 axes are
dropped and neighbours merged where every operand steps through them as one.  Filling an
(N, 1) array used to walk N rows of one element (100x slower than (1, N)); the values must
not change with the coalescing, in particular where strides forbid merging.
"""
import numpy as np
import pytest

import gluonx as mx

_SHAPES = [(100000, 1), (1, 100000), (1, 1), (7, 1, 5, 1), (1, 3, 1, 4), (300, 1, 300), (2, 1, 1, 70000)]


@pytest.mark.parametrize("shape", _SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "int32", "bool"])
def test_fill_shapes(shape, dtype):
    a = mx.nd.zeros(shape, dtype=dtype)
    a[:] = 1
    np.testing.assert_array_equal(a.asnumpy(), np.ones(shape, dtype))
    f = mx.nd.full(shape, 3, dtype=dtype)
    np.testing.assert_array_equal(f.asnumpy(), np.full(shape, 3, dtype))


@pytest.mark.parametrize("shape", [(100000, 1), (50, 1, 40), (1, 64, 1, 300)])
def test_fill_strided_views(shape):
    base = np.arange(np.prod(shape) * 2, dtype=np.float32).reshape(shape[:-1] + (shape[-1] * 2,))
    a = mx.nd.array(base)
    sel = slice(None, None, 2) if shape[-1] > 1 else slice(0, 1)
    a[..., sel] = -1.0  # (MXNet's a[..., sel] is a copy: assign through the key)
    want = base.copy()
    want[..., sel] = -1.0
    np.testing.assert_array_equal(a.asnumpy(), want)


def test_column_and_broadcast_assignments():
    n = 100000
    a = mx.nd.zeros((n, 1))
    a[:, 0] = 2.0
    np.testing.assert_array_equal(a.asnumpy(), np.full((n, 1), 2.0, np.float32))
    a[:] = mx.nd.array([[5.0]])          # broadcast (1, 1) -> (n, 1)
    np.testing.assert_array_equal(a.asnumpy(), np.full((n, 1), 5.0, np.float32))
    src = np.arange(n, dtype=np.float32)
    a[:, 0] = mx.nd.array(src)
    np.testing.assert_array_equal(a.asnumpy()[:, 0], src)
    b = mx.nd.zeros((3, n))              # every other column of a wide array: no merge possible
    b[:, ::2] = 1.0
    want = np.zeros((3, n), np.float32)
    want[:, ::2] = 1
    np.testing.assert_array_equal(b.asnumpy(), want)


def test_copy_and_cast_through_size1_axes():
    x = np.random.default_rng(0).standard_normal((4000, 1, 3)).astype(np.float32)
    a = mx.nd.array(x)
    np.testing.assert_array_equal(a.astype("float64").asnumpy(), x.astype(np.float64))
    t = mx.nd.array(x).transpose((2, 1, 0))  # non-contiguous with a size-1 middle axis
    np.testing.assert_array_equal(t.copy().asnumpy(), x.transpose(2, 1, 0))
    np.testing.assert_array_equal(mx.nd.clip(t, -0.5, 0.5).asnumpy(), np.clip(x.transpose(2, 1, 0), -0.5, 0.5))
