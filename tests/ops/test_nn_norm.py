"""Normalisation and resampling layers vs NumPy and committed MXNet 1.9.1 outputs
(tests/data/gen_nn_mxnet.py)."""
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx.base import MXNetError

nd = mx.nd
REF = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "ops", "nn_mxnet.npz"))
x, g, b, mm0, mv0 = (REF[k] for k in ("x", "g", "b", "mm0", "mv0"))
A = nd.array


def close(a, ref, tol=1e-5):
    np.testing.assert_allclose(a.asnumpy() if hasattr(a, "asnumpy") else a, ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("fix", [0, 1])
def test_batchnorm_train_moving_stats_and_grad(fix):
    mm, mv = A(mm0), A(mv0)
    xa = A(x)
    xa.attach_grad()
    with mx.autograd.record():
        y = nd.BatchNorm(xa, A(g), A(b), mm, mv, fix_gamma=bool(fix), momentum=0.8)
    y.backward(A(x * 0.5))
    close(y, REF["bn_train_fix%d" % fix])
    close(mm, REF["bn_train_fix%d_mm" % fix])
    close(mv, REF["bn_train_fix%d_mv" % fix])
    close(xa.grad, REF["bn_train_fix%d_dx" % fix], 1e-4)


@pytest.mark.parametrize("fix", [0, 1])
def test_batchnorm_inference(fix):
    mm, mv = A(mm0), A(mv0)
    close(nd.BatchNorm(A(x), A(g), A(b), mm, mv, fix_gamma=bool(fix)), REF["bn_infer_fix%d" % fix])
    close(mm, mm0)  # untouched in inference
    close(mv, mv0)


def test_batchnorm_global_stats_and_axis():
    mm, mv = A(mm0), A(mv0)
    with mx.autograd.train_mode():
        close(nd.BatchNorm(A(x), A(g), A(b), mm, mv, fix_gamma=False, use_global_stats=True), REF["bn_global"])
    close(mm, mm0)
    xt = x.transpose(0, 2, 3, 1).copy()
    close(nd.BatchNorm(A(xt), A(g), A(b), A(mm0), A(mv0), fix_gamma=False, axis=-1), REF["bn_axis_last"])


def test_batchnorm_train_numpy_float64_and_output_mean_var():
    xd = np.random.default_rng(0).normal(size=(5, 4, 3))
    mm, mv = A(np.zeros(4), dtype="float64"), A(np.ones(4), dtype="float64")
    with mx.autograd.train_mode():
        y, mean, invstd = nd.BatchNorm(A(xd, dtype="float64"), A(np.ones(4), dtype="float64"),
                                       A(np.zeros(4), dtype="float64"), mm, mv, eps=1e-5, output_mean_var=True)
    m, v = xd.mean((0, 2)), xd.var((0, 2))
    close(y, (xd - m[:, None]) / np.sqrt(v[:, None] + 1e-5), 1e-10)
    close(mean, m, 1e-12)
    close(invstd, 1 / np.sqrt(v + 1e-5), 1e-10)
    close(mv, 0.9 + 0.1 * v, 1e-12)


def test_batchnorm_errors():
    with pytest.raises(MXNetError):
        nd.BatchNorm(A(x), A(g[:2]), A(b), A(mm0), A(mv0), fix_gamma=False)
    with pytest.raises(MXNetError):
        nd.BatchNorm(A(x), A(g), A(b), A(mm0), A(mv0), axis=4)
    with pytest.raises(MXNetError):
        nd.BatchNorm(A(x, dtype="int32"), A(g), A(b), A(mm0), A(mv0))


def test_layer_instance_group_norm_vs_mxnet():
    close(nd.LayerNorm(A(x), A(REF["ln_gamma"]), A(b), axis=1), REF["layernorm"], 1e-5)
    xt = x.transpose(0, 2, 3, 1).copy()
    close(nd.LayerNorm(A(xt), A(g), A(b)), REF["layernorm_last"], 1e-5)
    close(nd.InstanceNorm(A(x), A(g), A(b)), REF["instancenorm"], 1e-5)
    close(nd.GroupNorm(A(REF["x6"]), A([0.5, 1.0, 2.0]), A([0.1, 0.2, 0.3]), num_groups=3), REF["groupnorm"], 1e-5)


def test_layernorm_output_mean_var_and_strided():
    xd = np.random.default_rng(1).normal(size=(3, 4, 6))
    xa = A(xd, dtype="float64")
    from gluonx._core import ndarray as _c
    v = _c.as_strided(xa, (3, 6, 4), (24, 1, 6), 0)  # a transposed (non-contiguous) view
    y, m, s = nd.LayerNorm(v, A(np.ones(4), dtype="float64"), A(np.zeros(4), dtype="float64"), output_mean_var=True)
    vn = xd.transpose(0, 2, 1)
    close(y, (vn - vn.mean(-1, keepdims=True)) / np.sqrt(vn.var(-1, keepdims=True) + 1e-5), 1e-10)
    close(m, vn.mean(-1, keepdims=True), 1e-12)
    close(s, np.sqrt(vn.var(-1, keepdims=True) + 1e-5), 1e-12)
    with pytest.raises(MXNetError):
        nd.GroupNorm(A(np.ones((2, 5, 3))), A(np.ones(5)), A(np.zeros(5)), num_groups=2)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(1, 6), st.sampled_from(["float32", "float64"]))
def test_norm_sweep(n, c, s, dtype):
    xd = np.random.default_rng(n * 100 + c * 10 + s).normal(size=(n, c, s))
    tol = 1e-4 if dtype == "float32" else 1e-10
    y = nd.InstanceNorm(A(xd, dtype=dtype), A(np.ones(c), dtype=dtype), A(np.zeros(c), dtype=dtype), eps=1e-3)
    close(y, (xd - xd.mean(2, keepdims=True)) / np.sqrt(xd.var(2, keepdims=True) + 1e-3), tol)
    with mx.autograd.train_mode():
        y = nd.BatchNorm(A(xd, dtype=dtype), A(np.ones(c), dtype=dtype), A(np.zeros(c), dtype=dtype),
                         A(np.zeros(c), dtype=dtype), A(np.ones(c), dtype=dtype))
    close(y, (xd - xd.mean((0, 2), keepdims=True)) / np.sqrt(xd.var((0, 2), keepdims=True) + 1e-3), tol)


def test_l2norm_lrn_vs_mxnet():
    for m in ("instance", "channel", "spatial"):
        close(nd.L2Normalization(A(x), mode=m), REF["l2_" + m])
    close(nd.LRN(A(x), nsize=3, alpha=0.1, beta=0.6, knorm=1.5), REF["lrn"])
    with pytest.raises(MXNetError):
        nd.LRN(A(x))


def test_resampling_vs_mxnet():
    close(nd.UpSampling(A(x), scale=2, sample_type="nearest"), REF["up_nearest"])
    close(nd.BilinearResize2D(A(x), height=5, width=4), REF["bilinear"])
    close(nd.BilinearResize2D(A(x), height=5, width=7, align_corners=False), REF["bilinear_noalign"])
    y = nd.UpSampling(A(np.ones((1, 1, 2, 2))), A(np.ones((1, 2, 1, 1))), scale=2, sample_type="nearest", num_args=2)
    assert y.shape == (1, 3, 4, 4)
    with pytest.raises(MXNetError):
        nd.UpSampling(A(np.ones((1, 1, 2))), scale=2)
