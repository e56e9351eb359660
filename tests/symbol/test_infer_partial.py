"""Shapes with unknown dims (0s, MXNet's convention) through the operators'
rules (gluonx/symbol/infer_partial.py): what MXNet 1.9.1 infers."""
import warnings

import pytest

import gluonx as mx
from gluonx.base import MXNetError


def arg_shapes(sym, **shapes):
    got, _, _ = sym.infer_shape(**shapes)
    return dict(zip(sym.list_arguments(), got))


def test_elementwise_operands_complete_each_other():
    a = mx.sym.var("a", shape=(0, 10))
    b = mx.sym.var("b", shape=(12, 0))
    assert arg_shapes(a + b) == {"a": (12, 10), "b": (12, 10)}
    assert (a * b).infer_shape()[1] == [(12, 10)]


def test_batch_size_flows_back_through_layers():
    # FullyConnected's output batch is its input's: learnt from the consumer, it fills the input
    a = mx.sym.var("a", shape=(0, 10))
    fc = mx.sym.FullyConnected(a, num_hidden=21, name="fc")
    got = arg_shapes(fc + mx.sym.var("c", shape=(5, 0)))
    assert got == {"a": (5, 10), "fc_weight": (21, 10), "fc_bias": (21,), "c": (5, 21)}
    # and so are Convolution's batch and (padded 3x3) spatial dims
    x = mx.sym.var("x", shape=(0, 10, 0, 0))
    conv = mx.sym.Convolution(x, num_filter=21, kernel=(3, 3), pad=(1, 1), name="conv")
    got = arg_shapes(conv + mx.sym.var("y", shape=(5, 21, 32, 32)))
    assert got["x"] == (5, 10, 32, 32) and got["conv_weight"] == (21, 10, 3, 3)


@pytest.mark.parametrize("squeeze, n, data, other, want", [
    (True, 10, (0, 10), (5,), (5, 10)),
    (False, 3, (0, 15, 0), (3, 5, 2), (3, 15, 2)),
])
def test_slice_channel_outputs_fill_the_input(squeeze, n, data, other, want):
    a = mx.sym.var("a", shape=data)
    parts = mx.sym.SliceChannel(a, num_outputs=n, axis=1, squeeze_axis=squeeze)
    assert arg_shapes(parts[1] + mx.sym.var("c", shape=other))["a"] == want


def test_concat_ties_its_inputs_batch():
    a = mx.sym.var("a", shape=(0, 10))
    b = mx.sym.var("b", shape=(0, 5))
    d = mx.sym.var("d", shape=(2, 0)) + mx.sym.concat(a, b, dim=1)
    assert arg_shapes(d) == {"d": (2, 15), "a": (2, 10), "b": (2, 5)}


@pytest.mark.parametrize("make, shapes, want", [
    (lambda x, y: mx.sym.dot(x, y), {"x": (0, 3, 4), "y": (4, 5)}, (0, 3, 5)),
    (lambda x, y: mx.sym.batch_dot(x, y), {"x": (0, 3, 4), "y": (0, 4, 5)}, (0, 3, 5)),
    (lambda x, y: mx.sym.batch_dot(x, y), {"x": (0, 3, 4), "y": (0, 0, 5)}, ()),   # inner dim unknown
    (lambda x, y: mx.sym.Embedding(x, y, input_dim=100, output_dim=10), {"x": (0, 5), "y": (100, 10)},
     (0, 5, 10)),
    (lambda x, y: mx.sym.pick(x, y, axis=1), {"x": (0, 3, 3), "y": (0, 3)}, (0, 3)),
    (lambda x, y: mx.sym.transpose(x, axes=(0, 3, 2, 1)) + 0 * y, {"x": (0, 3, 7, 9), "y": (0, 9, 7, 3)},
     (0, 9, 7, 3)),
])
def test_partial_outputs(make, shapes, want):
    z = make(mx.sym.var("x"), mx.sym.var("y"))
    _, out, _ = z.infer_shape_partial(**shapes)
    assert out == [want]


def test_partial_parameters_are_inferred_and_checked():
    x = mx.sym.var("x", shape=(0, 3, 8, 8))
    net = mx.sym.FullyConnected(mx.sym.Convolution(x, kernel=(3, 3), num_filter=4, name="c"), num_hidden=5, name="f")
    args, out, _ = net.infer_shape_partial()
    assert dict(zip(net.list_arguments(), args)) == {
        "x": (0, 3, 8, 8), "c_weight": (4, 3, 3, 3), "c_bias": (4,), "f_weight": (5, 144), "f_bias": (5,)}
    assert out == [(0, 5)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert net.infer_shape() == (None, None, None)
    assert any("x: (0, 3, 8, 8)" in str(w.message) for w in caught)


def test_completely_unknown_and_inconsistent():
    assert mx.sym.sin(mx.sym.var("data")).infer_shape_partial() == ([()], [()], [])
    a = mx.sym.var("a", shape=(3, 0))
    b = mx.sym.var("b", shape=(4, 0))
    with pytest.raises(MXNetError, match="Shape inconsistent"):
        mx.sym.elemwise_add(a, b, name="plus").infer_shape_partial()
