"""BilinearResize2D in every MXNet 1.9.1 mode (size, odd_scale, like, to_even_down/up,
to_odd_down/up) against committed MXNet outputs and gradients
(tests/data/resize/gen_resize_mxnet.py), plus NumPy checks and the error cases."""
import json
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError

nd = mx.nd
HERE = os.path.join(os.path.dirname(__file__), "..", "data", "resize")
REF = np.load(os.path.join(HERE, "resize_mxnet.npz"))
META = json.load(open(os.path.join(HERE, "resize_mxnet.json")))
KEYS = sorted((k for k in META if k.startswith("case")), key=lambda k: int(k[4:]))


@pytest.mark.parametrize("key", KEYS)
def test_against_mxnet(key):
    m = META[key]
    x = nd.array(REF[key + "_x"])
    x.attach_grad()
    args = [x]
    if m["kwargs"]["mode"] == "like":
        like = nd.array(REF[key + "_like"])
        like.attach_grad()
        args.append(like)
    with mx.autograd.record():
        y = nd.BilinearResize2D(*args, **m["kwargs"])
    assert y.shape == tuple(m["out_shape"])
    y.backward(nd.array(REF[key + "_head"]))
    np.testing.assert_allclose(y.asnumpy(), REF[key + "_y"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), REF[key + "_dx"], rtol=1e-5, atol=1e-5)
    if len(args) == 2:
        np.testing.assert_array_equal(like.grad.asnumpy(), REF[key + "_dlike"])  # zeros


def test_shapes_against_mxnet():
    """Output sizes of every mode, including the empty ones MXNet gives for sizes rounding to 0."""
    for shp, mode, sh, sw, want in META["shapes"]:
        y = nd.BilinearResize2D(nd.ones((1, 1) + tuple(shp)), mode=mode, scale_height=sh, scale_width=sw)
        assert list(y.shape[2:]) == want, (shp, mode, sh, sw)


def test_empty_output_and_gradient():
    x = nd.ones((1, 2, 1, 3))
    x.attach_grad()
    with mx.autograd.record():
        y = nd.BilinearResize2D(x, mode="to_even_down")
    assert y.shape == (1, 2, 0, 2)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), 0)


def _np_resize(x, oh, ow, align):
    """Independent NumPy bilinear resize (MXNet's coordinate rule)."""
    def coords(n_in, n_out):
        o = np.arange(n_out, dtype=np.float64)
        if n_out == 1:
            src = np.zeros(1)
        elif align:
            src = o * (n_in - 1) / (n_out - 1)
        else:
            src = np.maximum((o + 0.5) * n_in / n_out - 0.5, 0)
        i0 = np.minimum(np.floor(src).astype(int), n_in - 1)
        return i0, np.minimum(i0 + 1, n_in - 1), src - i0
    y0, y1, fy = coords(x.shape[2], oh)
    x0, x1, fx = coords(x.shape[3], ow)
    rows = x[:, :, y0] * (1 - fy)[:, None] + x[:, :, y1] * fy[:, None]
    return rows[..., x0] * (1 - fx) + rows[..., x1] * fx


def _even_odd(n, mode):
    want = 0 if "even" in mode else 1
    return n if n % 2 == want else n + (-1 if mode.endswith("down") else 1)


@settings(max_examples=30, deadline=None)
@given(H=st.integers(1, 7), W=st.integers(1, 7), align=st.booleans(),
       mode=st.sampled_from(["to_even_down", "to_even_up", "to_odd_down", "to_odd_up", "odd_scale", "like"]),
       sh=st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.5]), sw=st.sampled_from([0.5, 1.0, 1.5, 3.0]),
       dtype=st.sampled_from(["float32", "float64"]))
def test_modes_vs_numpy(H, W, align, mode, sh, sw, dtype):
    x0 = np.random.default_rng(H * 10 + W).standard_normal((2, 2, H, W))
    if mode == "odd_scale":
        oh = int(H * sh) if H % 2 == 0 else int((H - 1) * sh) + 1
        ow = int(W * sw) if W % 2 == 0 else int((W - 1) * sw) + 1
        kw = dict(scale_height=sh, scale_width=sw)
    elif mode == "like":
        oh, ow = H + 2, max(W - 1, 1)
        kw = {}
    else:
        oh, ow = _even_odd(H, mode), _even_odd(W, mode)
        kw = {}
    args = [nd.array(x0, dtype=dtype)]
    if mode == "like":
        args.append(nd.zeros((1, 5, oh, ow), dtype=dtype))
    y = nd.BilinearResize2D(*args, mode=mode, align_corners=align, **kw)
    assert y.shape == (2, 2, oh, ow) and y.dtype == np.dtype(dtype)
    if y.size:
        np.testing.assert_allclose(y.asnumpy(), _np_resize(x0, oh, ow, align),
                                   rtol=1e-4 if dtype == "float32" else 1e-10, atol=1e-5)


def test_noncontiguous_and_float16_and_out():
    x0 = np.random.default_rng(0).standard_normal((2, 3, 5, 4))
    xt = _c.as_strided(nd.array(x0.transpose(0, 1, 3, 2).copy()), (2, 3, 5, 4), (60, 20, 1, 5), 0)
    assert not xt.is_contiguous
    y = nd.BilinearResize2D(xt, mode="to_odd_up")
    np.testing.assert_allclose(y.asnumpy(), _np_resize(x0, 5, 5, True), rtol=1e-5, atol=1e-5)
    s = _c.as_strided(nd.array(x0), (2, 3, 5, 2), (60, 20, 4, 2), 0)  # every other column
    y = nd.BilinearResize2D(s, mode="odd_scale", scale_height=2.0, scale_width=2.0)
    np.testing.assert_allclose(y.asnumpy(), _np_resize(x0[..., ::2], 9, 4, True), rtol=1e-5, atol=1e-5)
    h = nd.BilinearResize2D(nd.array(x0, dtype="float16"), mode="to_even_up", align_corners=False)
    assert h.dtype == np.float16
    np.testing.assert_allclose(h.asnumpy(), _np_resize(x0, 6, 4, False), rtol=1e-2, atol=1e-2)
    out = nd.zeros((2, 3, 7, 4))
    r = nd.BilinearResize2D(nd.array(x0), nd.zeros((1, 1, 7, 4)), mode="like", out=out)
    assert r is out
    np.testing.assert_allclose(out.asnumpy(), _np_resize(x0, 7, 4, True), rtol=1e-5, atol=1e-5)


def test_errors():
    x = nd.ones((1, 1, 4, 4))
    with pytest.raises(MXNetError, match="like"):
        nd.BilinearResize2D(x, mode="like")
    with pytest.raises(MXNetError, match="only taken with mode='like'"):
        nd.BilinearResize2D(x, nd.ones((1, 1, 2, 2)), height=2, width=2)
    with pytest.raises(MXNetError, match="4-D"):
        nd.BilinearResize2D(x, nd.ones((2, 2)), mode="like")
    with pytest.raises(MXNetError, match="scale_height and scale_width"):
        nd.BilinearResize2D(x, mode="odd_scale", scale_height=2.0)
    with pytest.raises(MXNetError, match="scale_height and scale_width"):
        nd.BilinearResize2D(x, mode="size", scale_height=2.0)
    with pytest.raises(MXNetError, match=">= 0"):
        nd.BilinearResize2D(x, mode="size", scale_height=-1.0, scale_width=2.0)
    with pytest.raises(MXNetError, match="not one of"):
        nd.BilinearResize2D(x, mode="scale", scale_height=2.0, scale_width=2.0)
    with pytest.raises(MXNetError, match=">= 1"):
        nd.BilinearResize2D(x, height=0, width=3)
    with pytest.raises(MXNetError, match="float"):
        nd.BilinearResize2D(nd.ones((1, 1, 2, 2), dtype="int32"), mode="to_odd_up")
