"""Optimizers and fused update ops against committed MXNet 1.9.1 trajectories
(tests/data/optimizer/reference.npz, written by gen_reference.py)."""
import os
import sys
import warnings

import numpy as np
import pytest

import gluonx as mx

sys.path.insert(0, os.path.dirname(__file__))
import scenarios as S  # noqa: E402

REF = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "optimizer", "reference.npz"))

# float64: MXNet mixes float32 parameters into double math; float16: it rounds each op
TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=2e-5, atol=2e-6),
       "float16": dict(rtol=4e-3, atol=4e-3)}


def _compare(prefix, got, tol):
    assert got, prefix
    for k, v in got.items():
        ref = REF[prefix + k]
        np.testing.assert_allclose(v, ref, err_msg=prefix + k, **tol)


@pytest.mark.parametrize("key", sorted(S.OPTIMIZERS))
def test_optimizer_trajectory(key):
    _compare("opt/%s/" % key, S.run_optimizer(mx, key), TOL["float32"])


@pytest.mark.parametrize("key", sorted(S.OPTIMIZERS))
def test_optimizer_idx2name_mults(key):
    _compare("optnames/%s/" % key, S.run_optimizer(mx, key, names=True), TOL["float32"])


@pytest.mark.parametrize("key", ["sgd", "sgd_mom", "nag", "adam", "lamb", "lars"])
def test_optimizer_multi_precision(key):
    got = S.run_optimizer(mx, key, dtype="float16", multi_precision=True)
    _compare("optmp/%s/" % key, got, dict(rtol=0, atol=1e-3))


@pytest.mark.parametrize("key", ["sgd_mom", "adam"])
def test_optimizer_float64(key):
    _compare("opt64/%s/" % key, S.run_optimizer(mx, key, dtype="float64"), TOL["float64"])


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("key", sorted(S.OPS))
def test_update_op(key, dtype):
    _compare("op/%s/%s/" % (key, dtype), S.run_op(mx, key, dtype=dtype), TOL[dtype])


def test_mp_update_ops():
    got = S.run_mp_ops(mx)
    for k, v in got.items():
        tol = dict(rtol=2e-5, atol=2e-6) if "_w32_" in k else dict(rtol=0, atol=1e-3)
        np.testing.assert_allclose(v, REF["mpop/" + k], err_msg=k, **tol)


def test_lamb_ops():
    _compare("lamb/", S.run_lamb_ops(mx), TOL["float32"])


def test_sgd_rule_by_hand():
    """w -= lr * (clip(rescale * g) + wd * w), wd only on *_weight/*_gamma."""
    opt = mx.optimizer.SGD(learning_rate=0.1, wd=0.5, rescale_grad=2.0, clip_gradient=1.0,
                           param_idx2name={0: "a_weight", 1: "a_bias"})
    upd = mx.optimizer.get_updater(opt)
    w0 = np.array([1.0, -2.0, 3.0], np.float32)
    g = np.array([0.2, -3.0, 0.4], np.float32)
    ws = [mx.nd.array(w0), mx.nd.array(w0)]
    for i in range(2):
        upd(i, mx.nd.array(g), ws[i])
    cg = np.clip(2.0 * g, -1, 1)
    np.testing.assert_allclose(ws[0].asnumpy(), w0 - 0.1 * (cg + 0.5 * w0), rtol=1e-6)
    np.testing.assert_allclose(ws[1].asnumpy(), w0 - 0.1 * cg, rtol=1e-6)
    assert opt.num_update == 1 and opt._index_update_count == {0: 1, 1: 1}


def test_registry_and_create():
    assert isinstance(mx.optimizer.create("SGD"), mx.optimizer.SGD)
    assert isinstance(mx.optimizer.create("AdAm", learning_rate=0.1), mx.optimizer.Adam)
    assert mx.optimizer.Optimizer.create_optimizer("nadam").lr == 0.001
    with pytest.raises(ValueError, match="Cannot find optimizer"):
        mx.optimizer.create("nosuchopt")

    @mx.optimizer.register
    class MyOpt(mx.optimizer.Optimizer):
        def update(self, index, weight, grad, state):
            self._update_count(index)
            weight[:] -= self._get_lr(index) * grad

    o = mx.optimizer.create("myopt", learning_rate=0.5)
    w = mx.nd.ones((2,))
    mx.optimizer.get_updater(o)(3, mx.nd.ones((2,)), w)
    assert w.asnumpy().tolist() == [0.5, 0.5]
    del mx.optimizer.Optimizer.opt_registry["myopt"]


def test_learning_rate_and_scheduler():
    opt = mx.optimizer.SGD(learning_rate=0.2)
    assert opt.learning_rate == 0.2
    opt.set_learning_rate(0.3)
    assert opt.learning_rate == 0.3
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(lr_scheduler=sched)
    with pytest.raises(UserWarning):
        opt.set_learning_rate(0.1)
    opt = mx.optimizer.SGD(learning_rate=0.7, lr_scheduler=mx.lr_scheduler.FactorScheduler(2))
    assert opt.lr_scheduler.base_lr == 0.7
    opt = mx.optimizer.SGD(begin_num_update=10)
    opt._update_count(0)
    assert opt.num_update == 11


def test_lr_wd_mult():
    opt = mx.optimizer.SGD(learning_rate=1.0, wd=1.0,
                           param_idx2name={0: "x_weight", 1: "x_bias", 2: "bn_gamma", 3: "x_beta"})
    assert [opt._get_wd(i) for i in range(4)] == [1.0, 0.0, 1.0, 0.0]
    opt.set_lr_mult({1: 3.0, "x_weight": 0.5})
    opt.set_wd_mult({"x_bias": 2.0})
    assert [opt._get_lr(i) for i in range(4)] == [0.5, 3.0, 1.0, 1.0]
    assert opt._get_wd(1) == 2.0 and opt._get_wd(3) == 0.0


def test_float16_without_multi_precision_warns():
    opt = mx.optimizer.SGD(momentum=0.9)
    with pytest.warns(UserWarning, match="multi_precision"):
        st = opt.create_state_multi_precision(0, mx.nd.ones((2,), dtype="float16"))
    assert st.dtype == np.float16
    opt = mx.optimizer.SGD(momentum=0.9, multi_precision=True)
    mom, w32 = opt.create_state_multi_precision(0, mx.nd.ones((2,), dtype="float16"))
    assert mom.dtype == np.float32 and w32.dtype == np.float32
    opt = mx.optimizer.Adam(multi_precision=True)
    w32, (m, v) = opt.create_state_multi_precision(0, mx.nd.ones((2,), dtype="float16"))
    assert w32.dtype == np.float32 and m.dtype == np.float32


@pytest.mark.parametrize("key", ["sgd_mom", "adam", "rmsprop_centered", "nadam", "ftml", "dcasgd"])
def test_updater_states_roundtrip(key):
    """Running 3 steps, saving, restoring into a fresh updater and running 3 more
    gives the uninterrupted trajectory (pickle-free states)."""
    name, kw = S.OPTIMIZERS[key]
    w0, grads = S._data(10)

    def fresh():
        return mx.optimizer.get_updater(mx.optimizer.create(name, **kw))

    upd = fresh()
    w = mx.nd.array(w0)
    for s in range(3):
        upd(0, mx.nd.array(grads[s]), w)
    blob = upd.get_states(dump_optimizer=True)
    assert isinstance(blob, bytes) and b"pickle" not in blob[:16]
    upd2 = fresh()
    upd2.set_states(blob)
    assert upd2.optimizer.num_update == 3
    for s in range(3, 6):
        upd2(0, mx.nd.array(grads[s]), w)
    np.testing.assert_allclose(w.asnumpy(), REF["opt/%s/w0_step5" % key], rtol=2e-5, atol=2e-6)
    # without the optimizer: counters and states only
    upd3 = fresh()
    upd3.load_states_bytes(upd.save_states_bytes())
    assert set(upd3.states) == {0}
    with pytest.raises(mx.base.MXNetError):
        upd3.set_states(b"\x80\x04not ours")


def test_updater_multi_precision_states_roundtrip():
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, multi_precision=True)
    upd = mx.optimizer.get_updater(opt)
    w = mx.nd.ones((3,), dtype="float16")
    upd("p", mx.nd.ones((3,), dtype="float16"), w)
    upd2 = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9,
                                                     multi_precision=True))
    upd2.set_states(upd.get_states())
    mom, w32 = upd2.states["p"]
    assert w32.dtype == np.float32 and mom.dtype == np.float32
    np.testing.assert_allclose(w32.asnumpy(), upd.states["p"][1].asnumpy())


def test_update_op_out_none_and_views():
    w = mx.nd.array([1.0, 2.0, 3.0])
    g = mx.nd.array([1.0, 1.0, 1.0])
    r = mx.nd.sgd_update(w, g, lr=0.5)
    assert w.asnumpy().tolist() == [1.0, 2.0, 3.0]
    assert r.asnumpy().tolist() == [0.5, 1.5, 2.5]
    # a transposed (non-contiguous) weight, grad and state
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    wt = mx.nd.array(base).T
    gt = mx.nd.array(np.ones((3, 4), np.float32)).T
    mt = mx.nd.zeros((3, 4)).T
    mx.nd.sgd_mom_update(wt, gt, mt, lr=0.1, momentum=0.9, out=wt)
    np.testing.assert_allclose(wt.asnumpy(), base.T - 0.1, rtol=1e-6)
    np.testing.assert_allclose(mt.asnumpy(), np.full((4, 3), -0.1), rtol=1e-6)


def test_update_op_errors():
    w = mx.nd.ones((2, 3))
    with pytest.raises(mx.base.MXNetError, match="shape"):
        mx.nd.sgd_update(w, mx.nd.ones((3, 2)), lr=0.1)
    with pytest.raises(mx.base.MXNetError, match="dtype"):
        mx.nd.sgd_mom_update(w, mx.nd.ones((2, 3)), mx.nd.ones((2, 3), dtype="float64"), lr=0.1)
    with pytest.raises(mx.base.MXNetError, match="float"):
        mx.nd.sgd_update(mx.nd.ones((2,), dtype="int32"), mx.nd.ones((2,), dtype="int32"), lr=0.1)
    with pytest.raises(TypeError, match="lr"):
        mx.nd.sgd_update(w, w)
    with pytest.raises(TypeError, match="'t'"):
        mx.nd.ftml_update(w, w, w.copy(), w.copy(), w.copy(), lr=0.1)
    with pytest.raises(mx.base.MXNetError, match="float32"):
        mx.nd.mp_sgd_update(mx.nd.ones((2,), dtype="float16"), mx.nd.ones((2,), dtype="float16"),
                            mx.nd.ones((2,), dtype="float16"), lr=0.1)


def test_update_ops_not_recorded():
    w = mx.nd.ones((3,))
    w.attach_grad()
    x = mx.nd.ones((3,))
    x.attach_grad()
    with mx.autograd.record():
        y = (x * 2).sum()
    y.backward()
    mx.nd.sgd_update(w, x.grad, lr=0.1, out=w)
    np.testing.assert_allclose(w.asnumpy(), [0.8, 0.8, 0.8], rtol=1e-6)


def test_test_optimizer_and_sgld():
    mx.random.seed(1)
    opt = mx.optimizer.create("sgld", learning_rate=0.01)
    w = mx.nd.zeros((1000,))
    mx.optimizer.get_updater(opt)(0, mx.nd.zeros((1000,)), w)
    assert 0.07 < float(w.asnumpy().std()) < 0.13  # noise with std sqrt(lr) = 0.1
