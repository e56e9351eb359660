"""Module against MXNet 1.9.1: the same fit (SGD with momentum and weight
decay, BatchNorm's running statistics, a padded last batch) gives the same
parameters; a checkpoint MXNet saved loads and predicts the same; files
gluonx saves load back (module_mxnet.json and data/, made by gen_module_mxnet.py)."""
import json
import os
import sys

import numpy as np
import pytest

import gluonx as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from module_cases import net as _net, start_params, dataset  # noqa: E402


def net():
    return _net(mx)

with open(os.path.join(HERE, "module_mxnet.json")) as f:
    REF = json.load(f)
PREFIX = os.path.join(HERE, "data", "mxnet_net")


def _fit(context=None, kvstore="local"):
    x, y = dataset()
    arg, aux = start_params()
    it = mx.io.NDArrayIter(x, y, batch_size=5)
    kw = {} if context is None else {"context": context}
    mod = mx.mod.Module(net(), **kw)
    mod.fit(it, num_epoch=3, optimizer="sgd", kvstore=kvstore,
            optimizer_params={"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01},
            arg_params={k: mx.nd.array(v) for k, v in arg.items()},
            aux_params={k: mx.nd.array(v) for k, v in aux.items()}, eval_metric="acc")
    return mod, it


def test_fit_matches_mxnet():
    mod, it = _fit()
    arg, aux = mod.get_params()
    for k, v in REF["fit"].items():
        np.testing.assert_allclose(arg[k].asnumpy(), np.array(v), rtol=1e-4, atol=1e-5, err_msg=k)
    for k, v in REF["fit_aux"].items():
        np.testing.assert_allclose(aux[k].asnumpy(), np.array(v), rtol=1e-4, atol=1e-5, err_msg=k)
    pred = mod.predict(mx.io.NDArrayIter(np.array(REF["probe"]), batch_size=5))
    np.testing.assert_allclose(pred.asnumpy(), np.array(REF["probe_out"]), rtol=1e-4, atol=1e-6)
    assert mod.score(it, "acc")[0][1] == pytest.approx(REF["score_acc"])
    # MXNet's predict(NDArray) runs in training mode on a module bound for training
    pred = mod.predict(mx.nd.array(REF["probe"]))
    np.testing.assert_allclose(pred.asnumpy(), np.array(REF["probe_out_ndarray"]), rtol=1e-4, atol=1e-6)
    for k, v in REF["aux_after_ndarray_predict"].items():
        np.testing.assert_allclose(mod.get_params()[1][k].asnumpy(), np.array(v), rtol=1e-4, atol=1e-5)


def test_fit_on_two_contexts_sums_gradients():
    """Two CPU contexts, half a batch each: with the local store the gradients
    are summed, so training matches one context (MXNet's data parallelism).
    BatchNorm's batch statistics are per context, so a net without it is used."""
    data = mx.sym.var("data")
    sym = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Activation(
        mx.sym.FullyConnected(data, num_hidden=6, name="fc1"), act_type="tanh"), num_hidden=3, name="fc2"),
        name="softmax")
    x, y = dataset()
    rs = np.random.RandomState(3)
    arg = {"fc1_weight": rs.uniform(-.5, .5, (6, 4)), "fc1_bias": np.zeros(6),
           "fc2_weight": rs.uniform(-.5, .5, (3, 6)), "fc2_bias": np.zeros(3)}
    results = []
    for ctx in ([mx.cpu(0)], [mx.cpu(0), mx.cpu(1)]):
        mod = mx.mod.Module(sym, context=ctx)
        mod.fit(mx.io.NDArrayIter(x, y, batch_size=6), num_epoch=2, optimizer="sgd",
                optimizer_params={"learning_rate": 0.5, "momentum": 0.9},
                arg_params={k: mx.nd.array(v) for k, v in arg.items()})
        results.append(mod.get_params()[0])
        assert mod.get_outputs()[0].shape == (6, 3)
        assert len(mod.get_outputs(merge_multi_context=False)[0]) == len(ctx)
    for k in arg:
        np.testing.assert_allclose(results[0][k].asnumpy(), results[1][k].asnumpy(), rtol=1e-5, atol=1e-6)


def test_load_checkpoint_saved_by_mxnet():
    sym, arg, aux = mx.model.load_checkpoint(PREFIX, 3)
    assert sorted(arg) == sorted(REF["fit"]) and sorted(aux) == sorted(REF["fit_aux"])
    mod = mx.mod.Module.load(PREFIX, 3)
    mod.bind(data_shapes=[("data", (5, 4))], for_training=False)
    out = mod.predict(mx.nd.array(REF["probe"]))
    np.testing.assert_allclose(out.asnumpy(), np.array(REF["probe_out"]), rtol=1e-4, atol=1e-6)


def test_checkpoint_round_trip(tmp_path):
    mod, it = _fit()
    prefix = str(tmp_path / "net")
    mod.save_checkpoint(prefix, 7, save_optimizer_states=True)
    assert sorted(os.listdir(tmp_path)) == ["net-0007.params", "net-0007.states", "net-symbol.json"]
    # the .params file holds MXNet's arg:/aux: keys
    keys = sorted(mx.nd.load(prefix + "-0007.params"))
    assert keys == sorted(["arg:" + k for k in REF["fit"]] + ["aux:" + k for k in REF["fit_aux"]])
    sym, arg, aux = mx.model.load_checkpoint(prefix, 7)
    assert sym.tojson() == mod.symbol.tojson()
    mine = mod.get_params()
    for k in arg:
        np.testing.assert_array_equal(arg[k].asnumpy(), mine[0][k].asnumpy())
    for k in aux:
        np.testing.assert_array_equal(aux[k].asnumpy(), mine[1][k].asnumpy())

    # training resumed from the checkpoint (with its optimizer states) equals training on
    mod2 = mx.mod.Module.load(prefix, 7, load_optimizer_states=True)
    opt = {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}
    mod2.fit(it, num_epoch=1, optimizer="sgd", optimizer_params=opt)
    mod.init_optimizer(optimizer="sgd", optimizer_params=opt, force_init=True)
    mod.load_optimizer_states(prefix + "-0007.states")
    mod.fit(it, num_epoch=1, optimizer="sgd", optimizer_params=opt)
    a, b = mod.get_params()[0], mod2.get_params()[0]
    for k in a:
        np.testing.assert_allclose(a[k].asnumpy(), b[k].asnumpy(), rtol=1e-6, err_msg=k)


def test_save_load_params(tmp_path):
    mod, _ = _fit()
    fname = str(tmp_path / "p.params")
    mod.save_params(fname)
    other = mx.mod.Module(net())
    other.bind(data_shapes=[("data", (5, 4))], label_shapes=[("softmax_label", (5,))])
    other.init_params()
    other.load_params(fname)
    for k, v in mod.get_params()[0].items():
        np.testing.assert_array_equal(other.get_params()[0][k].asnumpy(), v.asnumpy())
    mx.nd.save(fname, {"weird:x": mx.nd.ones(1)})
    with pytest.raises(ValueError, match="weird:x"):
        other.load_params(fname)
