"""Generates ctc_mxnet.npz from the real MXNet 1.9.1 (run with the side venv):

    MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/ctc/make_ctc_data.py

Each case k stores: k/data (T, N, A) float32, k/label, optional k/data_lengths and
k/label_lengths, k/loss (mx.nd.CTCLoss) and k/grad (d sum(loss * w) / d data with
fixed head weights k/head via mx.autograd), plus k/flags =
[use_data_lengths, use_label_lengths, blank_last].  Gluon cases (prefix g_) store
the mx.gluon.loss.CTCLoss value and gradient for layout NTC / label_layout NT
(or TN: flags[3]), weight flags[4] (0 = None) and optional k/sample_weight.
MXNet's CTCLoss only runs in float32.
"""
import os

import mxnet as mx
import numpy as np

rng = np.random.RandomState(42)
out = {}


def op_case(name, T, N, A, label, dl=None, ll=None, blank="first"):
    x = rng.randn(T, N, A).astype(np.float32) * 2
    lab = np.array(label, dtype=np.float32)
    head = rng.uniform(0.5, 1.5, N).astype(np.float32)
    d = mx.nd.array(x)
    d.attach_grad()
    args = [d, mx.nd.array(lab)]
    kw = dict(blank_label=blank)
    if dl is not None:
        args.append(mx.nd.array(dl))
        kw["use_data_lengths"] = True
    if ll is not None:
        args.append(mx.nd.array(ll))
        kw["use_label_lengths"] = True
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(*args, **kw)
    loss.backward(mx.nd.array(head))
    out[name + "/data"] = x
    out[name + "/label"] = lab
    out[name + "/head"] = head
    if dl is not None:
        out[name + "/data_lengths"] = np.array(dl, np.float32)
    if ll is not None:
        out[name + "/label_lengths"] = np.array(ll, np.float32)
    out[name + "/flags"] = np.array([dl is not None, ll is not None, blank == "last"], np.int32)
    out[name + "/loss"] = loss.asnumpy()
    out[name + "/grad"] = d.grad.asnumpy()


op_case("basic", 5, 2, 4, [[1, 2], [1, 1]])
op_case("repeat", 6, 3, 3, [[1, 1, 2], [2, 2, 0], [1, 0, 0]])
op_case("pad0", 7, 3, 5, [[1, 0, 3, 4], [4, 3, 2, 1], [0, 0, 0, 0]])
op_case("last", 6, 3, 5, [[0, 1, -1], [3, 3, 3], [2, -1, 0]], blank="last")
op_case("datalen", 8, 3, 4, [[1, 2, 3], [3, 3, 0], [2, 0, 0]], dl=[8, 5, 1])
op_case("lablen", 6, 2, 4, [[1, 2, 3], [3, 2, 1]], ll=[2, 3])
op_case("both_last", 9, 4, 6, [[0, 1, 2, 4], [4, 4, 0, 0], [1, 2, 3, 0], [0, 0, 0, 0]],
        dl=[9, 4, 6, 3], ll=[4, 2, 3, 0], blank="last")
op_case("impossible", 5, 3, 3, [[1, 1, 1, 1], [1, 2, 1, 2], [1, 1, 2, 2]])
op_case("impossible_dl", 6, 2, 4, [[1, 1, 2], [1, 2, 3]], dl=[4, 2])
op_case("big", 30, 4, 12, rng.randint(1, 12, (4, 10)).tolist(), dl=[30, 25, 20, 12], ll=[10, 7, 5, 1])


def gluon_case(name, N, T, A, label, pl=None, ll=None, tn=False, weight=None, sw=None):
    x = rng.randn(N, T, A).astype(np.float32)
    lab = np.array(label, dtype=np.float32)
    d = mx.nd.array(x)
    d.attach_grad()
    loss_fn = mx.gluon.loss.CTCLoss(label_layout="TN" if tn else "NT", weight=weight)
    args = [mx.nd.array(lab.T if tn else lab)]
    for v in (pl, ll, sw):  # MXNet's Block.__call__ takes them positionally
        args.append(None if v is None else mx.nd.array(v))
    with mx.autograd.record():
        loss = loss_fn(d, *args)
    loss.backward()
    out[name + "/data"] = x
    out[name + "/label"] = lab
    for k, v in (("pred_lengths", pl), ("label_lengths", ll), ("sample_weight", sw)):
        if v is not None:
            out[name + "/" + k] = np.array(v, np.float32)
    out[name + "/flags"] = np.array([0, 0, 1, tn, weight or 0], np.float32)
    out[name + "/loss"] = loss.asnumpy()
    out[name + "/grad"] = d.grad.asnumpy()


gluon_case("g_plain", 2, 6, 5, [[0, 1, -1], [3, 3, 2]])
gluon_case("g_lengths", 3, 7, 4, [[0, 1, 2], [2, 2, 0], [1, 0, 0]], pl=[7, 5, 3], ll=[3, 2, 1])
gluon_case("g_tn_weight", 2, 5, 4, [[2, 1], [0, -1]], tn=True, weight=0.5, sw=[2.0, 0.25])

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ctc_mxnet.npz")
np.savez_compressed(path, **out)
print("wrote", path, len(out), "arrays")
