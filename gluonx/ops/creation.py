"""Array creation: zeros, ones, full, empty, arange, linspace, eye, *_like.

These ops have no inputs: their rules give the shape from the attributes
and the dtype from ``dtype``; the output is allocated on ``ctx`` (None: the
current default context) by the caller, and the compute step fills it.
"""
from __future__ import annotations

import math
import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetNotImplementedError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, REQUIRED

_CTX = Attr("ctx", "any", None, "Device (default: the current context).")
_DTYPE32 = Attr("dtype", "dtype", "float32", "Element type.")
_ARANGE = struct.Struct("=dd")  # gx_arange_attrs


def _checked_shape(opname: str, shape) -> tuple:
    shape = tuple(shape)
    if any(d < 0 for d in shape):
        raise MXNetValueError("Operator %s: negative dimension in shape %s" % (opname, shape))
    return shape


def _check_stype(opname: str, stype) -> None:
    if stype not in (None, "default"):
        raise MXNetNotImplementedError("Operator %s: stype=%r: gluonx arrays are dense; sparse storage "
                                       "('row_sparse', 'csr') is not supported" % (opname, stype))


def _shaped_infer(opname):
    def infer(a, shapes, dtypes):
        if "stype" in a:
            _check_stype(opname, a["stype"])
        return [_checked_shape(opname, a["shape"])], [a["dtype"] or "float32"]
    infer.__name__ = "_%s_infer" % opname
    return infer


def _zeros(out, shape, ctx=None, dtype="float32", stype=None):
    _c.fill(out, 0)


def _ones(out, shape, ctx=None, dtype="float32"):
    _c.fill(out, 1)


def _full(out, shape, value, ctx=None, dtype="float32"):
    _c.fill(out, value)


def _empty(out, shape, ctx=None, dtype="float32", stype=None):
    pass  # the caller allocated it; nothing to write


# ---- arange / linspace / eye ------------------------------------------------------------

def _arange_range(a) -> tuple:
    """(start, step, n) of an arange call (stop None: [0, start))."""
    start, stop, step = a["start"], a["stop"], a["step"]
    if stop is None:
        start, stop = 0.0, start
    if step == 0:
        raise MXNetValueError("Operator arange: step must not be 0")
    if not all(math.isfinite(v) for v in (start, stop, step)):
        raise MXNetValueError("Operator arange: start, stop and step must be finite, got %r, %r, %r"
                              % (start, stop, step))
    if a["repeat"] < 1:
        raise MXNetValueError("Operator arange: repeat must be positive, got %d" % a["repeat"])
    n = (stop - start) / step
    if not math.isfinite(n):   # a NaN bound, or a step so small the count is no number
        raise MXNetValueError("Operator arange: start=%r, stop=%r, step=%r give no finite length"
                              % (start, stop, step))
    return start, step, max(int(math.ceil(n)), 0)


def _arange_infer(a, shapes, dtypes):
    _, _, n = _arange_range(a)
    return [(n * a["repeat"],)], [a["dtype"] or "float32"]


def _arange(out, start, stop=None, step=1.0, repeat=1, infer_range=False, ctx=None, dtype="float32"):
    first, step, n = _arange_range({"start": start, "stop": stop, "step": step, "repeat": repeat})
    if not n:
        return
    base = out if repeat == 1 else _c.empty((n,), out.dtype, out.context)
    _c.launch("arange", [], [base], _ARANGE.pack(float(first), float(step)), "arange")
    if repeat != 1:  # each value `repeat` times: a stride-0 view of the values, copied
        _c.copyto(_c.reshape(out, (n, repeat)), _c.as_strided(base, (n, repeat), (1, 0)), "arange")


def _linspace_infer(a, shapes, dtypes):
    if a["num"] < 0:
        raise MXNetValueError("Operator linspace: num must be non-negative, got %d" % a["num"])
    return [(a["num"],)], [a["dtype"] or "float32"]


def _linspace(out, start, stop, num, endpoint=True, ctx=None, dtype="float32"):
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    if num:
        _c.launch("arange", [], [out], _ARANGE.pack(float(start), float(step)), "linspace")
        if endpoint and num > 1:
            _c.fill(out[num - 1:num], stop)


def _eye_infer(a, shapes, dtypes):
    N, M = a["N"], a["M"] or a["N"]
    if N < 0 or M < 0:
        raise MXNetValueError("Operator eye: N and M must be non-negative, got %d, %d" % (N, M))
    return [(N, M)], [a["dtype"] or "float32"]


def _eye(out, N, M=0, k=0, ctx=None, dtype="float32"):
    M = M or N
    _c.fill(out, 0)
    start_row, start_col = (0, k) if k >= 0 else (-k, 0)
    n = max(0, min(N - start_row, M - start_col))
    if n:
        _c.fill(_c.as_strided(out, (n,), (M + 1,), start_row * M + start_col), 1)


# ---- *_like ------------------------------------------------------------------------------

def _like_infer(a, shapes, dtypes):
    return [shapes[0]], [dtypes[0]]


def _zeros_like(data, out):
    _c.fill(out, 0)


def _ones_like(data, out):
    _c.fill(out, 1)


def _full_like(data, out, fill_value):
    _c.fill(out, fill_value)


_SHAPE = Attr("shape", "shape", REQUIRED, "Shape of the array.")

register(OpDef("zeros", _zeros, infer=_shaped_infer("zeros"), inputs=(),
               attrs=(_SHAPE, _CTX, _DTYPE32, Attr("stype", "any", None, "'default' (sparse is not supported).")),
               aliases=("_zeros",), differentiable=False,
               doc="An array of zeros.\n\n>>> mx.nd.zeros((2, 3)).shape\n(2, 3)"))
register(OpDef("ones", _ones, infer=_shaped_infer("ones"), inputs=(), attrs=(_SHAPE, _CTX, _DTYPE32),
               aliases=("_ones",), differentiable=False, doc="An array of ones."))
register(OpDef("full", _full, infer=_shaped_infer("full"), inputs=(),
               attrs=(_SHAPE, Attr("value", "float"), _CTX, _DTYPE32), attr_aliases={"val": "value"},
               aliases=("_full",), differentiable=False, doc="An array filled with `value` (or `val`)."))
register(OpDef("empty", _empty, infer=_shaped_infer("empty"), inputs=(),
               attrs=(_SHAPE, _CTX, _DTYPE32, Attr("stype", "any", None, "'default' (sparse is not supported).")),
               differentiable=False, doc="An uninitialised array."))
register(OpDef("arange", _arange, infer=_arange_infer, inputs=(),
               attrs=(Attr("start", "float"), Attr("stop", "float", None), Attr("step", "float", 1.0),
                      Attr("repeat", "int", 1), Attr("infer_range", "bool", False), _CTX, _DTYPE32),
               aliases=("_arange",), differentiable=False,
               doc="Evenly spaced values in [start, stop), each repeated `repeat` times.\n\n"
                   ">>> mx.nd.arange(3).asnumpy()\narray([0., 1., 2.], dtype=float32)"))
register(OpDef("linspace", _linspace, infer=_linspace_infer, inputs=(),
               attrs=(Attr("start", "float"), Attr("stop", "float"), Attr("num", "int"),
                      Attr("endpoint", "bool", True), _CTX, _DTYPE32),
               aliases=("_linspace",), differentiable=False, doc="`num` evenly spaced values."))
register(OpDef("eye", _eye, infer=_eye_infer, inputs=(),
               attrs=(Attr("N", "int"), Attr("M", "int", 0), Attr("k", "int", 0), _CTX, _DTYPE32),
               aliases=("_eye",), differentiable=False,
               doc="A 2-D array with ones on the k-th diagonal."))
register(OpDef("zeros_like", _zeros_like, infer=_like_infer, differentiable=False, doc="Zeros shaped like `data`."))
register(OpDef("ones_like", _ones_like, infer=_like_infer, differentiable=False, doc="Ones shaped like `data`."))
register(OpDef("full_like", _full_like, infer=_like_infer, attrs=(Attr("fill_value", "float"),),
               differentiable=False, doc="`fill_value` shaped like `data`."))
