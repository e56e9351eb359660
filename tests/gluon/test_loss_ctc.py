"""gluon.loss.CTCLoss against committed MXNet 1.9.1 outputs (tests/data/ctc) and the CTCLoss operator."""
import os

import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError

L = mx.gluon.loss
nd = mx.nd
DATA = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "ctc", "ctc_mxnet.npz"))
GLUON_CASES = sorted({k.split("/")[0] for k in DATA.files if k.startswith("g_")})


@pytest.mark.parametrize("case", GLUON_CASES)
def test_matches_mxnet(case):
    g = lambda k: DATA[case + "/" + k] if case + "/" + k in DATA.files else None  # noqa: E731
    tn, weight = bool(g("flags")[3]), float(g("flags")[4]) or None
    loss_fn = L.CTCLoss(label_layout="TN" if tn else "NT", weight=weight)
    x = nd.array(g("data"))
    x.attach_grad()
    args = [nd.array(g("label").T if tn else g("label"))]
    for k in ("pred_lengths", "label_lengths", "sample_weight"):
        args.append(None if g(k) is None else nd.array(g(k)))
    with mx.autograd.record():
        loss = loss_fn(x, *args)
    loss.backward()
    np.testing.assert_allclose(loss.asnumpy(), g("loss"), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), g("grad"), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layouts_and_weighting_match_the_operator(dtype):
    rng = np.random.RandomState(0)
    ntc = rng.randn(3, 7, 5)
    lab = np.array([[0, 1, 2], [3, 3, -1], [2, -1, -1]])
    want = nd.CTCLoss(nd.array(ntc.transpose(1, 0, 2), dtype=dtype), nd.array(lab), blank_label="last").asnumpy()
    got = L.CTCLoss()(nd.array(ntc, dtype=dtype), nd.array(lab))
    assert got.shape == (3,) and got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6)
    got = L.CTCLoss(layout="TNC", label_layout="TN", weight=2.0)(nd.array(ntc.transpose(1, 0, 2), dtype=dtype),
                                                                 nd.array(lab.T))
    np.testing.assert_allclose(got.asnumpy(), 2 * want, rtol=1e-6)
    sw = nd.array([1.0, 0.0, 3.0], dtype=dtype)
    got = L.CTCLoss()(nd.array(ntc, dtype=dtype), nd.array(lab), None, None, sw)
    np.testing.assert_allclose(got.asnumpy(), want * [1, 0, 3], rtol=1e-6)


def test_lengths_and_training_step():
    rng = np.random.RandomState(1)
    net = mx.gluon.nn.Dense(5, flatten=False)
    net.initialize()
    x = nd.array(rng.randn(2, 6, 4))
    lab = nd.array([[1, 2, 3], [0, 0, 0]])
    loss_fn = L.CTCLoss()
    with mx.autograd.record():
        loss = loss_fn(net(x), lab, nd.array([6, 4]), nd.array([3, 2]))
    loss.backward()
    assert loss.shape == (2,) and np.isfinite(loss.asnumpy()).all()
    assert np.abs(net.weight.grad().asnumpy()).sum() > 0


def test_errors():
    with pytest.raises(ValueError):
        L.CTCLoss(layout="CTN")
    with pytest.raises(ValueError):
        L.CTCLoss(label_layout="NTC")
    with pytest.raises(MXNetError):   # label 5 is outside the alphabet (size 5)
        L.CTCLoss()(nd.zeros((1, 6, 5)), nd.array([[1, 5]]))
    with pytest.raises(ValueError):   # label longer than the sequence
        L.CTCLoss()(nd.zeros((1, 2, 5)), nd.array([[1, 2, 3]]))
