"""The compiled graph (gluonx/symbol/cached_op.py, planner.py, fusion.py):
results equal operator-by-operator execution, with and without fusion;
memory is planned (an arena smaller than the sum of the buffers, in-place
writes); elementwise chains fuse; the dry run touches no memory."""
import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd
from gluonx.symbol.cached_op import CachedGraph, interpret

rng = np.random.default_rng(7)


def _chain_symbol():
    x = mx.sym.var("x")
    b = mx.sym.var("b")
    c = mx.sym.Convolution(x, kernel=(3, 3), num_filter=4, pad=(1, 1), name="conv")   # conv + bias
    h = mx.sym.Activation(c, act_type="relu")
    h = mx.sym.broadcast_add(h, mx.sym.reshape(b, shape=(1, 4, 1, 1)))
    h = mx.sym.tanh(h * 0.5 + 1) - 2
    h = mx.sym.clip(h, -1.5, 0.5)
    h = mx.sym.LeakyReLU(h, slope=0.1)
    return mx.sym.sum(h * h, axis=(2, 3))


def _arrays(graph):
    shapes = {"x": (2, 3, 5, 5), "b": (4,)}
    arg_shapes, _, _ = graph.sym.infer_shape(**shapes)
    by = dict(zip(graph.sym.list_arguments(), arg_shapes))
    return [mx.nd.array(rng.standard_normal(by[n])) for n in graph.input_names]


@pytest.mark.parametrize("fuse", [False, True])
def test_forward_and_backward_equal_operators(fuse):
    sym = _chain_symbol()
    graph = CachedGraph(sym, fuse=fuse)
    arrays = _arrays(graph)
    ref_in = [a.copy() for a in arrays]
    for a in ref_in:
        a.attach_grad()
    with autograd.record():
        ref = interpret(graph.order, graph.heads, {id(n): a for n, a in zip(graph.inputs, ref_in)})[0]
    head = mx.nd.array(rng.standard_normal(ref.shape))
    ref.backward(head)
    for a in arrays:
        a.attach_grad()
    with autograd.record():
        out = graph(arrays)[0]
    out.backward(head)
    np.testing.assert_allclose(out.asnumpy(), ref.asnumpy(), rtol=1e-5, atol=1e-6)
    for a, r in zip(arrays, ref_in):
        np.testing.assert_allclose(a.grad.asnumpy(), r.grad.asnumpy(), rtol=1e-4, atol=1e-5)
    stats = graph.stats()
    assert len(stats) == 1
    if fuse:
        assert stats[0]["fused"] >= 2 and stats[0]["launches"] < stats[0]["captured_launches"]
    else:
        assert stats[0]["launches"] == stats[0]["captured_launches"]


def test_memory_is_planned():
    x = mx.sym.var("x")
    h = x
    for _ in range(8):
        h = mx.sym.FullyConnected(h, num_hidden=64, no_bias=True)
        h = mx.sym.sigmoid(h)
    graph = CachedGraph(h, fuse=False)
    arrays = [mx.nd.array(rng.standard_normal((32, 64))) if n.name == "x"
              else mx.nd.array(rng.standard_normal((64, 64)) * 0.1) for n in graph.inputs]
    graph(arrays)
    s = graph.stats()[0]
    assert s["arena_bytes"] * 4 <= s["unplanned_bytes"]   # buffers share memory
    assert s["inplace"] >= 4                              # sigmoid writes over its input


def test_dry_run_arrays_are_emptied_and_plans_per_signature():
    sym = mx.sym.relu(mx.sym.var("x")) * 3
    graph = CachedGraph(sym)
    for n in (3, 4, 3):
        out = graph([mx.nd.ones((n,)) * -1 + mx.nd.arange(n)])[0]
        assert out.asnumpy().tolist() == [3.0 * max(i - 1, 0) for i in range(n)]
    assert len(graph.stats()) == 2


def test_wrong_number_of_inputs_is_a_clear_error():
    graph = CachedGraph(mx.sym.var("a") + mx.sym.var("b"))
    with pytest.raises(mx.base.MXNetError, match="takes 2"):
        graph([mx.nd.ones((2,))])


def _residual_block():
    """conv-BN-relu-conv-BN plus a 1x1 conv-BN shortcut, added, relu (ResNet's downsampling block)."""
    net = mx.gluon.nn.HybridSequential()

    class Block(mx.gluon.HybridBlock):
        def __init__(self, cin):
            super().__init__()
            self.c1, self.b1 = mx.gluon.nn.Conv2D(8, 3, padding=1, in_channels=cin, use_bias=False), mx.gluon.nn.BatchNorm()
            self.c2, self.b2 = mx.gluon.nn.Conv2D(8, 3, padding=1, in_channels=8, use_bias=False), mx.gluon.nn.BatchNorm()
            self.cs, self.bs = mx.gluon.nn.Conv2D(8, 1, in_channels=cin, use_bias=False), mx.gluon.nn.BatchNorm()

        def hybrid_forward(self, F, x):
            h = F.relu(self.b1(self.c1(x)))
            return F.relu(self.b2(self.c2(h)) + self.bs(self.cs(x)))

    net.add(Block(4), Block(8))
    return net


def test_residual_chains_are_recomputed_not_kept():
    # the block output relu(bn2 + bn_s) is computed again in the backward from the two
    # convolutions' outputs, and so is the BatchNorm affine it reads: same gradients as eager
    x = mx.nd.array(rng.standard_normal((4, 4, 32, 32)))   # 128 KiB per activation: worth recomputing
    grads = []
    for hybrid in (False, True):
        mx.random.seed(3)
        net = _residual_block()
        net.initialize(mx.init.Xavier())
        net.hybridize(active=hybrid, static_alloc=hybrid)
        with autograd.record():
            loss = (net(x) ** 2).sum()
        loss.backward()
        grads.append([(k, p.grad().asnumpy()) for k, p in net.collect_params().items() if p.grad_req != "null"])
        if hybrid:
            stats = net._cached_op.stats()[0]
    assert len(grads[0]) == len(grads[1]) == 18   # 3 convolutions and 3 BatchNorms (gamma, beta) per block
    for (k, eager), (_, graph) in zip(*grads):
        scale = np.abs(eager).max()
        np.testing.assert_allclose(graph, eager, rtol=1e-4, atol=1e-5 * scale, err_msg=k)
    # both blocks' relu(bn1) (the second convolution's input); the first block's output (the
    # second block's input) and the BatchNorm affine that recomputation reads
    assert stats["recomputed"] >= 4
