"""Reference .params files written by real MXNet 1.9.1, and their expected values.

``reference_*()`` use NumPy only, so the tests import this module to know what each
committed file holds.  Run it under MXNet to regenerate the files:

    MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/params/gen_params.py

The V1 and pre-V1 ("legacy", no magic) layouts cannot be written by MXNet 1.9.1; this
script builds them by hand (``legacy_v1_bytes`` / ``legacy_v0_bytes``) and checks
that MXNet 1.9.1 loads them back to the expected values before writing them.
"""
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = ("float32", "float64", "float16", "uint8", "int8", "int32", "int64", "bool")


def _values(shape, dtype, seed):
    n = int(np.prod(shape)) if len(shape) else 1
    v = (np.arange(n, dtype=np.int64) * 7 + seed) % 23 - 11
    if dtype == "bool":
        return (v % 3 == 0).reshape(shape)
    if dtype == "uint8":
        return (v + 200).astype(np.uint8).reshape(shape)
    if dtype.startswith("float"):
        return (v.astype(np.float64) * 0.375 + 0.125).astype(dtype).reshape(shape)
    if dtype == "int64":
        return (v * 3_000_000_000).astype(dtype).reshape(shape)
    return v.astype(dtype).reshape(shape)


def reference_list():
    """One array per dtype, several ranks (saved as a list: dtypes.params)."""
    shapes = [(5,), (2, 3), (2, 1, 3), (1, 2, 1, 2, 1, 2), (3, 4), (4,), (2, 2, 2), (7,)]
    return [_values(s, d, i) for i, (s, d) in enumerate(zip(shapes, DTYPES))]


def reference_dict():
    """Structural / arg:aux-style / non-ASCII names (saved as a dict: dict.params)."""
    return {"0.weight": _values((3, 2), "float32", 1), "0.bias": _values((3,), "float32", 2),
            "arg:conv0_weight": _values((2, 1, 2, 2), "float32", 3),
            "aux:bn0_running_mean": _values((2,), "float32", 4),
            "p\u00e4ram_\u03b2": _values((1,), "float64", 5)}


def reference_single():
    """A single NDArray (saved as ``mx.nd.save(f, nd)``: single.params)."""
    return _values((2, 2), "float16", 6)


def reference_np():
    """Saved under mx.npx.set_np() (V3 magic): scalar, empty and ordinary arrays (np_v3.params)."""
    return [np.array(2.5, dtype=np.float32), np.zeros((0, 3), dtype=np.float32), _values((2, 3), "int32", 7),
            np.array(True)]


def reference_sparse():
    """Dense values of a row_sparse and a csr array (sparse.params, saved as a dict)."""
    rs = np.zeros((4, 3), dtype=np.float32)
    rs[1] = [1, 2, 3]
    rs[3] = [4, 5, 6]
    csr = np.array([[0, 1.5, 0, 0], [0, 0, 0, 0], [2.5, 0, 0, 3.5]], dtype=np.float64)
    return {"rs": rs, "csr": csr}


def reference_legacy():
    """Contents of the hand-built legacy_v1.params and legacy_v0.params (lists)."""
    return [_values((2, 3), "float32", 8), _values((4,), "int32", 9)]


def _legacy_array(a, v1):
    flag = DTYPES.index(str(a.dtype))
    flag = {0: 0, 1: 1, 2: 2, 3: 3, 4: 5, 5: 4, 6: 6, 7: 7}[flag]  # DTYPES order -> MXNet flags
    if v1:  # V1: magic, int32 ndim + int64 dims, no storage type
        head = struct.pack("<Ii", 0xF993FAC8, a.ndim) + struct.pack("<%dq" % a.ndim, *a.shape)
    else:  # pre-V1: uint32 ndim (no magic) + uint32 dims
        head = struct.pack("<I", a.ndim) + struct.pack("<%dI" % a.ndim, *a.shape)
    return head + struct.pack("<iii", 1, 0, flag) + np.ascontiguousarray(a).tobytes()


def legacy_bytes(v1):
    arrays = reference_legacy()
    out = struct.pack("<QQQ", 0x112, 0, len(arrays))
    for a in arrays:
        out += _legacy_array(a, v1)
    return out + struct.pack("<Q", 0)


def main():  # pragma: no cover - needs MXNet
    import mxnet as mx

    def p(name):
        return os.path.join(HERE, name)

    mx.nd.save(p("dtypes.params"), [mx.nd.array(a, dtype=a.dtype) for a in reference_list()])
    mx.nd.save(p("dict.params"), {k: mx.nd.array(v, dtype=v.dtype) for k, v in reference_dict().items()})
    s = reference_single()
    mx.nd.save(p("single.params"), mx.nd.array(s, dtype=s.dtype))
    mx.nd.save(p("empty.params"), [])
    sp = reference_sparse()
    mx.nd.save(p("sparse.params"), {"rs": mx.nd.array(sp["rs"]).tostype("row_sparse"),
                                    "csr": mx.nd.array(sp["csr"], dtype="float64").tostype("csr")})
    for v1, name in ((True, "legacy_v1.params"), (False, "legacy_v0.params")):
        with open(p(name), "wb") as f:
            f.write(legacy_bytes(v1))
        got = mx.nd.load(p(name))
        for g, e in zip(got, reference_legacy()):
            assert g.dtype == e.dtype and np.array_equal(g.asnumpy(), e), name
    mx.npx.set_np()
    mx.npx.save(p("np_v3.params"), [mx.np.array(a, dtype=a.dtype) for a in reference_np()])
    got = mx.npx.load(p("np_v3.params"))
    for g, e in zip(got, reference_np()):
        assert g.shape == e.shape and np.array_equal(g.asnumpy(), e)


if __name__ == "__main__":
    main()
