"""Gradient rules of reductions, sorting and linear algebra (reduce.py, sort.py, linalg.py).

Reductions: the head gradient is reshaped to the keepdims shape and
broadcast back; max/min give the full gradient to every tied element (as
MXNet does).  Products use the dot/batch_dot transposition identities, so
no transpose is ever materialised.
"""
from __future__ import annotations

import numpy as np

from gluonx.base import MXNetNotImplementedError
from gluonx._core import ndarray as _c
from gluonx.ops.gradutil import gather_grad, wants_grad
from gluonx.ops.registry import F, defgrad


def _reduced_axes(node, ndim):
    axis, exclude = node.attrs.get("axis"), node.attrs.get("exclude", False)
    if axis is None or axis == ():
        return tuple(range(ndim))
    axes = {a % ndim for a in ((axis,) if isinstance(axis, int) else axis)}
    return tuple(i for i in range(ndim) if (i in axes) != bool(exclude))


def _expand(node, g):
    """g (the reduced result's shape) broadcast back to the input's shape."""
    x = node.inputs[0]
    if x.ndim == 0:   # a 0-d input reduces to shape (1,); reshape() refuses the empty target ()
        return F.reshape_like(g, x)
    if x.size == 0:   # broadcast_to reads a 0 in the target as "keep the dim": no gradient to spread
        return F.zeros_like(x)
    axes = _reduced_axes(node, x.ndim)
    if x.size == 0:      # nothing to spread back (and broadcast_to reads a 0 in x.shape as "keep this dim")
        return F.zeros_like(x)
    if x.ndim == 0:      # g is (1,); MXNet's reshape refuses shape ()
        return F.reshape_like(g, x)
    kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    return F.broadcast_to(g.reshape(kept), shape=x.shape)


@defgrad("sum")
def _sum_grad(node, dy):
    return (_expand(node, dy),)


@defgrad("mean")
def _mean_grad(node, dy):
    x, y = node.inputs[0], node.outputs[0]
    return (_expand(node, dy) / float(max(1, x.size // max(1, y.size))),)


@defgrad("prod")
def _prod_grad(node, dy):
    x = node.inputs[0]
    return (_expand(node, dy * node.outputs[0]) / x,)


@defgrad("max", "min")
def _maxmin_grad(node, dy):
    x = node.inputs[0]
    return (_expand(node, dy) * (x == _expand(node, node.outputs[0])),)


@defgrad("nansum")
def _nansum_grad(node, dy):
    x = node.inputs[0]
    return (_expand(node, dy) * (x == x),)


@defgrad("nanprod")
def _nanprod_grad(node, dy):
    x = node.inputs[0]
    ok = x == x
    return (F.where(ok, _expand(node, dy * node.outputs[0]) / F.where(ok, x, x * 0 + 1), x * 0),)


@defgrad("norm")
def _norm_grad(node, dy):
    x = node.inputs[0]
    if node.attrs.get("ord", 2) == 1:
        return (_expand(node, dy) * F.sign(x),)
    return (_expand(node, dy) * x / _expand(node, node.outputs[0]),)


# ---- sorting: gradients flow to the positions the values came from ---------------------

def _along_axis_grad(x, dy, perm, axis):
    """dy[..., i, ...] goes to x[..., perm[..., i, ...], ...] along `axis`."""
    p = perm.asnumpy().astype(np.int64)
    coords = list(np.indices(p.shape))
    coords[axis] = p
    index = _c.array_from_numpy(np.stack([c.reshape(-1) for c in coords]), "int64", x.context)
    return gather_grad(x, dy, lambda idx: F.gather_nd(idx, index).reshape(dy.shape))


@defgrad("sort")
def _sort_grad(node, dy):
    x = node.inputs[0]
    axis = node.attrs["axis"]
    if axis is None:
        flat = x.reshape((-1,))
        perm = F.argsort(flat, axis=0, is_ascend=node.attrs["is_ascend"])
        return (F.reshape_like(_along_axis_grad(flat, dy.reshape((-1,)), perm, 0), x),)
    perm = F.argsort(x, axis=axis, is_ascend=node.attrs["is_ascend"])
    return (_along_axis_grad(x, dy, perm, axis % x.ndim),)


@defgrad("topk")
def _topk_grad(node, *dys):
    x, a = node.inputs[0], node.attrs
    if a["ret_typ"] not in ("value", "both"):
        return (None,)
    dy = dys[0]
    axis = a["axis"]
    src = x.reshape((-1,)) if axis is None else x
    ax = 0 if axis is None else axis % x.ndim
    perm = F.topk(src, axis=ax, k=a["k"], ret_typ="indices", is_ascend=a["is_ascend"])
    g = _along_axis_grad(src, dy.reshape(perm.shape), perm, ax)
    return (F.reshape_like(g, x),)


# ---- products ------------------------------------------------------------------------

def _mm_grads(dot, a, b, ta, tb, dy, want=(True, True)):
    """(dA, dB) of C = op(A) @ op(B) using `dot` (dot or batch_dot) with flags;
    a product not in `want` is skipped (None)."""
    da = db = None
    if want[0]:
        da = dot(dy, b, transpose_b=not tb) if not ta else dot(b, dy, transpose_a=tb, transpose_b=True)
    if want[1]:
        db = dot(a, dy, transpose_a=not ta) if not tb else dot(dy, a, transpose_a=True, transpose_b=ta)
    return da, db


@defgrad("dot")
def _dot_grad(node, dy):
    lhs, rhs = node.inputs
    ta, tb = node.attrs["transpose_a"], node.attrs["transpose_b"]
    K = lhs.shape[0] if ta else lhs.shape[-1]
    a2 = lhs.reshape((K, -1)) if ta else lhs.reshape((-1, K))
    b2 = rhs.reshape((-1, K)) if tb else rhs.reshape((K, -1))
    m = a2.shape[1] if ta else a2.shape[0]
    n = b2.shape[0] if tb else b2.shape[1]
    da, db = _mm_grads(F.dot, a2, b2, ta, tb, dy.reshape((m, n)), (wants_grad(node, 0), wants_grad(node, 1)))
    return (None if da is None else da.reshape(lhs.shape), None if db is None else db.reshape(rhs.shape))


@defgrad("batch_dot")
def _batch_dot_grad(node, dy):
    lhs, rhs = node.inputs
    return _mm_grads(F.batch_dot, lhs, rhs, node.attrs["transpose_a"], node.attrs["transpose_b"], dy,
                     (wants_grad(node, 0), wants_grad(node, 1)))


def _gemm_grads(node, dy):
    A, B = node.inputs[0], node.inputs[1]
    if node.attrs.get("axis", -2) not in (-2, A.ndim - 2):
        raise MXNetNotImplementedError("the gradient of %s is implemented for axis=-2 only" % node.op)
    bshape = (-1,) + A.shape[-2:], (-1,) + B.shape[-2:], (-1,) + dy.shape[-2:]
    da, db = _mm_grads(F.batch_dot, A.reshape(bshape[0]), B.reshape(bshape[1]),
                       node.attrs["transpose_a"], node.attrs["transpose_b"], dy.reshape(bshape[2]))
    alpha = node.attrs["alpha"]
    return da.reshape(A.shape) * alpha, db.reshape(B.shape) * alpha


@defgrad("linalg_gemm2")
def _gemm2_grad(node, dy):
    return _gemm_grads(node, dy)


@defgrad("linalg_gemm")
def _gemm_grad(node, dy):
    da, db = _gemm_grads(node, dy)
    return (da, db, dy * node.attrs["beta"])
