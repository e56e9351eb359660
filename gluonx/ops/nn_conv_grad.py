"""Gradient rules of Convolution, Deconvolution and Pooling (nn_conv.py).

The three products of a convolution y = conv(x, w) close under
differentiation:

* d(x) = Deconvolution(dy, w) (adj chosen so the result has x's shape);
* d(w) = _conv_weight_grad(x, dy);
* Deconvolution is the transpose: d(x) = Convolution(dy, w), d(w) =
  _conv_weight_grad(dy, x);
* _conv_weight_grad(x, g) is bilinear: d(x) = Deconvolution(g, h),
  d(g) = Convolution(x, h) for the head gradient h.

So every rule is written with these operators and higher orders work.
Channel-last layouts (NHWC, NDHWC) transpose data, weight and head gradient
to channel-first, take the same products and transpose the results back.
Pooling's gradient is the ``_backward_pooling`` op; that op is linear in its
head gradient (the window maxima are piecewise constant), so its own rule is
Pooling (avg/sum) or ``_pooling_max_pick`` (max).  The second-order rule of
lp pooling with p = 2 or 3 is not implemented (raises).
"""
from __future__ import annotations

from gluonx.base import MXNetNotImplementedError
from gluonx.ops.nn_conv import (conv_data_grad_adj, conv_params, deconv_params, from_channel_first,
                                is_channel_last, to_channel_first)
from gluonx.ops.gradutil import wants_grad
from gluonx.ops.registry import F, defgrad


def _geo(opname, data, a):
    return conv_params(opname, data.shape, a.get("kernel"), a.get("stride"), a.get("dilate"), a.get("pad"))


def _conv_data_grad(dy, w, xshape, kernel, stride, dilate, pad, G):
    """d(x) of conv(x, w) for x of shape xshape: the transposed convolution of dy."""
    adj = conv_data_grad_adj(xshape, dy.shape, kernel, stride, dilate, pad)
    return F.Deconvolution(dy, w, kernel=kernel, stride=stride, dilate=dilate, pad=pad, adj=adj,
                           num_filter=xshape[1], num_group=G, no_bias=True)


def _conv_to(x, w, oshape, kernel, stride, dilate, pad, G):
    """Convolution(x, w) cut to the spatial extent of oshape (it can be larger by the
    positions a strided transposed convolution never reached)."""
    y = F.Convolution(x, w, kernel=kernel, stride=stride, dilate=dilate, pad=pad,
                      num_filter=w.shape[0], num_group=G, no_bias=True)
    if y.shape[2:] != tuple(oshape[2:]):
        y = F.slice(y, begin=(None, None) + (0,) * (y.ndim - 2), end=(None, None) + tuple(oshape[2:]))
    return y


def _bias_grad(node, dy, bias):
    if bias is None or node.attrs.get("no_bias"):
        return None
    if is_channel_last(node.attrs.get("layout")):
        return F.sum(dy, axis=tuple(range(dy.ndim - 1)))
    return F.sum(dy, axis=(0,) + tuple(range(2, dy.ndim)))


def _channel_first_grads(node, dy, products):
    """(dx, dw, db) of a (transposed) convolution: `products(x, w, dy)` gives
    the channel-first (dx, dw); channel-last arrays are transposed around it."""
    x, w, b = node.inputs
    layout = node.attrs.get("layout")
    if is_channel_last(layout):
        cf = [to_channel_first(v, layout) for v in (x, w, dy)]
        dx, dw = products(*cf)
        dx = None if dx is None else from_channel_first(dx, layout)
        dw = None if dw is None else from_channel_first(dw, layout)
    else:
        dx, dw = products(x, w, dy)
    return dx, dw, _bias_grad(node, dy, b)


@defgrad("Convolution")
def _convolution_grad(node, dy):
    a = node.attrs
    G = a.get("num_group", 1)

    def products(x, w, dy):
        kernel, stride, dilate, pad = _geo("Convolution", x, a)
        dx = _conv_data_grad(dy, w, x.shape, kernel, stride, dilate, pad, G) if wants_grad(node, 0) else None
        dw = (F._conv_weight_grad(x, dy, kernel=kernel, stride=stride, dilate=dilate, pad=pad, num_group=G)
              if wants_grad(node, 1) else None)
        return dx, dw
    return _channel_first_grads(node, dy, products)


@defgrad("Deconvolution")
def _deconvolution_grad(node, dy):
    a = node.attrs
    G = a.get("num_group", 1)

    def products(x, w, dy):
        kernel, stride, dilate, pad, _, _ = deconv_params("Deconvolution", x.shape, a.get("kernel"),
                                                          a.get("stride"), a.get("dilate"), a.get("pad"),
                                                          a.get("adj"), a.get("target_shape"))
        dx = _conv_to(dy, w, x.shape, kernel, stride, dilate, pad, G) if wants_grad(node, 0) else None
        dw = (F._conv_weight_grad(dy, x, kernel=kernel, stride=stride, dilate=dilate, pad=pad, num_group=G)
              if wants_grad(node, 1) else None)
        return dx, dw
    return _channel_first_grads(node, dy, products)


@defgrad("_conv_weight_grad")
def _conv_weight_grad_grad(node, h):
    x, g = node.inputs
    kernel, stride, dilate, pad = _geo("_conv_weight_grad", x, node.attrs)
    G = node.attrs.get("num_group", 1)
    dx = _conv_data_grad(g, h, x.shape, kernel, stride, dilate, pad, G)
    dg = _conv_to(x, h, g.shape, kernel, stride, dilate, pad, G)
    return dx, dg


@defgrad("Pooling")
def _pooling_grad(node, dy):
    x, y = node.inputs[0], node.outputs[0]
    return (F._backward_pooling(dy, x, y, **node.attrs),)


_PICK_ATTRS = ("kernel", "global_pool", "pooling_convention", "stride", "pad", "layout")


@defgrad("_backward_pooling")
def _backward_pooling_grad(node, h):
    grad, x, y = node.inputs
    a = dict(node.attrs)
    kind = a.get("pool_type", "max")
    if kind == "max":
        return F._pooling_max_pick(x, h, **{k: a[k] for k in _PICK_ATTRS if k in a}), None, None
    if kind == "lp":
        if (a.get("p_value") or 2) != 1:
            raise MXNetNotImplementedError("Operator _backward_pooling: the second derivative of lp pooling "
                                           "with p_value=%s is not implemented" % a.get("p_value"))
        a["pool_type"] = "sum"
    return F.Pooling(h, **a), None, None


@defgrad("_pooling_max_pick")
def _pooling_max_pick_grad(node, h):
    x, g = node.inputs
    # the max backward ignores its `output` input: h has the pooled shape it checks
    return None, F._backward_pooling(h, x, h, pool_type="max", **node.attrs)
