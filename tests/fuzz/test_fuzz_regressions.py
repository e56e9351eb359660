"""Bugs the op fuzzers found, each pinned by a plain test (fast, no Hypothesis)."""
from __future__ import annotations

import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError
from gluonx.test_utils import check_numeric_gradient


@pytest.mark.parametrize("kw", [dict(start=0, stop=float("nan")), dict(start=0, stop=float("inf")),
                                dict(start=float("-inf"), stop=1), dict(start=0, stop=5, step=float("nan"))])
def test_arange_non_finite_bounds(kw):
    # was a bare ValueError / OverflowError from int(math.ceil(nan))
    with pytest.raises(MXNetError) as e:
        mx.nd.arange(**kw)
    assert isinstance(e.value, ValueError) and "finite" in str(e.value)


@pytest.mark.parametrize("begin,end", [("", (1,)), ("abc", (1,)), ((0,), [[1]]), ((0,), {"a": 1}), ((0,), ("x",))])
def test_slice_unparsable_begin_end(begin, end):
    # was SyntaxError / TypeError / a raw ValueError from ast.literal_eval or int()
    with pytest.raises(MXNetError) as e:
        mx.nd.slice(mx.nd.ones((3,)), begin=begin, end=end)
    assert isinstance(e.value, (ValueError, TypeError))


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min", "prod", "nansum", "nanprod", "norm"])
def test_reduction_gradient_of_0d_array(op):
    # a 0-d input reduces to (1,); the rule reshaped the gradient to () and reshape refused it
    check_numeric_gradient(getattr(mx.nd, op), [np.float64(1.5)], numeric_eps=1e-6, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shape", [(0, 1), (2, 0), (0,)])
def test_reduction_gradient_of_empty_array(shape):
    # broadcast_to read the 0 dim of the input shape as "keep": a (1, 1) gradient for a (0, 1) input
    x = mx.nd.zeros(shape, dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        y = x.sum() + x.mean(axis=0).sum()
    y.backward()
    assert x.grad.shape == shape


@pytest.mark.parametrize("fn,shape", [
    (lambda v: mx.nd.flatten(v), (0,)), (lambda v: mx.nd.flatten(v), ()),
    (lambda v: mx.nd.repeat(v, 0), ()), (lambda v: mx.nd.repeat(v, 0, axis=1), (1, 0)),
    (lambda v: mx.nd.tile(v, (2,)), ()), (lambda v: mx.nd.reshape(v, shape=(1,)), ()),
    (lambda v: mx.nd.expand_dims(v, 0), (2, 0, 3)), (lambda v: mx.nd.sort(v, axis=None), ()),
    (lambda v: mx.nd.stack(v, v, axis=1), (2, 0)), (lambda v: mx.nd.transpose(v), ()),
])
def test_gradient_through_0d_and_empty_shapes(fn, shape):
    # the shape rules' dy.reshape(x.shape) misread () and 0 dims (MXNet's reshape codes);
    # they now use reshape_like / reshape(-1)
    x = mx.nd.array(np.random.default_rng(0).uniform(-1, 1, shape), dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x) * 2
    y.backward()
    assert x.grad.shape == shape
    if x.size:
        check_numeric_gradient(fn, [x.asnumpy()], numeric_eps=1e-6, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("kw", [dict(alpha=float("inf")), dict(alpha=1e300), dict(alpha=2.0, beta=1e39),
                                dict(alpha=float("inf"), beta=float("inf"))])
def test_gamma_sampler_infinite_alpha(kw):
    # alpha past float32 (the kernel's parameter type) made the rejection loop spin forever
    with pytest.raises(MXNetError) as e:
        mx.nd.random.gamma(shape=(3,), **kw)
    assert isinstance(e.value, ValueError)
    assert mx.nd.random.gamma(alpha=1e30, shape=(2,)).shape == (2,)   # large but finite still samples


def test_prelu_on_0d_data():
    # the shape rule read the channel count as shape[0] of a 0-d shape: a bare IndexError
    x = mx.nd.array(np.float32(2.0))
    with pytest.raises(MXNetError) as e:
        mx.nd.LeakyReLU(x, mx.nd.ones((1,)), act_type="prelu")
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize("shape,axis,squeeze,n", [((2, 0), 0, True, 2), ((0, 2), 1, True, 2), ((4,), 0, True, 4),
                                                  ((2, 3), 1, True, 3), ((3, 0, 2), 0, False, 3)])
def test_split_gradient_with_empty_pieces(shape, axis, squeeze, n):
    # d.reshape(piece) read the 0 dim of a piece (1, 0) as "copy a dim" and failed
    x = mx.nd.ones(shape)
    x.attach_grad()
    with mx.autograd.record():
        ys = mx.nd.split(x, n, axis=axis, squeeze_axis=squeeze)
        ys = ys if isinstance(ys, list) else [ys]
        y = sum(((i + 1) * p).sum() for i, p in enumerate(ys))
    y.backward()
    want = np.concatenate([np.full(np.split(np.ones(shape), n, axis)[i].shape, i + 1.0) for i in range(n)], axis)
    np.testing.assert_array_equal(x.grad.asnumpy(), want)


@pytest.mark.parametrize("call", [
    lambda: mx.nd.repeat(mx.nd.ones((0,)), 2 ** 64),
    lambda: mx.nd.repeat(mx.nd.ones((0, 2)), 2 ** 64, axis=1),
    lambda: mx.nd.tile(mx.nd.ones((0,)), (2 ** 64,)),
    lambda: mx.nd.UpSampling(mx.nd.ones((1, 1, 0, 0)), scale=2 ** 64, sample_type="nearest"),
], ids=["repeat", "repeat_axis", "tile", "upsampling"])
def test_huge_factor_on_empty_data(call):
    # the size checks pass (0 elements) but the kernel's view took the factor as a C long: OverflowError
    with pytest.raises(MXNetError) as e:
        call()
    assert isinstance(e.value, ValueError)
