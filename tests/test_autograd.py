"""mx.autograd: the MXNet API, the PyTorch vocabulary, higher order, errors."""
import threading

import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd
from gluonx.base import MXNetError


def test_mxnet_documented_higher_order_example():
    x = mx.nd.ones((2,))
    x.attach_grad()
    with autograd.record():
        z = mx.nd.elemwise_add(mx.nd.exp(x), x)
    dx = autograd.grad(z, [x], create_graph=True)
    assert repr(dx) == "[\n[3.7182817 3.7182817]\n<NDArray 2 @cpu(0)>]"
    dx[0].backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [np.e, np.e], rtol=1e-6)


def test_backward_writes_and_adds():
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    for _ in range(2):
        with autograd.record():
            y = (x * x).sum()
        y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [2, 4, 6])  # write: not accumulated
    x.attach_grad(grad_req="add")
    for _ in range(2):
        with autograd.record():
            y = (x * x).sum()
        y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [4, 8, 12])


def test_grad_req_null_gives_zero_grad():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad(grad_req="null")
    assert x.grad.asnumpy().tolist() == [0, 0]


def test_grad_buffer_keeps_identity():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    g = x.grad
    with autograd.record():
        y = x * 3
    y.backward()
    assert x.grad is g and g.asnumpy().tolist() == [3, 3]


def test_broadcast_gradients_are_summed():
    a = mx.nd.array(np.arange(6).reshape(2, 3))
    b = mx.nd.array([1.0, 2.0, 3.0])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = a * b + b
    y.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), np.tile([1, 2, 3], (2, 1)))
    np.testing.assert_allclose(b.grad.asnumpy(), np.arange(6).reshape(2, 3).sum(0) + 2)


def test_scalar_operands_and_reflected_ops():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = 2 - x * 3 + 1 / x + x ** 2
    y.backward()
    xs = np.array([1.0, 2.0])
    np.testing.assert_allclose(x.grad.asnumpy(), -3 - 1 / xs ** 2 + 2 * xs, rtol=1e-6)


def test_head_gradient():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward(mx.nd.array([10.0, 1.0]))
    np.testing.assert_allclose(x.grad.asnumpy(), [20, 4])


def test_kink_conventions():
    x = mx.nd.array([0.0, -1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.relu(x) + mx.nd.abs(x)
    y.backward()
    assert x.grad.asnumpy().tolist() == [0, -1, 2]
    with autograd.record():
        y = mx.nd.clip(x, -1, 2)
    y.backward()
    assert x.grad.asnumpy().tolist() == [1, 1, 1]  # clip passes the gradient at the bounds
    a, b = mx.nd.array([1.0, 2.0]), mx.nd.array([1.0, 1.0])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = mx.nd.maximum(a, b)
    y.backward()
    assert a.grad.asnumpy().tolist() == [1, 1] and b.grad.asnumpy().tolist() == [0, 0]


def test_pause_train_mode_flags():
    assert not autograd.is_recording() and not autograd.is_training()
    with autograd.record():
        assert autograd.is_recording() and autograd.is_training()
        with autograd.pause():
            assert not autograd.is_recording() and not autograd.is_training()
        with autograd.predict_mode():
            assert not autograd.is_training()
    with autograd.record(train_mode=False):
        assert not autograd.is_training()
    with autograd.train_mode():
        assert autograd.is_training() and not autograd.is_recording()
    prev = autograd.set_recording(True)
    assert prev is False and autograd.is_recording()
    autograd.set_recording(False)
    assert autograd.set_training(True) is False
    autograd.set_training(False)


def test_recording_state_is_per_thread():
    seen = []
    with autograd.record():
        t = threading.Thread(target=lambda: seen.append(autograd.is_recording()))
        t.start()
        t.join()
    assert seen == [False]


def test_pause_stops_recording():
    x = mx.nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        with autograd.pause():
            y = x * 2
    assert y.grad_fn is None
    with pytest.raises(MXNetError):
        y.backward()


def test_mark_variables():
    x = mx.nd.array([1.0, 2.0])
    g = mx.nd.zeros((2,))
    autograd.mark_variables([x], [g])
    with autograd.record():
        y = x * 5
    autograd.backward([y])
    assert g.asnumpy().tolist() == [5, 5]


def test_detach_and_stop_gradient():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x.detach() + mx.nd.stop_gradient(x) * x
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [2, 4])


def test_function():
    class Sigmoid(autograd.Function):
        def forward(self, x):
            y = 1 / (1 + mx.nd.exp(-x))
            self.save_for_backward(y)
            return y

        def backward(self, dy):
            y, = self.saved_tensors
            return dy * y * (1 - y)

    x = mx.nd.array([0.0, 1.0])
    x.attach_grad()
    with autograd.record():
        z = Sigmoid()(x) * 2
    z.backward()
    s = 1 / (1 + np.exp(-np.array([0.0, 1.0])))
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * s * (1 - s), rtol=1e-6)


def test_getitem_and_views_carry_gradients():
    x = mx.nd.array(np.arange(12.0).reshape(3, 4))
    x.attach_grad()
    with autograd.record():
        y = (x[1] * 2).sum() + x[:, 0].sum() + x.reshape((4, 3))[0].sum() + x[[0, 0], [1, 1]].sum()
    y.backward()
    want = np.zeros((3, 4))
    want[1] += 2
    want[:, 0] += 1
    want.reshape(4, 3)[0] += 1
    want[0, 1] += 2  # a repeated advanced index accumulates
    np.testing.assert_allclose(x.grad.asnumpy(), want)


# ---- the PyTorch vocabulary ----------------------------------------------------------

def test_requires_grad_records_outside_record():
    x = mx.nd.ones((2, 2), requires_grad=True)
    assert x.requires_grad and x.grad_fn is None
    y = x + 2
    assert type(y.grad_fn).__name__ == "AddBackward0"
    z = y * y
    assert z.grad_fn.name() == "MulBackward0"
    z.backward(mx.nd.ones((2, 2)))
    np.testing.assert_allclose(x.grad.asnumpy(), np.full((2, 2), 6.0))


def test_both_styles_give_the_same_gradients():
    data = np.array([[0.5, -1.0], [2.0, 0.25]])

    def f(x):
        return (mx.nd.tanh(x) * x + mx.nd.exp(x) / 3).sum()

    a = mx.nd.array(data)
    a.attach_grad()
    with autograd.record():
        ya = f(a)
    ya.backward()

    b = mx.nd.array(data)
    b.requires_grad = True
    yb = f(b)
    yb.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), b.grad.asnumpy(), rtol=1e-6)


def test_attach_grad_style_is_not_recorded_outside_record():
    x = mx.nd.ones((2,))
    x.attach_grad()
    y = x + 2
    assert y.grad_fn is None


def test_no_grad_and_pause_stop_requires_grad_style():
    x = mx.nd.ones((2,), requires_grad=True)
    with autograd.no_grad():
        y = x * 2
    assert y.grad_fn is None
    with autograd.pause():
        y = x * 2
    assert y.grad_fn is None


def test_freezing_with_requires_grad_false():
    w = mx.nd.ones((2,), requires_grad=True)
    w.requires_grad = False
    assert w.grad is None and not w.requires_grad
    y = w * 2
    assert y.grad_fn is None


def test_requires_grad_on_computed_array_is_refused():
    x = mx.nd.ones((2,), requires_grad=True)
    y = x * 2
    with pytest.raises(MXNetError):
        y.requires_grad = False


# ---- errors ---------------------------------------------------------------------------

def test_second_backward_without_retain_graph():
    x = mx.nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward(retain_graph=True)
    y.backward()
    with pytest.raises(MXNetError, match="retain_graph"):
        y.backward()


def test_backward_on_unrecorded_result():
    x = mx.nd.array([1.0])
    y = x * 2
    with pytest.raises(MXNetError, match="record"):
        y.backward()


def test_inplace_write_to_recorded_array():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * 2
        with pytest.raises(MXNetError, match="in-place"):
            y += 1
        with pytest.raises(MXNetError, match="in-place"):
            y[:] = 0
        with pytest.raises(MXNetError, match="in-place"):
            mx.nd.exp(x, out=y)


def test_head_gradient_shape_mismatch():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * 2
    with pytest.raises(ValueError) as e:
        y.backward(mx.nd.ones((3,)))
    assert isinstance(e.value, MXNetError) and "(3,)" in str(e.value)


def test_get_symbol_of_an_unrecorded_array_is_a_clear_error():
    with pytest.raises(mx.base.MXNetError, match="record"):
        autograd.get_symbol(mx.nd.ones((1,)))


def test_creation_functions_accept_requires_grad():
    x = mx.nd.array([1.0, 2.0], requires_grad=True)
    z = mx.nd.zeros((2,), requires_grad=True)
    o = mx.nd.ones((2,), requires_grad=True)
    assert x.requires_grad and z.requires_grad and o.requires_grad
    y = (x * x + z * o).sum()
    y.backward()
    assert x.grad.asnumpy().tolist() == [2, 4]
    assert z.grad.asnumpy().tolist() == [1, 1]


def test_diamond_graph_visits_a_shared_node_after_all_its_consumers():
    """An intermediate result used along two paths (a residual connection):
    its node must run only after both paths gave it their gradient (a wrong
    topological order loses one of them)."""
    x0 = np.array([0.3, -0.7, 1.1])
    x = mx.nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        a = mx.nd.tanh(x)                  # shared node
        y = (a * mx.nd.exp(a)).sum()       # consumed directly and through exp
    y.backward()
    t = np.tanh(x0)
    np.testing.assert_allclose(x.grad.asnumpy(), np.exp(t) * (1 + t) * (1 - t * t), rtol=1e-10)
