"""Numeric gradients of split / SliceChannel over 1-D..4-D, squeeze_axis on and off.

A squeezed 1-D split gives pieces of shape (1,) (MXNet's convention for a 0-d result), which
the old rule's expand_dims turned into (1, 1): its backward failed.  Each output gets its own
weight so that a piece sent back to the wrong place shows.
"""
import itertools

import numpy as np
import pytest

import gluonx as mx
from gluonx import nd
from gluonx.test_utils import check_numeric_gradient

_CASES = []
for _ndim in (1, 2, 3, 4):
    _shape = (3, 2, 4, 1)[:_ndim] if _ndim > 1 else (3,)
    for _axis in range(-1, _ndim):
        _n = _shape[_axis]
        for _squeeze, _num in itertools.product((False, True), sorted({1, _n})):
            if _squeeze and _num != _n:
                continue  # squeeze_axis needs one output per element of the axis
            _CASES.append((_shape, _axis, _num, _squeeze))


def _weighted(op: str, axis: int, num: int, squeeze: bool):
    def fn(x):
        outs = getattr(nd, op)(x, num_outputs=num, axis=axis, squeeze_axis=squeeze)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        total = None
        for i, o in enumerate(outs):
            term = (o * (i + 1.5)).sum()
            total = term if total is None else total + term
        return total
    return fn


@pytest.mark.parametrize("op", ["split", "SliceChannel"])
@pytest.mark.parametrize("shape, axis, num, squeeze", _CASES)
def test_split_gradient(op, shape, axis, num, squeeze):
    x = np.random.default_rng(0).standard_normal(shape)
    check_numeric_gradient(_weighted(op, axis, num, squeeze), [x], numeric_eps=1e-6, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("squeeze", [False, True])
def test_split_1d_backward_values(squeeze):
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with mx.autograd.record():
        a, b, c = mx.nd.split(x, num_outputs=3, axis=0, squeeze_axis=squeeze)
        y = a * 1 + b * 10 + c * 100
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [1, 10, 100])


def test_split_some_outputs_unused():
    x = mx.nd.array(np.arange(8.0).reshape(2, 4))
    x.attach_grad()
    with mx.autograd.record():
        parts = mx.nd.split(x, num_outputs=4, axis=1, squeeze_axis=True)
        y = parts[2] * 3
    y.backward()
    want = np.zeros((2, 4))
    want[:, 2] = 3
    np.testing.assert_array_equal(x.grad.asnumpy(), want)
