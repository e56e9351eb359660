"""Generates tests/data/resize/resize_mxnet.npz with MXNet 1.9.1:
MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/resize/gen_resize_mxnet.py

BilinearResize2D in every mode MXNet 1.9.1 has (size with height/width or with
scales, odd_scale, like, to_even_down/up, to_odd_down/up), both align_corners:
output and gradient with respect to data (and like) for a random head gradient."""
import json
import os

import numpy as np
import mxnet as mx

nd = mx.nd
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(0)
out = {}
meta = {}
CASES = [
    ((1, 2, 5, 4), dict(mode="size", height=7, width=3)),
    ((1, 2, 5, 4), dict(mode="size", scale_height=1.5, scale_width=2.3)),
    ((1, 2, 5, 4), dict(mode="odd_scale", scale_height=2.0, scale_width=2.0)),
    ((2, 1, 4, 7), dict(mode="odd_scale", scale_height=1.5, scale_width=0.5)),
    ((1, 1, 6, 5), dict(mode="odd_scale", scale_height=0.3, scale_width=3.7)),
    ((1, 2, 3, 4), dict(mode="like")),
    ((1, 2, 5, 4), dict(mode="to_even_down")),
    ((1, 2, 5, 4), dict(mode="to_even_up")),
    ((1, 2, 5, 4), dict(mode="to_odd_down")),
    ((1, 2, 5, 4), dict(mode="to_odd_up")),
    ((1, 1, 6, 6), dict(mode="to_odd_down")),
    ((1, 1, 6, 6), dict(mode="to_odd_up", height=3, width=9, scale_height=2.0, scale_width=2.0)),
    ((2, 1, 4, 7), dict(mode="to_even_up")),
    ((2, 1, 4, 7), dict(mode="to_even_down")),
    ((1, 1, 6, 5), dict(mode="size", height=1, width=2)),
    ((1, 2, 3, 5), dict(mode="size", height=4, width=1)),
]
LIKE_SHAPE = (3, 1, 7, 2)
i = 0
for shape, kw in CASES:
    for ac in (True, False):
        kw = dict(kw, align_corners=ac)
        x = rng.randn(*shape).astype(np.float32)
        xa = nd.array(x)
        xa.attach_grad()
        args = [xa]
        if kw["mode"] == "like":
            la = nd.array(rng.randn(*LIKE_SHAPE).astype(np.float32))
            la.attach_grad()
            args.append(la)
        with mx.autograd.record():
            y = nd.contrib.BilinearResize2D(*args, **kw)
        head = rng.randn(*y.shape).astype(np.float32)
        y.backward(nd.array(head))
        key = "case%d" % i
        meta[key] = {"shape": shape, "kwargs": kw, "out_shape": y.shape}
        out[key + "_x"] = x
        out[key + "_y"] = y.asnumpy()
        out[key + "_head"] = head
        out[key + "_dx"] = xa.grad.asnumpy()
        if kw["mode"] == "like":
            out[key + "_like"] = args[1].asnumpy()
            out[key + "_dlike"] = args[1].grad.asnumpy()
        i += 1
# shapes only (MXNet gives an empty output where a size rounds to 0)
shapes = []
for shape in ((5, 4), (4, 7), (6, 6), (1, 3), (2, 1)):
    for mode in ("odd_scale", "to_even_down", "to_even_up", "to_odd_down", "to_odd_up", "size"):
        for sh, sw in ((2.0, 2.0), (1.5, 0.5), (0.3, 3.7), (0.1, 0.1)):
            y = nd.contrib.BilinearResize2D(nd.ones((1, 1) + shape), mode=mode, scale_height=sh, scale_width=sw)
            shapes.append([list(shape), mode, sh, sw, list(y.shape[2:])])
meta["shapes"] = shapes
np.savez_compressed(os.path.join(here, "resize_mxnet.npz"), **out)
with open(os.path.join(here, "resize_mxnet.json"), "w") as f:
    json.dump(meta, f, sort_keys=True)
