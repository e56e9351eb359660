"""Generates nn_conv_mxnet.npz with real MXNet 1.9.1 (CPU, MKLDNN off):
    MXNET_MKLDNN_ENABLED=0 MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/ops/gen_nn_conv_mxnet.py
Each case stores its inputs, kwargs (as JSON) and output; gradients of sum(out * w) for a few."""
import json
import os

import mxnet as mx
import numpy as np

rng = np.random.default_rng(0)
CASES = [
    ("Convolution", [(2, 3, 9)], (4, 3, 3), dict(kernel=(3,), num_filter=4, stride=(2,), pad=(1,), no_bias=False)),
    ("Convolution", [(2, 4, 7, 6)], (6, 2, 3, 3), dict(kernel=(3, 3), num_filter=6, num_group=2, stride=(2, 1),
                                                      pad=(1, 2), dilate=(2, 1), no_bias=False)),
    ("Convolution", [(1, 2, 4, 5, 4)], (3, 2, 2, 3, 2), dict(kernel=(2, 3, 2), num_filter=3, stride=(1, 2, 1),
                                                            pad=(0, 1, 1), no_bias=True)),
    ("Convolution", [(3, 5, 4, 4)], (2, 5, 1, 1), dict(kernel=(1, 1), num_filter=2, no_bias=True)),
    ("Deconvolution", [(2, 4, 3, 4)], (4, 3, 3, 3), dict(kernel=(3, 3), num_filter=6, num_group=2, stride=(2, 2),
                                                        pad=(1, 0), adj=(1, 1), no_bias=False)),
    ("Deconvolution", [(2, 2, 5)], (2, 3, 3), dict(kernel=(3,), num_filter=3, stride=(3,))),  # MXNet 1.9.1 native 1-D dilated deconv is wrong
    ("Deconvolution", [(1, 3, 3, 3)], (3, 2, 3, 3), dict(kernel=(3, 3), num_filter=2, stride=(2, 2),
                                                        target_shape=(6, 5))),
]
for pt in ["max", "avg", "sum"]:
    for conv in ["valid", "full"]:
        CASES.append(("Pooling", [(2, 3, 7, 6)], None, dict(kernel=(3, 2), stride=(2, 2), pad=(1, 1), pool_type=pt,
                                                            pooling_convention=conv)))
CASES += [
    ("Pooling", [(2, 3, 7, 6)], None, dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                           pooling_convention="full", count_include_pad=False)),
    ("Pooling", [(2, 2, 9)], None, dict(kernel=(3,), stride=(2,), pool_type="max")),
    ("Pooling", [(1, 2, 5, 4, 6)], None, dict(kernel=(2, 2, 3), stride=(2, 1, 2), pad=(1, 0, 1), pool_type="avg")),
    ("Pooling", [(2, 3, 4, 5)], None, dict(kernel=(2, 2), pool_type="lp", p_value=2)),
    ("Pooling", [(2, 3, 4, 5)], None, dict(kernel=(2, 2), pool_type="lp", p_value=3, stride=(2, 2))),
    ("Pooling", [(2, 3, 4, 5)], None, dict(kernel=(2, 2), pool_type="lp", p_value=1)),
    ("Pooling", [(2, 3, 4, 5)], None, dict(kernel=(1, 1), pool_type="avg", global_pool=True)),
    ("Pooling", [(2, 3, 4, 5)], None, dict(kernel=(1, 1), pool_type="max", global_pool=True)),
]
out = {}
meta = []
for i, (op, (dshape,), wshape, kw) in enumerate(CASES):
    x = rng.uniform(-1, 1, dshape).astype(np.float32)
    args = [mx.nd.array(x)]
    out["x%d" % i] = x
    if wshape is not None:
        w = rng.uniform(-1, 1, wshape).astype(np.float32)
        out["w%d" % i] = w
        args.append(mx.nd.array(w))
        if not kw.get("no_bias", op == "Deconvolution"):
            b = rng.uniform(-1, 1, (kw["num_filter"],)).astype(np.float32)
            out["b%d" % i] = b
            args.append(mx.nd.array(b))
    for a in args:
        a.attach_grad()
    with mx.autograd.record():
        y = getattr(mx.nd, op)(*args, **kw)
        hw = rng.uniform(0.5, 1.5, y.shape).astype(np.float32)
        (y * mx.nd.array(hw)).sum().backward()
    out["y%d" % i] = y.asnumpy()
    out["hw%d" % i] = hw
    for j, a in enumerate(args):
        out["g%d_%d" % (i, j)] = a.grad.asnumpy()
    meta.append({"op": op, "kwargs": kw, "nargs": len(args)})
out["meta"] = np.array(json.dumps(meta))
np.savez_compressed(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_conv_mxnet.npz"), **out)
print(len(meta), "cases")
