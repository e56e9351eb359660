"""Gradient rules of nn_resample.py: nearest UpSampling sums the head gradient
over each repeated block, bilinear UpSampling takes the gradients of its
depthwise Deconvolution, BilinearResize2D multiplies by the transposed
interpolation matrices."""
from __future__ import annotations

from gluonx.ops.nn_conv_grad import _conv_to
from gluonx.ops.nn_resample import bilinear_up_geometry, interp_matrix, upsampling_scales
from gluonx.ops.registry import F, defgrad


@defgrad("UpSampling")
def _upsampling_grad(node, dy):
    xs = node.inputs
    if node.attrs["sample_type"] == "bilinear":
        # the gradients of the depthwise Deconvolution (see nn_conv_grad.py)
        x, w = xs
        kernel, stride, pad = bilinear_up_geometry(node.attrs["scale"])
        C = x.shape[1]
        dx = _conv_to(dy, w, x.shape, kernel, stride, (1, 1), pad, C)
        dw = F._conv_weight_grad(dy, x, kernel=kernel, stride=stride, dilate=(1, 1), pad=pad, num_group=C)
        return dx, dw
    scales = upsampling_scales([x.shape for x in xs], node.attrs["scale"])
    grads = []
    c0 = 0
    for x, s in zip(xs, scales):
        N, C, H, W = x.shape
        part = dy if (len(xs) == 1 or node.attrs["multi_input_mode"] == "sum") else \
            F.slice_axis(dy, axis=1, begin=c0, end=c0 + C)
        c0 += C
        grads.append(F.sum(part.reshape((N, C, H, s, W, s)), axis=(3, 5)))
    return tuple(grads)


@defgrad("BilinearResize2D")
def _bilinear_grad(node, dy):
    x = node.inputs[0]
    a = node.attrs
    N, C, H, W = x.shape
    oh, ow = dy.shape[2], dy.shape[3]
    if dy.size == 0 or x.size == 0:
        return F.zeros_like(x), None
    ry = interp_matrix(H, oh, a["align_corners"], x.dtype, x.context)
    rx = interp_matrix(W, ow, a["align_corners"], x.dtype, x.context)
    t = F.dot(dy.reshape((N * C * oh, ow)), rx).reshape((N * C, oh, W))
    g = F.batch_dot(F.broadcast_to(ry.reshape((1, oh, H)), shape=(N * C, oh, H)), t, transpose_a=True)
    return g.reshape(x.shape), None
