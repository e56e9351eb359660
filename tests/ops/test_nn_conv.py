"""Convolution, Deconvolution and Pooling against a direct NumPy reference
and against outputs/gradients of real MXNet 1.9.1 (tests/data/ops/nn_conv_mxnet.npz)."""
import itertools
import json
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError

nd = mx.nd
DATA = os.path.join(os.path.dirname(__file__), "..", "data", "ops", "nn_conv_mxnet.npz")


# ---- direct NumPy references --------------------------------------------------------------

def ref_conv(x, w, b, stride, pad, dilate, G):
    N, C = x.shape[:2]
    F, Cg = w.shape[:2]
    k = w.shape[2:]
    nsp = len(k)
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    osp = [(xp.shape[2 + i] - dilate[i] * (k[i] - 1) - 1) // stride[i] + 1 for i in range(nsp)]
    y = np.zeros((N, F) + tuple(osp))
    Fg = F // G
    for g in range(G):
        xg = xp[:, g * Cg:(g + 1) * Cg]
        for off in itertools.product(*[range(kk) for kk in k]):
            sl = tuple(slice(off[i] * dilate[i], off[i] * dilate[i] + stride[i] * (osp[i] - 1) + 1, stride[i])
                       for i in range(nsp))
            patch = xg[(slice(None), slice(None)) + sl]  # (N, Cg, *osp)
            wk = w[(slice(g * Fg, (g + 1) * Fg), slice(None)) + off]  # (Fg, Cg)
            y[:, g * Fg:(g + 1) * Fg] += np.einsum("nc...,fc->nf...", patch, wk)
    if b is not None:
        y += b.reshape((1, F) + (1,) * nsp)
    return y


def ref_deconv(x, w, stride, pad, dilate, adj, G):
    N, C = x.shape[:2]
    Fg = w.shape[1]
    k = w.shape[2:]
    nsp = len(k)
    isp = x.shape[2:]
    full = [stride[i] * (isp[i] - 1) + dilate[i] * (k[i] - 1) + 1 + adj[i] for i in range(nsp)]
    y = np.zeros((N, Fg * G) + tuple(full))
    Cg = C // G
    for g in range(G):
        for off in itertools.product(*[range(kk) for kk in k]):
            sl = tuple(slice(off[i] * dilate[i], off[i] * dilate[i] + stride[i] * (isp[i] - 1) + 1, stride[i])
                       for i in range(nsp))
            wk = w[(slice(g * Cg, (g + 1) * Cg), slice(None)) + off]  # (Cg, Fg)
            y[(slice(None), slice(g * Fg, (g + 1) * Fg)) + sl] += np.einsum("nc...,cf->nf...",
                                                                            x[:, g * Cg:(g + 1) * Cg], wk)
    return y[(slice(None), slice(None)) + tuple(slice(p, f - p) for p, f in zip(pad, full))]


def ref_pool(x, kernel, stride, pad, kind, convention="valid", count_include_pad=True, p=2):
    nsp = len(kernel)
    isp = x.shape[2:]
    if convention == "valid":
        osp = [(isp[i] + 2 * pad[i] - kernel[i]) // stride[i] + 1 for i in range(nsp)]
    else:
        osp = [-(-(isp[i] + 2 * pad[i] - kernel[i]) // stride[i]) + 1 for i in range(nsp)]
    y = np.zeros(x.shape[:2] + tuple(osp))
    for o in itertools.product(*[range(n) for n in osp]):
        lo = [o[i] * stride[i] - pad[i] for i in range(nsp)]
        hi_pad = [min(lo[i] + kernel[i], isp[i] + pad[i]) for i in range(nsp)]
        cl = [max(v, 0) for v in lo]
        ch = [min(h, isp[i]) for i, h in enumerate(hi_pad)]
        win = x[(slice(None), slice(None)) + tuple(slice(a, b) for a, b in zip(cl, ch))].reshape(x.shape[:2] + (-1,))
        idx = (slice(None), slice(None)) + o
        if kind == "max":
            y[idx] = win.max(-1)
        elif kind == "sum":
            y[idx] = win.sum(-1)
        elif kind == "lp":
            y[idx] = np.cbrt((win ** p).sum(-1)) if p == 3 else ((win ** p).sum(-1)) ** (1.0 / p)
        else:
            cnt = np.prod([h - l for h, l in zip(hi_pad, lo)]) if count_include_pad else \
                np.prod([b - a for a, b in zip(cl, ch)])
            y[idx] = win.sum(-1) / cnt
    return y


def _r(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape)


# ---- forward against NumPy ------------------------------------------------------------------

CONV_CASES = [
    # data shape, num_filter, kernel, stride, pad, dilate, groups
    ((2, 3, 9), 4, (3,), (1,), (0,), (1,), 1),
    ((2, 4, 10), 6, (3,), (2,), (2,), (2,), 2),
    ((2, 3, 7, 6), 5, (3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((1, 4, 8, 7), 4, (3, 2), (2, 3), (1, 0), (2, 1), 4),
    ((3, 2, 5, 5), 2, (1, 1), (1, 1), (0, 0), (1, 1), 1),
    ((1, 2, 4, 5, 6), 4, (2, 3, 2), (1, 2, 2), (1, 0, 1), (1, 1, 2), 2),
]


@pytest.mark.parametrize("dshape,F,kernel,stride,pad,dilate,G", CONV_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_convolution_vs_numpy(dshape, F, kernel, stride, pad, dilate, G, dtype):
    x = _r(dshape)
    w = _r((F, dshape[1] // G) + kernel, 1)
    b = _r((F,), 2)
    y = nd.Convolution(nd.array(x, dtype=dtype), nd.array(w, dtype=dtype), nd.array(b, dtype=dtype),
                       kernel=kernel, stride=stride, pad=pad, dilate=dilate, num_filter=F, num_group=G)
    assert y.dtype == np.dtype(dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(y.asnumpy(), ref_conv(x, w, b, stride, pad, dilate, G), rtol=tol, atol=tol)


@pytest.mark.parametrize("dshape,F,kernel,stride,pad,dilate,G", CONV_CASES)
def test_deconvolution_vs_numpy(dshape, F, kernel, stride, pad, dilate, G):
    x = _r(dshape)
    w = _r((dshape[1], F // G) + kernel, 1)
    adj = tuple(min(s - 1, 1) for s in stride)
    y = nd.Deconvolution(nd.array(x, dtype="float64"), nd.array(w, dtype="float64"), kernel=kernel,
                         stride=stride, pad=pad, dilate=dilate, adj=adj, num_filter=F, num_group=G)
    np.testing.assert_allclose(y.asnumpy(), ref_deconv(x, w, stride, pad, dilate, adj, G), rtol=1e-12,
                               atol=1e-12)


def ref_weight_grad(x, dy, kernel, stride, pad, dilate, G):
    """d/dw of sum(dy * conv(x, w)): conv is linear in w, so probe each weight entry."""
    C, F = x.shape[1], dy.shape[1]
    dw = np.zeros((F, C // G) + kernel)
    for idx in np.ndindex(*dw.shape):
        e = np.zeros_like(dw)
        e[idx] = 1.0
        dw[idx] = np.sum(dy * ref_conv(x, e, None, stride, pad, dilate, G))
    return dw


# Small outputs (2x2, 1x1) make the kernels put many images into one GEMM; the
# batch sizes give groups that do not divide the batch, a single image, and
# more groups than threads.
@pytest.mark.parametrize("N", [1, 3, 17, 40])
@pytest.mark.parametrize("dshape,F,kernel,stride,pad,G", [
    ((4, 4, 4), 6, (3, 3), (2, 2), (1, 1), 2),
    ((3, 2, 2), 4, (1, 1), (1, 1), (0, 0), 1),
    ((2, 3, 3), 2, (3, 3), (1, 1), (0, 0), 1),
])
def test_image_groups(N, dshape, F, kernel, stride, pad, G):
    x, w = _r((N,) + dshape), _r((F, dshape[0] // G) + kernel, 1)
    dil = (1, 1)
    ref = ref_conv(x, w, None, stride, pad, dil, G)
    X, W = nd.array(x, dtype="float64"), nd.array(w, dtype="float64")
    y = nd.Convolution(X, W, kernel=kernel, stride=stride, pad=pad, num_filter=F, num_group=G, no_bias=True)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-12, atol=1e-12)
    dy = _r(ref.shape, 2)
    dw = nd._conv_weight_grad(X, nd.array(dy, dtype="float64"), kernel=kernel, stride=stride, pad=pad,
                              num_group=G)
    if N <= 3:  # the probing reference is slow; larger batches are checked against N <= 3 sums
        np.testing.assert_allclose(dw.asnumpy(), ref_weight_grad(x, dy, kernel, stride, pad, dil, G),
                                   rtol=1e-10, atol=1e-10)
    else:
        parts = [nd._conv_weight_grad(nd.array(x[i:i + 3], dtype="float64"), nd.array(dy[i:i + 3], dtype="float64"),
                                      kernel=kernel, stride=stride, pad=pad, num_group=G).asnumpy()
                 for i in range(0, N, 3)]
        np.testing.assert_allclose(dw.asnumpy(), sum(parts), rtol=1e-10, atol=1e-10)
    adj = tuple(n - (s * (o - 1) + k - 2 * p) for n, o, k, s, p in zip(dshape[1:], ref.shape[2:], kernel, stride, pad))
    dx = nd.Deconvolution(nd.array(dy, dtype="float64"), W, kernel=kernel, stride=stride, pad=pad, adj=adj,
                          num_filter=dshape[0], num_group=G)
    np.testing.assert_allclose(dx.asnumpy(), ref_deconv(dy, w, stride, pad, dil, adj, G), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("H,stride", [(8, 1), (4, 2), (16, 1)])
def test_threaded_groups_match_single_images(H, stride):
    """Batches big enough to split over threads agree with image-by-image calls
    (one image runs in turn, with BLAS threading the product)."""
    N, C, F = 12, 32, 32
    x, w, dy = _r((N, C, H, H)), _r((F, C, 3, 3), 1), None
    X, W = nd.array(x, dtype="float64"), nd.array(w, dtype="float64")
    kw = dict(kernel=(3, 3), stride=(stride, stride), pad=(1, 1))
    y = nd.Convolution(X, W, num_filter=F, no_bias=True, **kw)
    dy = nd.array(_r(y.shape, 3), dtype="float64")
    dx = nd.Deconvolution(dy, W, num_filter=C, adj=(H - (stride * (y.shape[2] - 1) + 1),) * 2, **kw)
    dw = nd._conv_weight_grad(X, dy, **kw)
    ys = [nd.Convolution(X[i:i + 1], W, num_filter=F, no_bias=True, **kw).asnumpy() for i in range(N)]
    dxs = [nd.Deconvolution(dy[i:i + 1], W, num_filter=C, adj=(H - (stride * (y.shape[2] - 1) + 1),) * 2,
                            **kw).asnumpy() for i in range(N)]
    dws = [nd._conv_weight_grad(X[i:i + 1], dy[i:i + 1], **kw).asnumpy() for i in range(N)]
    np.testing.assert_allclose(y.asnumpy(), np.concatenate(ys), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx.asnumpy(), np.concatenate(dxs), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dw.asnumpy(), sum(dws), rtol=1e-10, atol=1e-10)


def test_noncontiguous_inputs():
    x = _r((2, 6, 5, 4))
    xv = nd.array(x, dtype="float64")
    v = _c.as_strided(xv, (2, 3, 5, 4), (120, 40, 4, 1), 0)  # every other channel
    w = _r((2, 3, 2, 2), 1)
    wt = nd.array(np.ascontiguousarray(w.transpose(1, 0, 2, 3)), dtype="float64").transpose((1, 0, 2, 3))
    y = nd.Convolution(v, wt, kernel=(2, 2), num_filter=2, no_bias=True)
    np.testing.assert_allclose(y.asnumpy(), ref_conv(x[:, ::2], w, None, (1, 1), (0, 0), (1, 1), 1), rtol=1e-12)
    p = nd.Pooling(v, kernel=(2, 2), pool_type="avg")
    np.testing.assert_allclose(p.asnumpy(), ref_pool(x[:, ::2], (2, 2), (1, 1), (0, 0), "avg"), rtol=1e-12)


def test_float16_and_int():
    x, w = _r((1, 2, 5, 5)), _r((3, 2, 3, 3), 1)
    y = nd.Convolution(nd.array(x, dtype="float16"), nd.array(w, dtype="float16"), kernel=(3, 3), num_filter=3,
                       no_bias=True)
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.asnumpy(), ref_conv(x, w, None, (1, 1), (0, 0), (1, 1), 1), atol=2e-2)
    xi = np.arange(2 * 9).reshape(1, 2, 3, 3)
    p = nd.Pooling(nd.array(xi, dtype="int32"), kernel=(2, 2), pool_type="sum")
    assert p.dtype == np.int32
    np.testing.assert_array_equal(p.asnumpy(), ref_pool(xi.astype(float), (2, 2), (1, 1), (0, 0), "sum"))


POOL_CASES = [
    ((2, 3, 9), (3,), (2,), (1,)),
    ((2, 2, 7, 6), (3, 2), (2, 2), (1, 1)),
    ((1, 2, 6, 7), (2, 3), (2, 3), (0, 1)),
    ((1, 2, 4, 5, 6), (2, 2, 3), (2, 1, 2), (1, 0, 1)),
]


@pytest.mark.parametrize("dshape,kernel,stride,pad", POOL_CASES)
@pytest.mark.parametrize("kind", ["max", "avg", "sum"])
@pytest.mark.parametrize("convention", ["valid", "full"])
def test_pooling_vs_numpy(dshape, kernel, stride, pad, kind, convention):
    x = _r(dshape)
    y = nd.Pooling(nd.array(x, dtype="float64"), kernel=kernel, stride=stride, pad=pad, pool_type=kind,
                   pooling_convention=convention)
    np.testing.assert_allclose(y.asnumpy(), ref_pool(x, kernel, stride, pad, kind, convention), rtol=1e-12)
    if kind == "avg":
        y = nd.Pooling(nd.array(x, dtype="float64"), kernel=kernel, stride=stride, pad=pad, pool_type=kind,
                       pooling_convention=convention, count_include_pad=False)
        np.testing.assert_allclose(y.asnumpy(), ref_pool(x, kernel, stride, pad, kind, convention, False),
                                   rtol=1e-12)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_pooling_lp(p):
    x = _r((2, 2, 5, 4))
    y = nd.Pooling(nd.array(x, dtype="float64"), kernel=(2, 2), stride=(1, 2), pool_type="lp", p_value=p)
    np.testing.assert_allclose(y.asnumpy(), ref_pool(x, (2, 2), (1, 2), (0, 0), "lp", p=p), rtol=1e-10)


def test_pooling_global_and_same():
    x = _r((2, 3, 5, 4))
    y = nd.Pooling(nd.array(x), kernel=(2, 2), global_pool=True, pool_type="avg")
    assert y.shape == (2, 3, 1, 1)
    np.testing.assert_allclose(y.asnumpy()[..., 0, 0], x.mean(axis=(2, 3)), rtol=1e-5)
    s = nd.Pooling(nd.array(_r((1, 1, 7))), kernel=(3,), stride=(2,), pooling_convention="same")
    assert s.shape == (1, 1, 4)


def test_max_pooling_backward_first_max_on_ties():
    x = nd.array([[[1, 3, 3, 0, 2, 2]]])
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Pooling(x, kernel=(3,), stride=(3,))
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[[0, 1, 0, 0, 1, 0]]])


# ---- against real MXNet -------------------------------------------------------------------

def _mx_cases():
    z = np.load(DATA)
    return z, json.loads(str(z["meta"]))


_Z, _META = _mx_cases()


@pytest.mark.parametrize("i", range(len(_META)))
def test_against_mxnet(i):
    m = _META[i]
    args = [nd.array(_Z["x%d" % i])]
    if "w%d" % i in _Z:
        args.append(nd.array(_Z["w%d" % i]))
    if "b%d" % i in _Z:
        args.append(nd.array(_Z["b%d" % i]))
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in m["kwargs"].items()}
    for a in args:
        a.attach_grad()
    with mx.autograd.record():
        y = getattr(nd, m["op"])(*args, **kw)
        (y * nd.array(_Z["hw%d" % i])).sum().backward()
    np.testing.assert_allclose(y.asnumpy(), _Z["y%d" % i], rtol=1e-4, atol=1e-5)
    for j, a in enumerate(args):
        np.testing.assert_allclose(a.grad.asnumpy(), _Z["g%d_%d" % (i, j)], rtol=1e-4, atol=1e-4)


# ---- randomized sweep -----------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(nsp=st.integers(1, 3), k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 2),
       d=st.integers(1, 2), G=st.sampled_from([1, 2]), seed=st.integers(0, 1000))
def test_conv_sweep(nsp, k, s, p, d, G, seed):
    n = 5 if nsp < 3 else 4
    dshape = (2, 2 * G) + (n,) * nsp
    if d * (k - 1) + 1 > n + 2 * p:
        return
    x = _r(dshape, seed)
    w = _r((2 * G, 2) + (k,) * nsp, seed + 1)
    y = nd.Convolution(nd.array(x, dtype="float64"), nd.array(w, dtype="float64"), kernel=(k,) * nsp,
                       stride=(s,) * nsp, pad=(p,) * nsp, dilate=(d,) * nsp, num_filter=2 * G, num_group=G,
                       no_bias=True)
    np.testing.assert_allclose(y.asnumpy(), ref_conv(x, w, None, (s,) * nsp, (p,) * nsp, (d,) * nsp, G),
                               rtol=1e-10, atol=1e-12)
    if p < k:
        kind = ["max", "avg", "sum"][seed % 3]
        y = nd.Pooling(nd.array(x, dtype="float64"), kernel=(k,) * nsp, stride=(s,) * nsp, pad=(p,) * nsp,
                       pool_type=kind)
        np.testing.assert_allclose(y.asnumpy(), ref_pool(x, (k,) * nsp, (s,) * nsp, (p,) * nsp, kind), rtol=1e-12)


# ---- errors ---------------------------------------------------------------------------------

def test_errors():
    x = nd.ones((1, 3, 5, 5))
    with pytest.raises(MXNetError, match="weight has shape"):
        nd.Convolution(x, nd.ones((4, 2, 3, 3)), kernel=(3, 3), num_filter=4, no_bias=True)
    with pytest.raises(MXNetError, match="kernel size exceeds input"):
        nd.Convolution(x, nd.ones((4, 3, 7, 3)), kernel=(7, 3), num_filter=4, no_bias=True)
    with pytest.raises(MXNetError, match="kernel size exceeds input"):
        nd.Convolution(x, nd.ones((4, 3, 3, 3)), kernel=(3, 3), dilate=(3, 1), num_filter=4, no_bias=True)
    with pytest.raises(MXNetError, match="layout"):
        nd.Convolution(x, nd.ones((4, 3, 3, 3)), kernel=(3, 3), num_filter=4, no_bias=True, layout="NHWC")
    with pytest.raises(MXNetError, match="layout"):
        nd.Pooling(x, kernel=(2, 2), layout="NCW")
    with pytest.raises(MXNetError, match="num_group"):
        nd.Convolution(x, nd.ones((4, 1, 3, 3)), kernel=(3, 3), num_filter=4, num_group=2, no_bias=True)
    with pytest.raises(MXNetError, match="bias"):
        nd.Convolution(x, nd.ones((4, 3, 3, 3)), kernel=(3, 3), num_filter=4)
    with pytest.raises(MXNetError, match="bias must have shape"):
        nd.Convolution(x, nd.ones((4, 3, 3, 3)), nd.ones((3,)), kernel=(3, 3), num_filter=4)
    with pytest.raises(MXNetError, match="kernel"):
        nd.Convolution(x, nd.ones((4, 3, 3)), kernel=(3,), num_filter=4, no_bias=True)
    with pytest.raises(MXNetError, match="adj"):
        nd.Deconvolution(x, nd.ones((3, 2, 3, 3)), kernel=(3, 3), stride=(2, 2), adj=(2, 2), num_filter=2)
    with pytest.raises(MXNetError, match="weight has shape"):
        nd.Deconvolution(x, nd.ones((2, 3, 3, 3)), kernel=(3, 3), num_filter=2)
    with pytest.raises(MXNetError, match="exceeds input"):
        nd.Pooling(x, kernel=(7, 2))
    with pytest.raises(MXNetError, match="p value"):
        nd.Pooling(x, kernel=(2, 2), pool_type="lp", p_value=4)
    with pytest.raises(MXNetError, match="pool_type"):
        nd.Pooling(x, kernel=(2, 2), pool_type="median")
    with pytest.raises(MXNetError, match="data must be"):
        nd.Pooling(nd.ones((3, 4)), kernel=(2,))
    with pytest.raises(MXNetError, match="dtype"):
        nd.Convolution(x, nd.ones((4, 3, 3, 3), dtype="float64"), kernel=(3, 3), num_filter=4, no_bias=True)


def test_deconv_default_no_bias_and_target_shape():
    x = nd.ones((1, 2, 3, 3))
    y = nd.Deconvolution(x, nd.ones((2, 3, 3, 3)), kernel=(3, 3), stride=(2, 2), target_shape=(6, 6),
                         num_filter=3)
    assert y.shape == (1, 3, 6, 6)


_PATH_CHECK = r"""
import numpy as np, gluonx as mx
rng = np.random.default_rng(0)
cases = [((12, 16, 8, 8), 24, 3, 1, 1, 1), ((40, 8, 3, 3), 20, 3, 1, 1, 2), ((5, 13, 9, 7), 7, 1, 2, 0, 1),
         ((3, 4, 20, 20), 64, 5, 1, 2, 4),
         # Winograd-sized (3x3, stride 1, >= 16 channels): odd sides, pads 0-2, tile rows wider than
         # 16 tiles, 4x4 and 1x1 maps, filter counts that are not multiples of 12 or 32
         ((3, 20, 7, 9), 17, 3, 1, 0, 1), ((2, 32, 30, 31), 40, 3, 1, 2, 1), ((33, 64, 4, 4), 48, 3, 1, 1, 1),
         ((2, 24, 13, 70), 16, 3, 1, 1, 1), ((4, 16, 1, 1), 16, 3, 1, 1, 1),
         # 256 x 256 channels: the threads share one weight-gradient accumulator (rounds of one
         # block per thread; the last round short of a block with 11 images)
         ((16, 256, 9, 9), 256, 3, 1, 1, 1), ((11, 256, 9, 9), 256, 3, 1, 1, 1)]
out = []
for shp, F, k, s, p, G in cases:
    x = rng.standard_normal(shp).astype("f4"); w = rng.standard_normal((F, shp[1] // G, k, k)).astype("f4")
    kw = dict(kernel=(k, k), stride=(s, s), pad=(p, p), num_group=G)
    X, W = mx.nd.array(x), mx.nd.array(w)
    y = mx.nd.Convolution(X, W, num_filter=F, no_bias=True, **kw)
    dy = mx.nd.array(rng.standard_normal(y.shape).astype("f4"))
    adj = tuple(n - (s * (o - 1) + k - 2 * p) for n, o in zip(shp[2:], y.shape[2:]))
    dx = mx.nd.Deconvolution(dy, W, num_filter=shp[1], adj=adj, **kw)
    dw = mx.nd._conv_weight_grad(X, dy, **kw)
    X64, W64, dy64 = (mx.nd.array(a.asnumpy(), dtype="float64") for a in (X, W, dy))
    ref = (mx.nd.Convolution(X64, W64, num_filter=F, no_bias=True, **kw), mx.nd.Deconvolution(dy64, W64, num_filter=shp[1], adj=adj, **kw),
           mx.nd._conv_weight_grad(X64, dy64, **kw))
    for got, want in zip((y, dx, dw), ref):
        want = want.asnumpy()
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(want).max())))
print("ok")
"""


@pytest.mark.parametrize("path,winograd", [("blas", "0"), ("avx512", "0"), ("blas", "2"), ("blas", "4")])
def test_float32_gemm_paths(path, winograd):
    """float32 convolution through OpenBLAS, through the AVX-512 micro-kernel
    (used when OpenBLAS runs without AVX-512; BLAS again on CPUs without it), and
    through Winograd F(2x2, 3x3) and F(4x4, 3x3) for 3x3 stride-1 kernels (AVX-512
    CPUs) agree
    with float64 results: forward, image gradient and weight gradient."""
    import subprocess
    import sys
    env = dict(os.environ, GLUONX_SGEMM=path, GLUONX_CONV_WINOGRAD=winograd)
    r = subprocess.run([sys.executable, "-c", _PATH_CHECK], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"
