"""The core's launch paths: broadcasting, axis coalescing, strided and
reversed views, out=, scalars, dtype/device checks."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError


def _view(np_arr, kind):
    """An NDArray view over a base array that is not contiguous in `kind` ways."""
    if kind == "contig":
        return mx.nd.array(np_arr), np_arr
    if kind == "reversed":
        base = mx.nd.array(np_arr[::-1].copy())
        n = np_arr.shape[0]
        rest = int(np.prod(np_arr.shape[1:]))
        strides = (-rest,) + tuple(int(s) for s in np.cumprod((np_arr.shape[1:] + (1,))[::-1])[::-1][1:])
        return _c.as_strided(base, np_arr.shape, strides, (n - 1) * rest), np_arr
    # "gapped": every other element of a twice-as-wide last axis
    wide = np.zeros(np_arr.shape[:-1] + (2 * np_arr.shape[-1],), np.float32)
    wide[..., ::2] = np_arr
    base = mx.nd.array(wide)
    strides = tuple(int(s) for s in np.array(wide.strides) // 4)
    return _c.as_strided(base, np_arr.shape, strides[:-1] + (2,), 0), np_arr


@pytest.mark.parametrize("kind", ["contig", "reversed", "gapped"])
@pytest.mark.parametrize("sa,sb", [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)),
                                   ((5, 1, 3), (1, 2, 1)), ((1,), (2, 3))])
def test_broadcast_add_views(kind, sa, sb):
    rng = np.random.default_rng(0)
    xa = rng.standard_normal(sa).astype(np.float32)
    xb = rng.standard_normal(sb).astype(np.float32)
    a, xa = _view(xa, kind)
    b = mx.nd.array(xb)
    np.testing.assert_allclose((a + b).asnumpy(), xa + xb, rtol=1e-6)
    np.testing.assert_allclose((b + a).asnumpy(), xb + xa, rtol=1e-6)


def test_scalar_operands_both_sides():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    a = mx.nd.array(x)
    np.testing.assert_array_equal((a + 2).asnumpy(), x + 2)
    np.testing.assert_array_equal((2.5 + a).asnumpy(), 2.5 + x)
    np.testing.assert_array_equal((a + np.float64(1)).asnumpy(), x + 1)


def test_out_and_inplace():
    a = mx.nd.array([1.0, 2.0, 3.0])
    b = mx.nd.array([10.0, 20.0, 30.0])
    o = mx.nd.zeros((3,))
    r = _c.binary("add", a, b, out=o)
    assert r is o and o.asnumpy().tolist() == [11, 22, 33]
    ident = id(a)
    a += b
    assert id(a) == ident and a.asnumpy().tolist() == [11, 22, 33]
    m = mx.nd.zeros((2, 3))
    m += mx.nd.array([1.0, 2.0, 3.0])  # broadcast into the left operand
    assert m.asnumpy().tolist() == [[1, 2, 3], [1, 2, 3]]
    with pytest.raises(ValueError):
        v = mx.nd.zeros((3,))
        v += mx.nd.zeros((2, 3))


def test_out_mismatch_errors():
    a = mx.nd.ones((2, 2))
    with pytest.raises(ValueError, match="out="):
        _c.binary("add", a, a, out=mx.nd.zeros((3,)))
    with pytest.raises(TypeError, match="dtype"):
        _c.binary("add", a, a, out=mx.nd.zeros((2, 2), dtype="float64"))


def test_incompatible_shapes_name_the_op_and_shapes():
    with pytest.raises(ValueError) as e:
        mx.nd.ones((2, 3)) + mx.nd.ones((4,))
    assert isinstance(e.value, MXNetError)
    msg = str(e.value)
    assert "broadcast_add" in msg and "(2, 3)" in msg and "(4,)" in msg


def test_mixed_dtypes_are_a_type_error():
    with pytest.raises(TypeError) as e:
        mx.nd.ones((2,)) + mx.nd.ones((2,), dtype="float64")
    assert isinstance(e.value, MXNetError) and "float64" in str(e.value)


def test_unsupported_operand_type():
    with pytest.raises(TypeError):
        mx.nd.ones((2,)) + "a"
    with pytest.raises(TypeError):
        mx.nd.ones((2,)) + [1, 2]


def test_strict_elemwise_needs_equal_shapes():
    with pytest.raises(ValueError, match="elemwise"):
        _c.binary("add", mx.nd.ones((2, 3)), mx.nd.ones((3,)), opname="elemwise_add", strict=True)


def test_empty_arrays():
    e = mx.nd.zeros((0, 3)) + mx.nd.zeros((1, 3))
    assert e.shape == (0, 3)


def test_large_arrays_release_the_gil_and_stay_correct():
    x = np.random.default_rng(1).standard_normal(300000).astype(np.float32)
    a = mx.nd.array(x)
    np.testing.assert_allclose((a + a).asnumpy(), x + x)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=0, max_size=4), st.data())
def test_broadcast_sweep(shape, data):
    # the other operand: a random sub-shape with some axes set to 1
    k = data.draw(st.integers(0, len(shape)))
    other = [1 if data.draw(st.booleans()) else d for d in shape[len(shape) - k:]]
    rng = np.random.default_rng(len(shape) * 7 + k)
    xa = rng.standard_normal(shape).astype(np.float32)
    xb = rng.standard_normal(other).astype(np.float32)
    got = (mx.nd.array(xa) + mx.nd.array(xb)).asnumpy()
    np.testing.assert_allclose(got, xa + xb, rtol=1e-6)
    assert got.shape == np.broadcast_shapes(np.shape(xa), np.shape(xb))
