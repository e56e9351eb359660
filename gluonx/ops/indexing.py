"""Indexing: integer-array keys of __getitem__/__setitem__, take, pick, one_hot, gather_nd, scatter_nd.

Advanced keys follow NumPy: the integer arrays (and ints next to them) broadcast together; the result puts
their broadcast shape where the first of them stood when they are adjacent in the key, first otherwise.
Boolean masks become integer arrays (their nonzero positions, computed on the host while preparing the
index).  The gathering and scattering run in the ``gather_nd`` / ``scatter_nd`` kernels.
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, REQUIRED
from gluonx.ops.shape_rules import axis_index, fill_dtype, prod

__all__ = ["advanced_getitem", "advanced_setitem"]

_INDEX = struct.Struct("=i")       # gx_index_attrs
_ONE_HOT = struct.Struct("=dd")    # gx_one_hot_attrs
_MODES = {"clip": 0, "wrap": 1, "raise": 2}
_CLIP, _WRAP, _RAISE = 0, 1, 2


# ---- advanced __getitem__ / __setitem__ ---------------------------------------------------

def _is_int(k):
    return isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_))


def _to_index_array(k):
    """An advanced key part as a NumPy array (integer or bool)."""
    if isinstance(k, _c.NDArray):
        a = k.asnumpy()
    elif isinstance(k, (bool, np.bool_)):
        a = np.asarray(k)
    else:
        a = np.asarray(k)
    if a.dtype == np.bool_:
        return a
    if a.dtype.kind in "iu":
        return a.astype(np.int64, copy=False)
    if a.dtype.kind == "f":
        if a.size and not np.all(np.isfinite(a)):
            raise MXNetIndexError("advanced indexing: index array contains non-finite values")
        return np.trunc(a).astype(np.int64)   # MXNet casts float index arrays
    if a.size == 0:
        return a.astype(np.int64)
    raise MXNetTypeError("advanced indexing: unsupported index of type %s (dtype %s)" % (type(k).__name__, a.dtype))


def _prepare(x, key):
    """(view, adv_axes, index_arrays, bshape, front): `view` is x with the basic parts of `key` applied
    (None -> new axis, slices sliced, advanced axes kept whole); adv_axes are the view's axes indexed by the
    broadcast integer arrays `index_arrays` (all of shape bshape); `front` says whether the broadcast dims
    go first (advanced indices separated by a basic one) or at the first advanced position."""
    parts = []
    for k in key:
        if k is None or k is Ellipsis or isinstance(k, slice):
            parts.append(k)
        elif _is_int(k):
            parts.append(("int", int(k)))
        else:
            a = _to_index_array(k)
            if a.dtype == np.bool_:
                parts.append(("bool", a))
            else:
                parts.append(("arr", a))
    n_ell = sum(1 for p in parts if p is Ellipsis)
    if n_ell > 1:
        raise MXNetIndexError("an index can only have a single ellipsis ('...')")
    used = 0
    for p in parts:
        if isinstance(p, tuple):
            used += p[1].ndim if p[0] == "bool" and p[1].ndim else 1
        elif isinstance(p, slice):
            used += 1
    nd = x.ndim
    if used > nd:
        raise MXNetIndexError("too many indices for array: array is %d-dimensional, but %d were indexed"
                              % (nd, used))
    expanded = []
    for p in parts:
        if p is Ellipsis:
            expanded += [slice(None)] * (nd - used)
        else:
            expanded.append(p)
    if n_ell == 0:
        expanded += [slice(None)] * (nd - used)
    shape, strides = x.shape, x.strides
    vshape, vstrides = [], []
    offset = 0
    axis = 0
    adv_axes, arrays = [], []
    adv_positions = []      # position in `expanded` of each advanced part
    for pos, p in enumerate(expanded):
        if p is None:
            vshape.append(1)
            vstrides.append(0)
        elif isinstance(p, slice):
            n = shape[axis]
            start, stop, step = p.indices(n)
            length = len(range(start, stop, step))
            if length:
                offset += start * strides[axis]
            vshape.append(length)
            vstrides.append(strides[axis] * step)
            axis += 1
        else:
            kind, a = p
            if kind == "bool":
                k = max(a.ndim, 1) if a.ndim else 0
                if a.ndim == 0:
                    # a scalar bool adds an axis of size 1 (True) or 0 (False)
                    vshape.append(1)
                    vstrides.append(0)
                    adv_axes.append(len(vshape) - 1)
                    arrays.append(np.zeros(1 if a else 0, dtype=np.int64))
                    adv_positions.append(pos)
                    continue
                dims = shape[axis:axis + k]
                if tuple(a.shape) != tuple(dims):
                    raise MXNetIndexError("boolean index of shape %s does not match the indexed dimensions %s"
                                          % (a.shape, tuple(dims)))
                for i, nz in enumerate(np.nonzero(a)):
                    vshape.append(shape[axis + i])
                    vstrides.append(strides[axis + i])
                    adv_axes.append(len(vshape) - 1)
                    arrays.append(nz.astype(np.int64))
                    adv_positions.append(pos)
                axis += k
            else:
                n = shape[axis]
                if kind == "int":
                    a = np.asarray(a, dtype=np.int64)
                vshape.append(n)
                vstrides.append(strides[axis])
                adv_axes.append(len(vshape) - 1)
                arrays.append(a)
                adv_positions.append(pos)
                axis += 1
    try:
        arrays = np.broadcast_arrays(*arrays)
    except ValueError:
        raise MXNetIndexError("shape mismatch: indexing arrays could not be broadcast together with shapes %s"
                              % " ".join(str(a.shape) for a in arrays)) from None
    bshape = arrays[0].shape
    positions = sorted(set(adv_positions))
    front = positions != list(range(positions[0], positions[-1] + 1))
    view = _c.as_strided(x, tuple(vshape), tuple(vstrides), offset)
    return view, adv_axes, arrays, bshape, front


def _index_matrix(arrays, ctx):
    m = int(np.prod(arrays[0].shape, dtype=np.int64)) if arrays[0].ndim else 1
    idx = np.stack([a.reshape(m) for a in arrays]) if m else np.zeros((len(arrays), 0), dtype=np.int64)
    return _c.array_from_numpy(np.ascontiguousarray(idx, dtype=np.int64), "int64", ctx), m


def _result_layout(view, adv_axes, bshape, front):
    """(rest_axes, result shape, insert position of the broadcast dims)."""
    rest = [a for a in range(view.ndim) if a not in adv_axes]
    rest_shape = tuple(view.shape[a] for a in rest)
    ins = 0 if front else sum(1 for a in rest if a < adv_axes[0])
    return rest, rest_shape, ins


def advanced_getitem(x, key):
    """x[key] for a key tuple holding integer/bool arrays (NumPy semantics, a copy)."""
    view, adv_axes, arrays, bshape, front = _prepare(x, key)
    rest, rest_shape, ins = _result_layout(view, adv_axes, bshape, front)
    data = _c.contiguous(_c.as_strided(view, tuple(view.shape[a] for a in adv_axes + rest),
                                       tuple(view.strides[a] for a in adv_axes + rest), 0))
    idx, m = _index_matrix(arrays, x.context)
    g = _c.empty((m,) + rest_shape, x.dtype, x.context)
    if g.size:
        _c.launch("gather_nd", [data, idx], [g], _INDEX.pack(_RAISE), "__getitem__")
    res = _c.reshape(g, bshape + rest_shape)
    if ins and len(bshape) and len(rest_shape):
        nb = len(bshape)
        perm = list(range(nb, nb + ins)) + list(range(nb)) + list(range(nb + ins, nb + len(rest_shape)))
        res = _c.contiguous(_c.as_strided(res, tuple(res.shape[p] for p in perm),
                                          tuple(res.strides[p] for p in perm), 0))
    if res.ndim == 0:
        res = _c.reshape(res, (1,))
    return res


def advanced_setitem(x, key, value):
    """x[key] = value for a key tuple holding integer/bool arrays (value broadcast to the selection)."""
    view, adv_axes, arrays, bshape, front = _prepare(x, key)
    rest, rest_shape, ins = _result_layout(view, adv_axes, bshape, front)
    target = _c.as_strided(view, tuple(view.shape[a] for a in adv_axes + rest),
                           tuple(view.strides[a] for a in adv_axes + rest), 0)
    rshape = rest_shape[:ins] + bshape + rest_shape[ins:]
    vals = _c.empty(rshape, x.dtype, x.context)
    try:
        _c.copyto(vals, value, "__setitem__")
    except (ValueError, TypeError) as e:
        raise MXNetValueError("__setitem__: cannot assign a value of shape %s to a selection of shape %s (%s)"
                              % (getattr(value, "shape", np.shape(value)), rshape, e)) from None
    nb = len(bshape)
    if ins and nb:
        # move the broadcast dims first: (rest[:ins], b, rest[ins:]) -> (b, rest)
        perm = list(range(ins, ins + nb)) + list(range(ins)) + list(range(ins + nb, len(rshape)))
        vals = _c.contiguous(_c.as_strided(vals, tuple(rshape[p] for p in perm),
                                           tuple(vals.strides[p] for p in perm), 0))
    idx, m = _index_matrix(arrays, x.context)
    vals = _c.reshape(vals, (m,) + rest_shape)
    if m:
        _c.launch("scatter_nd", [vals, idx], [target], _INDEX.pack(_RAISE), "__setitem__")


# ---- take / pick / one_hot -----------------------------------------------------------------

def _take_infer(a, shapes, dtypes):
    shape, ishape = shapes
    if not shape:
        raise MXNetValueError("Operator take: cannot take from a 0-d array")
    ax = axis_index("take", a["axis"], len(shape))
    oshape = shape[:ax] + tuple(ishape) + shape[ax + 1:]
    if shape[ax] == 0 and prod(oshape):
        raise MXNetIndexError("Operator take: cannot take from axis %d of size 0 (shape %s)" % (ax, shape))
    return [oshape], [dtypes[0]]


def _take(a, indices, out, axis=0, mode="clip"):
    if out.size:
        ax = axis % a.ndim
        shape = a.shape
        outer, inner = prod(shape[:ax]), prod(shape[ax + 1:])
        m = indices.size
        _c.launch("take", [_c.reshape(a, (outer, shape[ax], inner)), _c.reshape(indices, (m,))],
                  [_c.reshape(out, (outer, m, inner))], _INDEX.pack(_MODES[mode]), "take")


def _pick_infer(a, shapes, dtypes):
    shape = shapes[0]
    if not shape:
        raise MXNetValueError("Operator pick: cannot pick from a 0-d array")
    ax = axis_index("pick", a["axis"], len(shape))
    kshape = shape[:ax] + (1,) + shape[ax + 1:]
    rshape = shape[:ax] + shape[ax + 1:]
    # MXNet infers the index backwards: the data's shape without the axis
    if shapes[1] is None:
        shapes[1] = rshape or (1,)
    elif tuple(shapes[1]) not in (rshape, kshape) and not (rshape == () and tuple(shapes[1]) == (1,)):
        raise MXNetValueError("Operator pick: index of shape %s does not match data %s without axis %d "
                              "(expected %s)" % (shapes[1], shape, ax, rshape))
    fill_dtype(dtypes, 1, dtypes[0])
    oshape = kshape if a["keepdims"] else (rshape or (1,))
    if shape[ax] == 0 and prod(oshape):
        raise MXNetIndexError("Operator pick: cannot pick from axis %d of size 0 (shape %s)" % (ax, shape))
    return [oshape], [dtypes[0]]


def _pick(data, index, out, axis=-1, keepdims=False, mode="clip"):
    if out.size:
        ax = axis % data.ndim
        shape = data.shape
        outer, inner = prod(shape[:ax]), prod(shape[ax + 1:])
        _c.launch("pick", [_c.reshape(data, (outer, shape[ax], inner)), _c.reshape(index, (outer, 1, inner))],
                  [_c.reshape(out, (outer, 1, inner))], _INDEX.pack(_MODES[mode]), "pick")


def _one_hot_infer(a, shapes, dtypes):
    depth = a["depth"]
    if depth < 0:
        raise MXNetValueError("Operator one_hot: depth must be non-negative, got %d" % depth)
    return [tuple(shapes[0]) + (depth,)], [a["dtype"] or "float32"]


def _one_hot(indices, out, depth, on_value=1.0, off_value=0.0, dtype="float32"):
    if out.size:
        m = indices.size
        _c.launch("one_hot", [_c.reshape(indices, (m,))], [_c.reshape(out, (m, depth))],
                  _ONE_HOT.pack(float(on_value), float(off_value)), "one_hot")


# ---- gather_nd / scatter_nd -------------------------------------------------------------------

def _nd_index_shape(opname, ishape, ndim):
    """(k, m, rest) of an index array (k, rest...) addressing the first k of `ndim` axes."""
    if len(ishape) < 1:
        raise MXNetValueError("Operator %s: indices must have at least 1 dimension" % opname)
    k = ishape[0]
    if k > ndim or k == 0:
        raise MXNetValueError("Operator %s: indices.shape[0]=%d must be in [1, %d]" % (opname, k, ndim))
    rest = tuple(ishape[1:])
    return k, prod(rest), rest


def _gather_nd_infer(a, shapes, dtypes):
    shape, ishape = shapes
    k, _, rest = _nd_index_shape("gather_nd", ishape, len(shape))
    return [(rest + tuple(shape[k:])) or (1,)], [dtypes[0]]


def _gather_nd(data, indices, out):
    if out.size:
        k = indices.shape[0]
        m = indices.size // k
        _c.launch("gather_nd", [_c.contiguous(data), _c.reshape(indices, (k, m))],
                  [_c.reshape(out, (m,) + data.shape[k:])], _INDEX.pack(_RAISE), "gather_nd")


def _scatter_nd_infer(a, shapes, dtypes):
    shape = tuple(a["shape"])
    ds, ishape = shapes
    k, m, rest = _nd_index_shape("scatter_nd", ishape, len(shape))
    want = rest + shape[k:]
    if tuple(ds) != want and not (not want and prod(ds) == m * prod(shape[k:])):
        raise MXNetValueError("Operator scatter_nd: data of shape %s does not match indices %s and shape %s "
                              "(expected %s)" % (ds, ishape, shape, want))
    return [shape], [dtypes[0]]


def _scatter_nd(data, indices, out, shape):
    _c.fill(out, 0)
    k = indices.shape[0]
    m = indices.size // k
    if out.size and m:
        _c.launch("scatter_nd", [_c.reshape(data, (m,) + tuple(shape[k:])), _c.reshape(indices, (k, m))], [out],
                  _INDEX.pack(_RAISE), "scatter_nd")


_MODE = Attr("mode", "str", "clip", "Out-of-range indices: clip, wrap or raise.", choices=("clip", "wrap", "raise"))

# every indexing kernel copies the indices to int64 in scratch memory (workspace=True)
register(OpDef("take", _take, infer=_take_infer, inputs=("a", "indices"), attrs=(Attr("axis", "int", 0), _MODE),
               method="take", workspace=True,
               doc="Takes elements along an axis.\n\n"
                   ">>> mx.nd.take(mx.nd.array([[1, 2], [3, 4]]), mx.nd.array([1])).asnumpy()\n"
                   "array([[3., 4.]], dtype=float32)"))
register(OpDef("pick", _pick, infer=_pick_infer, inputs=("data", "index"), infers_inputs=("index",),
               attrs=(Attr("axis", "int", -1), Attr("keepdims", "bool", False),
                      Attr("mode", "str", "clip", choices=("clip", "wrap"))),
               method="pick", workspace=True,
               doc="Picks one element per position along `axis`.\n\n"
                   ">>> mx.nd.pick(mx.nd.array([[1, 2], [3, 4]]), mx.nd.array([1, 0])).asnumpy()\n"
                   "array([2., 3.], dtype=float32)"))
register(OpDef("one_hot", _one_hot, infer=_one_hot_infer, inputs=("indices",),
               attrs=(Attr("depth", "int", REQUIRED), Attr("on_value", "float", 1.0),
                      Attr("off_value", "float", 0.0), Attr("dtype", "dtype", "float32")),
               method="one_hot", differentiable=False, workspace=True,
               doc="One-hot encoding (out-of-range indices give an all-off row).\n\n"
                   ">>> mx.nd.one_hot(mx.nd.array([1]), 3).asnumpy()\narray([[0., 1., 0.]], dtype=float32)"))
register(OpDef("gather_nd", _gather_nd, infer=_gather_nd_infer, inputs=("data", "indices"), workspace=True,
               doc="Gathers slices: out[i..] = data[indices[0, i..], indices[1, i..], ...]."))
register(OpDef("scatter_nd", _scatter_nd, infer=_scatter_nd_infer, inputs=("data", "indices"),
               attrs=(Attr("shape", "shape", REQUIRED),), workspace=True,
               doc="Scatters data into a zero array of `shape` (the inverse of gather_nd)."))
