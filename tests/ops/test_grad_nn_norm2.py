"""Second derivatives through the normalisation layers: the rule of the
fused ``_norm_backward`` op (read by tests/ops/test_gradients.py's coverage
test through CASES) and gradient-penalty style double backward through
BatchNorm (training), LayerNorm, InstanceNorm and GroupNorm, checked against
central differences of the first gradient."""
import numpy as np
import pytest

import gluonx as mx
from gradcheck import gradient_tests

nd = mx.nd
_W = np.random.RandomState(5).uniform(-1, 1, (3, 4, 5))


def _nb(x, dy, g):
    # mean and var are x's statistics, as every caller passes them
    mean = nd.mean(x, axis=(0, 2))
    var = nd.mean(nd.square(nd.broadcast_sub(x, mean.reshape((1, -1, 1)))), axis=(0, 2))
    dx, s1, s2 = nd._norm_backward(x, dy, mean, var, g, eps=1e-3)
    w = nd.array(_W[:, :x.shape[1], :x.shape[2]], dtype=x.dtype)
    return (dx * w).sum() + (s1 * nd.array([0.3, -0.7, 1.1, 0.4], dtype=x.dtype)).sum() + \
        (s2 * nd.array([-0.2, 0.9, 0.5, -1.3], dtype=x.dtype)).sum()


CASES = {
    "_norm_backward": (_nb, [lambda r: r.uniform(-2, 2, (3, 4, 5)), lambda r: r.uniform(-1, 1, (3, 4, 5)),
                             lambda r: r.uniform(0.5, 1.5, (4,))]),
}


test_gradient_float64, test_gradient_float32 = gradient_tests(CASES, f32_rtol=3e-2, f32_atol=3e-3)


def _bn(x, gm, bt):
    C = x.shape[1]
    with mx.autograd.train_mode():
        return nd.BatchNorm(x, gm, bt, nd.zeros(C, dtype=x.dtype), nd.ones(C, dtype=x.dtype),
                            fix_gamma=False, eps=1e-3)


LAYERS = {
    "BatchNorm": (_bn, (3, 4, 5), 4),
    "LayerNorm": (lambda x, g, b: nd.LayerNorm(x, g, b, axis=-1), (3, 4, 5), 5),
    "LayerNorm_axis1": (lambda x, g, b: nd.LayerNorm(x, g, b, axis=1), (3, 4, 5), 4),
    "InstanceNorm": (lambda x, g, b: nd.InstanceNorm(x, g, b), (3, 4, 5), 4),
    "GroupNorm": (lambda x, g, b: nd.GroupNorm(x, g, b, num_groups=2), (3, 4, 5), 4),
}


def _penalty(layer, x, gm, bt, w):
    """sum((d sum(w * layer(x)) / dx)^2): a gradient penalty."""
    with mx.autograd.record():
        y = layer(x, gm, bt)
        (gx,) = mx.autograd.grad((y * w).sum(), [x], create_graph=True)
        pen = (gx * gx).sum()
    return pen


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_gradient_penalty_second_derivative(name):
    layer, shape, C = LAYERS[name]
    rng = np.random.RandomState(7)
    xv = rng.uniform(-2, 2, shape)
    gv = rng.uniform(0.5, 1.5, C)
    w = nd.array(rng.uniform(-1, 1, shape), dtype="float64")
    gm, bt = nd.array(gv, dtype="float64"), nd.zeros(C, dtype="float64")
    x = nd.array(xv, dtype="float64")
    x.attach_grad()
    gm.attach_grad()
    pen = _penalty(layer, x, gm, bt, w)
    pen.backward()
    ana_x, ana_g = x.grad.asnumpy(), gm.grad.asnumpy()

    def pval(xa, ga):
        xx = nd.array(xa, dtype="float64")
        xx.attach_grad()
        return float(_penalty(layer, xx, nd.array(ga, dtype="float64"), bt, w).asnumpy().ravel()[0])

    eps = 1e-6
    num_x = np.zeros_like(xv)
    for i in np.ndindex(*shape):
        d = np.zeros_like(xv)
        d[i] = eps
        num_x[i] = (pval(xv + d, gv) - pval(xv - d, gv)) / (2 * eps)
    num_g = np.zeros_like(gv)
    for i in range(C):
        d = np.zeros_like(gv)
        d[i] = eps
        num_g[i] = (pval(xv, gv + d) - pval(xv, gv - d)) / (2 * eps)
    np.testing.assert_allclose(ana_x, num_x, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ana_g, num_g, rtol=1e-5, atol=1e-7)
