"""2x2 stride-2 max pooling has its own CPU loops (backends/cpu/pool.c,
max2x2_*): same values and gradients as the generic windows, ties and NaNs
included."""
import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd


def first_max_reference(x, dy):
    """Forward and gradient of 2x2/2 max pooling as MXNet's CPU loop: the
    window's first element wins unless a later one is strictly greater."""
    n, c, h, w = x.shape
    oh, ow = h // 2, w // 2
    y = np.empty((n, c, oh, ow), x.dtype)
    dx = np.zeros_like(x)
    for i in range(oh):
        for j in range(ow):
            win = [(2 * i, 2 * j), (2 * i, 2 * j + 1), (2 * i + 1, 2 * j), (2 * i + 1, 2 * j + 1)]
            best = x[:, :, win[0][0], win[0][1]].copy()
            at = np.zeros((n, c), int)
            for k, (a, b) in enumerate(win[1:], 1):
                v = x[:, :, a, b]
                greater = v > best
                best = np.where(greater, v, best)
                at = np.where(greater, k, at)
            y[:, :, i, j] = best
            for k, (a, b) in enumerate(win):
                dx[:, :, a, b] += np.where(at == k, dy[:, :, i, j], 0)
    return y, dx


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32"])
@pytest.mark.parametrize("shape", [(2, 3, 8, 8), (1, 2, 7, 9), (3, 1, 2, 33), (2, 2, 5, 4)])
def test_max2x2_values_and_gradient_with_ties(dtype, shape):
    rng = np.random.default_rng(sum(shape))
    x = rng.integers(-3, 4, size=shape).astype(dtype)   # small integers: many ties
    dy = rng.integers(1, 9, size=(shape[0], shape[1], shape[2] // 2, shape[3] // 2)).astype(dtype)
    want_y, want_dx = first_max_reference(x, dy)
    got = mx.nd.Pooling(mx.nd.array(x, dtype=dtype), kernel=(2, 2), stride=(2, 2), pool_type="max")
    np.testing.assert_array_equal(got.asnumpy(), want_y)
    if dtype == "int32":
        return
    xa = mx.nd.array(x, dtype=dtype)
    xa.attach_grad()
    with autograd.record():
        y = mx.nd.Pooling(xa, kernel=(2, 2), stride=(2, 2), pool_type="max")
    y.backward(mx.nd.array(dy, dtype=dtype))
    np.testing.assert_array_equal(xa.grad.asnumpy(), want_dx)


def test_max2x2_nan_as_generic_windows():
    # a NaN in a window's first place stays; elsewhere it never wins
    x = np.array([[[[np.nan, 1, 2, np.nan], [0, 3, 1, 0]]]], np.float32)
    dy = np.array([[[[5, 7]]]], np.float32)
    xa = mx.nd.array(x)
    xa.attach_grad()
    with autograd.record():
        y = mx.nd.Pooling(xa, kernel=(2, 2), stride=(2, 2), pool_type="max")
    y.backward(mx.nd.array(dy))
    want_y, want_dx = first_max_reference(x, dy)
    np.testing.assert_array_equal(y.asnumpy(), want_y)
    np.testing.assert_array_equal(xa.grad.asnumpy(), want_dx)
    assert np.isnan(want_y[0, 0, 0, 0]) and want_y[0, 0, 0, 1] == 2


def test_max2x2_in_a_hybridized_net_matches_eager():
    net = mx.gluon.nn.HybridSequential()
    net.add(mx.gluon.nn.Conv2D(4, 3, in_channels=2), mx.gluon.nn.MaxPool2D(2), mx.gluon.nn.Dense(3))
    net.initialize(mx.init.Xavier())
    x = mx.nd.array(np.random.default_rng(0).standard_normal((2, 2, 11, 10)).astype(np.float32))
    grads = []
    for hybrid in (False, True):
        net.hybridize(active=hybrid, static_alloc=hybrid)
        with autograd.record():
            loss = net(x).sum()
        loss.backward()
        grads.append([p.grad().asnumpy().copy() for p in net.collect_params().values()])
    for eager, graph in zip(*grads):
        np.testing.assert_allclose(graph, eager, rtol=1e-6, atol=1e-6)
