"""Gradient rules of the core's own operations (NDArray indexing, views and
copies, which the Cython core records without an OpDef), and the lookup the
tape uses to find any operator's rule by name."""
from __future__ import annotations

from gluonx._core import ndarray as _c
from gluonx.ops.gradutil import gather_grad
from gluonx.ops.registry import F, all_ops, defgrad


def _getitem_grad(node, dy):
    key = node.attrs
    return (gather_grad(node.inputs[0], dy, lambda idx: idx[key]),)


def _reshape_view_grad(node, dy):
    return (F.reshape_like(dy, node.inputs[0]),)   # reshape() misreads 0 dims and ()


@defgrad("_copy")
def _copy_grad(node, dy):
    return (dy,)


_CORE_RULES = {
    "_getitem": _getitem_grad,
    "_reshape_view": _reshape_view_grad,
}


def lookup_rule(name: str):
    """The gradient rule of op `name`: a function, NONDIFF, or None (unknown)."""
    rule = _CORE_RULES.get(name)
    if rule is not None:
        return rule
    op = all_ops().get(name)
    if op is None:
        return None
    if not op.differentiable:
        return _c.NONDIFF
    return op.grad
