"""Gradient rules of nn_basic.py, written with operators (so they are
differentiable in turn)."""
from __future__ import annotations

import math

from gluonx.ops.gradutil import gather_grad, unbroadcast, wants_grad
from gluonx.ops.nn_basic import _channel_shape
from gluonx.ops.registry import F, defgrad

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_LAMBDA = 1.0507009873554804934193349852946
_INV_SQRT2PI = 1.0 / math.sqrt(2.0 * math.pi)


@defgrad("FullyConnected")
def _fc_grad(node, dy):
    data, weight, bias = node.inputs
    a = node.attrs
    H = a["num_hidden"]
    k = weight.shape[1]
    x2 = data.reshape((-1, k)) if (a["flatten"] is False or data.ndim != 2) else data
    if a["flatten"] and data.ndim != 2:
        x2 = data.reshape((data.shape[0] if data.ndim else 1, k))
    dy2 = dy.reshape((-1, H)) if dy.ndim != 2 else dy
    # a network's input (the first layer's data) and frozen weights need no product
    dx = F.dot(dy2, weight) if wants_grad(node, 0) else None
    dw = F.dot(dy2, x2, transpose_a=True) if wants_grad(node, 1) else None
    db = F.sum(dy2, axis=0) if (bias is not None and not a["no_bias"] and wants_grad(node, 2)) else None
    if dx is not None and dx.shape != data.shape:
        dx = dx.reshape(data.shape)
    return (dx, dw, db)


def _sig(x):
    return F.sigmoid(x)


_ACT_RULES = {
    "relu": lambda x, y, dy: dy * (y > 0),   # y, not x: the input need not be kept (same mask)
    "sigmoid": lambda x, y, dy: dy * y * (1 - y),
    "tanh": lambda x, y, dy: dy * (1 - y * y),
    "softrelu": lambda x, y, dy: dy * _sig(x),
    "softsign": lambda x, y, dy: dy / F.square(F.abs(x) + 1),
}


@defgrad("Activation")
def _activation_grad(node, dy):
    x, y = node.inputs[0], node.outputs[0]
    return (_ACT_RULES[node.attrs["act_type"]](x, y, dy),)


@defgrad("LeakyReLU")
def _leaky_grad(node, dy, *rest):
    x, gamma = node.inputs
    y = node.outputs[0]
    a = node.attrs
    t = a["act_type"]
    pos = x > 0
    if t == "leaky":
        return (dy * (pos * (1.0 - a["slope"]) + a["slope"]), None)
    if t == "elu":
        return (dy * F.where(pos, F.ones_like(x), y + a["slope"]), None)
    if t == "selu":
        # MXNet 1.9.1's rule, lambda * (y + alpha) for x <= 0: not the derivative of its forward
        # (lambda * alpha * exp(x) = y + lambda * alpha) away from 0, but what MXNet computes
        return (dy * F.where(pos, F.ones_like(x) * _SELU_LAMBDA, (y + _SELU_ALPHA) * _SELU_LAMBDA), None)
    if t == "gelu":
        phi = F.exp(x * x * -0.5) * _INV_SQRT2PI
        cdf = (F.erf(x * (1.0 / math.sqrt(2.0))) + 1) * 0.5
        return (dy * (cdf + x * phi), None)
    if t == "prelu":
        g = gamma.reshape(_channel_shape(x, gamma.size))
        neg = 1 - pos
        dx = dy * (pos + F.broadcast_mul(neg, g))
        dg = unbroadcast(dy * F.minimum(x, 0.0), g.shape).reshape(gamma.shape)
        return (dx, dg)
    # rrelu: the mask output holds the random slopes (zeros in inference)
    mask = node.outputs[1]
    mid = (a["lower_bound"] + a["upper_bound"]) / 2.0
    slope = F.where(mask != 0, mask, F.ones_like(mask) * mid)
    return (dy * F.where(pos, F.ones_like(x), slope), None)


@defgrad("Dropout")
def _dropout_grad(node, dy):
    mask = node.attrs["_saved"]
    return (dy if mask is None else F.broadcast_mul(dy, mask),)


@defgrad("Embedding")
def _embedding_grad(node, dy):
    data, weight = node.inputs
    return (None, gather_grad(weight, dy, lambda idx: F.take(idx, data, axis=0, mode="clip")))
