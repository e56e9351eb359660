"""Normalisation and resampling layers: BatchNorm, LayerNorm, InstanceNorm,
GroupNorm, L2Normalization, LRN, UpSampling, BilinearResize2D.

The four statistics-based norms see the data as a contiguous (A, C, B)
view with one group per C (see include/gluonx/attrs.h): ``norm_moments``
computes per-group mean and biased variance in one call, ``norm_affine``
applies x * scale[c] + shift[c] in one pass, and ``_norm_backward`` (the
fused backward op, ``norm_backward`` kernel) gives dx and the per-group
sums that dgamma and dbeta need.

BatchNorm saves the statistics its backward needs (whether batch
statistics were used, the per-channel mean and variance) on the recorded
node (OpDef(saves=True)), so the rule does not recompute them.
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, REQUIRED, write_out

_EPS = struct.Struct("=d")  # gx_norm_bwd_attrs
_FLOAT_NAMES = ("float32", "float64", "float16")


def _prod(t):
    n = 1
    for d in t:
        n *= d
    return n


def _check_float(x, opname):
    if _c.dtype_name(_c.dtype_flag(x.dtype)) not in _FLOAT_NAMES:
        raise MXNetTypeError("Operator %s: expects float16/32/64 data, got %s %s"
                             % (opname, x.shape, x.dtype.__name__))


def _vec(v, n, like, opname, what):
    if v.size != n:
        raise MXNetValueError("Operator %s: %s has shape %s, expected (%d,) for data %s"
                              % (opname, what, v.shape, n, like.shape))
    if v.dtype != like.dtype:
        v = _c.astype(v, like.dtype)
    return _c.reshape(v, (n,))


def _moments(x3, opname):
    C = x3.shape[1]
    mean = _c.empty((C,), x3.dtype, x3.context)
    var = _c.empty((C,), x3.dtype, x3.context)
    _c.launch("norm_moments", [x3], [mean, var], None, opname)
    return mean, var


def _affine(x3, scale, shift, out3, opname):
    if x3.size:
        _c.launch("norm_affine", [x3, scale, shift], [out3], None, opname)
    return out3


def _rstd(var, eps):
    return _c.unary("rsqrt", _c.binary("add", var, float(eps)))


# ---- BatchNorm -------------------------------------------------------------------

def bn_view(data, axis):
    nd_ = data.ndim
    if not -nd_ <= axis < nd_:
        raise MXNetValueError("Operator BatchNorm: axis %d out of range for data %s" % (axis, data.shape))
    ax = axis % nd_
    return _prod(data.shape[:ax]), data.shape[ax], _prod(data.shape[ax + 1:]), ax


def _batchnorm(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9, fix_gamma=True,
               use_global_stats=False, output_mean_var=False, axis=1, cudnn_off=False, min_calib_range=None,
               max_calib_range=None, out=None):
    from gluonx.autograd import is_training
    op = "BatchNorm"
    _check_float(data, op)
    if data.ndim < 1:
        raise MXNetValueError("Operator BatchNorm: data must have at least one axis")
    A, C, B, _ = bn_view(data, axis)
    g = _c.full((C,), 1.0, data.dtype, data.context) if fix_gamma else _vec(gamma, C, data, op, "gamma")
    b = _vec(beta, C, data, op, "beta")
    mm = _vec(moving_mean, C, data, op, "moving_mean")
    mv = _vec(moving_var, C, data, op, "moving_var")
    x3 = _c.reshape(data, (A, C, B))
    y = _c.empty(data.shape, data.dtype, data.context)
    mean = _c.empty((C,), data.dtype, data.context)
    var = _c.empty((C,), data.dtype, data.context)
    train = is_training() and not use_global_stats
    if train and A * B > 0:
        _c.launch("norm_moments", [x3], [mean, var], None, op)
        # running statistics, in place (not recorded): m*old + (1-m)*batch
        for mov, old, cur in ((moving_mean, mm, mean), (moving_var, mv, var)):
            new = _c.binary("add", _c.binary("mul", old, float(momentum)),
                            _c.binary("mul", cur, 1.0 - float(momentum)))
            _c.launch("copy", [_c.reshape(new, mov.shape)], [mov], None, op)
    else:
        _c.copyto(mean, mm)
        _c.copyto(var, mv)
    rstd = _rstd(var, eps)
    scale = _c.binary("mul", g, rstd)
    shift = _c.binary("sub", b, _c.binary("mul", mean, scale))
    _affine(x3, scale, shift, _c.reshape(y, (A, C, B)), op)
    saved = (bool(train and A * B > 0), mean, var)
    if output_mean_var:
        return [write_out(y, out), mean, rstd], saved
    return write_out(y, out), saved


register(OpDef("BatchNorm", _batchnorm, saves=True, inputs=("data", "gamma", "beta", "moving_mean", "moving_var"),
               attrs=(Attr("eps", "float", 1e-3, "Added to the variance."),
                      Attr("momentum", "float", 0.9, "Momentum of the running statistics."),
                      Attr("fix_gamma", "bool", True, "Treat gamma as 1 (zero gradient)."),
                      Attr("use_global_stats", "bool", False, "Use the running statistics in training too."),
                      Attr("output_mean_var", "bool", False, "Also return the batch mean and 1/std."),
                      Attr("axis", "int", 1, "The channel axis."),
                      Attr("cudnn_off", "bool", False, "Accepted for MXNet compatibility."),
                      Attr("min_calib_range", "any", None, "Accepted (quantization)."),
                      Attr("max_calib_range", "any", None, "Accepted (quantization).")),
               doc="Batch normalization over the channel axis; in training mode it uses batch statistics and "
                   "updates moving_mean / moving_var in place (m*old + (1-m)*batch, biased variance).\n\n"
                   ">>> x = mx.nd.ones((2, 3)); c = mx.nd.ones(3); z = mx.nd.zeros(3)\n"
                   ">>> mx.nd.BatchNorm(x, c, z, z, c).shape\n(2, 3)"))


def _norm_backward_op(x3, dy3, mean, var, g, eps=1e-5, out=None):
    if x3.ndim != 3 or dy3.shape != x3.shape:
        raise MXNetValueError("Operator _norm_backward: expects (A, C, B) x and dy of one shape, got %s and %s"
                              % (x3.shape, dy3.shape))
    C = x3.shape[1]
    x3, dy3 = _c.contiguous(x3), _c.contiguous(_c.astype(dy3, x3.dtype) if dy3.dtype != x3.dtype else dy3)
    vs = [_c.contiguous(_vec(v, C, x3, "_norm_backward", n)) for v, n in ((mean, "mean"), (var, "var"), (g, "g"))]
    dx = _c.empty(x3.shape, x3.dtype, x3.context)
    s1 = _c.empty((C,), x3.dtype, x3.context)
    s2 = _c.empty((C,), x3.dtype, x3.context)
    _c.launch("norm_backward", [x3, dy3] + vs, [dx, s1, s2], _EPS.pack(float(eps)), "_norm_backward")
    return [dx, s1, s2]


register(OpDef("_norm_backward", _norm_backward_op, inputs=("x", "dy", "mean", "var", "g"),
               attrs=(Attr("eps", "float", 1e-5, "Added to the variance."),),
               doc="Fused backward of a normalization over (A, C, B) groups: returns [dx, sum(dy), "
                   "sum(dy * xhat)] with dx = g*rstd*(dy - mean(dy) - xhat*mean(dy*xhat))."))


# ---- LayerNorm / InstanceNorm / GroupNorm ----------------------------------------------

def _group_norm_core(xg, eps, op):
    """xg (1, G, M) contiguous -> (xhat, mean, var) with xhat like xg."""
    mean, var = _moments(xg, op)
    rstd = _rstd(var, eps)
    shift = _c.binary("mul", _c.binary("mul", mean, rstd), -1.0)
    xhat = _affine(xg, rstd, shift, _c.empty(xg.shape, xg.dtype, xg.context), op)
    return xhat, mean, var


def _swap_last(x, ax):
    if ax == x.ndim - 1:
        return x
    shape, st = list(x.shape), list(x.strides)
    shape[ax], shape[-1] = shape[-1], shape[ax]
    st[ax], st[-1] = st[-1], st[ax]
    return _c.as_strided(x, tuple(shape), tuple(st), 0)


def _layernorm(data, gamma, beta, axis=-1, eps=1e-5, output_mean_var=False, out=None):
    op = "LayerNorm"
    _check_float(data, op)
    if not -data.ndim <= axis < data.ndim:
        raise MXNetValueError("Operator LayerNorm: axis %d out of range for data %s" % (axis, data.shape))
    ax = axis % data.ndim
    D = data.shape[ax]
    g, b = _vec(gamma, D, data, op, "gamma"), _vec(beta, D, data, op, "beta")
    xt = _c.contiguous(_swap_last(data, ax))
    R = xt.size // D if D else 0
    xhat, mean, var = _group_norm_core(_c.reshape(xt, (1, R, D)), eps, op)
    yt = _affine(_c.reshape(xhat, (R, D, 1)), g, b, _c.empty((R, D, 1), data.dtype, data.context), op)
    y = _c.contiguous(_swap_last(_c.reshape(yt, xt.shape), ax))
    if output_mean_var:
        sshape = tuple(1 if i == ax else d for i, d in enumerate(data.shape))
        std = _c.unary("sqrt", _c.binary("add", var, float(eps)))
        return [write_out(y, out), _c.reshape(mean, sshape), _c.reshape(std, sshape)]
    return write_out(y, out)


def _channel_groups(data, G, op):
    if data.ndim < 2:
        raise MXNetValueError("Operator %s: data must be (N, C, ...), got %s" % (op, data.shape))
    N, C = data.shape[0], data.shape[1]
    if G <= 0 or C % G:
        raise MXNetValueError("Operator %s: %d channels are not divisible into %d groups" % (op, C, G))
    return N, C, _prod(data.shape[2:])


def per_channel(v, G, C, like, op, what):
    """GroupNorm's gamma/beta: per group (num_groups,) as MXNet 1.9 has them,
    or per channel (C,); returned per channel."""
    from gluonx import ndarray as nd
    if v.size == G and G != C:
        return _c.contiguous(nd.repeat(_vec(v, G, like, op, what), repeats=C // G))
    return _vec(v, C, like, op, what)


def _gn_forward(data, gamma, beta, G, eps, op):
    _check_float(data, op)
    N, C, S = _channel_groups(data, G, op)
    g, b = per_channel(gamma, G, C, data, op, "gamma"), per_channel(beta, G, C, data, op, "beta")
    x = _c.contiguous(data)
    xhat, mean, var = _group_norm_core(_c.reshape(x, (1, N * G, (C // G) * S)), eps, op)
    y = _affine(_c.reshape(xhat, (N, C, S)), g, b, _c.empty((N, C, S), data.dtype, data.context), op)
    return _c.reshape(y, data.shape), mean, var


def _groupnorm(data, gamma, beta, num_groups=1, eps=1e-5, output_mean_var=False, out=None):
    y, mean, var = _gn_forward(data, gamma, beta, num_groups, eps, "GroupNorm")
    if output_mean_var:
        N = data.shape[0]
        std = _c.unary("sqrt", _c.binary("add", var, float(eps)))
        return [write_out(y, out), _c.reshape(mean, (N, num_groups)), _c.reshape(std, (N, num_groups))]
    return write_out(y, out)


def _instancenorm(data, gamma, beta, eps=1e-3, out=None):
    if data.ndim < 2:
        raise MXNetValueError("Operator InstanceNorm: data must be (N, C, ...), got %s" % (data.shape,))
    return write_out(_gn_forward(data, gamma, beta, data.shape[1], eps, "InstanceNorm")[0], out)


_GB = ("data", "gamma", "beta")
register(OpDef("LayerNorm", _layernorm, inputs=_GB,
               attrs=(Attr("axis", "int", -1, "Normalized axis."), Attr("eps", "float", 1e-5, "Added to var."),
                      Attr("output_mean_var", "bool", False, "Also return mean and std.")),
               doc="Layer normalization along one axis, then gamma * xhat + beta.\n\n"
                   ">>> mx.nd.LayerNorm(mx.nd.array([[1, 3]]), mx.nd.ones(2), mx.nd.zeros(2)).asnumpy().round(3)\n"
                   "array([[-1.,  1.]], dtype=float32)"))
register(OpDef("GroupNorm", _groupnorm, inputs=_GB,
               attrs=(Attr("num_groups", "int", 1, "Number of channel groups."),
                      Attr("eps", "float", 1e-5, "Added to var."),
                      Attr("output_mean_var", "bool", False, "Also return mean and std.")),
               doc="Group normalization over (channels of a group, spatial) per sample; per-channel affine.\n\n"
                   ">>> mx.nd.GroupNorm(mx.nd.ones((2, 4, 3)), mx.nd.ones(4), mx.nd.zeros(4), num_groups=2).shape\n"
                   "(2, 4, 3)"))
register(OpDef("InstanceNorm", _instancenorm, inputs=_GB,
               attrs=(Attr("eps", "float", 1e-3, "Added to var."),),
               doc="Instance normalization over the spatial axes per sample and channel.\n\n"
                   ">>> mx.nd.InstanceNorm(mx.nd.ones((2, 3, 4)), mx.nd.ones(3), mx.nd.zeros(3)).shape\n(2, 3, 4)"))


# ---- L2Normalization, LRN ---------------------------------------------------------------

def l2_axes(data, mode):
    if mode == "instance":
        return tuple(range(1, data.ndim))
    if mode == "channel":
        return (1,)
    return tuple(range(2, data.ndim))


def _l2norm(data, eps=1e-10, mode="instance", out=None):
    from gluonx import ndarray as nd
    _check_float(data, "L2Normalization")
    if data.ndim < (3 if mode == "spatial" else 2):
        raise MXNetValueError("Operator L2Normalization: data %s has too few axes for mode=%r" % (data.shape, mode))
    r = nd.rsqrt(nd.sum(nd.square(data), axis=l2_axes(data, mode), keepdims=True) + eps)
    return write_out(nd.broadcast_mul(data, r), out)


register(OpDef("L2Normalization", _l2norm,
               attrs=(Attr("eps", "float", 1e-10, "Added to the squared norm."),
                      Attr("mode", "str", "instance", "instance, channel or spatial.",
                           choices=("instance", "channel", "spatial"))),
               doc="x / sqrt(sum(x^2) + eps) over the axes the mode names.\n\n"
                   ">>> mx.nd.L2Normalization(mx.nd.array([[3, 4]])).asnumpy()\n"
                   "array([[0.6, 0.8]], dtype=float32)"))


def lrn_band(C, nsize, dtype, ctx):
    half = nsize // 2
    i = np.arange(C)
    band = (np.abs(i[:, None] - i[None, :]) <= half).astype(np.float64)
    return _c.array_from_numpy(band, dtype=_c.dtype_name(_c.dtype_flag(dtype)), ctx=ctx)


def lrn_parts(data, alpha, knorm, nsize):
    """(band, d) with d = knorm + alpha/nsize * windowed channel sum of x^2."""
    from gluonx import ndarray as nd
    N, C = data.shape[0], data.shape[1]
    band = lrn_band(C, nsize, data.dtype, data.context)
    sq = nd.square(data).reshape((N, C, -1))
    s = nd.batch_dot(nd.broadcast_to(band.reshape((1, C, C)), shape=(N, C, C)), sq)
    return band, (s * (alpha / nsize) + knorm).reshape(data.shape)


def _lrn(data, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None, out=None):
    from gluonx import ndarray as nd
    _check_float(data, "LRN")
    if nsize is None:
        raise MXNetTypeError("Operator LRN: missing required attribute 'nsize'")
    if data.ndim < 3 or nsize < 1:
        raise MXNetValueError("Operator LRN: expects (N, C, ...) data and nsize >= 1, got %s, nsize=%d"
                              % (data.shape, nsize))
    _, d = lrn_parts(data, alpha, knorm, nsize)
    return write_out(data * nd.power(d, -beta), out)


register(OpDef("LRN", _lrn,
               attrs=(Attr("alpha", "float", 1e-4, "Scale."), Attr("beta", "float", 0.75, "Exponent."),
                      Attr("knorm", "float", 2.0, "Offset."), Attr("nsize", "int", None, "Window size (required).")),
               doc="Local response normalization across channels.\n\n"
                   ">>> mx.nd.LRN(mx.nd.ones((1, 3, 2, 2)), nsize=3).shape\n(1, 3, 2, 2)"))


# ---- UpSampling (nearest, bilinear), BilinearResize2D ---------------------------------------

def _nearest(x, s):
    """x (N, C, H, W) repeated s times along H and W (one strided copy)."""
    N, C, H, W = x.shape
    v = _c.as_strided(x, (N, C, H, s, W, s), (x.strides[0], x.strides[1], x.strides[2], 0, x.strides[3], 0), 0)
    o = _c.empty((N, C, H, s, W, s), x.dtype, x.context)
    _c.copyto(o, v)
    return _c.reshape(o, (N, C, H * s, W * s))


def upsampling_scales(data, scale):
    H = data[0].shape[2]
    out = []
    for x in data:
        if x.ndim != 4:
            raise MXNetValueError("Operator UpSampling: inputs must be 4-D (N, C, H, W), got %s" % (x.shape,))
        if (H * scale) % x.shape[2]:
            raise MXNetValueError("Operator UpSampling: input %s cannot be scaled to height %d"
                                  % (x.shape, H * scale))
        out.append(H * scale // x.shape[2])
    return out


def bilinear_up_geometry(scale):
    """(kernel, stride, pad) of the depthwise Deconvolution that MXNet's bilinear
    UpSampling is: kernel 2s - s % 2, stride s, pad ceil((s - 1) / 2)."""
    k = 2 * scale - scale % 2
    p = scale // 2  # == ceil((scale - 1) / 2)
    return (k, k), (scale, scale), (p, p)


def check_bilinear_up(data, scale, num_filter):
    """Validates UpSampling(sample_type='bilinear') inputs; returns (data, weight)."""
    if len(data) != 2:
        raise MXNetValueError("Operator UpSampling: sample_type='bilinear' takes exactly two inputs (data, "
                              "weight), got %d" % len(data))
    x, w = data
    if x.ndim != 4:
        raise MXNetValueError("Operator UpSampling: bilinear data must be 4-D (N, C, H, W), got %s" % (x.shape,))
    C = x.shape[1]
    kernel = bilinear_up_geometry(scale)[0]
    if w.shape != (C, 1) + kernel:
        raise MXNetValueError("Operator UpSampling: bilinear weight has shape %s, expected %s (channels, 1, "
                              "2*scale - scale %% 2, same) for data %s and scale=%d"
                              % (w.shape, (C, 1) + kernel, x.shape, scale))
    if num_filter != C:
        raise MXNetValueError("Operator UpSampling: bilinear needs num_filter equal to the number of channels "
                              "(%d) of data %s, got num_filter=%d" % (C, x.shape, num_filter))
    return x, w


def _upsampling(*data, scale=REQUIRED, sample_type="nearest", num_filter=0, multi_input_mode="concat",
                num_args=1, workspace=512, out=None):
    from gluonx import ndarray as nd
    if not data:
        raise MXNetValueError("Operator UpSampling: needs at least one input")
    if scale < 1:
        raise MXNetValueError("Operator UpSampling: scale must be >= 1, got %d" % scale)
    if sample_type == "bilinear":
        x, w = check_bilinear_up(data, scale, num_filter)
        kernel, stride, pad = bilinear_up_geometry(scale)
        C = x.shape[1]
        r = nd.Deconvolution(x, w, kernel=kernel, stride=stride, pad=pad, num_filter=C, num_group=C,
                             no_bias=True)
        return write_out(r, out)
    ups = [_nearest(x, s) for x, s in zip(data, upsampling_scales(data, scale))]
    if len(ups) == 1:
        r = ups[0]
    elif multi_input_mode == "sum":
        r = ups[0]
        for u in ups[1:]:
            r = r + u
    else:
        r = nd.concat(*ups, dim=1)
    return write_out(r, out)


register(OpDef("UpSampling", _upsampling, variadic=True,
               attrs=(Attr("scale", "int", REQUIRED, "Up-sampling factor."),
                      Attr("sample_type", "str", "nearest", "nearest, or bilinear (inputs data and weight).",
                           choices=("nearest", "bilinear")),
                      Attr("num_filter", "int", 0, "bilinear: the number of channels of data."),
                      Attr("multi_input_mode", "str", "concat", "nearest: concat or sum.",
                           choices=("concat", "sum")),
                      Attr("num_args", "int", 1, "Number of inputs (nearest)."),
                      Attr("workspace", "int", 512, "Accepted for MXNet compatibility.")),
               doc="Up-sampling of (N, C, H, W) inputs.\n\n"
                   "nearest: each input is repeated scale times along H and W (several inputs are "
                   "concatenated along C or summed).  bilinear: UpSampling(data, weight) is the depthwise "
                   "Deconvolution of data with weight (C, 1, k, k), k = 2*scale - scale % 2, stride scale, "
                   "pad ceil((scale - 1) / 2), num_filter = num_group = C (weight usually from "
                   "mx.init.Bilinear).\n\n"
                   ">>> mx.nd.UpSampling(mx.nd.ones((1, 1, 2, 2)), scale=2, sample_type='nearest').shape\n"
                   "(1, 1, 4, 4)\n"
                   ">>> mx.nd.UpSampling(mx.nd.ones((1, 3, 2, 2)), mx.nd.ones((3, 1, 4, 4)), scale=2,\n"
                   "...                  sample_type='bilinear', num_filter=3).shape\n"
                   "(1, 3, 4, 4)"))


def interp_matrix(n_in, n_out, align_corners, dtype, ctx):
    """(n_out, n_in) linear interpolation weights (MXNet's coordinate rule; a
    single output row or column takes the first input one in both modes)."""
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        if n_out == 1:
            src = 0.0
        elif align_corners:
            src = o * (n_in - 1) / (n_out - 1)
        else:
            src = max((o + 0.5) * n_in / n_out - 0.5, 0.0)
        i0 = min(int(np.floor(src)), n_in - 1)
        i1 = min(i0 + 1, n_in - 1)
        f = src - i0
        m[o, i0] += 1 - f
        m[o, i1] += f
    return _c.array_from_numpy(m, dtype=_c.dtype_name(_c.dtype_flag(dtype)), ctx=ctx)


_RESIZE_MODES = ("size", "odd_scale", "like", "to_even_down", "to_even_up", "to_odd_down", "to_odd_up")


def _odd_scale(n, f):
    # MXNet: an odd size keeps its two end pixels aligned, 2k + 1 -> 2k * f + 1
    return int(n * f) if n % 2 == 0 else int((n - 1) * f) + 1


def resize_size(data, height, width, scale_height, scale_width, mode, like=None):
    """Output (height, width) of BilinearResize2D (MXNet 1.9.1's rules).  A size that
    rounds to 0 (small scales, to_even_down of 1) gives an empty output, as in MXNet."""
    op = "Operator BilinearResize2D"
    H, W = data.shape[2], data.shape[3]
    if mode != "like" and like is not None:
        raise MXNetValueError("%s: a second input (like) is only taken with mode='like', got mode=%r"
                              % (op, mode))
    if mode in ("size", "odd_scale") and (scale_height is not None or mode == "odd_scale"):
        if scale_height is None or scale_width is None:
            raise MXNetValueError("%s: mode=%r needs both scale_height and scale_width, got %r and %r"
                                  % (op, mode, scale_height, scale_width))
        if scale_height < 0 or scale_width < 0:
            raise MXNetValueError("%s: scales must be >= 0, got (%r, %r)" % (op, scale_height, scale_width))
    if mode == "size":
        if scale_height is not None:
            oh, ow = int(H * scale_height), int(W * scale_width)
        else:
            if height < 1 or width < 1:
                raise MXNetValueError("%s: height and width must be >= 1, got (%d, %d)" % (op, height, width))
            oh, ow = height, width
    elif mode == "odd_scale":
        oh, ow = _odd_scale(H, scale_height), _odd_scale(W, scale_width)
    elif mode == "like":
        if like is None:
            raise MXNetValueError("%s: mode='like' needs a second input `like` (N, C, H, W)" % op)
        if like.ndim != 4:
            raise MXNetValueError("%s: like must be 4-D (N, C, H, W), got %s" % (op, like.shape))
        oh, ow = like.shape[2], like.shape[3]
    else:
        want = 0 if mode.startswith("to_even") else 1
        step = -1 if mode.endswith("down") else 1
        oh = H if H % 2 == want else H + step
        ow = W if W % 2 == want else W + step
    return oh, ow


def _bilinear(data, like=None, height=1, width=1, scale_height=None, scale_width=None, mode="size",
              align_corners=True, out=None):
    from gluonx import ndarray as nd
    _check_float(data, "BilinearResize2D")
    if data.ndim != 4:
        raise MXNetValueError("Operator BilinearResize2D: data must be (N, C, H, W), got %s" % (data.shape,))
    N, C, H, W = data.shape
    oh, ow = resize_size(data, height, width, scale_height, scale_width, mode, like)
    if N * C * oh * ow == 0 or H * W == 0:
        y = _c.empty((N, C, oh, ow), data.dtype, data.context)
        if y.size:
            _c.fill(y, 0)
        return write_out(y, out)
    ry = interp_matrix(H, oh, align_corners, data.dtype, data.context)
    rx = interp_matrix(W, ow, align_corners, data.dtype, data.context)
    t = nd.dot(data.reshape((N * C * H, W)), rx, transpose_b=True).reshape((N * C, H, ow))
    y = nd.batch_dot(nd.broadcast_to(ry.reshape((1, oh, H)), shape=(N * C, oh, H)), t)
    return write_out(y.reshape((N, C, oh, ow)), out)


register(OpDef("BilinearResize2D", _bilinear, inputs=("data", "like"), optional=("like",),
               attrs=(Attr("height", "int", 1, "Output height (mode='size')."),
                      Attr("width", "int", 1, "Output width (mode='size')."),
                      Attr("scale_height", "float", None, "Height scale (mode='size' when given, 'odd_scale')."),
                      Attr("scale_width", "float", None, "Width scale (mode='size' when given, 'odd_scale')."),
                      Attr("mode", "str", "size", "size (height/width, or the scales when given: int(H * "
                           "scale)), odd_scale (odd sizes 2k+1 -> int(2k * scale) + 1), like (the H, W of the "
                           "second input), to_even_down/up, to_odd_down/up (the nearest even / odd size).",
                           choices=_RESIZE_MODES),
                      Attr("align_corners", "bool", True, "Align the corner pixels.")),
               aliases=("_contrib_BilinearResize2D",),
               doc="Bilinear resize of (N, C, H, W) data.\n\n"
                   ">>> mx.nd.BilinearResize2D(mx.nd.ones((1, 1, 2, 2)), height=4, width=4).shape\n"
                   "(1, 1, 4, 4)\n"
                   ">>> mx.nd.BilinearResize2D(mx.nd.ones((1, 1, 5, 4)), mode='to_even_up').shape\n"
                   "(1, 1, 6, 4)"))
