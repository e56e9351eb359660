"""UpSampling(sample_type='bilinear'): the depthwise Deconvolution MXNet 1.9.1
runs, against committed MXNet outputs and gradients
(tests/data/upsampling/gen_upsampling_mxnet.py) and a NumPy transposed
convolution; recorded as one UpSampling node; error cases."""
import json
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError

nd = mx.nd
HERE = os.path.join(os.path.dirname(__file__), "..", "data", "upsampling")
REF = np.load(os.path.join(HERE, "upsampling_mxnet.npz"))
META = json.load(open(os.path.join(HERE, "upsampling_mxnet.json")))


def _np_up(x, w, s):
    """Depthwise transposed convolution: kernel 2s - s % 2, stride s, pad ceil((s - 1) / 2)."""
    N, C, H, W = x.shape
    k, p = 2 * s - s % 2, s // 2
    full = np.zeros((N, C, (H - 1) * s + k, (W - 1) * s + k))
    for i in range(H):
        for j in range(W):
            full[:, :, i * s:i * s + k, j * s:j * s + k] += x[:, :, i, j][:, :, None, None] * w[None, :, 0]
    return full[:, :, p:p + H * s, p:p + W * s]


@pytest.mark.parametrize("case", sorted(k for k in META))
@pytest.mark.parametrize("tag", ["rand", "bil"])
def test_against_mxnet(case, tag):
    m = META[case]
    assert m["arguments"][0] == "data" and m["arguments"][1].endswith("weight")
    x = nd.array(REF[case + "_x"])
    w = nd.array(REF["%s_%s_w" % (case, tag)])
    assert w.shape == tuple(m["weight_shape"])
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        y = nd.UpSampling(x, w, scale=m["scale"], sample_type="bilinear", num_filter=x.shape[1])
    assert y.shape == tuple(m["out_shape"])
    y.backward(nd.array(REF["%s_%s_head" % (case, tag)]))
    np.testing.assert_allclose(y.asnumpy(), REF["%s_%s_y" % (case, tag)], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), REF["%s_%s_dx" % (case, tag)], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(w.grad.asnumpy(), REF["%s_%s_dw" % (case, tag)], rtol=1e-5, atol=2e-5)


@pytest.mark.parametrize("case", sorted(k for k in META))
def test_bilinear_initializer_matches_mxnet(case):
    w = nd.zeros(tuple(META[case]["weight_shape"]))
    mx.init.Bilinear()(mx.init.InitDesc("up_weight"), w)
    np.testing.assert_allclose(w.asnumpy(), REF[case + "_bil_w"], rtol=1e-6)


@settings(max_examples=25, deadline=None)
@given(s=st.integers(1, 4), N=st.integers(1, 2), C=st.integers(1, 3), H=st.integers(1, 4), W=st.integers(1, 4),
       dtype=st.sampled_from(["float32", "float64"]))
def test_vs_numpy(s, N, C, H, W, dtype):
    rng = np.random.default_rng(s * 100 + C * 10 + H)
    k = 2 * s - s % 2
    x0, w0 = rng.standard_normal((N, C, H, W)), rng.standard_normal((C, 1, k, k))
    y = nd.UpSampling(nd.array(x0, dtype=dtype), nd.array(w0, dtype=dtype), scale=s, sample_type="bilinear",
                      num_filter=C)
    assert y.shape == (N, C, H * s, W * s) and y.dtype == np.dtype(dtype)
    np.testing.assert_allclose(y.asnumpy(), _np_up(x0, w0, s), rtol=1e-4 if dtype == "float32" else 1e-10,
                               atol=1e-5 if dtype == "float32" else 1e-12)


def test_noncontiguous_inputs_and_out():
    rng = np.random.default_rng(1)
    x0, w0 = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((3, 1, 5, 5))
    xt = _c.as_strided(nd.array(x0.transpose(0, 1, 3, 2).copy()), (2, 3, 4, 5), (60, 20, 1, 4), 0)
    assert not xt.is_contiguous
    wt = _c.as_strided(nd.array(w0.transpose(0, 1, 3, 2).copy()), (3, 1, 5, 5), (25, 25, 1, 5), 0)
    out = nd.zeros((2, 3, 12, 15))
    r = nd.UpSampling(xt, wt, scale=3, sample_type="bilinear", num_filter=3, out=out)
    assert r is out
    np.testing.assert_allclose(out.asnumpy(), _np_up(x0, w0, 3), rtol=1e-5, atol=1e-5)


def test_recorded_as_upsampling_with_gradient():
    x = nd.array(np.random.default_rng(2).standard_normal((1, 2, 3, 3)))
    w = nd.zeros((2, 1, 4, 4))
    mx.init.Bilinear()(mx.init.InitDesc("w_weight"), w)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.UpSampling(x, w, scale=2, sample_type="bilinear", num_filter=2)
    assert y._ag is not None  # one recorded node
    from gluonx.ops.registry import get_op
    assert get_op("UpSampling").grad is not None
    y.backward()
    # with the bilinear kernel each input pixel spreads a total weight of at most scale**2
    g = x.grad.asnumpy()
    assert g.shape == (1, 2, 3, 3) and np.all(g > 0) and np.all(g <= 4 + 1e-6)


def test_nearest_unchanged():
    x = np.arange(4.0).reshape(1, 1, 2, 2)
    y = nd.UpSampling(nd.array(x), scale=2, sample_type="nearest").asnumpy()
    np.testing.assert_array_equal(y, x.repeat(2, 2).repeat(2, 3))


def test_errors():
    x, w = nd.ones((1, 2, 3, 3)), nd.ones((2, 1, 4, 4))
    with pytest.raises(MXNetError, match="exactly two inputs"):
        nd.UpSampling(x, scale=2, sample_type="bilinear", num_filter=2)
    with pytest.raises(MXNetError, match="exactly two inputs"):
        nd.UpSampling(x, w, w, scale=2, sample_type="bilinear", num_filter=2)
    with pytest.raises(MXNetError, match="weight has shape"):
        nd.UpSampling(x, nd.ones((2, 1, 3, 3)), scale=2, sample_type="bilinear", num_filter=2)
    with pytest.raises(MXNetError, match="weight has shape"):
        nd.UpSampling(x, nd.ones((2, 2, 4, 4)), scale=2, sample_type="bilinear", num_filter=2)
    with pytest.raises(MXNetError, match="num_filter"):
        nd.UpSampling(x, w, scale=2, sample_type="bilinear", num_filter=1)
    with pytest.raises(MXNetError, match="num_filter"):
        nd.UpSampling(x, w, scale=2, sample_type="bilinear")
    with pytest.raises(MXNetError, match="4-D"):
        nd.UpSampling(nd.ones((2, 3, 3)), w, scale=2, sample_type="bilinear", num_filter=2)
    with pytest.raises(MXNetError, match="scale"):
        nd.UpSampling(x, w, scale=0, sample_type="bilinear", num_filter=2)
    with pytest.raises(MXNetError):
        nd.UpSampling(x, w, scale=2, sample_type="cubic", num_filter=2)
