"""Division semantics: `/` and `%` as MXNet 1.9.1's mx.nd (integer `/` truncates,
`%` takes the divisor's sign, x % 0 == 0), `//` (floor_divide, which MXNet 1.x
lacks) as NumPy's floor_divide.  Division by zero and INT_MIN / -1 never trap.

The MXNET_* constants were produced with MXNet 1.9.1 (mx.nd, int32 unless
noted).  MXNet itself dies with SIGFPE on an integer array / 0 and on
INT_MIN / -1; gluonx returns 0 and INT_MIN there (NumPy's results)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c

nd = mx.nd
A = [7, -7, 7, -7, 0, 5, -5, 3]
B = [2, 2, -2, -2, 3, -3, 3, 5]
MXNET = {
    "a/b": [3, -3, -3, 3, 0, -1, -1, 0],
    "a%b": [1, 1, -1, -1, 0, -1, 1, 3],
    "a%3": [1, 2, 1, 2, 0, 2, 1, 0],
    "a%-3": [-2, -1, -2, -1, 0, -1, -2, 0],
    "a/3": [2, -2, 2, -2, 0, 1, -1, 1],
    "-7%b": [1, 1, -1, -1, 2, -1, 2, 3],
    "f:-7.5%b": [0.5, 0.5, -1.5, -1.5, 1.5, -1.5, 1.5, 2.5],
}
INTS = ("int8", "uint8", "int32", "int64")


def I(v, dtype="int32"):
    return nd.array(np.array(v), dtype=dtype)


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32", "float64"])
def test_div_mod_match_mxnet(dtype):
    a, b = I(A, dtype), I(B, dtype)
    np.testing.assert_array_equal((a % b).asnumpy(), MXNET["a%b"])
    np.testing.assert_array_equal((a % 3).asnumpy(), MXNET["a%3"])
    np.testing.assert_array_equal((a % -3).asnumpy(), MXNET["a%-3"])
    np.testing.assert_array_equal((-7 % b).asnumpy(), MXNET["-7%b"])
    np.testing.assert_array_equal(nd.modulo(a, b).asnumpy(), MXNET["a%b"])
    np.testing.assert_array_equal(nd.broadcast_mod(a, b).asnumpy(), MXNET["a%b"])
    if dtype.startswith("int"):
        np.testing.assert_array_equal((a / b).asnumpy(), MXNET["a/b"])  # truncates
        np.testing.assert_array_equal((a / 3).asnumpy(), MXNET["a/3"])
        assert (a / b).dtype == np.dtype(dtype)
    else:
        np.testing.assert_array_equal((-7.5 % b).asnumpy(), MXNET["f:-7.5%b"])


def test_zero_divisors_do_not_trap():
    for dtype in INTS:
        a, z = I([7, 0, 3, 1], dtype), I([0, 0, 0, 0], dtype)
        for r in (a / z, a % z, a // z, a / 0, a % 0, a // 0, 5 // z, 5 % z, nd.elemwise_div(a, z)):
            np.testing.assert_array_equal(r.asnumpy(), 0)
    m = np.iinfo(np.int32).min
    a, neg1 = I([m, m, 7], "int32"), I([-1, -1, -1], "int32")
    np.testing.assert_array_equal((a / neg1).asnumpy(), [m, m, -7])  # wraps, as NumPy
    np.testing.assert_array_equal((a // neg1).asnumpy(), [m, m, -7])
    np.testing.assert_array_equal((a % neg1).asnumpy(), 0)
    m64 = np.iinfo(np.int64).min
    np.testing.assert_array_equal((I([m64], "int64") // -1).asnumpy(), [m64])
    np.testing.assert_array_equal((I([-128, 7], "int8") / -1).asnumpy(), [-128, -7])  # MXNet: [-128, -7]
    np.testing.assert_array_equal((I([7, -7, -128], "int8") % -3).asnumpy(), [-2, -1, -2])  # MXNet
    f = nd.array([7.5, -7.5, 0.0])
    np.testing.assert_array_equal((f % 0).asnumpy(), 0)  # MXNet: float x % 0 == 0 too
    np.testing.assert_array_equal((f / nd.zeros(3)).asnumpy(), [np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal((f // nd.zeros(3)).asnumpy(), [np.inf, -np.inf, np.nan])  # NumPy


@pytest.mark.parametrize("dtype", INTS)
def test_floor_divide_ints_vs_numpy(dtype):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(0)
    a0 = rng.integers(info.min, info.max, (4, 5), endpoint=True, dtype=dtype)
    b0 = rng.integers(-9 if info.min else 0, 10, (5,), dtype=dtype)
    with np.errstate(all="ignore"):
        want = np.floor_divide(a0, b0)
        want_r = np.floor_divide(a0, np.where(b0 == 0, 1, b0).astype(dtype))
    want[:, b0 == 0] = 0
    a, b = I(a0, dtype), I(b0, dtype)
    y = a // b  # broadcast (4, 5) // (5,)
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(y.asnumpy(), want)
    np.testing.assert_array_equal(nd.floor_divide(a, b).asnumpy(), want)
    bnz = I(np.where(b0 == 0, 1, b0).astype(dtype), dtype)
    np.testing.assert_array_equal((a // bnz).asnumpy(), want_r)
    # a == (a // b) * b + a % b (wrapping), with a % b zero or of b's sign
    q, r, bb = (a // bnz).asnumpy(), (a % bnz).asnumpy(), bnz.asnumpy()
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal((q * bb + r).astype(dtype), a0)
    assert np.all((r == 0) | (np.sign(r) == np.sign(bb)))


def test_floor_divide_scalars_and_inplace():
    a = I([7, -7, 8, -8])
    np.testing.assert_array_equal((a // 3).asnumpy(), [2, -3, 2, -3])
    np.testing.assert_array_equal((a // -3).asnumpy(), [-3, 2, -3, 2])
    np.testing.assert_array_equal((20 // a).asnumpy(), [2, -3, 2, -3])
    x = I([7, -7])
    x //= 2
    np.testing.assert_array_equal(x.asnumpy(), [3, -4])
    assert nd.floor_divide(7, -2) == -4 and nd.floor_divide(7, 0) == 0
    assert np.isinf(nd.floor_divide(-7.0, 0.0))


def test_floor_divide_floats_vs_numpy():
    f = np.array([1, -1, 7.5, -7.5, 0.0, np.inf, -5, 1e308, -0.0, 5])
    g = np.array([0.1, 0.1, 2, 2, -1, 2, np.inf, 1e-308, 3, -np.inf])
    for dtype in ("float64", "float32", "float16"):
        with np.errstate(all="ignore"):
            want = np.floor_divide(f.astype(dtype), g.astype(dtype))
        with np.errstate(over="ignore"):  # 1e308 -> inf in float16/32
            got = (nd.array(f, dtype=dtype) // nd.array(g, dtype=dtype)).asnumpy()
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def test_floor_divide_noncontiguous():
    base = np.arange(-12, 12, dtype=np.int64).reshape(4, 6)
    v = _c.as_strided(I(base, "int64"), (6, 4), (1, 6), 0)  # transposed view
    s = _c.as_strided(I(base, "int64"), (4, 3), (6, 2), 1)  # every other column, offset 1
    np.testing.assert_array_equal((v // 5).asnumpy(), base.T // 5)
    np.testing.assert_array_equal((s // -4).asnumpy(), base[:, 1::2] // -4)
    np.testing.assert_array_equal((v % -5).asnumpy(), base.T % -5)


def test_floor_divide_gradient_is_zero():
    a = nd.array([7.5, -3.2], dtype="float64")
    b = nd.array([2.0, 2.0], dtype="float64")
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        y = a // b + a * 0 + (a // 2.0)
    y.backward()
    np.testing.assert_array_equal(y.asnumpy(), [6.0, -4.0])
    np.testing.assert_array_equal(a.grad.asnumpy(), 0)
    np.testing.assert_array_equal(b.grad.asnumpy(), 0)


def test_floor_divide_errors():
    with pytest.raises(mx.base.MXNetError):
        nd.floor_divide(I([1, 2]), I([1, 2, 3]))
    with pytest.raises(mx.base.MXNetError):
        nd.floor_divide("a", 2)


@settings(max_examples=40, deadline=None)
@given(dtype=st.sampled_from(INTS), seed=st.integers(0, 10 ** 6), scalar=st.booleans())
def test_random_sweep_vs_numpy(dtype, seed, scalar):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(seed)
    a0 = rng.integers(info.min, info.max, (3, 4), endpoint=True, dtype=dtype)
    b0 = rng.integers(info.min, info.max, (3, 1), endpoint=True, dtype=dtype)
    b0[0, 0] = 0
    if scalar:
        b0 = np.full((1,), b0[1, 0], dtype=dtype)
    with np.errstate(all="ignore"):
        want_fd = np.floor_divide(a0, b0)
        want_mod = np.mod(a0, b0)
    want_fd[np.broadcast_to(b0 == 0, a0.shape)] = 0
    want_mod[np.broadcast_to(b0 == 0, a0.shape)] = 0
    a, b = I(a0, dtype), I(b0, dtype)
    np.testing.assert_array_equal((a // b).asnumpy(), want_fd)
    np.testing.assert_array_equal((a % b).asnumpy(), want_mod)
