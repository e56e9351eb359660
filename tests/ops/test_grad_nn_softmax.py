"""Numeric gradient checks of the softmax family (read by tests/ops/test_gradients.py's coverage test).

softmax outputs sum to 1 along the axis, so each case weights the output by a fixed random array
(otherwise the gradient of the sum is 0).  SoftmaxOutput's gradient ignores the head gradient and
equals the cross-entropy gradient; its case adds 0 * SoftmaxOutput (whose rule still contributes
softmax - onehot) to the cross-entropy computed on a detached copy (contributing nothing to autograd)."""
import numpy as np

import gluonx as mx
from gluonx.test_utils import check_numeric_gradient
from gradcheck import gradient_tests

nd = mx.nd


def U(lo, hi, shape=(2, 3)):
    return lambda rng: rng.uniform(lo, hi, shape)


_W = np.random.RandomState(11).uniform(-1, 1, (2, 3, 4))


def _w(y):
    return y * nd.array(_W[tuple(slice(0, d) for d in y.shape)] if y.ndim == 3 else
                        _W[0][tuple(slice(0, d) for d in y.shape)], dtype=y.dtype)


def _softmax_output_case(x):
    lab = nd.array([2, 0], dtype=x.dtype)
    ce = -nd.pick(nd.log_softmax(x.detach(), axis=1), lab, axis=1)
    return (nd.SoftmaxOutput(x, lab) * 0).sum() + ce.sum()


CASES = {
    "softmax": (lambda x: _w(nd.softmax(x, axis=1, temperature=1.7)), [U(-2, 2, (2, 3, 4))]),
    "log_softmax": (lambda x: _w(nd.log_softmax(x, axis=-1)), [U(-2, 2, (2, 3))]),
    "softmin": (lambda x: _w(nd.softmin(x, axis=0, temperature=0.8)), [U(-2, 2, (2, 3))]),
    "SoftmaxActivation": (lambda x: _w(nd.SoftmaxActivation(x, mode="channel")), [U(-2, 2, (2, 3, 4))]),
    "SoftmaxOutput": (_softmax_output_case, [U(-2, 2, (2, 3))]),
}


test_gradient_float64, test_gradient_float32 = gradient_tests(CASES)


def test_masked_softmax_gradient():
    length = nd.array([[1, 3, 0, 2], [2, 2, 3, 1]], dtype="int32")
    check_numeric_gradient(lambda x: _w(nd.softmax(x, length, axis=1, use_length=True)),
                           [np.random.RandomState(3).uniform(-2, 2, (2, 3, 4))], numeric_eps=1e-6,
                           rtol=1e-5, atol=1e-7)
