"""Resampling layers: UpSampling (nearest, bilinear) and BilinearResize2D.

Nearest UpSampling is one strided copy per input: the input seen with zero
strides along two new axes, (N, C, H, s, W, s), copied straight into its
channel slice of the output.  Bilinear UpSampling is the depthwise
Deconvolution MXNet runs.  BilinearResize2D is two products with the
(out, in) interpolation matrices of the rows and of the columns.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetValueError
from gluonx.ops.registry import F, Attr, OpDef, register, REQUIRED
from gluonx.ops.shape_rules import fill_dtype, float_only, same_dtype

# ---- UpSampling (nearest, bilinear) ----------------------------------------------------


def upsampling_scales(shapes: list, scale: int) -> list:
    """Per input (N, C, H, W): the factor that takes it to the first input's H * scale."""
    H = None
    out = []
    for s in shapes:
        if len(s) != 4:
            raise MXNetValueError("Operator UpSampling: inputs must be 4-D (N, C, H, W), got %s" % (tuple(s),))
        if H is None:
            H = s[2]
        if s[2] == 0:
            if H:
                raise MXNetValueError("Operator UpSampling: input %s cannot be scaled to height %d"
                                      % (tuple(s), H * scale))
            out.append(scale)  # empty inputs stay empty
            continue
        if (H * scale) % s[2]:
            raise MXNetValueError("Operator UpSampling: input %s cannot be scaled to height %d"
                                  % (tuple(s), H * scale))
        out.append(H * scale // s[2])
    return out


def bilinear_up_geometry(scale: int):
    """(kernel, stride, pad) of the depthwise Deconvolution that MXNet's bilinear
    UpSampling is: kernel 2s - s % 2, stride s, pad ceil((s - 1) / 2)."""
    k = 2 * scale - scale % 2
    p = scale // 2  # == ceil((scale - 1) / 2)
    return (k, k), (scale, scale), (p, p)


def _bilinear_up_infer(a, shapes, dtypes):
    scale, num_filter = a["scale"], a["num_filter"]
    if len(shapes) != 2:
        raise MXNetValueError("Operator UpSampling: sample_type='bilinear' takes exactly two inputs (data, "
                              "weight), got %d" % len(shapes))
    ds = tuple(shapes[0])
    if len(ds) != 4:
        raise MXNetValueError("Operator UpSampling: bilinear data must be 4-D (N, C, H, W), got %s" % (ds,))
    C = ds[1]
    want = (C, 1) + bilinear_up_geometry(scale)[0]
    if shapes[1] is None:  # MXNet infers the weight from the data
        shapes[1] = want
    elif tuple(shapes[1]) != want:
        raise MXNetValueError("Operator UpSampling: bilinear weight has shape %s, expected %s (channels, 1, "
                              "2*scale - scale %% 2, same) for data %s and scale=%d"
                              % (tuple(shapes[1]), want, ds, scale))
    if num_filter != C:
        raise MXNetValueError("Operator UpSampling: bilinear needs num_filter equal to the number of channels "
                              "(%d) of data %s, got num_filter=%d" % (C, ds, num_filter))
    fill_dtype(dtypes, 1, dtypes[0])
    dt = same_dtype("UpSampling", dtypes, ("data", "weight"), shapes)
    # (H - 1) * s - 2 * pad + kernel == H * s for this geometry
    return [(ds[0], C, ds[2] * scale, ds[3] * scale)], [dt]


def _upsampling_infer(a, shapes, dtypes):
    scale = a["scale"]
    if not shapes:
        raise MXNetValueError("Operator UpSampling: needs at least one input")
    if scale < 1 or scale >= 1 << 63:   # (empty data passes the size checks; the kernel takes a C long)
        raise MXNetValueError("Operator UpSampling: scale must be in [1, 2**63 - 1], got %d" % scale)
    if a["sample_type"] == "bilinear":
        return _bilinear_up_infer(a, shapes, dtypes)
    factors = upsampling_scales(shapes, scale)
    N, C, H, W = shapes[0]
    oh, ow = H * scale, W * scale
    total = 0
    for s, f in zip(shapes, factors):
        # MXNet scales every input by its height factor; the widths must then agree too
        if s[0] != N or s[3] * f != ow:
            raise MXNetValueError("Operator UpSampling: input %s cannot be scaled to (N, H, W) = (%d, %d, %d) "
                                  "of the first input %s at scale=%d" % (tuple(s), N, oh, ow, tuple(shapes[0]),
                                                                         scale))
        if a["multi_input_mode"] == "sum" and s[1] != C:
            raise MXNetValueError("Operator UpSampling: multi_input_mode='sum' needs inputs with one number of "
                                  "channels, got %s and %s" % (tuple(shapes[0]), tuple(s)))
        total += s[1]
    names = tuple("arg%d" % i for i in range(len(shapes)))
    dt = same_dtype("UpSampling", dtypes, names, shapes)
    return [(N, C if a["multi_input_mode"] == "sum" else total, oh, ow)], [dt]


def _repeat_view(x, s: int):
    """x (N, C, H, W) seen as (N, C, H, s, W, s) with zero strides on the repeat axes."""
    N, C, H, W = x.shape
    st = x.strides
    return _c.as_strided(x, (N, C, H, s, W, s), (st[0], st[1], st[2], 0, st[3], 0), 0)


def _nearest(x, s: int):
    """x (N, C, H, W) repeated s times along H and W (a new array)."""
    N, C, H, W = x.shape
    o = _c.empty((N, C, H, s, W, s), x.dtype, x.context)
    _c.copyto(o, _repeat_view(x, s))
    return _c.reshape(o, (N, C, H * s, W * s))


def _channel_slice6(out, c0: int, C: int, H: int, s: int, W: int):
    """Channels [c0, c0 + C) of the contiguous output (N, Ct, H*s, W*s) as (N, C, H, s, W, s)."""
    N, Ct, Ho, Wo = out.shape
    return _c.as_strided(out, (N, C, H, s, W, s), (Ct * Ho * Wo, Ho * Wo, s * Wo, Wo, s, 1), c0 * Ho * Wo)


def _upsampling(*data, out, scale=REQUIRED, sample_type="nearest", num_filter=0, multi_input_mode="concat",
                num_args=1, workspace=512):
    if sample_type == "bilinear":
        x, w = data
        kernel, stride, pad = bilinear_up_geometry(scale)
        C = x.shape[1]
        F.Deconvolution(x, w, kernel=kernel, stride=stride, pad=pad, num_filter=C, num_group=C, no_bias=True,
                        out=out)
        return
    c0 = 0
    for i, (x, s) in enumerate(zip(data, upsampling_scales([x.shape for x in data], scale))):
        N, C, H, W = x.shape
        if multi_input_mode == "sum" and i > 0:
            _c.binary("add", out, _nearest(x, s), out=out, opname="UpSampling")
            continue
        # concat (or the first input of a sum): straight into the output's channel slice
        _c.copyto(_channel_slice6(out, c0, C, H, s, W), _repeat_view(x, s), "UpSampling")
        c0 += C


def _upsampling_input_names(a):
    # MXNet: (data, weight) for bilinear; arg0, arg1, ... (num_args) for nearest
    if a["sample_type"] == "bilinear":
        return ("data", "weight")
    return tuple("arg%d" % i for i in range(a["num_args"]))


register(OpDef("UpSampling", _upsampling, infer=_upsampling_infer, variadic=True, inputs=("data", "weight"),
               infers_inputs=("weight",), input_names=_upsampling_input_names,
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


# ---- BilinearResize2D ---------------------------------------------------------------------

def interp_matrix(n_in: int, n_out: int, align_corners: bool, dtype, ctx):
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


def resize_size(dshape: tuple, height, width, scale_height, scale_width, mode: str,
                like_shape: Optional[tuple] = None) -> tuple:
    """Output (height, width) of BilinearResize2D for data (N, C, H, W) (MXNet 1.9.1's
    rules).  A size that rounds to 0 (small scales, to_even_down of 1) gives an empty
    output, as in MXNet."""
    op = "Operator BilinearResize2D"
    H, W = dshape[2], dshape[3]
    if mode != "like" and like_shape is not None:
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
        if like_shape is None:
            raise MXNetValueError("%s: mode='like' needs a second input `like` (N, C, H, W)" % op)
        if len(like_shape) != 4:
            raise MXNetValueError("%s: like must be 4-D (N, C, H, W), got %s" % (op, tuple(like_shape)))
        oh, ow = like_shape[2], like_shape[3]
    else:
        want = 0 if mode.startswith("to_even") else 1
        step = -1 if mode.endswith("down") else 1
        oh = H if H % 2 == want else H + step
        ow = W if W % 2 == want else W + step
    return oh, ow


def _bilinear_infer(a, shapes, dtypes):
    ds = tuple(shapes[0])
    float_only("BilinearResize2D", dtypes[0], ds)
    if len(ds) != 4:
        raise MXNetValueError("Operator BilinearResize2D: data must be (N, C, H, W), got %s" % (ds,))
    like = shapes[1] if len(shapes) > 1 else None
    oh, ow = resize_size(ds, a["height"], a["width"], a["scale_height"], a["scale_width"], a["mode"], like)
    return [(ds[0], ds[1], oh, ow)], [dtypes[0]]


def _bilinear(data, like, out, height=1, width=1, scale_height=None, scale_width=None, mode="size",
              align_corners=True):
    N, C, H, W = data.shape
    oh, ow = out.shape[2], out.shape[3]
    if out.size == 0 or H * W == 0:
        if out.size:
            _c.fill(out, 0)
        return
    ry = interp_matrix(H, oh, align_corners, data.dtype, data.context)
    rx = interp_matrix(W, ow, align_corners, data.dtype, data.context)
    t = F.dot(data.reshape((N * C * H, W)), rx, transpose_b=True).reshape((N * C, H, ow))
    F.batch_dot(F.broadcast_to(ry.reshape((1, oh, H)), shape=(N * C, oh, H)), t,
                out=_c.reshape(out, (N * C, oh, ow)))


register(OpDef("BilinearResize2D", _bilinear, infer=_bilinear_infer, inputs=("data", "like"), optional=("like",),
               input_names=lambda a: ("data", "like") if a["mode"] == "like" else ("data",),
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
