"""Executor (simple_bind / bind / forward / backward) against values made
with real MXNet 1.9.1 (tests/data/symbol/executor_cases.*), against eager
autograd, and its error paths."""
import json
import os

import numpy as np
import pytest

import gluonx as mx

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "symbol")
SPEC = json.load(open(os.path.join(DATA, "executor_cases.json")))
REF = np.load(os.path.join(DATA, "executor_cases.npz"))


def _build(code):
    ns = {"mx": mx, "np": np}
    with mx.name.NameManager():
        exec(code, ns)
    return ns["sym"]


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["name"] for c in SPEC["cases"]])
def test_matches_mxnet(case):
    name = case["name"]
    sym = _build(case["code"])
    assert sym.list_arguments() == case["list_arguments"]
    assert sym.list_auxiliary_states() == case["list_auxiliary_states"]
    shapes = {k: tuple(v) for k, v in case["shapes"].items()}
    ex = sym.simple_bind(mx.cpu(), grad_req="write", **shapes)
    for n in case["list_arguments"]:
        ex.arg_dict[n][:] = REF["%s:arg:%s" % (name, n)]
    for n in case["list_auxiliary_states"]:
        ex.aux_dict[n][:] = REF["%s:aux:%s" % (name, n)]
    outs = ex.forward(is_train=True)
    for i, o in enumerate(outs):
        np.testing.assert_allclose(o.asnumpy(), REF["%s:out_train:%d" % (name, i)], rtol=1e-4, atol=1e-5)
    heads = [mx.nd.array(REF["%s:head_grad:%d" % (name, i)]) for i in range(len(outs))]
    ex.backward(heads)
    for n in case["grad_names"]:
        key = "%s:grad:%s" % (name, n)
        if key in REF:
            np.testing.assert_allclose(ex.grad_dict[n].asnumpy(), REF[key], rtol=1e-4, atol=1e-5, err_msg=n)
    for n in case["list_auxiliary_states"]:
        np.testing.assert_allclose(ex.aux_dict[n].asnumpy(), REF["%s:aux_after:%s" % (name, n)], rtol=1e-4,
                                   atol=1e-6, err_msg=n)
    for i, o in enumerate(ex.forward(is_train=False)):
        np.testing.assert_allclose(o.asnumpy(), REF["%s:out_pred:%d" % (name, i)], rtol=1e-4, atol=1e-5)


def test_against_autograd_and_grad_req():
    x = mx.sym.var("x")
    w = mx.sym.var("w")
    y = mx.sym.sum(mx.sym.tanh(mx.sym.dot(x, w)) * 2 + 1)
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    ex = y.bind(mx.cpu(), {"x": mx.nd.array(xv), "w": mx.nd.array(wv)},
                args_grad={"x": mx.nd.zeros((3, 4)), "w": mx.nd.zeros((4, 2))}, grad_req={"x": "write", "w": "add"})
    ex.forward(is_train=True)
    ex.backward()
    ex.forward(is_train=True)
    ex.backward()
    a, b = mx.nd.array(xv), mx.nd.array(wv)
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        z = mx.nd.sum(mx.nd.tanh(mx.nd.dot(a, b)) * 2 + 1)
    z.backward()
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), z.asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(ex.grad_dict["x"].asnumpy(), a.grad.asnumpy(), rtol=1e-5)
    np.testing.assert_allclose(ex.grad_dict["w"].asnumpy(), 2 * b.grad.asnumpy(), rtol=1e-5)   # 'add' twice


def test_forward_kwargs_reshape_and_copy_params():
    data = mx.sym.var("data")
    net = mx.sym.FullyConnected(data, num_hidden=2, name="fc")
    ex = net.simple_bind(mx.cpu(), data=(4, 3))
    ex.copy_params_from({"fc_weight": mx.nd.ones((2, 3)), "fc_bias": mx.nd.array([1, 2])})
    out = ex.forward(data=mx.nd.ones((4, 3)))[0]
    assert out.asnumpy().tolist() == [[4.0, 5.0]] * 4
    ex2 = ex.reshape(data=(2, 3))
    assert ex2.arg_dict["fc_weight"] is ex.arg_dict["fc_weight"]
    assert ex2.forward(data=mx.nd.ones((2, 3)))[0].shape == (2, 2)
    with pytest.raises(mx.base.MXNetError):
        ex.forward(data=mx.nd.ones((5, 3)))
    with pytest.raises(mx.base.MXNetError):
        ex.copy_params_from({"nope": mx.nd.ones((1,))})


def test_bind_errors_name_the_problem():
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc")
    with pytest.raises(mx.base.MXNetError, match="fc_bias"):
        net.bind(mx.cpu(), {"data": mx.nd.ones((1, 3)), "fc_weight": mx.nd.ones((2, 3))})
    with pytest.raises(mx.base.MXNetError, match="Error in operator fc"):
        net.simple_bind(mx.cpu(), data=(2, 3), fc_weight=(2, 4))
    ex = net.simple_bind(mx.cpu(), data=(2, 3))
    with pytest.raises(mx.base.MXNetError, match="forward"):
        ex.backward()
