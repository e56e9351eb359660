"""Generates tests/data/upsampling/upsampling_mxnet.npz with MXNet 1.9.1:
MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/upsampling/gen_upsampling_mxnet.py

UpSampling(sample_type='bilinear'): output and gradients (data, weight) for a
random weight and for an mx.init.Bilinear weight, scales 1..4; also the
inferred weight shapes of mx.sym.UpSampling and its argument names."""
import json
import os

import numpy as np
import mxnet as mx

nd = mx.nd
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(0)
out = {}
meta = {}
CASES = ((1, (2, 3, 3, 4)), (2, (2, 3, 3, 4)), (3, (1, 2, 4, 3)), (4, (1, 2, 2, 3)), (2, (1, 1, 1, 1)))
for i, (scale, shape) in enumerate(CASES):
    C = shape[1]
    sym = mx.sym.UpSampling(mx.sym.var("data"), scale=scale, sample_type="bilinear", num_filter=C)
    args, outs, _ = sym.infer_shape(data=shape)
    meta["case%d" % i] = {"scale": scale, "shape": shape, "arguments": sym.list_arguments(),
                          "weight_shape": args[1], "out_shape": outs[0]}
    x = rng.randn(*shape).astype(np.float32)
    w = rng.randn(*args[1]).astype(np.float32)
    wb = nd.zeros(args[1])
    mx.init.Bilinear()(mx.init.InitDesc("up_weight"), wb)
    out["case%d_x" % i] = x
    for tag, wv in (("rand", w), ("bil", wb.asnumpy())):
        xa, wa = nd.array(x), nd.array(wv)
        xa.attach_grad()
        wa.attach_grad()
        with mx.autograd.record():
            y = nd.UpSampling(xa, wa, scale=scale, sample_type="bilinear", num_filter=C)
        head = rng.randn(*y.shape).astype(np.float32)
        y.backward(nd.array(head))
        out["case%d_%s_w" % (i, tag)] = wv
        out["case%d_%s_y" % (i, tag)] = y.asnumpy()
        out["case%d_%s_head" % (i, tag)] = head
        out["case%d_%s_dx" % (i, tag)] = xa.grad.asnumpy()
        out["case%d_%s_dw" % (i, tag)] = wa.grad.asnumpy()
np.savez_compressed(os.path.join(here, "upsampling_mxnet.npz"), **out)
with open(os.path.join(here, "upsampling_mxnet.json"), "w") as f:
    json.dump(meta, f, indent=1, sort_keys=True)
