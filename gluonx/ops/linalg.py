"""Linear algebra: dot, batch_dot, linalg_gemm, linalg_gemm2.

All go to the ``gemm`` kernel (OpenBLAS for float32/float64).  Transposes
are stride patterns: a transposed operand is a view whose unit stride is on
its row axis, which the kernel turns into a BLAS trans flag (no copy).
"""
from __future__ import annotations

import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError, MXNetIndexError
from gluonx.ops.registry import Attr, OpDef, register

_GEMM = struct.Struct("=dd")  # gx_gemm_attrs


def _check_dtypes(a, b, opname):
    if a.dtype != b.dtype:
        raise MXNetTypeError("Operator %s: lhs and rhs must have the same dtype, got %s %s and %s %s"
                             % (opname, a.shape, a.dtype.__name__, b.shape, b.dtype.__name__))


def _T(x):
    """The last two axes swapped (a view)."""
    shape, strides = list(x.shape), list(x.strides)
    shape[-1], shape[-2] = shape[-2], shape[-1]
    strides[-1], strides[-2] = strides[-2], strides[-1]
    return _c.as_strided(x, tuple(shape), tuple(strides), 0)


def _blas_ok(x):
    """x itself when one of its last two axes has unit stride, else a copy."""
    r, c = x.shape[-2], x.shape[-1]
    sr, sc = x.strides[-2], x.strides[-1]
    if (sc == 1 or c <= 1) or (sr == 1 or r <= 1):
        return x
    return _c.contiguous(x)


def _mat2(x, rows, cols):
    """x seen as a (rows, cols) matrix: x's own strides when 2-D."""
    if x.ndim == 2 and x.shape == (rows, cols):
        return _blas_ok(x)
    return _c.reshape(x, (rows, cols))


def _gemm(a, b, c, alpha, beta, opname):
    _c.launch("gemm", [_blas_ok(a), _blas_ok(b)], [c], _GEMM.pack(float(alpha), float(beta)), opname)
    return c


def _prod(t):
    n = 1
    for s in t:
        n *= s
    return n


def _dot(lhs, rhs, transpose_a=False, transpose_b=False, forward_stype=None, out=None):
    _check_dtypes(lhs, rhs, "dot")
    if lhs.ndim == 0 or rhs.ndim == 0:
        raise MXNetValueError("Operator dot: inputs must have at least one dimension, got shapes %s and %s"
                              % (lhs.shape, rhs.shape))
    if lhs.ndim == 1 and rhs.ndim == 1 and (transpose_a or transpose_b):
        raise MXNetValueError("Operator dot: transpose is not supported for two 1-D inputs %s and %s"
                              % (lhs.shape, rhs.shape))
    if transpose_a:
        K, lo = lhs.shape[0], lhs.shape[1:]
        A = _T(_mat2(lhs, K, _prod(lo)))
    else:
        K, lo = lhs.shape[-1], lhs.shape[:-1]
        A = _mat2(lhs, _prod(lo), K)
    if transpose_b:
        Kb, ro = rhs.shape[-1], rhs.shape[:-1]
        B = _T(_mat2(rhs, _prod(ro), Kb))
    else:
        Kb, ro = rhs.shape[0], rhs.shape[1:]
        B = _mat2(rhs, Kb, _prod(ro))
    if K != Kb:
        raise MXNetValueError("Operator dot: shapes %s and %s do not match for dot(transpose_a=%s, "
                              "transpose_b=%s): %d != %d" % (lhs.shape, rhs.shape, transpose_a,
                                                            transpose_b, K, Kb))
    M, N = A.shape[0], B.shape[1]
    o = _c.empty((M, N), lhs.dtype, lhs.context)
    if o.size:
        _gemm(A, B, o, 1.0, 0.0, "dot")
    shape = tuple(lo) + tuple(ro)
    r = _c.reshape(o, shape if shape else (1,))
    return _c.copyto(out, r, "dot") if out is not None else r


def _batch3(x, batch, opname):
    """x (batch..., r, c) as a 3-D (B, r, c) view or copy."""
    if x.ndim == 3:
        return x if (x.strides[-1] == 1 or x.strides[-2] == 1) else _c.contiguous(x)
    return _c.reshape(x, (_prod(batch),) + tuple(x.shape[-2:]))


def _batched(A, B, ta, tb, alpha, C, beta, opname):
    """alpha * op(A) @ op(B) (+ beta * C) over leading batch axes."""
    _check_dtypes(A, B, opname)
    if A.ndim < 2 or B.ndim != A.ndim:
        raise MXNetValueError("Operator %s: expects two arrays of equal ndim >= 2 (batch..., rows, cols), "
                              "got shapes %s and %s" % (opname, A.shape, B.shape))
    batch = A.shape[:-2]
    if B.shape[:-2] != batch:
        raise MXNetValueError("Operator %s: batch shapes of %s and %s differ" % (opname, A.shape, B.shape))
    M, Ka = (A.shape[-1], A.shape[-2]) if ta else A.shape[-2:]
    Kb, N = (B.shape[-1], B.shape[-2]) if tb else B.shape[-2:]
    if Ka != Kb:
        raise MXNetValueError("Operator %s: shapes %s and %s do not match for transpose_a=%s, "
                              "transpose_b=%s (%d != %d)" % (opname, A.shape, B.shape, ta, tb, Ka, Kb))
    oshape = tuple(batch) + (M, N)
    if C is not None:
        if C.shape != oshape:
            raise MXNetValueError("Operator %s: C has shape %s, expected %s" % (opname, C.shape, oshape))
        if C.dtype != A.dtype:
            raise MXNetTypeError("Operator %s: C dtype %s differs from %s"
                                 % (opname, C.dtype.__name__, A.dtype.__name__))
        o = _c.empty(oshape, A.dtype, A.context)
        _c.copyto(o, C)
    else:
        o = _c.empty(oshape, A.dtype, A.context)
        beta = 0.0
    if o.size == 0:
        return o
    if A.ndim == 2:
        a, b, c = A, B, o
    else:
        a, b = _batch3(A, batch, opname), _batch3(B, batch, opname)
        c = _c.reshape(o, (_prod(batch), M, N))
    if ta:
        a = _T(a)
    if tb:
        b = _T(b)
    _gemm(a, b, c, alpha, beta, opname)
    return o


def _batch_dot(lhs, rhs, transpose_a=False, transpose_b=False, forward_stype=None, out=None):
    if lhs.ndim < 3 or rhs.ndim < 3:
        raise MXNetValueError("Operator batch_dot: inputs must be at least 3-D, got shapes %s and %s"
                              % (lhs.shape, rhs.shape))
    r = _batched(lhs, rhs, transpose_a, transpose_b, 1.0, None, 0.0, "batch_dot")
    return _c.copyto(out, r, "batch_dot") if out is not None else r


def _move_axis(x, src, dst):
    shape, strides = list(x.shape), list(x.strides)
    shape.insert(dst, shape.pop(src))
    strides.insert(dst, strides.pop(src))
    return _c.as_strided(x, tuple(shape), tuple(strides), 0)


def _la_axis(axis, nd, opname):
    if axis < -nd or axis >= nd:
        raise MXNetIndexError("Operator %s: axis %d is out of range for %d-D inputs" % (opname, axis, nd))
    a = axis % nd
    if a == nd - 1:
        raise MXNetValueError("Operator %s: axis %d is the column axis; it must name the row axis"
                              % (opname, axis))
    return a


def _gemm_general(A, B, C, ta, tb, alpha, beta, axis, opname):
    if A.ndim < 2 or B.ndim != A.ndim or (C is not None and C.ndim != A.ndim):
        raise MXNetValueError("Operator %s: expects arrays of equal ndim >= 2, got shapes %s and %s"
                              % (opname, A.shape, B.shape))
    nd = A.ndim
    ax = _la_axis(axis, nd, opname)
    if ax != nd - 2:
        A, B = _move_axis(A, ax, nd - 2), _move_axis(B, ax, nd - 2)
        if C is not None:
            C = _move_axis(C, ax, nd - 2)
    r = _batched(A, B, ta, tb, alpha, C, beta, opname)
    if ax != nd - 2:
        r = _c.contiguous(_move_axis(r, nd - 2, ax))
    return r


def _linalg_gemm2(A, B, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2, out=None):
    r = _gemm_general(A, B, None, transpose_a, transpose_b, alpha, 0.0, axis, "linalg_gemm2")
    return _c.copyto(out, r, "linalg_gemm2") if out is not None else r


def _linalg_gemm(A, B, C, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0, axis=-2, out=None):
    r = _gemm_general(A, B, C, transpose_a, transpose_b, alpha, beta, axis, "linalg_gemm")
    return _c.copyto(out, r, "linalg_gemm") if out is not None else r


_TA = Attr("transpose_a", "bool", False, "Use the transpose of the first input.")
_TB = Attr("transpose_b", "bool", False, "Use the transpose of the second input.")
_STYPE = Attr("forward_stype", "any", None, "Accepted for MXNet compatibility (dense only).")
_ALPHA = Attr("alpha", "float", 1.0, "Scale of the product.")
_LAXIS = Attr("axis", "int", -2, "Axis of the matrix rows (the columns are the last axis).")

register(OpDef("dot", _dot, inputs=("lhs", "rhs"), attrs=(_TA, _TB, _STYPE), method="dot",
               doc="Dot product: contracts the last axis of lhs with the first axis of rhs "
                   "(two 1-D arrays give shape (1,)).\n\n"
                   ">>> mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((3, 4))).shape\n(2, 4)"))
register(OpDef("batch_dot", _batch_dot, inputs=("lhs", "rhs"), attrs=(_TA, _TB, _STYPE),
               doc="Batched matrix product of (B, M, K) and (B, K, N) arrays.\n\n"
                   ">>> mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), mx.nd.ones((2, 4, 5))).shape\n(2, 3, 5)"))
register(OpDef("linalg_gemm2", _linalg_gemm2, inputs=("A", "B"), attrs=(_TA, _TB, _ALPHA, _LAXIS),
               aliases=("_linalg_gemm2",),
               doc="alpha * op(A) @ op(B) over leading batch axes.\n\n"
                   ">>> mx.nd.linalg.gemm2(mx.nd.ones((2, 3)), mx.nd.ones((3, 4)), alpha=2.0).asnumpy()[0, 0]\n"
                   "6.0"))
register(OpDef("linalg_gemm", _linalg_gemm, inputs=("A", "B", "C"),
               attrs=(_TA, _TB, _ALPHA, Attr("beta", "float", 1.0, "Scale of C."), _LAXIS),
               aliases=("_linalg_gemm",),
               doc="alpha * op(A) @ op(B) + beta * C over leading batch axes.\n\n"
                   ">>> mx.nd.linalg.gemm(mx.nd.ones((2, 3)), mx.nd.ones((3, 4)), mx.nd.ones((2, 4)),"
                   " beta=0.5).asnumpy()[0, 0]\n3.5"))
