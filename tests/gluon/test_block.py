"""Block / HybridBlock / Sequential / basic layers, checked against MXNet 1.9.1
(names, repr, summary, .params files in tests/data/gluon, made by
tests/data/gluon/gen_mx_reference.py)."""
import contextlib
import io
import json
import os
import sys
import types

import numpy as np
import pytest

import gluonx as mx
from gluonx import gluon
from gluonx.gluon import nn

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "gluon")
REF = json.load(open(os.path.join(DATA, "mx_reference.json")))
HAS_FC = True


class Const:
    def __init__(self, value=1.0):
        self.value = value

    def __call__(self, desc, arr):
        arr[:] = self.value


@pytest.fixture(autouse=True)
def fresh_names():
    """Automatic names start from 0 in each test, as in a fresh MXNet process."""
    with mx.name.NameManager():
        yield


@pytest.fixture
def ops():
    """(The real FullyConnected / Activation operators.)"""


def _mx_net():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(4, activation="relu", in_units=3))
        inner = nn.HybridSequential()
        with inner.name_scope():
            inner.add(nn.Dense(3, in_units=4), nn.Dense(2, use_bias=False, in_units=3))
        net.add(inner)
        net.add(nn.Flatten())
    return net


def test_names_and_collect_params_match_mxnet():
    net = _mx_net()
    assert net.prefix == REF["prefix"] and net.name == "hybridsequential0"
    assert list(net.collect_params().keys()) == REF["param_names"]
    assert list(net.collect_params(".*weight").keys()) == REF["select_weight"]
    assert list(net.collect_params(".*dense1_.*|.*bias").keys()) == REF["select_regex"]
    assert sorted(net._collect_params_with_prefix()) == REF["structural_keys"]
    assert repr(net) == REF["repr"]
    assert repr(net[0].weight) == REF["param_repr"]
    n2 = nn.Dense(5)
    n3 = nn.HybridSequential()
    with n3.name_scope():
        n3.add(nn.Dense(1), nn.Dense(1))
    assert [n2.prefix, n3.prefix, n3[0].prefix, n3[1].prefix, n3[1].weight.name] == REF["later_prefixes"]
    assert repr(n2) == REF["deferred_repr"]
    assert nn.Dense(2, prefix="fc_").weight.name == "fc_weight"
    assert nn.Dense(2, prefix="").weight.name == "weight"
    assert len(net.params) == 0 and len(net[0].params) == 2


def test_params_repr_and_mxnet_checkpoint(ops):
    net = _mx_net()
    net.initialize(Const(0.5))
    assert repr(net.collect_params()) == REF["params_repr"]
    f = os.path.join(DATA, "mx_nested_dense.params")
    raw = mx.nd.load(f)
    assert sorted(raw) == REF["structural_keys"]
    net.load_parameters(f)
    for key, p in net._collect_params_with_prefix().items():
        np.testing.assert_array_equal(p.data().asnumpy(), raw[key].asnumpy())
    y = net(mx.nd.array(REF["x"]))
    np.testing.assert_allclose(y.asnumpy(), REF["y"], rtol=1e-5, atol=1e-6)
    # MXNet's legacy save_params file (full names minus the net's prefix)
    net2 = _mx_net()
    net2.load_parameters(os.path.join(DATA, "mx_nested_dense_legacy.params"))
    np.testing.assert_allclose(net2(mx.nd.array(REF["x"])).asnumpy(), REF["y"], rtol=1e-5, atol=1e-6)


def test_summary_matches_mxnet(ops):
    net = _mx_net()
    net.initialize(Const(0.5))
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        net.summary(mx.nd.array(REF["x"]))
    assert buf.getvalue() == REF["summary"]
    assert not any(b._forward_hooks for b in [net, net[0], net[1][0]])  # summary hooks detached


@pytest.mark.skipif(not HAS_FC, reason="FullyConnected op not available yet")
def test_dense_with_real_ops():
    net = _mx_net()
    net.initialize(Const(0.5))
    net.load_parameters(os.path.join(DATA, "mx_nested_dense.params"))
    np.testing.assert_allclose(net(mx.nd.array(REF["x"])).asnumpy(), REF["y"], rtol=1e-5, atol=1e-6)


def test_deferred_init_through_forward(ops):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(4), nn.Dense(2, flatten=False))
    net.initialize(Const(0.1))
    assert repr(net[0]) == "Dense(None -> 4, linear)"
    with pytest.raises(gluon.DeferredInitializationError):
        net[0].weight.data()
    y = net(mx.nd.ones((3, 2, 5)))
    assert y.shape == (3, 2)
    assert net[0].weight.shape == (4, 10) and net[1].weight.shape == (2, 4)
    assert repr(net[0]) == "Dense(10 -> 4, linear)"
    np.testing.assert_allclose(y.asnumpy(), np.full((3, 2), 0.1 * 4 * (0.1 * 10)), rtol=1e-5)
    # flatten=False keeps leading axes
    d = nn.Dense(3, flatten=False, in_units=2)
    d.initialize(Const(1.0))
    assert d(mx.nd.ones((4, 5, 2))).shape == (4, 5, 3)


def test_deferred_without_infer_shape_is_clear():
    class NoInfer(gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.w = self.params.get("w", shape=(0,), allow_deferred_init=True)

        def hybrid_forward(self, F, x, w):
            return F.broadcast_mul(x, w)   # (elementwise x * w would infer w's shape, as in MXNet)

    blk = NoInfer()
    blk.initialize(Const(1.0))
    with pytest.raises(ValueError, match="infer_shape"):
        blk(mx.nd.ones((2,)))


def test_custom_hybrid_block_kwargs_params_and_grad():
    class Scale(gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.w = self.params.get("w", shape=(0,), allow_deferred_init=True)

        def infer_shape(self, x):
            self.w.shape = (x.shape[-1],)

        def hybrid_forward(self, F, x, w):
            return F.broadcast_mul(x, w)

    blk = Scale(prefix="scale_")
    assert blk.w.name == "scale_w"
    blk.initialize(Const(2.0))
    x = mx.nd.array([[1.0, 2.0, 3.0]])
    with mx.autograd.record():
        y = blk(x).sum()
    y.backward()
    assert blk.w.grad().asnumpy().tolist() == [1.0, 2.0, 3.0]
    blk.zero_grad()
    assert blk.w.grad().asnumpy().tolist() == [0.0] * 3
    blk.hybridize()
    assert blk(x).asnumpy().tolist() == [[2.0, 4.0, 6.0]]


def test_grad_req_null_freezes(ops):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))
    net.initialize(Const(0.5))
    net[0].collect_params().setattr("grad_req", "null")
    with mx.autograd.record():
        y = net(mx.nd.ones((2, 2))).sum()
    y.backward()
    assert net[0].weight.grad_req == "null"
    with pytest.raises(RuntimeError):
        net[0].weight.grad()
    assert float(np.abs(net[1].weight.grad().asnumpy()).sum()) > 0
    assert net[1].weight._fresh_grad and not net[0].weight._fresh_grad
    net.collect_params().setattr("grad_req", "null")
    with mx.autograd.record():
        y = net(mx.nd.ones((2, 2))).sum()
    with pytest.raises(mx.MXNetError):
        y.backward()  # nothing requires a gradient any more


def test_save_load_roundtrip_and_errors(ops, tmp_path):
    net = _mx_net()
    net.initialize(Const(0.0))
    rng = np.random.RandomState(0)
    for p in net.collect_params().values():
        p.set_data(mx.nd.array(rng.randn(*p.shape)))
    f = str(tmp_path / "net.params")
    net.save_parameters(f)
    assert sorted(mx.nd.load(f)) == REF["structural_keys"]
    other = _mx_net()  # different prefix (hybridsequential1_), same structure
    other.load_parameters(f)
    for a, b in zip(net.collect_params().values(), other.collect_params().values()):
        np.testing.assert_array_equal(a.data().asnumpy(), b.data().asnumpy())
    # deferred shapes are filled in by loading
    lazy = nn.HybridSequential()
    with lazy.name_scope():
        lazy.add(nn.Dense(4, activation="relu"))
        inner = nn.HybridSequential()
        inner.add(nn.Dense(3), nn.Dense(2, use_bias=False))
        lazy.add(inner, nn.Flatten())
    lazy.load_parameters(f)
    assert lazy[1][0].weight.shape == (3, 4)
    # missing / extra / shape mismatch
    small = nn.HybridSequential()
    small.add(nn.Dense(4, in_units=3))
    with pytest.raises(ValueError, match="'1.0.weight' loaded from file .* is not present"):
        small.load_parameters(f)
    small.load_parameters(f, ignore_extra=True)
    big = _mx_net()
    with big.name_scope():
        big.add(nn.Dense(7, in_units=2))
    with pytest.raises(AssertionError, match="'3.weight' is missing in file"):
        big.load_parameters(f)
    big.load_parameters(f, allow_missing=True)
    wrong = nn.HybridSequential()
    wrong.add(nn.Dense(5, in_units=3))
    with pytest.raises(ValueError, match=r"'dense\d+_weight'.*expected \(5, 3\) vs saved \(4, 3\)"):
        wrong.load_parameters(f, ignore_extra=True)
    # legacy aliases
    with pytest.warns(UserWarning):
        net.save_params(str(tmp_path / "legacy.params"))
    assert sorted(mx.nd.load(str(tmp_path / "legacy.params"))) == REF["legacy_keys"]
    with pytest.warns(UserWarning):
        other.load_params(f)


def test_shared_params_and_deduplicate(ops, tmp_path):
    net = nn.HybridSequential()
    with net.name_scope():
        a = nn.Dense(2, in_units=2)
        b = nn.Dense(2, in_units=2, params=a.params)
        net.add(a, b)
    assert b.weight is a.weight
    net.initialize(Const(1.0))
    assert len(net.collect_params()) == 2
    f = str(tmp_path / "d.params")
    net.save_parameters(f, deduplicate=True)
    assert sorted(mx.nd.load(f)) == ["1.bias", "1.weight"]  # MXNet keeps the last name
    net.load_parameters(f)  # a shared parameter found under one of its names is enough


def test_hooks_apply_cast_setattr(ops):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(2, in_units=3), nn.Dense(1, in_units=2))
    net.initialize(Const(1.0))
    calls = []
    h1 = net[0].register_forward_pre_hook(lambda blk, inp: calls.append(("pre", blk.name, inp[0].shape)))
    h2 = net[0].register_forward_hook(lambda blk, inp, out: calls.append(("post", blk.name, out.shape)))
    net(mx.nd.ones((4, 3)))
    assert calls == [("pre", "hybridsequential0_dense0", (4, 3)), ("post", "hybridsequential0_dense0", (4, 2))]
    h1.detach()
    h2.detach()
    net(mx.nd.ones((4, 3)))
    assert len(calls) == 2
    with net[1].register_forward_hook(lambda *a: calls.append("ctx")):
        net(mx.nd.ones((1, 3)))
    net(mx.nd.ones((1, 3)))
    assert calls[2:] == ["ctx"]
    seen = []
    assert net.apply(lambda b: seen.append(b.name)) is net
    assert seen == ["hybridsequential0_dense0", "hybridsequential0_dense1", "hybridsequential0"]
    net.cast("float64")
    assert net[0].weight.data().dtype == np.float64
    with pytest.raises(TypeError, match="Changing attribute type"):
        net[0].weight = nn.Dense(1)
    with pytest.raises(ValueError, match="Children of HybridBlock must also be HybridBlock"):
        net.add(nn.Sequential())


def test_sequential_indexing_and_lambda():
    seq = nn.Sequential()
    with seq.name_scope():
        seq.add(nn.Lambda(lambda x: x * 2), nn.Lambda("exp"), nn.HybridLambda("relu"),
                nn.HybridLambda(lambda F, x: F.broadcast_add(x, x)), nn.Identity())
    assert len(seq) == 5
    assert isinstance(seq[1], nn.Lambda)
    part = seq[1:3]
    assert isinstance(part, nn.Sequential) and len(part) == 2 and part.prefix == seq.prefix
    x = mx.nd.array([-1.0, 0.0, 1.0])
    np.testing.assert_allclose(seq(x).asnumpy(), 2 * np.exp(2 * x.asnumpy()), rtol=1e-6)
    assert repr(seq[2]) == "HybridLambda(relu)"
    assert repr(seq[1]) == "Lambda(exp)"
    with pytest.raises(ValueError):
        nn.Lambda("no_such_function")
    with pytest.raises(ValueError):
        nn.HybridLambda(3)
    with pytest.warns(UserWarning, match="Consider using HybridSequential"):
        s2 = nn.Sequential()
        s2.add(nn.Identity())
        s2.hybridize()
    assert nn.Flatten()(mx.nd.ones((2, 3, 4))).shape == (2, 12)
    assert repr(nn.Flatten()) == "Flatten"


def test_block_repr_forward_and_unregistered_container():
    class Net(gluon.Block):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.body = nn.Identity()
                self.blocks = [nn.Identity()]

        def forward(self, x):
            return self.body(x)

    net = Net()
    assert net.body.prefix == "net0_identity0_"
    assert repr(net) == "Net(\n  (body): Identity(\n  \n  )\n)"
    with pytest.warns(UserWarning, match="unregistered container"):
        net.collect_params()
    with pytest.raises(NotImplementedError):
        gluon.Block()(1)
    with pytest.raises(ValueError, match="one NDArray"):
        nn.Identity()(3)
