"""Numeric gradient checks of the NN layers (nn_basic.py, nn_norm.py).

Norm outputs are weighted by a fixed random array so that sum(output) is not
constant.  Dropout runs with mode='always' under a fixed seed: the same mask
is drawn for the analytic pass and every numeric evaluation only when the
seed is reset, so its check uses the mask through a wrapper that reseeds.
"""
import numpy as np

import gluonx as mx
from gluonx.test_utils import check_numeric_gradient
from gradcheck import gradient_tests, inputs as _inputs

nd = mx.nd


def U(lo, hi, shape):
    return lambda rng: rng.uniform(lo, hi, shape)


def _w(shape, seed=7):
    return np.random.default_rng(seed).uniform(-1, 1, shape)


def weighted(fn, shape):
    w = _w(shape)
    return lambda *xs: fn(*xs) * nd.array(w, dtype=xs[0].dtype)


def _dropout(x):
    mx.random.seed(3)
    return nd.Dropout(x, p=0.4, mode="always", axes=(1,))


def _rrelu(x):
    mx.random.seed(5)
    return nd.LeakyReLU(x, act_type="rrelu")[0]


X4 = U(-2, 2, (2, 3, 2, 2))
CASES = {
    "FullyConnected": (lambda x, w, b: nd.FullyConnected(x, w, b, num_hidden=4),
                       [U(-1, 1, (3, 2, 3)), U(-1, 1, (4, 6)), U(-1, 1, (4,))]),
    "Activation": (lambda x: nd.Activation(x, act_type="softrelu") + nd.Activation(x, act_type="tanh")
                   + nd.Activation(x, act_type="sigmoid") * nd.Activation(x, act_type="softsign"),
                   [U(-2, 2, (2, 3))]),
    # selu is left out: its backward is MXNet 1.9.1's lambda * (y + alpha) for x <= 0, not the
    # derivative of its forward (tests/compat/test_fixes_mxnet.py pins MXNet's values)
    "LeakyReLU": (lambda x, g: nd.LeakyReLU(x, act_type="elu")
                  + nd.LeakyReLU(x, act_type="gelu") + nd.LeakyReLU(x, slope=0.1)
                  + nd.LeakyReLU(x, g, act_type="prelu") + _rrelu(x),
                  [lambda r: r.choice([-1.5, -0.5, 0.4, 1.2], (2, 3)),
                   U(0.1, 0.5, (3,))]),
    "Dropout": (_dropout, [U(-2, 2, (2, 3, 4))]),
    "Embedding": (lambda w: nd.Embedding(nd.array([[0, 2], [2, 5]]), w, input_dim=4, output_dim=3)
                  * nd.array(_w((2, 2, 3)), dtype=w.dtype), [U(-1, 1, (4, 3))]),
    "BatchNorm": (lambda x, g, b: weighted(lambda x, g, b: nd.BatchNorm(
        x, g, b, nd.zeros(3, dtype=x.dtype), nd.ones(3, dtype=x.dtype), fix_gamma=False), (2, 3, 2, 2))(x, g, b),
        [X4, U(0.5, 1.5, (3,)), U(-1, 1, (3,))]),
    "LayerNorm": (weighted(lambda x, g, b: nd.LayerNorm(x, g, b, axis=1), (2, 3, 2, 2)),
                  [X4, U(0.5, 1.5, (3,)), U(-1, 1, (3,))]),
    "InstanceNorm": (weighted(lambda x, g, b: nd.InstanceNorm(x, g, b), (2, 3, 2, 2)),
                     [X4, U(0.5, 1.5, (3,)), U(-1, 1, (3,))]),
    "GroupNorm": (weighted(lambda x, g, b: nd.GroupNorm(x, g, b, num_groups=2), (2, 4, 3)),
                  [U(-2, 2, (2, 4, 3)), U(0.5, 1.5, (2,)), U(-1, 1, (4,))]),
    "L2Normalization": (weighted(lambda x: nd.L2Normalization(x, mode="channel"), (2, 3, 2)),
                        [U(-2, 2, (2, 3, 2))]),
    "LRN": (weighted(lambda x: nd.LRN(x, nsize=3, alpha=0.5, knorm=1.5), (2, 4, 2)), [U(-2, 2, (2, 4, 2))]),
    "UpSampling": (weighted(lambda a, b: nd.UpSampling(a, b, scale=2, sample_type="nearest", num_args=2),
                            (1, 3, 4, 4)), [U(-1, 1, (1, 1, 2, 2)), U(-1, 1, (1, 2, 1, 1))]),
    "BilinearResize2D": (weighted(lambda x: nd.BilinearResize2D(x, height=3, width=5), (1, 2, 3, 5)),
                         [U(-1, 1, (1, 2, 2, 3))]),
}


test_gradient_float64, test_gradient_float32 = gradient_tests(CASES)


def test_batchnorm_inference_gradient():
    """Moving statistics in inference / use_global_stats: a per-channel affine map."""
    mm, mv = np.array([0.1, -0.2, 0.3]), np.array([0.5, 1.5, 2.0])
    fn = weighted(lambda x, g, b: nd.BatchNorm(x, g, b, nd.array(mm, dtype=x.dtype), nd.array(mv, dtype=x.dtype),
                                               fix_gamma=False, use_global_stats=True), (2, 3, 2, 2))
    check_numeric_gradient(fn, _inputs([X4, U(0.5, 1.5, (3,)), U(-1, 1, (3,))], 2, np.float64),
                           numeric_eps=1e-6, rtol=1e-5, atol=1e-7)


def test_batchnorm_fix_gamma_zero_grad():
    x = nd.array(np.random.rand(4, 3), dtype="float64")
    g = nd.array([2.0, 3.0, 4.0], dtype="float64")
    g.attach_grad()
    with mx.autograd.record():
        y = nd.BatchNorm(x, g, nd.zeros(3, dtype="float64"), nd.zeros(3, dtype="float64"),
                         nd.ones(3, dtype="float64"))
        s = (y * nd.array(_w((4, 3)), dtype="float64")).sum()
    s.backward()
    np.testing.assert_array_equal(g.grad.asnumpy(), 0)
