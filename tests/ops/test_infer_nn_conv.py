"""Shape/dtype rules of the convolution family (gluonx/ops/nn_conv.py): Convolution,
Deconvolution, _conv_weight_grad, Pooling, _backward_pooling, _pooling_max_pick.

(a) the rule gives exactly the eager result's shapes and dtypes; (b) backward
inference fills what MXNet 1.9.1 infers (values taken from
``/work/mx-ref/bin/python``, ``mx.sym.<Op>(...).infer_shape(data=...)``); (c) bad
inputs raise the right error class naming the op.
"""
import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError
from gluonx.ops.nn_conv import (conv_data_grad_adj, conv_out_spatial, conv_params, conv_weight_shape,
                                deconv_params)
from gluonx.ops.registry import get_op
from infer_check import check_eager, rule_all as infer

nd = mx.nd


def ones(shape, dtype="float32"):
    return nd.ones(shape, dtype=dtype)


# ---- (a) rule == eager ------------------------------------------------------------------------

@pytest.mark.parametrize("dshape,wshape,attrs", [
    ((2, 3, 9, 9), (8, 3, 3, 3), dict(kernel=(3, 3), num_filter=8)),
    ((2, 4, 9, 9), (8, 2, 3, 3), dict(kernel=(3, 3), num_filter=8, num_group=2, stride=(2, 1), pad=(1, 0))),
    ((2, 4, 9), (6, 4, 3), dict(kernel=(3,), num_filter=6, stride=(2,), pad=(1,), dilate=(2,))),
    ((1, 3, 5, 6, 7), (6, 1, 3, 3, 3), dict(kernel=(3, 3, 3), num_filter=6, num_group=3)),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_convolution_eager(dshape, wshape, attrs, dtype):
    F = attrs["num_filter"]
    check_eager("Convolution", [ones(dshape, dtype), ones(wshape, dtype), ones((F,), dtype)], **attrs)
    check_eager("Convolution", [ones(dshape, dtype), ones(wshape, dtype), None], no_bias=True, **attrs)


@pytest.mark.parametrize("dshape,wshape,attrs", [
    ((2, 3, 9, 9), (3, 8, 3, 3), dict(kernel=(3, 3), num_filter=8)),
    ((2, 4, 9, 9), (4, 4, 3, 3), dict(kernel=(3, 3), num_filter=8, num_group=2, stride=(2, 2), adj=(1, 1),
                                      pad=(1, 1))),
    ((2, 4, 5, 5), (4, 8, 4, 4), dict(kernel=(4, 4), num_filter=8, stride=(2, 2), target_shape=(10, 11))),
    ((2, 2, 4), (2, 3, 3), dict(kernel=(3,), num_filter=3, dilate=(2,))),
])
def test_deconvolution_eager(dshape, wshape, attrs):
    check_eager("Deconvolution", [ones(dshape), ones(wshape), None], **attrs)
    F = attrs["num_filter"]
    check_eager("Deconvolution", [ones(dshape, "float64"), ones(wshape, "float64"), ones((F,), "float64")],
                no_bias=False, **attrs)


def test_conv_weight_grad_eager():
    check_eager("_conv_weight_grad", [ones((2, 4, 9, 9)), ones((2, 6, 7, 7))], kernel=(3, 3), num_group=2)
    check_eager("_conv_weight_grad", [ones((1, 2, 8)), ones((1, 3, 3))], kernel=(3,), stride=(2,))


@pytest.mark.parametrize("attrs", [
    dict(kernel=(2, 2), stride=(2, 2)),
    dict(kernel=(3, 3), stride=(2, 2), pooling_convention="full", pool_type="avg"),
    dict(kernel=(3, 3), stride=(2, 2), pooling_convention="same", pool_type="sum"),
    dict(kernel=(2, 2), global_pool=True),
    dict(kernel=(2, 2), pool_type="lp", p_value=3, pad=(1, 1)),
])
def test_pooling_eager(attrs):
    x = nd.array(np.random.RandomState(0).randn(2, 3, 8, 9))
    y = check_eager("Pooling", [x], **attrs)
    check_eager("_backward_pooling", [nd.ones_like(y), x, y], **attrs)
    if attrs.get("pool_type", "max") == "max":
        pick = {k: v for k, v in attrs.items() if k != "pool_type"}
        check_eager("_pooling_max_pick", [x, nd.ones_like(x)], **pick)


def test_pooling_1d_3d_eager():
    check_eager("Pooling", [ones((1, 2, 7))], kernel=(3,), stride=(2,))
    check_eager("Pooling", [ones((1, 2, 4, 5, 6), "float64")], kernel=(2, 2, 2), pool_type="avg")


def test_compute_writes_into_out():
    x, w, b = ones((1, 2, 5, 5)), ones((3, 2, 3, 3)), nd.array([1.0, 2.0, 3.0])
    out = nd.zeros((1, 3, 3, 3))
    r = nd.Convolution(x, w, b, kernel=(3, 3), num_filter=3, out=out)
    assert r is out
    np.testing.assert_allclose(out.asnumpy()[0, :, 0, 0], [19.0, 20.0, 21.0])
    p = nd.zeros((1, 2, 2, 2))
    nd.Pooling(x, kernel=(2, 2), stride=(2, 2), out=p)
    np.testing.assert_allclose(p.asnumpy(), 1.0)


# ---- (b) backward inference (expected values from MXNet 1.9.1) -------------------------------

@pytest.mark.parametrize("dshape,attrs,weight,bias,out", [
    # mx.sym.Convolution(data, kernel=(3,3), num_filter=8).infer_shape(data=(2,3,9,9))
    ((2, 3, 9, 9), dict(kernel=(3, 3), num_filter=8), (8, 3, 3, 3), (8,), (2, 8, 7, 7)),
    # num_group=2, no_bias=True: arguments ['data', 'weight']
    ((2, 4, 9, 9), dict(kernel=(3, 3), num_filter=8, num_group=2, no_bias=True), (8, 2, 3, 3), None,
     (2, 8, 7, 7)),
    # 1-D, stride 2, pad 1, dilate 2
    ((2, 4, 9), dict(kernel=(3,), num_filter=8, stride=(2,), pad=(1,), dilate=(2,)), (8, 4, 3), (8,),
     (2, 8, 4)),
    # 3-D, num_group=3
    ((2, 3, 5, 6, 7), dict(kernel=(3, 3, 3), num_filter=6, num_group=3), (6, 1, 3, 3, 3), (6,),
     (2, 6, 3, 4, 5)),
])
def test_convolution_backward_inference(dshape, attrs, weight, bias, out):
    shapes, dtypes, oshapes, odtypes = infer("Convolution", [dshape, None, None], ["float64", None, None],
                                             **attrs)
    assert shapes[1] == weight and shapes[2] == bias
    assert oshapes == [out] and odtypes == ["float64"]
    assert dtypes[1] == "float64" and dtypes[2] == (None if bias is None else "float64")
    op = get_op("Convolution")
    names = ("data", "weight") if bias is None else ("data", "weight", "bias")
    assert op.input_names(op.parse_attrs(attrs)) == names


@pytest.mark.parametrize("dshape,attrs,weight,bias,out", [
    # mx.sym.Deconvolution(data, kernel=(3,3), num_filter=8).infer_shape(data=(2,3,9,9)):
    # no_bias defaults to True, weight is (C, F/G, *kernel)
    ((2, 3, 9, 9), dict(kernel=(3, 3), num_filter=8), (3, 8, 3, 3), None, (2, 8, 11, 11)),
    ((2, 4, 9, 9), dict(kernel=(3, 3), num_filter=8, num_group=2, no_bias=False, stride=(2, 2), adj=(1, 1),
                        pad=(1, 1)), (4, 4, 3, 3), (8,), (2, 8, 18, 18)),
    ((2, 4, 5, 5), dict(kernel=(4, 4), num_filter=8, stride=(2, 2), target_shape=(10, 11)), (4, 8, 4, 4), None,
     (2, 8, 10, 11)),
])
def test_deconvolution_backward_inference(dshape, attrs, weight, bias, out):
    shapes, dtypes, oshapes, _ = infer("Deconvolution", [dshape, None, None], ["float32", None, None], **attrs)
    assert shapes[1] == weight and shapes[2] == bias and oshapes == [out]
    op = get_op("Deconvolution")
    names = ("data", "weight") if bias is None else ("data", "weight", "bias")
    assert op.input_names(op.parse_attrs(attrs)) == names


def test_known_inputs_are_checked_not_overwritten():
    shapes, _, oshapes, _ = infer("Convolution", [(2, 3, 9, 9), (8, 3, 3, 3), None], ["float32"] * 2 + [None],
                                  kernel=(3, 3), num_filter=8)
    assert shapes[2] == (8,) and oshapes == [(2, 8, 7, 7)]


def test_declarations():
    for name in ("Convolution", "Deconvolution", "_conv_weight_grad"):
        assert get_op(name).workspace
    assert get_op("Convolution").infers_inputs == ("weight", "bias")
    assert get_op("Deconvolution").infers_inputs == ("weight", "bias")
    assert not get_op("Pooling").infers_inputs


def test_geometry_rules():
    assert conv_params("Convolution", (1, 1, 5, 5), (3, 3)) == ((3, 3), (1, 1), (1, 1), (0, 0))
    assert conv_out_spatial("Convolution", (9, 9), (3, 3), (2, 2), (1, 1), (1, 1)) == (5, 5)
    assert conv_weight_shape(4, 8, 2, (3, 3)) == (8, 2, 3, 3)
    assert conv_weight_shape(4, 8, 2, (3, 3), transposed=True) == (4, 4, 3, 3)
    assert deconv_params("Deconvolution", (2, 4, 5, 5), (4, 4), (2, 2), (), (), (), (10, 11))[-1] == (10, 11)
    # the data gradient of a strided convolution needs adj to get back to 8
    assert conv_data_grad_adj((1, 1, 8), (1, 1, 2), (3,), (3,), (1,), (0,)) == (2,)


def test_gluon_layers_use_the_rule():
    conv = mx.gluon.nn.Conv2D(8, 3, groups=2, in_channels=4)
    assert conv.weight.shape == conv_weight_shape(4, 8, 2, (3, 3))
    deconv = mx.gluon.nn.Conv2DTranspose(8, 3, groups=2, in_channels=4)
    assert deconv.weight.shape == (4, 4, 3, 3)
    last = mx.gluon.nn.Conv2D(8, 3, in_channels=4, layout="NHWC")
    assert last.weight.shape == (8, 3, 3, 4)


# ---- channel-last layouts (MXNet: NHWC, NDHWC; Pooling also NWC) ------------------------------

@pytest.mark.parametrize("name,dshape,attrs,weight,bias,out", [
    # mx.sym.Convolution(data, kernel=(3,3), num_filter=8, num_group=2, layout='NHWC')
    #   .infer_shape(data=(2,6,7,4)): weight (num_filter, *kernel, channels / num_group)
    ("Convolution", (2, 6, 7, 4), dict(kernel=(3, 3), num_filter=8, num_group=2, layout="NHWC"),
     (8, 3, 3, 2), (8,), (2, 4, 5, 8)),
    ("Convolution", (2, 5, 6, 7, 4), dict(kernel=(3, 3, 3), num_filter=8, num_group=2, layout="NDHWC"),
     (8, 3, 3, 3, 2), (8,), (2, 3, 4, 5, 8)),
    # Deconvolution: weight (channels, *kernel, num_filter / num_group)
    ("Deconvolution", (2, 6, 7, 4), dict(kernel=(3, 3), num_filter=8, num_group=2, layout="NHWC", no_bias=False),
     (4, 3, 3, 4), (8,), (2, 8, 9, 8)),
    ("Deconvolution", (2, 5, 6, 7, 4), dict(kernel=(3, 3, 3), num_filter=8, num_group=2, layout="NDHWC"),
     (4, 3, 3, 3, 4), None, (2, 7, 8, 9, 8)),
])
def test_channel_last_backward_inference(name, dshape, attrs, weight, bias, out):
    shapes, _, oshapes, _ = infer(name, [dshape, None, None], ["float32", None, None], **attrs)
    assert shapes[1] == weight and shapes[2] == bias and oshapes == [out]


@pytest.mark.parametrize("dshape,attrs,out", [
    # mx.sym.Pooling(data, kernel=..., layout=...).infer_shape(data=...)
    ((2, 6, 7, 4), dict(kernel=(2, 2), layout="NHWC"), (2, 5, 6, 4)),
    ((2, 6, 4), dict(kernel=(2,), layout="NWC"), (2, 5, 4)),
    ((2, 6, 7, 5, 4), dict(kernel=(2, 2, 2), layout="NDHWC"), (2, 5, 6, 4, 4)),
    ((2, 6, 7, 4), dict(kernel=(2, 2), layout="NHWC", global_pool=True), (2, 1, 1, 4)),
])
def test_channel_last_pooling_shapes(dshape, attrs, out):
    assert infer("Pooling", [dshape], ["float32"], **attrs)[2] == [out]
    y = check_eager("Pooling", [ones(dshape)], **attrs)
    check_eager("_backward_pooling", [nd.ones_like(y), ones(dshape), y], **attrs)


def _cf(x):
    return nd.transpose(x, axes=(0, x.ndim - 1) + tuple(range(1, x.ndim - 1)))


def _cl(x):
    return nd.transpose(x, axes=(0,) + tuple(range(2, x.ndim)) + (1,))


@pytest.mark.parametrize("name,dshape,wshape,attrs", [
    ("Convolution", (2, 5, 6, 4), (6, 3, 3, 2), dict(kernel=(3, 3), num_filter=6, num_group=2, stride=(2, 1),
                                                     pad=(1, 1), no_bias=False)),
    ("Convolution", (1, 4, 5, 3, 3), (2, 2, 2, 2, 3), dict(kernel=(2, 2, 2), num_filter=2)),
    ("Deconvolution", (2, 4, 5, 4), (4, 3, 3, 3), dict(kernel=(3, 3), num_filter=6, num_group=2, stride=(2, 2),
                                                       no_bias=False)),
])
def test_channel_last_matches_channel_first(name, dshape, wshape, attrs):
    """A channel-last op equals the channel-first op between transposes, values and gradients."""
    rng = np.random.RandomState(3)
    x = nd.array(rng.randn(*dshape), dtype="float64")
    w = nd.array(rng.randn(*wshape), dtype="float64")
    b = nd.array(rng.randn(attrs["num_filter"]), dtype="float64")
    layout = "NHWC" if len(dshape) == 4 else "NDHWC"
    op = getattr(nd, name)
    grads = []
    for channel_last in (True, False):
        xs, ws, bs = x.copy(), w.copy(), b.copy()
        for v in (xs, ws, bs):
            v.attach_grad()
        with mx.autograd.record():
            if channel_last:
                y = check_eager(name, [xs, ws, bs], layout=layout, **attrs)
            else:
                y = _cl(op(_cf(xs), _cf(ws), bs, **attrs))
            loss = (y * y).sum()
        loss.backward()
        grads.append((y.asnumpy(), xs.grad.asnumpy(), ws.grad.asnumpy(), bs.grad.asnumpy()))
    for got, want in zip(*grads):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("pool_type", ["max", "avg"])
def test_channel_last_pooling_gradients(pool_type):
    x = nd.array(np.random.RandomState(4).randn(2, 6, 5, 3), dtype="float64")
    attrs = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 0), pool_type=pool_type)
    grads = []
    for channel_last in (True, False):
        xs = x.copy()
        xs.attach_grad()
        with mx.autograd.record():
            y = nd.Pooling(xs, layout="NHWC", **attrs) if channel_last else _cl(nd.Pooling(_cf(xs), **attrs))
            loss = (y * y).sum()
        loss.backward()
        grads.append((y.asnumpy(), xs.grad.asnumpy()))
    for got, want in zip(*grads):
        np.testing.assert_allclose(got, want, rtol=1e-12)


# ---- (c) errors -------------------------------------------------------------------------------

def _raises(exc, name, shapes, dtypes, match, **attrs):
    with pytest.raises(exc, match=match) as ei:
        infer(name, shapes, dtypes, **attrs)
    assert isinstance(ei.value, MXNetError) and name in str(ei.value)


def test_errors():
    f = ["float32"] * 3
    _raises(ValueError, "Convolution", [(1, 3, 5, 5), (4, 2, 3, 3), None], f, "weight has shape",
            kernel=(3, 3), num_filter=4)
    _raises(ValueError, "Convolution", [(1, 3, 5, 5), None, (3,)], f, "bias must have shape",
            kernel=(3, 3), num_filter=4)
    _raises(ValueError, "Convolution", [(1, 3, 5, 5), None, None], f, "kernel size exceeds",
            kernel=(7, 3), num_filter=4)
    _raises(ValueError, "Convolution", [(1, 3, 5, 5), None, None], f, "num_group",
            kernel=(3, 3), num_filter=4, num_group=2)
    _raises(ValueError, "Convolution", [(3, 5), None, None], f, "data must be", kernel=(3,), num_filter=4)
    _raises(ValueError, "Convolution", [(1, 3, 5, 5), None, None], f, "num_filter", kernel=(3, 3))
    _raises(TypeError, "Convolution", [(1, 3, 5, 5), (4, 3, 3, 3), None], ["float32", "float64", None],
            "dtype", kernel=(3, 3), num_filter=4, no_bias=True)
    _raises(ValueError, "Deconvolution", [(1, 3, 5, 5), None, None], f, "adj",
            kernel=(3, 3), stride=(2, 2), adj=(2, 2), num_filter=2)
    _raises(ValueError, "Deconvolution", [(1, 3, 5, 5), (2, 3, 3, 3), None], f, "weight has shape",
            kernel=(3, 3), num_filter=2)
    _raises(ValueError, "_conv_weight_grad", [(1, 3, 5, 5), (2, 4, 3, 3)], f[:2], "does not match",
            kernel=(3, 3))
    _raises(ValueError, "Pooling", [(1, 3, 5, 5)], f[:1], "exceeds input", kernel=(7, 2))
    _raises(ValueError, "Pooling", [(1, 3, 5, 5)], f[:1], "layout", kernel=(2, 2), layout="NCW")
    # a layout of the wrong rank (MXNet has no NWC Convolution; gluonx has, for Conv1D(layout='NWC'))
    _raises(ValueError, "Convolution", [(1, 5, 3), None, None], f, "layout", kernel=(3,), num_filter=2,
            layout="NHWC")
    _raises(ValueError, "Convolution", [(1, 5, 5, 3), (4, 3, 3, 2), None], f, "layout NHWC", kernel=(3, 3),
            num_filter=4, layout="NHWC")
    _raises(ValueError, "_backward_pooling", [(1, 3, 2, 2), (1, 3, 5, 5), (1, 3, 3, 3)], f, "pooled shape",
            kernel=(2, 2), stride=(2, 2))
    _raises(ValueError, "_pooling_max_pick", [(1, 3, 4, 4), (1, 3, 2, 2)], f[:2], "data's shape",
            kernel=(2, 2))
    # eager: no bias with no_bias=False (the rule filled the bias shape; compute refuses)
    with pytest.raises(MXNetError, match="needs a bias"):
        nd.Convolution(ones((1, 3, 5, 5)), ones((4, 3, 3, 3)), kernel=(3, 3), num_filter=4)
