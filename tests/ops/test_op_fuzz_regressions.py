"""Bugs the operator fuzzers (tests/fuzz: op_strategies and its test files) found, one test each: every one
was a bare Python exception (not an MXNetError), a wrong result, or a hang."""
import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd
from gluonx.base import MXNetError

nd = mx.nd


def _raises(exc, fn, *args, match=None, **kwargs):
    with pytest.raises(exc, match=match) as ei:
        fn(*args, **kwargs)
    assert isinstance(ei.value, MXNetError), type(ei.value).__mro__
    return ei.value


@pytest.mark.parametrize("call", [
    lambda: nd.ones(shape=None), lambda: nd.zeros(shape=None), lambda: nd.full(shape=None, val=1.0),
    lambda: nd.tile(nd.ones((2,)), reps=None),
    lambda: nd.scatter_nd(nd.ones((2,)), nd.zeros((1, 2)), shape=None)])
def test_a_required_shape_given_none_is_a_type_error(call):
    _raises(TypeError, call, match="required, got None")


def test_broadcast_to_shape_none_is_its_default():
    # MXNet 1.9.1's broadcast_to defaults to shape (): a 1-D operand cannot broadcast to it
    _raises(ValueError, nd.broadcast_to, nd.ones((1,)), shape=None, match=r"cannot be broadcast to \(\)")


@pytest.mark.parametrize("kwargs, exc", [
    ({"begin": None, "end": "(1,"}, ValueError), ({"begin": (0,), "end": "x y"}, ValueError),
    ({"begin": (float("nan"),), "end": (1,)}, TypeError),
    ({"begin": object(), "end": (1,)}, TypeError), ({"begin": ("a",), "end": (1,)}, TypeError)])
def test_slice_bounds_that_do_not_parse(kwargs, exc):
    _raises(exc, nd.slice, nd.ones((3,)), **kwargs)


def test_slice_bounds_from_strings_and_floats_still_work():
    x = nd.array(np.arange(6.0))
    np.testing.assert_array_equal(nd.slice(x, begin="(1,)", end="(4,)").asnumpy(), [1, 2, 3])
    np.testing.assert_array_equal(nd.slice(x, begin=(1.0,), end=(None,)).asnumpy(), [1, 2, 3, 4, 5])


def test_prelu_of_0d_data_is_a_value_error():
    _raises(ValueError, nd.LeakyReLU, nd.array(np.float32(1.0)), nd.ones((1,)), act_type="prelu")


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "nansum", "nanprod", "norm"])
@pytest.mark.parametrize("shape, axis", [((0,), None), ((), None), ((0, 3), 0), ((3, 0), 0), ((3, 0), 1),
                                         ((2, 0, 2), (0, 2))])
def test_reduction_gradients_of_zero_size_and_0d_inputs(op, shape, axis):
    x0 = np.random.default_rng(0).uniform(0.5, 2, shape)
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, op)(x, axis=axis)
    y.backward()
    assert x.grad.shape == shape
    if op == "sum":
        np.testing.assert_array_equal(x.grad.asnumpy(), np.ones(shape))
    if x0.size == 0:
        assert x.grad.asnumpy().size == 0


@pytest.mark.parametrize("a_shape, b_shape", [((0, 0, 0), (0, 0)), ((0, 0), (0,)), ((2, 0), (1, 0)),
                                              ((), (0,)), ((0, 1), (1, 3))])
def test_broadcast_gradients_with_zero_size_shapes(a_shape, b_shape):
    a, b = nd.ones(a_shape, dtype="float64"), nd.ones(b_shape, dtype="float64")
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = nd.broadcast_mul(a, b) + nd.broadcast_add(a, b)
    y.backward()
    assert a.grad.shape == a_shape and b.grad.shape == b_shape


@pytest.mark.parametrize("args", [(0, float("nan")), (0, float("inf")), (float("-inf"), 1), (0, 10, float("nan")),
                                  (0, 10, float("inf")), (-1e308, 1e308, 1e-308)])
def test_arange_with_nan_inf_or_an_overflowing_count(args):
    _raises(ValueError, nd.arange, *args)


@pytest.mark.parametrize("alpha, beta", [(1e308, 1.0), (float("inf"), 1.0), (1.0, float("inf")), (1e300, 1e300)])
def test_random_gamma_past_float_range_is_refused_not_an_endless_loop(alpha, beta):
    _raises(ValueError, nd.random.gamma, alpha, beta, shape=(3,), match="finite")


def test_random_gamma_and_poisson_at_the_float_limit_still_sample():
    assert np.all(np.isfinite(nd.random.gamma(3e38, 1.0, shape=(3,)).asnumpy()))
    _raises(ValueError, nd.random.poisson, float("inf"), shape=(3,), match="finite")
    assert np.all(nd.random.poisson(4.0, shape=(5,)).asnumpy() >= 0)


@pytest.mark.parametrize("fn", [nd.concat, nd.stack])
def test_variadic_ops_refuse_a_none_input(fn):
    _raises(TypeError, fn, None, match="input 0 is None")      # was a bare TypeError in the rule
    _raises(TypeError, fn, None, nd.ones((2,)), match="input 0 is None")
    _raises(TypeError, fn, nd.ones((2,)), None)


def test_argsort_and_topk_with_dtype_none_give_float32_indices_in_eager_and_graph():
    x = nd.array([3.0, 1.0, 2.0], dtype="float64")
    assert nd.argsort(x, dtype=None).dtype == np.float32
    assert nd.topk(x, dtype=None, ret_typ="both")[1].dtype == np.float32
    _, out_types, _ = mx.sym.argsort(mx.sym.var("x"), dtype=None).infer_type(x="float64")
    assert out_types == [np.float32]


@pytest.mark.parametrize("call", [
    lambda: nd.Pooling(nd.ones((1, 1, 4, 4)), kernel=(2, 2), stride=(2 ** 63, 2 ** 63)),
    lambda: nd.Pooling(nd.ones((1, 1, 4, 4)), kernel=(2, 2), pad=(2 ** 63, 0)),
    lambda: nd.Convolution(nd.ones((1, 1, 4, 4)), nd.ones((1, 1, 3, 3)), kernel=(3, 3), num_filter=1,
                           no_bias=True, stride=(2 ** 63, 1)),
    lambda: nd.Deconvolution(nd.ones((1, 1, 2, 2)), nd.ones((1, 1, 3, 3)), kernel=(3, 3), num_filter=1,
                             no_bias=True, dilate=(1, 2 ** 64))])
def test_conv_and_pool_geometry_past_int64_is_a_value_error(call):
    _raises(ValueError, call, match="at most 2\\^62")


def test_maximum_minimum_propagate_nan_from_either_side():
    # MXNet 1.9.1: maximum([nan, 1], [1, nan]) -> [nan, nan]; _maximum_scalar(nan, 0) -> nan
    a, b = mx.nd.array([np.nan, 1.0]), mx.nd.array([1.0, np.nan])
    for op in (mx.nd.maximum, mx.nd.minimum, mx.nd.broadcast_maximum, mx.nd.broadcast_minimum):
        assert np.isnan(op(a, b).asnumpy()).all()
    np.testing.assert_array_equal(mx.nd.maximum(a, 0).asnumpy(), [np.nan, 1.0])
    np.testing.assert_array_equal(mx.nd.minimum(a, 2).asnumpy(), [np.nan, 1.0])
