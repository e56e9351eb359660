"""Regenerates elemwise_mxnet.json with real MXNet 1.9.1 (not run by the tests):

    MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/gen_elemwise_mxnet.py
"""
import json
import os

import mxnet as mx
import numpy as np

OPS = ["add", "sub", "mul", "div", "mod", "power", "maximum", "minimum", "equal", "not_equal",
       "greater", "greater_equal", "lesser", "lesser_equal", "logical_and", "logical_or", "logical_xor"]
SIGNED = ([-7, 7, -7, 7, 5, 0, -1, 3, 100, -128], [2, 2, -2, -2, 4, 3, 3, -1, 100, 3])
UNSIGNED = ([250, 7, 9, 200, 5, 0, 1, 3, 255, 128], [10, 2, 3, 100, 7, 3, 5, 1, 2, 128])
out = {"binary": {}, "mod_zero": {}, "unary": {}, "scalar": {}}
for dt in ["int8", "uint8", "int32", "int64", "float32", "float64"]:
    a, b = UNSIGNED if dt == "uint8" else SIGNED
    x, y = mx.nd.array(a, dtype=dt), mx.nd.array(b, dtype=dt)
    res = {}
    for op in OPS:
        r = getattr(mx.nd, "broadcast_" + op)(x, y)
        assert r.dtype == np.dtype(dt), (op, dt, r.dtype)
        res[op] = r.asnumpy().tolist()
    out["binary"][dt] = {"lhs": a, "rhs": b, "ops": res}
    # x % 0 == 0 (integer division by zero crashes MXNet, so only mod here)
    z = mx.nd.array([5, -5, 0, 3], dtype=dt) if dt != "uint8" else mx.nd.array([5, 250, 0, 3], dtype=dt)
    out["mod_zero"][dt] = {"lhs": z.asnumpy().tolist(), "out": (z % mx.nd.zeros(4, dtype=dt)).asnumpy().tolist()}
# scalar forms on int32: x / 2, x % 3, 7 - x, 2 ** x
x = mx.nd.array([-7, 7, -1, 0, 5], dtype="int32")
out["scalar"] = {"x": x.asnumpy().tolist(), "div2": (x / 2).asnumpy().tolist(), "mod3": (x % 3).asnumpy().tolist(),
                 "rsub7": (7 - x).asnumpy().tolist()}
v = [0.5, -0.5, 1.5, 2.5, -2.5, -1.5, 0.49, -0.51, 3.7, -3.7, 0.0]
out["unary"]["input"] = v
for f in ["round", "rint", "fix", "floor", "ceil", "trunc"]:
    out["unary"][f] = getattr(mx.nd, f)(mx.nd.array(v)).asnumpy().tolist()
g = [0.5, -1.5, 5.0, 0.1]
out["unary"]["gamma_input"] = g
out["unary"]["gamma"] = mx.nd.gamma(mx.nd.array(g)).asnumpy().tolist()
out["unary"]["gammaln"] = mx.nd.gammaln(mx.nd.array(g)).asnumpy().tolist()
e = [0.0, 0.5, -0.9, 0.99, 0.3]
out["unary"]["erfinv_input"] = e
out["unary"]["erfinv"] = mx.nd.erfinv(mx.nd.array(e)).asnumpy().tolist()
c = mx.nd.clip(mx.nd.array([-3, 0, 4, 2], dtype="int32"), -1.5, 2.5)
out["clip_int32"] = {"in": [-3, 0, 4, 2], "a_min": -1.5, "a_max": 2.5, "out": c.asnumpy().tolist()}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "elemwise_mxnet.json"), "w") as fh:
    json.dump(out, fh, indent=0, sort_keys=True)
