"""Building blocks of gradient rules (used by the ``*_grad`` modules).

* :func:`wants_grad` says whether an input's gradient is needed at all.
* :func:`unbroadcast` sums a gradient back to the shape of a broadcast input.
* :func:`gather_grad` differentiates any operator that only selects or copies
  elements (pad, take, pick, slices, tile, advanced indexing ...): the
  operator is run on an index map of its input, and the head gradient is
  scatter-added through the resulting indices.  One rule, every duplicate
  index accumulated correctly.
"""
from __future__ import annotations

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetValueError
from gluonx.ops.registry import F, Attr, OpDef, register
from gluonx.ops.shape_rules import prod


def wants_grad(node, i: int) -> bool:
    """Whether input i of a recorded node takes part in the gradient (a
    network's input and a frozen weight do not: their products are skipped,
    not computed and dropped)."""
    return node.parents[i] is not None


def shape_of(x) -> tuple:
    return x.shape if isinstance(x, _c.NDArray) else ()


def unbroadcast(g, shape: tuple):
    """Sums gradient `g` over the axes along which an input of `shape` was broadcast."""
    shape = tuple(shape)
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = list(range(lead)) + [lead + i for i, d in enumerate(shape) if d == 1 and g.shape[lead + i] != 1]
    s = F.sum(g, axis=tuple(axes), keepdims=True) if axes else g
    if not shape or 0 in shape:    # exact: MXNet's reshape refuses () and reads a 0 as "keep this dim"
        return _c.reshape(s, shape)
    return s.reshape(shape)


def _scatter_add_infer(a, shapes, dtypes):
    nv, ni = prod(shapes[0]), prod(shapes[1])
    if nv != ni:
        raise MXNetValueError("Operator _scatter_add: %d values for %d indices" % (nv, ni))
    if a["size"] < 0:
        raise MXNetValueError("Operator _scatter_add: size must be non-negative, got %d" % a["size"])
    return [(a["size"],)], [dtypes[0]]


def _scatter_add(values, indices, out, size):
    _c.fill(out, 0)
    v = _c.reshape(values, (values.size,))
    idx = _c.reshape(indices if indices.dtype == np.int64 else _c.astype(indices, "int64"), (indices.size,))
    _c.launch("scatter_add", [v, idx], [out], None, "_scatter_add")


def _scatter_add_grad(node, dy):
    values, indices = node.inputs
    valid = (indices >= 0).astype(dy.dtype)
    picked = F.take(dy, F.maximum(indices, 0).reshape((-1,)), axis=0, mode="clip")
    return (F.reshape_like(picked, values) * F.reshape_like(valid, values), None)


register(OpDef("_scatter_add", _scatter_add, infer=_scatter_add_infer, inputs=("values", "indices"),
               attrs=(Attr("size", "int"),), grad=_scatter_add_grad,
               doc="out = zeros(size); out[indices[i]] += values[i] (negative indices skipped)."))


def gather_grad(x, dy, forward):
    """Gradient for x of y = forward(x), where forward only selects/copies
    elements of x (no arithmetic).  `forward(index_map)` must apply the same
    selection to an int64 array shaped like x (and give -1 where y holds a
    constant rather than an element of x)."""
    idx = _c.reshape(F.arange(x.size, dtype="int64", ctx=x.context), x.shape)
    src = forward(idx)
    flat = F._scatter_add(dy.reshape((-1,)), src.reshape((-1,)), size=x.size)
    return F.reshape_like(flat, x)   # not flat.reshape(x.shape): 0-d x, and 0 dims read as "copy"
