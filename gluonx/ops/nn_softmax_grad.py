"""Gradient rules of the softmax family (nn_softmax.py), written with operators
so that they are differentiable in turn.

softmax / softmin (y = softmax(s * x), s = +-1/t):  dx = s * y * (dy - sum(dy * y))
log_softmax (y = s * x - logsumexp(s * x)):          dx = s * (dy - exp(y) * sum(dy))
SoftmaxOutput ignores the head gradient (MXNet):    dx = (y - target(label)) * grad_scale / norm
"""
from __future__ import annotations

from gluonx.ops.nn_softmax import _norm_axis, _scale, softmax_output_layout, softmax_output_labels
from gluonx.ops.registry import F, defgrad


def _to_input_dtype(g, x):
    return g if g.dtype == x.dtype else F.cast(g, dtype=x.dtype)


@defgrad("softmax", "softmin")
def _softmax_grad(node, dy):
    x, y = node.inputs[0], node.outputs[0]
    ax = _norm_axis(node.attrs.get("axis", -1), x.ndim, "softmax")
    s = _scale(node.attrs.get("temperature"), "softmax", node.op == "softmin")
    dx = y * (dy - F.sum(dy * y, axis=ax, keepdims=True))
    if s != 1.0:
        dx = dx * s
    grads = (_to_input_dtype(dx, x),)
    return grads + (None,) * (len(node.inputs) - 1)


@defgrad("log_softmax")
def _log_softmax_grad(node, dy):
    x, y = node.inputs[0], node.outputs[0]
    ax = _norm_axis(node.attrs.get("axis", -1), x.ndim, "log_softmax")
    s = _scale(node.attrs.get("temperature"), "log_softmax")
    dx = dy - F.exp(y) * F.sum(dy, axis=ax, keepdims=True)
    if s != 1.0:
        dx = dx * s
    return (_to_input_dtype(dx, x),)


@defgrad("SoftmaxActivation")
def _softmax_activation_grad(node, dy):
    x, y = node.inputs[0], node.outputs[0]
    ax = 1 if node.attrs.get("mode", "instance") == "channel" else -1
    return (y * (dy - F.sum(dy * y, axis=ax, keepdims=True)),)


@defgrad("SoftmaxOutput")
def _softmax_output_grad(node, dy):
    x, label = node.inputs
    y = node.outputs[0]
    a = node.attrs
    multi, preserve = a.get("multi_output", False), a.get("preserve_shape", False)
    outer, K, inner = softmax_output_layout(x.shape, multi, preserve)
    lab = softmax_output_labels(x, label, multi, preserve)
    y3 = y.reshape((outer, K, inner))
    onehot = F.one_hot(lab, depth=K, dtype=y.dtype)          # (outer * inner, K)
    onehot = onehot.reshape((outer, inner, K))
    onehot = F.transpose(onehot, axes=(0, 2, 1)) if inner > 1 else onehot.reshape((outer, K, 1))
    alpha = float(a.get("smooth_alpha", 0.0))
    if alpha:
        target = onehot * (1.0 - alpha) + (1.0 - onehot) * (alpha / max(K - 1, 1))
    else:
        target = onehot
    g = y3 - target
    ignore = float(a.get("ignore_label", -1.0))
    valid = None
    if a.get("use_ignore", False) or a.get("normalization", "null") == "valid":
        valid = F.cast(lab != ignore, dtype=y.dtype)
    if a.get("use_ignore", False):
        g = g * valid.reshape((outer, 1, inner))
    if a.get("out_grad", False):
        g = g * y3  # MXNet 1.9.1 multiplies by the output here, not by the head gradient
    scale = float(a.get("grad_scale", 1.0))
    norm = a.get("normalization", "null")
    if norm == "null":
        scale /= inner if multi else 1
    elif norm == "batch":
        scale /= outer * inner
    if scale != 1.0:
        g = g * scale
    if norm == "valid":
        g = F.broadcast_div(g, F.maximum(F.sum(valid), 1.0).reshape((1, 1, 1)))
    return (F.reshape_like(g, x), None)
