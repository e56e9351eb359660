"""Module's API: a fit that converges, a hand-checked SGD step, predict's
options, input gradients, reshape, fixed parameters, set_params, errors."""
import logging

import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError


def _regression(n=60, seed=0):
    rs = np.random.RandomState(seed)
    x = rs.rand(n, 3).astype(np.float32)
    y = x @ np.array([1.0, -2.0, 3.0], np.float32) + 0.5
    data, label = mx.sym.var("data"), mx.sym.var("label")
    fc = mx.sym.FullyConnected(data, num_hidden=1, name="fc")
    loss = mx.sym.mean(mx.sym.square(mx.sym.reshape(fc, shape=(-1,)) - label))
    return x, y, loss


def test_fit_converges_regression():
    np.random.seed(0)  # the shuffle
    mx.random.seed(0)  # Xavier
    x, y, loss = _regression()
    it = mx.io.NDArrayIter(x, y, batch_size=10, shuffle=True, label_name="label")
    mod = mx.mod.Module(loss, data_names=("data",), label_names=("label",))
    mod.fit(it, num_epoch=60, optimizer="adam", optimizer_params={"learning_rate": 0.05},
            eval_metric=mx.metric.Loss(), initializer=mx.init.Xavier())
    assert mod.score(it, mx.metric.Loss())[0][1] < 1e-3
    w = mod.get_params()[0]
    np.testing.assert_allclose(w["fc_weight"].asnumpy().ravel(), [1, -2, 3], atol=0.15)
    np.testing.assert_allclose(w["fc_bias"].asnumpy(), [0.5], atol=0.15)


def test_fit_converges_classification_with_eval_data():
    np.random.seed(1)
    mx.random.seed(1)
    rs = np.random.RandomState(1)
    x = rs.randn(300, 4).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32) + (x[:, 1] > 0)
    h = mx.sym.Activation(mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=16, name="fc1"), act_type="relu")
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(h, num_hidden=3, name="fc2"), name="softmax")
    train = mx.io.NDArrayIter(x[:240], y[:240], batch_size=30, shuffle=True)
    val = mx.io.NDArrayIter(x[240:], y[240:], batch_size=30)
    seen = {"epochs": [], "val": [], "val_batches": 0}
    mod = mx.mod.Module(net)
    mod.fit(train, eval_data=val, num_epoch=25, optimizer="sgd", optimizer_params={"learning_rate": 0.5},
            epoch_end_callback=lambda e, s, a, x_: seen["epochs"].append(e),
            eval_end_callback=lambda p: seen["val"].append(p.eval_metric.get()[1]),
            eval_batch_end_callback=lambda p: seen.__setitem__("val_batches", seen["val_batches"] + 1))
    assert seen["epochs"] == list(range(25))
    assert len(seen["val"]) == 25 and seen["val_batches"] == 25 * 2
    assert seen["val"][-1] > 0.9
    assert mod.score(val, "acc")[0][1] == pytest.approx(seen["val"][-1])


def test_one_sgd_step_by_hand():
    """rescale_grad = 1/batch_size: the step uses the mean gradient."""
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], np.float32)
    w0, b0 = np.array([[0.5, -0.25]], np.float32), np.array([0.1], np.float32)
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=1, name="fc")
    mod = mx.mod.Module(net, label_names=None)
    mod.bind(data_shapes=[("data", (4, 2))])
    mod.init_params(arg_params={"fc_weight": mx.nd.array(w0), "fc_bias": mx.nd.array(b0)})
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.1})
    assert mod._optimizer.rescale_grad == pytest.approx(0.25)
    mod.forward(mx.io.DataBatch([mx.nd.array(x)]), is_train=True)
    out = mod.get_outputs()[0].asnumpy()
    np.testing.assert_allclose(out, x @ w0.T + b0, rtol=1e-6)
    head = np.array([[1.0], [2.0], [-1.0], [0.5]], np.float32)
    mod.backward([mx.nd.array(head)])
    mod.update()
    w, b = mod.get_params()[0]["fc_weight"].asnumpy(), mod.get_params()[0]["fc_bias"].asnumpy()
    np.testing.assert_allclose(w, w0 - 0.1 * (head.T @ x) / 4, rtol=1e-6)
    np.testing.assert_allclose(b, b0 - 0.1 * head.sum() / 4, rtol=1e-6)


def test_predict_options_and_padding():
    net = mx.sym.var("data") * 2
    mod = mx.mod.Module(net, label_names=None)
    it = mx.io.NDArrayIter(np.arange(7, dtype=np.float32).reshape(7, 1), batch_size=3)
    mod.bind(data_shapes=it.provide_data, for_training=False)
    mod.init_params()
    out = mod.predict(it)
    np.testing.assert_array_equal(out.asnumpy().ravel(), np.arange(7) * 2)  # the pad is cut off
    assert isinstance(mod.predict(it, always_output_list=True), list)
    per_batch = mod.predict(it, merge_batches=False)
    assert [o[0].shape for o in per_batch] == [(3, 1), (3, 1), (1, 1)]
    assert mod.predict(it, num_batch=1).shape == (3, 1)
    got = [(outs[0].shape, n, b.pad) for outs, n, b in mod.iter_predict(it)]
    assert got == [((3, 1), 0, 0), ((3, 1), 1, 0), ((1, 1), 2, 2)]
    np.testing.assert_array_equal(mod.predict(np.ones((3, 1))).asnumpy(), 2 * np.ones((3, 1)))
    assert mod.output_shapes == [(net.list_outputs()[0], (3, 1))]
    with pytest.raises(ValueError, match="eval_data must be"):
        mod.predict([1, 2, 3])


def test_input_grads_and_layouts():
    a, b = mx.sym.var("a", __layout__="NC"), mx.sym.var("b", __layout__="NC")
    net = a + 2 * b
    mod = mx.mod.Module(net, data_names=["b", "a"], label_names=None, context=[mx.cpu(0), mx.cpu(1)])
    mod.bind(data_shapes=[("b", (4, 3)), ("a", (4, 3))], inputs_need_grad=True)
    mod.init_params()
    mod.forward(mx.io.DataBatch([mx.nd.ones((4, 3)), mx.nd.ones((4, 3))]))
    mod.backward([mx.nd.ones((4, 3))])
    gb, ga = mod.get_input_grads()
    assert (gb.asnumpy() == 2).all() and (ga.asnumpy() == 1).all()
    assert [g.shape for g in mod.get_input_grads(merge_multi_context=False)[0]] == [(2, 3), (2, 3)]


def test_time_major_layout_splits_on_axis_1():
    net = mx.sym.Activation(mx.sym.var("data"), act_type="relu", __layout__="TNC")
    mod = mx.mod.Module(net, ("data",), None, context=[mx.cpu(0), mx.cpu(1)])
    mod.bind(data_shapes=[mx.io.DataDesc("data", (3, 8, 7), layout="TNC")])
    mod.init_params()
    mod.forward(mx.io.DataBatch([mx.nd.ones((3, 8, 7))]))
    mod.backward([mx.nd.ones((3, 8, 7))])
    assert mod.get_outputs()[0].shape == (3, 8, 7)
    assert [o.shape for o in mod.get_outputs(merge_multi_context=False)[0]] == [(3, 4, 7)] * 2


def test_reshape_keeps_parameters_and_forward_rebinds():
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=4, name="fc")
    mod = mx.mod.Module(net, label_names=None)
    mod.bind(data_shapes=[("data", (7, 5))])
    mod.init_params(initializer=mx.init.One())
    mod.init_optimizer(optimizer_params={"learning_rate": 1.0})
    for n in (7, 14, 3, 7):
        mod.forward(mx.io.DataBatch([mx.nd.ones((n, 5))]))
        mod.backward([mx.nd.ones((n, 4))])
        mod.update()
        assert mod.get_outputs()[0].shape == (n, 4)
    # the bias starts at 0; rescale_grad stays 1/7 (the bound batch), so a step of n rows moves it by -n/7
    np.testing.assert_allclose(mod.get_params()[0]["fc_bias"].asnumpy(), -np.ones(4) * (7 + 14 + 3 + 7) / 7,
                               rtol=1e-6)
    mod.reshape(data_shapes=[("data", (2, 5))])
    assert mod.data_shapes[0].shape == (2, 5)


def test_fixed_params_and_grad_req():
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc")
    mod = mx.mod.Module(net, label_names=None, fixed_param_names=["fc_weight"])
    mod.bind(data_shapes=[("data", (2, 3))])
    mod.init_params(initializer=mx.init.One())
    mod.init_optimizer(optimizer_params={"learning_rate": 1.0})
    mod.forward_backward(mx.io.DataBatch([mx.nd.ones((2, 3))]))
    mod.backward([mx.nd.ones((2, 2))])
    mod.update()
    arg = mod.get_params()[0]
    assert (arg["fc_weight"].asnumpy() == 1).all() and (arg["fc_bias"].asnumpy() == -1).all()
    mod2 = mx.mod.Module(net, label_names=None)
    mod2.bind(data_shapes=[("data", (2, 3))], grad_req="add")
    assert mod2._exec_group.grad_req == {"data": "null", "fc_weight": "add", "fc_bias": "add"}
    mod3 = mx.mod.Module(net, label_names=None)
    mod3.bind(data_shapes=[("data", (2, 3))], for_training=False)
    assert set(mod3._exec_group.grad_req.values()) == {"null"}


def test_set_params_missing_and_extra():
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc")
    mod = mx.mod.Module(net, label_names=None)
    mod.bind(data_shapes=[("data", (1, 2))])
    full = {"fc_weight": mx.nd.ones((2, 2)), "fc_bias": mx.nd.zeros(2)}
    mod.set_params(full, {})
    mod.set_params({"fc_weight": mx.nd.ones((2, 2)) * 3}, {}, allow_missing=True)
    assert (mod.get_params()[0]["fc_weight"].asnumpy() == 3).all()
    with pytest.raises(RuntimeError, match="fc_bias is not presented"):
        mod.set_params({"fc_weight": mx.nd.ones((2, 2))}, {})
    extra = dict(full, other=mx.nd.ones(1))
    mod.set_params(extra, {}, allow_missing=True, allow_extra=True)
    with pytest.raises(ValueError, match="other"):
        mod.set_params(extra, {}, allow_missing=True, allow_extra=False)
    with pytest.raises(ValueError, match=r"fc_weight has shape \(3, 2\), the module needs \(2, 2\)"):
        mod.set_params({"fc_weight": mx.nd.ones((3, 2)), "fc_bias": mx.nd.zeros(2)}, {})


def test_initializer_and_variable_init():
    data = mx.sym.var("data")
    gamma = mx.sym.var("gamma", init=mx.init.One())
    mod = mx.mod.Module(mx.sym.LeakyReLU(data=data, gamma=gamma, act_type="prelu"), label_names=None)
    mod.bind(data_shapes=[("data", (4, 4))])
    mod.init_params(initializer=mx.init.Zero())
    assert (mod.get_params()[0]["gamma"].asnumpy() == 1).all()
    with pytest.warns(UserWarning, match="already initialized"):
        mod.init_params()


def test_errors_name_what_is_wrong():
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=3, name="fc")
    with pytest.raises(ValueError, match="data_names=\\['x'\\].*'x' is not found"):
        mx.mod.Module(net, data_names=["x"])
    mod = mx.mod.Module(net, label_names=None)
    batch = mx.io.DataBatch([mx.nd.ones((2, 4))])
    with pytest.raises(AssertionError, match="bind"):
        mod.forward(batch)
    with pytest.raises(MXNetError, match="bind"):
        mod.init_params()
    with pytest.raises(TypeError, match="shape of data 'data' must be a tuple of ints"):
        mod.bind(data_shapes=[("data", mx.nd.array([10, 10]))])
    assert not mod.binded
    with pytest.raises(ValueError, match="don't match names"):
        mod.bind(data_shapes=[("x", (2, 4))])
    mod.bind(data_shapes=[("data", (2, 4))])
    with pytest.raises(AssertionError, match="init_params"):
        mod.forward(batch)
    mod.init_params()
    with pytest.raises(MXNetError, match="init_optimizer"):
        mod.update()
    # data whose feature size disagrees with the bound parameters: names the input, shapes, parameter
    with pytest.raises(ValueError, match=r"data \(2, 5\).*fc_weight would need shape \(3, 5\).*\(3, 4\)"):
        mod.forward(mx.io.DataBatch([mx.nd.ones((2, 5))]))
    with pytest.raises(ValueError, match="2 data arrays for the data inputs \\['data'\\]"):
        mod.forward(mx.io.DataBatch([mx.nd.ones((2, 4)), mx.nd.ones((2, 4))]))
    with pytest.raises(ValueError, match="train_data is None"):
        mod.fit(None, num_epoch=1)
    it = mx.io.NDArrayIter(np.ones((2, 4)), batch_size=2)
    with pytest.raises(ValueError, match="num_epoch"):
        mod.fit(it)
    with pytest.raises(NotImplementedError, match="distributed"):
        mx.mod.Module(net, label_names=None, context=[mx.cpu(0), mx.cpu(1)]).fit(it, num_epoch=1,
                                                                                 kvstore="dist_sync")
    inf = mx.mod.Module(net, label_names=None)
    inf.bind(data_shapes=[("data", (2, 4))], for_training=False)
    inf.init_params()
    inf.forward(batch)
    with pytest.raises(MXNetError, match="for_training=True"):
        inf.backward()


def test_label_shape_mismatch_names_label():
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=3, name="fc"), name="softmax")
    mod = mx.mod.Module(net)
    mod.bind(data_shapes=[("data", (2, 4))], label_shapes=[("softmax_label", (2,))])
    mod.init_params()
    with pytest.raises(ValueError, match="label 'softmax_label' has shape \\(2, 3\\)"):
        mod.forward(mx.io.DataBatch([mx.nd.ones((2, 4))], [mx.nd.ones((2, 3))]))


def test_callbacks(tmp_path, caplog):
    x, y, loss = _regression(n=20)
    it = mx.io.NDArrayIter(x, y, batch_size=5, label_name="label")
    mod = mx.mod.Module(loss, data_names=("data",), label_names=("label",))
    prefix = str(tmp_path / "ck")
    bars = []
    with caplog.at_level(logging.INFO):
        mod.fit(it, num_epoch=2, eval_metric=mx.metric.Loss(), optimizer="sgd",
                batch_end_callback=[mx.callback.Speedometer(5, 2), mx.callback.log_train_metric(2),
                                    mx.callback.ProgressBar(4, length=4),
                                    lambda p: bars.append((p.epoch, p.nbatch))],
                epoch_end_callback=[mx.callback.do_checkpoint(prefix, 2),
                                    mx.callback.module_checkpoint(mod, prefix + "m", 1, True)],
                eval_data=it, eval_end_callback=mx.callback.LogValidationMetricsCallback())
    msgs = [r.getMessage() for r in caplog.records]
    assert bars == [(e, b) for e in range(2) for b in range(4)]
    assert any(m.startswith("Epoch[0] Batch [0-2]\tSpeed: ") and "samples/sec\tloss=" in m for m in msgs)
    assert any(m.startswith("Iter[1] Batch[2] Train-loss=") for m in msgs)
    assert "[==--] 50%\r" in msgs
    assert any(m.startswith("Epoch[1] Validation-loss=") for m in msgs)
    assert any(m.startswith("Epoch[1] Train-loss=") for m in msgs)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["ck-symbol.json", "ck-0002.params", "ckm-symbol.json", "ckm-0001.params", "ckm-0001.states",
         "ckm-0002.params", "ckm-0002.states"])
    _, arg, _ = mx.model.load_checkpoint(prefix, 2)
    np.testing.assert_array_equal(arg["fc_weight"].asnumpy(), mod.get_params()[0]["fc_weight"].asnumpy())


def test_model_errors_and_feedforward(tmp_path):
    mx.nd.save(str(tmp_path / "x-0001.params"), [mx.nd.ones(1)])
    with pytest.raises(ValueError, match="without names"):
        mx.model.load_params(str(tmp_path / "x"), 1)
    with pytest.raises(FileNotFoundError):
        mx.model.load_checkpoint(str(tmp_path / "missing"), 1)
    with pytest.raises(NotImplementedError, match="Module"):
        mx.model.FeedForward(None)
    p = mx.model.BatchEndParam(epoch=1, nbatch=2, eval_metric=None, locals={})
    assert (p.epoch, p.nbatch) == (1, 2)
