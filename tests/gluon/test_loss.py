"""gluon.loss against MXNet 1.9.1 (values and input gradients from tests/data/gluon/loss_mxnet.json)."""
import json
import os

import numpy as np
import pytest

import gluonx as mx
from gluonx.gluon import loss as L

DATA = json.load(open(os.path.join(os.path.dirname(__file__), "..", "data", "gluon", "loss_mxnet.json")))
INPUTS = {k: np.array(v, np.float32) for k, v in DATA["inputs"].items()}

LOSSES = {
    "L2Loss": lambda: L.L2Loss(), "L2Loss_w": lambda: L.L2Loss(weight=0.5), "L1Loss": lambda: L.L1Loss(),
    "SigmoidBCE": lambda: L.SigmoidBinaryCrossEntropyLoss(),
    "SigmoidBCE_prob": lambda: L.SigmoidBinaryCrossEntropyLoss(from_sigmoid=True),
    "SoftmaxCE": lambda: L.SoftmaxCrossEntropyLoss(), "SoftmaxCE_dense": lambda: L.SoftmaxCrossEntropyLoss(
        sparse_label=False), "SoftmaxCE_w": lambda: L.SoftmaxCrossEntropyLoss(weight=2.0),
    "KLDiv": lambda: L.KLDivLoss(from_logits=False), "Huber": lambda: L.HuberLoss(rho=0.7),
    "Hinge": lambda: L.HingeLoss(), "SquaredHinge": lambda: L.SquaredHingeLoss(margin=0.5),
    "Logistic": lambda: L.LogisticLoss(), "Logistic_binary": lambda: L.LogisticLoss(label_format="binary"),
    "Triplet": lambda: L.TripletLoss(margin=0.3), "PoissonNLL": lambda: L.PoissonNLLLoss(),
    "PoissonNLL_full": lambda: L.PoissonNLLLoss(from_logits=False, compute_full=True),
    "CosineEmbedding": lambda: L.CosineEmbeddingLoss(margin=0.2), "SDML": lambda: L.SDMLLoss(),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_matches_mxnet(name):
    case = DATA["cases"][name]
    arrs = [mx.nd.array(INPUTS[a]) for a in case["args"]]
    arrs[0].attach_grad()
    with mx.autograd.record():
        y = LOSSES[name]()(*arrs)
    y.backward()
    assert list(y.shape) == case["shape"]
    # float32: log/exp of two libraries differ in the last bits (KLDiv's cancellation shows 1e-4)
    np.testing.assert_allclose(y.asnumpy(), np.array(case["value"], np.float32), rtol=2e-4, atol=1e-5)
    if case["grad"] is not None:
        np.testing.assert_allclose(arrs[0].grad.asnumpy(), np.array(case["grad"], np.float32),
                                   rtol=1e-4, atol=1e-6)


def test_shapes_mxnet_documents():
    assert L.PoissonNLLLoss()(mx.nd.ones((3, 2)), mx.nd.ones((3, 2))).shape == (1,)
    out = L.CosineEmbeddingLoss()(mx.nd.ones((3, 2)), mx.nd.ones((3, 2)), mx.nd.array([1, -1, 1]))
    assert out.shape == (3, 1)


def test_bad_arguments():
    with pytest.raises(ValueError):
        L.LogisticLoss(label_format="probability")
    with pytest.raises(ValueError):
        L.CTCLoss(layout="CTN")


def test_repr():
    assert repr(L.L2Loss()) == "L2Loss(batch_axis=0, w=1.0)"
