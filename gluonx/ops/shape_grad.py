"""Gradient rules of the shape and indexing operators (shape.py, indexing.py)."""
from __future__ import annotations

import numpy as np

from gluonx.ops.gradutil import gather_grad, unbroadcast
from gluonx.ops.registry import F, defgrad, get_op


@defgrad("reshape", "reshape_like", "expand_dims", "squeeze", "flatten")
def _back_to_shape(node, dy):
    x = node.inputs[0]
    # reshape_like, not dy.reshape(x.shape): reshape reads a 0 in x.shape as "copy a dim"
    # and refuses the 0-d target ()
    return (F.reshape_like(dy, x),) + (None,) * (len(node.inputs) - 1)


@defgrad("transpose")
def _transpose_grad(node, dy):
    n = dy.ndim
    axes = node.attrs.get("axes") or tuple(range(n - 1, -1, -1))
    axes = [a % n for a in axes]
    return (F.transpose(dy, axes=tuple(int(i) for i in np.argsort(axes))),)


@defgrad("swapaxes")
def _swapaxes_grad(node, dy):
    return (F.swapaxes(dy, dim1=node.attrs["dim1"], dim2=node.attrs["dim2"]),)


@defgrad("flip")
def _flip_grad(node, dy):
    return (F.flip(dy, axis=node.attrs["axis"]),)


@defgrad("broadcast_to", "broadcast_axis", "broadcast_like")
def _broadcast_grad(node, dy):
    return (unbroadcast(dy, node.inputs[0].shape),) + (None,) * (len(node.inputs) - 1)


@defgrad("tile", "repeat", "pad", "slice", "slice_axis", "slice_like", "depth_to_space",
         "space_to_depth", "take", "pick", "gather_nd")
def _selection_grad(node, dy):
    """These only select or copy elements: see gradutil.gather_grad."""
    x, others = node.inputs[0], node.inputs[1:]
    attrs = dict(node.attrs or {})
    if node.op == "pad":
        attrs["constant_value"] = -1.0
    fn = get_op(node.op)
    return (gather_grad(x, dy, lambda idx: fn(idx, *others, **attrs)),) + (None,) * len(others)


@defgrad("scatter_nd")
def _scatter_nd_grad(node, dy):
    return (F.gather_nd(dy, node.inputs[1]), None)


@defgrad("concat")
def _concat_grad(node, dy):
    dim = node.attrs["dim"] % dy.ndim
    grads, off = [], 0
    for x in node.inputs:
        n = x.shape[dim]
        grads.append(F.slice_axis(dy, axis=dim, begin=off, end=off + n))
        off += n
    return tuple(grads)


@defgrad("stack")
def _stack_grad(node, dy):
    axis = node.attrs["axis"] % dy.ndim
    return tuple(F.reshape_like(F.slice_axis(dy, axis=axis, begin=i, end=i + 1), x)
                 for i, x in enumerate(node.inputs))


@defgrad("split")
def _split_grad(node, *dys):
    x = node.inputs[0]
    axis = node.attrs["axis"] % x.ndim
    # Each head gradient goes back to its piece's unsqueezed shape: expand_dims where the axis
    # was squeezed (a squeezed 1-D split gives pieces of shape (1,), already the piece's shape).
    # Not d.reshape(piece): reshape reads a 0 in piece as "copy a dim".
    piece = x.shape[:axis] + (x.shape[axis] // len(dys),) + x.shape[axis + 1:]
    dys = [F.expand_dims(d, axis=axis) if d.ndim == len(piece) - 1 else d for d in dys]
    return (F.concat(*dys, dim=axis) if len(dys) > 1 else F.reshape_like(dys[0], x),)
