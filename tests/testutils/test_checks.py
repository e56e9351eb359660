"""check_numeric_gradient (Symbol and callable forms), numeric_grad,
check_symbolic_forward/backward, simple_forward, check_consistency,
check_speed, compare_optimizer and check_gluon_hybridize_consistency: they
pass on right answers and fail, naming the argument, on wrong ones."""
import numpy as np
import pytest

import gluonx as mx
from gluonx import test_utils as tu
from gluonx.base import MXNetError


def test_numeric_gradient_of_a_symbol_list_and_dict_locations():
    x, w = mx.sym.var("x"), mx.sym.var("w")
    fc = mx.sym.FullyConnected(x, w, num_hidden=4, no_bias=True)
    xv, wv = np.random.rand(2, 3), np.random.rand(4, 3)
    tu.check_numeric_gradient(fc, [xv, wv], dtype=np.float64)
    tu.check_numeric_gradient(fc, {"x": xv, "w": wv}, rtol=1e-2, atol=1e-2)            # float32 default
    tu.check_numeric_gradient(mx.sym.tanh(x) * mx.sym.exp(w), [np.random.rand(3), np.random.rand(3)],
                              dtype=np.float64, grad_nodes=["w"])


def test_numeric_gradient_of_a_symbol_catches_a_wrong_gradient():
    x = mx.sym.var("x")
    wrong = x * mx.sym.BlockGrad(x)            # backward sees x, finite differences see 2x
    with pytest.raises(AssertionError, match="NUMERICAL_x.*BACKWARD_x"):
        tu.check_numeric_gradient(wrong, [np.array([1.0, 2.0])], dtype=np.float64)


def test_numeric_gradient_grad_req_add_and_null_and_aux_states():
    x, w = mx.sym.var("x"), mx.sym.var("w")
    fc = mx.sym.FullyConnected(x, w, num_hidden=4, no_bias=True)
    tu.check_numeric_gradient(fc, [np.random.rand(2, 3), np.random.rand(4, 3)],
                              grad_nodes={"x": "add", "w": "null"}, dtype=np.float64)
    bn = mx.sym.BatchNorm(mx.sym.var("data"), fix_gamma=False, name="bn")
    tu.check_numeric_gradient(bn, [np.random.rand(4, 3), np.random.rand(3) + 0.5, np.random.rand(3)],
                              aux_states=[np.zeros(3), np.ones(3)], dtype=np.float64, rtol=1e-4, atol=1e-6)


def test_numeric_gradient_of_a_grouped_symbol():
    x, y = mx.sym.var("x"), mx.sym.var("y")
    tu.check_numeric_gradient(mx.sym.Group([mx.sym.sin(x), x * y]), [np.random.rand(3), np.random.rand(3)],
                              dtype=np.float64)


def test_numeric_gradient_bad_arguments_are_clear_errors():
    x = mx.sym.var("x")
    with pytest.raises(ValueError) as err:
        tu.check_numeric_gradient(mx.sym.sin(x), {"y": np.ones(2)})
    assert isinstance(err.value, MXNetError) and "'x'" in str(err.value)
    with pytest.raises(ValueError, match="not arguments"):
        tu.check_numeric_gradient(mx.sym.sin(x), [np.ones(2)], grad_nodes=["z"])
    with pytest.raises(ValueError, match="too small"):
        tu.check_numeric_gradient(mx.sym.sin(x), [np.ones(2)], numeric_eps=1e-7)
    with pytest.raises(ValueError, match="dtype"):
        tu.check_numeric_gradient(mx.sym.sin(x), [np.ones(2)], dtype=np.int32)
    with pytest.raises(TypeError):
        tu.check_numeric_gradient(42, [np.ones(2)])


def test_numeric_gradient_of_a_callable():
    tu.check_numeric_gradient(lambda a: mx.nd.exp(a), [np.array([0.5, 1.5])])
    tu.check_numeric_gradient(lambda a, b: a * b, {"a": np.random.rand(3), "b": np.random.rand(3)})

    class Wrong(mx.autograd.Function):
        def forward(self, v):
            return v * v

        def backward(self, dy):
            return dy            # should be 2 v dy

    with pytest.raises(AssertionError, match="gradient of arg0"):
        tu.check_numeric_gradient(lambda a: Wrong()(a), [np.array([1.0, 2.0])])


def test_numeric_grad_executor_form_matches_the_derivative():
    x = mx.sym.var("x")
    ex = (mx.sym.sin(x) * 3).bind(mx.cpu(), args={"x": mx.nd.zeros(4, dtype="float64")}, grad_req="null")
    xv = np.linspace(-1, 1, 4)
    g = tu.numeric_grad(ex, {"x": xv.copy()}, eps=1e-5, dtype=np.float64)
    np.testing.assert_allclose(g["x"], 3 * np.cos(xv), rtol=1e-7)
    np.testing.assert_allclose(ex.arg_dict["x"].asnumpy(), xv)           # restored after probing
    g2 = tu.numeric_grad(lambda a: a ** 3, [np.array([2.0])], eps=1e-4)
    np.testing.assert_allclose(g2[0], [12.0], rtol=1e-6)


def test_check_symbolic_forward():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    m1, m2 = np.array([[1., 2.], [3., 4.]]), np.array([[5., 6.], [7., 8.]])
    out = tu.check_symbolic_forward(mx.sym.dot(a, b), [m1, m2], [m1 @ m2])
    assert out[0].shape == (2, 2)
    s = mx.sym.dot(a, b)
    tu.check_symbolic_forward(s, {"a": m1, "b": m2}, {s.list_outputs()[0]: m1 @ m2}, dtype=np.float64)
    tu.check_symbolic_forward(a + b, [m1.astype(np.int32), m2.astype(np.int32)], [m1 + m2], dtype="asnumpy")
    with pytest.raises(AssertionError, match="EXPECTED_.*FORWARD_"):
        tu.check_symbolic_forward(mx.sym.dot(a, b), [m1, m2], [m1 @ m2 + 1])
    with pytest.raises(ValueError, match="expected values"):
        tu.check_symbolic_forward(a + b, [m1, m2], [m1, m2])


def test_check_symbolic_forward_with_aux_states():
    data = mx.sym.var("data")
    bn = mx.sym.BatchNorm(data, fix_gamma=False, name="bn", eps=1e-5)
    x = np.random.rand(4, 3)
    gamma, beta, mean, var = np.full(3, 2.0), np.full(3, 0.5), np.full(3, 0.25), np.full(3, 4.0)
    want = gamma * (x - mean) / np.sqrt(var + 1e-5) + beta
    tu.check_symbolic_forward(bn, [x, gamma, beta], [want], aux_states={"bn_moving_mean": mean, "bn_moving_var": var},
                              dtype=np.float64)


@pytest.mark.parametrize("req", ["write", "add", "null"])
def test_check_symbolic_backward_grad_reqs(req):
    a, b = mx.sym.var("a"), mx.sym.var("b")
    av, bv, head = np.random.rand(3), np.random.rand(3), np.random.rand(3)
    grads = tu.check_symbolic_backward(a * b, [av, bv], [head], [head * bv, head * av], grad_req=req,
                                       dtype=np.float64)
    assert set(grads) == {"a", "b"}


def test_check_symbolic_backward_checks_only_the_given_arguments_and_fails_on_wrong_values():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    av, bv = np.random.rand(3), np.random.rand(3)
    tu.check_symbolic_backward(a * b, [av, bv], [np.ones(3)], {"b": av}, dtype=np.float64)
    s = a * b
    tu.check_symbolic_backward(s, [av, bv], {s.list_outputs()[0]: np.ones(3)}, {"a": bv}, dtype=np.float64)
    with pytest.raises(ValueError, match="head gradients"):
        tu.check_symbolic_backward(s, [av, bv], {"nope": np.ones(3)}, {"a": bv}, dtype=np.float64)
    with pytest.raises(AssertionError, match="EXPECTED_a.*BACKWARD_a"):
        tu.check_symbolic_backward(a * b, [av, bv], [np.ones(3)], [av, bv], dtype=np.float64)
    with pytest.raises(NotImplementedError):
        tu.check_symbolic_backward(a * b, [av, bv], [np.ones(3)], [bv, av], grad_stypes={"a": "row_sparse"})


def test_simple_forward():
    x = mx.sym.var("x")
    np.testing.assert_allclose(tu.simple_forward(x * 2, x=np.array([1.0, 2.0])), [2.0, 4.0])
    outs = tu.simple_forward(mx.sym.Group([x + 1, x - 1]), x=np.array([1.0]))
    assert [o.tolist() for o in outs] == [[2.0], [0.0]]


def _sweep(shapes, dtypes):
    return [dict(ctx=mx.cpu(0), type_dict={k: t for k in shapes}, **shapes) for t in dtypes]


def test_check_consistency_over_a_dtype_sweep():
    x, w = mx.sym.var("x"), mx.sym.var("w")
    fc = mx.sym.FullyConnected(x, w, num_hidden=5, no_bias=True)
    gt = tu.check_consistency(fc, _sweep({"x": (3, 4), "w": (5, 4)}, [np.float64, np.float32, np.float16]))
    assert set(gt) >= {fc.list_outputs()[0], "x", "w"}
    assert gt["x"].dtype == np.float64                      # the most precise run is the reference
    tu.check_consistency(mx.sym.sin(x), _sweep({"x": (7,)}, [np.float32, np.float64]), grad_req="null",
                         use_uniform=True)
    tu.check_consistency(mx.sym.sin(x), _sweep({"x": (7,)}, [np.float32, np.float64]), grad_req="add")


def test_check_consistency_reports_a_mismatch():
    x = mx.sym.var("x")
    sin = mx.sym.sin(x)
    arg = {"x": np.random.rand(4)}
    truth = {sin.list_outputs()[0]: mx.nd.array(np.cos(arg["x"]), dtype="float64")}
    with pytest.raises(AssertionError):
        tu.check_consistency(sin, _sweep({"x": (4,)}, [np.float32, np.float64]), arg_params=arg,
                             ground_truth=truth, grad_req="null")
    tu.check_consistency(sin, _sweep({"x": (4,)}, [np.float32, np.float64]), arg_params=arg,
                         ground_truth=truth, grad_req="null", raise_on_err=False)
    with pytest.raises(ValueError, match="at least two"):
        tu.check_consistency(sin, _sweep({"x": (4,)}, [np.float32]))


def test_check_speed_returns_seconds_per_run():
    x = mx.sym.var("x")
    for typ in ("whole", "forward"):
        t = tu.check_speed(mx.sym.sin(x), N=2, typ=typ, x=(10,))
        assert isinstance(t, float) and t >= 0
    assert tu.check_speed(mx.sym.sin(x), location={"x": np.ones(3)}, N=1) >= 0
    with pytest.raises(ValueError, match="typ"):
        tu.check_speed(mx.sym.sin(x), typ="backward", x=(2,))


def test_same_symbol_structure():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    assert tu.same_symbol_structure(mx.sym.sin(a) + b, mx.sym.sin(b) + a)
    assert not tu.same_symbol_structure(mx.sym.sin(a), mx.sym.cos(a))
    assert not tu.same_symbol_structure(mx.sym.sin(a), mx.sym.sin(mx.sym.sin(a)))


def test_compare_optimizer():
    tu.compare_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9),
                         mx.optimizer.SGD(learning_rate=0.1, momentum=0.9), (3, 4), "float32")
    with pytest.raises(AssertionError):
        tu.compare_optimizer(mx.optimizer.SGD(learning_rate=0.1), mx.optimizer.SGD(learning_rate=0.2), (3, 4),
                             "float32")
    with pytest.raises(NotImplementedError) as err:
        tu.compare_optimizer(mx.optimizer.SGD(), mx.optimizer.SGD(), (3, 4), "float32", w_stype="row_sparse")
    assert isinstance(err.value, MXNetError)


def test_check_gluon_hybridize_consistency():
    def builder(prefix):
        net = mx.gluon.nn.HybridSequential(prefix=prefix)
        with net.name_scope():
            net.add(mx.gluon.nn.Dense(4, activation="tanh"), mx.gluon.nn.Dense(2))
        return net
    data = [mx.nd.array(np.random.rand(3, 5))]
    tu.check_gluon_hybridize_consistency(builder, data)

    def numpy_dense(prefix):
        return mx.gluon.nn.Dense(3, in_units=5, use_bias=False, weight_initializer=mx.init.Constant(0.5),
                                 prefix=prefix)
    tu.check_gluon_hybridize_consistency(numpy_dense, data, numpy_func=lambda x: x @ np.full((5, 3), 0.5))
    with pytest.raises(AssertionError):
        tu.check_gluon_hybridize_consistency(numpy_dense, data, numpy_func=lambda x: x @ np.full((5, 3), 0.25))
