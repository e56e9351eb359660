"""Shape operators against NumPy (and MXNet 1.9.1 reshape results committed in tests/data)."""
import json
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError
from gluonx.ops.shape import infer_reshape

DTYPES = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64"]
DATA = os.path.join(os.path.dirname(__file__), "..", "data", "ops", "reshape_mxnet.json")


def arr(shape, dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, size=shape).astype(dtype)
    return a, mx.nd.array(a, dtype=dtype)


def strided(shape, dtype="float32"):
    """A non-contiguous view: the transpose of a contiguous array."""
    a, x = arr(shape[::-1], dtype)
    nd = len(shape)
    v = _c.as_strided(x, tuple(shape), tuple(x.strides[::-1]), 0)
    return a.transpose(), v


# ---- reshape -------------------------------------------------------------------------

def test_infer_reshape_matches_mxnet():
    for src, shape, rev, expect in json.load(open(DATA)):
        if expect is None:
            with pytest.raises(MXNetError):
                infer_reshape(tuple(src), tuple(shape), rev, "reshape")
        else:
            assert list(infer_reshape(tuple(src), tuple(shape), rev, "reshape")) == expect, (src, shape, rev)


def test_reshape_op_copies_method_views():
    a, x = arr((2, 3, 4))
    y = mx.nd.reshape(x, shape=(0, -1))
    np.testing.assert_array_equal(y.asnumpy(), a.reshape(2, 12))
    y[:] = 0
    assert x.asnumpy().sum() == a.sum()          # the op is a copy
    assert mx.nd.Reshape(x, shape=(-1,), reverse=True).shape == (24,)
    v = x.reshape((6, 4))
    v[:] = 0
    assert x.asnumpy().sum() == 0                # the method is a view
    with pytest.raises(MXNetError):
        mx.nd.reshape(x, shape=(5, -1))


def test_reshape_like():
    a, x = arr((2, 3, 4))
    np.testing.assert_array_equal(mx.nd.reshape_like(x, mx.nd.zeros((4, 6))).asnumpy(), a.reshape(4, 6))
    y = mx.nd.reshape_like(x, mx.nd.zeros((5, 6, 4)), lhs_begin=0, lhs_end=2, rhs_begin=1, rhs_end=2)
    assert y.shape == (6, 4)
    with pytest.raises(MXNetError):
        mx.nd.reshape_like(x, mx.nd.zeros((4, 5)))


# ---- permutations ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_transpose_swapaxes_flip(dtype):
    a, x = arr((2, 3, 4), dtype)
    np.testing.assert_array_equal(mx.nd.transpose(x).asnumpy(), a.T)
    np.testing.assert_array_equal(mx.nd.transpose(x, axes=(1, 0, 2)).asnumpy(), a.transpose(1, 0, 2))
    np.testing.assert_array_equal(x.transpose(2, 0, 1).asnumpy(), a.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.T.asnumpy(), a.T)
    np.testing.assert_array_equal(mx.nd.swapaxes(x, 0, 2).asnumpy(), np.swapaxes(a, 0, 2))
    np.testing.assert_array_equal(mx.nd.SwapAxis(x, dim1=1, dim2=-1).asnumpy(), np.swapaxes(a, 1, 2))
    np.testing.assert_array_equal(mx.nd.flip(x, axis=1).asnumpy(), a[:, ::-1])
    np.testing.assert_array_equal(mx.nd.reverse(x, axis=(0, 2)).asnumpy(), a[::-1, :, ::-1])
    assert x.transpose().dtype == np.dtype(dtype)


def test_permutations_of_strided_views():
    a, v = strided((3, 4, 5))
    np.testing.assert_array_equal(mx.nd.transpose(v, axes=(2, 0, 1)).asnumpy(), a.transpose(2, 0, 1))
    np.testing.assert_array_equal(mx.nd.flip(v, axis=-1).asnumpy(), a[..., ::-1])
    np.testing.assert_array_equal(mx.nd.tile(v, reps=(2, 1, 3)).asnumpy(), np.tile(a, (2, 1, 3)))
    np.testing.assert_array_equal(mx.nd.reshape(v, shape=(-1,)).asnumpy(), a.reshape(-1))


def test_permutation_errors():
    x = mx.nd.zeros((2, 3))
    for bad in [(0,), (0, 0), (0, 2)]:
        with pytest.raises(MXNetError):
            mx.nd.transpose(x, axes=bad)
    with pytest.raises(MXNetError):
        mx.nd.swapaxes(x, 0, 2)
    with pytest.raises(MXNetError):
        mx.nd.flip(x, axis=3)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_transpose_random(shape, rnd):
    a, x = arr(tuple(shape), "float32", seed=len(shape))
    perm = list(range(len(shape)))
    rnd.shuffle(perm)
    np.testing.assert_array_equal(mx.nd.transpose(x, axes=tuple(perm)).asnumpy(), a.transpose(perm))


# ---- expand / squeeze / flatten ------------------------------------------------------------

def test_expand_squeeze_flatten():
    a, x = arr((2, 3, 4))
    for ax in (0, 1, 3, -1, -4):
        np.testing.assert_array_equal(mx.nd.expand_dims(x, axis=ax).asnumpy(), np.expand_dims(a, ax))
    for ax in (4, -5):
        with pytest.raises(MXNetError):
            mx.nd.expand_dims(x, axis=ax)
    s = mx.nd.zeros((1, 3, 1, 2))
    assert mx.nd.squeeze(s).shape == (3, 2)
    assert mx.nd.squeeze(s, axis=0).shape == (3, 1, 2)
    assert mx.nd.squeeze(s, axis=(0, 2)).shape == (3, 2)
    assert mx.nd.squeeze(mx.nd.zeros((1, 1))).shape == (1,)
    with pytest.raises(MXNetError):
        mx.nd.squeeze(s, axis=1)
    np.testing.assert_array_equal(mx.nd.flatten(x).asnumpy(), a.reshape(2, 12))
    assert mx.nd.Flatten(mx.nd.zeros((3,))).shape == (3, 1)
    assert x.flatten().shape == (2, 12)


# ---- tile / repeat / broadcast ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reps", [(2,), (2, 1), (1, 3), (2, 1, 2), (3, 2, 2, 1)])
def test_tile(dtype, reps):
    a, x = arr((3, 4), dtype)
    np.testing.assert_array_equal(mx.nd.tile(x, reps=reps).asnumpy(), np.tile(a, reps))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=3), st.lists(st.integers(1, 3), min_size=1, max_size=4))
def test_tile_random(shape, reps):
    a, x = arr(tuple(shape))
    np.testing.assert_array_equal(x.tile(reps=tuple(reps)).asnumpy(), np.tile(a, reps))


@pytest.mark.parametrize("dtype", ["float32", "int64", "float16"])
def test_repeat(dtype):
    a, x = arr((3, 4), dtype)
    np.testing.assert_array_equal(mx.nd.repeat(x, repeats=2).asnumpy(), np.repeat(a, 2))
    np.testing.assert_array_equal(mx.nd.repeat(x, repeats=3, axis=0).asnumpy(), np.repeat(a, 3, axis=0))
    np.testing.assert_array_equal(x.repeat(repeats=2, axis=-1).asnumpy(), np.repeat(a, 2, axis=-1))
    with pytest.raises(MXNetError):
        mx.nd.repeat(x, repeats=2, axis=2)


def test_broadcast_ops():
    a, x = arr((1, 3))
    np.testing.assert_array_equal(mx.nd.broadcast_to(x, shape=(4, 0)).asnumpy(), np.broadcast_to(a, (4, 3)))
    np.testing.assert_array_equal(x.broadcast_to((2, 3)).asnumpy(), np.broadcast_to(a, (2, 3)))
    with pytest.raises(MXNetError):
        mx.nd.broadcast_to(mx.nd.zeros((2, 3)), shape=(4, 3))
    with pytest.raises(MXNetError):
        mx.nd.broadcast_to(mx.nd.zeros((3,)), shape=(4, 3))
    b, y = arr((1, 3, 1))
    np.testing.assert_array_equal(mx.nd.broadcast_axis(y, axis=(0, 2), size=(2, 5)).asnumpy(),
                                  np.broadcast_to(b, (2, 3, 5)))
    assert mx.nd.broadcast_axes(y, axis=0, size=4).shape == (4, 3, 1)
    with pytest.raises(MXNetError):
        mx.nd.broadcast_axis(mx.nd.zeros((2, 3)), axis=0, size=5)
    np.testing.assert_array_equal(mx.nd.broadcast_like(x, mx.nd.zeros((4, 3))).asnumpy(), np.broadcast_to(a, (4, 3)))
    assert mx.nd.broadcast_like(x, mx.nd.zeros((5, 4)), lhs_axes=(0,), rhs_axes=(1,)).shape == (4, 3)


# ---- concat / stack / split ---------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_concat_stack(dtype):
    a, x = arr((2, 3), dtype, 1)
    b, y = arr((2, 5), dtype, 2)
    np.testing.assert_array_equal(mx.nd.concat(x, y, dim=1).asnumpy(), np.concatenate([a, b], 1))
    np.testing.assert_array_equal(mx.nd.Concat(x, x, x, dim=0).asnumpy(), np.concatenate([a, a, a], 0))
    np.testing.assert_array_equal(mx.nd.stack(x, x, axis=-1).asnumpy(), np.stack([a, a], -1))
    np.testing.assert_array_equal(mx.nd.stack(x, x, x, axis=1).asnumpy(), np.stack([a, a, a], 1))


def test_concat_strided_and_errors():
    a, v = strided((3, 4))
    np.testing.assert_array_equal(mx.nd.concat(v, v, dim=0).asnumpy(), np.concatenate([a, a], 0))
    with pytest.raises(MXNetError):
        mx.nd.concat(mx.nd.zeros((3, 4)), mx.nd.zeros((3, 3)), dim=0)
    with pytest.raises(MXNetError):
        mx.nd.concat(mx.nd.zeros((3, 4)), mx.nd.zeros((3, 4), dtype="int32"), dim=0)
    with pytest.raises(MXNetError):
        mx.nd.concat(mx.nd.zeros((3, 4)), mx.nd.zeros((3, 4)), dim=2)
    with pytest.raises(MXNetError):
        mx.nd.stack(mx.nd.zeros((3, 4)), mx.nd.zeros((3, 3)))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.integers(0, 2), st.lists(st.integers(0, 3), min_size=1, max_size=3))
def test_concat_random(shape, dim, sizes):
    dim = dim % len(shape)
    arrays = []
    for i, n in enumerate(sizes):
        s = list(shape)
        s[dim] = n
        arrays.append(arr(tuple(s), seed=i)[0])
    out = mx.nd.concat(*[mx.nd.array(a) for a in arrays], dim=dim)
    np.testing.assert_array_equal(out.asnumpy(), np.concatenate(arrays, dim))


def test_split():
    a, x = arr((3, 4))
    parts = mx.nd.split(x, num_outputs=2, axis=1)
    for p, q in zip(parts, np.split(a, 2, axis=1)):
        np.testing.assert_array_equal(p.asnumpy(), q)
    parts = mx.nd.SliceChannel(x, num_outputs=4, axis=1, squeeze_axis=True)
    assert [p.shape for p in parts] == [(3,)] * 4
    np.testing.assert_array_equal(parts[2].asnumpy(), a[:, 2])
    one = mx.nd.split(x, num_outputs=1, axis=0)
    assert isinstance(one, mx.nd.NDArray) and one.shape == (3, 4)
    parts[0][:] = -1
    assert x.asnumpy().min() >= 0                   # copies
    with pytest.raises(MXNetError):
        mx.nd.split(x, num_outputs=3, axis=1)


# ---- slicing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "int8", "float64"])
def test_slice(dtype):
    a, x = arr((3, 4), dtype)
    np.testing.assert_array_equal(mx.nd.slice(x, begin=(None, 3), end=(2, None), step=(1, -1)).asnumpy(),
                                  a[:2, 3::-1])
    np.testing.assert_array_equal(mx.nd.slice(x, begin=(1,), end=(3,)).asnumpy(), a[1:3])
    np.testing.assert_array_equal(mx.nd.slice(x, begin=(-1, -3), end=(None, -1)).asnumpy(), a[-1:, -3:-1])
    np.testing.assert_array_equal(x.slice(begin=(0, 0), end=(3, 4), step=(2, 3)).asnumpy(), a[0:3:2, 0:4:3])
    assert mx.nd.slice(x, begin=(2,), end=(1,)).shape == (0, 4)
    with pytest.raises(MXNetError):
        mx.nd.slice(x, begin=(0, 0, 0), end=(1, 1, 1))
    np.testing.assert_array_equal(mx.nd.slice_axis(x, axis=1, begin=-3, end=None).asnumpy(), a[:, -3:])
    np.testing.assert_array_equal(x.slice_axis(axis=0, begin=1, end=2).asnumpy(), a[1:2])
    with pytest.raises(MXNetError):
        mx.nd.slice_axis(x, axis=1, begin=3, end=5)
    with pytest.raises(MXNetError):
        mx.nd.slice_axis(x, axis=2, begin=0, end=1)
    np.testing.assert_array_equal(mx.nd.slice_like(x, mx.nd.zeros((2, 3))).asnumpy(), a[:2, :3])
    np.testing.assert_array_equal(mx.nd.slice_like(x, mx.nd.zeros((2, 3)), axes=(-1,)).asnumpy(), a[:, :3])


# ---- pad --------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad(dtype, mode):
    a, x = arr((2, 3, 4, 5), dtype)
    pw = (0, 0, 0, 0, 1, 2, 3, 1)
    np_pw = [(0, 0), (0, 0), (1, 2), (3, 1)]
    kw = {"constant_values": 7} if mode == "constant" else {}
    expect = np.pad(a, np_pw, mode=mode, **kw)
    got = mx.nd.pad(x, mode=mode, pad_width=pw, constant_value=7)
    np.testing.assert_array_equal(got.asnumpy(), expect)
    assert got.dtype == np.dtype(dtype)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad_5d_and_other_ranks(mode):
    a, x = arr((1, 2, 3, 2, 4))
    pw = (0, 0, 0, 0, 2, 1, 1, 1, 0, 3)
    np.testing.assert_array_equal(mx.nd.Pad(x, mode=mode, pad_width=pw).asnumpy(),
                                  np.pad(a, [(0, 0), (0, 0), (2, 1), (1, 1), (0, 3)], mode=mode))
    b, v = strided((3, 4))     # gluonx also pads other ranks and strided views
    np.testing.assert_array_equal(mx.nd.pad(v, mode=mode, pad_width=(1, 2, 2, 1)).asnumpy(),
                                  np.pad(b, [(1, 2), (2, 1)], mode=mode))


def test_pad_errors():
    x = mx.nd.zeros((1, 1, 2, 2))
    with pytest.raises(MXNetError):
        mx.nd.pad(x, mode="constant", pad_width=(0, 0, 1, 1))
    with pytest.raises(MXNetError):
        mx.nd.pad(x, mode="wrap", pad_width=(0, 0, 0, 0, 1, 1, 1, 1))
    with pytest.raises(MXNetError):
        mx.nd.pad(x, mode="constant")


def test_depth_space_roundtrip():
    a, x = arr((1, 8, 2, 3))
    d = mx.nd.depth_to_space(x, 2)
    b = 2
    expect = a.reshape(1, b, b, 2, 2, 3).transpose(0, 3, 4, 1, 5, 2).reshape(1, 2, 4, 6)
    np.testing.assert_array_equal(d.asnumpy(), expect)
    np.testing.assert_array_equal(mx.nd.space_to_depth(d, 2).asnumpy(), a)


def test_out_argument():
    a, x = arr((2, 3))
    o = mx.nd.zeros((3, 2))
    r = mx.nd.transpose(x, out=o)
    assert r is o
    np.testing.assert_array_equal(o.asnumpy(), a.T)
