"""Convolution, Deconvolution and Pooling (MXNet 1.x semantics), 1-D to 3-D.

A convolution is three kernels, each one launch per op (backends/cpu/conv.c
runs them as im2col + GEMM over groups of images, split over the cores):
``conv_forward`` (Convolution), ``conv_transpose`` (its transpose in the
image: Deconvolution and Convolution's data gradient) and
``conv_weight_grad``.  ``_conv_weight_grad`` (data, grad) -> d(weight) is the
third product as an op; with Convolution and Deconvolution it closes the
gradient rules under differentiation (see nn_conv_grad.py).

Pooling runs the ``pooling`` kernel; ``_backward_pooling`` (dy, x, y) -> dx is
its gradient as an ordinary op, and ``_pooling_max_pick`` (x, g) -> g at each
window's first maximum is the transpose of the max backward (second order).
"""
from __future__ import annotations

import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, write_out

_CONV = struct.Struct("=ii15q")  # gx_conv_attrs
_POOL = struct.Struct("=iiii9q")  # gx_pool_attrs
_LAYOUTS = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
_POOL_TYPES = {"max": 0, "avg": 1, "sum": 2, "lp": 3}

def _spatial(opname, data, layout):
    if data.ndim < 3 or data.ndim > 5:
        raise MXNetValueError("Operator %s: data must be 3-D (N, C, W), 4-D (N, C, H, W) or 5-D "
                              "(N, C, D, H, W), got shape %s" % (opname, data.shape))
    nsp = data.ndim - 2
    if layout is not None and layout != _LAYOUTS[nsp]:
        raise MXNetValueError("Operator %s: layout %r is not supported for %d-D data %s; gluonx "
                              "supports the channel-first layout %s" % (opname, layout, data.ndim,
                                                                       data.shape, _LAYOUTS[nsp]))
    return nsp


def _tup(v, nsp, default, what, opname):
    if v is None or len(v) == 0:
        return (default,) * nsp
    if len(v) != nsp:
        raise MXNetValueError("Operator %s: %s %s must have %d entries for %d-D spatial data"
                              % (opname, what, v, nsp, nsp))
    return tuple(int(e) for e in v)


def _geometry(opname, data, kernel, stride, dilate, pad):
    """(kernel, stride, dilate, pad) normalised for data's spatial rank."""
    nsp = data.ndim - 2
    if kernel is None or len(kernel) != nsp:
        raise MXNetValueError("Operator %s: kernel %s must have %d entries for data of shape %s"
                              % (opname, kernel, nsp, data.shape))
    kernel = tuple(int(k) for k in kernel)
    stride = _tup(stride, nsp, 1, "stride", opname)
    dilate = _tup(dilate, nsp, 1, "dilate", opname)
    pad = _tup(pad, nsp, 0, "pad", opname)
    if min(kernel) < 1 or min(stride) < 1 or min(dilate) < 1 or min(pad) < 0:
        raise MXNetValueError("Operator %s: kernel %s, stride %s and dilate %s must be positive and "
                              "pad %s non-negative" % (opname, kernel, stride, dilate, pad))
    return kernel, stride, dilate, pad


def _conv_out(opname, insp, kernel, stride, dilate, pad):
    out = []
    for i, (n, k, s, d, p) in enumerate(zip(insp, kernel, stride, dilate, pad)):
        dk = d * (k - 1) + 1
        if dk > n + 2 * p:
            raise MXNetValueError("Operator %s: kernel size exceeds input on spatial axis %d: dilated "
                                  "kernel %d > input %d padded to %d" % (opname, i, dk, n, n + 2 * p))
        out.append((n + 2 * p - dk) // s + 1)
    return tuple(out)


def _cattrs(kernel, stride, dilate, pad, out, groups=1):
    z = (0,) * (3 - len(kernel))
    return _CONV.pack(len(kernel), groups, *(tuple(kernel) + z), *(tuple(stride) + z),
                      *(tuple(dilate) + z), *(tuple(pad) + z), *(tuple(out) + z))


def _check_dtype(opname, data, other, what):
    if other.dtype != data.dtype:
        raise MXNetTypeError("Operator %s: %s dtype %s differs from data dtype %s"
                             % (opname, what, other.dtype.__name__, data.dtype.__name__))


def _add_bias(opname, out, bias, F):
    if bias.shape != (F,):
        raise MXNetValueError("Operator %s: bias must have shape (%d,), got %s" % (opname, F, bias.shape))
    _check_dtype(opname, out, bias, "bias")
    b = _c.reshape(bias, (1, F) + (1,) * (out.ndim - 2))
    _c.binary("add", out, b, out=out, opname=opname)


# ---- the three products (x: image side, y: output side, w: (F, C/G, *kernel)) ----------

def _conv_forward(x, w, out, kernel, stride, dilate, pad, osp, G, opname):
    _c.launch("conv_forward", [x, w], [out], _cattrs(kernel, stride, dilate, pad, osp, G), opname)
    return out


def _deconv_forward(y, w, out, kernel, stride, dilate, pad, G, opname):
    """out (the image side) = the transpose of conv(out, w) applied to y."""
    _c.launch("conv_transpose", [y, w], [out], _cattrs(kernel, stride, dilate, pad, y.shape[2:], G), opname)
    return out


def _weight_grad(x, dy, dw, kernel, stride, dilate, pad, G, opname):
    _c.launch("conv_weight_grad", [x, dy], [dw], _cattrs(kernel, stride, dilate, pad, dy.shape[2:], G),
              opname)
    return dw


# ---- Convolution ------------------------------------------------------------------------

def _check_groups(opname, C, F, G, data):
    if G < 1 or C % G or F % G:
        raise MXNetValueError("Operator %s: num_group=%d must divide the %d input channels of data %s "
                              "and num_filter=%d" % (opname, G, C, data.shape, F))


def _check_args(op, data, weight, bias, no_bias, F, G, transposed, kernel):
    """num_filter, groups, the weight's shape and dtype, and the bias of a (transposed) convolution."""
    C = data.shape[1]
    if F is None or F < 1:
        raise MXNetValueError("Operator %s: num_filter must be a positive integer, got %s" % (op, F))
    _check_groups(op, C, F, G, data)
    want, desc = (((C, F // G) + kernel, "channels, num_filter / num_group") if transposed
                  else ((F, C // G) + kernel, "num_filter, channels / num_group"))
    if weight.shape != want:
        raise MXNetValueError("Operator %s: weight has shape %s, expected %s (%s, *kernel) for data %s"
                              % (op, weight.shape, want, desc, data.shape))
    _check_dtype(op, data, weight, "weight")
    if not no_bias and bias is None:
        raise MXNetValueError("Operator %s: no_bias=False needs a bias input of shape (%d,)" % (op, F))


def _convolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(), num_filter=None,
                 num_group=1, workspace=1024, no_bias=False, cudnn_tune=None, cudnn_off=False,
                 layout=None, out=None):
    op = "Convolution"
    _spatial(op, data, layout)
    kernel, stride, dilate, pad = _geometry(op, data, kernel, stride, dilate, pad)
    N = data.shape[0]
    F, G = num_filter, num_group
    _check_args(op, data, weight, bias, no_bias, F, G, transposed=False, kernel=kernel)
    osp = _conv_out(op, data.shape[2:], kernel, stride, dilate, pad)
    o = _c.empty((N, F) + osp, data.dtype, data.context)
    if o.size:
        _conv_forward(_c.contiguous(data), _c.contiguous(weight), o, kernel, stride, dilate, pad, osp,
                      G, op)
    if not no_bias:
        _add_bias(op, o, bias, F)
    return write_out(o, out)


# ---- Deconvolution ----------------------------------------------------------------------

def _deconv_geometry(op, data, kernel, stride, dilate, pad, adj, target_shape):
    kernel, stride, dilate, pad = _geometry(op, data, kernel, stride, dilate, pad)
    nsp = len(kernel)
    adj = _tup(adj, nsp, 0, "adj", op)
    insp = data.shape[2:]
    if target_shape and any(t != 0 for t in target_shape):
        ts = _tup(target_shape, nsp, 0, "target_shape", op)
        pad, adj = [], []
        for i in range(nsp):
            full = stride[i] * (insp[i] - 1) + dilate[i] * (kernel[i] - 1) + 1
            if full < ts[i]:
                raise MXNetValueError("Operator %s: target_shape %s is too big for data %s"
                                      % (op, ts, data.shape))
            tot = full - ts[i]
            adj.append(tot % 2)
            pad.append((tot + 1) // 2)
        pad, adj = tuple(pad), tuple(adj)
    for i in range(nsp):
        if adj[i] < 0 or adj[i] >= stride[i]:
            raise MXNetValueError("Operator %s: adj %s must be smaller than stride %s" % (op, adj, stride))
    osp = tuple(stride[i] * (insp[i] - 1) + dilate[i] * (kernel[i] - 1) + 1 - 2 * pad[i] + adj[i]
                for i in range(nsp))
    if min(osp) < 1:
        raise MXNetValueError("Operator %s: output shape %s is empty for data %s" % (op, osp, data.shape))
    return kernel, stride, dilate, pad, adj, osp


def _deconvolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(), adj=(),
                   target_shape=(), num_filter=None, num_group=1, workspace=512, no_bias=True,
                   cudnn_tune=None, cudnn_off=False, layout=None, out=None):
    op = "Deconvolution"
    _spatial(op, data, layout)
    kernel, stride, dilate, pad, adj, osp = _deconv_geometry(op, data, kernel, stride, dilate, pad, adj,
                                                             target_shape)
    N = data.shape[0]
    F, G = num_filter, num_group
    _check_args(op, data, weight, bias, no_bias, F, G, transposed=True, kernel=kernel)
    o = _c.empty((N, F) + osp, data.dtype, data.context)
    if o.size:
        _deconv_forward(_c.contiguous(data), _c.contiguous(weight), o, kernel, stride, dilate, pad, G, op)
    if not no_bias:
        _add_bias(op, o, bias, F)
    return write_out(o, out)


def _conv_weight_grad_op(data, grad, kernel=None, stride=(), dilate=(), pad=(), num_group=1, out=None):
    op = "_conv_weight_grad"
    _spatial(op, data, None)
    kernel, stride, dilate, pad = _geometry(op, data, kernel, stride, dilate, pad)
    N, C = data.shape[:2]
    if grad.ndim != data.ndim or grad.shape[0] != N:
        raise MXNetValueError("Operator %s: grad %s does not match data %s" % (op, grad.shape, data.shape))
    _check_dtype(op, data, grad, "grad")
    F, G = grad.shape[1], num_group
    _check_groups(op, C, F, G, data)
    full = _conv_out(op, data.shape[2:], kernel, stride, dilate, pad)
    if any(o > f for o, f in zip(grad.shape[2:], full)):
        raise MXNetValueError("Operator %s: grad %s is larger than the convolution output %s"
                              % (op, grad.shape, full))
    dw = _c.empty((F, C // G) + kernel, data.dtype, data.context)
    _weight_grad(_c.contiguous(data), _c.contiguous(grad), dw, kernel, stride, dilate, pad, G, op)
    return write_out(dw, out)


# ---- Pooling ----------------------------------------------------------------------------

def _pool_params(op, data, kernel, pool_type, global_pool, pooling_convention, stride, pad, p_value,
                 count_include_pad, layout):
    nsp = _spatial(op, data, layout)
    insp = data.shape[2:]
    if global_pool:
        kernel, stride, pad = tuple(insp), (1,) * nsp, (0,) * nsp
        osp = (1,) * nsp
    else:
        if kernel is None or len(kernel) != nsp:
            raise MXNetValueError("Operator %s: kernel %s must have %d entries for data of shape %s"
                                  % (op, kernel, nsp, data.shape))
        kernel = tuple(int(k) for k in kernel)
        stride = _tup(stride, nsp, 1, "stride", op)
        pad = _tup(pad, nsp, 0, "pad", op)
        if min(kernel) < 1 or min(stride) < 1 or min(pad) < 0:
            raise MXNetValueError("Operator %s: kernel %s and stride %s must be positive and pad %s "
                                  "non-negative" % (op, kernel, stride, pad))
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
    z = (0,) * (3 - nsp)
    attrs = _POOL.pack(nsp, _POOL_TYPES[pool_type], int(cip), pv, *(kernel + z), *(stride + z),
                       *(pad + z))
    return osp, attrs


def _pooling(data, kernel=(), pool_type="max", global_pool=False, cudnn_off=False,
             pooling_convention="valid", stride=(), pad=(), p_value=None, count_include_pad=None,
             layout=None, out=None):
    op = "Pooling"
    osp, attrs = _pool_params(op, data, kernel, pool_type, global_pool, pooling_convention, stride, pad,
                              p_value, count_include_pad, layout)
    o = _c.empty(data.shape[:2] + osp, data.dtype, data.context)
    if o.size:
        _c.launch("pooling", [_c.contiguous(data)], [o], attrs, op)
    return write_out(o, out)


def _backward_pooling(grad, data, output, kernel=(), pool_type="max", global_pool=False, cudnn_off=False,
                      pooling_convention="valid", stride=(), pad=(), p_value=None, count_include_pad=None,
                      layout=None, out=None):
    op = "_backward_pooling"
    osp, attrs = _pool_params(op, data, kernel, pool_type, global_pool, pooling_convention, stride, pad,
                              p_value, count_include_pad, layout)
    yshape = data.shape[:2] + osp
    if grad.shape != yshape or output.shape != yshape:
        raise MXNetValueError("Operator %s: grad %s and output %s must have the pooled shape %s of data %s"
                              % (op, grad.shape, output.shape, yshape, data.shape))
    _check_dtype(op, data, grad, "grad")
    _check_dtype(op, data, output, "output")
    dx = _c.empty(data.shape, data.dtype, data.context)
    if dx.size:
        _c.launch("pooling_backward", [_c.contiguous(grad), _c.contiguous(data), _c.contiguous(output)],
                  [dx], attrs, op)
    return write_out(dx, out)


def _pooling_max_pick(data, grad, kernel=(), global_pool=False, pooling_convention="valid", stride=(),
                      pad=(), layout=None, out=None):
    op = "_pooling_max_pick"
    osp, attrs = _pool_params(op, data, kernel, "max", global_pool, pooling_convention, stride, pad, None,
                              None, layout)
    if grad.shape != data.shape:
        raise MXNetValueError("Operator %s: grad %s must have data's shape %s" % (op, grad.shape, data.shape))
    _check_dtype(op, data, grad, "grad")
    o = _c.empty(data.shape[:2] + osp, data.dtype, data.context)
    if o.size:
        _c.launch("pooling_pick", [_c.contiguous(data), _c.contiguous(grad)], [o], attrs, op)
    return write_out(o, out)


# ---- definitions ------------------------------------------------------------------------

_KERNEL = Attr("kernel", "shape", None, "Window size, e.g. (3, 3).")
_STRIDE = Attr("stride", "shape", (), "Window stride per spatial axis (default 1).")
_DILATE = Attr("dilate", "shape", (), "Kernel dilation per spatial axis (default 1).")
_PADA = Attr("pad", "shape", (), "Zero padding per spatial axis (default 0).")
_NF = Attr("num_filter", "int", None, "Number of output channels.")
_NG = Attr("num_group", "int", 1, "Number of groups (channels are split into num_group groups).")
_LAYOUT = Attr("layout", "any", None, "Channel-first layout: NCW, NCHW or NCDHW (or None).")
_CUDNN = (Attr("cudnn_tune", "any", None, "Accepted for MXNet compatibility."),
          Attr("cudnn_off", "bool", False, "Accepted for MXNet compatibility."))

register(OpDef(
    "Convolution", _convolution, inputs=("data", "weight", "bias"), optional=("bias",),
    attrs=(_KERNEL, _STRIDE, _DILATE, _PADA, _NF, _NG,
           Attr("workspace", "int", 1024, "Accepted for MXNet compatibility."),
           Attr("no_bias", "bool", False, "Whether to leave out the bias."), *_CUDNN, _LAYOUT),
    aliases=("convolution",),
    doc="N-d convolution (1-D NCW, 2-D NCHW, 3-D NCDHW) with stride, dilation, padding and groups.\n"
        "weight: (num_filter, channels / num_group, *kernel); bias: (num_filter,).\n\n"
        ">>> x = mx.nd.ones((1, 1, 4, 4)); w = mx.nd.ones((2, 1, 3, 3))\n"
        ">>> mx.nd.Convolution(x, w, kernel=(3, 3), num_filter=2, no_bias=True).shape\n(1, 2, 2, 2)"))

register(OpDef(
    "Deconvolution", _deconvolution, inputs=("data", "weight", "bias"), optional=("bias",),
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
    "_conv_weight_grad", _conv_weight_grad_op, inputs=("data", "grad"),
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
    "Pooling", _pooling, inputs=("data",), attrs=_POOL_ATTRS, aliases=("pooling",),
    doc="1-D to 3-D max / avg / sum / lp pooling over channel-first data.\n\n"
        ">>> mx.nd.Pooling(mx.nd.arange(16).reshape((1, 1, 4, 4)), kernel=(2, 2), stride=(2, 2))"
        ".asnumpy().ravel()\narray([ 5.,  7., 13., 15.], dtype=float32)"))

register(OpDef(
    "_backward_pooling", _backward_pooling, inputs=("grad", "data", "output"), attrs=_POOL_ATTRS,
    aliases=("_backward_Pooling",),
    doc="Gradient of Pooling: grad routed back to data (max: to each window's first maximum).\n\n"
        ">>> x = mx.nd.array([[[1, 3, 2, 0]]]); y = mx.nd.Pooling(x, kernel=(2,), stride=(2,))\n"
        ">>> mx.nd._backward_pooling(mx.nd.ones_like(y), x, y, kernel=(2,), stride=(2,)).asnumpy()\n"
        "array([[[0., 1., 1., 0.]]], dtype=float32)"))

register(OpDef(
    "_pooling_max_pick", _pooling_max_pick, inputs=("data", "grad"),
    attrs=(Attr("kernel", "shape", (), "Window size."), Attr("global_pool", "bool", False, ""),
           Attr("pooling_convention", "str", "valid", "", choices=("valid", "full", "same")),
           _STRIDE, _PADA, _LAYOUT),
    doc="grad at the first maximum of data in each max-pooling window (the transpose of max "
        "_backward_pooling).\n\n"
        ">>> mx.nd._pooling_max_pick(mx.nd.array([[[1, 3, 2, 0]]]), mx.nd.array([[[5, 6, 7, 8]]]), "
        "kernel=(2,), stride=(2,)).asnumpy()\narray([[[6., 7.]]], dtype=float32)"))
