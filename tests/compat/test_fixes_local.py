"""Issue 14, item 4: the parts checked without MXNet's numbers (pinned memory, Trainer with a
KVStore object, Block.save/load round trips, from_numpy) and the one check that runs real
MXNet 1.9.1 when it is installed (a model gluonx saved loads there)."""
import os
import subprocess

import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd as ag, gluon, nd
from gluonx.base import MXNetError
from gluonx.gluon import nn

_MXPY = [p for p in (os.environ.get("GLUONX_MXNET_PYTHON"), "/work/mx-ref/bin/python", "/tmp/mx/bin/python")
         if p and os.path.exists(p)]


# ---- cpu_pinned -----------------------------------------------------------------------------------

def test_pinned_arrays_compute_and_mix_with_cpu():
    a = nd.array([1.0, 2.0, 3.0], ctx=mx.cpu_pinned())
    assert a.context == mx.cpu_pinned(0)
    b = nd.ones((3,))
    np.testing.assert_allclose((a + b).asnumpy(), [2, 3, 4])
    np.testing.assert_allclose((b * a).asnumpy(), [1, 2, 3])
    np.testing.assert_allclose(nd.ones((2,), ctx=mx.cpu_pinned()).asnumpy(), [1, 1])
    c = nd.zeros((3,))
    c[:] = a
    np.testing.assert_allclose(c.asnumpy(), [1, 2, 3])
    x = nd.ones((3,)).as_in_context(mx.cpu_pinned())
    x.attach_grad()
    with ag.record():
        y = (x * b * 2).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [2, 2, 2])


def test_dataloader_pin_memory_gives_cpu_pinned_batches():
    ds = gluon.data.ArrayDataset(np.arange(10, dtype=np.float32), np.arange(10))
    for loader, ctx in ((gluon.data.DataLoader(ds, 4), mx.cpu()),
                        (gluon.data.DataLoader(ds, 4, pin_memory=True), mx.cpu_pinned(0)),
                        (gluon.data.DataLoader(ds, 4, pin_memory=True, pin_device_id=1), mx.cpu_pinned(1))):
        seen = []
        for data, label in loader:
            assert data.context == ctx and label.context == ctx
            seen.extend(data.asnumpy().tolist())
        assert seen == list(range(10))


# ---- Trainer(kvstore=...) ---------------------------------------------------------------------------

class _Store:
    """A minimal KVStore-like object (what MXNet's test 'teststore' is): sums the values pushed."""

    def __init__(self, optimizer_capable=False):
        self.data, self.calls, self.capable, self.updater = {}, [], optimizer_capable, None

    type = "teststore"

    def is_capable(self, what):
        return self.capable and what == "optimizer"

    def set_optimizer(self, optimizer):
        self.updater = mx.optimizer.get_updater(optimizer)

    def broadcast(self, key, value, out):
        self.calls.append(("broadcast", key))
        self.data[key] = value.copy()
        for o in out:
            self.data[key].copyto(o)

    def push(self, key, value):
        total = value[0].copy()
        for v in value[1:]:
            total += v.as_in_context(total.context)
        if self.updater is not None:
            self.updater(key, total, self.data[key])
        else:
            self.data[key] = total

    def pull(self, key, out):
        for o in out:
            self.data[key].copyto(o)

    def pushpull(self, key, value, out=None):
        self.calls.append(("pushpull", key))
        self.push(key, value)
        self.pull(key, value if out is None else out)


def _two_device_param():
    x = gluon.Parameter("x", shape=(4,))
    x.initialize(ctx=[mx.cpu(0), mx.cpu(1)], init="zeros")
    return x


def _backward(x):
    with ag.record():
        for w in x.list_data():
            y = w + 1
            y.backward()


def test_trainer_uses_a_kvstore_object():
    kv = _Store()
    x = _two_device_param()
    tr = gluon.Trainer([x], "sgd", {"learning_rate": 1.0, "momentum": 0.5}, kvstore=kv)
    _backward(x)
    tr.step(1)
    assert tr._kvstore is kv and tr._update_on_kvstore is False and tr._kv_initialized
    assert ("broadcast", 0) in kv.calls and ("pushpull", 0) in kv.calls
    np.testing.assert_allclose(x.data(mx.cpu(1)).asnumpy(), -2)     # the two devices' gradients summed
    with pytest.raises(ValueError, match="update_on_kvstore=False"):
        gluon.Trainer([x], "sgd", kvstore=kv, update_on_kvstore=True)._init_kvstore()


def test_trainer_updates_on_a_capable_kvstore():
    kv = _Store(optimizer_capable=True)
    x = _two_device_param()
    tr = gluon.Trainer([x], "sgd", {"learning_rate": 1.0}, kvstore=kv)
    _backward(x)
    tr.step(1)
    assert tr._update_on_kvstore is True
    np.testing.assert_allclose(x.data(mx.cpu(0)).asnumpy(), -2)
    np.testing.assert_allclose(x.data(mx.cpu(1)).asnumpy(), -2)
    for call in (lambda: tr.allreduce_grads(), lambda: tr.update(1)):
        with pytest.raises(AssertionError, match="updated on kvstore") as e:
            call()
        assert isinstance(e.value, MXNetError)


@pytest.mark.parametrize("kv", ["local", "device", "nccl", None])
def test_trainer_local_kvstore_names_sum_over_devices(kv):
    x = _two_device_param()
    tr = gluon.Trainer([x], "sgd", {"learning_rate": 1.0, "momentum": 0.5}, kvstore=kv)
    _backward(x)
    tr.step(1)
    np.testing.assert_allclose(x.data(mx.cpu(1)).asnumpy(), -2)
    assert tr._kvstore is None and x._trainer is tr


def test_trainer_refuses_what_it_cannot_do():
    x = gluon.Parameter("x", shape=(2,))
    x.initialize()
    with pytest.raises(MXNetError, match="issue 18") as e:
        gluon.Trainer([x], "sgd", kvstore="dist_sync")
    assert isinstance(e.value, NotImplementedError)
    with pytest.raises(MXNetError, match="unknown kvstore") as e:
        gluon.Trainer([x], "sgd", kvstore="nonsense")
    assert isinstance(e.value, ValueError)
    with pytest.raises(MXNetError, match="push and pull") as e:
        gluon.Trainer([x], "sgd", kvstore=3)
    assert isinstance(e.value, TypeError)


# ---- Block.save / Block.load ------------------------------------------------------------------------

class _Net(gluon.HybridBlock):
    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.body = nn.HybridSequential()
            self.body.add(nn.Dense(5, in_units=4, activation="tanh"), nn.BatchNorm(in_channels=5))
            self.head = nn.Dense(3, in_units=5)

    def hybrid_forward(self, F, x):
        return self.head(self.body(x))


@pytest.mark.parametrize("hybridize", [False, True])
def test_block_save_load_round_trip(tmp_path, hybridize):
    net = _Net()
    net.initialize(mx.init.Xavier())
    if hybridize:
        net.hybridize()
    x = nd.array(np.random.RandomState(0).randn(2, 4))
    want = net(x).asnumpy()
    prefix = str(tmp_path / "net")
    net.save(prefix)
    assert os.path.exists(prefix + "-model.json") and os.path.exists(prefix + "-model.params")
    names = [net.name, net.body.name, net.head.name]
    _Net()                               # shifts the automatic names
    other = _Net()
    other.initialize()
    assert [other.name, other.body.name] != names[:2]
    other.load(prefix)
    assert [other.name, other.body.name, other.head.name] == names
    assert other._active == hybridize
    np.testing.assert_allclose(other(x).asnumpy(), want, rtol=1e-6)


def test_block_load_of_another_structure_is_a_clear_error(tmp_path):
    net = _Net()
    net.initialize()
    net.save(str(tmp_path / "net"))
    seq = nn.HybridSequential()
    seq.add(nn.Dense(2))
    with pytest.raises(MXNetError, match="same order") as e:
        seq.load(str(tmp_path / "net"))
    assert isinstance(e.value, ValueError)
    (tmp_path / "bad-model.json").write_text("{not json")
    with pytest.raises(MXNetError, match="not a model structure file"):
        seq.load(str(tmp_path / "bad"))


@pytest.mark.skipif(not _MXPY, reason="real MXNet 1.9.1 not installed (GLUONX_MXNET_PYTHON)")
def test_block_saved_by_gluonx_loads_in_mxnet(tmp_path):
    net = nn.HybridSequential()
    net.add(nn.Dense(3, in_units=4, activation="relu"), nn.Dense(2, in_units=3))
    net.initialize(mx.init.Xavier())
    net.hybridize()
    x = np.random.RandomState(1).randn(2, 4).astype(np.float32)
    want = net(nd.array(x)).asnumpy()
    prefix = str(tmp_path / "m")
    net.save(prefix)
    np.save(str(tmp_path / "x.npy"), x)
    code = """
import numpy as np, mxnet as mx
from mxnet.gluon import nn
net = nn.HybridSequential()
net.add(nn.Dense(3, in_units=4, activation="relu"), nn.Dense(2, in_units=3))
net.load(%r)
print(repr(net(mx.nd.array(np.load(%r))).asnumpy().tolist()))
""" % (prefix, str(tmp_path / "x.npy"))
    r = subprocess.run([_MXPY[0], "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, MXNET_SUBGRAPH_BACKEND="NONE"))
    assert r.returncode == 0, r.stderr[-2000:]
    np.testing.assert_allclose(np.array(eval(r.stdout.strip().splitlines()[-1])), want, rtol=1e-5)


# ---- from_numpy ---------------------------------------------------------------------------------------

def test_from_numpy_shares_memory_and_freezes_the_source():
    a = np.arange(6.0).reshape(2, 3)
    x = nd.from_numpy(a)
    assert x.dtype == np.float64 and not a.flags["WRITEABLE"]
    np.testing.assert_array_equal(x.asnumpy(), a)
    y = nd.from_numpy(np.arange(3, dtype=np.int32), zero_copy=False)
    assert y.dtype == np.int32
    with pytest.raises(MXNetError, match="C-contiguous"):
        nd.from_numpy(np.arange(6.0).reshape(2, 3).T)


# ---- NDArray methods and small MXNet behaviours -------------------------------------------------------

def test_inplace_methods_are_views():
    t = (nd.arange(30) + 1).reshape((2, 3, 5))
    copy, view = t.flatten(), t.flatten(inplace=True)
    t[0] = -1
    assert copy[0, 0].asscalar() == 1 and view[0, 0].asscalar() == -1 and view.shape == (2, 15)
    d = nd.ones((1, 5, 1))
    s = d.squeeze(axis=0, inplace=True)
    e = d.expand_dims(axis=0, inplace=True)
    d[0] = -1
    assert s.shape == (5, 1) and e.shape == (1, 1, 5, 1) and s[0, 0].asscalar() == -1 and e.sum().asscalar() == -5


def test_tostype_and_method_aliases():
    x = nd.array([[1, 5], [7, 2]])
    np.testing.assert_allclose(x.tostype("default").asnumpy(), x.asnumpy())
    with pytest.raises(MXNetError, match="sparse") as e:
        x.tostype("csr")
    assert isinstance(e.value, NotImplementedError)
    assert x.as_nd_ndarray() is x
    np.testing.assert_allclose(x.argmax_channel().asnumpy(), [1, 0])
    assert nd.ones((4,)).reshape_like(nd.ones((2, 2))).shape == (2, 2)


def test_setitem_of_a_recorded_value_while_recording_raises():
    x = nd.zeros((2, 3))
    y = nd.ones((3,))
    y.attach_grad()
    with ag.record():
        with pytest.raises(MXNetError, match="Inplace operations"):
            x[0] = y
        x[1] = nd.ones((3,))         # a value outside the graph is a plain write
    assert x.asnumpy().tolist() == [[0, 0, 0], [1, 1, 1]]


def test_operator_without_attributes_ignores_extra_keywords():
    got = nd.broadcast_maximum(nd.array([0]), nd.array([[-1], [2]]), axis=1)   # as MXNet's test_loss calls it
    np.testing.assert_allclose(got.asnumpy(), [[0], [2]])
    with pytest.raises(MXNetError, match="unexpected"):
        nd.sum(nd.ones((2,)), axes=0)    # an operator with attributes still checks them


def test_trainer_updaters_list_and_from_numpy_twice():
    x = _two_device_param()
    tr = gluon.Trainer([x], "sgd", {"learning_rate": 1.0, "momentum": 0.5})
    _backward(x)
    tr.step(1)
    ups = tr._updaters
    assert len(ups) == 2 and ups[0].optimizer is tr._optimizer
    a = np.ones((2, 2), np.float32)
    m1, m2 = nd.from_numpy(a), nd.from_numpy(a)
    m2[0, 0] = 5
    assert a[0, 0] == 5 and m1[0, 0].asscalar() == 5
