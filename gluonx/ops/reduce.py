"""Reductions: sum, mean, prod, max, min, norm, argmax, argmin, nansum, nanprod.

Every reduction takes MXNet's ``axis`` (None or ``()``: every axis; an int
or a tuple), ``keepdims`` and ``exclude`` (reduce every axis *not* listed).
A full reduction without keepdims has shape ``(1,)``, as in MXNet.
"""
from __future__ import annotations

import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register

_AXIS = Attr("axis", "axis", None, "Axis or axes to reduce (None or (): all).")
_KEEP = Attr("keepdims", "bool", False, "Keep reduced axes with extent 1.")
_EXCL = Attr("exclude", "bool", False, "Reduce every axis except those in `axis`.")
_RED_ATTRS = (_AXIS, _KEEP, _EXCL)

_NORM = struct.Struct("=i")  # gx_norm_attrs


def _make_reduce(kernel):
    def compute(data, axis=None, keepdims=False, exclude=False, out=None):
        r = _c.reduce(kernel, data, axis, keepdims, exclude, None, None, kernel)
        if out is not None:
            return _c.copyto(out, r, kernel)
        return r
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
    register(OpDef(_k, _make_reduce(_k), attrs=_RED_ATTRS, aliases=_ALIASES.get(_k, ()),
                   method=_k, doc=_DOCS[_k] + "\n\n" + _EXAMPLES[_k]))


def _norm(data, ord=2, axis=None, out_dtype=None, keepdims=False, out=None):
    if ord not in (1, 2):
        raise MXNetValueError("Operator norm: ord must be 1 or 2, got %r" % (ord,))
    r = _c.reduce("norm", data, axis, keepdims, False, None, _NORM.pack(ord), "norm")
    if out_dtype is not None and _c.dtype_flag(out_dtype) != _c.dtype_flag(r.dtype):
        r = _c.astype(r, out_dtype)
    if out is not None:
        return _c.copyto(out, r, "norm")
    return r


register(OpDef("norm", _norm,
               attrs=(Attr("ord", "int", 2, "1 (sum of |x|) or 2 (Euclidean)."), _AXIS,
                      Attr("out_dtype", "dtype", None, "Result dtype (default: the input's)."),
                      _KEEP),
               method="norm",
               doc="The L1 or L2 norm over the given axes (all by default; the result then has "
                   "shape (1,)).\n\n>>> mx.nd.norm(mx.nd.array([3, 4])).asnumpy()\n"
                   "array([5.], dtype=float32)"))


def _make_arg(kernel):
    def compute(data, axis=None, keepdims=False, out=None):
        if isinstance(axis, tuple):
            raise MXNetTypeError("Operator %s: axis must be an int or None, got %r" % (kernel, axis))
        if axis is None:
            flat = _c.reshape(data, (data.size,))
            r = _c.reduce(kernel, flat, 0, False, False, data.dtype, None, kernel)
            if keepdims:
                r = _c.reshape(r, (1,) * max(data.ndim, 1))
        else:
            if data.size == 0:
                raise MXNetValueError("Operator %s: cannot take %s of an array of shape %s"
                                      % (kernel, kernel, data.shape))
            r = _c.reduce(kernel, data, axis, keepdims, False, data.dtype, None, kernel)
        if out is not None:
            return _c.copyto(out, r, kernel)
        return r
    compute.__name__ = "_" + kernel
    return compute


for _k, _what in (("argmax", "largest"), ("argmin", "smallest")):
    register(OpDef(_k, _make_arg(_k),
                   attrs=(Attr("axis", "axis", None, "The axis (None: the flattened array)."), _KEEP),
                   method=_k, differentiable=False,
                   doc="Index of the %s element along an axis, in the input's dtype (float32 "
                       "for float32 input); ties give the first index.\n\n"
                       ">>> mx.nd.array([[1, 5], [3, 2]]).%s(axis=1).asnumpy()\n"
                       "array([%s], dtype=float32)" % (_what, _k, "1., 0." if _k == "argmax" else "0., 1.")))


def _argmax_channel(data, out=None):
    r = _c.reduce("argmax", data, -1, False, False, data.dtype, None, "argmax_channel")
    return _c.copyto(out, r) if out is not None else r


register(OpDef("argmax_channel", _argmax_channel, differentiable=False,
               doc="argmax along the last axis.\n\n>>> mx.nd.argmax_channel(mx.nd.array([[1, 5]]))"
                   ".asnumpy()\narray([1.], dtype=float32)"))
