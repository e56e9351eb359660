"""Array creation: zeros, ones, full, empty, arange, linspace, eye, *_like."""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, REQUIRED

_CTX = Attr("ctx", "any", None, "Device (default: the current context).")
_DTYPE32 = Attr("dtype", "dtype", "float32", "Element type.")


def _shape_arg(shape):
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


def _zeros(shape, ctx=None, dtype="float32", stype=None, out=None):
    return _c.full(_shape_arg(shape), 0, dtype, ctx)


def _ones(shape, ctx=None, dtype="float32", out=None):
    return _c.full(_shape_arg(shape), 1, dtype, ctx)


def _full(shape, val, ctx=None, dtype="float32", out=None):
    return _c.full(_shape_arg(shape), val, dtype, ctx)


def _empty(shape, ctx=None, dtype="float32", out=None):
    return _c.empty(_shape_arg(shape), dtype, ctx)


_ARANGE = struct.Struct("=dd")  # gx_arange_attrs


def _arange(start, stop=None, step=1.0, repeat=1, infer_range=False, ctx=None, dtype="float32", out=None):
    if stop is None:
        start, stop = 0.0, start
    if step == 0:
        raise MXNetValueError("Operator arange: step must not be 0")
    if repeat < 1:
        raise MXNetValueError("Operator arange: repeat must be positive, got %d" % repeat)
    n = int(np.ceil((stop - start) / step))
    n = max(n, 0)
    base = _c.empty((n,), dtype, ctx)
    if n:
        _c.launch("arange", [], [base], _ARANGE.pack(float(start), float(step)), "arange")
    if repeat == 1:
        return base
    wide = _c.as_strided(base, (n, repeat), (1, 0))
    return _c.reshape(_c.contiguous(wide), (n * repeat,))


def _linspace(start, stop, num, endpoint=True, ctx=None, dtype="float32", out=None):
    if num < 0:
        raise MXNetValueError("Operator linspace: num must be non-negative, got %d" % num)
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    o = _c.empty((num,), dtype, ctx)
    if num:
        _c.launch("arange", [], [o], _ARANGE.pack(float(start), float(step)), "linspace")
        if endpoint and num > 1:
            _c.fill(o[num - 1:num], stop)
    return o


def _eye(N, M=0, k=0, ctx=None, dtype="float32", out=None):
    M = M or N
    if N < 0 or M < 0:
        raise MXNetValueError("Operator eye: N and M must be non-negative, got %d, %d" % (N, M))
    o = _c.full((N, M), 0, dtype, ctx)
    start_row, start_col = (0, k) if k >= 0 else (-k, 0)
    n = max(0, min(N - start_row, M - start_col))
    if n:
        diag = _c.as_strided(o, (n,), (M + 1,), start_row * M + start_col)
        _c.fill(diag, 1)
    return o


def _zeros_like(data, out=None):
    return _c.copyto(_c.empty_like(data), 0) if out is None else _c.copyto(out, 0)


def _ones_like(data, out=None):
    return _c.copyto(_c.empty_like(data), 1) if out is None else _c.copyto(out, 1)


def _full_like(data, fill_value, out=None):
    return _c.copyto(_c.empty_like(data) if out is None else out, fill_value)


_SHAPE = Attr("shape", "shape", REQUIRED, "Shape of the array.")

register(OpDef("zeros", _zeros, inputs=(), attrs=(_SHAPE, _CTX, _DTYPE32, Attr("stype", "any", None)),
               aliases=("_zeros",), differentiable=False,
               doc="An array of zeros.\n\n>>> mx.nd.zeros((2, 3)).shape\n(2, 3)"))
register(OpDef("ones", _ones, inputs=(), attrs=(_SHAPE, _CTX, _DTYPE32), aliases=("_ones",),
               differentiable=False, doc="An array of ones."))
register(OpDef("full", _full, inputs=(), attrs=(_SHAPE, Attr("val", "float"), _CTX, _DTYPE32),
               aliases=("_full",), differentiable=False, doc="An array filled with `val`."))
register(OpDef("empty", _empty, inputs=(), attrs=(_SHAPE, _CTX, _DTYPE32), differentiable=False,
               doc="An uninitialised array."))
register(OpDef("arange", _arange, inputs=(),
               attrs=(Attr("start", "float"), Attr("stop", "float", None), Attr("step", "float", 1.0),
                      Attr("repeat", "int", 1), Attr("infer_range", "bool", False), _CTX, _DTYPE32),
               aliases=("_arange",), differentiable=False,
               doc="Evenly spaced values in [start, stop), each repeated `repeat` times.\n\n"
                   ">>> mx.nd.arange(3).asnumpy()\narray([0., 1., 2.], dtype=float32)"))
register(OpDef("linspace", _linspace, inputs=(),
               attrs=(Attr("start", "float"), Attr("stop", "float"), Attr("num", "int"),
                      Attr("endpoint", "bool", True), _CTX, _DTYPE32),
               aliases=("_linspace",), differentiable=False, doc="`num` evenly spaced values."))
register(OpDef("eye", _eye, inputs=(),
               attrs=(Attr("N", "int"), Attr("M", "int", 0), Attr("k", "int", 0), _CTX, _DTYPE32),
               aliases=("_eye",), differentiable=False,
               doc="A 2-D array with ones on the k-th diagonal."))
register(OpDef("zeros_like", _zeros_like, differentiable=False, doc="Zeros shaped like `data`."))
register(OpDef("ones_like", _ones_like, differentiable=False, doc="Ones shaped like `data`."))
register(OpDef("full_like", _full_like, attrs=(Attr("fill_value", "float"),), differentiable=False,
               doc="`fill_value` shaped like `data`."))
