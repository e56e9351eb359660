"""Softmax family: softmax, log_softmax, softmin, SoftmaxActivation, SoftmaxOutput.

Each runs the fused ``softmax`` / ``log_softmax`` kernel over a contiguous
(outer, K, inner) view of its input, K being the normalised axis.  MXNet
1.9.1 semantics: only float inputs; ``dtype=`` picks the output dtype;
``temperature`` divides the input; ``softmax(data, length, use_length=True)``
writes 0 at positions ``>= length`` along the axis (length has the data's
shape without the axis and an integer dtype).  ``SoftmaxOutput`` computes
softmax in the forward pass; its gradient ignores the head gradient (see
nn_softmax_grad.py).
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, write_out

_SOFTMAX = struct.Struct("=d")  # gx_softmax_attrs
_FLOATS = ("float16", "float32", "float64")


def _prod(shape) -> int:
    return int(np.prod(shape, dtype=np.int64)) if shape else 1


def _check_float(data, opname):
    name = _c.dtype_name(_c.dtype_flag(data.dtype))
    if name not in _FLOATS:
        raise MXNetTypeError("Operator %s: only float16/float32/float64 inputs are supported, got %s"
                             % (opname, name))


def _norm_axis(axis, ndim, opname):
    a = int(axis)
    if ndim == 0 or a < -ndim or a >= ndim:
        raise MXNetIndexError("Operator %s: axis %d is out of range for an array of %d dimensions"
                              % (opname, a, ndim))
    return a % ndim


def _scale(temperature, opname, negate=False):
    t = 1.0 if temperature is None else float(temperature)
    if t == 0.0:
        raise MXNetValueError("Operator %s: temperature must be non-zero" % opname)
    return (-1.0 if negate else 1.0) / t


def _run(kernel, data, outer, K, inner, scale, out_dtype, length=None, opname=None):
    """The kernel on `data` viewed as (outer, K, inner); result has data's shape."""
    _check_float(data, opname)
    out_dtype = out_dtype or data.dtype
    if _c.dtype_name(_c.dtype_flag(out_dtype)) not in _FLOATS:
        raise MXNetTypeError("Operator %s: dtype must be float16, float32 or float64, got %s"
                             % (opname, out_dtype))
    x = _c.reshape(_c.contiguous(data), (outer, K, inner))
    res = _c.empty((outer, K, inner), out_dtype, data.context)
    ins = [x]
    if length is not None:
        ins.append(length)
    if res.size:
        _c.launch(kernel, ins, [res], _SOFTMAX.pack(scale), opname)
    return _c.reshape(res, data.shape)


def _split(shape, ax):
    return _prod(shape[:ax]), shape[ax], _prod(shape[ax + 1:])


def _length_arg(data, length, ax, opname):
    if not isinstance(length, _c.NDArray):
        raise MXNetTypeError("Operator %s: length must be an NDArray" % opname)
    want = data.shape[:ax] + data.shape[ax + 1:]
    if tuple(length.shape) != tuple(want) and not (want == () and length.shape == (1,)):
        raise MXNetValueError("Operator %s: length has shape %s; expected %s (the data's shape %s without "
                              "axis %d)" % (opname, length.shape, want, data.shape, ax))
    if np.dtype(length.dtype).kind not in "iub":
        raise MXNetTypeError("Operator %s: length must have an integer dtype, got %s"
                             % (opname, np.dtype(length.dtype).name))
    lg = length if length.dtype == np.int64 else _c.astype(length, "int64")
    return _c.reshape(_c.contiguous(lg), (_prod(want),))


def _softmax_like(kernel, negate, opname):
    def compute(data, length=None, axis=-1, temperature=None, dtype=None, use_length=False, out=None):
        ax = _norm_axis(axis, data.ndim, opname)
        if use_length and length is None:
            raise MXNetValueError("Operator %s: use_length=True needs the length input" % opname)
        if length is not None and not use_length:
            raise MXNetValueError("Operator %s: a length input was given but use_length is False" % opname)
        lg = _length_arg(data, length, ax, opname) if use_length else None
        outer, K, inner = _split(data.shape, ax)
        return write_out(_run(kernel, data, outer, K, inner, _scale(temperature, opname, negate), dtype,
                              lg, opname), out)
    return compute


_AXIS = Attr("axis", "int", -1, "The axis to normalise along.")
_TEMP = Attr("temperature", "float", None, "Divides the input (default 1).")
_DTYPE = Attr("dtype", "dtype", None, "Output dtype (float16, float32 or float64; default: the input's).")
_USELEN = Attr("use_length", "bool", False, "Mask positions >= length along the axis (softmax only).")

_softmax = _softmax_like("softmax", False, "softmax")
_softmin_full = _softmax_like("softmax", True, "softmin")
_log_full = _softmax_like("log_softmax", False, "log_softmax")


def _no_length(fn, opname):
    def compute(data, axis=-1, temperature=None, dtype=None, use_length=False, out=None):
        if use_length:
            raise MXNetValueError("Operator %s: use_length=True is only supported by softmax (MXNet's %s "
                                  "takes no length input)" % (opname, opname))
        return fn(data, None, axis, temperature, dtype, False, out=out)
    compute.__name__ = "_" + opname
    return compute


register(OpDef("softmax", _softmax, inputs=("data", "length"), optional=("length",),
               attrs=(_AXIS, _TEMP, _DTYPE, _USELEN), method="softmax",
               doc="exp(x / t) / sum(exp(x / t)) along `axis`, computed stably; with use_length=True "
                   "positions >= length are 0.\n\n"
                   ">>> mx.nd.softmax(mx.nd.array([[1, 1], [0, 2]])).asnumpy().round(3)\n"
                   "array([[0.5  , 0.5  ],\n       [0.119, 0.881]], dtype=float32)"))
register(OpDef("log_softmax", _no_length(_log_full, "log_softmax"), attrs=(_AXIS, _TEMP, _DTYPE, _USELEN),
               method="log_softmax",
               doc="log(softmax(x)) along `axis`, computed as x/t - logsumexp(x/t).\n\n"
                   ">>> mx.nd.log_softmax(mx.nd.array([0, 0])).asnumpy().round(4)\n"
                   "array([-0.6931, -0.6931], dtype=float32)"))
register(OpDef("softmin", _no_length(_softmin_full, "softmin"), attrs=(_AXIS, _TEMP, _DTYPE, _USELEN),
               method="softmin",
               doc="softmax(-x / t) along `axis`.\n\n"
                   ">>> mx.nd.softmin(mx.nd.array([0, 2])).asnumpy().round(3)\n"
                   "array([0.881, 0.119], dtype=float32)"))


def _softmax_activation(data, mode="instance", out=None):
    _check_float(data, "SoftmaxActivation")
    if data.ndim < 1 or (mode == "channel" and data.ndim < 2):
        raise MXNetValueError("Operator SoftmaxActivation: mode=%r needs an input of at least %d dimensions, "
                              "got shape %s" % (mode, 2 if mode == "channel" else 1, data.shape))
    if mode == "channel":
        outer, K, inner = _split(data.shape, 1)
    else:  # MXNet 1.9.1 normalises over the last axis
        outer, K, inner = _split(data.shape, data.ndim - 1)
    return write_out(_run("softmax", data, outer, K, inner, 1.0, None, None, "SoftmaxActivation"), out)


register(OpDef("SoftmaxActivation", _softmax_activation,
               attrs=(Attr("mode", "str", "instance", "'instance': over the last axis; "
                           "'channel': over axis 1.", choices=("instance", "channel")),),
               doc="Softmax over the last axis (mode='instance', as MXNet 1.9.1 computes it) or over axis 1 "
                   "(mode='channel').\n\n>>> mx.nd.SoftmaxActivation(mx.nd.array([[0, 0]])).asnumpy()\n"
                   "array([[0.5, 0.5]], dtype=float32)"))


# ---- SoftmaxOutput --------------------------------------------------------------------------

def softmax_output_layout(data, multi_output, preserve_shape):
    """(outer, K, inner) of SoftmaxOutput's normalised view."""
    if data.ndim < 1:
        raise MXNetValueError("Operator SoftmaxOutput: data must have at least 1 dimension")
    if multi_output:
        if data.ndim < 2:
            raise MXNetValueError("Operator SoftmaxOutput: multi_output needs data of shape (n, k, ...), got %s"
                                  % (data.shape,))
        return _split(data.shape, 1)
    if preserve_shape:
        return _split(data.shape, data.ndim - 1)
    return data.shape[0], _prod(data.shape[1:]), 1


def softmax_output_labels(data, label, outer, inner, multi_output, preserve_shape):
    """The labels as a flat (outer * inner,) array (MXNet's accepted shapes)."""
    n = outer * inner
    if label.size == n:
        return _c.reshape(_c.contiguous(label), (n,))
    if not multi_output and not preserve_shape and data.ndim > 2 and label.shape == data.shape[:-1]:
        # MXNet infers this label shape for >2-D data, then reads the first n labels
        return _c.reshape(_c.contiguous(label), (label.size,))[:n]
    if multi_output:
        want = (data.shape[0],) + data.shape[2:]
    elif preserve_shape:
        want = data.shape[:-1]
    else:
        want = (data.shape[0],)
    raise MXNetValueError("Operator SoftmaxOutput: label has shape %s; expected %s for data of shape %s "
                          "(multi_output=%s, preserve_shape=%s)"
                          % (label.shape, want, data.shape, multi_output, preserve_shape))


def _softmax_output(data, label, grad_scale=1.0, ignore_label=-1.0, multi_output=False, use_ignore=False,
                    preserve_shape=False, normalization="null", out_grad=False, smooth_alpha=0.0, out=None):
    outer, K, inner = softmax_output_layout(data, multi_output, preserve_shape)
    softmax_output_labels(data, label, outer, inner, multi_output, preserve_shape)
    return write_out(_run("softmax", data, outer, K, inner, 1.0, None, None, "SoftmaxOutput"), out)


register(OpDef("SoftmaxOutput", _softmax_output, inputs=("data", "label"), aliases=("Softmax",),
               attrs=(Attr("grad_scale", "float", 1.0, "Scales the gradient."),
                      Attr("ignore_label", "float", -1.0, "Label value to ignore (with use_ignore)."),
                      Attr("multi_output", "bool", False, "Softmax over axis 1 of (n, k, x1, ...) with "
                           "labels (n, x1, ...)."),
                      Attr("use_ignore", "bool", False, "Zero the gradient of ignored labels."),
                      Attr("preserve_shape", "bool", False, "Softmax over the last axis only."),
                      Attr("normalization", "str", "null", "Gradient normalisation.",
                           choices=("null", "batch", "valid")),
                      Attr("out_grad", "bool", False, "Multiply the gradient by the output (MXNet 1.9.1's "
                           "observed behaviour)."),
                      Attr("smooth_alpha", "float", 0.0, "Label smoothing: the target is 1-alpha at the "
                           "label and alpha/(k-1) elsewhere.")),
               doc="Softmax in the forward pass; the backward pass ignores the head gradient and "
                   "returns (softmax - onehot(label)) * grad_scale, normalised as asked.\n\n"
                   ">>> mx.nd.SoftmaxOutput(mx.nd.array([[0, 0]]), mx.nd.array([1])).asnumpy()\n"
                   "array([[0.5, 0.5]], dtype=float32)"))
