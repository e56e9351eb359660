"""Writes loss_ops_cases.json: add_n / ElementWiseSum, make_loss and MakeLoss
values and gradients from real MXNet 1.9.1.

    /path/to/mx-ref/bin/python tests/compat/gen_loss_ops_mxnet.py
"""
import json
import os

import mxnet as mx
import numpy as np

assert mx.__version__ == "1.9.1", mx.__version__
rng = np.random.RandomState(3)
cases = []
x = rng.uniform(-2, 2, (3, 4)).astype("float32")
head = rng.uniform(0.5, 2, (3, 4)).astype("float32")
for op, attrs in [("make_loss", {}), ("MakeLoss", {}), ("MakeLoss", {"grad_scale": 3.0}),
                  ("MakeLoss", {"grad_scale": 2.0, "normalization": "batch"}),
                  ("MakeLoss", {"valid_thresh": 0.5, "normalization": "valid"})]:
    a = mx.nd.array(x)
    a.attach_grad()
    with mx.autograd.record():
        y = getattr(mx.nd, op)(a * 2, **attrs)
    y.backward(mx.nd.array(head))
    cases.append({"op": op, "attrs": attrs, "inputs": [x.tolist()], "head": head.tolist(),
                  "output": y.asnumpy().tolist(), "grads": [a.grad.asnumpy().tolist()]})
ins = [rng.uniform(-1, 1, (2, 3)).astype("float32") for _ in range(3)]
for op in ("add_n", "ElementWiseSum"):
    arrays = [mx.nd.array(v) for v in ins]
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record():
        y = getattr(mx.nd, op)(*arrays) * mx.nd.array(head[:2, :3])
    y.backward()
    cases.append({"op": op, "attrs": {}, "inputs": [v.tolist() for v in ins], "head": None,
                  "output": (y / mx.nd.array(head[:2, :3])).asnumpy().tolist(),
                  "grads": [a.grad.asnumpy().tolist() for a in arrays], "times": head[:2, :3].tolist()})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "loss_ops_cases.json"), "w") as f:
    json.dump(cases, f, indent=1)
