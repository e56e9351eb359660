"""FullyConnected, Activation, LeakyReLU, Dropout, Embedding vs NumPy and
committed MXNet 1.9.1 outputs (tests/data/gen_nn_mxnet.py)."""
import os
from math import erf

import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError

nd = mx.nd
REF = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "ops", "nn_mxnet.npz"))
A = nd.array


def close(a, ref, tol=1e-5):
    np.testing.assert_allclose(a.asnumpy(), ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fully_connected(dtype):
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(5, 2, 3)), rng.normal(size=(4, 6)), rng.normal(size=4)
    tol = 1e-4 if dtype == "float32" else 1e-12
    y = nd.FullyConnected(A(x, dtype=dtype), A(w, dtype=dtype), A(b, dtype=dtype), num_hidden=4)
    close(y, x.reshape(5, 6) @ w.T + b, tol)
    w3 = rng.normal(size=(4, 3))
    y = nd.FullyConnected(A(x, dtype=dtype), A(w3, dtype=dtype), num_hidden=4, no_bias=True, flatten=False)
    close(y, x @ w3.T, tol)
    wt = A(w.T.copy(), dtype=dtype).T  # non-contiguous weight view
    close(nd.FullyConnected(A(x, dtype=dtype), wt, A(b, dtype=dtype), num_hidden=4), x.reshape(5, 6) @ w.T + b, tol)
    with pytest.raises(MXNetError):
        nd.FullyConnected(A(x), A(w), A(b), num_hidden=5)
    with pytest.raises(MXNetError):
        nd.FullyConnected(A(x), A(w), num_hidden=4)


def test_activations_vs_mxnet():
    v = REF["v"]
    for t in ("relu", "sigmoid", "tanh", "softrelu", "softsign"):
        close(nd.Activation(A(v), act_type=t), REF["act_" + t])
    for t in ("leaky", "elu", "selu", "gelu"):
        close(nd.LeakyReLU(A(v), act_type=t, slope=0.3), REF["leaky_" + t])
    out, mask = nd.LeakyReLU(A(v), act_type="rrelu")
    close(out, REF["rrelu_infer"])
    close(nd.LeakyReLU(A(REF["x"]), A(REF["g"]), act_type="prelu"), REF["prelu"])
    xd = np.linspace(-3, 3, 13)
    close(nd.LeakyReLU(A(xd, dtype="float64"), act_type="gelu"),
          np.array([0.5 * t * (1 + erf(t / np.sqrt(2))) for t in xd]), 1e-12)
    close(nd.Activation(A([-1000.0, 1000.0], dtype="float64"), act_type="softrelu"), [0, 1000], 1e-12)
    with pytest.raises(MXNetError):
        nd.Activation(A(v), act_type="swish")
    with pytest.raises(MXNetError):
        nd.LeakyReLU(A(v), act_type="prelu")


def test_rrelu_training():
    xd = np.array([-2.0, -1.0, 0.5, 3.0] * 50)
    with mx.autograd.train_mode():
        out, mask = nd.LeakyReLU(A(xd), act_type="rrelu", lower_bound=0.1, upper_bound=0.3)
    m = mask.asnumpy()
    assert ((m >= 0.1) & (m <= 0.3)).all() and m.std() > 0
    close(out, np.where(xd > 0, xd, xd * m))


def test_dropout_modes_axes():
    x = np.ones((40, 6, 5))
    close(nd.Dropout(A(x), p=0.5), x)  # predict mode: identity
    with mx.autograd.predict_mode():
        close(nd.Dropout(A(x), p=0.5), x)
    y = nd.Dropout(A(x), p=0.25, mode="always").asnumpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.05
    with mx.autograd.train_mode():
        y = nd.Dropout(A(x), p=0.5, axes=(1,)).asnumpy()
    assert (y == y[:, :1, :]).all() and set(np.unique(y)) <= {0.0, 2.0}
    close(nd.Dropout(A(x), p=0.0, mode="always"), x)
    mx.random.seed(1)
    a = nd.Dropout(A(x), mode="always").asnumpy()
    mx.random.seed(1)
    assert (nd.Dropout(A(x), mode="always").asnumpy() == a).all()
    with pytest.raises(MXNetError):
        nd.Dropout(A(x), p=1.5)


def test_dropout_gradient_uses_mask():
    x = A(np.random.rand(6, 7))
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Dropout(x, p=0.5, axes=(0,))
    y.backward()
    mask = (y.asnumpy() / x.asnumpy())
    close(x.grad, mask)
    x2 = A(np.random.rand(3, 4))
    x2.attach_grad()
    with mx.autograd.record(train_mode=False):
        y = nd.Dropout(x2)
    y.backward()
    close(x2.grad, np.ones((3, 4)))


def test_embedding():
    w = REF["x6"][0]
    close(nd.Embedding(A([[0, 7], [-2, 1]]), A(w), input_dim=6, output_dim=5), REF["emb"])
    wa = A(w)
    wa.attach_grad()
    with mx.autograd.record():
        y = nd.Embedding(A([1, 1, 3]), wa, input_dim=6, output_dim=5)
    y.backward()
    ref = np.zeros_like(w)
    ref[1] = 2
    ref[3] = 1
    close(wa.grad, ref)
    with pytest.raises(MXNetError):
        nd.Embedding(A([0]), A(w), input_dim=5, output_dim=5)
