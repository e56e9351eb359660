"""Normalisation layers: BatchNorm, LayerNorm, InstanceNorm, GroupNorm,
L2Normalization, LRN (the resampling layers are in nn_resample.py).

The four statistics-based norms see the data as a contiguous (A, C, B)
view with one group per C (see include/gluonx/attrs.h): ``norm_moments``
computes per-group mean and biased variance in one call, ``norm_affine``
applies x * scale[c] + shift[c] in one pass, and ``_norm_backward`` (the
fused backward op, ``norm_backward`` kernel) gives dx and the per-group
sums that dgamma and dbeta need.

BatchNorm saves the statistics its backward needs (whether batch
statistics were used, the per-channel mean and variance) on the recorded
node (OpDef(saves=True)), so the rule does not recompute them.

The shape rules infer the parameter vectors from the data as MXNet 1.9.1
does (BatchNorm's four from the channel axis, LayerNorm's from `axis`,
InstanceNorm's from the channels, GroupNorm's per group); a known vector
is accepted when its size fits (GroupNorm also takes per-channel ones).
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import ShapeUnknown, F, Attr, OpDef, register
from gluonx.ops.shape_rules import fill_dtype, float_only, prod

_EPS = struct.Struct("=d")  # gx_norm_bwd_attrs


def _vec(v, n, like):
    """v (n elements, checked by the rule) as a (n,) vector of like's dtype."""
    if v.dtype != like.dtype:
        v = _c.astype(v, like.dtype)
    return _c.reshape(v, (n,))


def _fill_vec(op: str, shapes: list, dtypes: list, i: int, n: int, what: str, ds: tuple, dtype: str,
              alt: int = None) -> None:
    """Backward inference of a parameter vector: (n,) when unknown; a known one
    needs n elements (or `alt`)."""
    have = shapes[i]
    if have is None:
        shapes[i] = (n,)
    elif prod(have) != n and (alt is None or prod(have) != alt):
        raise MXNetValueError("Operator %s: %s has shape %s, expected (%d,) for data %s"
                              % (op, what, tuple(have), n, tuple(ds)))
    fill_dtype(dtypes, i, dtype)


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


def _std(var, eps, out=None):
    return _c.unary("sqrt", _c.binary("add", var, float(eps)), out=out)


# ---- BatchNorm -------------------------------------------------------------------

def bn_dims(shape: tuple, axis: int) -> tuple:
    """(A, C, B, axis) of data seen as (A, C, B) around the channel axis."""
    nd_ = len(shape)
    if not -nd_ <= axis < nd_:
        raise MXNetValueError("Operator BatchNorm: axis %d out of range for data %s" % (axis, tuple(shape)))
    ax = axis % nd_
    return prod(shape[:ax]), shape[ax], prod(shape[ax + 1:]), ax


def _bn_param_dtype(dtype: str) -> str:
    # MXNet keeps the parameters, moving statistics and the mean/var outputs of
    # float16 data in float32 (gluon's BatchNorm.cast does the same)
    return "float32" if dtype == "float16" else dtype


def _batchnorm_infer(a, shapes, dtypes):
    op, ds = "BatchNorm", tuple(shapes[0])
    float_only(op, dtypes[0], ds)
    if len(ds) < 1:
        raise MXNetValueError("Operator BatchNorm: data must have at least one axis")
    C = bn_dims(ds, a["axis"])[1]
    pdt = _bn_param_dtype(dtypes[0])
    for i, what in enumerate(("gamma", "beta", "moving_mean", "moving_var"), 1):
        if i == 1 and a["fix_gamma"] and shapes[1] is not None:
            fill_dtype(dtypes, 1, pdt)  # gamma is not read with fix_gamma
            continue
        _fill_vec(op, shapes, dtypes, i, C, what, ds, pdt)
    if a["output_mean_var"]:
        return [ds, (C,), (C,)], [dtypes[0], pdt, pdt]
    return [ds], [dtypes[0]]


def _batchnorm_type(a, dtypes):
    if dtypes[0] is None:
        raise ShapeUnknown()
    pdt = _bn_param_dtype(dtypes[0])
    for i in range(1, 5):
        fill_dtype(dtypes, i, pdt)
    return [dtypes[0], pdt, pdt] if a["output_mean_var"] else [dtypes[0]]


def _batchnorm(data, gamma, beta, moving_mean, moving_var, out, eps=1e-3, momentum=0.9, fix_gamma=True,
               use_global_stats=False, output_mean_var=False, axis=1, cudnn_off=False, min_calib_range=None,
               max_calib_range=None):
    """Writes y (and the batch mean and 1/std); updates the moving statistics in
    training mode; returns (batch statistics used, mean, var) for the rule."""
    op = "BatchNorm"
    y = out[0] if output_mean_var else out
    A, C, B, _ = bn_dims(data.shape, axis)
    g = _c.full((C,), 1.0, data.dtype, data.context) if fix_gamma else _vec(gamma, C, data)
    b = _vec(beta, C, data)
    mm = _vec(moving_mean, C, data)
    mv = _vec(moving_var, C, data)
    x3 = _c.reshape(data, (A, C, B))
    mean = _c.empty((C,), data.dtype, data.context)
    var = _c.empty((C,), data.dtype, data.context)
    train = _c.is_training() and not use_global_stats
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
    if output_mean_var:
        _c.copyto(out[1], mean, op)
        _c.copyto(out[2], rstd, op)
    return (bool(train and A * B > 0), mean, var)


register(OpDef("BatchNorm", _batchnorm, infer=_batchnorm_infer, infer_type=_batchnorm_type, saves=True,
               inputs=("data", "gamma", "beta", "moving_mean", "moving_var"),
               aux=("moving_mean", "moving_var"), infers_inputs=("gamma", "beta", "moving_mean", "moving_var"),
               num_outputs=lambda a: 3 if a["output_mean_var"] else 1,
               output_names=lambda a: ("output", "mean", "var") if a["output_mean_var"] else ("output",),
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


def _norm_backward_infer(a, shapes, dtypes):
    op = "_norm_backward"
    xs, dys = tuple(shapes[0]), tuple(shapes[1])
    if len(xs) != 3 or dys != xs:
        raise MXNetValueError("Operator _norm_backward: expects (A, C, B) x and dy of one shape, got %s and %s"
                              % (xs, dys))
    C = xs[1]
    for i, what in ((2, "mean"), (3, "var"), (4, "g")):
        _fill_vec(op, shapes, dtypes, i, C, what, xs, dtypes[0])
    return [xs, (C,), (C,)], [dtypes[0]] * 3


def _norm_backward_op(x3, dy3, mean, var, g, out, eps=1e-5):
    C = x3.shape[1]
    x3, dy3 = _c.contiguous(x3), _c.contiguous(_c.astype(dy3, x3.dtype) if dy3.dtype != x3.dtype else dy3)
    vs = [_c.contiguous(_vec(v, C, x3)) for v in (mean, var, g)]
    _c.launch("norm_backward", [x3, dy3] + vs, list(out), _EPS.pack(float(eps)), "_norm_backward")


register(OpDef("_norm_backward", _norm_backward_op, infer=_norm_backward_infer,
               inputs=("x", "dy", "mean", "var", "g"), num_outputs=3,
               attrs=(Attr("eps", "float", 1e-5, "Added to the variance."),),
               doc="Fused backward of a normalization over (A, C, B) groups: returns [dx, sum(dy), "
                   "sum(dy * xhat)] with dx = g*rstd*(dy - mean(dy) - xhat*mean(dy*xhat))."))


# ---- LayerNorm / InstanceNorm / GroupNorm ----------------------------------------------

def _mean_std_names(a):
    return ("output", "mean", "std") if a["output_mean_var"] else ("output",)


def _mean_std_count(a):
    return 3 if a["output_mean_var"] else 1


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


def _layernorm_infer(a, shapes, dtypes):
    op, ds = "LayerNorm", tuple(shapes[0])
    float_only(op, dtypes[0], ds)
    axis = a["axis"]
    if not -len(ds) <= axis < len(ds):
        raise MXNetValueError("Operator LayerNorm: axis %d out of range for data %s" % (axis, ds))
    ax = axis % len(ds)
    for i, what in ((1, "gamma"), (2, "beta")):
        _fill_vec(op, shapes, dtypes, i, ds[ax], what, ds, dtypes[0])
    if a["output_mean_var"]:
        sshape = tuple(1 if i == ax else d for i, d in enumerate(ds))
        return [ds, sshape, sshape], [dtypes[0]] * 3
    return [ds], [dtypes[0]]


def _layernorm(data, gamma, beta, out, axis=-1, eps=1e-5, output_mean_var=False):
    op = "LayerNorm"
    y = out[0] if output_mean_var else out
    ax = axis % data.ndim
    last = data.ndim - 1
    D = data.shape[ax]
    g, b = _vec(gamma, D, data), _vec(beta, D, data)
    # the normalized axis moved last: rows of D contiguous elements
    xt = _c.contiguous(_swap_last(data, ax))
    R = prod(xt.shape[:-1])
    xhat, mean, var = _group_norm_core(_c.reshape(xt, (1, R, D)), eps, op)
    if ax == last:
        _affine(_c.reshape(xhat, (R, D, 1)), g, b, _c.reshape(y, (R, D, 1)), op)
    else:
        yt = _affine(_c.reshape(xhat, (R, D, 1)), g, b, _c.empty((R, D, 1), data.dtype, data.context), op)
        _c.copyto(y, _swap_last(_c.reshape(yt, xt.shape), ax), op)
    if output_mean_var:
        # the statistics are laid out like xt's rows: (xt.shape[:-1], 1), then swapped back
        rows = tuple(xt.shape[:-1]) + (1,)
        _c.copyto(out[1], _swap_last(_c.reshape(mean, rows), ax), op)
        _c.copyto(out[2], _swap_last(_c.reshape(_std(var, eps), rows), ax), op)


def _channel_groups(op: str, ds: tuple, G: int) -> None:
    if len(ds) < 2:
        raise MXNetValueError("Operator %s: data must be (N, C, ...), got %s" % (op, ds))
    C = ds[1]
    if G <= 0 or C % G:
        raise MXNetValueError("Operator %s: %d channels are not divisible into %d groups" % (op, C, G))


def _groupnorm_infer(a, shapes, dtypes):
    op, ds = "GroupNorm", tuple(shapes[0])
    G = a["num_groups"]
    float_only(op, dtypes[0], ds)
    _channel_groups(op, ds, G)
    for i, what in ((1, "gamma"), (2, "beta")):
        # MXNet 1.9.1's GroupNorm has per-group gamma/beta; per-channel ones are accepted too
        _fill_vec(op, shapes, dtypes, i, G, what, ds, dtypes[0], alt=ds[1])
    if a["output_mean_var"]:
        return [ds, (ds[0], G), (ds[0], G)], [dtypes[0]] * 3
    return [ds], [dtypes[0]]


def _instancenorm_infer(a, shapes, dtypes):
    op, ds = "InstanceNorm", tuple(shapes[0])
    if len(ds) < 2:
        raise MXNetValueError("Operator InstanceNorm: data must be (N, C, ...), got %s" % (ds,))
    float_only(op, dtypes[0], ds)
    _channel_groups(op, ds, ds[1])
    for i, what in ((1, "gamma"), (2, "beta")):
        _fill_vec(op, shapes, dtypes, i, ds[1], what, ds, dtypes[0])
    return [ds], [dtypes[0]]


def per_channel(v, G, C, like):
    """GroupNorm's gamma/beta: per group (num_groups,) as MXNet 1.9 has them,
    or per channel (C,); returned per channel."""
    if v.size == G and G != C:
        return _c.contiguous(F.repeat(_vec(v, G, like), repeats=C // G))
    return _vec(v, C, like)


def _gn_forward(data, gamma, beta, G, eps, y, op):
    """Writes y; returns the per-(sample, group) mean and variance."""
    N, C = data.shape[0], data.shape[1]
    S = prod(data.shape[2:])
    g, b = per_channel(gamma, G, C, data), per_channel(beta, G, C, data)
    x = _c.contiguous(data)
    xhat, mean, var = _group_norm_core(_c.reshape(x, (1, N * G, (C // G) * S)), eps, op)
    _affine(_c.reshape(xhat, (N, C, S)), g, b, _c.reshape(y, (N, C, S)), op)
    return mean, var


def _groupnorm(data, gamma, beta, out, num_groups=1, eps=1e-5, output_mean_var=False):
    y = out[0] if output_mean_var else out
    mean, var = _gn_forward(data, gamma, beta, num_groups, eps, y, "GroupNorm")
    if output_mean_var:
        N = data.shape[0]
        _c.copyto(out[1], _c.reshape(mean, (N, num_groups)), "GroupNorm")
        _c.copyto(out[2], _c.reshape(_std(var, eps), (N, num_groups)), "GroupNorm")


def _instancenorm(data, gamma, beta, out, eps=1e-3):
    _gn_forward(data, gamma, beta, data.shape[1], eps, out, "InstanceNorm")


_GB = ("data", "gamma", "beta")
register(OpDef("LayerNorm", _layernorm, infer=_layernorm_infer, inputs=_GB, infers_inputs=("gamma", "beta"),
               num_outputs=_mean_std_count, output_names=_mean_std_names,
               attrs=(Attr("axis", "int", -1, "Normalized axis."), Attr("eps", "float", 1e-5, "Added to var."),
                      Attr("output_mean_var", "bool", False, "Also return mean and std.")),
               doc="Layer normalization along one axis, then gamma * xhat + beta.\n\n"
                   ">>> mx.nd.LayerNorm(mx.nd.array([[1, 3]]), mx.nd.ones(2), mx.nd.zeros(2)).asnumpy().round(3)\n"
                   "array([[-1.,  1.]], dtype=float32)"))
register(OpDef("GroupNorm", _groupnorm, infer=_groupnorm_infer, inputs=_GB, infers_inputs=("gamma", "beta"),
               num_outputs=_mean_std_count, output_names=_mean_std_names,
               attrs=(Attr("num_groups", "int", 1, "Number of channel groups."),
                      Attr("eps", "float", 1e-5, "Added to var."),
                      Attr("output_mean_var", "bool", False, "Also return mean and std.")),
               doc="Group normalization over (channels of a group, spatial) per sample; per-channel affine.\n\n"
                   ">>> mx.nd.GroupNorm(mx.nd.ones((2, 4, 3)), mx.nd.ones(4), mx.nd.zeros(4), num_groups=2).shape\n"
                   "(2, 4, 3)"))
register(OpDef("InstanceNorm", _instancenorm, infer=_instancenorm_infer, inputs=_GB,
               infers_inputs=("gamma", "beta"),
               attrs=(Attr("eps", "float", 1e-3, "Added to var."),),
               doc="Instance normalization over the spatial axes per sample and channel.\n\n"
                   ">>> mx.nd.InstanceNorm(mx.nd.ones((2, 3, 4)), mx.nd.ones(3), mx.nd.zeros(3)).shape\n(2, 3, 4)"))


# ---- L2Normalization, LRN ---------------------------------------------------------------

def l2_axes(ndim: int, mode: str) -> tuple:
    if mode == "instance":
        return tuple(range(1, ndim))
    if mode == "channel":
        return (1,)
    return tuple(range(2, ndim))


def _l2norm_infer(a, shapes, dtypes):
    ds, mode = tuple(shapes[0]), a["mode"]
    float_only("L2Normalization", dtypes[0], ds)
    if len(ds) < (3 if mode == "spatial" else 2):
        raise MXNetValueError("Operator L2Normalization: data %s has too few axes for mode=%r" % (ds, mode))
    return [ds], [dtypes[0]]


def _l2norm(data, out, eps=1e-10, mode="instance"):
    r = F.rsqrt(F.sum(F.square(data), axis=l2_axes(data.ndim, mode), keepdims=True) + eps)
    F.broadcast_mul(data, r, out=out)


register(OpDef("L2Normalization", _l2norm, infer=_l2norm_infer,
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
    N, C = data.shape[0], data.shape[1]
    band = lrn_band(C, nsize, data.dtype, data.context)
    sq = F.square(data).reshape((N, C, -1))
    s = F.batch_dot(F.broadcast_to(band.reshape((1, C, C)), shape=(N, C, C)), sq)
    return band, (s * (alpha / nsize) + knorm).reshape(data.shape)


def _lrn_infer(a, shapes, dtypes):
    ds, nsize = tuple(shapes[0]), a["nsize"]
    float_only("LRN", dtypes[0], ds)
    if nsize is None:
        raise MXNetTypeError("Operator LRN: missing required attribute 'nsize'")
    if len(ds) < 3 or nsize < 1:
        raise MXNetValueError("Operator LRN: expects (N, C, ...) data and nsize >= 1, got %s, nsize=%d"
                              % (ds, nsize))
    return [ds], [dtypes[0]]


def _lrn(data, out, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None):
    _, d = lrn_parts(data, alpha, knorm, nsize)
    _c.binary("mul", data, F.power(d, -beta), out=out, opname="LRN")


register(OpDef("LRN", _lrn, infer=_lrn_infer,
               attrs=(Attr("alpha", "float", 1e-4, "Scale."), Attr("beta", "float", 0.75, "Exponent."),
                      Attr("knorm", "float", 2.0, "Offset."), Attr("nsize", "int", None, "Window size (required).")),
               doc="Local response normalization across channels.\n\n"
                   ">>> mx.nd.LRN(mx.nd.ones((1, 3, 2, 2)), nsize=3).shape\n(1, 3, 2, 2)"))
