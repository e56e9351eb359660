"""A dropped network is freed by reference counting alone, without waiting for the cycle collector."""
import gc
import weakref

import pytest

import gluonx as mx
from gluonx.gluon import nn


@pytest.fixture
def no_gc():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


@pytest.mark.parametrize("hybridize", [False, True])
def test_dropped_net_is_freed_without_gc(no_gc, hybridize):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(4, 3), nn.BatchNorm(), nn.Dense(5))
    net.initialize()
    if hybridize:
        net.hybridize()
    with mx.autograd.record():
        y = net(mx.nd.ones((2, 3, 8, 8)))
    y.backward()
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd")
    trainer.step(2)
    net_ref, weight_ref = weakref.ref(net), weakref.ref(net[0].weight)
    del net, y, trainer
    assert net_ref() is None
    assert weight_ref() is None


def test_name_scope_still_names_children_after_refactor():
    net = nn.HybridSequential(prefix="outer_")
    with net.name_scope():
        net.add(nn.Dense(3))
    assert net[0].name.startswith("outer_")
