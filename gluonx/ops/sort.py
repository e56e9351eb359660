"""Sorting: topk, sort, argsort.

The sorted axis is moved last (a strided view), made contiguous and seen as
(M, K) rows for the ``topk`` kernel; results are moved back.  Ordering is
stable (equal keys keep their index order); NaN sorts as the largest value.
Indices are float32 by default, as in MXNet.
"""
from __future__ import annotations

import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetValueError, MXNetIndexError
from gluonx.ops.registry import Attr, OpDef, register

_TOPK = struct.Struct("=qiiii")  # gx_topk_attrs


def _rows(data, axis, opname):
    """(rows (M, K) contiguous, lead shape, K, axis or None)."""
    if axis is None:
        return _c.reshape(data, (1, data.size)), (), data.size, None
    nd = data.ndim
    if not -nd <= axis < nd:
        raise MXNetIndexError("Operator %s: axis %d is out of range for an array of shape %s"
                              % (opname, axis, data.shape))
    axis %= nd
    shape, strides = list(data.shape), list(data.strides)
    if axis != nd - 1:
        shape.append(shape.pop(axis))
        strides.append(strides.pop(axis))
        data = _c.as_strided(data, tuple(shape), tuple(strides), 0)
    K = shape[-1]
    lead = tuple(shape[:-1])
    M = 1
    for s in lead:
        M *= s
    return _c.reshape(_c.contiguous(data), (M, K)), lead, K, axis


def _restore(r, lead, axis, nd):
    """(M, k) result -> lead + (k,) with the last axis moved back to `axis`."""
    k = r.shape[1]
    if axis is None:
        return _c.reshape(r, (k,))
    r = _c.reshape(r, lead + (k,))
    if axis == nd - 1:
        return r
    shape, strides = list(r.shape), list(r.strides)
    shape.insert(axis, shape.pop())
    strides.insert(axis, strides.pop())
    return _c.contiguous(_c.as_strided(r, tuple(shape), tuple(strides), 0))


def _topk_impl(data, axis, k, ret_typ, is_ascend, dtype, opname):
    rows, lead, K, ax = _rows(data, axis, opname)
    if k <= 0:
        k = K
    if k > K:
        raise MXNetValueError("Operator %s: k=%d exceeds the length %d of axis %s of an array of shape %s"
                              % (opname, k, K, axis, data.shape))
    M = rows.shape[0]
    if ret_typ == "mask":
        o = _c.empty((M, K), data.dtype, data.context)
        if o.size:
            _c.launch("topk_mask", [rows], [o], _TOPK.pack(k, int(is_ascend), 0, 0, 0), opname)
        return _restore(o, lead, ax, data.ndim) if ax is not None else _c.reshape(o, data.shape)
    want_v = ret_typ in ("value", "both")
    want_i = ret_typ in ("indices", "both")
    outs = []
    if want_v:
        outs.append(_c.empty((M, k), data.dtype, data.context))
    if want_i:
        outs.append(_c.empty((M, k), dtype, data.context))
    if M and k:
        _c.launch("topk", [rows], outs, _TOPK.pack(k, int(is_ascend), int(want_v), int(want_i), 0), opname)
    res = [_restore(o, lead, ax, data.ndim) for o in outs]
    return res if len(res) > 1 else res[0]


def _topk(data, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32", out=None):
    r = _topk_impl(data, axis, k, ret_typ, is_ascend, dtype, "topk")
    if out is not None and not isinstance(r, list):
        return _c.copyto(out, r, "topk")
    return r


def _sort(data, axis=-1, is_ascend=True, out=None):
    r = _topk_impl(data, axis, 0, "value", is_ascend, "float32", "sort")
    return _c.copyto(out, r, "sort") if out is not None else r


def _argsort(data, axis=-1, is_ascend=True, dtype="float32", out=None):
    r = _topk_impl(data, axis, 0, "indices", is_ascend, dtype, "argsort")
    return _c.copyto(out, r, "argsort") if out is not None else r


_AXIS = Attr("axis", "axis", -1, "The axis to sort along (None: the flattened array).")
_ASC_T = Attr("is_ascend", "bool", True, "Ascending order.")
_IDX_DT = Attr("dtype", "dtype", "float32", "Dtype of the returned indices.")

register(OpDef("topk", _topk,
               attrs=(_AXIS, Attr("k", "int", 1, "How many elements (k < 1: all)."),
                      Attr("ret_typ", "str", "indices", "What to return.",
                           choices=("value", "indices", "mask", "both")),
                      Attr("is_ascend", "bool", False, "Smallest first instead of largest."), _IDX_DT),
               method="topk",
               doc="The top k elements along an axis: their indices, values, both ([values, "
                   "indices]) or a 0/1 mask.\n\n"
                   ">>> mx.nd.topk(mx.nd.array([[3, 1, 2]]), k=2).asnumpy()\n"
                   "array([[0., 2.]], dtype=float32)"))
register(OpDef("sort", _sort, attrs=(_AXIS, _ASC_T), method="sort",
               doc="Sorted copy along an axis.\n\n>>> mx.nd.sort(mx.nd.array([3, 1, 2])).asnumpy()\n"
                   "array([1., 2., 3.], dtype=float32)"))
register(OpDef("argsort", _argsort, attrs=(_AXIS, _ASC_T, _IDX_DT), method="argsort",
               differentiable=False,
               doc="Indices that sort an axis (stable).\n\n"
                   ">>> mx.nd.argsort(mx.nd.array([3, 1, 2])).asnumpy()\n"
                   "array([1., 2., 0.], dtype=float32)"))
