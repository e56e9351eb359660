"""Shape operators: reshape (MXNet's special codes), transpose, swapaxes, expand_dims, squeeze, flatten, flip, tile,
repeat, pad, concat, stack, split, slice, slice_axis, slice_like, reshape_like, broadcast_to, broadcast_like,
broadcast_axis, depth_to_space, space_to_depth.

Each op has a pure shape rule (``_<op>_infer``) and a compute step that writes into the output it is given.
Everything except ``pad`` copies a strided view of its input (``_c.as_strided``: negative strides flip, zero
strides repeat) into that output; like MXNet's operators, every op returns a new array.  The rules and the
compute steps share the pure helpers that validate attributes against shapes, so both agree on every shape.
"""
from __future__ import annotations

import ast
import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, REQUIRED
from gluonx.ops.shape_rules import axis_index, prod

_MAX_DIM = (1 << 63) - 1   # the largest dim an array (even an empty one) or a view can have

__all__ = ["infer_reshape"]


# ---- helpers ---------------------------------------------------------------------------

def _copy_as(out, src, opname):
    """out[...] = src, where out holds src's elements in row-major order under another shape (reshape,
    expand_dims, tile's interleaved view ...)."""
    if out.shape == src.shape:
        _c.copyto(out, src, opname)
    elif out.is_contiguous:
        _c.copyto(_c.reshape(out, src.shape), src, opname)   # a view of out: one copy
    else:
        _c.copyto(out, _c.reshape(src, out.shape), opname)


def _copy_compute(opname):
    """The compute step of ops whose output is their first input under a new shape."""
    def compute(data, *others, out, **attrs):
        _copy_as(out, data, opname)
    compute.__name__ = "_" + opname
    return compute


def _axes_arg(axis) -> tuple:
    if axis is None:
        return ()
    return (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)


# ---- reshape ---------------------------------------------------------------------------

def infer_reshape(src_shape, shape, reverse=False, opname="reshape") -> tuple:
    """The output shape of MXNet's reshape: 0 copies a source dim, -1 infers one dim, -2 copies all remaining
    dims, -3 merges two source dims, -4 splits one source dim into the next two values (one may be -1);
    ``reverse`` matches the codes right to left.

    >>> infer_reshape((2, 3, 4), (0, -1), False)
    (2, 12)
    """
    src = [int(d) for d in src_shape]
    params = [int(d) for d in shape]
    size = 1
    for d in src:
        size *= d

    def fail(msg):
        raise MXNetValueError("Operator %s: cannot reshape an array of shape %s with shape=%s%s: %s"
                              % (opname, tuple(src_shape), tuple(shape), " (reverse)" if reverse else "", msg))

    if not params:
        fail("the target shape is empty")
    for d in params:
        if d < -4:
            fail("shape dim size must be >= -4, got %d" % d)
    if reverse:
        src = src[::-1]
        params = params[::-1]
    out = []
    inf_idx = -1
    si = 0
    i = 0
    n = len(src)
    while i < len(params):
        p = params[i]
        if p == 0:
            if si >= n:
                fail("code 0 at position %d has no source dimension left to copy" % i)
            out.append(src[si])
            si += 1
        elif p == -1:
            if inf_idx >= 0:
                fail("only one dimension can be inferred (-1)")
            # MXNet keeps the code's position, not the output's (they differ after -2/-3/-4)
            inf_idx = i
            out.append(1)
            si += 1
        elif p == -2:
            out.extend(src[si:])
            si = max(si, n)
        elif p == -3:
            if si + 1 >= n:
                fail("code -3 at position %d needs two source dimensions" % i)
            out.append(src[si] * src[si + 1])
            si += 2
        elif p == -4:
            if i + 2 >= len(params):
                fail("code -4 at position %d must be followed by two dimensions" % i)
            if si >= n:
                fail("code -4 at position %d has no source dimension left to split" % i)
            d0 = src[si]
            si += 1
            d1, d2 = params[i + 1], params[i + 2]
            i += 2
            if d1 == -1 and d2 == -1:
                fail("split dims cannot both be -1")
            if d1 < -1 or d2 < -1 or d1 == 0 or d2 == 0:
                fail("split dims must be positive or -1, got %d, %d" % (d1, d2))
            if d1 == -1:
                d1 = d0 // d2
            if d2 == -1:
                d2 = d0 // d1
            if d1 * d2 != d0:
                fail("split dims %d, %d do not divide the source dim %d" % (d1, d2, d0))
            out.extend((d1, d2))
        else:
            out.append(p)
            si += 1
        i += 1
    if 0 <= inf_idx < len(out):   # (past the end MXNet writes nothing visible; the size check decides)
        known = 1
        for d in out:
            known *= d
        if known == 0 or size % known:
            fail("cannot infer the -1 dimension (size %d, known dimensions' product %d)" % (size, known))
        out[inf_idx] = size // known
    if reverse:
        out = out[::-1]
    total = 1
    for d in out:
        total *= d
    if total != size:
        fail("the sizes differ (%d vs %d elements)" % (size, total))
    return tuple(out)


def _reshape_infer(a, shapes, dtypes):
    shape = a["shape"]
    if not shape:
        if not a["target_shape"]:
            raise MXNetValueError("Operator reshape: a target shape is required")
        shape = a["target_shape"]
    return [infer_reshape(shapes[0], shape, a["reverse"], "reshape")], [dtypes[0]]


def _reshape_like_infer(a, shapes, dtypes):
    ls, rs = shapes

    def rng(b, e, nd, side):
        b = 0 if b is None else b
        e = nd if e is None else e
        b = b + nd if b < 0 else b
        e = e + nd if e < 0 else e
        if not 0 <= b <= e <= nd:
            raise MXNetValueError("Operator reshape_like: invalid %s range [%s, %s) for %d dimensions"
                                  % (side, b, e, nd))
        return b, e
    lb, le = rng(a["lhs_begin"], a["lhs_end"], len(ls), "lhs")
    rb, re_ = rng(a["rhs_begin"], a["rhs_end"], len(rs), "rhs")
    new = tuple(ls[:lb]) + tuple(rs[rb:re_]) + tuple(ls[le:])
    if prod(new) != prod(ls):
        raise MXNetValueError("Operator reshape_like: cannot reshape lhs of shape %s to %s (sizes differ)"
                              % (tuple(ls), new))
    return [new], [dtypes[0]]


# ---- permutations -------------------------------------------------------------------------

def _permute_view(x, axes):
    return _c.as_strided(x, tuple(x.shape[a] for a in axes), tuple(x.strides[a] for a in axes), 0)


def _transpose_perm(axes, nd) -> tuple:
    if not axes:
        return tuple(range(nd - 1, -1, -1))
    if len(axes) != nd:
        raise MXNetValueError("Operator transpose: axes %s do not match an array of %d dimensions"
                              % (tuple(axes), nd))
    ax = tuple(axis_index("transpose", a, nd) for a in axes)
    if sorted(ax) != list(range(nd)):
        raise MXNetValueError("Operator transpose: axes %s are not a permutation" % (tuple(axes),))
    return ax


def _transpose_infer(a, shapes, dtypes):
    s = shapes[0]
    return [tuple(s[i] for i in _transpose_perm(a["axes"], len(s)))], [dtypes[0]]


def _transpose(data, out, axes=()):
    _c.copyto(out, _permute_view(data, _transpose_perm(axes, data.ndim)), "transpose")


def _swap_perm(dim1, dim2, nd) -> list:
    a, b = axis_index("swapaxes", dim1, nd, "dim1"), axis_index("swapaxes", dim2, nd, "dim2")
    perm = list(range(nd))
    perm[a], perm[b] = perm[b], perm[a]
    return perm


def _swapaxes_infer(a, shapes, dtypes):
    s = shapes[0]
    return [tuple(s[i] for i in _swap_perm(a["dim1"], a["dim2"], len(s)))], [dtypes[0]]


def _swapaxes(data, out, dim1=0, dim2=0):
    _c.copyto(out, _permute_view(data, _swap_perm(dim1, dim2, data.ndim)), "swapaxes")


def _flip_axes(axis, nd) -> set:
    return set(axis_index("flip", a, nd) for a in _axes_arg(axis))


def _flip_infer(a, shapes, dtypes):
    _flip_axes(a["axis"], len(shapes[0]))
    return [tuple(shapes[0])], [dtypes[0]]


def _flip(data, out, axis):
    shape, strides = data.shape, list(data.strides)
    offset = 0
    for a in _flip_axes(axis, data.ndim):
        if shape[a] > 0:
            offset += (shape[a] - 1) * strides[a]
        strides[a] = -strides[a]
    _c.copyto(out, _c.as_strided(data, shape, tuple(strides), offset), "flip")


# ---- expand / squeeze / flatten -------------------------------------------------------------

def _expand_dims_infer(a, shapes, dtypes):
    s, axis = tuple(shapes[0]), a["axis"]
    nd = len(s)
    if axis < -nd - 1 or axis > nd:
        raise MXNetIndexError("Operator expand_dims: axis %d is out of range for an array of %d dimensions"
                              % (axis, nd))
    ax = axis % (nd + 1)
    return [s[:ax] + (1,) + s[ax:]], [dtypes[0]]


def _squeeze_infer(a, shapes, dtypes):
    shape = tuple(shapes[0])
    if a["axis"] is None:
        keep = [d for d in shape if d != 1]
    else:
        drop = set()
        for ax in _axes_arg(a["axis"]):
            ax = axis_index("squeeze", ax, len(shape))
            if shape[ax] != 1:
                raise MXNetValueError("Operator squeeze: cannot select axis %d of shape %s: its size is not 1"
                                      % (ax, shape))
            drop.add(ax)
        keep = [d for i, d in enumerate(shape) if i not in drop]
    return [tuple(keep) or (1,)], [dtypes[0]]   # MXNet 1.x has no 0-d arrays


def _flatten_infer(a, shapes, dtypes):
    s = shapes[0]
    return [(s[0], prod(s[1:])) if s else (1, 1)], [dtypes[0]]


# ---- repetition and broadcasting --------------------------------------------------------------

def _tile_plan(shape, reps):
    """(reps, shape), both padded with leading 1s to the same length."""
    reps = tuple(reps)
    if any(r < 0 or r > _MAX_DIM for r in reps):   # (the kernel views data with r as a dim)
        raise MXNetValueError("Operator tile: reps %s must be in [0, 2**63 - 1]" % (reps,))
    nd = max(len(reps), len(shape))
    return (1,) * (nd - len(reps)) + reps, (1,) * (nd - len(shape)) + tuple(shape)


def _tile_infer(a, shapes, dtypes):
    reps, shape = _tile_plan(shapes[0], a["reps"])
    return [tuple(r * d for r, d in zip(reps, shape)) or (1,)], [dtypes[0]]


def _tile(data, out, reps):
    reps, shape = _tile_plan(data.shape, reps)
    strides = (0,) * (len(shape) - data.ndim) + data.strides
    vshape, vstrides = [], []
    for r, d, s in zip(reps, shape, strides):   # (r0, d0, r1, d1, ...): out's row-major order
        vshape += [r, d]
        vstrides += [0, s]
    _copy_as(out, _c.as_strided(data, tuple(vshape), tuple(vstrides), 0), "tile")


def _repeat_infer(a, shapes, dtypes):
    shape, r, axis = tuple(shapes[0]), a["repeats"], a["axis"]
    if r < 0 or r > _MAX_DIM:   # (a dim past 2**63 - 1 cannot even be a view of empty data)
        raise MXNetValueError("Operator repeat: repeats must be in [0, 2**63 - 1], got %d" % r)
    if axis is None:
        return [(prod(shape) * r,)], [dtypes[0]]
    ax = axis_index("repeat", axis, len(shape))
    return [shape[:ax] + (shape[ax] * r,) + shape[ax + 1:]], [dtypes[0]]


def _repeat(data, out, repeats, axis=None):
    if axis is None:
        data = _c.reshape(data, (data.size,))
        axis = 0
    a = axis % data.ndim
    shape, strides = data.shape, data.strides
    view = _c.as_strided(data, shape[:a + 1] + (repeats,) + shape[a + 1:],
                         strides[:a + 1] + (0,) + strides[a + 1:], 0)
    _copy_as(out, view, "repeat")


def _broadcast_check(opname, shape, target) -> tuple:
    """`target` when `shape` (same ndim) broadcasts to it: each dim equal or 1."""
    for d, t in zip(shape, target):
        if d != t and d != 1:
            raise MXNetValueError("Operator %s: array of shape %s cannot be broadcast to %s"
                                  % (opname, tuple(shape), tuple(target)))
    return tuple(target)


def _broadcast_to_infer(a, shapes, dtypes):
    ds, shape = tuple(shapes[0]), tuple(a["shape"])
    if len(shape) != len(ds):
        raise MXNetValueError("Operator broadcast_to: operand of shape %s cannot be broadcast to %s "
                              "(the number of dimensions must match)" % (ds, shape))
    if any(t < 0 for t in shape):
        raise MXNetValueError("Operator broadcast_to: invalid target shape %s" % (shape,))
    target = tuple(d if t == 0 else t for d, t in zip(ds, shape))
    return [_broadcast_check("broadcast_to", ds, target)], [dtypes[0]]


def _broadcast_axis_infer(a, shapes, dtypes):
    ds = tuple(shapes[0])
    axes, sizes = _axes_arg(a["axis"]), _axes_arg(a["size"])
    if len(axes) != len(sizes):
        raise MXNetValueError("Operator broadcast_axis: axis %s and size %s must have the same length"
                              % (axes, sizes))
    target = list(ds)
    for ax, s in zip(axes, sizes):
        ax = axis_index("broadcast_axis", ax, len(ds))
        if ds[ax] != 1:
            raise MXNetValueError("Operator broadcast_axis: axis %d of shape %s must have size 1" % (ax, ds))
        target[ax] = s
    return [tuple(target)], [dtypes[0]]


def _broadcast_like_infer(a, shapes, dtypes):
    ls, rs = tuple(shapes[0]), tuple(shapes[1])
    if a["lhs_axes"] is None and a["rhs_axes"] is None:
        if len(ls) != len(rs):
            raise MXNetValueError("Operator broadcast_like: shapes %s and %s have different numbers of "
                                  "dimensions" % (ls, rs))
        target = rs
    else:
        la, ra = _axes_arg(a["lhs_axes"]), _axes_arg(a["rhs_axes"])
        if len(la) != len(ra) or not la:
            raise MXNetValueError("Operator broadcast_like: lhs_axes %s and rhs_axes %s must be non-empty "
                                  "and of the same length" % (la, ra))
        target = list(ls)
        for x, y in zip(la, ra):
            target[axis_index("broadcast_like", x, len(ls), "lhs_axes")] = \
                rs[axis_index("broadcast_like", y, len(rs), "rhs_axes")]
    return [_broadcast_check("broadcast_like", ls, target)], [dtypes[0]]


def _broadcast_compute(opname):
    def compute(data, *others, out, **attrs):
        # the rule checked that every dim of data equals out's or is 1 (stride 0 repeats it)
        st = tuple(s if d == t else 0 for d, t, s in zip(data.shape, out.shape, data.strides))
        _c.copyto(out, _c.as_strided(data, out.shape, st, 0), opname)
    compute.__name__ = "_" + opname
    return compute


# ---- joining and splitting ---------------------------------------------------------------

def _join_dtype(opname, a, dtypes) -> str:
    if not dtypes:
        raise MXNetValueError("Operator %s: needs at least one input" % opname)
    if a["num_args"] is not None and a["num_args"] != len(dtypes):
        raise MXNetValueError("Operator %s: num_args=%d, but %d inputs were given"
                              % (opname, a["num_args"], len(dtypes)))
    for i, d in enumerate(dtypes[1:], 1):
        if d != dtypes[0]:
            raise MXNetTypeError("Operator %s: non-uniform data types: input 0 is %s, input %d is %s"
                                 % (opname, dtypes[0], i, d))
    return dtypes[0]


def _concat_infer(a, shapes, dtypes):
    dt = _join_dtype("concat", a, dtypes)
    s0 = tuple(shapes[0])
    nd = len(s0)
    d = axis_index("concat", a["dim"], nd, "dim")
    total = 0
    for i, s in enumerate(shapes):
        if len(s) != nd or any(s[k] != s0[k] for k in range(nd) if k != d):
            raise MXNetValueError("Operator concat: incompatible input shape: input 0 is %s, input %d is %s "
                                  "(only dim %d may differ)" % (s0, i, tuple(s), d))
        total += s[d]
    return [s0[:d] + (total,) + s0[d + 1:]], [dt]


def _concat(*data, out, dim=1, num_args=None):
    d = dim % out.ndim
    st = out.strides
    pos = 0
    for x in data:
        n = x.shape[d]
        if n and x.size:
            _c.copyto(_c.as_strided(out, x.shape, st, pos * st[d]), x, "concat")
        pos += n


def _stack_infer(a, shapes, dtypes):
    dt = _join_dtype("stack", a, dtypes)
    s0 = tuple(shapes[0])
    nd, axis = len(s0), a["axis"]
    if axis < -nd - 1 or axis > nd:
        raise MXNetIndexError("Operator stack: axis %d is out of range for %d-D inputs" % (axis, nd))
    ax = axis % (nd + 1)
    for i, s in enumerate(shapes):
        if tuple(s) != s0:
            raise MXNetValueError("Operator stack: all inputs must have the same shape: input 0 is %s, "
                                  "input %d is %s" % (s0, i, tuple(s)))
    return [s0[:ax] + (len(shapes),) + s0[ax:]], [dt]


def _stack(*data, out, axis=0, num_args=None):
    a = axis % out.ndim
    st = out.strides
    vstrides = st[:a] + st[a + 1:]
    for i, x in enumerate(data):
        if x.size:
            _c.copyto(_c.as_strided(out, x.shape, vstrides, i * st[a]), x, "stack")


def _split_infer(a, shapes, dtypes):
    shape, num = tuple(shapes[0]), a["num_outputs"]
    ax = axis_index("split", a["axis"], len(shape))
    n = shape[ax]
    if num < 1:
        raise MXNetValueError("Operator split: num_outputs must be positive, got %d" % num)
    if n % num:
        raise MXNetValueError("Operator split: cannot split axis %d of shape %s into %d evenly sized chunks"
                              % (ax, shape, num))
    if a["squeeze_axis"]:
        if n != num:
            raise MXNetValueError("Operator split: squeeze_axis needs num_outputs == the axis size (%d vs %d)"
                                  % (num, n))
        oshape = shape[:ax] + shape[ax + 1:] or (1,)
    else:
        oshape = shape[:ax] + (n // num,) + shape[ax + 1:]
    return [oshape] * num, [dtypes[0]] * num


def _split(data, out, num_outputs, axis=1, squeeze_axis=False):
    outs = out if isinstance(out, (list, tuple)) else [out]   # one output: the array itself
    a = axis % data.ndim
    k = data.shape[a] // num_outputs
    shape, st = data.shape, data.strides
    vshape = shape[:a] + (k,) + shape[a + 1:]
    for i, o in enumerate(outs):
        _copy_as(o, _c.as_strided(data, vshape, st, i * k * st[a]), "split")


# ---- slicing ---------------------------------------------------------------------------------

def _tuple_or_none(v) -> tuple:
    """begin/end/step as a tuple of ints and Nones (from a tuple, a number, None or a graph file's string)."""
    if v is None:
        return ()
    if isinstance(v, str):
        try:
            v = ast.literal_eval(v)
        except (ValueError, SyntaxError):
            raise MXNetValueError("Operator slice: cannot parse %r as a tuple of integers" % (v,)) from None
    if isinstance(v, (int, np.integer)) or v is None:
        v = (v,)
    try:
        out = tuple(None if d is None else int(d) for d in v)
    except (TypeError, ValueError):
        raise MXNetTypeError("Operator slice: begin, end and step must be integers or None, got %r"
                             % (v,)) from None
    return out


def _slice_plan(shape, begin, end, step, opname) -> list:
    """(start, length, step) of each sliced (leading) axis of `shape`, validated."""
    begin, end, step = _tuple_or_none(begin), _tuple_or_none(end), _tuple_or_none(step)
    nd = len(shape)
    if len(begin) != len(end):
        raise MXNetValueError("Operator %s: begin %s and end %s must have the same length" % (opname, begin, end))
    if len(begin) > nd:
        raise MXNetValueError("Operator %s: slicing %d axes exceeds the %d dimensions of shape %s"
                              % (opname, len(begin), nd, tuple(shape)))
    if step and len(step) != len(begin):
        raise MXNetValueError("Operator %s: step %s must have the length of begin %s" % (opname, step, begin))
    plan = []
    for i in range(len(begin)):
        s = step[i] if step and step[i] is not None else 1
        if s == 0:
            raise MXNetValueError("Operator %s: slice step cannot be 0" % opname)
        n = shape[i]
        b, e = begin[i], end[i]
        for v, what in ((b, "begin"), (e, "end")):
            if v is not None and not (-n <= v <= n) and not (what == "end" and s < 0 and v == -n - 1):
                raise MXNetValueError("Operator %s: invalid %s=%d for axis %d of size %d" % (opname, what, v, i, n))
        start, stop, stp = slice(b, e, s).indices(n)
        plan.append((start, len(range(start, stop, stp)), stp))
    return plan


def _slice_infer(a, shapes, dtypes):
    shape = tuple(shapes[0])
    plan = _slice_plan(shape, a["begin"], a["end"], a["step"], "slice")
    return [tuple(p[1] for p in plan) + shape[len(plan):]], [dtypes[0]]


def _slice(data, out, begin, end, step=()):
    shape, strides = list(data.shape), list(data.strides)
    offset = 0
    for i, (start, length, stp) in enumerate(_slice_plan(data.shape, begin, end, step, "slice")):
        if length:
            offset += start * strides[i]
        shape[i] = length
        strides[i] *= stp
    _c.copyto(out, _c.as_strided(data, tuple(shape), tuple(strides), offset), "slice")


def _slice_axis_range(shape, axis, begin, end) -> tuple:
    """(axis, begin, end) normalized and checked against `shape`."""
    a = axis_index("slice_axis", axis, len(shape))
    n = shape[a]
    b = begin + n if begin < 0 else begin
    e = n if end is None else (end + n if end < 0 else end)
    if not (0 <= b <= n) or not (0 <= e <= n) or e < b:
        raise MXNetValueError("Operator slice_axis: invalid begin=%s, end=%s for axis %d of size %d"
                              % (begin, end, a, n))
    return a, b, e


def _slice_axis_infer(a, shapes, dtypes):
    shape = tuple(shapes[0])
    ax, b, e = _slice_axis_range(shape, a["axis"], a["begin"], a["end"])
    return [shape[:ax] + (e - b,) + shape[ax + 1:]], [dtypes[0]]


def _slice_axis(data, out, axis, begin, end=None):
    a, b, e = _slice_axis_range(data.shape, axis, begin, end)
    st = data.strides
    _c.copyto(out, _c.as_strided(data, out.shape, st, b * st[a] if e > b else 0), "slice_axis")


def _slice_like_infer(a, shapes, dtypes):
    ds, ls = tuple(shapes[0]), tuple(shapes[1])
    nd, axes = len(ds), a["axes"]
    if not axes:
        if len(ls) != nd:
            raise MXNetValueError("Operator slice_like: shapes %s and %s have different numbers of dimensions"
                                  % (ds, ls))
        axes = range(nd)
    shape = list(ds)
    for ax in _axes_arg(axes):
        ax = axis_index("slice_like", ax, nd)
        if ax >= len(ls):
            raise MXNetValueError("Operator slice_like: axis %d exceeds the dimensions of shape_like %s"
                                  % (ax, ls))
        if ls[ax] > shape[ax]:
            raise MXNetValueError("Operator slice_like: shape_like %s is larger than data %s on axis %d"
                                  % (ls, ds, ax))
        shape[ax] = ls[ax]
    return [tuple(shape)], [dtypes[0]]


def _slice_like(data, shape_like, out, axes=()):
    _c.copyto(out, _c.as_strided(data, out.shape, data.strides, 0), "slice_like")


# ---- pad ---------------------------------------------------------------------------------

_MAX_NDIM = 16
_PAD = struct.Struct("=iid%dq" % _MAX_NDIM)  # gx_pad_attrs
_PAD_MODES = {"constant": 0, "edge": 1, "reflect": 2}


def _pad_infer(a, shapes, dtypes):
    shape, mode, pw = tuple(shapes[0]), a["mode"], a["pad_width"]
    nd = len(shape)
    if pw is None:
        raise MXNetTypeError("Operator pad: missing required attribute 'pad_width'")
    pw = tuple(pw)
    if len(pw) != 2 * nd:
        raise MXNetValueError("Operator pad: pad_width %s must have 2 * ndim = %d entries for shape %s"
                              % (pw, 2 * nd, shape))
    if any(p < 0 for p in pw):
        raise MXNetValueError("Operator pad: pad_width %s must be non-negative" % (pw,))
    before, after = pw[0::2], pw[1::2]
    if mode != "constant":
        for i in range(nd):
            if (before[i] or after[i]) and shape[i] == 0:
                raise MXNetValueError("Operator pad: cannot pad an empty axis %d in mode %r" % (i, mode))
    return [tuple(d + b + e for d, b, e in zip(shape, before, after))], [dtypes[0]]


def _pad(data, out, pad_width, mode="constant", constant_value=0.0):
    if out.size:
        before = tuple(pad_width[0::2])
        attrs = _PAD.pack(_PAD_MODES[mode], 0, float(constant_value), *(before + (0,) * (_MAX_NDIM - data.ndim)))
        _c.launch("pad", [data], [out], attrs, "pad")


# ---- depth_to_space / space_to_depth -----------------------------------------------------

def _d2s_infer(a, shapes, dtypes):
    s, b = tuple(shapes[0]), a["block_size"]
    if len(s) != 4:
        raise MXNetValueError("Operator depth_to_space: expects a 4-D input, got shape %s" % (s,))
    n, c, h, w = s
    if b <= 0 or c % (b * b):
        raise MXNetValueError("Operator depth_to_space: channels %d not divisible by block_size^2 = %d"
                              % (c, b * b))
    return [(n, c // (b * b), h * b, w * b)], [dtypes[0]]


def _depth_to_space(data, out, block_size):
    n, c, h, w = data.shape
    b = block_size
    x = _c.reshape(data, (n, b, b, c // (b * b), h, w))
    _copy_as(out, _permute_view(x, (0, 3, 4, 1, 5, 2)), "depth_to_space")


def _s2d_infer(a, shapes, dtypes):
    s, b = tuple(shapes[0]), a["block_size"]
    if len(s) != 4:
        raise MXNetValueError("Operator space_to_depth: expects a 4-D input, got shape %s" % (s,))
    n, c, h, w = s
    if b <= 0 or h % b or w % b:
        raise MXNetValueError("Operator space_to_depth: height %d and width %d must be divisible by block_size %d"
                              % (h, w, b))
    return [(n, c * b * b, h // b, w // b)], [dtypes[0]]


def _space_to_depth(data, out, block_size):
    n, c, h, w = data.shape
    b = block_size
    x = _c.reshape(data, (n, c, h // b, b, w // b, b))
    _copy_as(out, _permute_view(x, (0, 3, 5, 1, 2, 4)), "space_to_depth")


# ---- registration -----------------------------------------------------------------------------

class _VarargAxesOp(OpDef):
    """transpose(x, 1, 0) / x.transpose(1, 0): extra integer positional arguments are the axes (a gap in
    MXNet that gluonx fills)."""

    def bind(self, args, kwargs, *rest, **options):
        n = len(self.inputs)
        extra = args[n:]
        if len(extra) > 1 or (len(extra) == 1 and isinstance(extra[0], (int, np.integer))):
            if all(isinstance(a, (int, np.integer)) for a in extra):
                args = args[:n] + (tuple(int(a) for a in extra),)
        return super().bind(args, kwargs, *rest, **options)


def _arg_names(a):
    """MXNet names the inputs of concat and stack arg0, arg1, ... (num_args of them)."""
    return tuple("arg%d" % i for i in range(a["num_args"] or 0))


_AXIS_REQ = Attr("axis", "axis", REQUIRED, "Axis.")

register(OpDef("reshape", _copy_compute("reshape"), infer=_reshape_infer,
               attrs=(Attr("shape", "shape", None, "Target shape with MXNet's codes 0, -1, -2, -3, -4."),
                      Attr("reverse", "bool", False, "Match the codes right to left."),
                      Attr("target_shape", "shape", None, "Deprecated."),
                      Attr("keep_highest", "bool", False, "Deprecated.")),
               aliases=("Reshape",),
               doc="Reshapes to `shape` (a copy; NDArray.reshape is a view).\n\n"
                   ">>> mx.nd.reshape(mx.nd.zeros((2, 3, 4)), shape=(0, -1)).shape\n(2, 12)"))
register(OpDef("reshape_like", _copy_compute("reshape_like"), infer=_reshape_like_infer, inputs=("lhs", "rhs"),
               attrs=(Attr("lhs_begin", "int", None), Attr("lhs_end", "int", None),
                      Attr("rhs_begin", "int", None), Attr("rhs_end", "int", None)),
               doc="Reshapes lhs to the shape of rhs (or of a range of its axes)."))
register(_VarargAxesOp("transpose", _transpose, infer=_transpose_infer,
                       attrs=(Attr("axes", "shape", (), "Permutation (default: reverse)."),), method="transpose",
                       doc="Permutes the axes.\n\n>>> mx.nd.transpose(mx.nd.zeros((2, 3))).shape\n(3, 2)"))
register(OpDef("swapaxes", _swapaxes, infer=_swapaxes_infer, attrs=(Attr("dim1", "int", 0), Attr("dim2", "int", 0)),
               aliases=("SwapAxis",), method="swapaxes",
               doc="Swaps two axes.\n\n>>> mx.nd.swapaxes(mx.nd.zeros((2, 3, 4)), 0, 2).shape\n(4, 3, 2)"))
register(OpDef("expand_dims", _copy_compute("expand_dims"), infer=_expand_dims_infer,
               attrs=(Attr("axis", "int", REQUIRED),), method="expand_dims",
               doc="Inserts an axis of size 1.\n\n>>> mx.nd.expand_dims(mx.nd.zeros((2, 3)), 1).shape\n(2, 1, 3)"))
register(OpDef("squeeze", _copy_compute("squeeze"), infer=_squeeze_infer, attrs=(Attr("axis", "axis", None),),
               method="squeeze", doc="Removes axes of size 1 (all, or those in `axis`)."))
register(OpDef("flatten", _copy_compute("flatten"), infer=_flatten_infer, aliases=("Flatten",), method="flatten",
               doc="Collapses all axes but the first.\n\n>>> mx.nd.flatten(mx.nd.zeros((2, 3, 4))).shape\n(2, 12)"))
register(OpDef("flip", _flip, infer=_flip_infer, attrs=(_AXIS_REQ,), aliases=("reverse",), method="flip",
               doc="Reverses the order of elements along `axis`."))
register(OpDef("tile", _tile, infer=_tile_infer, attrs=(Attr("reps", "shape", REQUIRED),), method="tile",
               doc="Repeats the whole array `reps` times per axis (NumPy's tile).\n\n"
                   ">>> mx.nd.tile(mx.nd.zeros((2, 3)), (2, 2)).shape\n(4, 6)"))
register(OpDef("repeat", _repeat, infer=_repeat_infer,
               attrs=(Attr("repeats", "int", REQUIRED), Attr("axis", "int", None)),
               method="repeat", doc="Repeats each element `repeats` times (flattened when axis is None)."))
register(OpDef("pad", _pad, infer=_pad_infer,
               attrs=(Attr("mode", "str", "constant", choices=("constant", "edge", "reflect")),
                      Attr("pad_width", "shape", None, "Required: (before_0, after_0, before_1, after_1, ...)"),
                      Attr("constant_value", "float", 0.0)),
               aliases=("Pad",), method="pad",
               doc="Pads an array (any rank; MXNet supports 4-D/5-D with no padding on the first two axes).\n\n"
                   ">>> mx.nd.pad(mx.nd.zeros((1, 1, 2, 2)), pad_width=(0, 0, 0, 0, 1, 1, 1, 1)).shape\n(1, 1, 4, 4)"))
register(OpDef("concat", _concat, infer=_concat_infer, variadic=True, input_names=_arg_names,
               attrs=(Attr("dim", "int", 1), Attr("num_args", "int", None)), aliases=("Concat",),
               doc="Joins arrays along `dim`.\n\n>>> mx.nd.concat(mx.nd.zeros((2, 3)), mx.nd.zeros((2, 1))).shape\n(2, 4)"))
register(OpDef("stack", _stack, infer=_stack_infer, variadic=True, input_names=_arg_names,
               attrs=(Attr("axis", "int", 0), Attr("num_args", "int", None)),
               doc="Joins same-shaped arrays along a new axis."))
register(OpDef("split", _split, infer=_split_infer,
               attrs=(Attr("num_outputs", "int", REQUIRED), Attr("axis", "int", 1),
                      Attr("squeeze_axis", "bool", False)),
               aliases=("SliceChannel",), method="split", num_outputs=lambda a: a["num_outputs"],
               # MXNet numbers the outputs even when there is one (split0_output0)
               output_names=lambda a: tuple("output%d" % i for i in range(a["num_outputs"])),
               doc="Splits into `num_outputs` equal parts along `axis` (a list; one array when num_outputs=1)."))
register(OpDef("slice", _slice, infer=_slice_infer,
               attrs=(Attr("begin", "any", REQUIRED), Attr("end", "any", REQUIRED), Attr("step", "any", ())),
               aliases=("crop",), method="slice",
               doc="Slices with begin/end/step tuples (None entries take the defaults).\n\n"
                   ">>> mx.nd.slice(mx.nd.zeros((3, 4)), begin=(1, None), end=(3, None)).shape\n(2, 4)"))
register(OpDef("slice_axis", _slice_axis, infer=_slice_axis_infer,
               attrs=(Attr("axis", "int", REQUIRED), Attr("begin", "int", REQUIRED), Attr("end", "int", None)),
               method="slice_axis", doc="Slices [begin, end) along one axis."))
register(OpDef("slice_like", _slice_like, infer=_slice_like_infer, inputs=("data", "shape_like"),
               attrs=(Attr("axes", "axis", ()),),
               method="slice_like", doc="Slices data to the shape of shape_like (on `axes`, default all)."))
register(OpDef("broadcast_to", _broadcast_compute("broadcast_to"), infer=_broadcast_to_infer,
               attrs=(Attr("shape", "shape", ()),), method="broadcast_to",
               doc="Broadcasts size-1 axes to `shape` (0 keeps a dim).\n\n"
                   ">>> mx.nd.broadcast_to(mx.nd.zeros((1, 3)), shape=(4, 0)).shape\n(4, 3)"))
register(OpDef("broadcast_axis", _broadcast_compute("broadcast_axis"), infer=_broadcast_axis_infer,
               attrs=(Attr("axis", "axis", ()), Attr("size", "axis", ())),
               aliases=("broadcast_axes",), method=("broadcast_axis", "broadcast_axes"),
               doc="Broadcasts the size-1 axes `axis` to `size`."))
register(OpDef("broadcast_like", _broadcast_compute("broadcast_like"), infer=_broadcast_like_infer,
               inputs=("lhs", "rhs"),
               attrs=(Attr("lhs_axes", "axis", None), Attr("rhs_axes", "axis", None)), method="broadcast_like",
               doc="Broadcasts lhs to the shape of rhs (or of the given axes)."))
register(OpDef("depth_to_space", _depth_to_space, infer=_d2s_infer, attrs=(Attr("block_size", "int", REQUIRED),),
               method="depth_to_space", doc="Moves channel blocks into spatial blocks (DCR order)."))
register(OpDef("space_to_depth", _space_to_depth, infer=_s2d_infer, attrs=(Attr("block_size", "int", REQUIRED),),
               method="space_to_depth", doc="Moves spatial blocks into channels (inverse of depth_to_space)."))
