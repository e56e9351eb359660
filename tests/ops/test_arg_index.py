"""Index outputs of argmax/argmin/argmax_channel/topk/argsort/pick: their dtype and exactness.

MXNet 1.9.1 (checked with /work/mx-ref, MXNET_SUBGRAPH_BACKEND=NONE) writes argmax's index in
the input dtype: int8 input gives -77 for index 2995, bool gives True.  gluonx gives float32
(float64 for float64 input, as MXNet does there); topk/argsort default to float32 and honour
`dtype`; pick keeps the data's dtype whatever the index dtype -- these three as in MXNet.
"""
import numpy as np
import pytest

import gluonx as mx

_DTYPES = ["bool", "int8", "uint8", "int32", "int64", "float16", "float32", "float64"]


def _want(dtype: str) -> type:
    return np.float64 if dtype == "float64" else np.float32


@pytest.mark.parametrize("dtype", _DTYPES)
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_index_dtype_and_value(name, dtype):
    n = 4000
    base = np.ones(n) if name == "argmin" else np.zeros(n)
    base[2995] = 0 if name == "argmin" else 1  # index 2995: int8 wraps it to -77, bool to True
    x = mx.nd.array(base.astype(dtype), dtype=dtype)
    r = getattr(mx.nd, name)(x, axis=0)
    assert r.dtype == _want(dtype)
    np.testing.assert_array_equal(r.asnumpy(), [2995])
    # the graph's dtype inference agrees with the eager result
    s = getattr(mx.sym, name)(mx.sym.var("a"), axis=0)
    assert s.infer_type(a=dtype)[1] == [_want(dtype)]


@pytest.mark.parametrize("dtype", _DTYPES)
def test_argmax_channel_dtype(dtype):
    base = np.zeros((3, 300))
    base[np.arange(3), [7, 299, 150]] = 1
    r = mx.nd.argmax_channel(mx.nd.array(base.astype(dtype), dtype=dtype))
    assert r.dtype == _want(dtype)
    np.testing.assert_array_equal(r.asnumpy(), [7, 299, 150])
    assert mx.sym.argmax_channel(mx.sym.var("a")).infer_type(a=dtype)[1] == [_want(dtype)]


def test_argmax_exact_to_2_pow_24():
    # the kernel counts in int64 and converts once: exact up to 2^24, then float32 rounding
    n = 2 ** 24 + 4
    x = mx.nd.zeros((n,), dtype="int8")
    x[2 ** 24 - 1] = 1
    assert mx.nd.argmax(x, axis=0).asnumpy()[0] == 2 ** 24 - 1
    x[:] = 0
    x[2 ** 24 + 1] = 1  # not a float32: rounds to the nearest even, 2^24
    assert mx.nd.argmax(x, axis=0).asnumpy()[0] == np.float32(2 ** 24 + 1)


@pytest.mark.parametrize("dtype", ["int8", "int32", "float16", "float64"])
def test_topk_argsort_pick_dtypes(dtype):
    # MXNet 1.9.1: topk/argsort indices float32 by default, `dtype` honoured; pick keeps data's dtype
    v = np.array([[3, 1, 2, 0], [0, 2, 3, 1]])
    x = mx.nd.array(v.astype(dtype), dtype=dtype)
    i = mx.nd.topk(x, k=2, ret_typ="indices")
    assert i.dtype == np.float32
    np.testing.assert_array_equal(i.asnumpy(), [[0, 2], [2, 1]])
    assert mx.nd.topk(x, k=2, ret_typ="both")[1].dtype == np.float32
    assert mx.nd.topk(x, k=2, dtype="int32").dtype == np.int32
    a = mx.nd.argsort(x)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a.asnumpy(), np.argsort(v, axis=-1, kind="stable"))
    assert mx.nd.argsort(x, dtype="int32").dtype == np.int32
    for idt in ("float32", "int32", "int64"):
        p = mx.nd.pick(x, mx.nd.array([0, 2], dtype=idt), axis=1)
        assert p.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(p.asnumpy(), [3, 3])
