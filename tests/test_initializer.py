"""Initializers: dumps, suffix dispatch, errors and MXNet-exact random values."""
import json
import os
import sys

import numpy as np
import pytest

import gluonx as mx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "optimizer"))
import scenarios as S  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "data", "optimizer")
REF = np.load(os.path.join(DATA, "reference.npz"))


def test_dumps_identical_to_mxnet():
    with open(os.path.join(DATA, "dumps.json")) as f:
        ref = json.load(f)
    for k, make in S.DUMPS:
        assert make(mx.init).dumps() == ref[k], k
    assert mx.init.Normal(0.8).dumps() == '["normal", {"sigma": 0.8}]'
    assert mx.init.Xavier().dumps() == \
        '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'


def test_values_match_mxnet_for_same_seed():
    got = S.run_initializers(mx)
    for k, v in got.items():
        np.testing.assert_allclose(v, REF["init/" + k], rtol=1e-6, atol=1e-7, err_msg=k)
    # uniform/normal/xavier are bit-exact
    for k in ("uniform", "normal", "xavier", "normal08"):
        assert np.array_equal(got[k], REF["init/" + k]), k


def test_initdesc_suffix_dispatch():
    init = mx.init.Constant(5.0)
    for name, val in (("fc_weight", 5.0), ("fc_bias", 0.0), ("bn_gamma", 1.0), ("bn_beta", 0.0),
                      ("q_min", 0.0), ("q_max", 1.0)):
        a = mx.nd.full((2, 2), 7.0)
        init(mx.init.InitDesc(name), a)
        assert (a.asnumpy() == val).all(), name
    with pytest.raises(ValueError, match="Unknown initialization pattern"):
        init(mx.init.InitDesc("bn_moving_mean"), mx.nd.zeros((2,)))
    # __init__ attribute wins
    a = mx.nd.zeros((2,))
    init(mx.init.InitDesc("fc_bias", attrs={"__init__": '["one", {}]'}), a)
    assert (a.asnumpy() == 1).all()


def test_plain_string_dispatch():
    init = mx.init.Constant(5.0)
    for name, val in (("fc_weight", 5.0), ("fc_bias", 0.0), ("bn_gamma", 1.0), ("bn_beta", 0.0),
                      ("bn_moving_mean", 0.0), ("bn_moving_var", 1.0), ("x_moving_inv_var", 0.0),
                      ("x_moving_avg", 0.0), ("stn_loc_weight", 0.0)):
        a = mx.nd.full((2, 3), 7.0)
        with pytest.warns(DeprecationWarning):
            init(name, a)
        assert (a.asnumpy() == val).all(), name
    a = mx.nd.zeros((6,))
    with pytest.warns(DeprecationWarning):
        init("stn_loc_bias", a)
    assert a.asnumpy().tolist() == [1, 0, 0, 0, 1, 0]
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError):
        init("something_else", mx.nd.zeros((2,)))


def test_create_and_registry():
    assert isinstance(mx.init.create("xavier"), mx.init.Xavier)
    assert isinstance(mx.init.create("zeros"), mx.init.Zero)
    assert isinstance(mx.init.create("ONES"), mx.init.One)
    assert mx.init.create('["normal", {"sigma": 0.3}]').sigma == 0.3
    x = mx.init.Uniform()
    assert mx.init.create(x) is x
    with pytest.raises(ValueError, match="Cannot find initializer"):
        mx.init.create("nosuch")
    assert mx.initializer is mx.init

    @mx.init.register
    class MyInit(mx.init.Initializer):
        def _init_weight(self, _, arr):
            arr[:] = 3

    a = mx.nd.zeros((2,))
    mx.init.create("myinit")(mx.init.InitDesc("w_weight"), a)
    assert (a.asnumpy() == 3).all()


def test_errors_and_composites():
    with pytest.raises(ValueError, match="Xavier"):
        mx.init.Xavier()(mx.init.InitDesc("v_weight"), mx.nd.zeros((3,)))
    with pytest.raises(ValueError, match="factor"):
        mx.init.Xavier(factor_type="bad")(mx.init.InitDesc("v_weight"), mx.nd.zeros((3, 3)))
    m = mx.init.Mixed(["bias$", ".*"], [mx.init.Zero(), mx.init.One()])
    a, b = mx.nd.full((2,), 5.0), mx.nd.full((2,), 5.0)
    m("fc_bias", a)
    m("fc_weight", b)
    assert a.asnumpy().tolist() == [0, 0] and b.asnumpy().tolist() == [1, 1]
    with pytest.raises(ValueError):
        mx.init.Mixed(["^a"], [mx.init.Zero()])("b", a)
    ld = mx.init.Load({"arg:w": mx.nd.array([1.0, 2.0])}, default_init=mx.init.Constant(9))
    c, d = mx.nd.zeros((2,)), mx.nd.zeros((2, 2))
    ld("w", c)
    ld("other_weight", d)
    assert c.asnumpy().tolist() == [1, 2] and (d.asnumpy() == 9).all()
    with pytest.raises(mx.base.MXNetError):
        ld("w", mx.nd.zeros((3,)))
    with pytest.raises(NotImplementedError):
        mx.init.FusedRNN(None, 4, 1, "lstm")._init_weight(mx.init.InitDesc("rnn_parameters"),
                                                          mx.nd.zeros((8,)))
    assert mx.init.Uniform(0.1) == mx.init.Uniform(0.1) and mx.init.Uniform(0.1) != mx.init.Normal()
    mx.init.Uniform().set_verbosity(True)(mx.init.InitDesc("a_weight"), mx.nd.zeros((2, 2)))
