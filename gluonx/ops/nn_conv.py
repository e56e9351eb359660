"""Convolution, Deconvolution and Pooling (MXNet 1.x semantics), 1-D to 3-D.

A convolution is three kernels, each one launch per op (backends/cpu/conv.c
runs them as im2col + GEMM over groups of images, split over the cores):
``conv_forward`` (Convolution), ``conv_transpose`` (its transpose in the
image: Deconvolution and Convolution's data gradient) and
``conv_weight_grad``.  ``_conv_weight_grad`` (data, grad) -> d(weight) is the
third product as an op; with Convolution and Deconvolution it closes the
gradient rules under differentiation (see nn_conv_grad.py).

The geometry rules (:func:`conv_params`, :func:`conv_out_spatial`,
:func:`deconv_params`, :func:`conv_weight_shape`, :func:`conv_data_grad_adj`,
:func:`pool_params`) are pure functions of shapes and attributes, and the one
place that encodes them: the shape rules, the gradient rules and the Gluon
layers use them.  Convolution and Deconvolution infer their weight and bias
shapes backwards from the data (MXNet's backward inference).

Layouts are MXNet's: channel-first (NCW, NCHW, NCDHW) and channel-last
(NHWC, NDHWC; Pooling also NWC), whose weights are (outer, *kernel, inner).
The kernels are channel-first; a channel-last op runs them between
transposes.

Pooling runs the ``pooling`` kernel; ``_backward_pooling`` (dy, x, y) -> dx is
its gradient as an ordinary op, and ``_pooling_max_pick`` (x, g) -> g at each
window's first maximum is the transpose of the max backward (second order).

>>> conv_weight_shape(3, 8, 1, (3, 3))
(8, 3, 3, 3)
>>> conv_out_spatial("Convolution", (9, 9), (3, 3), (2, 2), (1, 1), (1, 1))
(5, 5)
"""
from __future__ import annotations

import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import F, Attr, OpDef, register
from gluonx.ops.shape_rules import fill_dtype

_CONV = struct.Struct("=ii15q")  # gx_conv_attrs
_POOL = struct.Struct("=iiii9q")  # gx_pool_attrs
_CHANNEL_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
_CHANNEL_LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}
_POOL_TYPES = {"max": 0, "avg": 1, "sum": 2, "lp": 3}


# ---- geometry rules (pure: shapes and attributes) ----------------------------------------

def spatial_rank(opname: str, dshape: tuple, layout, pooling: bool = False) -> int:
    """The number of spatial axes (1, 2 or 3) of data in `layout` (None:
    channel-first).  NWC convolutions run too (MXNet has them for Pooling only)."""
    ndim = len(dshape)
    if ndim < 3 or ndim > 5:
        raise MXNetValueError("Operator %s: data must be 3-D (N, C, W), 4-D (N, C, H, W) or 5-D "
                              "(N, C, D, H, W), got shape %s" % (opname, tuple(dshape)))
    nsp = ndim - 2
    valid = (_CHANNEL_FIRST[nsp], _CHANNEL_LAST[nsp])
    if layout is not None and layout not in valid:
        raise MXNetValueError("Operator %s: layout %r does not fit %d-D data %s (expected %s)"
                              % (opname, layout, ndim, tuple(dshape), " or ".join(valid)))
    return nsp


def is_channel_last(layout) -> bool:
    return layout is not None and layout[-1] == "C"


def channel_first_shape(shape: tuple, layout) -> tuple:
    """The channel-first arrangement (N, C, *spatial) of a shape in `layout`."""
    s = tuple(shape)
    return s[:1] + s[-1:] + s[1:-1] if is_channel_last(layout) else s


def layout_shape(cf_shape: tuple, layout) -> tuple:
    """A channel-first shape (N, C, *spatial) arranged in `layout`."""
    s = tuple(cf_shape)
    return s[:1] + s[2:] + s[1:2] if is_channel_last(layout) else s


def _tup(v, nsp, default, what, opname):
    if v is None or len(v) == 0:
        return (default,) * nsp
    if len(v) != nsp:
        raise MXNetValueError("Operator %s: %s %s must have %d entries for %d-D spatial data"
                              % (opname, what, v, nsp, nsp))
    return tuple(int(e) for e in v)


def conv_params(opname: str, dshape: tuple, kernel, stride=(), dilate=(), pad=()) -> tuple:
    """(kernel, stride, dilate, pad) normalised for the spatial rank of `dshape`
    (empty stride/dilate/pad: 1, 1, 0 on every axis)."""
    nsp = len(dshape) - 2
    if kernel is None or len(kernel) != nsp:
        raise MXNetValueError("Operator %s: kernel %s must have %d entries for data of shape %s"
                              % (opname, kernel, nsp, tuple(dshape)))
    kernel = tuple(int(k) for k in kernel)
    stride = _tup(stride, nsp, 1, "stride", opname)
    dilate = _tup(dilate, nsp, 1, "dilate", opname)
    pad = _tup(pad, nsp, 0, "pad", opname)
    if min(kernel) < 1 or min(stride) < 1 or min(dilate) < 1 or min(pad) < 0:
        raise MXNetValueError("Operator %s: kernel %s, stride %s and dilate %s must be positive and "
                              "pad %s non-negative" % (opname, kernel, stride, dilate, pad))
    _check_geometry_limit(opname, kernel + stride + dilate + pad)
    return kernel, stride, dilate, pad


def _check_geometry_limit(opname: str, values: tuple) -> None:
    """Kernel, stride, dilation and padding go to the kernels as int64 (struct "q"): a larger
    value would be a bare struct.error, and no extent past 2^62 fits in memory anyway."""
    if values and max(values) > 2 ** 62:
        raise MXNetValueError("Operator %s: kernel, stride, dilate and pad must be at most 2^62, got %d"
                              % (opname, max(values)))


def conv_out_spatial(opname: str, insp: tuple, kernel, stride, dilate, pad) -> tuple:
    """The spatial output extent of a convolution of an input of spatial extent `insp`."""
    out = []
    for i, (n, k, s, d, p) in enumerate(zip(insp, kernel, stride, dilate, pad)):
        dk = d * (k - 1) + 1
        if dk > n + 2 * p:
            raise MXNetValueError("Operator %s: kernel size exceeds input on spatial axis %d: dilated "
                                  "kernel %d > input %d padded to %d" % (opname, i, dk, n, n + 2 * p))
        out.append((n + 2 * p - dk) // s + 1)
    return tuple(out)


def deconv_params(opname: str, dshape: tuple, kernel, stride=(), dilate=(), pad=(), adj=(),
                  target_shape=()) -> tuple:
    """(kernel, stride, dilate, pad, adj, output spatial extent) of a transposed
    convolution; a non-zero target_shape decides pad and adj (as in MXNet)."""
    kernel, stride, dilate, pad = conv_params(opname, dshape, kernel, stride, dilate, pad)
    nsp = len(kernel)
    adj = _tup(adj, nsp, 0, "adj", opname)
    insp = tuple(dshape[2:])
    if target_shape and any(t != 0 for t in target_shape):
        ts = _tup(target_shape, nsp, 0, "target_shape", opname)
        pads, adjs = [], []
        for i in range(nsp):
            full = stride[i] * (insp[i] - 1) + dilate[i] * (kernel[i] - 1) + 1
            if full < ts[i]:
                raise MXNetValueError("Operator %s: target_shape %s is too big for data %s"
                                      % (opname, ts, tuple(dshape)))
            tot = full - ts[i]
            adjs.append(tot % 2)
            pads.append((tot + 1) // 2)
        pad, adj = tuple(pads), tuple(adjs)
    for i in range(nsp):
        if adj[i] < 0 or adj[i] >= stride[i]:
            raise MXNetValueError("Operator %s: adj %s must be smaller than stride %s" % (opname, adj, stride))
    osp = tuple(stride[i] * (insp[i] - 1) + dilate[i] * (kernel[i] - 1) + 1 - 2 * pad[i] + adj[i]
                for i in range(nsp))
    if min(osp) < 1:
        raise MXNetValueError("Operator %s: output shape %s is empty for data %s"
                              % (opname, osp, tuple(dshape)))
    return kernel, stride, dilate, pad, adj, osp


def conv_weight_shape(channels: int, num_filter: int, num_group: int, kernel: tuple,
                      transposed: bool = False, layout=None) -> tuple:
    """The weight of a convolution of `channels` input channels: (num_filter,
    channels / num_group, *kernel); transposed (Deconvolution): (channels,
    num_filter / num_group, *kernel).  Channel-last layouts put the second
    axis last."""
    if transposed:
        shape = (channels, num_filter // num_group) + tuple(kernel)
    else:
        shape = (num_filter, channels // num_group) + tuple(kernel)
    return layout_shape(shape, layout)


def conv_data_grad_adj(xshape: tuple, yshape: tuple, kernel, stride, dilate, pad) -> tuple:
    """The adj that makes the transposed convolution of an output of shape
    `yshape` come back to the input shape `xshape` (Convolution's data gradient)."""
    return tuple(n - (s * (o - 1) + d * (k - 1) + 1 - 2 * p)
                 for n, o, k, s, d, p in zip(xshape[2:], yshape[2:], kernel, stride, dilate, pad))


def _check_groups(opname, C, nf, G, dshape):
    if G < 1 or C % G or nf % G:
        raise MXNetValueError("Operator %s: num_group=%d must divide the %d input channels of data %s "
                              "and num_filter=%d" % (opname, G, C, tuple(dshape), nf))


def _check_dtype(opname, dtypes, i, what):
    """Input i's dtype (filled from the data's when unknown) must be the data's."""
    fill_dtype(dtypes, i, dtypes[0])
    if dtypes[i] != dtypes[0]:
        raise MXNetTypeError("Operator %s: %s dtype %s differs from data dtype %s"
                             % (opname, what, dtypes[i], dtypes[0]))


# ---- Convolution and Deconvolution: shape rules --------------------------------------------

def _conv_like_infer(op, a, shapes, dtypes, transposed):
    layout = a["layout"]
    given = tuple(shapes[0])
    spatial_rank(op, given, layout)
    ds = channel_first_shape(given, layout)
    if transposed:
        kernel, stride, dilate, pad, adj, osp = deconv_params(op, ds, a["kernel"], a["stride"], a["dilate"],
                                                              a["pad"], a["adj"], a["target_shape"])
    else:
        kernel, stride, dilate, pad = conv_params(op, ds, a["kernel"], a["stride"], a["dilate"], a["pad"])
    C, nf, G = ds[1], a["num_filter"], a["num_group"]
    if nf is None or nf < 1:
        raise MXNetValueError("Operator %s: num_filter must be a positive integer, got %s" % (op, nf))
    _check_groups(op, C, nf, G, given)
    want = conv_weight_shape(C, nf, G, kernel, transposed, layout)
    if shapes[1] is None:  # backward inference of the weight
        shapes[1] = want
    elif tuple(shapes[1]) != want:
        desc = "channels, num_filter / num_group" if transposed else "num_filter, channels / num_group"
        if is_channel_last(layout):
            outer, inner = desc.split(", ")
            desc = "%s, *kernel, %s" % (outer, inner)
        else:
            desc += ", *kernel"
        raise MXNetValueError("Operator %s: weight has shape %s, expected %s (%s) for data %s%s"
                              % (op, tuple(shapes[1]), want, desc, given,
                                 " in layout %s" % layout if layout else ""))
    _check_dtype(op, dtypes, 1, "weight")
    if not a["no_bias"] and len(shapes) > 2:
        if shapes[2] is None:
            shapes[2] = (nf,)
        elif tuple(shapes[2]) != (nf,):
            raise MXNetValueError("Operator %s: bias must have shape (%d,), got %s" % (op, nf, tuple(shapes[2])))
        _check_dtype(op, dtypes, 2, "bias")
    if not transposed:
        osp = conv_out_spatial(op, ds[2:], kernel, stride, dilate, pad)
    return [layout_shape((ds[0], nf) + tuple(osp), layout)], [dtypes[0]]


def _conv_infer(a, shapes, dtypes):
    return _conv_like_infer("Convolution", a, shapes, dtypes, transposed=False)


def _deconv_infer(a, shapes, dtypes):
    return _conv_like_infer("Deconvolution", a, shapes, dtypes, transposed=True)


def _conv_input_names(a):
    return ("data", "weight") if a["no_bias"] else ("data", "weight", "bias")


# ---- kernel attributes, bias -------------------------------------------------------------

def _cattrs(kernel, stride, dilate, pad, out, groups=1):
    z = (0,) * (3 - len(kernel))
    return _CONV.pack(len(kernel), groups, *(tuple(kernel) + z), *(tuple(stride) + z),
                      *(tuple(dilate) + z), *(tuple(pad) + z), *(tuple(out) + z))


def _check_bias(opname, bias, no_bias, nf):
    # the rule fills an unknown bias shape; an eager call must still pass one
    if not no_bias and bias is None:
        raise MXNetValueError("Operator %s: no_bias=False needs a bias input of shape (%d,)" % (opname, nf))


def _add_bias(opname, out, bias, nf):
    b = _c.reshape(bias, (1, nf) + (1,) * (out.ndim - 2))
    _c.binary("add", out, b, out=out, opname=opname)


# ---- channel-last layouts: the channel-first kernels between transposes ----------------

def to_channel_first(x, layout):
    """x (data or weight) in `layout` as a channel-first array (an op: differentiable)."""
    if not is_channel_last(layout):
        return x
    return F.transpose(x, axes=(0, x.ndim - 1) + tuple(range(1, x.ndim - 1)))


def from_channel_first(x, layout):
    """The inverse of :func:`to_channel_first`."""
    if not is_channel_last(layout):
        return x
    return F.transpose(x, axes=(0,) + tuple(range(2, x.ndim)) + (1,))


def _cf_target(out, layout):
    """Where a channel-first kernel writes: `out`, or a channel-first temporary."""
    if not is_channel_last(layout):
        return out
    return _c.empty(channel_first_shape(out.shape, layout), out.dtype, out.context)


def _finish(out, target, layout):
    if target is not out:
        F.transpose(target, axes=(0,) + tuple(range(2, target.ndim)) + (1,), out=out)


# ---- Convolution / Deconvolution / _conv_weight_grad: compute -------------------------------

def _convolution(data, weight, bias=None, *, out, kernel=None, stride=(), dilate=(), pad=(), num_filter=None,
                 num_group=1, workspace=1024, no_bias=False, cudnn_tune=None, cudnn_off=False, layout=None):
    op = "Convolution"
    _check_bias(op, bias, no_bias, num_filter)
    x, w, o = to_channel_first(data, layout), to_channel_first(weight, layout), _cf_target(out, layout)
    kernel, stride, dilate, pad = conv_params(op, x.shape, kernel, stride, dilate, pad)
    if o.size:
        _c.launch("conv_forward", [_c.contiguous(x), _c.contiguous(w)], [o],
                  _cattrs(kernel, stride, dilate, pad, o.shape[2:], num_group), op)
    if not no_bias:
        _add_bias(op, o, bias, num_filter)
    _finish(out, o, layout)


def _deconvolution(data, weight, bias=None, *, out, kernel=None, stride=(), dilate=(), pad=(), adj=(),
                   target_shape=(), num_filter=None, num_group=1, workspace=512, no_bias=True,
                   cudnn_tune=None, cudnn_off=False, layout=None):
    """out (the image side) = the transpose of conv(out, weight) applied to data."""
    op = "Deconvolution"
    _check_bias(op, bias, no_bias, num_filter)
    x, w, o = to_channel_first(data, layout), to_channel_first(weight, layout), _cf_target(out, layout)
    kernel, stride, dilate, pad, _, _ = deconv_params(op, x.shape, kernel, stride, dilate, pad, adj,
                                                      target_shape)
    if o.size:
        _c.launch("conv_transpose", [_c.contiguous(x), _c.contiguous(w)], [o],
                  _cattrs(kernel, stride, dilate, pad, x.shape[2:], num_group), op)
    if not no_bias:
        _add_bias(op, o, bias, num_filter)
    _finish(out, o, layout)


def _conv_weight_grad_infer(a, shapes, dtypes):
    op = "_conv_weight_grad"
    ds, gs = tuple(shapes[0]), tuple(shapes[1])
    spatial_rank(op, ds, None)
    kernel, stride, dilate, pad = conv_params(op, ds, a["kernel"], a["stride"], a["dilate"], a["pad"])
    N, C = ds[:2]
    if len(gs) != len(ds) or gs[0] != N:
        raise MXNetValueError("Operator %s: grad %s does not match data %s" % (op, gs, ds))
    _check_dtype(op, dtypes, 1, "grad")
    nf, G = gs[1], a["num_group"]
    _check_groups(op, C, nf, G, ds)
    full = conv_out_spatial(op, ds[2:], kernel, stride, dilate, pad)
    if any(o > f for o, f in zip(gs[2:], full)):
        raise MXNetValueError("Operator %s: grad %s is larger than the convolution output %s"
                              % (op, gs, full))
    return [conv_weight_shape(C, nf, G, kernel)], [dtypes[0]]


def _conv_weight_grad_op(data, grad, out, kernel=None, stride=(), dilate=(), pad=(), num_group=1):
    op = "_conv_weight_grad"
    kernel, stride, dilate, pad = conv_params(op, data.shape, kernel, stride, dilate, pad)
    _c.launch("conv_weight_grad", [_c.contiguous(data), _c.contiguous(grad)], [out],
              _cattrs(kernel, stride, dilate, pad, grad.shape[2:], num_group), op)


# ---- Pooling ----------------------------------------------------------------------------

def pool_params(op: str, dshape: tuple, kernel, pool_type="max", global_pool=False,
                pooling_convention="valid", stride=(), pad=(), p_value=None, count_include_pad=None,
                layout=None) -> tuple:
    """(output spatial extent, kernel, stride, pad, p, count_include_pad) of a
    pooling of data of shape `dshape` (in `layout`)."""
    nsp = spatial_rank(op, dshape, layout, pooling=True)
    insp = channel_first_shape(dshape, layout)[2:]
    if global_pool:
        kernel, stride, pad = insp, (1,) * nsp, (0,) * nsp
        osp = (1,) * nsp
    else:
        if kernel is None or len(kernel) != nsp:
            raise MXNetValueError("Operator %s: kernel %s must have %d entries for data of shape %s"
                                  % (op, kernel, nsp, tuple(dshape)))
        kernel = tuple(int(k) for k in kernel)
        stride = _tup(stride, nsp, 1, "stride", op)
        pad = _tup(pad, nsp, 0, "pad", op)
        if min(kernel) < 1 or min(stride) < 1 or min(pad) < 0:
            raise MXNetValueError("Operator %s: kernel %s and stride %s must be positive and pad %s "
                                  "non-negative" % (op, kernel, stride, pad))
        _check_geometry_limit(op, kernel + stride + pad)
        osp = []
        if pooling_convention == "same":
            pads = []
            for n, k, s in zip(insp, kernel, stride):
                o = -(-n // s)
                osp.append(o)
                pads.append(max((o - 1) * s + k - n, 0) // 2)
            pad = tuple(pads)
        else:
            for i, (n, k, s, p) in enumerate(zip(insp, kernel, stride, pad)):
                if k > n + 2 * p:
                    raise MXNetValueError("Operator %s: kernel size (%d) exceeds input (%d padded to %d) "
                                          "on spatial axis %d" % (op, k, n, n + 2 * p, i))
                osp.append(1 + ((n + 2 * p - k) // s if pooling_convention == "valid"
                                else -(-(n + 2 * p - k) // s)))
        osp = tuple(osp)
    pv = 0
    if pool_type == "lp":
        pv = 2 if p_value is None else int(p_value)
        if pv not in (1, 2, 3):
            raise MXNetValueError("Operator %s: p value of %d is not supported yet (1, 2 or 3)" % (op, pv))
    cip = True if count_include_pad is None else bool(count_include_pad)
    return osp, kernel, stride, pad, pv, cip


def _pool_geometry(op, dshape, a):
    return pool_params(op, dshape, a.get("kernel"), a.get("pool_type", "max"), a.get("global_pool", False),
                       a.get("pooling_convention", "valid"), a.get("stride"), a.get("pad"),
                       a.get("p_value"), a.get("count_include_pad"), a.get("layout"))


def _pool_attrs(op, dshape, a) -> bytes:
    """The packed gx_pool_attrs of a pooling with (parsed) attributes `a`."""
    pool_type = a.get("pool_type", "max")
    osp, kernel, stride, pad, pv, cip = _pool_geometry(op, dshape, a)
    z = (0,) * (3 - len(kernel))
    return _POOL.pack(len(kernel), _POOL_TYPES[pool_type], int(cip), pv, *(kernel + z), *(stride + z),
                      *(pad + z))


def _pooled_shape(op, dshape, a):
    """The output shape of a pooling of data of shape `dshape` (in a["layout"])."""
    layout = a.get("layout")
    osp = _pool_geometry(op, dshape, a)[0]
    return layout_shape(channel_first_shape(dshape, layout)[:2] + osp, layout)


def _pooling_infer(a, shapes, dtypes):
    return [_pooled_shape("Pooling", tuple(shapes[0]), a)], [dtypes[0]]


def _pooling(data, out, **a):
    layout = a.get("layout")
    o = _cf_target(out, layout)
    if o.size:
        _c.launch("pooling", [_c.contiguous(to_channel_first(data, layout))], [o],
                  _pool_attrs("Pooling", data.shape, a), "Pooling")
    _finish(out, o, layout)


def _backward_pooling_infer(a, shapes, dtypes):
    op = "_backward_pooling"
    gs, ds, ys = (tuple(s) for s in shapes)
    yshape = _pooled_shape(op, ds, a)
    if gs != yshape or ys != yshape:
        raise MXNetValueError("Operator %s: grad %s and output %s must have the pooled shape %s of data %s"
                              % (op, gs, ys, yshape, ds))
    for i, what in ((0, "grad"), (2, "output")):
        if dtypes[i] != dtypes[1]:
            raise MXNetTypeError("Operator %s: %s dtype %s differs from data dtype %s"
                                 % (op, what, dtypes[i], dtypes[1]))
    return [ds], [dtypes[1]]


def _backward_pooling(grad, data, output, out, **a):
    op, layout = "_backward_pooling", a.get("layout")
    o = _cf_target(out, layout)
    if o.size:
        ins = [_c.contiguous(to_channel_first(x, layout)) for x in (grad, data, output)]
        _c.launch("pooling_backward", ins, [o], _pool_attrs(op, data.shape, a), op)
    _finish(out, o, layout)


def _pooling_max_pick_infer(a, shapes, dtypes):
    op = "_pooling_max_pick"
    ds, gs = tuple(shapes[0]), tuple(shapes[1])
    yshape = _pooled_shape(op, ds, dict(a, pool_type="max"))
    if gs != ds:
        raise MXNetValueError("Operator %s: grad %s must have data's shape %s" % (op, gs, ds))
    _check_dtype(op, dtypes, 1, "grad")
    return [yshape], [dtypes[0]]


def _pooling_max_pick(data, grad, out, **a):
    op, layout = "_pooling_max_pick", a.get("layout")
    o = _cf_target(out, layout)
    if o.size:
        ins = [_c.contiguous(to_channel_first(x, layout)) for x in (data, grad)]
        _c.launch("pooling_pick", ins, [o], _pool_attrs(op, data.shape, dict(a, pool_type="max")), op)
    _finish(out, o, layout)


# ---- definitions ------------------------------------------------------------------------

_KERNEL = Attr("kernel", "shape", None, "Window size, e.g. (3, 3).")
_STRIDE = Attr("stride", "shape", (), "Window stride per spatial axis (default 1).")
_DILATE = Attr("dilate", "shape", (), "Kernel dilation per spatial axis (default 1).")
_PADA = Attr("pad", "shape", (), "Zero padding per spatial axis (default 0).")
_NF = Attr("num_filter", "int", None, "Number of output channels.")
_NG = Attr("num_group", "int", 1, "Number of groups (channels are split into num_group groups).")
_LAYOUT = Attr("layout", "any", None, "NCW, NCHW, NCDHW or channel-last NHWC, NDHWC (Pooling: also NWC); "
                                       "None: channel-first.")
_CUDNN = (Attr("cudnn_tune", "any", None, "Accepted for MXNet compatibility."),
          Attr("cudnn_off", "bool", False, "Accepted for MXNet compatibility."))

register(OpDef(
    "Convolution", _convolution, infer=_conv_infer, inputs=("data", "weight", "bias"), optional=("bias",),
    infers_inputs=("weight", "bias"), input_names=_conv_input_names, workspace=True,
    attrs=(_KERNEL, _STRIDE, _DILATE, _PADA, _NF, _NG,
           Attr("workspace", "int", 1024, "Accepted for MXNet compatibility."),
           Attr("no_bias", "bool", False, "Whether to leave out the bias."), *_CUDNN, _LAYOUT),
    aliases=("convolution",),
    doc="N-d convolution (1-D NCW, 2-D NCHW or NHWC, 3-D NCDHW or NDHWC) with stride, dilation, padding "
        "and groups.\nweight: (num_filter, channels / num_group, *kernel) (channel-last: (num_filter, "
        "*kernel, channels / num_group)); bias: (num_filter,).\n\n"
        ">>> x = mx.nd.ones((1, 1, 4, 4)); w = mx.nd.ones((2, 1, 3, 3))\n"
        ">>> mx.nd.Convolution(x, w, kernel=(3, 3), num_filter=2, no_bias=True).shape\n(1, 2, 2, 2)"))

register(OpDef(
    "Deconvolution", _deconvolution, infer=_deconv_infer, inputs=("data", "weight", "bias"),
    optional=("bias",), infers_inputs=("weight", "bias"), input_names=_conv_input_names, workspace=True,
    attrs=(_KERNEL, _STRIDE, _DILATE, _PADA,
           Attr("adj", "shape", (), "Extra output size on the high side (smaller than stride)."),
           Attr("target_shape", "shape", (), "Output spatial shape (pad and adj are then computed)."),
           _NF, _NG, Attr("workspace", "int", 512, "Accepted for MXNet compatibility."),
           Attr("no_bias", "bool", True, "Whether to leave out the bias (MXNet's default: True)."),
           *_CUDNN, _LAYOUT),
    aliases=("deconvolution",),
    doc="Transposed convolution (the gradient of Convolution with respect to its data).\n"
        "weight: (channels, num_filter / num_group, *kernel).\n\n"
        ">>> x = mx.nd.ones((1, 1, 2, 2)); w = mx.nd.ones((1, 3, 3, 3))\n"
        ">>> mx.nd.Deconvolution(x, w, kernel=(3, 3), stride=(2, 2), num_filter=3).shape\n(1, 3, 5, 5)"))

register(OpDef(
    "_conv_weight_grad", _conv_weight_grad_op, infer=_conv_weight_grad_infer, inputs=("data", "grad"),
    workspace=True,
    attrs=(_KERNEL, _STRIDE, _DILATE, _PADA, _NG),
    doc="Weight gradient of Convolution: sum over the batch of grad @ im2col(data)^T per group, shape "
        "(grad channels, data channels / num_group, *kernel).\n\n"
        ">>> mx.nd._conv_weight_grad(mx.nd.ones((1, 1, 4, 4)), mx.nd.ones((1, 2, 2, 2)), "
        "kernel=(3, 3)).shape\n(2, 1, 3, 3)"))

_POOL_ATTRS = (
    Attr("kernel", "shape", (), "Window size (ignored with global_pool)."),
    Attr("pool_type", "str", "max", "max, avg, sum or lp.", choices=("max", "avg", "sum", "lp")),
    Attr("global_pool", "bool", False, "Pool over the whole spatial extent."),
    Attr("cudnn_off", "bool", False, "Accepted for MXNet compatibility."),
    Attr("pooling_convention", "str", "valid", "Output size rounding: valid (floor), full (ceil) or same.",
         choices=("valid", "full", "same")),
    _STRIDE, _PADA,
    Attr("p_value", "int", None, "p of lp pooling (1, 2 or 3)."),
    Attr("count_include_pad", "any", None, "avg: count padded positions in the divisor (default True)."),
    _LAYOUT)

register(OpDef(
    "Pooling", _pooling, infer=_pooling_infer, inputs=("data",), attrs=_POOL_ATTRS, aliases=("pooling",),
    doc="1-D to 3-D max / avg / sum / lp pooling (channel-first, or channel-last layouts).\n\n"
        ">>> mx.nd.Pooling(mx.nd.arange(16).reshape((1, 1, 4, 4)), kernel=(2, 2), stride=(2, 2))"
        ".asnumpy().ravel()\narray([ 5.,  7., 13., 15.], dtype=float32)"))

register(OpDef(
    "_backward_pooling", _backward_pooling, infer=_backward_pooling_infer, inputs=("grad", "data", "output"),
    attrs=_POOL_ATTRS,
    aliases=("_backward_Pooling",),
    doc="Gradient of Pooling: grad routed back to data (max: to each window's first maximum).\n\n"
        ">>> x = mx.nd.array([[[1, 3, 2, 0]]]); y = mx.nd.Pooling(x, kernel=(2,), stride=(2,))\n"
        ">>> mx.nd._backward_pooling(mx.nd.ones_like(y), x, y, kernel=(2,), stride=(2,)).asnumpy()\n"
        "array([[[0., 1., 1., 0.]]], dtype=float32)"))

register(OpDef(
    "_pooling_max_pick", _pooling_max_pick, infer=_pooling_max_pick_infer, inputs=("data", "grad"),
    attrs=(Attr("kernel", "shape", (), "Window size."), Attr("global_pool", "bool", False, ""),
           Attr("pooling_convention", "str", "valid", "", choices=("valid", "full", "same")),
           _STRIDE, _PADA, _LAYOUT),
    doc="grad at the first maximum of data in each max-pooling window (the transpose of max "
        "_backward_pooling).\n\n"
        ">>> mx.nd._pooling_max_pick(mx.nd.array([[[1, 3, 2, 0]]]), mx.nd.array([[[5, 6, 7, 8]]]), "
        "kernel=(2,), stride=(2,)).asnumpy()\narray([[[6., 7.]]], dtype=float32)"))
