"""Regenerates custom_op_mxnet.json with real MXNet 1.9.1 (not run by the tests):

    MXNET_SUBGRAPH_BACKEND=NONE /work/mx-ref/bin/python tests/operator/gen_custom_op_mxnet.py

The scenarios are tests/operator/custom_op_cases.py, which test_custom_op_mxnet.py runs
again under gluonx and compares.
"""
import json
import os
import sys

import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import custom_op_cases  # noqa: E402

out = custom_op_cases.run_all(mx)
out["_meta"] = {"mxnet": mx.__version__, "script": "tests/operator/gen_custom_op_mxnet.py"}
with open(os.path.join(HERE, "custom_op_mxnet.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
