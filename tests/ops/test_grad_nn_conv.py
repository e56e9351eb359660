"""Numeric gradient checks of Convolution, Deconvolution, Pooling and their
backward ops (read by test_gradients.py's coverage test through CASES), plus
second derivatives through the conv products."""
import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd
from gradcheck import gradient_tests, inputs as _inputs

nd = mx.nd


def U(shape, lo=-1.0, hi=1.0):
    return lambda rng: rng.uniform(lo, hi, shape)


def _weights(shape, seed=7):
    """Fixed random output weights so sum(fn) checks more than the plain sum."""
    return np.random.default_rng(seed).uniform(0.5, 1.5, shape)


def weighted(fn):
    def f(*xs):
        y = fn(*xs)
        return y * nd.array(_weights(y.shape), dtype=y.dtype)
    return f


def _distinct(shape):
    """Values far apart (no ties or near-ties within a max-pooling window)."""
    def gen(rng):
        n = int(np.prod(shape))
        return (rng.permutation(n).reshape(shape) * 0.1 - n * 0.05)
    return gen


CONV2 = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), dilate=(1, 2), num_filter=4, num_group=2)
DECONV2 = dict(kernel=(3, 2), stride=(2, 2), pad=(1, 0), adj=(1, 0), num_filter=4, num_group=2)
POOL = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1))

CASES = {
    "Convolution": (weighted(lambda x, w, b: nd.Convolution(x, w, b, **CONV2)),
                    [U((2, 4, 5, 4)), U((4, 2, 3, 2)), U((4,))]),
    "Deconvolution": (weighted(lambda x, w, b: nd.Deconvolution(x, w, b, no_bias=False, **DECONV2)),
                      [U((2, 4, 3, 3)), U((4, 2, 3, 2)), U((4,))]),
    "_conv_weight_grad": (weighted(lambda x, g: nd._conv_weight_grad(x, g, kernel=(3,), stride=(2,),
                                                                     pad=(1,), dilate=(2,))),
                          [U((2, 3, 7)), U((2, 2, 3))]),
    "Pooling": (weighted(lambda x: nd.Pooling(x, pool_type="avg", **POOL)), [U((2, 2, 5, 4))]),
    "_backward_pooling": (weighted(lambda g, x: nd._backward_pooling(g, x, nd.Pooling(x, **POOL), **POOL)),
                          [U((2, 2, 3, 5)), _distinct((2, 2, 5, 4))]),
    "_pooling_max_pick": (weighted(lambda x, g: nd._pooling_max_pick(x, g, **POOL)),
                          [_distinct((2, 2, 5, 4)), U((2, 2, 5, 4))]),
}

EXTRA = {
    "conv1d_stride_pad": (weighted(lambda x, w: nd.Convolution(x, w, kernel=(3,), stride=(2,), pad=(2,),
                                                                num_filter=3, no_bias=True)),
                          [U((2, 2, 8)), U((3, 2, 3))]),
    "conv3d_group": (weighted(lambda x, w, b: nd.Convolution(x, w, b, kernel=(2, 2, 2), pad=(1, 0, 1),
                                                              num_filter=2, num_group=2)),
                     [U((1, 2, 3, 3, 3)), U((2, 1, 2, 2, 2)), U((2,))]),
    "deconv_target_shape": (weighted(lambda x, w: nd.Deconvolution(x, w, kernel=(3, 3), stride=(2, 2),
                                                                    target_shape=(6, 5), num_filter=2)),
                            [U((1, 3, 3, 3)), U((3, 2, 3, 3))]),
    "deconv1d_dilate": (weighted(lambda x, w: nd.Deconvolution(x, w, kernel=(2,), dilate=(3,), stride=(2,),
                                                                num_filter=3)),
                        [U((2, 2, 4)), U((2, 3, 2))]),
    "pool_max_full": (weighted(lambda x: nd.Pooling(x, kernel=(2, 3), stride=(2, 2),
                                                     pooling_convention="full")), [_distinct((2, 1, 5, 6))]),
    "pool_avg_nopad_count": (weighted(lambda x: nd.Pooling(x, kernel=(3,), stride=(2,), pad=(1,),
                                                            pool_type="avg", count_include_pad=False)),
                             [U((2, 2, 7))]),
    "pool_sum_3d": (weighted(lambda x: nd.Pooling(x, kernel=(2, 2, 2), pool_type="sum")), [U((1, 2, 3, 3, 3))]),
    "pool_lp2": (weighted(lambda x: nd.Pooling(x, kernel=(2, 2), pool_type="lp", p_value=2)),
                 [U((1, 2, 4, 4), 0.5, 1.5)]),
    "pool_lp3": (weighted(lambda x: nd.Pooling(x, kernel=(2,), stride=(1,), pool_type="lp", p_value=3)),
                 [U((1, 2, 5), 0.5, 1.5)]),
    "pool_global_max": (weighted(lambda x: nd.Pooling(x, kernel=(1, 1), global_pool=True)),
                        [_distinct((2, 3, 3, 4))]),
}

ALL = dict(CASES, **EXTRA)


test_gradient_float64, test_gradient_float32 = gradient_tests(ALL)


def _second(fn, xs, wrt):
    """d/d(xs) of sum(weights * d sum(fn)/d xs[wrt]), by autograd (create_graph) and by differences."""
    def first(arrs, create):
        for a in arrs:
            a.attach_grad()
        with autograd.record():
            y = fn(*arrs)
        return autograd.grad(y, [arrs[wrt]], create_graph=create)[0]

    arrs = [nd.array(x, dtype="float64") for x in xs]
    for a in arrs:
        a.attach_grad()
    with autograd.record():
        g = first(arrs, True)
        s = (g * nd.array(_weights(g.shape, 3), dtype="float64")).sum()
    s.backward()
    eps = 1e-6
    for i, x in enumerate(xs):
        num = np.zeros_like(x)
        for j in range(x.size):
            vals = []
            for sgn in (1, -1):
                xp = [v.copy() for v in xs]
                xp[i].flat[j] += sgn * eps
                gg = first([nd.array(v, dtype="float64") for v in xp], False).asnumpy()
                vals.append((gg * _weights(gg.shape, 3)).sum())
            num.flat[j] = (vals[0] - vals[1]) / (2 * eps)
        np.testing.assert_allclose(arrs[i].grad.asnumpy(), num, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name,wrt", [("Convolution", 0), ("Convolution", 1), ("Deconvolution", 1),
                                      ("Pooling", 0), ("pool_max_full", 0)])
def test_second_derivative(name, wrt):
    fn, gens = ALL[name]
    xs = _inputs(gens, 2, np.float64)
    if name in ("Convolution", "Deconvolution"):
        xs = [x[:1] if i == 0 else x for i, x in enumerate(xs)]  # one sample keeps it fast
    _second(fn, xs, wrt)
