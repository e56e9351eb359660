"""fused_elemwise (backends/cpu/fused.c) and its program builder gluonx/_fused.py.

Numerics checked here.  A fused program is compared with the same single-op
kernels run one after another (`_unfused`, and mx.nd ops for the hand-written
programs) and with NumPy:
* programs of exact ops (arithmetic, comparisons, min/max, relu, leaky, clip,
  rounding, sqrt, rsqrt, reciprocal, softsign, muladd, ...) agree BIT FOR BIT
  with the unfused kernels, and with NumPy computing in the same dtype;
* libm functions (exp, tanh, sigmoid, erf, power, ... and nn_act's softrelu,
  elu, selu, gelu, which evaluate in double) agree per op within 2 ulp in
  float32 and 8 ulp in float64 of the single kernel (libmvec vs scalar libm;
  float32 measured 0 ulp, float64 up to 4), gelu within 2-8 ulp plus
  |x| * 2^-51 absolute (1 + erf(x/sqrt 2) cancels for x < 0 in every
  implementation); random chains of them within a loose relative tolerance.
Layouts: contiguous, broadcast (stride 0), gapped and reversed inputs,
strided and column-major outputs, in place (output = input 0); rows long
(blocks of one row) and short (several rows per block); sizes below and
above GX_OMP_MIN_ELEMS (the threaded path).
Launch: _c.launch("fused_elemwise", inputs, [out], attrs, "fused_elemwise").
"""

from fractions import Fraction

import numpy as np
import pytest

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx._fused import FusedProgram, decode

from .fused_check import (DTYPES, ULP, _gaps_untouched, _launch, _nd, _numpy, _out, _ulp,
                          _unfused)


# ---- hand-written programs --------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", ["contig", "strided_out", "inplace", "4d_views"])
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (4, 16, 256, 257)], ids=["small", "big"])
def test_bias_add_relu(dtype, layout, shape):
    rng = np.random.default_rng(1)
    N, C, H, W = shape
    x = rng.standard_normal(shape).astype(dtype)
    bias = rng.standard_normal(C).astype(dtype)
    X, B = _nd(x), _nd(bias)
    ref_np = np.maximum(x + bias[None, :, None, None], 0)
    ref_mx = mx.nd.relu(mx.nd.broadcast_add(X, B.reshape((1, C, 1, 1)))).asnumpy()
    np.testing.assert_array_equal(ref_mx, ref_np)
    p = FusedProgram(2)
    p.unary("relu", p.binary("add", p.input(0), p.input(1)))
    attrs = p.pack()
    if layout == "4d_views":
        xin = X
        bin_ = _c.as_strided(B, shape, (0, 1, 0, 0))
        out, wide = _out(shape, dtype, "contig")
    else:
        shp3 = (N, C, H * W)
        xin = _c.reshape(X, shp3)
        bin_ = _c.as_strided(B, shp3, (0, 1, 0))
        if layout == "inplace":
            out, wide = xin, None
        else:
            out, wide = _out(shp3, dtype, "gapped" if layout == "strided_out" else "contig")
    _launch(attrs, [xin, bin_], out)
    got = out.asnumpy().reshape(shape)
    np.testing.assert_array_equal(got, ref_mx)
    _gaps_untouched(wide)
    if layout == "inplace":
        np.testing.assert_array_equal(X.asnumpy(), ref_mx)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", ["contig", "strided_out", "inplace"])
def test_batchnorm_affine_relu(dtype, layout):
    rng = np.random.default_rng(2)
    N, C, H, W = 3, 5, 6, 7
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    gamma, beta = rng.uniform(0.5, 2, C).astype(dtype), rng.standard_normal(C).astype(dtype)
    mean, var = rng.standard_normal(C).astype(dtype), rng.uniform(0.5, 2, C).astype(dtype)
    eps = 1e-3
    scale = (gamma / np.sqrt(var + dtype(eps))).astype(dtype)
    shift = (beta - mean * scale).astype(dtype)
    X, S, T = _nd(x), _nd(scale), _nd(shift)
    # unfused: the same kernels one after another, bit for bit
    ref = mx.nd.relu(mx.nd.broadcast_add(mx.nd.broadcast_mul(X, S.reshape((1, C, 1, 1))),
                                         T.reshape((1, C, 1, 1)))).asnumpy()
    np.testing.assert_array_equal(ref, np.maximum(x * scale[:, None, None] + shift[:, None, None], 0))
    bn = mx.nd.relu(mx.nd.BatchNorm(X, _nd(gamma), _nd(beta), _nd(mean), _nd(var), eps=eps,
                                    fix_gamma=False, use_global_stats=True)).asnumpy()
    p = FusedProgram(3)
    y = p.binary("mul", p.input(0), p.input(1))
    y = p.binary("add", y, p.input(2))
    p.unary("relu", y)
    shp3 = (N, C, H * W)
    ins = [_c.reshape(X, shp3), _c.as_strided(S, shp3, (0, 1, 0)), _c.as_strided(T, shp3, (0, 1, 0))]
    if layout == "inplace":
        out, wide = ins[0], None
    else:
        out, wide = _out(shp3, dtype, "gapped" if layout == "strided_out" else "contig")
    _launch(p.pack(), ins, out)
    got = out.asnumpy().reshape(x.shape)
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_allclose(got, bn, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)
    _gaps_untouched(wide)


@pytest.mark.parametrize("dtype", DTYPES)
def test_scalar_chains(dtype):
    rng = np.random.default_rng(3)
    x = rng.uniform(0.1, 3, (7, 129)).astype(dtype)
    X = _nd(x)

    def run(build):
        p = FusedProgram(1)
        build(p, p.input(0))
        return _launch(p.pack(), [X], _c.empty(x.shape, np.dtype(dtype).name)).asnumpy()

    cases = [
        (lambda p, v: p.scalar("add", p.scalar("mul", v, 2.0), 1.0), (X * 2) + 1),
        (lambda p, v: p.muladd(v, 2.0, 1.0), (X * 2) + 1),
        (lambda p, v: p.muladd(v, v, 0.3), (X * X) + 0.3),
        (lambda p, v: p.scalar("sub", v, 1.0, reverse=True), 1 - X),
        (lambda p, v: p.scalar("div", v, 2.0, reverse=True), 2 / X),
        (lambda p, v: p.scalar("div", v, 3.0), X / 3),
        (lambda p, v: p.scalar("sub", v, 0.1), X - 0.1),
        (lambda p, v: p.scalar("power", v, 2.0), X ** 2),
        (lambda p, v: p.scalar("maximum", v, 1.5, reverse=True), mx.nd.maximum(1.5, X)),
        (lambda p, v: p.scalar("greater", v, 1.5), X > 1.5),
        (lambda p, v: p.scalar("greater", v, 1.5, reverse=True), 1.5 > X),
        (lambda p, v: p.scalar("lesser_equal", v, 1.5, reverse=True), 1.5 <= X),
        (lambda p, v: p.scalar("equal", p.unary("floor", v), 1.0), mx.nd.floor(X) == 1),
        (lambda p, v: p.scalar("not_equal", p.unary("ceil", v), 2.0), mx.nd.ceil(X) != 2),
        (lambda p, v: p.unary("clip", v, 0.5, 2.0), mx.nd.clip(X, 0.5, 2.0)),
        (lambda p, v: p.scalar("mod", v, 5.0, reverse=True), mx.nd.broadcast_mod(
            _c.full(x.shape, 5.0, np.dtype(dtype).name), X)),
    ]
    for build, ref in cases:
        np.testing.assert_array_equal(run(build), ref.asnumpy())
    # libm scalar ops
    np.testing.assert_allclose(run(lambda p, v: p.scalar("power", v, 2.0, reverse=True)),
                               (2 ** X).asnumpy(), rtol=1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("dtype", DTYPES)
def test_comparisons_two_inputs(dtype):
    rng = np.random.default_rng(4)
    x = rng.integers(-2, 3, (5, 33)).astype(dtype)
    y = rng.integers(-2, 3, (5, 33)).astype(dtype)
    X, Y = _nd(x), _nd(y)
    for op in ["greater", "greater_equal", "lesser", "lesser_equal", "equal", "not_equal",
               "maximum", "minimum", "logical_and", "logical_or", "logical_xor", "hypot"]:
        p = FusedProgram(2)
        p.binary(op, 0, 1)
        got = _launch(p.pack(), [X, Y], _c.empty(x.shape, np.dtype(dtype).name)).asnumpy()
        np.testing.assert_array_equal(got, getattr(mx.nd, op)(X, Y).asnumpy(), err_msg=op)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("act", ["leaky", "elu", "selu", "gelu", "softrelu", "relu", "sigmoid",
                                 "tanh", "softsign"])
def test_activations_match_single_kernels(dtype, act):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal(40013) * 4).astype(dtype)
    X = _nd(x)
    if act in ("leaky", "elu", "selu", "gelu"):
        ref = mx.nd.LeakyReLU(X, act_type=act, slope=0.3).asnumpy()
    else:
        ref = mx.nd.Activation(X, act_type=act).asnumpy()
    p = FusedProgram(1)
    p.unary(act, 0, 0.3)
    got = _launch(p.pack(), [X], _c.empty(x.shape, np.dtype(dtype).name)).asnumpy()
    if act in ("leaky", "relu", "softsign"):
        np.testing.assert_array_equal(got, ref)
        return
    npref = _numpy(p.pack(), [x], x.shape, dtype)
    if act == "gelu":
        # 0.5*x*(1 + erf(x/sqrt 2)) in double: the sum cancels for x < 0, leaving an
        # absolute error of about |x| * 2^-53 (in nn_act too), then the dtype's rounding
        for r in (ref, npref):
            bound = ULP[dtype] * np.finfo(dtype).eps * np.abs(r) + 4 * 2.0 ** -53 * np.abs(x)
            assert (np.abs(got.astype(np.float64) - r) <= bound).all()
        return
    assert _ulp(got, ref) <= ULP[dtype]
    np.testing.assert_allclose(got, npref, rtol=4 * np.finfo(dtype).eps, atol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
def test_libm_ops_within_ulps(dtype):
    rng = np.random.default_rng(6)
    x = rng.uniform(-3, 3, 5003).astype(dtype)
    pos = rng.uniform(0.05, 4, 5003).astype(dtype)
    for op in ["exp", "expm1", "log", "log1p", "sin", "cos", "tanh", "sigmoid", "erf", "cbrt",
               "tan", "arcsinh", "arctan", "sinh", "cosh", "log2", "log10", "sqrt", "rsqrt"]:
        v = pos if op in ("log", "log2", "log10", "sqrt", "rsqrt") else x
        V = _nd(v)
        p = FusedProgram(1)
        p.unary(op, 0)
        got = _launch(p.pack(), [V], _c.empty(v.shape, np.dtype(dtype).name)).asnumpy()
        assert _ulp(got, _c.unary(op, V).asnumpy()) <= ULP[dtype], op
    for op in ["power", "hypot", "arctan2"]:
        p = FusedProgram(2)
        p.binary(op, 0, 1)
        got = _launch(p.pack(), [_nd(pos), _nd(x)], _c.empty(x.shape, np.dtype(dtype).name)).asnumpy()
        assert _ulp(got, _c.binary(op, _nd(pos), _nd(x)).asnumpy()) <= ULP[dtype], op


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "maximum", "minimum", "div", "muladd"])
@pytest.mark.parametrize("bcast", ["none", "b", "a", "both"])
def test_binary_then_relu(dtype, op, bcast):
    """A binary op then relu of its result (the kernel runs add/sub/mul/max/min
    with relu in one loop): bit for bit, every side uniform or not."""
    rng = np.random.default_rng(11)
    shape = (3, 1100)
    a = rng.uniform(-2, 2, (1 if bcast in ("a", "both") else 3, 1100)).astype(dtype)
    b = rng.uniform(-2, 2, (3, 1) if bcast in ("b", "both") else shape).astype(dtype)
    if bcast == "both":
        a = a[:, :1].copy()
    A = _c.as_strided(_nd(a), shape, (0 if a.shape[0] == 1 else a.shape[1], 0 if a.shape[1] == 1 else 1))
    B = _c.as_strided(_nd(b), shape, (0 if b.shape[0] == 1 else b.shape[1], 0 if b.shape[1] == 1 else 1))
    p = FusedProgram(2)
    r = p.muladd(0, 1, 0.25) if op == "muladd" else p.binary(op, 0, 1)
    p.unary("relu", r)
    attrs = p.pack()
    _, code = decode(attrs)
    assert code[0][1] == code[1][1] == code[1][2]  # relu in place on the op's register
    ref = _unfused(attrs, [A, B], shape, dtype)
    np.testing.assert_array_equal(ref, _numpy(attrs, [np.broadcast_to(a, shape), np.broadcast_to(b, shape)],
                                              shape, dtype))
    for kind in ("contig", "gapped"):
        out, wide = _out(shape, dtype, kind)
        np.testing.assert_array_equal(_launch(attrs, [A, B], out).asnumpy(), ref)
        _gaps_untouched(wide)
    # relu feeding a later instruction too
    p = FusedProgram(2)
    r = p.unary("relu", p.binary("add", 0, 1))
    p.binary("mul", r, r)
    attrs = p.pack()
    np.testing.assert_array_equal(_launch(attrs, [A, B], _c.empty(shape, np.dtype(dtype).name)).asnumpy(),
                                  _unfused(attrs, [A, B], shape, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("uni", ["", "a", "b", "c", "ab", "bc", "ac", "abc"])
@pytest.mark.parametrize("tail", ["", "relu", "relu+more"])
def test_mul_then_add(dtype, uni, tail):
    """mul then add of the product (the kernel runs them as one loop, as in
    BatchNorm's x*scale + shift): rounded twice, bit for bit as the two
    kernels, for every operand uniform or not and the product on either side."""
    rng = np.random.default_rng(12)
    shape = (4, 600)
    ins, arrs = [], []
    for name in "abc":
        if name in uni:
            v = rng.uniform(-2, 2, (4, 1)).astype(dtype)
            ins.append(_c.as_strided(_nd(v), shape, (1, 0)))
        else:
            v = rng.uniform(-2, 2, shape).astype(dtype)
            ins.append(_nd(v))
        arrs.append(np.broadcast_to(v, shape))
    for side in ("left", "right", "scalar"):
        p = FusedProgram(3)
        r = p.binary("mul", 0, 1)
        if side == "scalar":
            r = p.scalar("add", r, 0.3)
        else:
            r = p.binary("add", r, 2) if side == "left" else p.binary("add", 2, r)
        if tail:
            r = p.unary("relu", r)
        if tail == "relu+more":
            r = p.binary("sub", r, 2)
        attrs = p.pack()
        code = decode(attrs)[1]
        assert code[0][1] == code[1][1]  # the add writes the product's register
        ref = _unfused(attrs, ins, shape, dtype)
        np.testing.assert_array_equal(ref, _numpy(attrs, arrs, shape, dtype))
        for kind in ("contig", "gapped"):
            out, wide = _out(shape, dtype, kind)
            np.testing.assert_array_equal(_launch(attrs, ins, out).asnumpy(), ref,
                                          err_msg="%s %s" % (side, decode(attrs)[1]))
            _gaps_untouched(wide)
    # a*b + c rounded once would differ here
    x = 1 + 2.0 ** (-13 if dtype == np.float32 else -30)  # x*x has a bit below the ulp
    a = np.array([x], dtype)
    assert Fraction(float(a[0])) ** 2 != Fraction(float(a[0] * a[0]))
    c = np.array([-(a[0] * a[0])], dtype)
    p = FusedProgram(2)
    p.binary("add", p.binary("mul", 0, 0), 1)
    got = _launch(p.pack(), [_nd(a), _nd(c)], _c.empty((1,), np.dtype(dtype).name)).asnumpy()
    assert got[0] == 0.0
