"""Linear algebra: dot, batch_dot, linalg_gemm, linalg_gemm2.

All go to the ``gemm`` kernel (OpenBLAS for float32/float64), which writes
straight into the output seen as a (rows, cols) or (batch, rows, cols)
matrix.  Transposes are stride patterns: a transposed operand is a view
whose unit stride is on its row axis, which the kernel turns into a BLAS
trans flag (no copy).
"""
from __future__ import annotations

import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register
from gluonx.ops.shape_rules import fill_dtype, fill_input, prod

_GEMM = struct.Struct("=dd")  # gx_gemm_attrs


# ---- shape rules -------------------------------------------------------------------

def _check_dtypes(opname, shapes, dtypes):
    if dtypes[0] != dtypes[1]:
        raise MXNetTypeError("Operator %s: lhs and rhs must have the same dtype, got %s %s and %s %s"
                             % (opname, shapes[0], dtypes[0], shapes[1], dtypes[1]))
    return dtypes[0]


def _dot_infer(a, shapes, dtypes):
    ls, rs = shapes
    ta, tb = a["transpose_a"], a["transpose_b"]
    dt = _check_dtypes("dot", shapes, dtypes)
    if not ls or not rs:
        raise MXNetValueError("Operator dot: inputs must have at least one dimension, got shapes %s and %s"
                              % (ls, rs))
    if len(ls) == 1 and len(rs) == 1 and (ta or tb):
        raise MXNetValueError("Operator dot: transpose is not supported for two 1-D inputs %s and %s" % (ls, rs))
    K, lo = (ls[0], ls[1:]) if ta else (ls[-1], ls[:-1])
    Kb, ro = (rs[-1], rs[:-1]) if tb else (rs[0], rs[1:])
    if K != Kb:
        raise MXNetValueError("Operator dot: shapes %s and %s do not match for dot(transpose_a=%s, "
                              "transpose_b=%s): %d != %d" % (ls, rs, ta, tb, K, Kb))
    return [tuple(lo) + tuple(ro) or (1,)], [dt]


def _batched_shape(opname, sa, sb, ta, tb) -> tuple:
    """Shape of op(A) @ op(B) over leading batch axes (A, B of equal ndim >= 2)."""
    if len(sa) < 2 or len(sb) != len(sa):
        raise MXNetValueError("Operator %s: expects two arrays of equal ndim >= 2 (batch..., rows, cols), "
                              "got shapes %s and %s" % (opname, sa, sb))
    if sb[:-2] != sa[:-2]:
        raise MXNetValueError("Operator %s: batch shapes of %s and %s differ" % (opname, sa, sb))
    M, Ka = (sa[-1], sa[-2]) if ta else sa[-2:]
    Kb, N = (sb[-1], sb[-2]) if tb else sb[-2:]
    if Ka != Kb:
        raise MXNetValueError("Operator %s: shapes %s and %s do not match for transpose_a=%s, "
                              "transpose_b=%s (%d != %d)" % (opname, sa, sb, ta, tb, Ka, Kb))
    return tuple(sa[:-2]) + (M, N)


def _batch_dot_infer(a, shapes, dtypes):
    ls, rs = shapes
    if len(ls) < 3 or len(rs) < 3:
        raise MXNetValueError("Operator batch_dot: inputs must be at least 3-D, got shapes %s and %s" % (ls, rs))
    dt = _check_dtypes("batch_dot", shapes, dtypes)
    return [_batched_shape("batch_dot", ls, rs, a["transpose_a"], a["transpose_b"])], [dt]


def _la_axis(axis, nd, opname):
    if axis < -nd or axis >= nd:
        raise MXNetIndexError("Operator %s: axis %d is out of range for %d-D inputs" % (opname, axis, nd))
    ax = axis % nd
    if ax == nd - 1:
        raise MXNetValueError("Operator %s: axis %d is the column axis; it must name the row axis"
                              % (opname, axis))
    return ax


def _moved(shape: tuple, src: int, dst: int) -> tuple:
    s = list(shape)
    s.insert(dst, s.pop(src))
    return tuple(s)


def _gemm_shape(opname, a, sa, sb) -> tuple:
    """Output shape of linalg_gemm(2): rows on axis a['axis'], columns last."""
    nd = len(sa)
    if nd < 2 or len(sb) != nd:
        raise MXNetValueError("Operator %s: expects arrays of equal ndim >= 2, got shapes %s and %s"
                              % (opname, sa, sb))
    ax = _la_axis(a["axis"], nd, opname)
    if ax == nd - 2:
        return _batched_shape(opname, sa, sb, a["transpose_a"], a["transpose_b"])
    r = _batched_shape(opname, _moved(sa, ax, nd - 2), _moved(sb, ax, nd - 2), a["transpose_a"], a["transpose_b"])
    return _moved(r, nd - 2, ax)


def _gemm2_infer(a, shapes, dtypes):
    dt = _check_dtypes("linalg_gemm2", shapes, dtypes)
    return [_gemm_shape("linalg_gemm2", a, shapes[0], shapes[1])], [dt]


def _gemm_infer(a, shapes, dtypes):
    op = "linalg_gemm"
    dt = _check_dtypes(op, shapes, dtypes)
    oshape = _gemm_shape(op, a, shapes[0], shapes[1])
    # MXNet infers C backwards: it has the output's shape and dtype
    if shapes[2] is not None and len(shapes[2]) != len(oshape):
        raise MXNetValueError("Operator %s: expects arrays of equal ndim >= 2, got shapes %s, %s and C %s"
                              % (op, shapes[0], shapes[1], shapes[2]))
    fill_input(op, shapes, 2, oshape, "C")
    fill_dtype(dtypes, 2, dt)
    if dtypes[2] != dt:
        raise MXNetTypeError("Operator %s: C dtype %s differs from %s" % (op, dtypes[2], dt))
    return [oshape], [dt]


# ---- compute -------------------------------------------------------------------------

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


def _dot(lhs, rhs, out, transpose_a=False, transpose_b=False, forward_stype=None):
    if not out.size:
        return
    if transpose_a:
        K, lo = lhs.shape[0], lhs.shape[1:]
        A = _T(_mat2(lhs, K, prod(lo)))
    else:
        K, lo = lhs.shape[-1], lhs.shape[:-1]
        A = _mat2(lhs, prod(lo), K)
    if transpose_b:
        B = _T(_mat2(rhs, prod(rhs.shape[:-1]), K))
    else:
        B = _mat2(rhs, K, prod(rhs.shape[1:]))
    _gemm(A, B, _c.reshape(out, (A.shape[0], B.shape[1])), 1.0, 0.0, "dot")


def _batch3(x, batch):
    """x (batch..., r, c) as a 3-D (B, r, c) view or copy."""
    if x.ndim == 3:
        return x if (x.strides[-1] == 1 or x.strides[-2] == 1) else _c.contiguous(x)
    return _c.reshape(x, (prod(batch),) + tuple(x.shape[-2:]))


def _batched(A, B, ta, tb, alpha, beta, o, opname):
    """o = alpha * op(A) @ op(B) + beta * o over leading batch axes (o contiguous,
    already holding C when beta != 0)."""
    if not o.size:
        return
    if A.ndim == 2:
        a, b, c = A, B, o
    else:
        batch = A.shape[:-2]
        a, b = _batch3(A, batch), _batch3(B, batch)
        c = _c.reshape(o, (prod(batch),) + o.shape[-2:])
    _gemm(_T(a) if ta else a, _T(b) if tb else b, c, alpha, beta, opname)


def _batch_dot(lhs, rhs, out, transpose_a=False, transpose_b=False, forward_stype=None):
    _batched(lhs, rhs, transpose_a, transpose_b, 1.0, 0.0, out, "batch_dot")


def _move_axis(x, src, dst):
    shape, strides = list(x.shape), list(x.strides)
    shape.insert(dst, shape.pop(src))
    strides.insert(dst, strides.pop(src))
    return _c.as_strided(x, tuple(shape), tuple(strides), 0)


def _gemm_general(A, B, C, out, ta, tb, alpha, beta, axis, opname):
    nd = A.ndim
    ax = axis % nd
    if ax == nd - 2:
        if C is not None:
            _c.copyto(out, C, opname)
        _batched(A, B, ta, tb, alpha, beta if C is not None else 0.0, out, opname)
        return
    # rows on another axis: compute with that axis moved next to the columns, then move it back
    A, B = _move_axis(A, ax, nd - 2), _move_axis(B, ax, nd - 2)
    r = _c.empty(_moved(out.shape, ax, nd - 2), out.dtype, out.context)
    if C is not None:
        _c.copyto(r, _move_axis(C, ax, nd - 2), opname)
    _batched(A, B, ta, tb, alpha, beta if C is not None else 0.0, r, opname)
    _c.copyto(out, _move_axis(r, nd - 2, ax), opname)


def _linalg_gemm2(A, B, out, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2):
    _gemm_general(A, B, None, out, transpose_a, transpose_b, alpha, 0.0, axis, "linalg_gemm2")


def _linalg_gemm(A, B, C, out, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0, axis=-2):
    _gemm_general(A, B, C, out, transpose_a, transpose_b, alpha, beta, axis, "linalg_gemm")


_TA = Attr("transpose_a", "bool", False, "Use the transpose of the first input.")
_TB = Attr("transpose_b", "bool", False, "Use the transpose of the second input.")
_STYPE = Attr("forward_stype", "any", None, "Accepted for MXNet compatibility (dense only).")
_ALPHA = Attr("alpha", "float", 1.0, "Scale of the product.")
_LAXIS = Attr("axis", "int", -2, "Axis of the matrix rows (the columns are the last axis).")

register(OpDef("dot", _dot, infer=_dot_infer, inputs=("lhs", "rhs"), attrs=(_TA, _TB, _STYPE), method="dot",
               workspace=True,
               doc="Dot product: contracts the last axis of lhs with the first axis of rhs "
                   "(two 1-D arrays give shape (1,)).\n\n"
                   ">>> mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((3, 4))).shape\n(2, 4)"))
register(OpDef("batch_dot", _batch_dot, infer=_batch_dot_infer, inputs=("lhs", "rhs"), attrs=(_TA, _TB, _STYPE),
               workspace=True,
               doc="Batched matrix product of (B, M, K) and (B, K, N) arrays.\n\n"
                   ">>> mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), mx.nd.ones((2, 4, 5))).shape\n(2, 3, 5)"))
register(OpDef("linalg_gemm2", _linalg_gemm2, infer=_gemm2_infer, inputs=("A", "B"),
               attrs=(_TA, _TB, _ALPHA, _LAXIS), aliases=("_linalg_gemm2",), workspace=True,
               doc="alpha * op(A) @ op(B) over leading batch axes.\n\n"
                   ">>> mx.nd.linalg.gemm2(mx.nd.ones((2, 3)), mx.nd.ones((3, 4)), alpha=2.0).asnumpy()[0, 0]\n"
                   "6.0"))
register(OpDef("linalg_gemm", _linalg_gemm, infer=_gemm_infer, inputs=("A", "B", "C"), infers_inputs=("C",),
               attrs=(_TA, _TB, _ALPHA, Attr("beta", "float", 1.0, "Scale of C."), _LAXIS),
               aliases=("_linalg_gemm",), workspace=True,
               doc="alpha * op(A) @ op(B) + beta * C over leading batch axes.\n\n"
                   ">>> mx.nd.linalg.gemm(mx.nd.ones((2, 3)), mx.nd.ones((3, 4)), mx.nd.ones((2, 4)),"
                   " beta=0.5).asnumpy()[0, 0]\n3.5"))
