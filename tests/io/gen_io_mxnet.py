"""Regenerates io_mxnet.json with real MXNet 1.9.1 (not run by the tests):

    MXNET_SUBGRAPH_BACKEND=NONE /work/mx-ref/bin/python tests/io/gen_io_mxnet.py

Each case builds an NDArrayIter from arrays made of ``np.arange`` (so the
test rebuilds the same inputs from the case's spec), runs three epochs
(reset between them) and records every batch's data, labels and pad, and
the iterator's provide_data/provide_label; then CSVIter's batches.  Shuffled cases seed NumPy first:
NDArrayIter shuffles with numpy.random, so the same seed gives the same order.
"""
import json
import os

import sys

import mxnet as mx
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from io_cases import make  # noqa: E402  (pure NumPy, shared with the test)


CASES = []
for n, bs in [(10, 3), (10, 5), (7, 10), (3, 8), (10, 1), (5, 23)]:
    for handle in ["pad", "discard", "roll_over"]:
        CASES.append({"data": [n, 2], "label": [n], "batch_size": bs, "last_batch_handle": handle})
CASES += [
    {"data": [[10, 2], [10, 3]], "label": [[10], [10, 1]], "batch_size": 4, "last_batch_handle": "pad"},
    {"data": {"b": [9, 2], "a": [9]}, "label": {"w": [9], "label": [9, 2]}, "batch_size": 4,
     "last_batch_handle": "roll_over", "label_name": "label"},
    {"data": [6, 2, 2], "label": None, "batch_size": 4, "last_batch_handle": "pad", "data_name": "x"},
    {"data": [6, 2], "label": [6], "batch_size": 4, "last_batch_handle": "pad", "label_name": "lab"},
    {"data": [11, 3], "label": [11], "batch_size": 4, "last_batch_handle": "pad", "shuffle": True, "seed": 3},
    {"data": [11, 3], "label": [11], "batch_size": 4, "last_batch_handle": "roll_over", "shuffle": True, "seed": 5},
    {"data": [11, 3], "label": [11], "batch_size": 4, "last_batch_handle": "discard", "shuffle": True, "seed": 7},
    # MXNet counts examples on axis 0 whatever the layout, and slices on the N axis
    {"data": [4, 4, 2], "label": None, "batch_size": 3, "last_batch_handle": "pad", "layout": "TNC"},
]


def run(case):
    if case.get("seed") is not None:
        np.random.seed(case["seed"])
    data, label = make(case)
    kw = {k: case[k] for k in ("data_name", "label_name", "layout") if k in case}
    it = mx.io.NDArrayIter(data, label, batch_size=case["batch_size"], shuffle=case.get("shuffle", False),
                           last_batch_handle=case["last_batch_handle"], **kw)
    desc = lambda ds: [[d.name, list(d.shape), np.dtype(d.dtype).name, d.layout] for d in ds]
    epochs = []
    try:
        for _ in range(3):
            batches = []
            for b in it:
                batches.append({"data": [d.asnumpy().tolist() for d in b.data],
                                "label": [l.asnumpy().tolist() for l in b.label], "pad": b.pad})
            epochs.append(batches)
            it.reset()
    except mx.base.MXNetError:
        # roll_over with fewer examples than a batch: MXNet's second epoch slices past the end
        epochs.append("error")
    return {"case": case, "provide_data": desc(it.provide_data), "provide_label": desc(it.provide_label),
            "epochs": epochs}


out = {"ndarray_iter": [run(c) for c in CASES]}
r = mx.io.ResizeIter(mx.io.NDArrayIter(np.arange(10), batch_size=3), 5)
out["resize"] = [[b.data[0].asnumpy().tolist(), b.pad] for b in r]
out["databatch_str"] = str(mx.io.DataBatch(data=[mx.nd.ones((2, 3)), mx.nd.ones((7, 8))], label=[mx.nd.ones((4, 5))]))
# CSVIter: 10 rows of 2 values, labels 0..9, batches of 4, three epochs (round_batch both ways)
import tempfile  # noqa: E402
tmp = tempfile.mkdtemp()
np.savetxt(os.path.join(tmp, "d.csv"), np.arange(20).reshape(10, 2), delimiter=",", fmt="%d")
np.savetxt(os.path.join(tmp, "l.csv"), np.arange(10), delimiter=",", fmt="%d")
out["csv"] = {}
for rb in (True, False):
    it = mx.io.CSVIter(data_csv=os.path.join(tmp, "d.csv"), data_shape=(2,), label_csv=os.path.join(tmp, "l.csv"),
                       batch_size=4, round_batch=rb)
    epochs = []
    for _ in range(3):
        epochs.append([[b.data[0].asnumpy().tolist(), b.label[0].asnumpy().tolist(), b.pad] for b in it])
        it.reset()
    out["csv"][str(rb)] = epochs
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "io_mxnet.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
