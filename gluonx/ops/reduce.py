"""Reductions: sum, mean, prod, max, min, norm, argmax, argmin, nansum, nanprod.

Every reduction takes MXNet's ``axis`` (None or ``()``: every axis; an int
or a tuple), ``keepdims`` and ``exclude`` (reduce every axis *not* listed).
A full reduction without keepdims has shape ``(1,)``, as in MXNet.

The rules work out the reduced axes and the result shape; the compute step
launches the reduction kernel straight into the given output, viewed with
the input's ndim and stride 0 on the reduced axes (the layout the kernels
expect, see include/gluonx/attrs.h).
"""
from __future__ import annotations

import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, ShapeUnknown, register
from gluonx.ops.shape_rules import axis_index, prod

_AXIS = Attr("axis", "axis", None, "Axis or axes to reduce (None or (): all).")
_KEEP = Attr("keepdims", "bool", False, "Keep reduced axes with extent 1.")
_EXCL = Attr("exclude", "bool", False, "Reduce every axis except those in `axis`.")
_RED_ATTRS = (_AXIS, _KEEP, _EXCL)

_NORM = struct.Struct("=i")  # gx_norm_attrs


# ---- shape rules -----------------------------------------------------------------

def reduced_axes(opname: str, axis, ndim: int, exclude: bool = False) -> tuple:
    """Sorted reduced axes of a reduction over `axis` (None or (): all axes)."""
    if axis is None or axis == ():
        return tuple(range(ndim))      # MXNet: () means every axis, exclude or not
    if isinstance(axis, int):
        axis = (axis,)
    seen = []
    for ax in axis:
        a = int(ax)
        if a < -ndim or a >= ndim:
            raise MXNetIndexError("Operator %s: axis %d is out of range for an array of %d dimensions"
                                  % (opname, a, ndim))
        a %= ndim
        if a in seen:
            raise MXNetValueError("Operator %s: axis %d appears twice in %r" % (opname, a, axis))
        seen.append(a)
    if exclude:
        return tuple(i for i in range(ndim) if i not in seen)
    return tuple(sorted(seen))


def _result_shape(shape: tuple, axes: tuple, keepdims: bool) -> tuple:
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes) or (1,)


def _make_reduce_infer(kernel):
    def infer(a, shapes, dtypes):
        shape = shapes[0]
        axes = reduced_axes(kernel, a["axis"], len(shape), a["exclude"])
        oshape = _result_shape(shape, axes, a["keepdims"])
        if kernel in ("max", "min") and prod(shape) == 0 and prod(oshape):
            raise MXNetValueError("Operator %s: cannot reduce over a zero-size axis (no identity); input "
                                  "shape %s, axis %s" % (kernel, shape, a["axis"]))
        return [oshape], [dtypes[0]]
    infer.__name__ = "_%s_infer" % kernel
    return infer


# ---- launching into the output -------------------------------------------------
# reduce_into(kernel, x, axes, out[, attrs, opname]): the core runs reduction
# `kernel` of x over `axes` into the contiguous `out` (the kept elements in order).
reduce_into = _c.reduce_into


def _make_reduce(kernel):
    def compute(data, out, axis=None, keepdims=False, exclude=False):
        reduce_into(kernel, data, reduced_axes(kernel, axis, data.ndim, exclude), out)
    compute.__name__ = "_" + kernel
    return compute


_EXAMPLES = {
    "sum": ">>> x = mx.nd.array([[1, 2], [3, 4]])\n>>> x.sum(axis=1).asnumpy()\n"
           "array([3., 7.], dtype=float32)",
    "mean": ">>> mx.nd.mean(mx.nd.array([[1, 2], [3, 4]]), axis=0).asnumpy()\n"
            "array([2., 3.], dtype=float32)",
    "prod": ">>> mx.nd.prod(mx.nd.array([2, 3, 4])).asnumpy()\narray([24.], dtype=float32)",
    "max": ">>> mx.nd.array([[1, 5], [3, 2]]).max(axis=0).asnumpy()\narray([3., 5.], dtype=float32)",
    "min": ">>> mx.nd.array([[1, 5], [3, 2]]).min(axis=1).asnumpy()\narray([1., 2.], dtype=float32)",
    "nansum": ">>> mx.nd.nansum(mx.nd.array([1, float('nan'), 3])).asnumpy()\n"
              "array([4.], dtype=float32)",
    "nanprod": ">>> mx.nd.nanprod(mx.nd.array([2, float('nan'), 3])).asnumpy()\n"
               "array([6.], dtype=float32)",
}
_DOCS = {
    "sum": "Sum of array elements over the given axes.",
    "mean": "Mean of array elements over the given axes (integer inputs give an integer result).",
    "prod": "Product of array elements over the given axes.",
    "max": "Maximum over the given axes (NaN propagates).",
    "min": "Minimum over the given axes (NaN propagates).",
    "nansum": "Sum over the given axes, treating NaN as zero.",
    "nanprod": "Product over the given axes, treating NaN as one.",
}
_ALIASES = {"sum": ("sum_axis",), "max": ("max_axis",), "min": ("min_axis",)}

for _k in ("sum", "mean", "prod", "max", "min", "nansum", "nanprod"):
    register(OpDef(_k, _make_reduce(_k), infer=_make_reduce_infer(_k), attrs=_RED_ATTRS,
                   aliases=_ALIASES.get(_k, ()), method=_k, doc=_DOCS[_k] + "\n\n" + _EXAMPLES[_k]))


# ---- norm ------------------------------------------------------------------------

def _norm_infer(a, shapes, dtypes):
    if a["ord"] not in (1, 2):
        raise MXNetValueError("Operator norm: ord must be 1 or 2, got %r" % (a["ord"],))
    shape = shapes[0]
    axes = reduced_axes("norm", a["axis"], len(shape))
    return [_result_shape(shape, axes, a["keepdims"])], [a["out_dtype"] or dtypes[0]]


def _norm(data, out, ord=2, axis=None, out_dtype=None, keepdims=False):
    axes = reduced_axes("norm", axis, data.ndim)
    attrs = _NORM.pack(ord)
    if out.dtype == data.dtype:
        reduce_into("norm", data, axes, out, attrs)
    else:  # the kernel writes the input's dtype: reduce, then cast into out
        r = _c.empty(out.shape, data.dtype, data.context)
        reduce_into("norm", data, axes, r, attrs)
        _c.copyto(out, r, "norm")


register(OpDef("norm", _norm, infer=_norm_infer,
               attrs=(Attr("ord", "int", 2, "1 (sum of |x|) or 2 (Euclidean)."), _AXIS,
                      Attr("out_dtype", "dtype", None, "Result dtype (default: the input's)."),
                      _KEEP),
               method="norm",
               doc="The L1 or L2 norm over the given axes (all by default; the result then has "
                   "shape (1,)).\n\n>>> mx.nd.norm(mx.nd.array([3, 4])).asnumpy()\n"
                   "array([5.], dtype=float32)"))


# ---- argmax / argmin -------------------------------------------------------------

def _make_arg_infer(kernel):
    def infer(a, shapes, dtypes):
        axis, shape = a["axis"], shapes[0]
        if isinstance(axis, tuple):
            raise MXNetTypeError("Operator %s: axis must be an int or None, got %r" % (kernel, axis))
        if axis is None:
            oshape = (1,) * max(len(shape), 1) if a["keepdims"] else (1,)
        else:
            ax = reduced_axes(kernel, axis, len(shape))
            oshape = _result_shape(shape, ax, a["keepdims"])
        if prod(shape) == 0:
            raise MXNetValueError("Operator %s: cannot take %s of an array of shape %s" % (kernel, kernel, shape))
        return [oshape], [arg_index_dtype(dtypes[0])]
    infer.__name__ = "_%s_infer" % kernel
    return infer


def arg_index_dtype(dtype: str) -> str:
    """The dtype argmax/argmin/argmax_channel write their indices in.

    float32 for every input but float64 (kept: exact to 2^53, and MXNet 1.9.1 gives float64
    there too).  MXNet 1.9.1 writes the index in the input's dtype, which is wrong for the
    others: bool gives True, int8 wraps (index 2995 -> -77), float16 rounds past 2048.  The
    kernel counts in int64 and converts once on store, so a float32 index is exact up to
    2^24 (16,777,216) and rounds to the nearest float32 past that, as MXNet's float32 does.
    """
    return "float64" if dtype == "float64" else "float32"


def _arg_type(a, dtypes):
    """Graph dtype inference of argmax/argmin/argmax_channel: the same answer as the shape rule."""
    if dtypes[0] is None:
        raise ShapeUnknown()
    return [arg_index_dtype(dtypes[0])]


def _make_arg(kernel):
    def compute(data, out, axis=None, keepdims=False):
        if axis is None:
            reduce_into(kernel, _c.reshape(data, (data.size,)), (0,), out)
        else:
            reduce_into(kernel, data, reduced_axes(kernel, axis, data.ndim), out)
    compute.__name__ = "_" + kernel
    return compute


for _k, _what in (("argmax", "largest"), ("argmin", "smallest")):
    register(OpDef(_k, _make_arg(_k), infer=_make_arg_infer(_k), infer_type=_arg_type,
                   attrs=(Attr("axis", "axis", None, "The axis (None: the flattened array)."), _KEEP),
                   method=_k, differentiable=False,
                   doc="Index of the %s element along an axis, as float32 (float64 for float64 "
                       "input; float32 is exact up to 2^24); ties give the first index.\n\n"
                       ">>> mx.nd.array([[1, 5], [3, 2]]).%s(axis=1).asnumpy()\n"
                       "array([%s], dtype=float32)" % (_what, _k, "1., 0." if _k == "argmax" else "0., 1.")))


def _argmax_channel_infer(a, shapes, dtypes):
    shape = shapes[0]
    ax = axis_index("argmax_channel", -1, len(shape))
    oshape = shape[:ax] or (1,)
    if prod(shape) == 0 and prod(oshape):
        raise MXNetValueError("Operator argmax_channel: cannot take argmax of an array of shape %s" % (shape,))
    return [oshape], [arg_index_dtype(dtypes[0])]


def _argmax_channel(data, out):
    reduce_into("argmax", data, (data.ndim - 1,), out, None, "argmax_channel")


register(OpDef("argmax_channel", _argmax_channel, infer=_argmax_channel_infer, infer_type=_arg_type,
               differentiable=False,
               doc="argmax along the last axis.\n\n>>> mx.nd.argmax_channel(mx.nd.array([[1, 5]]))"
                   ".asnumpy()\narray([1.], dtype=float32)"))
