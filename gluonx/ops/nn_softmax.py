"""Softmax family: softmax, log_softmax, softmin, SoftmaxActivation, SoftmaxOutput.

Each runs the fused ``softmax`` / ``log_softmax`` kernel over a contiguous
(outer, K, inner) view of its input, K being the normalised axis.  MXNet
1.9.1 semantics: only float inputs; ``dtype=`` picks the output dtype;
``temperature`` divides the input; ``softmax(data, length, use_length=True)``
writes 0 at positions ``>= length`` along the axis (length has the data's
shape without the axis and an integer dtype).  ``SoftmaxOutput`` computes
softmax in the forward pass; its gradient ignores the head gradient (see
nn_softmax_grad.py).  Its label shape is inferred from the data as MXNet
does (:func:`softmax_output_label_shape`), and so is softmax's length shape.
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register
from gluonx.ops.shape_rules import fill_dtype, prod

_SOFTMAX = struct.Struct("=d")  # gx_softmax_attrs
_FLOATS = ("float16", "float32", "float64")


def _check_float(opname, dtype):
    if dtype not in _FLOATS:
        raise MXNetTypeError("Operator %s: only float16/float32/float64 inputs are supported, got %s"
                             % (opname, dtype))


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


def _split(shape, ax):
    return prod(shape[:ax]), shape[ax], prod(shape[ax + 1:])


def _run(kernel, data, out, outer, K, inner, scale, length=None, opname=None):
    """The kernel on `data` viewed as (outer, K, inner), into `out` (data's shape)."""
    if not out.size:
        return
    ins = [_c.reshape(_c.contiguous(data), (outer, K, inner))]
    if length is not None:
        ins.append(length)
    _c.launch(kernel, ins, [_c.reshape(out, (outer, K, inner))], _SOFTMAX.pack(scale), opname)


# ---- softmax, log_softmax, softmin ----------------------------------------------------------

def _softmax_like_infer(opname, negate, takes_length):
    def rule(a, shapes, dtypes):
        ds = tuple(shapes[0])
        ax = _norm_axis(a["axis"], len(ds), opname)
        use_length = a["use_length"]
        if use_length and not takes_length:
            raise MXNetValueError("Operator %s: use_length=True is only supported by softmax (MXNet's %s "
                                  "takes no length input)" % (opname, opname))
        if takes_length:
            _length_rule(opname, a, shapes, dtypes, ds, ax)
        _scale(a["temperature"], opname, negate)
        _check_float(opname, dtypes[0])
        odt = a["dtype"] or dtypes[0]
        if odt not in _FLOATS:
            raise MXNetTypeError("Operator %s: dtype must be float16, float32 or float64, got %s"
                                 % (opname, odt))
        return [ds], [odt]
    return rule


def _length_rule(opname, a, shapes, dtypes, ds, ax):
    """softmax's length input: the data's shape without the axis, an integer
    dtype.  An unknown length shape is filled (as MXNet does); its dtype is not
    (MXNet leaves it undecided too)."""
    have = shapes[1] if len(shapes) > 1 else None
    if not a["use_length"]:
        if have is not None:
            raise MXNetValueError("Operator %s: a length input was given but use_length is False" % opname)
        return
    want = ds[:ax] + ds[ax + 1:]
    if have is None:
        if len(shapes) > 1:
            shapes[1] = want
        return
    if tuple(have) != want and not (want == () and tuple(have) == (1,)):
        raise MXNetValueError("Operator %s: length has shape %s; expected %s (the data's shape %s without "
                              "axis %d)" % (opname, tuple(have), want, ds, ax))
    if dtypes[1] is not None and np.dtype(dtypes[1]).kind not in "iub":
        raise MXNetTypeError("Operator %s: length must have an integer dtype, got %s" % (opname, dtypes[1]))


def _softmax_like(kernel, negate, opname):
    def compute(data, length=None, out=None, axis=-1, temperature=None, dtype=None, use_length=False):
        ax = _norm_axis(axis, data.ndim, opname)
        lg = None
        if use_length:
            # the rule fills an unknown length shape; an eager call must still pass one
            if length is None:
                raise MXNetValueError("Operator %s: use_length=True needs the length input" % opname)
            lg = length if length.dtype == np.int64 else _c.astype(length, "int64")
            lg = _c.reshape(_c.contiguous(lg), (lg.size,))
        outer, K, inner = _split(data.shape, ax)
        _run(kernel, data, out, outer, K, inner, _scale(temperature, opname, negate), lg, opname)
    compute.__name__ = "_" + opname
    return compute


def _no_length(fn):
    def compute(data, out, axis=-1, temperature=None, dtype=None, use_length=False):
        fn(data, None, out=out, axis=axis, temperature=temperature, dtype=dtype)
    compute.__name__ = fn.__name__
    return compute


_AXIS = Attr("axis", "int", -1, "The axis to normalise along.")
_TEMP = Attr("temperature", "float", None, "Divides the input (default 1).")
_DTYPE = Attr("dtype", "dtype", None, "Output dtype (float16, float32 or float64; default: the input's).")
_USELEN = Attr("use_length", "bool", False, "Mask positions >= length along the axis (softmax only).")

register(OpDef("softmax", _softmax_like("softmax", False, "softmax"),
               infer=_softmax_like_infer("softmax", False, True), inputs=("data", "length"),
               optional=("length",), infers_inputs=("length",),
               input_names=lambda a: ("data", "length") if a["use_length"] else ("data",),
               attrs=(_AXIS, _TEMP, _DTYPE, _USELEN), method="softmax",
               doc="exp(x / t) / sum(exp(x / t)) along `axis`, computed stably; with use_length=True "
                   "positions >= length are 0.\n\n"
                   ">>> mx.nd.softmax(mx.nd.array([[1, 1], [0, 2]])).asnumpy().round(3)\n"
                   "array([[0.5  , 0.5  ],\n       [0.119, 0.881]], dtype=float32)"))
register(OpDef("log_softmax", _no_length(_softmax_like("log_softmax", False, "log_softmax")),
               infer=_softmax_like_infer("log_softmax", False, False), attrs=(_AXIS, _TEMP, _DTYPE, _USELEN),
               method="log_softmax",
               doc="log(softmax(x)) along `axis`, computed as x/t - logsumexp(x/t).\n\n"
                   ">>> mx.nd.log_softmax(mx.nd.array([0, 0])).asnumpy().round(4)\n"
                   "array([-0.6931, -0.6931], dtype=float32)"))
register(OpDef("softmin", _no_length(_softmax_like("softmax", True, "softmin")),
               infer=_softmax_like_infer("softmin", True, False), attrs=(_AXIS, _TEMP, _DTYPE, _USELEN),
               method="softmin",
               doc="softmax(-x / t) along `axis`.\n\n"
                   ">>> mx.nd.softmin(mx.nd.array([0, 2])).asnumpy().round(3)\n"
                   "array([0.881, 0.119], dtype=float32)"))


# ---- SoftmaxActivation ------------------------------------------------------------------------

def _softmax_activation_infer(a, shapes, dtypes):
    ds, mode = tuple(shapes[0]), a["mode"]
    _check_float("SoftmaxActivation", dtypes[0])
    if len(ds) < 1 or (mode == "channel" and len(ds) < 2):
        raise MXNetValueError("Operator SoftmaxActivation: mode=%r needs an input of at least %d dimensions, "
                              "got shape %s" % (mode, 2 if mode == "channel" else 1, ds))
    return [ds], [dtypes[0]]


def _softmax_activation(data, out, mode="instance"):
    # MXNet 1.9.1 normalises over the last axis in 'instance' mode
    outer, K, inner = _split(data.shape, 1 if mode == "channel" else data.ndim - 1)
    _run("softmax", data, out, outer, K, inner, 1.0, None, "SoftmaxActivation")


register(OpDef("SoftmaxActivation", _softmax_activation, infer=_softmax_activation_infer,
               attrs=(Attr("mode", "str", "instance", "'instance': over the last axis; "
                           "'channel': over axis 1.", choices=("instance", "channel")),),
               doc="Softmax over the last axis (mode='instance', as MXNet 1.9.1 computes it) or over axis 1 "
                   "(mode='channel').\n\n>>> mx.nd.SoftmaxActivation(mx.nd.array([[0, 0]])).asnumpy()\n"
                   "array([[0.5, 0.5]], dtype=float32)"))


# ---- SoftmaxOutput --------------------------------------------------------------------------

def softmax_output_layout(dshape: tuple, multi_output: bool, preserve_shape: bool) -> tuple:
    """(outer, K, inner) of SoftmaxOutput's normalised view of data of shape `dshape`."""
    dshape = tuple(dshape)
    if len(dshape) < 1:
        raise MXNetValueError("Operator SoftmaxOutput: data must have at least 1 dimension")
    if multi_output:
        if len(dshape) < 2:
            raise MXNetValueError("Operator SoftmaxOutput: multi_output needs data of shape (n, k, ...), got %s"
                                  % (dshape,))
        return _split(dshape, 1)
    if preserve_shape:
        return _split(dshape, len(dshape) - 1)
    return dshape[0], prod(dshape[1:]), 1


def softmax_output_label_shape(dshape: tuple, multi_output: bool) -> tuple:
    """The label shape MXNet 1.9.1 infers from data of shape `dshape`:
    multi_output (n, prod(data.shape[2:])), else data.shape[:-1] ((n,) for
    1-D data, where MXNet leaves it open and accepts (n,))."""
    dshape = tuple(dshape)
    if multi_output:
        return (dshape[0], prod(dshape[2:]))
    return dshape[:-1] if len(dshape) > 1 else dshape[:1]


def softmax_output_label_check(dshape: tuple, lshape: tuple, multi_output: bool, preserve_shape: bool) -> int:
    """Checks a label shape against the data (MXNet's accepted shapes, and any
    with one label per normalised row); returns how many labels are read."""
    dshape, lshape = tuple(dshape), tuple(lshape)
    outer, _, inner = softmax_output_layout(dshape, multi_output, preserve_shape)
    n = outer * inner
    if prod(lshape) == n:
        return n
    if not multi_output and not preserve_shape and len(dshape) > 2 and lshape == dshape[:-1]:
        # MXNet infers this label shape for >2-D data, then reads the first n labels
        return n
    if multi_output:
        want = (dshape[0],) + dshape[2:]
    elif preserve_shape:
        want = dshape[:-1]
    else:
        want = (dshape[0],)
    raise MXNetValueError("Operator SoftmaxOutput: label has shape %s; expected %s for data of shape %s "
                          "(multi_output=%s, preserve_shape=%s)"
                          % (lshape, want, dshape, multi_output, preserve_shape))


def softmax_output_labels(data, label, multi_output: bool, preserve_shape: bool):
    """The labels as a flat (outer * inner,) array."""
    n = softmax_output_label_check(data.shape, label.shape, multi_output, preserve_shape)
    flat = _c.reshape(_c.contiguous(label), (label.size,))
    return flat if label.size == n else flat[:n]


def _softmax_output_infer(a, shapes, dtypes):
    ds = tuple(shapes[0])
    multi, preserve = a["multi_output"], a["preserve_shape"]
    softmax_output_layout(ds, multi, preserve)
    if shapes[1] is None:  # backward inference of the label
        shapes[1] = softmax_output_label_shape(ds, multi)
    softmax_output_label_check(ds, shapes[1], multi, preserve)
    fill_dtype(dtypes, 1, dtypes[0])
    _check_float("SoftmaxOutput", dtypes[0])
    return [ds], [dtypes[0]]


def _softmax_output(data, label, out, grad_scale=1.0, ignore_label=-1.0, multi_output=False, use_ignore=False,
                    preserve_shape=False, normalization="null", out_grad=False, smooth_alpha=0.0):
    outer, K, inner = softmax_output_layout(data.shape, multi_output, preserve_shape)
    _run("softmax", data, out, outer, K, inner, 1.0, None, "SoftmaxOutput")


register(OpDef("SoftmaxOutput", _softmax_output, infer=_softmax_output_infer, inputs=("data", "label"),
               infers_inputs=("label",), aliases=("Softmax",),
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
