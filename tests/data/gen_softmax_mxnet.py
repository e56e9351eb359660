"""Generates tests/data/softmax_mxnet.npz with MXNet 1.9.1:
    MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/gen_softmax_mxnet.py
Each case k stores x_k, label_k (SoftmaxOutput) or length_k, the forward y_k and x.grad gx_k for head h_k."""
import json
import os

import mxnet as mx
import numpy as np

rng = np.random.RandomState(42)
out = {}
cases = []


def add(name, op, kw, x, label=None, length=None):
    k = len(cases)
    x = x.astype(np.float32)
    xs = mx.nd.array(x, dtype=x.dtype)
    xs.attach_grad()
    args = [xs]
    if label is not None:
        args.append(mx.nd.array(label))
        out["label_%d" % k] = label
    if length is not None:
        args.append(mx.nd.array(length, dtype="int32"))
        out["length_%d" % k] = length
    with mx.autograd.record():
        y = getattr(mx.nd, op)(*args, **kw)
    h = rng.uniform(-1, 1, y.shape).astype(np.float32)
    y.backward(mx.nd.array(h, dtype=y.dtype))
    out["x_%d" % k], out["y_%d" % k], out["h_%d" % k], out["gx_%d" % k] = x, y.asnumpy(), h, xs.grad.asnumpy()
    cases.append({"name": name, "op": op, "kw": kw})


x23 = rng.randn(3, 5)
x4 = rng.randn(2, 3, 2, 2)
lab = np.array([1, 0, 4], dtype=np.float32)
add("so_plain", "SoftmaxOutput", {}, x23, lab)
add("so_scale", "SoftmaxOutput", {"grad_scale": 2.5}, x23, lab)
add("so_ignore", "SoftmaxOutput", {"use_ignore": True}, x23, np.array([1, -1, 3], np.float32))
add("so_ignore_valid", "SoftmaxOutput", {"use_ignore": True, "normalization": "valid"}, x23,
    np.array([1, -1, 3], np.float32))
add("so_valid_noignore", "SoftmaxOutput", {"normalization": "valid"}, x23, np.array([1, -1, 3], np.float32))
add("so_batch_ign2", "SoftmaxOutput", {"use_ignore": True, "ignore_label": 2, "normalization": "batch"}, x23,
    np.array([1, 2, 3], np.float32))
add("so_smooth", "SoftmaxOutput", {"smooth_alpha": 0.3}, x23, lab)
add("so_out_grad", "SoftmaxOutput", {"out_grad": True, "grad_scale": 2.0}, x23, lab)
add("so_out_of_range", "SoftmaxOutput", {}, x23, np.array([1, 7, -2], np.float32))
add("so_float_labels", "SoftmaxOutput", {}, x23, np.array([1.7, 0.2, 2.9], np.float32))
mlab = np.array([[0, 1], [2, 0], [1, 1], [2, 2]], np.float32).reshape(2, 2, 2)
add("so_multi", "SoftmaxOutput", {"multi_output": True}, x4, mlab)
add("so_multi_batch", "SoftmaxOutput", {"multi_output": True, "normalization": "batch"}, x4, mlab)
mlab2 = mlab.copy(); mlab2[1, 1, 1] = -1
add("so_multi_valid", "SoftmaxOutput", {"multi_output": True, "normalization": "valid", "use_ignore": True},
    x4, mlab2)
plab = np.array([0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1], np.float32).reshape(2, 3, 2)
add("so_preserve", "SoftmaxOutput", {"preserve_shape": True}, x4, plab)
add("so_preserve_batch", "SoftmaxOutput", {"preserve_shape": True, "normalization": "batch"}, x4, plab)
add("so_flat4d", "SoftmaxOutput", {}, x4, plab)
add("so_3d_multi", "SoftmaxOutput", {"multi_output": True}, rng.randn(2, 3, 4),
    np.array([[0, 1, 2, 1], [2, 2, 0, 1]], np.float32))
# softmax family with backward (head h)
add("sm_axis1", "softmax", {"axis": 1}, rng.randn(2, 4, 3))
add("sm_temp", "softmax", {"temperature": 2.5}, rng.randn(3, 4))
add("sm_len", "softmax", {"use_length": True, "axis": 1}, rng.randn(2, 4, 3),
    length=np.array([[1, 4, 2], [3, 0, 4]], np.int32))
add("lsm_axis0", "log_softmax", {"axis": 0, "temperature": 0.7}, rng.randn(3, 4))
add("smin", "softmin", {"axis": -1, "temperature": 1.5}, rng.randn(2, 3, 5))
add("sm_f64_out", "softmax", {"dtype": "float64"}, rng.randn(3, 4).astype(np.float32))
add("sa_instance", "SoftmaxActivation", {}, rng.randn(2, 3, 2))
add("sa_channel", "SoftmaxActivation", {"mode": "channel"}, rng.randn(2, 3, 2))

here = os.path.dirname(os.path.abspath(__file__))
out["cases"] = np.array(json.dumps(cases))
np.savez_compressed(os.path.join(here, "softmax_mxnet.npz"), **out)
print(len(cases), "cases")
