"""Shape operators: reshape (MXNet's special codes), transpose, swapaxes, expand_dims, squeeze, flatten, flip, tile,
repeat, pad, concat, stack, split, slice, slice_axis, slice_like, reshape_like, broadcast_to, broadcast_like,
broadcast_axis, depth_to_space, space_to_depth.

Everything except ``pad`` is a strided view (``_c.as_strided``: negative strides flip, zero strides repeat)
followed by the ``copy`` kernel; like MXNet's operators, every op returns a new array.
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, write_out, REQUIRED

__all__ = ["infer_reshape"]


# ---- helpers ---------------------------------------------------------------------------

def _axis(axis, ndim, opname, what="axis"):
    a = int(axis)
    if a < -ndim or a >= ndim:
        raise MXNetIndexError("Operator %s: %s %d is out of range for an array of %d dimensions"
                              % (opname, what, a, ndim))
    return a % ndim



def _copy(x):
    """A contiguous copy (always a new buffer)."""
    return _c.astype(x, x.dtype)


def _materialize(view, out):
    """Copies a view into a new contiguous array (or `out`)."""
    if out is not None:
        _c.copyto(out, view)
        return out
    return _copy(view)


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


def _reshape(data, shape=None, reverse=False, target_shape=None, keep_highest=False, out=None):
    if shape is None or shape == ():
        if target_shape:
            shape = target_shape
        else:
            raise MXNetValueError("Operator reshape: a target shape is required")
    new = infer_reshape(data.shape, shape, reverse, "reshape")
    return _materialize(_c.reshape(data, new), out)


def _reshape_like(lhs, rhs, lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None, out=None):
    ls, rs = lhs.shape, rhs.shape

    def rng(b, e, nd, side):
        b = 0 if b is None else b
        e = nd if e is None else e
        b = b + nd if b < 0 else b
        e = e + nd if e < 0 else e
        if not 0 <= b <= e <= nd:
            raise MXNetValueError("Operator reshape_like: invalid %s range [%s, %s) for %d dimensions"
                                  % (side, b, e, nd))
        return b, e
    lb, le = rng(lhs_begin, lhs_end, len(ls), "lhs")
    rb, re_ = rng(rhs_begin, rhs_end, len(rs), "rhs")
    new = ls[:lb] + rs[rb:re_] + ls[le:]
    if int(np.prod(new, dtype=np.int64)) != lhs.size:
        raise MXNetValueError("Operator reshape_like: cannot reshape lhs of shape %s to %s (sizes differ)"
                              % (ls, new))
    return _materialize(_c.reshape(lhs, new), out)


# ---- permutations -------------------------------------------------------------------------

def _permute_view(x, axes):
    return _c.as_strided(x, tuple(x.shape[a] for a in axes), tuple(x.strides[a] for a in axes), 0)


def _transpose(data, axes=None, out=None):
    nd = data.ndim
    if not axes:
        axes = tuple(range(nd - 1, -1, -1))
    if len(axes) != nd:
        raise MXNetValueError("Operator transpose: axes %s do not match an array of %d dimensions"
                              % (tuple(axes), nd))
    ax = tuple(_axis(a, nd, "transpose") for a in axes)
    if sorted(ax) != list(range(nd)):
        raise MXNetValueError("Operator transpose: axes %s are not a permutation" % (tuple(axes),))
    return _materialize(_permute_view(data, ax), out)


def _swapaxes(data, dim1=0, dim2=0, out=None):
    nd = data.ndim
    a, b = _axis(dim1, nd, "swapaxes", "dim1"), _axis(dim2, nd, "swapaxes", "dim2")
    perm = list(range(nd))
    perm[a], perm[b] = perm[b], perm[a]
    return _materialize(_permute_view(data, perm), out)


def _flip(data, axis=REQUIRED, out=None):
    nd = data.ndim
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    shape, strides = list(data.shape), list(data.strides)
    offset = 0
    for a in set(_axis(a, nd, "flip") for a in axes):
        if shape[a] > 0:
            offset += (shape[a] - 1) * strides[a]
        strides[a] = -strides[a]
    return _materialize(_c.as_strided(data, tuple(shape), tuple(strides), offset), out)


def _expand_dims(data, axis=REQUIRED, out=None):
    nd = data.ndim
    if axis < -nd - 1 or axis > nd:
        raise MXNetIndexError("Operator expand_dims: axis %d is out of range for an array of %d dimensions"
                              % (axis, nd))
    a = axis % (nd + 1)
    return _materialize(_c.reshape(data, data.shape[:a] + (1,) + data.shape[a:]), out)


def _squeeze(data, axis=None, out=None):
    shape = data.shape
    if axis is None:
        keep = [d for d in shape if d != 1]
    else:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        drop = set()
        for a in axes:
            a = _axis(a, len(shape), "squeeze")
            if shape[a] != 1:
                raise MXNetValueError("Operator squeeze: cannot select axis %d of shape %s: its size is not 1"
                                      % (a, shape))
            drop.add(a)
        keep = [d for i, d in enumerate(shape) if i not in drop]
    return _materialize(_c.reshape(data, tuple(keep) or (1,)), out)


def _flatten(data, out=None):
    shape = data.shape
    if not shape:
        new = (1, 1)
    else:
        new = (shape[0], int(np.prod(shape[1:], dtype=np.int64)))
    return _materialize(_c.reshape(data, new), out)


# ---- repetition and broadcasting --------------------------------------------------------------

def _tile(data, reps=REQUIRED, out=None):
    reps = tuple(reps)
    if any(r < 0 for r in reps):
        raise MXNetValueError("Operator tile: reps %s must be non-negative" % (reps,))
    shape, strides = data.shape, data.strides
    nd = max(len(reps), len(shape))
    reps = (1,) * (nd - len(reps)) + reps
    shape = (1,) * (nd - len(shape)) + shape
    strides = (0,) * (nd - len(strides)) + strides
    vshape, vstrides = [], []
    for r, d, s in zip(reps, shape, strides):
        vshape += [r, d]
        vstrides += [0, s]
    view = _c.as_strided(data, tuple(vshape), tuple(vstrides), 0)
    res = _c.reshape(_copy(view), tuple(r * d for r, d in zip(reps, shape)) or (1,))
    return write_out(res, out)


def _repeat(data, repeats=REQUIRED, axis=None, out=None):
    if repeats < 0:
        raise MXNetValueError("Operator repeat: repeats must be non-negative, got %d" % repeats)
    if axis is None:
        data = _c.reshape(data, (data.size,))
        axis = 0
    a = _axis(axis, data.ndim, "repeat")
    shape, strides = data.shape, data.strides
    view = _c.as_strided(data, shape[:a + 1] + (repeats,) + shape[a + 1:],
                         strides[:a + 1] + (0,) + strides[a + 1:], 0)
    res = _c.reshape(_copy(view), shape[:a] + (shape[a] * repeats,) + shape[a + 1:])
    return write_out(res, out)


def _broadcast_view(x, target, opname):
    """View of x broadcast (same ndim) to target; dims must be equal or 1."""
    shape, strides = x.shape, x.strides
    st = []
    for i, (d, t) in enumerate(zip(shape, target)):
        if d == t:
            st.append(strides[i])
        elif d == 1:
            st.append(0)
        else:
            raise MXNetValueError("Operator %s: array of shape %s cannot be broadcast to %s"
                                  % (opname, shape, tuple(target)))
    return _c.as_strided(x, tuple(target), tuple(st), 0)


def _broadcast_to(data, shape=REQUIRED, out=None):
    shape = tuple(shape)
    if len(shape) != data.ndim:
        raise MXNetValueError("Operator broadcast_to: operand of shape %s cannot be broadcast to %s "
                              "(the number of dimensions must match)" % (data.shape, shape))
    if any(t < 0 for t in shape):
        raise MXNetValueError("Operator broadcast_to: invalid target shape %s" % (shape,))
    target = tuple(d if t == 0 else t for d, t in zip(data.shape, shape))
    return _materialize(_broadcast_view(data, target, "broadcast_to"), out)


def _broadcast_axis(data, axis=(), size=(), out=None):
    axes = (axis,) if isinstance(axis, int) else tuple(axis or ())
    sizes = (size,) if isinstance(size, int) else tuple(size or ())
    if len(axes) != len(sizes):
        raise MXNetValueError("Operator broadcast_axis: axis %s and size %s must have the same length"
                              % (axes, sizes))
    target = list(data.shape)
    for a, s in zip(axes, sizes):
        a = _axis(a, data.ndim, "broadcast_axis")
        if data.shape[a] != 1:
            raise MXNetValueError("Operator broadcast_axis: axis %d of shape %s must have size 1"
                                  % (a, data.shape))
        target[a] = s
    return _materialize(_broadcast_view(data, tuple(target), "broadcast_axis"), out)


def _broadcast_like(lhs, rhs, lhs_axes=None, rhs_axes=None, out=None):
    if lhs_axes is None and rhs_axes is None:
        if lhs.ndim != rhs.ndim:
            raise MXNetValueError("Operator broadcast_like: shapes %s and %s have different numbers of "
                                  "dimensions" % (lhs.shape, rhs.shape))
        target = rhs.shape
    else:
        la = (lhs_axes,) if isinstance(lhs_axes, int) else tuple(lhs_axes or ())
        ra = (rhs_axes,) if isinstance(rhs_axes, int) else tuple(rhs_axes or ())
        if len(la) != len(ra) or not la:
            raise MXNetValueError("Operator broadcast_like: lhs_axes %s and rhs_axes %s must be non-empty "
                                  "and of the same length" % (la, ra))
        target = list(lhs.shape)
        for a, b in zip(la, ra):
            target[_axis(a, lhs.ndim, "broadcast_like", "lhs_axes")] = rhs.shape[
                _axis(b, rhs.ndim, "broadcast_like", "rhs_axes")]
    return _materialize(_broadcast_view(lhs, tuple(target), "broadcast_like"), out)


# ---- joining and splitting ---------------------------------------------------------------

def _check_join(data, opname):
    if not data:
        raise MXNetValueError("Operator %s: needs at least one input" % opname)
    x0 = data[0]
    for i, x in enumerate(data[1:], 1):
        if x.dtype != x0.dtype:
            raise MXNetTypeError("Operator %s: non-uniform data types: input 0 is %s, input %d is %s"
                                 % (opname, np.dtype(x0.dtype).name, i, np.dtype(x.dtype).name))
    return x0


def _concat(*data, dim=1, num_args=None, out=None):
    x0 = _check_join(data, "concat")
    nd = x0.ndim
    d = _axis(dim, nd, "concat", "dim")
    total = 0
    for i, x in enumerate(data):
        if x.ndim != nd or any(x.shape[k] != x0.shape[k] for k in range(nd) if k != d):
            raise MXNetValueError("Operator concat: incompatible input shape: input 0 is %s, input %d is %s "
                                  "(only dim %d may differ)" % (x0.shape, i, x.shape, d))
        total += x.shape[d]
    oshape = x0.shape[:d] + (total,) + x0.shape[d + 1:]
    res = _c.empty(oshape, x0.dtype, x0.context) if out is None else out
    if out is not None and tuple(out.shape) != oshape:
        raise MXNetValueError("Operator concat: out has shape %s, expected %s" % (out.shape, oshape))
    st = res.strides
    pos = 0
    for x in data:
        n = x.shape[d]
        if n and x.size:
            part = _c.as_strided(res, x.shape, st, pos * st[d])
            _c.copyto(part, x, "concat")
        pos += n
    return res


def _stack(*data, axis=0, num_args=None, out=None):
    x0 = _check_join(data, "stack")
    nd = x0.ndim
    a = axis
    if a < -nd - 1 or a > nd:
        raise MXNetIndexError("Operator stack: axis %d is out of range for %d-D inputs" % (axis, nd))
    a %= nd + 1
    for i, x in enumerate(data):
        if x.shape != x0.shape:
            raise MXNetValueError("Operator stack: all inputs must have the same shape: input 0 is %s, "
                                  "input %d is %s" % (x0.shape, i, x.shape))
    oshape = x0.shape[:a] + (len(data),) + x0.shape[a:]
    res = _c.empty(oshape, x0.dtype, x0.context) if out is None else out
    if out is not None and tuple(out.shape) != oshape:
        raise MXNetValueError("Operator stack: out has shape %s, expected %s" % (out.shape, oshape))
    st = res.strides
    vstrides = st[:a] + st[a + 1:]
    for i, x in enumerate(data):
        if x.size:
            _c.copyto(_c.as_strided(res, x0.shape, vstrides, i * st[a]), x, "stack")
    return res


def _split(data, num_outputs=REQUIRED, axis=1, squeeze_axis=False, out=None):
    nd = data.ndim
    a = _axis(axis, nd, "split")
    n = data.shape[a]
    if num_outputs < 1:
        raise MXNetValueError("Operator split: num_outputs must be positive, got %d" % num_outputs)
    if n % num_outputs:
        raise MXNetValueError("Operator split: cannot split axis %d of shape %s into %d evenly sized chunks"
                              % (a, data.shape, num_outputs))
    if squeeze_axis and n != num_outputs:
        raise MXNetValueError("Operator split: squeeze_axis needs num_outputs == the axis size (%d vs %d)"
                              % (num_outputs, n))
    k = n // num_outputs
    shape, st = data.shape, data.strides
    outs = []
    for i in range(num_outputs):
        if squeeze_axis:
            vshape, vst = shape[:a] + shape[a + 1:], st[:a] + st[a + 1:]
            if not vshape:
                vshape, vst = (1,), (1,)
        else:
            vshape, vst = shape[:a] + (k,) + shape[a + 1:], st
        outs.append(_copy(_c.as_strided(data, vshape, vst, i * k * st[a])))
    if out is not None:
        for o, r in zip(out if isinstance(out, (list, tuple)) else [out], outs):
            _c.copyto(o, r)
        return out
    return outs[0] if num_outputs == 1 else outs


# ---- slicing ---------------------------------------------------------------------------------

def _tuple_or_none(v, opname, attr):
    if v is None:
        return ()
    if isinstance(v, str):
        import ast
        v = ast.literal_eval(v.replace("None", "None"))
    if isinstance(v, (int, np.integer)) or v is None:
        v = (v,)
    return tuple(None if d is None else int(d) for d in v)


def _slice_view(data, begin, end, step, opname):
    begin = _tuple_or_none(begin, opname, "begin")
    end = _tuple_or_none(end, opname, "end")
    step = _tuple_or_none(step, opname, "step")
    nd = data.ndim
    if len(begin) != len(end):
        raise MXNetValueError("Operator %s: begin %s and end %s must have the same length" % (opname, begin, end))
    if len(begin) > nd:
        raise MXNetValueError("Operator %s: slicing %d axes exceeds the %d dimensions of shape %s"
                              % (opname, len(begin), nd, data.shape))
    if step and len(step) != len(begin):
        raise MXNetValueError("Operator %s: step %s must have the length of begin %s" % (opname, step, begin))
    shape, strides = list(data.shape), list(data.strides)
    offset = 0
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
        length = len(range(start, stop, stp))
        if length:
            offset += start * strides[i]
        shape[i] = length
        strides[i] = strides[i] * stp
    return _c.as_strided(data, tuple(shape), tuple(strides), offset)


def _slice(data, begin=REQUIRED, end=REQUIRED, step=(), out=None):
    return _materialize(_slice_view(data, begin, end, step, "slice"), out)


def _slice_axis(data, axis=REQUIRED, begin=REQUIRED, end=None, out=None):
    a = _axis(axis, data.ndim, "slice_axis")
    n = data.shape[a]
    b = begin + n if begin < 0 else begin
    e = n if end is None else (end + n if end < 0 else end)
    if not (0 <= b <= n) or not (0 <= e <= n) or e < b:
        raise MXNetValueError("Operator slice_axis: invalid begin=%s, end=%s for axis %d of size %d"
                              % (begin, end, a, n))
    shape, strides = list(data.shape), data.strides
    shape[a] = e - b
    return _materialize(_c.as_strided(data, tuple(shape), strides, b * strides[a] if e > b else 0), out)


def _slice_like(data, shape_like, axes=(), out=None):
    nd = data.ndim
    if not axes:
        if shape_like.ndim != nd:
            raise MXNetValueError("Operator slice_like: shapes %s and %s have different numbers of dimensions"
                                  % (data.shape, shape_like.shape))
        axes = range(nd)
    axes = (axes,) if isinstance(axes, int) else axes
    shape = list(data.shape)
    for a in axes:
        a = _axis(a, nd, "slice_like")
        if a >= shape_like.ndim:
            raise MXNetValueError("Operator slice_like: axis %d exceeds the dimensions of shape_like %s"
                                  % (a, shape_like.shape))
        if shape_like.shape[a] > shape[a]:
            raise MXNetValueError("Operator slice_like: shape_like %s is larger than data %s on axis %d"
                                  % (shape_like.shape, data.shape, a))
        shape[a] = shape_like.shape[a]
    return _materialize(_c.as_strided(data, tuple(shape), data.strides, 0), out)


# ---- pad ---------------------------------------------------------------------------------

_MAX_NDIM = 16
_PAD = struct.Struct("=iid%dq" % _MAX_NDIM)  # gx_pad_attrs
_PAD_MODES = {"constant": 0, "edge": 1, "reflect": 2}


def _pad(data, mode="constant", pad_width=REQUIRED, constant_value=0.0, out=None):
    nd = data.ndim
    if pad_width is None:
        raise MXNetTypeError("Operator pad: missing required attribute 'pad_width'")
    pw = tuple(pad_width)
    if len(pw) != 2 * nd:
        raise MXNetValueError("Operator pad: pad_width %s must have 2 * ndim = %d entries for shape %s"
                              % (pw, 2 * nd, data.shape))
    if any(p < 0 for p in pw):
        raise MXNetValueError("Operator pad: pad_width %s must be non-negative" % (pw,))
    before = pw[0::2]
    after = pw[1::2]
    if mode != "constant":
        for i in range(nd):
            if (before[i] or after[i]) and data.shape[i] == 0:
                raise MXNetValueError("Operator pad: cannot pad an empty axis %d in mode %r" % (i, mode))
    oshape = tuple(d + b + a for d, b, a in zip(data.shape, before, after))
    res = _c.empty(oshape, data.dtype, data.context)
    if res.size:
        attrs = _PAD.pack(_PAD_MODES[mode], 0, float(constant_value), *(before + (0,) * (_MAX_NDIM - nd)))
        _c.launch("pad", [data], [res], attrs, "pad")
    return write_out(res, out)


# ---- depth_to_space / space_to_depth -----------------------------------------------------

def _depth_to_space(data, block_size=REQUIRED, out=None):
    if data.ndim != 4:
        raise MXNetValueError("Operator depth_to_space: expects a 4-D input, got shape %s" % (data.shape,))
    n, c, h, w = data.shape
    b = block_size
    if b <= 0 or c % (b * b):
        raise MXNetValueError("Operator depth_to_space: channels %d not divisible by block_size^2 = %d"
                              % (c, b * b))
    x = _c.reshape(data, (n, b, b, c // (b * b), h, w))
    x = _permute_view(x, (0, 3, 4, 1, 5, 2))
    return write_out(_c.reshape(_copy(x), (n, c // (b * b), h * b, w * b)), out)


def _space_to_depth(data, block_size=REQUIRED, out=None):
    if data.ndim != 4:
        raise MXNetValueError("Operator space_to_depth: expects a 4-D input, got shape %s" % (data.shape,))
    n, c, h, w = data.shape
    b = block_size
    if b <= 0 or h % b or w % b:
        raise MXNetValueError("Operator space_to_depth: height %d and width %d must be divisible by block_size %d"
                              % (h, w, b))
    x = _c.reshape(data, (n, c, h // b, b, w // b, b))
    x = _permute_view(x, (0, 3, 5, 1, 2, 4))
    return write_out(_c.reshape(_copy(x), (n, c * b * b, h // b, w // b)), out)


# ---- registration -----------------------------------------------------------------------------

class _VarargAxesOp(OpDef):
    """transpose(x, 1, 0) / x.transpose(1, 0): extra integer positional arguments are the axes (a gap in
    MXNet that gluonx fills)."""

    def bind(self, args, kwargs):
        n = len(self.inputs)
        extra = args[n:]
        if len(extra) > 1 or (len(extra) == 1 and isinstance(extra[0], (int, np.integer))):
            if all(isinstance(a, (int, np.integer)) for a in extra):
                args = args[:n] + (tuple(int(a) for a in extra),)
        return super().bind(args, kwargs)


_AXIS_REQ = Attr("axis", "axis", REQUIRED, "Axis.")

register(OpDef("reshape", _reshape,
               attrs=(Attr("shape", "shape", None, "Target shape with MXNet's codes 0, -1, -2, -3, -4."),
                      Attr("reverse", "bool", False, "Match the codes right to left."),
                      Attr("target_shape", "shape", None, "Deprecated."),
                      Attr("keep_highest", "bool", False, "Deprecated.")),
               aliases=("Reshape",),
               doc="Reshapes to `shape` (a copy; NDArray.reshape is a view).\n\n"
                   ">>> mx.nd.reshape(mx.nd.zeros((2, 3, 4)), shape=(0, -1)).shape\n(2, 12)"))
register(OpDef("reshape_like", _reshape_like, inputs=("lhs", "rhs"),
               attrs=(Attr("lhs_begin", "int", None), Attr("lhs_end", "int", None),
                      Attr("rhs_begin", "int", None), Attr("rhs_end", "int", None)),
               doc="Reshapes lhs to the shape of rhs (or of a range of its axes)."))
register(_VarargAxesOp("transpose", _transpose, attrs=(Attr("axes", "shape", (), "Permutation (default: reverse)."),),
                       method="transpose",
                       doc="Permutes the axes.\n\n>>> mx.nd.transpose(mx.nd.zeros((2, 3))).shape\n(3, 2)"))
register(OpDef("swapaxes", _swapaxes, attrs=(Attr("dim1", "int", 0), Attr("dim2", "int", 0)),
               aliases=("SwapAxis",), method="swapaxes",
               doc="Swaps two axes.\n\n>>> mx.nd.swapaxes(mx.nd.zeros((2, 3, 4)), 0, 2).shape\n(4, 3, 2)"))
register(OpDef("expand_dims", _expand_dims, attrs=(Attr("axis", "int", REQUIRED),), method="expand_dims",
               doc="Inserts an axis of size 1.\n\n>>> mx.nd.expand_dims(mx.nd.zeros((2, 3)), 1).shape\n(2, 1, 3)"))
register(OpDef("squeeze", _squeeze, attrs=(Attr("axis", "axis", None),), method="squeeze",
               doc="Removes axes of size 1 (all, or those in `axis`)."))
register(OpDef("flatten", _flatten, aliases=("Flatten",), method="flatten",
               doc="Collapses all axes but the first.\n\n>>> mx.nd.flatten(mx.nd.zeros((2, 3, 4))).shape\n(2, 12)"))
register(OpDef("flip", _flip, attrs=(_AXIS_REQ,), aliases=("reverse",), method="flip",
               doc="Reverses the order of elements along `axis`."))
register(OpDef("tile", _tile, attrs=(Attr("reps", "shape", REQUIRED),), method="tile",
               doc="Repeats the whole array `reps` times per axis (NumPy's tile).\n\n"
                   ">>> mx.nd.tile(mx.nd.zeros((2, 3)), (2, 2)).shape\n(4, 6)"))
register(OpDef("repeat", _repeat, attrs=(Attr("repeats", "int", REQUIRED), Attr("axis", "int", None)),
               method="repeat", doc="Repeats each element `repeats` times (flattened when axis is None)."))
register(OpDef("pad", _pad,
               attrs=(Attr("mode", "str", "constant", choices=("constant", "edge", "reflect")),
                      Attr("pad_width", "shape", None, "Required: (before_0, after_0, before_1, after_1, ...)"),
                      Attr("constant_value", "float", 0.0)),
               aliases=("Pad",), method="pad",
               doc="Pads an array (any rank; MXNet supports 4-D/5-D with no padding on the first two axes).\n\n"
                   ">>> mx.nd.pad(mx.nd.zeros((1, 1, 2, 2)), pad_width=(0, 0, 0, 0, 1, 1, 1, 1)).shape\n(1, 1, 4, 4)"))
register(OpDef("concat", _concat, variadic=True,
               attrs=(Attr("dim", "int", 1), Attr("num_args", "int", None)), aliases=("Concat",),
               doc="Joins arrays along `dim`.\n\n>>> mx.nd.concat(mx.nd.zeros((2, 3)), mx.nd.zeros((2, 1))).shape\n(2, 4)"))
register(OpDef("stack", _stack, variadic=True, attrs=(Attr("axis", "int", 0), Attr("num_args", "int", None)),
               doc="Joins same-shaped arrays along a new axis."))
register(OpDef("split", _split,
               attrs=(Attr("num_outputs", "int", REQUIRED), Attr("axis", "int", 1),
                      Attr("squeeze_axis", "bool", False)),
               aliases=("SliceChannel",), method="split", num_outputs=-1,
               doc="Splits into `num_outputs` equal parts along `axis` (a list; one array when num_outputs=1)."))
register(OpDef("slice", _slice, attrs=(Attr("begin", "any", REQUIRED), Attr("end", "any", REQUIRED),
                                       Attr("step", "any", ())),
               aliases=("crop",), method="slice",
               doc="Slices with begin/end/step tuples (None entries take the defaults).\n\n"
                   ">>> mx.nd.slice(mx.nd.zeros((3, 4)), begin=(1, None), end=(3, None)).shape\n(2, 4)"))
register(OpDef("slice_axis", _slice_axis,
               attrs=(Attr("axis", "int", REQUIRED), Attr("begin", "int", REQUIRED), Attr("end", "int", None)),
               method="slice_axis", doc="Slices [begin, end) along one axis."))
register(OpDef("slice_like", _slice_like, inputs=("data", "shape_like"), attrs=(Attr("axes", "axis", ()),),
               method="slice_like", doc="Slices data to the shape of shape_like (on `axes`, default all)."))
register(OpDef("broadcast_to", _broadcast_to, attrs=(Attr("shape", "shape", REQUIRED),), method="broadcast_to",
               doc="Broadcasts size-1 axes to `shape` (0 keeps a dim).\n\n"
                   ">>> mx.nd.broadcast_to(mx.nd.zeros((1, 3)), shape=(4, 0)).shape\n(4, 3)"))
register(OpDef("broadcast_axis", _broadcast_axis, attrs=(Attr("axis", "axis", ()), Attr("size", "axis", ())),
               aliases=("broadcast_axes",), method=("broadcast_axis", "broadcast_axes"),
               doc="Broadcasts the size-1 axes `axis` to `size`."))
register(OpDef("broadcast_like", _broadcast_like, inputs=("lhs", "rhs"),
               attrs=(Attr("lhs_axes", "axis", None), Attr("rhs_axes", "axis", None)), method="broadcast_like",
               doc="Broadcasts lhs to the shape of rhs (or of the given axes)."))
register(OpDef("depth_to_space", _depth_to_space, attrs=(Attr("block_size", "int", REQUIRED),),
               method="depth_to_space", doc="Moves channel blocks into spatial blocks (DCR order)."))
register(OpDef("space_to_depth", _space_to_depth, attrs=(Attr("block_size", "int", REQUIRED),),
               method="space_to_depth", doc="Moves spatial blocks into channels (inverse of depth_to_space)."))
