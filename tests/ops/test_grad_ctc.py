"""Numeric gradient checks of CTCLoss (read by tests/ops/test_gradients.py's coverage test).

Labels and lengths are fixed in the closures (they have no gradient); each case weights the
per-sequence losses so that the head gradient is not all ones."""
import numpy as np

import gluonx as mx
from gradcheck import gradient_tests

nd = mx.nd


def U(lo, hi, shape):
    return lambda rng: rng.uniform(lo, hi, shape)


def _ctc_case(x):
    lab = nd.array([[1, 1, 2], [2, 0, 0], [3, 1, 0]], dtype=x.dtype)
    return nd.CTCLoss(x, lab) * nd.array([1.0, 0.5, 2.0], dtype=x.dtype)


def _ctc_lengths_case(x):
    lab = nd.array([[0, 2, 1], [1, 1, -1]], dtype=x.dtype)
    return nd.CTCLoss(x, lab, nd.array([5, 4]), nd.array([3, 1]), use_data_lengths=True,
                      use_label_lengths=True, blank_label="last") * nd.array([0.7, 1.3], dtype=x.dtype)


CASES = {
    "CTCLoss": (_ctc_case, [U(-2, 2, (6, 3, 4))]),
}
EXTRA = {"CTCLoss_lengths": (_ctc_lengths_case, [U(-2, 2, (5, 2, 4))])}
ALL = dict(CASES, **EXTRA)


test_gradient_float64, test_gradient_float32 = gradient_tests(ALL)


def test_head_gradient_scales_each_sequence():
    x = nd.array(np.random.RandomState(0).randn(4, 2, 3))
    lab = nd.array([[1, 2], [2, 0]])
    x.attach_grad()
    with mx.autograd.record():
        loss = nd.CTCLoss(x, lab)
    loss.backward(nd.array([1.0, 1.0]))
    g1 = x.grad.asnumpy().copy()
    with mx.autograd.record():
        loss = nd.CTCLoss(x, lab)
    loss.backward(nd.array([2.0, -3.0]))
    np.testing.assert_allclose(x.grad.asnumpy(), g1 * np.array([2.0, -3.0])[None, :, None], rtol=1e-6)
