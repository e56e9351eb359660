"""hybridize(): the compiled graph against eager execution, autograd
through it (higher order, retain_graph, two forwards before one backward),
tracing errors, the operator-by-operator fallback, and graph tracing
(mx.sym.trace, autograd.get_symbol)."""
import warnings

import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd, gluon
from gluonx.gluon import nn


def _net():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(4, 3, padding=1), nn.BatchNorm(), nn.Activation("relu"), nn.MaxPool2D(),
                nn.Dense(8, activation="tanh"), nn.Dropout(0.0), nn.Dense(3))
    return net


def _twins():
    """Two copies of one network with equal parameters."""
    a, b = _net(), _net()
    for n in (a, b):
        n.initialize(mx.init.Xavier())
    x = mx.nd.random.uniform(shape=(2, 3, 6, 6))
    a(x)
    b(x)
    for (_, pa), (_, pb) in zip(sorted(a.collect_params().items()), sorted(b.collect_params().items())):
        pb.set_data(pa.data())
    return a, b, x


@pytest.mark.parametrize("static_alloc", [False, True])
def test_training_step_matches_eager(static_alloc):
    eager, hyb, x = _twins()
    hyb.hybridize(static_alloc=static_alloc, static_shape=static_alloc)
    label = mx.nd.array([0, 2])
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    for net in (eager, hyb):
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
        for _ in range(3):
            with autograd.record():
                loss = loss_fn(net(x), label)
            loss.backward()
            trainer.step(2)
    for (_, pa), (_, pb) in zip(sorted(eager.collect_params().items()), sorted(hyb.collect_params().items())):
        np.testing.assert_allclose(pa.data().asnumpy(), pb.data().asnumpy(), rtol=1e-4, atol=1e-5)
    with autograd.predict_mode():
        np.testing.assert_allclose(eager(x).asnumpy(), hyb(x).asnumpy(), rtol=1e-4, atol=1e-5)


def test_two_forwards_then_backward_and_retain_graph():
    eager, hyb, x = _twins()
    hyb.hybridize(static_alloc=True)
    x2 = x * 2
    grads = []
    for net in (eager, hyb):
        xs = [x.copy(), x2.copy()]
        for a in xs:
            a.attach_grad()
        with autograd.record():
            y = net(xs[0]).sum() + (net(xs[1]) * 3).sum()
        y.backward(retain_graph=True)
        first = [a.grad.asnumpy().copy() for a in xs]
        y.backward()
        grads.append(first + [a.grad.asnumpy() for a in xs])
    for g, h in zip(*grads):
        np.testing.assert_allclose(g, h, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(grads[1][0], grads[1][2], rtol=1e-6)   # the second backward saw the same values


def test_higher_order_gradient_through_a_graph():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(3, activation="tanh", in_units=2), nn.Dense(1, in_units=3))
    net.initialize(mx.init.Xavier())
    x = mx.nd.array([[0.3, -0.7], [1.1, 0.4]])
    results = []
    for hybrid in (False, True):
        net.hybridize(active=hybrid)
        xx = x.copy()
        xx.attach_grad()
        with autograd.record():
            y = net(xx).sum()
            (g,) = autograd.grad(y, [xx], create_graph=True)
            z = (g * g).sum()
        z.backward()
        results.append((g.asnumpy(), xx.grad.asnumpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5)


def test_deferred_init_nested_and_plain_block_around():
    inner = nn.HybridSequential()
    with inner.name_scope():
        inner.add(nn.Dense(5), nn.BatchNorm(), nn.Dense(2))
    outer = nn.Sequential()                  # a plain Block: runs eagerly around the graph
    with outer.name_scope():
        outer.add(inner, nn.Lambda(lambda v: v * 2))
    outer.initialize()
    outer.hybridize()
    y = outer(mx.nd.ones((3, 7)))
    assert y.shape == (3, 2)
    assert inner[0].weight.shape == (5, 7)
    assert inner._cached_op is not None and inner[0]._cached_op is None   # one graph for the whole stack


class Branchy(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        if x.sum() > 0:                     # Python control flow on a value
            return x
        return -x


class Peeks(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return x * float(x.asnumpy()[0])


@pytest.mark.parametrize("block,what", [(Branchy, "if"), (Peeks, "asnumpy")])
def test_tracing_errors_name_block_and_line(block, what):
    net = block()
    net.hybridize()
    with pytest.raises(mx.base.MXNetError) as ei:
        net(mx.nd.ones((2,)))
    msg = str(ei.value)
    assert net.name in msg and "test_hybridize.py" in msg and "hybrid_forward" in msg


class Sorts(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return F.sort(x, axis=-1) * 2


def test_graph_that_reads_values_falls_back_to_operators():
    net = Sorts()
    net.hybridize()
    x = mx.nd.array([[3.0, 1.0, 2.0]])
    x.attach_grad()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with autograd.record():
            y = net(x)
        y.backward()
    assert any("operator by operator" in str(m.message) for m in w)
    assert y.asnumpy().tolist() == [[2.0, 4.0, 6.0]]
    assert x.grad.asnumpy().tolist() == [[2.0, 2.0, 2.0]]
    assert net(x).asnumpy().tolist() == [[2.0, 4.0, 6.0]]   # inference still compiles


def test_grad_req_add_and_frozen_parameters():
    eager, hyb, x = _twins()
    hyb.hybridize()
    for net in (eager, hyb):
        net.collect_params().setattr("grad_req", "add")
        net[0].collect_params().setattr("grad_req", "null")
        for _ in range(2):
            with autograd.record():
                y = net(x).sum()
            y.backward()
    for (name, pa), (_, pb) in zip(sorted(eager.collect_params().items()), sorted(hyb.collect_params().items())):
        if pa.grad_req == "null":
            continue
        np.testing.assert_allclose(pa.grad().asnumpy(), pb.grad().asnumpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=name)


def test_new_input_shape_gets_its_own_plan():
    net = nn.Dense(3, in_units=4)
    net.initialize()
    net.hybridize()
    for n in (1, 5, 2):
        assert net(mx.nd.ones((n, 4))).shape == (n, 3)
    assert len(net._cached_op.stats()) == 3


def test_get_symbol_and_trace():
    x = mx.nd.ones((2, 3))
    x.attach_grad()
    with autograd.record():
        y = mx.nd.relu(x * 2 + 1).sum()
    sym = autograd.get_symbol(y)
    assert [n for n in sym.get_internals().list_outputs()] == [
        "var0", "node_0_output", "node_1_output", "node_2_output", "node_3_output"]
    net = nn.Dense(2, in_units=3)
    net.initialize()
    traced = mx.sym.trace(net, mx.nd.ones((1, 3)))
    assert traced.list_arguments() == ["data", net.weight.name, net.bias.name]
    ex = traced.bind(mx.cpu(), {"data": mx.nd.ones((1, 3)), net.weight.name: net.weight.data(),
                                net.bias.name: net.bias.data()})
    np.testing.assert_allclose(ex.forward()[0].asnumpy(), net(mx.nd.ones((1, 3))).asnumpy(), rtol=1e-6)
