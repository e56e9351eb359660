"""gluon.Trainer and MXNet's documented Gluon autograd example."""
import os

import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd, gluon
from gluonx.gluon import nn


def _mlp():
    # explicit prefixes: Trainer orders parameters by name, and automatic
    # names (dense9_ vs dense10_) would sort differently between two nets
    net = nn.HybridSequential(prefix="mlp_")
    with net.name_scope():
        net.add(nn.Dense(units=3, prefix="d0_"))
        net.add(nn.Dense(units=1, prefix="d1_"))
    return net


def test_mxnet_documented_gluon_autograd_example():
    """MXNet's values with its default random state (no seed set): the run
    happens in a fresh interpreter so that no earlier draw shifts the streams."""
    import subprocess
    import sys
    code = """
import gluonx as mx
from gluonx.gluon import nn
net = nn.HybridSequential(); net.add(nn.Dense(units=3)); net.add(nn.Dense(units=1)); net.initialize()
loss_fn = mx.gluon.loss.L2Loss()
x = mx.nd.array([[0.5, 0.9]]); y = mx.nd.array([[1.5]])
with mx.autograd.record():
    loss = loss_fn(net(x), y)
loss.backward()
print(repr(net[0].weight.grad().asnumpy().tolist()))
"""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert out.returncode == 0, out.stderr
    got = np.array(eval(out.stdout.strip()))
    want = np.array([[-0.00470527, -0.00846948], [-0.03640365, -0.06552657], [0.00800354, 0.01440637]])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)


def test_sgd_step_rescales_by_batch_size():
    net = _mlp()
    net.initialize(mx.init.Constant(0.5))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    x = mx.nd.ones((4, 2))
    with autograd.record():
        loss = net(x).sum()
    loss.backward()
    w = net[0].weight.data().asnumpy().copy()
    g = net[0].weight.grad().asnumpy().copy()
    trainer.step(4)
    np.testing.assert_allclose(net[0].weight.data().asnumpy(), w - 0.1 * g / 4, rtol=1e-6)
    assert trainer.learning_rate == 0.1
    trainer.set_learning_rate(0.01)
    assert trainer.optimizer.learning_rate == 0.01


def test_stale_gradient_raises_user_warning():
    net = _mlp()
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    with autograd.record():
        loss = net(mx.nd.ones((1, 2))).sum()
    loss.backward()
    trainer.step(1)
    with pytest.raises(UserWarning, match="has not been updated by backward"):
        trainer.step(1)
    trainer.step(1, ignore_stale_grad=True)


def test_frozen_parameters_are_skipped():
    net = _mlp()
    net.initialize()
    net[0].collect_params().setattr("grad_req", "null")
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    with autograd.record():
        loss = net(mx.nd.ones((2, 2))).sum()
    loss.backward()
    w0 = net[0].weight.data().asnumpy().copy()
    trainer.step(2)
    np.testing.assert_array_equal(net[0].weight.data().asnumpy(), w0)


def test_save_and_load_states(tmp_path):
    def run(steps, trainer, net):
        for _ in range(steps):
            with autograd.record():
                loss = (net(mx.nd.ones((2, 2))) ** 2).sum()
            loss.backward()
            trainer.step(2)

    mx.random.seed(3)
    net = _mlp()
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    run(2, trainer, net)
    fname = str(tmp_path / "t.states")
    trainer.save_states(fname)
    net.save_parameters(str(tmp_path / "n.params"))
    run(2, trainer, net)
    want = net[1].weight.data().asnumpy()

    net2 = _mlp()
    net2.initialize()
    net2.load_parameters(str(tmp_path / "n.params"))
    trainer2 = gluon.Trainer(net2.collect_params(), "adam", {"learning_rate": 0.01})
    trainer2.load_states(fname)
    run(2, trainer2, net2)
    np.testing.assert_allclose(net2[1].weight.data().asnumpy(), want, rtol=1e-6)
    with open(fname, "rb") as f:
        assert b"pickle" not in f.read()[:16]


def test_bad_arguments():
    with pytest.raises(ValueError):
        gluon.Trainer("not params", "sgd")
    net = _mlp()
    net.initialize()
    with pytest.raises(ValueError):
        gluon.Trainer(net.collect_params(), mx.optimizer.SGD(), {"learning_rate": 0.1})
