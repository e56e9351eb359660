"""Regenerates tests/data/optimizer/*.npz and dumps.json with MXNet 1.9.1:

    MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/optimizer/gen_reference.py
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import mxnet as mx  # noqa: E402
import scenarios as S  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "data", "optimizer")


def main():
    os.makedirs(OUT, exist_ok=True)
    data = {}
    for key in S.OPTIMIZERS:
        for k, v in S.run_optimizer(mx, key).items():
            data["opt/%s/%s" % (key, k)] = v
        for k, v in S.run_optimizer(mx, key, names=True).items():
            data["optnames/%s/%s" % (key, k)] = v
        if key in ("sgd", "sgd_mom", "nag", "adam", "lamb", "lars"):
            for k, v in S.run_optimizer(mx, key, dtype="float16", multi_precision=True).items():
                data["optmp/%s/%s" % (key, k)] = v
        if key in ("sgd_mom", "adam"):
            for k, v in S.run_optimizer(mx, key, dtype="float64").items():
                data["opt64/%s/%s" % (key, k)] = v
    for key in S.OPS:
        for dt in ("float32", "float64", "float16"):
            for k, v in S.run_op(mx, key, dtype=dt).items():
                data["op/%s/%s/%s" % (key, dt, k)] = v
    for k, v in S.run_mp_ops(mx).items():
        data["mpop/" + k] = v
    for k, v in S.run_lamb_ops(mx).items():
        data["lamb/" + k] = v
    for k, v in S.run_schedulers(mx).items():
        data["sched/" + k] = v
    for k, v in S.run_initializers(mx).items():
        data["init/" + k] = v
    np.savez_compressed(os.path.join(OUT, "reference.npz"), **data)
    dumps = {k: f(mx.init).dumps() for k, f in S.DUMPS}
    with open(os.path.join(OUT, "dumps.json"), "w") as f:
        json.dump(dumps, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
