"""Parameter, Constant and ParameterDict (MXNet 1.9.1 gluon semantics)."""
import sys
import types
import warnings

import numpy as np
import pytest

import gluonx as mx
from gluonx import gluon
from gluonx.gluon.parameter import DeferredInitializationError, ParameterError, ParameterLoadError


class Const:
    """A minimal initializer: fills with a value and records the descs it saw."""

    def __init__(self, value=1.0):
        self.value = value
        self.seen = []

    def __call__(self, desc, arr):
        self.seen.append(desc)
        arr[:] = self.value


def test_repr_shape_and_dtype():
    p = gluon.Parameter("w", shape=3)
    assert p.shape == (3,)
    assert repr(p) == "Parameter w (shape=(3,), dtype=%s)" % np.float32
    p2 = gluon.Parameter("v", shape=(2, 0), dtype="float64", allow_deferred_init=True)
    assert repr(p2) == "Parameter v (shape=(2, 0), dtype=float64)"


def test_initialize_data_grad():
    init = Const(2.0)
    p = gluon.Parameter("fc_weight", shape=(2, 3))
    p.initialize(init=init)
    np.testing.assert_array_equal(p.data().asnumpy(), np.full((2, 3), 2.0, np.float32))
    np.testing.assert_array_equal(p.grad().asnumpy(), np.zeros((2, 3), np.float32))
    assert str(init.seen[0]) == "fc_weight"
    assert init.seen[0].attrs["__init__"] is init
    assert p.list_ctx() == [mx.cpu()]
    assert len(p.list_data()) == 1 and len(p.list_grad()) == 1
    assert p.data(mx.cpu(0)) is p.data()
    with pytest.raises(RuntimeError, match="not initialized on context"):
        p.data(mx.cpu(1))


def test_own_init_wins_over_default():
    own, glob = Const(3.0), Const(5.0)
    p = gluon.Parameter("b", shape=(2,), init=own)
    p.initialize(default_init=glob)
    assert p.data().asnumpy().tolist() == [3.0, 3.0]
    q = gluon.Parameter("c", shape=(2,))
    q.initialize(default_init=glob)
    assert q.data().asnumpy().tolist() == [5.0, 5.0]
    # an explicit init overrides the parameter's own
    p.initialize(init=Const(7.0), force_reinit=True)
    assert p.data().asnumpy().tolist() == [7.0, 7.0]


def test_string_and_default_init():
    p = gluon.Parameter("bias", shape=(3,), init="ones")
    p.initialize()
    assert p.data().asnumpy().tolist() == [1.0] * 3
    q = gluon.Parameter("w", shape=(200,))
    q.initialize()  # default Uniform(0.07)
    v = q.data().asnumpy()
    assert np.abs(v).max() <= 0.07 and np.abs(v).max() > 0.03
    r = gluon.Parameter("z", shape=(2,), init="nonsense")
    with pytest.raises(ValueError):
        r.initialize()


def test_initialize_twice_warns_and_force_reinit():
    p = gluon.Parameter("w", shape=(2,))
    p.initialize(init=Const(1.0))
    with pytest.warns(UserWarning, match="already initialized"):
        p.initialize(init=Const(9.0))
    assert p.data().asnumpy().tolist() == [1.0, 1.0]
    p.initialize(init=Const(9.0), force_reinit=True)
    assert p.data().asnumpy().tolist() == [9.0, 9.0]


def test_uninitialized_and_invalid_shape_errors():
    p = gluon.Parameter("w", shape=(2, 0))
    with pytest.raises(RuntimeError, match="has not been initialized"):
        p.data()
    with pytest.raises(ValueError, match="invalid shape"):
        p.initialize(init=Const())
    with pytest.raises(ValueError, match="grad_req"):
        gluon.Parameter("x", grad_req="sometimes")


def test_deferred_init():
    init = Const(4.0)
    p = gluon.Parameter("w", shape=(3, 0), allow_deferred_init=True)
    p.initialize(init=init, ctx=mx.cpu())
    assert p.list_ctx() == [mx.cpu()]
    with pytest.raises(DeferredInitializationError, match="deferred"):
        p.data()
    with pytest.raises(ValueError, match="incompatible"):
        p.shape = (4, 5)
    p.shape = (3, 5)
    p._finish_deferred_init()
    assert p.data().shape == (3, 5)
    assert float(p.data().asnumpy().mean()) == 4.0
    # set_data before the deferred init finishes is kept and used
    q = gluon.Parameter("q", shape=(0,), allow_deferred_init=True)
    q.initialize(init=init)
    q.set_data(mx.nd.array([1, 2, 3]))
    q._finish_deferred_init()
    assert q.data().asnumpy().tolist() == [1, 2, 3]


def test_set_data_zero_grad_and_grad_req_null():
    p = gluon.Parameter("w", shape=(3,))
    p.initialize(init=Const(1.0))
    p.set_data(mx.nd.array([1, 2, 3]))
    x = p.data()
    with mx.autograd.record():
        y = (x * x).sum()
    y.backward()
    assert p.grad().asnumpy().tolist() == [2, 4, 6]
    assert p._fresh_grad
    p._fresh_grad = False
    assert not p._fresh_grad
    p.zero_grad()
    assert p.grad().asnumpy().tolist() == [0, 0, 0]
    p.grad_req = "null"
    with pytest.raises(RuntimeError, match="grad_req='null'"):
        p.grad()
    assert p.data().grad is None
    p.zero_grad()  # no-op
    p.grad_req = "add"
    for _ in range(2):
        with mx.autograd.record():
            y = (p.data() * 2).sum()
        y.backward()
    assert p.grad().asnumpy().tolist() == [4, 4, 4]


def test_grad_req_null_from_start_and_not_differentiable():
    p = gluon.Parameter("running_mean", shape=(2,), grad_req="null")
    p.initialize(init=Const(0.0))
    assert p.data().grad is None
    q = gluon.Parameter("m", shape=(2,), differentiable=False)
    assert q.grad_req == "null"
    q.grad_req = "write"
    assert q.grad_req == "null"


def test_cast_and_reset_ctx():
    p = gluon.Parameter("w", shape=(2,))
    p.initialize(init=Const(1.5))
    p.cast("float64")
    assert p.dtype == "float64"
    assert p.data().dtype == np.float64 and p.grad().dtype == np.float64
    p.reset_ctx(mx.cpu(0))
    assert p.data().asnumpy().tolist() == [1.5, 1.5]
    q = gluon.Parameter("q", shape=(2,))
    with pytest.raises(ValueError, match="has not been initialized"):
        q.reset_ctx(mx.cpu())


def test_var_not_available_or_symbol():
    p = gluon.Parameter("w", shape=(2,))
    try:
        import gluonx.symbol  # noqa: F401
    except ImportError:
        with pytest.raises(NotImplementedError):
            p.var()


def test_constant():
    c = gluon.Constant("c", [[1, 2], [3, 4]])
    assert c.grad_req == "null"
    assert c.shape == (2, 2)
    assert repr(c).startswith("Constant c (shape=(2, 2)")
    c.initialize()
    np.testing.assert_array_equal(c.data().asnumpy(), [[1, 2], [3, 4]])
    with pytest.warns(UserWarning):
        c.grad_req = "write"
    assert c.grad_req == "null"


def test_parameter_dict_get_and_shapes():
    d = gluon.ParameterDict("net_")
    w = d.get("weight", shape=(3, 0), allow_deferred_init=True)
    assert w.name == "net_weight"
    assert d.get("weight", shape=(0, 4)) is w
    assert w.shape == (3, 4)
    with pytest.raises(AssertionError, match="desired '\\(5, 4\\)' vs stored '\\(3, 4\\)'"):
        d.get("weight", shape=(5, 4))
    with pytest.raises(ParameterError):
        d.get("weight", dtype="float16")
    assert d.get("weight", dtype=np.float32) is w
    d.get("bias", shape=(3,))
    assert len(d) == 2
    assert list(d) == ["net_weight", "net_bias"]
    assert list(d.keys()) == ["net_weight", "net_bias"]
    assert [v.name for v in d.values()] == ["net_weight", "net_bias"]
    assert repr(d) == ("net_ (\n  Parameter net_weight (shape=(3, 4), dtype=%s)\n"
                       "  Parameter net_bias (shape=(3,), dtype=%s)\n)" % (np.float32, np.float32))
    # shared
    d2 = gluon.ParameterDict("net_", shared=d)
    assert d2.get("weight") is w
    c = d.get_constant("k", [1.0, 2.0])
    assert d.get_constant("k") is c
    with pytest.raises(KeyError):
        d.get_constant("missing")


def test_parameter_dict_update_initialize_setattr():
    d = gluon.ParameterDict("a_")
    d.get("w", shape=(2,))
    d.get("v", shape=(3,))
    other = gluon.ParameterDict("a_")
    other.get("w", shape=(2,))
    with pytest.raises(ValueError, match="different Parameters"):
        d.update(other)
    d.initialize(Const(1.0))
    assert all(p.data().asnumpy().sum() == p.data().size for p in d.values())
    d.setattr("grad_req", "null")
    assert all(p.grad_req == "null" and p.data().grad is None for p in d.values())
    d.setattr("lr_mult", 0.5)
    assert all(p.lr_mult == 0.5 for p in d.values())
    assert d.list_ctx() == [mx.cpu()]
    d.zero_grad()
    d.reset_ctx(mx.cpu())


def test_parameter_dict_save_load(tmp_path):
    d = gluon.ParameterDict("net_")
    d.get("w", shape=(2, 3)).initialize(init=Const(0.5))
    d.get("b", shape=(3,)).initialize(init=Const(-1.0))
    f = str(tmp_path / "p.params")
    d.save(f, strip_prefix="net_")
    assert sorted(mx.nd.load(f).keys()) == ["b", "w"]
    e = gluon.ParameterDict("other_")
    e.get("w", shape=(2, 0), allow_deferred_init=True)
    e.get("b", shape=(3,))
    e.load(f, restore_prefix="other_")
    assert e["other_w"].shape == (2, 3)
    np.testing.assert_array_equal(e["other_w"].data().asnumpy(), np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match="does not start with"):
        d.save(f, strip_prefix="zzz")
    g = gluon.ParameterDict("net_")
    g.get("w", shape=(2, 3))
    with pytest.raises(ParameterLoadError, match="'b' loaded from .* is not present"):
        g.load(f, restore_prefix="net_")
    g.load(f, restore_prefix="net_", ignore_extra=True)
    h = gluon.ParameterDict("net_")
    h.get("w", shape=(2, 3))
    h.get("extra", shape=(1,))
    with pytest.raises(AssertionError, match="'extra' is missing"):
        h.load(f, restore_prefix="net_")
    h.load(f, restore_prefix="net_", allow_missing=True, ignore_extra=True)
    bad = gluon.ParameterDict("net_")
    bad.get("w", shape=(3, 3))
    with pytest.raises(ValueError, match="shape incompatible expected \\(3, 3\\) vs saved \\(2, 3\\)"):
        bad.load(f, restore_prefix="net_", ignore_extra=True)


def test_load_dtype_checks():
    p = gluon.Parameter("w", shape=(2,), dtype="float64")
    with pytest.raises(ValueError, match="dtype incompatible"):
        p._load_init(mx.nd.array([1, 2]), None)
    p._load_init(mx.nd.array([1, 2]), None, cast_dtype=True)
    assert p.data().dtype == np.float64
    q = gluon.Parameter("q", shape=(2,), dtype="float64")
    q._load_init(mx.nd.array([1, 2]), None, cast_dtype=True, dtype_source="saved")
    assert q.data().dtype == np.float32
