"""Writes loss_mxnet.json: MXNet 1.9.1's gluon.loss outputs (and input gradients) on fixed inputs.

    MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/gluon/gen_loss_mxnet.py
"""
import json
import os

import numpy as np
import mxnet as mx
from mxnet.gluon import loss as L

rng = np.random.RandomState(0)
pred = rng.uniform(-2, 2, (4, 3)).astype(np.float32)
prob = rng.uniform(0.05, 0.95, (4, 3)).astype(np.float32)
reg = rng.uniform(-2, 2, (4, 3)).astype(np.float32)
sign = np.sign(rng.uniform(-1, 1, (4, 3))).astype(np.float32)
binary = (rng.uniform(0, 1, (4, 3)) > 0.5).astype(np.float32)
cls = np.array([0, 2, 1, 2], np.float32)
dist = rng.uniform(0.1, 1, (4, 3)).astype(np.float32)
dist /= dist.sum(1, keepdims=True)
sw = rng.uniform(0.5, 1.5, (4, 1)).astype(np.float32)
pos = rng.uniform(-1, 1, (4, 3)).astype(np.float32)
neg = rng.uniform(-1, 1, (4, 3)).astype(np.float32)
counts = rng.randint(0, 4, (4, 3)).astype(np.float32)
emb_lab = np.array([1, -1, 1, -1], np.float32)

INPUTS = {"pred": pred, "prob": prob, "reg": reg, "sign": sign, "binary": binary, "cls": cls, "dist": dist,
          "sw": sw, "pos": pos, "neg": neg, "counts": counts, "emb_lab": emb_lab}

CASES = {
    "L2Loss": (L.L2Loss(), ["pred", "reg"]),
    "L2Loss_w": (L.L2Loss(weight=0.5), ["pred", "reg", "sw"]),
    "L1Loss": (L.L1Loss(), ["pred", "reg"]),
    "SigmoidBCE": (L.SigmoidBinaryCrossEntropyLoss(), ["pred", "binary"]),
    "SigmoidBCE_prob": (L.SigmoidBinaryCrossEntropyLoss(from_sigmoid=True), ["prob", "binary"]),
    "SoftmaxCE": (L.SoftmaxCrossEntropyLoss(), ["pred", "cls"]),
    "SoftmaxCE_dense": (L.SoftmaxCrossEntropyLoss(sparse_label=False), ["pred", "dist"]),
    "SoftmaxCE_w": (L.SoftmaxCrossEntropyLoss(weight=2.0), ["pred", "cls", "sw"]),
    "KLDiv": (L.KLDivLoss(from_logits=False), ["pred", "dist"]),
    "Huber": (L.HuberLoss(rho=0.7), ["pred", "reg"]),
    "Hinge": (L.HingeLoss(), ["pred", "sign"]),
    "SquaredHinge": (L.SquaredHingeLoss(margin=0.5), ["pred", "sign"]),
    "Logistic": (L.LogisticLoss(), ["pred", "sign"]),
    "Logistic_binary": (L.LogisticLoss(label_format="binary"), ["pred", "binary"]),
    "Triplet": (L.TripletLoss(margin=0.3), ["pred", "pos", "neg"]),
    "PoissonNLL": (L.PoissonNLLLoss(), ["pred", "counts"]),
    "PoissonNLL_full": (L.PoissonNLLLoss(from_logits=False, compute_full=True), ["prob", "counts"]),
    "CosineEmbedding": (L.CosineEmbeddingLoss(margin=0.2), ["pred", "reg", "emb_lab"]),
    "SDML": (L.SDMLLoss(), ["pred", "reg"]),
}

out = {"inputs": {k: v.tolist() for k, v in INPUTS.items()}, "cases": {}}
for name, (loss, args) in CASES.items():
    arrs = [mx.nd.array(INPUTS[a]) for a in args]
    arrs[0].attach_grad()
    try:
        with mx.autograd.record():
            y = loss(*arrs)
        y.backward()
        grad = arrs[0].grad.asnumpy().tolist()
    except mx.MXNetError:  # MXNet's own PoissonNLL(compute_full) writes in place under record()
        y, grad = loss(*arrs), None
    out["cases"][name] = {"args": args, "value": y.asnumpy().tolist(), "shape": list(y.shape), "grad": grad}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "loss_mxnet.json"), "w") as f:
    json.dump(out, f)
print("wrote", len(out["cases"]), "cases")
