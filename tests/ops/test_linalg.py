"""dot / batch_dot / linalg.gemm2 / linalg.gemm vs NumPy (and MXNet shapes)."""
import numpy as np
import pytest

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError


def T(x):
    """Transposed view (no copy) of a 2-D or batched array."""
    s, st = list(x.shape), list(x.strides)
    s[-1], s[-2] = s[-2], s[-1]
    st[-1], st[-2] = st[-2], st[-1]
    return _c.as_strided(x, tuple(s), tuple(st), 0)


def tol(dtype):
    return {np.float32: 1e-4, np.float64: 1e-12, np.float16: 2e-2}.get(dtype, 0)


def rnd(shape, dtype, rng):
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    return rng.integers(-5, 6, size=shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32, np.int64])
@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (2, 3, 4), (17, 33, 9), (64, 80, 96), (1, 50, 70), (70, 50, 1)])
def test_dot_2d_all_transposes(dtype, m, k, n):
    rng = np.random.default_rng(0)
    a, b = rnd((m, k), dtype, rng), rnd((k, n), dtype, rng)
    ref = (a.astype(np.float64) @ b.astype(np.float64))
    A, B = mx.nd.array(a, dtype=dtype), mx.nd.array(b, dtype=dtype)
    At, Bt = mx.nd.array(a.T.copy(), dtype=dtype), mx.nd.array(b.T.copy(), dtype=dtype)
    cases = [(A, B, False, False), (At, B, True, False), (A, Bt, False, True), (At, Bt, True, True),
             (T(At), B, False, False), (A, T(Bt), False, False), (T(A), T(Bt), True, False)]
    for x, y, ta, tb in cases:
        got = mx.nd.dot(x, y, transpose_a=ta, transpose_b=tb)
        assert got.shape == (m, n) and got.dtype == dtype
        np.testing.assert_allclose(got.asnumpy().astype(np.float64), ref, rtol=tol(dtype),
                                   atol=tol(dtype) * np.sqrt(k) * 4)


def test_dot_nd_and_1d_shapes():
    rng = np.random.default_rng(1)
    a, b, v = rng.standard_normal((2, 3)), rng.standard_normal((3, 4)), rng.standard_normal(3)
    A, B, V = (mx.nd.array(t, dtype="float64") for t in (a, b, v))
    r = mx.nd.dot(V, V)
    assert r.shape == (1,)
    np.testing.assert_allclose(r.asnumpy(), [v @ v])
    np.testing.assert_allclose(mx.nd.dot(A, V).asnumpy(), a @ v)
    np.testing.assert_allclose(mx.nd.dot(V, B).asnumpy(), v @ b)
    np.testing.assert_allclose(A.dot(B).asnumpy(), a @ b)
    x3, y2 = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))
    np.testing.assert_allclose(mx.nd.dot(mx.nd.array(x3, dtype="float64"), mx.nd.array(y2, dtype="float64")).asnumpy(),
                               np.tensordot(x3, y2, 1))
    y3 = rng.standard_normal((4, 2, 2))
    r = mx.nd.dot(mx.nd.array(x3, dtype="float64"), mx.nd.array(y3, dtype="float64"))
    assert r.shape == (2, 3, 2, 2)
    np.testing.assert_allclose(r.asnumpy(), np.tensordot(x3, y3, 1))
    # transpose_a on N-d contracts the first axis, transpose_b the last axis (MXNet shapes)
    r = mx.nd.dot(mx.nd.array(x3, dtype="float64"), mx.nd.ones((2, 5), dtype="float64"), transpose_a=True)
    assert r.shape == (3, 4, 5)
    np.testing.assert_allclose(r.asnumpy(), np.tensordot(x3, np.ones((2, 5)), ([0], [0])))
    w = rng.standard_normal((5, 2, 4))
    r = mx.nd.dot(mx.nd.array(x3, dtype="float64"), mx.nd.array(w, dtype="float64"), transpose_b=True)
    assert r.shape == (2, 3, 5, 2)
    np.testing.assert_allclose(r.asnumpy(), np.tensordot(x3, w, ([2], [2])))
    np.testing.assert_allclose(mx.nd.dot(mx.nd.array([2.0]), mx.nd.array([[1.0, 2.0]])).asnumpy(), [2, 4])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_dot(dtype):
    rng = np.random.default_rng(2)
    a, b = rnd((5, 7, 9), dtype, rng), rnd((5, 9, 6), dtype, rng)
    A, B = mx.nd.array(a, dtype=dtype), mx.nd.array(b, dtype=dtype)
    np.testing.assert_allclose(mx.nd.batch_dot(A, B).asnumpy(), a @ b, rtol=tol(dtype), atol=tol(dtype))
    At = mx.nd.array(a.transpose(0, 2, 1).copy(), dtype=dtype)
    Bt = mx.nd.array(b.transpose(0, 2, 1).copy(), dtype=dtype)
    np.testing.assert_allclose(mx.nd.batch_dot(At, Bt, transpose_a=True, transpose_b=True).asnumpy(), a @ b,
                               rtol=tol(dtype), atol=tol(dtype))
    np.testing.assert_allclose(mx.nd.batch_dot(T(At), B).asnumpy(), a @ b, rtol=tol(dtype), atol=tol(dtype))
    big_a, big_b = rnd((3, 64, 100), dtype, rng), rnd((3, 100, 80), dtype, rng)
    np.testing.assert_allclose(mx.nd.batch_dot(mx.nd.array(big_a, dtype=dtype), mx.nd.array(big_b, dtype=dtype)).asnumpy(),
                               big_a @ big_b, rtol=tol(dtype), atol=tol(dtype) * 10)
    a4, b4 = rnd((2, 3, 4, 5), dtype, rng), rnd((2, 3, 5, 2), dtype, rng)
    np.testing.assert_allclose(mx.nd.batch_dot(mx.nd.array(a4, dtype=dtype), mx.nd.array(b4, dtype=dtype)).asnumpy(),
                               a4 @ b4, rtol=tol(dtype), atol=tol(dtype))


def test_linalg_gemm2_and_gemm():
    rng = np.random.default_rng(3)
    a, b, c = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 4, 5)), rng.standard_normal((2, 3, 5))
    A, B, C = (mx.nd.array(t, dtype="float64") for t in (a, b, c))
    np.testing.assert_allclose(mx.nd.linalg.gemm2(A, B, alpha=2.0).asnumpy(), 2 * a @ b)
    np.testing.assert_allclose(mx.nd.linalg_gemm2(A, B).asnumpy(), a @ b)
    np.testing.assert_allclose(mx.nd._linalg_gemm2(A, B).asnumpy(), a @ b)
    np.testing.assert_allclose(mx.nd.linalg.gemm(A, B, C, alpha=2.0, beta=0.5).asnumpy(), 2 * a @ b + 0.5 * c)
    np.testing.assert_allclose(mx.nd._linalg_gemm(A, B, C).asnumpy(), a @ b + c)
    np.testing.assert_allclose(mx.nd.linalg.gemm2(A, A, transpose_b=True).asnumpy(), a @ a.transpose(0, 2, 1))
    np.testing.assert_allclose(mx.nd.linalg.gemm2(A, A, transpose_a=True).asnumpy(), a.transpose(0, 2, 1) @ a)
    np.testing.assert_allclose(mx.nd.linalg.gemm2(A[0], B[0]).asnumpy(), a[0] @ b[0])
    # axis: the row axis; A (3, 2, 4) has rows on axis 0, batch on axis 1
    a0, b0 = rng.standard_normal((3, 2, 4)), rng.standard_normal((4, 2, 5))
    r = mx.nd.linalg.gemm2(mx.nd.array(a0, dtype="float64"), mx.nd.array(b0, dtype="float64"), axis=0)
    assert r.shape == (3, 2, 5)
    want = np.einsum("ibk,kbj->ibj", a0, b0)
    np.testing.assert_allclose(r.asnumpy(), want)
    # documented example
    r = mx.nd.linalg.gemm2(mx.nd.ones((2, 2)), mx.nd.ones((3, 2)), transpose_b=True, alpha=2.0)
    np.testing.assert_allclose(r.asnumpy(), np.full((2, 3), 4.0))


def test_errors():
    a = mx.nd.ones((2, 3))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 3\)"):
        mx.nd.dot(a, a)
    with pytest.raises(MXNetError):
        mx.nd.dot(a, mx.nd.ones((3, 2), dtype="float64"))
    with pytest.raises(TypeError):
        mx.nd.dot(a, mx.nd.ones((3, 2), dtype="float64"))
    with pytest.raises(MXNetError):
        mx.nd.dot(mx.nd.ones(3), mx.nd.ones(3), transpose_a=True)
    with pytest.raises(MXNetError, match="batch"):
        mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), mx.nd.ones((3, 4, 5)))
    with pytest.raises(MXNetError):
        mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), mx.nd.ones((2, 3, 4)))
    with pytest.raises(MXNetError):
        mx.nd.batch_dot(a, a)
    with pytest.raises(MXNetError):
        mx.nd.linalg.gemm2(a, a)
    with pytest.raises(MXNetError):
        mx.nd.linalg.gemm(mx.nd.ones((2, 3, 4)), mx.nd.ones((2, 4, 5)), mx.nd.ones((1, 3, 5)))
    with pytest.raises(MXNetError):
        mx.nd.linalg.gemm2(mx.nd.ones((2, 3, 4)), mx.nd.ones((2, 4, 5)), axis=-1)


def test_empty_and_k0():
    assert mx.nd.dot(mx.nd.ones((0, 3)), mx.nd.ones((3, 4))).shape == (0, 4)
    r = mx.nd.dot(mx.nd.ones((2, 0)), mx.nd.ones((0, 3)))
    np.testing.assert_array_equal(r.asnumpy(), np.zeros((2, 3)))


_BIG_PRODUCTS = r"""
import numpy as np, gluonx as mx
rng = np.random.default_rng(0)
def check(got, want):
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * float(np.abs(want).max()))
# >= 2^24 multiply-adds (gluonx's own AVX-512 GEMM when OpenBLAS lacks AVX-512), sides that
# are not multiples of the 12 x 32 tile, depths past one 256-deep block, row- and column-split
for m, k, n in [(301, 517, 203), (3000, 300, 25), (37, 700, 1100)]:
    for ta in (False, True):
        for tb in (False, True):
            a = rng.standard_normal((k, m) if ta else (m, k)).astype("f4")
            b = rng.standard_normal((n, k) if tb else (k, n)).astype("f4")
            got = mx.nd.dot(mx.nd.array(a), mx.nd.array(b), transpose_a=ta, transpose_b=tb).asnumpy()
            check(got, (a.T if ta else a).astype("f8") @ (b.T if tb else b).astype("f8"))
a = rng.standard_normal((3, 300, 200)).astype("f4"); b = rng.standard_normal((3, 200, 310)).astype("f4")
check(mx.nd.batch_dot(mx.nd.array(a), mx.nd.array(b)).asnumpy(), a.astype("f8") @ b.astype("f8"))
c = rng.standard_normal((3, 300, 310)).astype("f4")
for alpha, beta in [(1.0, 1.0), (0.5, 2.0), (1.0, 0.0)]:
    got = mx.nd.linalg.gemm(mx.nd.array(a), mx.nd.array(b), mx.nd.array(c), alpha=alpha, beta=beta).asnumpy()
    check(got, alpha * (a.astype("f8") @ b.astype("f8")) + beta * c)
x = rng.standard_normal((512, 784)).astype("f4"); w = rng.standard_normal((256, 784)).astype("f4")
bias = rng.standard_normal(256).astype("f4")
got = mx.nd.FullyConnected(mx.nd.array(x), mx.nd.array(w), mx.nd.array(bias), num_hidden=256).asnumpy()
check(got, x.astype("f8") @ w.T.astype("f8") + bias)
print("ok")
"""


@pytest.mark.parametrize("path", ["blas", "avx512"])
def test_float32_large_products_both_gemm_paths(path):
    """Large float32 products through OpenBLAS and through gluonx's AVX-512 GEMM
    (taken where OpenBLAS runs without AVX-512) agree with float64 NumPy."""
    import os
    import subprocess
    import sys
    env = dict(os.environ, GLUONX_SGEMM=path)
    r = subprocess.run([sys.executable, "-c", _BIG_PRODUCTS], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"
