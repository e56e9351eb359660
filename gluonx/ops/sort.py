"""Sorting: topk, sort, argsort.

The sorted axis is moved last (a strided view), made contiguous and seen as
(M, K) rows for the ``topk`` kernel, which writes (M, k) rows: straight
into the outputs when the axis is the last one (or None), else into
temporaries that are moved back.  Ordering is stable (equal keys keep their
index order); NaN sorts as the largest value.  Indices are float32 by
default, as in MXNet.
"""
from __future__ import annotations

import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register
from gluonx.ops.shape_rules import prod

_TOPK = struct.Struct("=qiiii")  # gx_topk_attrs


# ---- shape rules -------------------------------------------------------------------

def _sorted_axis(opname: str, axis, shape: tuple):
    """The sorted axis (None: the flattened array) checked against `shape`."""
    if axis is None:
        return None
    if isinstance(axis, tuple):
        raise MXNetTypeError("Operator %s: axis must be an int or None, got %r" % (opname, axis))
    nd = len(shape)
    if not -nd <= axis < nd:
        raise MXNetIndexError("Operator %s: axis %d is out of range for an array of shape %s"
                              % (opname, axis, shape))
    return axis % nd


def _topk_shapes(opname: str, shape: tuple, axis, k: int, ret_typ: str) -> tuple:
    """(k, shape of a value/index result) of topk over `axis`."""
    ax = _sorted_axis(opname, axis, shape)
    K = prod(shape) if ax is None else shape[ax]
    if k <= 0:
        k = K
    if k > K:
        raise MXNetValueError("Operator %s: k=%d exceeds the length %d of axis %s of an array of shape %s"
                              % (opname, k, K, axis, shape))
    if ret_typ == "mask":
        return k, tuple(shape)
    return k, ((k,) if ax is None else shape[:ax] + (k,) + shape[ax + 1:])


def _topk_infer(a, shapes, dtypes):
    ret = a["ret_typ"]
    _, rshape = _topk_shapes("topk", shapes[0], a["axis"], a["k"], ret)
    if ret == "both":
        return [rshape, rshape], [dtypes[0], (a["dtype"] or "float32")]
    return [rshape], [(a["dtype"] or "float32") if ret == "indices" else dtypes[0]]


def _topk_type(a, dtypes):
    ret = a["ret_typ"]
    if ret == "both":
        return [dtypes[0], (a["dtype"] or "float32")]
    return [(a["dtype"] or "float32") if ret == "indices" else dtypes[0]]


def _sort_infer(a, shapes, dtypes):
    _, rshape = _topk_shapes("sort", shapes[0], a["axis"], 0, "value")
    return [rshape], [dtypes[0]]


def _argsort_infer(a, shapes, dtypes):
    _, rshape = _topk_shapes("argsort", shapes[0], a["axis"], 0, "indices")
    return [rshape], [(a["dtype"] or "float32")]


# ---- compute -------------------------------------------------------------------------

def _rows(data, ax):
    """(rows (M, K) contiguous, lead shape) with axis `ax` (None: flattened) last."""
    if ax is None:
        return _c.reshape(data, (1, data.size)), ()
    nd = data.ndim
    if ax != nd - 1:
        shape, strides = list(data.shape), list(data.strides)
        shape.append(shape.pop(ax))
        strides.append(strides.pop(ax))
        data = _c.as_strided(data, tuple(shape), tuple(strides), 0)
    lead = tuple(data.shape[:-1])
    return _c.reshape(_c.contiguous(data), (prod(lead), data.shape[-1])), lead


def _moved_back(r, lead, ax):
    """(M, k) rows seen as lead + (k,) with the last axis moved to `ax` (a view)."""
    r = _c.reshape(r, lead + (r.shape[1],))
    shape, strides = list(r.shape), list(r.strides)
    shape.insert(ax, shape.pop())
    strides.insert(ax, strides.pop())
    return _c.as_strided(r, tuple(shape), tuple(strides), 0)


def _topk_into(data, outs, axis, k, ret_typ, is_ascend, opname):
    """Runs the topk kernel for `ret_typ` into `outs` (values and/or indices, or the mask)."""
    ax = _sorted_axis(opname, axis, data.shape)
    rows, lead = _rows(data, ax)
    M, K = rows.shape
    k = K if k <= 0 else k
    width = K if ret_typ == "mask" else k
    direct = ax is None or ax == data.ndim - 1
    targets = [_c.reshape(o, (M, width)) if direct else _c.empty((M, width), o.dtype, o.context) for o in outs]
    if M * width:
        if ret_typ == "mask":
            _c.launch("topk_mask", [rows], targets, _TOPK.pack(k, int(is_ascend), 0, 0, 0), opname)
        else:
            want_v, want_i = ret_typ in ("value", "both"), ret_typ in ("indices", "both")
            _c.launch("topk", [rows], targets, _TOPK.pack(k, int(is_ascend), int(want_v), int(want_i), 0), opname)
    if not direct:
        for o, t in zip(outs, targets):
            _c.copyto(o, _moved_back(t, lead, ax), opname)


def _topk(data, out, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32"):
    _topk_into(data, out if ret_typ == "both" else [out], axis, k, ret_typ, is_ascend, "topk")


def _sort(data, out, axis=-1, is_ascend=True):
    _topk_into(data, [out], axis, 0, "value", is_ascend, "sort")


def _argsort(data, out, axis=-1, is_ascend=True, dtype="float32"):
    _topk_into(data, [out], axis, 0, "indices", is_ascend, "argsort")


_AXIS = Attr("axis", "axis", -1, "The axis to sort along (None: the flattened array).")
_ASC_T = Attr("is_ascend", "bool", True, "Ascending order.")
_IDX_DT = Attr("dtype", "dtype", "float32", "Dtype of the returned indices.")


def _topk_outputs(a):
    # MXNet's topk has a hidden second output with ret_typ='value': its one
    # visible output is then named output0 (like sort's)
    return {"both": ("output0", "output1"), "value": ("output0",)}.get(a["ret_typ"], ("output",))


register(OpDef("topk", _topk, infer=_topk_infer, infer_type=_topk_type, workspace=True,
               num_outputs=lambda a: 2 if a["ret_typ"] == "both" else 1, output_names=_topk_outputs,
               attrs=(_AXIS, Attr("k", "int", 1, "How many elements (k < 1: all)."),
                      Attr("ret_typ", "str", "indices", "What to return.",
                           choices=("value", "indices", "mask", "both")),
                      Attr("is_ascend", "bool", False, "Smallest first instead of largest."), _IDX_DT),
               method="topk",
               doc="The top k elements along an axis: their indices, values, both ([values, "
                   "indices]) or a 0/1 mask.\n\n"
                   ">>> mx.nd.topk(mx.nd.array([[3, 1, 2]]), k=2).asnumpy()\n"
                   "array([[0., 2.]], dtype=float32)"))
register(OpDef("sort", _sort, infer=_sort_infer, workspace=True, output_names=("output0",),
               attrs=(_AXIS, _ASC_T), method="sort",
               doc="Sorted copy along an axis.\n\n>>> mx.nd.sort(mx.nd.array([3, 1, 2])).asnumpy()\n"
                   "array([1., 2., 3.], dtype=float32)"))
register(OpDef("argsort", _argsort, infer=_argsort_infer, workspace=True,
               infer_type=lambda a, dtypes: [a["dtype"] or "float32"],
               attrs=(_AXIS, _ASC_T, _IDX_DT), method="argsort", differentiable=False,
               doc="Indices that sort an axis (stable).\n\n"
                   ">>> mx.nd.argsort(mx.nd.array([3, 1, 2])).asnumpy()\n"
                   "array([1., 2., 0.], dtype=float32)"))
