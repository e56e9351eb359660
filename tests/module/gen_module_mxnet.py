"""Regenerates the MXNet 1.9.1 reference data of tests/module (not run by the tests):

    MXNET_SUBGRAPH_BACKEND=NONE /work/mx-ref/bin/python tests/module/gen_module_mxnet.py

Writes data/mxnet_net-symbol.json and data/mxnet_net-0003.params (a checkpoint
saved by MXNet's Module.save_checkpoint: FullyConnected, BatchNorm with
auxiliary states, SoftmaxOutput) and module_mxnet.json: the checkpoint's
outputs on a fixed input, and the parameters after Module.fit with SGD
(momentum, weight decay) from fixed starting values, on a fixed iterator.
"""
import json
import os
import sys

import mxnet as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from module_cases import net, start_params, dataset  # noqa: E402


if __name__ == "__main__":
    x, y = dataset()
    arg, aux = start_params()
    it = mx.io.NDArrayIter(x, y, batch_size=5)  # pad: the last batch repeats the first examples
    mod = mx.mod.Module(net(mx))
    mod.fit(it, num_epoch=3, optimizer="sgd",
            optimizer_params={"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01},
            arg_params={k: mx.nd.array(v) for k, v in arg.items()},
            aux_params={k: mx.nd.array(v) for k, v in aux.items()}, eval_metric="acc")
    trained_arg, trained_aux = mod.get_params()
    mod.save_checkpoint(os.path.join(HERE, "data", "mxnet_net"), 3)
    probe = np.linspace(-1, 1, 20, dtype=np.float32).reshape(5, 4)  # the bound batch size
    pred = mod.predict(mx.io.NDArrayIter(probe, batch_size=5)).asnumpy()  # inference
    score = mod.score(it, "acc")[0][1]
    # predict(NDArray) runs forward with is_train=None, i.e. in training mode on a module bound
    # for training (batch statistics, and BatchNorm's running statistics move): an MXNet quirk
    pred_train = mod.predict(mx.nd.array(probe)).asnumpy()
    out = {"fit": {k: v.asnumpy().tolist() for k, v in sorted(trained_arg.items())},
           "fit_aux": {k: v.asnumpy().tolist() for k, v in sorted(trained_aux.items())},
           "score_acc": score, "probe": probe.tolist(), "probe_out": pred.tolist(),
           "probe_out_ndarray": pred_train.tolist(),
           "aux_after_ndarray_predict": {k: v.asnumpy().tolist() for k, v in sorted(mod.get_params()[1].items())}}
    with open(os.path.join(HERE, "module_mxnet.json"), "w") as f:
        json.dump(out, f, indent=0)
