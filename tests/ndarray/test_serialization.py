"""mx.nd.save / load / load_frombuffer against files written by real MXNet 1.9.1
(tests/data/params, made by tests/data/params/gen_params.py)."""
import importlib.util
import os
import struct
import subprocess
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError

DATA = os.path.join(os.path.dirname(__file__), os.pardir, "data", "params")
MXNET_PY = "/tmp/mx/bin/python"

_spec = importlib.util.spec_from_file_location("gen_params", os.path.join(DATA, "gen_params.py"))
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


def path(name):
    return os.path.join(DATA, name)


def raw(name):
    with open(path(name), "rb") as f:
        return f.read()


def nd(a):
    """An NDArray copy of NumPy array a, keeping its dtype and 0-d shape."""
    a = np.asarray(a)
    if a.ndim == 0:
        return _c.reshape(_c.array_from_numpy(a.reshape(1)), ())
    return _c.array_from_numpy(a)


def check(got, expected):
    assert isinstance(got, mx.nd.NDArray)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got.asnumpy(), expected)


# ---- files written by MXNet ---------------------------------------------------------

def test_load_dtypes_list():
    got = mx.nd.load(path("dtypes.params"))
    exp = gen.reference_list()
    assert isinstance(got, list) and len(got) == len(exp) == 8
    for g, e in zip(got, exp):
        check(g, e)
    assert {np.dtype(g.dtype).name for g in got} == set(gen.DTYPES)


def test_load_dict_keeps_order_and_unicode_names():
    got = mx.nd.load(path("dict.params"))
    exp = gen.reference_dict()
    assert isinstance(got, dict)
    assert list(got) == list(exp)
    for k in exp:
        check(got[k], exp[k])


def test_load_single_and_empty():
    got = mx.nd.load(path("single.params"))
    assert isinstance(got, list) and len(got) == 1
    check(got[0], gen.reference_single())
    assert mx.nd.load(path("empty.params")) == []


def test_load_numpy_shape_v3():
    got = mx.nd.load(path("np_v3.params"))
    exp = gen.reference_np()
    assert [g.shape for g in got] == [(), (0, 3), (2, 3), ()]
    for g, e in zip(got, exp):
        check(g, e)


def test_load_sparse_as_dense():
    got = mx.nd.load(path("sparse.params"))
    exp = gen.reference_sparse()
    assert list(got) == ["rs", "csr"]
    for k in exp:
        check(got[k], exp[k])


@pytest.mark.parametrize("name", ["legacy_v1.params", "legacy_v0.params"])
def test_load_legacy_layouts(name):
    got = mx.nd.load(path(name))
    for g, e in zip(got, gen.reference_legacy()):
        check(g, e)
    assert raw(name) == gen.legacy_bytes(name == "legacy_v1.params")


@pytest.mark.parametrize("name", ["dtypes.params", "dict.params", "np_v3.params", "sparse.params"])
def test_load_frombuffer_matches_load(name):
    a, b = mx.nd.load(path(name)), mx.nd.load_frombuffer(raw(name))
    assert type(a) is type(b)
    items = zip(a.values(), b.values()) if isinstance(a, dict) else zip(a, b)
    for x, y in items:
        check(y, x.asnumpy())
    for buf in (bytearray(raw(name)), memoryview(raw(name)), np.frombuffer(raw(name), np.uint8)):
        assert len(mx.nd.load_frombuffer(buf)) == len(a)


# ---- byte equality with MXNet ---------------------------------------------------------

def _save_bytes(tmp_path, data):
    f = tmp_path / "out.params"
    mx.nd.save(str(f), data)
    return f.read_bytes()


def test_bytes_equal_list(tmp_path):
    assert _save_bytes(tmp_path, [nd(a) for a in gen.reference_list()]) == raw("dtypes.params")


def test_bytes_equal_dict(tmp_path):
    data = {k: nd(v) for k, v in gen.reference_dict().items()}
    assert _save_bytes(tmp_path, data) == raw("dict.params")


def test_bytes_equal_single_empty_and_v3(tmp_path):
    assert _save_bytes(tmp_path, nd(gen.reference_single())) == raw("single.params")
    assert _save_bytes(tmp_path, []) == raw("empty.params")
    assert _save_bytes(tmp_path, {}) == raw("empty.params")       # MXNet: same bytes, loads as []
    assert _save_bytes(tmp_path, [nd(a) for a in gen.reference_np()]) == raw("np_v3.params")


def test_bytes_equal_from_strided_views(tmp_path):
    """Non-contiguous views are saved by value (same bytes as their contiguous copy)."""
    exp = gen.reference_list()
    views = []
    for a in exp:
        if a.ndim >= 2:
            base = nd(np.ascontiguousarray(np.swapaxes(a, 0, 1)))
            strides = list(base.strides)
            strides[0], strides[1] = strides[1], strides[0]
            v = _c.as_strided(base, a.shape, tuple(strides), 0)
        else:  # every other element of a doubled buffer, walked backwards
            base = nd(np.repeat(a[::-1], 2))
            v = _c.as_strided(base, a.shape, (-2,), 2 * a.size - 1)
        np.testing.assert_array_equal(v.asnumpy(), a)
        views.append(v)
    assert any(not v.is_contiguous for v in views)
    assert _save_bytes(tmp_path, views) == raw("dtypes.params")


# ---- round trips ------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", gen.DTYPES)
@pytest.mark.parametrize("shape", [(), (1,), (0,), (3, 0, 2), (2, 3), (1, 2, 1, 3, 1, 2, 1)])
def test_round_trip(tmp_path, dtype, shape):
    a = gen._values(shape, dtype, 3)
    f = str(tmp_path / "rt.params")
    mx.nd.save(f, {"x": nd(a), "y": nd(a)})
    got = mx.nd.load(f)
    check(got["x"], a)
    check(got["y"], a)


def test_round_trip_pathlike_and_tuple(tmp_path):
    f = tmp_path / "t.params"
    mx.nd.save(f, (nd(np.arange(3.0)), nd(np.ones((2, 2), np.int8))))
    got = mx.nd.load(f)
    check(got[0], np.arange(3.0))
    check(got[1], np.ones((2, 2), np.int8))


def test_duplicate_names_last_wins():
    blob = struct.pack("<QQQ", 0x112, 0, 2)
    for v in (1.0, 2.0):
        blob += struct.pack("<IiiqiiI", 0xF993FAC9, 0, 1, 1, 1, 0, 0) + struct.pack("<f", v)
    blob += struct.pack("<Q", 2) + (struct.pack("<Q", 1) + b"a") * 2
    got = mx.nd.load_frombuffer(blob)
    assert list(got) == ["a"] and got["a"].asnumpy()[0] == 2.0   # as MXNet's dict(zip(names, arrays))


def test_save_is_atomic(tmp_path):
    f = tmp_path / "keep.params"
    mx.nd.save(str(f), [nd(np.arange(4.0))])
    before = f.read_bytes()

    good = nd(np.arange(2.0))
    with pytest.raises(TypeError):
        mx.nd.save(str(f), [good, "not an array"])
    assert f.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["keep.params"]
    with pytest.raises(OSError):
        mx.nd.save(str(tmp_path / "no_such_dir" / "x.params"), [good])
    assert sorted(os.listdir(tmp_path)) == ["keep.params"]


def test_save_mode_follows_umask(tmp_path):
    f = tmp_path / "m.params"
    mx.nd.save(str(f), [nd(np.zeros(1))])
    old = os.umask(0o022)
    os.umask(old)
    assert (f.stat().st_mode & 0o777) == (0o666 & ~old)


# ---- argument errors --------------------------------------------------------------------

@pytest.mark.parametrize("data", [np.zeros(3), 3.0, "x", None, {1: None}, {"a": np.zeros(2)}, [np.zeros(2)],
                                  {"a": 1}])
def test_save_rejects_bad_data(tmp_path, data):
    with pytest.raises(TypeError, match="save") as ei:
        mx.nd.save(str(tmp_path / "bad.params"), data)
    assert isinstance(ei.value, MXNetError) and isinstance(ei.value, ValueError)
    assert os.listdir(tmp_path) == []


def test_load_argument_errors(tmp_path):
    with pytest.raises(FileNotFoundError) as ei:
        mx.nd.load(str(tmp_path / "missing.params"))
    assert isinstance(ei.value, MXNetError) and "missing.params" in str(ei.value)
    with pytest.raises(OSError) as ei:
        mx.nd.load(str(tmp_path))          # a directory
    assert isinstance(ei.value, MXNetError)
    with pytest.raises(TypeError):
        mx.nd.load(3)
    with pytest.raises(TypeError):
        mx.nd.load_frombuffer("abc")
    with pytest.raises(TypeError):
        mx.nd.load_frombuffer(12)


# ---- corrupt files ----------------------------------------------------------------------

def _header(n):
    return struct.pack("<QQQ", 0x112, 0, n)


def _v2(shape, flag=0, data=b"", stype=0, magic=0xF993FAC9):
    return (struct.pack("<Iii", magic, stype, len(shape)) + struct.pack("<%dq" % len(shape), *shape)
            + struct.pack("<iii", 1, 0, flag) + data)


CORRUPT = {
    "empty file": (b"", "header"),
    "wrong list magic": (struct.pack("<QQQ", 0x113, 0, 0), "list magic 0x112"),
    "huge array count": (struct.pack("<QQQ", 0x112, 0, 1 << 60), "number of arrays"),
    "bad array magic": (_header(1) + struct.pack("<I", 0xDEADBEEF), "0xDEADBEEF"),
    "unknown dtype flag": (_header(1) + _v2((1,), flag=42, data=b"\0" * 4), "dtype flag"),
    "mxnet-only dtype": (_header(1) + _v2((1,), flag=12, data=b"\0" * 4), "bfloat16"),
    "negative dim": (_header(1) + _v2((-3,)), "non-negative"),
    "absurd shape": (_header(1) + _v2((1 << 40, 1 << 40), data=b"\0" * 16), "too large"),
    "shape beyond the data": (_header(1) + _v2((1 << 30, 1 << 20), data=b"\0" * 16), "bytes of array 0 data"),
    "too many dims": (_header(1) + struct.pack("<Iii", 0xF993FAC9, 0, 99), "dimensions"),
    "bad storage type": (_header(1) + struct.pack("<Iii", 0xF993FAC9, 7, 1), "storage type"),
    "sparse in V3": (_header(1) + struct.pack("<Iii", 0xF993FACA, 1, 1), "V3"),
    "unknown V3 shape": (_header(1) + struct.pack("<Iii", 0xF993FACA, 0, -1), "unknown shape"),
    "legacy none": (_header(1) + struct.pack("<I", 0), "uninitialized"),
    "truncated data": (_header(1) + _v2((4,), data=b"\0" * 15), "16 bytes"),
    "missing names": (_header(1) + _v2((1,), data=b"\0" * 4), "number of names"),
    "names mismatch": (_header(1) + _v2((1,), data=b"\0" * 4) + struct.pack("<QQ", 2, 0), "names"),
    "name too long": (_header(1) + _v2((1,), data=b"\0" * 4) + struct.pack("<QQ", 1, 1 << 50), "name 0"),
    "bad utf-8 name": (_header(1) + _v2((1,), data=b"\0" * 4) + struct.pack("<QQ", 1, 2) + b"\xff\xfe", "UTF-8"),
    "sparse index out of range": (
        _header(1) + struct.pack("<Iii", 0xF993FAC9, 1, 2) + struct.pack("<qq", 1, 1)
        + struct.pack("<iqq", 2, 2, 1) + struct.pack("<iii", 1, 0, 0) + struct.pack("<iiq", 6, 1, 1)
        + struct.pack("<f", 1.0) + struct.pack("<q", 5) + struct.pack("<Q", 0), "row_sparse"),
    "sparse too large dense": (
        _header(1) + struct.pack("<Iii", 0xF993FAC9, 1, 2) + struct.pack("<qq", 0, 1)
        + struct.pack("<iqq", 2, 1 << 30, 1 << 20) + struct.pack("<iii", 1, 0, 0)
        + struct.pack("<iiq", 6, 1, 0) + struct.pack("<Q", 0), "dense"),
}


@pytest.mark.parametrize("name", sorted(CORRUPT))
def test_corrupt_buffers(name, tmp_path):
    blob, needle = CORRUPT[name]
    with pytest.raises(ValueError, match="offset") as ei:
        mx.nd.load_frombuffer(blob)
    assert isinstance(ei.value, MXNetError)
    assert needle in str(ei.value)
    f = tmp_path / "bad.params"
    f.write_bytes(blob)
    with pytest.raises(ValueError) as ei:
        mx.nd.load(str(f))
    assert "bad.params" in str(ei.value)


def _fuzz_load(blob):
    try:
        out = mx.nd.load_frombuffer(blob)
    except MXNetError as e:
        assert isinstance(e, ValueError), type(e)
        return
    items = out.values() if isinstance(out, dict) else out
    for a in items:
        a.asnumpy()


@pytest.mark.parametrize("name", ["dtypes.params", "dict.params", "np_v3.params", "sparse.params",
                                  "legacy_v0.params"])
def test_every_truncation(name):
    blob = raw(name)
    for n in range(len(blob)):
        with pytest.raises(ValueError):
            mx.nd.load_frombuffer(blob[:n])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["dtypes.params", "dict.params", "np_v3.params", "sparse.params",
                             "legacy_v1.params"]),
       flips=st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 7)), min_size=1, max_size=4),
       cut=st.one_of(st.none(), st.integers(0, 10 ** 6)))
def test_fuzz_bitflips_and_truncation(name, flips, cut):
    blob = bytearray(raw(name))
    for pos, bit in flips:
        blob[pos % len(blob)] ^= 1 << bit
    if cut is not None:
        blob = blob[:cut % (len(blob) + 1)]
    _fuzz_load(bytes(blob))


# ---- gluonx-written files in real MXNet --------------------------------------------------

@pytest.mark.skipif(not os.path.exists(MXNET_PY), reason="reference MXNet 1.9.1 not installed")
def test_real_mxnet_loads_gluonx_files(tmp_path):
    lst = gen.reference_list()
    dct = gen.reference_dict()
    mx.nd.save(str(tmp_path / "l.params"), [nd(a) for a in lst])
    mx.nd.save(str(tmp_path / "d.params"), {k: nd(v) for k, v in dct.items()})
    mx.nd.save(str(tmp_path / "n.params"), [nd(a) for a in gen.reference_np()])
    np.savez(str(tmp_path / "exp.npz"), *lst, **{"d_%d" % i: v for i, v in enumerate(dct.values())})
    script = textwrap.dedent("""
        import sys, numpy as np, mxnet as mx
        d = sys.argv[1]
        e = np.load(d + "/exp.npz")
        got = mx.nd.load(d + "/l.params")
        for i, g in enumerate(got):
            x = e["arr_%d" % i]
            assert g.dtype == x.dtype and g.shape == x.shape and np.array_equal(g.asnumpy(), x), i
        got = mx.nd.load(d + "/d.params")
        assert list(got) == NAMES, list(got)
        for i, g in enumerate(got.values()):
            assert np.array_equal(g.asnumpy(), e["d_%d" % i])
        mx.npx.set_np()
        got = mx.npx.load(d + "/n.params")
        assert [g.shape for g in got] == [(), (0, 3), (2, 3), ()], [g.shape for g in got]
        print("OK")
    """).replace("NAMES", repr(list(dct)))
    env = dict(os.environ, MXNET_SUBGRAPH_BACKEND="NONE")
    r = subprocess.run([MXNET_PY, "-c", script, str(tmp_path)], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0 and "OK" in r.stdout, r.stderr[-2000:]
