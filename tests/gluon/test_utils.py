"""gluon.utils: split_data, split_and_load, clip_global_norm, check_sha1."""
import hashlib
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx.gluon import utils


def test_split_data_even_and_uneven():
    x = mx.nd.array(np.arange(24).reshape(6, 4))
    parts = utils.split_data(x, 3)
    assert [p.shape for p in parts] == [(2, 4)] * 3
    np.testing.assert_array_equal(np.concatenate([p.asnumpy() for p in parts]), x.asnumpy())
    with pytest.raises(ValueError, match="cannot be evenly split"):
        utils.split_data(x, 4)
    parts = utils.split_data(x, 4, even_split=False)
    assert [p.shape[0] for p in parts] == [2, 2, 1, 1]
    parts = utils.split_data(x, 2, batch_axis=1)
    assert [p.shape for p in parts] == [(6, 2), (6, 2)]
    np.testing.assert_array_equal(parts[1].asnumpy(), x.asnumpy()[:, 2:])
    with pytest.raises(ValueError):
        utils.split_data(mx.nd.ones((2, 3)), 3, even_split=False)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 9), k=st.integers(1, 5), axis=st.integers(0, 1))
def test_split_data_sweep(n, k, axis):
    shape = (n, 3) if axis == 0 else (3, n)
    a = np.arange(3 * n, dtype=np.float32).reshape(shape)
    if k > n:
        return
    parts = utils.split_data(mx.nd.array(a), k, batch_axis=axis, even_split=False)
    sizes = [p.shape[axis] for p in parts]
    assert sum(sizes) == n and max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)
    np.testing.assert_array_equal(np.concatenate([p.asnumpy() for p in parts], axis=axis), a)


def test_split_and_load():
    ctxs = [mx.cpu(0), mx.cpu(0)]
    out = utils.split_and_load(np.arange(8, dtype=np.float32).reshape(4, 2), ctxs)
    assert len(out) == 2 and all(isinstance(o, mx.nd.NDArray) for o in out)
    assert out[1].asnumpy().tolist() == [[4, 5], [6, 7]]
    one = utils.split_and_load(mx.nd.ones((3, 2)), [mx.cpu()])
    assert len(one) == 1 and one[0].shape == (3, 2) and one[0].context == mx.cpu()


def test_clip_global_norm():
    a = mx.nd.array([3.0, 0.0])
    b = mx.nd.array([[0.0, 4.0]])
    norm = utils.clip_global_norm([a, b], 1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(a.asnumpy(), [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(b.asnumpy(), [[0.0, 0.8]], rtol=1e-5)
    # under the limit: unchanged; check_isfinite=False returns an NDArray
    c = mx.nd.array([0.3, 0.4])
    n = utils.clip_global_norm([c], 10.0, check_isfinite=False)
    assert isinstance(n, mx.nd.NDArray)
    assert float(n.asnumpy().ravel()[0]) == pytest.approx(0.5)
    np.testing.assert_allclose(c.asnumpy(), [0.3, 0.4], rtol=1e-6)
    d = mx.nd.array([np.inf, 1.0])
    with pytest.warns(UserWarning, match="nan or inf"):
        utils.clip_global_norm([d], 1.0)
    e = mx.nd.array(np.ones((2, 3)), dtype="float64")
    assert utils.clip_global_norm([e], 1.0) == pytest.approx(np.sqrt(6))
    np.testing.assert_allclose(np.linalg.norm(e.asnumpy()), 1.0, rtol=1e-6)


def test_check_sha1_and_download_existing(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(b"gluonx")
    h = hashlib.sha1(b"gluonx").hexdigest()
    assert utils.check_sha1(str(f), h)
    assert not utils.check_sha1(str(f), "0" * 40)
    # an existing file with the right hash is not downloaded again (no network here)
    assert utils.download("http://example.invalid/x.bin", path=str(tmp_path), sha1_hash=h) == str(f)


def test_hook_handle_and_helpers():
    hooks = OrderedDict()  # weak-referenceable, as Blocks use
    h = utils.HookHandle()
    h.attach(hooks, print)
    assert len(hooks) == 1
    with pytest.raises(RuntimeError):
        h.attach(hooks, print)
    h.detach()
    h.detach()
    assert len(hooks) == 0
    assert utils.shape_is_known((2, 3)) and not utils.shape_is_known((2, 0)) and not utils.shape_is_known(None)
    assert utils._brief_print_list(range(10)) == "'0', '1', '2', ..., '6', '7', '8', '9'"  # as MXNet


class _FakeResponse:
    """What urlopen returns, enough for download: read() in chunks, a context manager."""

    def __init__(self, payload: bytes):
        self._payload = payload

    def read(self, n: int = -1) -> bytes:
        out, self._payload = self._payload[:n], self._payload[n:]
        return out

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("verify", [True, False])
def test_download_verify_ssl(tmp_path, monkeypatch, verify):
    import ssl
    import urllib.request
    seen = []

    def fake_urlopen(url, context=None):
        seen.append((url, context))
        return _FakeResponse(b"abc" * 40000)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    target = str(tmp_path / "f.bin")
    if verify:
        out = utils.download("https://example.invalid/f.bin", path=target)
    else:
        with pytest.warns(UserWarning, match="Unverified HTTPS"):
            out = utils.download("https://example.invalid/f.bin", path=target, verify_ssl=False)
    assert out == target
    with open(target, "rb") as f:
        assert f.read() == b"abc" * 40000
    (url, ctx), = seen
    assert url == "https://example.invalid/f.bin"
    if verify:
        assert ctx is None  # urlopen's own default: verified
    else:
        assert ctx.verify_mode == ssl.CERT_NONE and not ctx.check_hostname
    # the process-wide default context is untouched
    assert ssl.create_default_context().verify_mode == ssl.CERT_REQUIRED
