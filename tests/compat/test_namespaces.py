"""mx.base / util / runtime / engine / context / contrib.autograd / np stand-ins, the thread-local
class properties MXNet code assigns, and add_n / make_loss / MakeLoss against MXNet 1.9.1."""
import json
import os
import threading

import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError

HERE = os.path.dirname(os.path.abspath(__file__))


def test_errors_are_runtime_errors_as_in_mxnet():
    with pytest.raises(RuntimeError):
        mx.nd.ones((2,)) + mx.nd.ones((3,))
    e = mx.base.MXNetFileNotFoundError(2, "no file", "x.params")
    assert isinstance(e, MXNetError) and isinstance(e, FileNotFoundError) and e.errno == 2
    assert e.filename == "x.params"


def test_base_helpers():
    assert mx.base.py_str(b"abc") == "abc"
    assert mx.base._as_list(3) == [3] and mx.base._as_list((1, 2)) == [1, 2]
    assert "not implemented for Symbol" in str(mx.base.NotImplementedForSymbol("f", "x.f"))
    old = os.environ.pop("MXNET_HOME", None)
    try:
        assert mx.base.data_dir() == os.path.join(os.path.expanduser("~"), ".mxnet")
        os.environ["MXNET_HOME"] = "/tmp/mxh"
        assert mx.base.data_dir() == "/tmp/mxh"
    finally:
        os.environ.pop("MXNET_HOME", None)
        if old is not None:
            os.environ["MXNET_HOME"] = old


def test_getenv_sees_what_c_sees():
    with mx.test_utils.environment("GLUONX_T_ENV", "7"):
        assert mx.util.getenv("GLUONX_T_ENV") == "7"
    assert mx.util.getenv("GLUONX_T_ENV") is None


def test_np_shape_scopes_are_thread_local():
    seen = []
    with mx.np_shape(True):
        assert mx.is_np_shape()
        t = threading.Thread(target=lambda: seen.append(mx.is_np_shape()))
        t.start()
        t.join()
    assert not mx.is_np_shape() and seen == [False]
    assert mx.util.set_np_shape(True) is False
    assert mx.util.set_np_shape(False) is True


def test_np_namespace_says_not_implemented():
    with pytest.raises(NotImplementedError, match="mxnet.numpy.ones"):
        mx.np.ones((2,))
    with pytest.raises(NotImplementedError, match="mxnet.numpy.random.uniform"):
        mx.np.random.uniform(size=2)
    with pytest.raises(NotImplementedError):
        mx.npx.relu(mx.nd.ones(2))
    assert not isinstance(mx.nd.ones(2), mx.np.ndarray)
    with pytest.raises(NotImplementedError):
        mx.util.set_np()
    with pytest.raises(MXNetError):
        mx.np.ndarray((2,))


def test_runtime_features_are_honest():
    f = mx.runtime.Features()
    assert f is mx.runtime.Features() and len(f) >= 30
    assert not f.is_enabled("cuda") and f.is_enabled("OPENMP") and not f.is_enabled("MKLDNN")
    with pytest.raises(RuntimeError, match="unknown"):
        f.is_enabled("no such feature")
    assert repr(f["CUDA"]) == "✖ CUDA"


def test_engine_bulk():
    prev = mx.engine.set_bulk_size(4)
    with mx.engine.bulk(8):
        assert mx.engine.set_bulk_size(8) == 8
    assert mx.engine.set_bulk_size(prev) == 4


def test_gpu_memory_info_without_gpu():
    if mx.num_gpus():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="no gpu"):
        mx.context.gpu_memory_info(0)


def test_thread_local_class_properties():
    ctx_in_thread = []
    mx.Context.default_ctx = mx.cpu(0)

    def f():
        mx.Context.default_ctx = mx.Context("cpu", 3)
        ctx_in_thread.append(mx.Context.default_ctx)
        mx.name.NameManager.current = mx.name.NameManager()
        mx.AttrScope.current = mx.AttrScope(x="in thread")
        ctx_in_thread.append(mx.AttrScope.current._attr)
    t = threading.Thread(target=f)
    t.start()
    t.join()
    assert ctx_in_thread == [mx.Context("cpu", 3), {"x": "in thread"}]
    assert mx.Context.default_ctx == mx.cpu(0) and mx.current_context() == mx.cpu(0)
    assert "x" not in mx.AttrScope.current._attr


def test_contrib_autograd():
    from gluonx.contrib import autograd as ag
    x = mx.nd.array([1.0, 2.0, 3.0])
    grads, loss = ag.grad_and_loss(lambda a: (a * a * a).sum())(x)
    np.testing.assert_allclose(grads[0].asnumpy(), 3 * x.asnumpy() ** 2)
    assert ag.grad(lambda a, b: (a * b).sum(), argnum=1)(x, x * 2)[0].asnumpy().tolist() == [1, 2, 3]
    with ag.train_section():
        assert mx.autograd.is_recording() and mx.autograd.is_training()
        with ag.test_section():
            assert not mx.autograd.is_recording()
    with pytest.raises(TypeError):
        ag.backward(x)


with open(os.path.join(HERE, "loss_ops_cases.json")) as _f:
    LOSS_OP_CASES = json.load(_f)


@pytest.mark.parametrize("case", LOSS_OP_CASES, ids=lambda c: "%s-%s" % (c["op"], c["attrs"]))
def test_loss_ops_match_mxnet(case):
    arrays = [mx.nd.array(v) for v in case["inputs"]]
    for a in arrays:
        a.attach_grad()
    op = getattr(mx.nd, case["op"])
    with mx.autograd.record():
        if case["op"] in ("add_n", "ElementWiseSum"):
            y = op(*arrays)
            z = y * mx.nd.array(case["times"])
        else:
            y = z = op(arrays[0] * 2, **case["attrs"])
    z.backward(None if case["head"] is None else mx.nd.array(case["head"]))
    np.testing.assert_allclose(y.asnumpy(), case["output"], rtol=1e-5, atol=1e-6)
    for a, g in zip(arrays, case["grads"]):
        np.testing.assert_allclose(a.grad.asnumpy(), g, rtol=1e-6)


def test_add_n_errors_and_symbol():
    with pytest.raises(ValueError, match="add_n.*same shape"):
        mx.nd.add_n(mx.nd.ones(2), mx.nd.ones(3))
    with pytest.raises(TypeError, match="add_n.*dtype"):
        mx.nd.add_n(mx.nd.ones(2), mx.nd.ones(2, dtype="float64"))
    s = mx.sym.ElementWiseSum(mx.sym.var("x"), mx.sym.var("y"), name="esum")
    assert s.infer_shape(x=(2, 3))[0] == [(2, 3), (2, 3)]
    out = s.eval(x=mx.nd.ones((2, 3)), y=mx.nd.ones((2, 3)) * 2)[0]
    assert out.asnumpy().tolist() == [[3.0] * 3] * 2
