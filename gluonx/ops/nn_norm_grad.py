"""Gradient rules of nn_norm.py (those of the resampling layers are in nn_resample_grad.py).

The statistics-based norms use the fused ``_norm_backward`` op (one pass
per group for the sums, one for dx) with the mean and variance the forward
saved on the node.  ``_norm_backward`` has its own rule (second
derivatives: gradient penalties through BatchNorm, LayerNorm, InstanceNorm,
GroupNorm); it treats its mean and var inputs as the statistics of x, as every
caller passes them, so it differentiates through them and returns no gradient
for them.  The other rules are compositions of operators.
"""
from __future__ import annotations

from gluonx.ops.nn_norm import bn_dims, l2_axes, lrn_parts
from gluonx.ops.registry import F, defgrad


@defgrad("BatchNorm")
def _batchnorm_grad(node, dy, *rest):
    data, gamma, beta, mm, mv = node.inputs
    a = node.attrs
    A, C, B, ax = bn_dims(data.shape, a["axis"])
    flag, mean, var = a["_saved"]
    g = F.ones((C,), dtype=data.dtype) if a["fix_gamma"] else gamma.reshape((C,)).astype(data.dtype)
    x3, dy3 = data.reshape((A, C, B)), dy.reshape((A, C, B))
    if flag:
        dx, sdy, sdx = F._norm_backward(x3, dy3, mean, var, g, eps=a["eps"])
        dx = dx.reshape(data.shape)
    else:
        rstd = F.rsqrt(var + a["eps"])
        dx = F.broadcast_mul(dy3, (g * rstd).reshape((1, C, 1))).reshape(data.shape)
        sdy = F.sum(dy3, axis=(0, 2))
        xhat = F.broadcast_mul(F.broadcast_sub(x3, mean.reshape((1, C, 1))), rstd.reshape((1, C, 1)))
        sdx = F.sum(dy3 * xhat, axis=(0, 2))
    dgamma = F.zeros_like(gamma) if a["fix_gamma"] else sdx.reshape(gamma.shape)
    return (dx, dgamma, sdy.reshape(beta.shape), None, None)


def _grouped_grad(xg, dxhat_g, eps):
    """dx (like xg) and xhat for groups (1, G, M)."""
    G = xg.shape[1]
    mean = F.mean(xg, axis=(0, 2))
    var = F.mean(F.square(F.broadcast_sub(xg, mean.reshape((1, G, 1)))), axis=(0, 2))
    dx = F._norm_backward(xg, dxhat_g, mean, var, F.ones((G,), dtype=xg.dtype), eps=eps)[0]
    xhat = F.broadcast_mul(F.broadcast_sub(xg, mean.reshape((1, G, 1))), F.rsqrt(var + eps).reshape((1, G, 1)))
    return dx, xhat


@defgrad("LayerNorm")
def _layernorm_grad(node, dy, *rest):
    data, gamma, beta = node.inputs
    a = node.attrs
    ax = a["axis"] % data.ndim
    D = data.shape[ax]
    last = data.ndim - 1
    # swapaxes (an operator, unlike a strided view) keeps the graph for second derivatives
    xt = F.swapaxes(data, ax, last) if ax != last else data
    dyt = F.swapaxes(dy, ax, last) if ax != last else dy
    tshape = xt.shape
    dxhat = F.broadcast_mul(dyt, gamma.reshape((D,)))
    dx, xhat = _grouped_grad(xt.reshape((1, -1, D)), dxhat.reshape((1, -1, D)), a["eps"])
    dx = F.swapaxes(dx.reshape(tshape), ax, data.ndim - 1) if ax != data.ndim - 1 else dx.reshape(tshape)
    d2 = dyt.reshape((-1, D))
    dgamma = F.sum(d2 * xhat.reshape((-1, D)), axis=0).reshape(gamma.shape)
    dbeta = F.sum(d2, axis=0).reshape(beta.shape)
    return (dx, dgamma, dbeta)


def _gn_grad(node, dy, G):
    data, gamma, beta = node.inputs
    N, C = data.shape[0], data.shape[1]
    eps = node.attrs["eps"]
    dy3 = dy.reshape((N, C, -1))
    gc = F.repeat(gamma.reshape((-1,)), repeats=C // gamma.size) if gamma.size != C else gamma
    dxhat = F.broadcast_mul(dy3, gc.reshape((1, C, 1)))
    dx, xhat = _grouped_grad(data.reshape((1, N * G, -1)), dxhat.reshape((1, N * G, -1)), eps)
    dgamma = F.sum(dy3 * xhat.reshape((N, C, -1)), axis=(0, 2))
    dbeta = F.sum(dy3, axis=(0, 2))
    if gamma.size != C:
        dgamma = F.sum(dgamma.reshape((gamma.size, -1)), axis=1)
    if beta.size != C:
        dbeta = F.sum(dbeta.reshape((beta.size, -1)), axis=1)
    return (dx.reshape(data.shape), dgamma.reshape(gamma.shape), dbeta.reshape(beta.shape))


@defgrad("GroupNorm")
def _groupnorm_grad(node, dy, *rest):
    return _gn_grad(node, dy, node.attrs["num_groups"])


@defgrad("InstanceNorm")
def _instancenorm_grad(node, dy):
    return _gn_grad(node, dy, node.inputs[0].shape[1])


@defgrad("L2Normalization")
def _l2_grad(node, dy):
    x = node.inputs[0]
    axes = l2_axes(x.ndim, node.attrs["mode"])
    r = F.rsqrt(F.sum(F.square(x), axis=axes, keepdims=True) + node.attrs["eps"])
    s = F.sum(dy * x, axis=axes, keepdims=True)
    return (F.broadcast_mul(dy, r) - F.broadcast_mul(x, s * r * r * r),)


@defgrad("LRN")
def _lrn_grad(node, dy):
    x = node.inputs[0]
    a = node.attrs
    band, d = lrn_parts(x, a["alpha"], a["knorm"], a["nsize"])
    N, C = x.shape[0], x.shape[1]
    t = (dy * x * F.power(d, -a["beta"] - 1.0) * (-a["beta"])).reshape((N, C, -1))
    bt = F.batch_dot(F.broadcast_to(band.reshape((1, C, C)), shape=(N, C, C)), t, transpose_a=True)
    return (dy * F.power(d, -a["beta"]) + x * bt.reshape(x.shape) * (2.0 * a["alpha"] / a["nsize"]),)


@defgrad("_norm_backward")
def _norm_backward_grad(node, gdx, gs1, gs2):
    """Derivative of [dx, s1, s2] = _norm_backward(x, dy, mean, var, g).

    Per group (sums over axes 0 and 2, M elements): xc = x - mean(x),
    r = (mean(xc^2) + eps)^-1/2, xhat = xc*r, s1 = sum(dy), a = sum(dy*xc)
    (so s2 = r*a), dx = g*r*(dy - s1/M - xhat*s2/M).  With b = sum(gdx*xc)
    and c0 = sum(gdx*dy) - s1/M*sum(gdx), the scalar sum(gdx*dx) + gs1*s1 +
    gs2*s2 is L = g*c0*r - g/M*r^3*a*b + gs2*r*a, whence
      dL/dx  = centre(dL/da*dy + dL/db*gdx - dL/dr*r^3/M*xc)
      dL/ddy = g*r*(gdx - mean(gdx) - xhat*mean(gdx*xhat)) + gs1 + gs2*xhat
      dL/dg  = r*c0 - r^3*a*b/M
    The statistics are recomputed from x with operators so that the rule is
    differentiable again."""
    x, dy, _mean, _var, g = node.inputs
    eps = node.attrs["eps"]
    A, C, B = x.shape
    M = float(A * B)

    def bc(v):
        return v.reshape((1, C, 1))

    def gsum(v):
        return F.sum(v, axis=(0, 2))

    mu = gsum(x) / M
    xc = F.broadcast_sub(x, bc(mu))
    r = F.rsqrt(gsum(F.square(xc)) / M + eps)
    r3 = r * r * r
    g = g.reshape((C,))
    s1 = gsum(dy)
    a = gsum(dy * xc)
    b = gsum(gdx * xc)
    c0 = gsum(gdx * dy) - s1 / M * gsum(gdx)
    gs1, gs2 = gs1.reshape((C,)), gs2.reshape((C,))
    dLdr = g * c0 - 3.0 / M * g * r * r * a * b + gs2 * a
    dLda = -g / M * r3 * b + gs2 * r
    dLdb = -g / M * r3 * a
    gxc = (F.broadcast_mul(dy, bc(dLda)) + F.broadcast_mul(gdx, bc(dLdb))
           - F.broadcast_mul(xc, bc(dLdr * r3 / M)))
    gx = F.broadcast_sub(gxc, bc(gsum(gxc) / M))
    xhat = F.broadcast_mul(xc, bc(r))
    gr = g * r
    ddy = (F.broadcast_mul(gdx, bc(gr)) + bc(gs1 - gr * gsum(gdx) / M)
           + F.broadcast_mul(xhat, bc(gs2 - gr * r * b / M)))
    dg = r * c0 - r3 * a * b / M
    return (gx, ddy, None, None, dg.reshape(node.inputs[4].shape))
