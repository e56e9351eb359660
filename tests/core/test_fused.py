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
import math
import os
from fractions import Fraction
import re
import struct

import numpy as np
import pytest

import gluonx as mx
from gluonx import _fused
from gluonx._core import ndarray as _c
from gluonx._fused import FusedProgram, OPCODES, decode
from gluonx.base import MXNetError

DTYPES = [np.float32, np.float64]
BIG = 1 << 22  # GX_OMP_MIN_ELEMS: above it the kernel splits over threads


def _launch(attrs, inputs, out):
    _c.launch("fused_elemwise", list(inputs), [out], attrs, "fused_elemwise")
    return out


def _nd(a, dtype=None):
    a = np.ascontiguousarray(a)
    return _c.array_from_numpy(a, dtype=dtype or a.dtype)


def _strides(shape):
    st, s = [], 1
    for e in reversed(shape):
        st.append(s)
        s *= e
    return tuple(reversed(st))


def _bview(base, shape, axes):
    """A (shape) view of contiguous NDArray `base` (whose extent is 1 on
    `axes`, or which lacks them when base.ndim < len(shape)): stride 0 there."""
    full = tuple(1 if d in axes else e for d, e in enumerate(shape))
    st = _strides(full)
    return _c.as_strided(base, shape, tuple(0 if d in axes else st[d] for d in range(len(shape))))


def _view(rng, shape, dtype, kind, lo=-2.0, hi=2.0):
    """(NDArray at `shape`, NumPy array at `shape`) of layout kind:
    contig, bcast (random stride-0 axes), gapped (every other element of a
    wider last axis), reversed (negative stride on axis 0)."""
    if kind == "bcast":
        nd_ = len(shape)
        axes = {d for d in range(nd_) if rng.random() < 0.5} or {nd_ - 1}
        small = tuple(1 if d in axes else e for d, e in enumerate(shape))
        a = rng.uniform(lo, hi, small).astype(dtype)
        return _bview(_nd(a), shape, axes), np.broadcast_to(a, shape)
    a = rng.uniform(lo, hi, shape).astype(dtype)
    if kind == "contig":
        return _nd(a), a
    if kind == "gapped":
        wide = np.zeros(shape[:-1] + (2 * shape[-1],), dtype)
        wide[..., ::2] = a
        st = _strides(wide.shape)
        return _c.as_strided(_nd(wide), shape, st[:-1] + (2,)), a
    if kind == "reversed":
        base = _nd(a[::-1])
        st = _strides(shape)
        return _c.as_strided(base, shape, (-st[0],) + st[1:], (shape[0] - 1) * st[0]), a
    raise AssertionError(kind)


def _out(shape, dtype, kind, sentinel=7.0):
    """(output NDArray, base to check the gaps of or None)."""
    if kind == "contig":
        return _c.empty(shape, np.dtype(dtype).name), None
    wide = _c.full(shape[:-1] + (2 * shape[-1],), sentinel, np.dtype(dtype).name)
    st = _strides(wide.shape)
    return _c.as_strided(wide, shape, st[:-1] + (2,)), wide


def _gaps_untouched(wide, sentinel=7.0):
    if wide is not None:
        assert (wide.asnumpy()[..., 1::2] == sentinel).all()


# ---- references -----------------------------------------------------------------------

_CLIP = struct.Struct("<dd")
_ACT = struct.Struct("<iid")
_ACT_KIND = {"softrelu": 0, "leaky": 1, "elu": 2, "selu": 3, "gelu": 4}


def _unfused(attrs, inputs, shape, dtype):
    """Runs a packed program as single-op kernel launches, one per instruction."""
    _, code = decode(attrs)
    regs = dict(enumerate(inputs))
    dname = np.dtype(dtype).name
    for op, dst, a, b, imm, imm2 in code:
        x = regs.get(a)
        if op == "copy":
            r = x
        elif op == "const":
            r = _c.full(shape, imm, dname)
        elif op in _ACT_KIND:
            r = _c.empty(shape, dname)
            _c.launch("nn_act", [_c.contiguous(x)], [r], _ACT.pack(_ACT_KIND[op], 0, imm))
        elif op == "clip":
            r = _c.empty(shape, dname)
            _c.launch("clip", [x], [r], _CLIP.pack(imm, imm2))
        elif op in ("rsub", "rdiv", "rpower"):
            r = _c.binary({"rsub": "sub", "rdiv": "div", "rpower": "power"}[op], imm, x)
        elif op == "muladd":
            r = _c.binary("add", _c.binary("mul", x, regs[b] if b >= 0 else imm), imm2)
        elif op in _fused.BINARY_KERNELS:
            r = _c.binary(op, x, regs[b] if b >= 0 else imm)
        else:
            r = _c.unary(op, x)
        regs[dst] = r
    return regs[code[-1][1]].asnumpy()


def _np_round(x):
    t = np.trunc(x)
    return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t).astype(x.dtype)


def _f64(fn):
    """A libm function: evaluated in float64, rounded to the dtype."""
    return lambda x, *r: fn(*(np.asarray(v, np.float64) for v in (x,) + r)).astype(x.dtype)


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _np_mod(a, b):
    r = np.fmod(a, np.where(b == 0, 1, b))
    r = np.where((r != 0) & ((r < 0) != (b < 0)), r + b, r)
    return np.where(b == 0, 0, r).astype(a.dtype)


NP_UNARY = {  # name: f(x, p, q, w) in the dtype
    "copy": lambda x, p, q, w: x,
    "negative": lambda x, p, q, w: -x,
    "abs": lambda x, p, q, w: np.abs(x),
    "square": lambda x, p, q, w: x * x,
    "sqrt": lambda x, p, q, w: np.sqrt(x),
    "rsqrt": lambda x, p, q, w: 1 / np.sqrt(x),
    "reciprocal": lambda x, p, q, w: 1 / x,
    "relu": lambda x, p, q, w: np.where(x > 0, x, 0).astype(x.dtype),
    "softsign": lambda x, p, q, w: x / (1 + np.abs(x)),
    "sign": lambda x, p, q, w: np.where(np.isnan(x), 0, np.sign(x)).astype(x.dtype),
    "floor": lambda x, p, q, w: np.floor(x),
    "ceil": lambda x, p, q, w: np.ceil(x),
    "round": lambda x, p, q, w: _np_round(x),
    "trunc": lambda x, p, q, w: np.trunc(x),
    "rint": lambda x, p, q, w: (np.floor(x) + ((x - np.floor(x)) > 0.5)).astype(x.dtype),
    "degrees": lambda x, p, q, w: x * x.dtype.type(57.29577951308232),
    "radians": lambda x, p, q, w: x * x.dtype.type(0.017453292519943295),
    "logical_not": lambda x, p, q, w: (x == 0).astype(x.dtype),
    "leaky": lambda x, p, q, w: np.where(x > 0, x, x * p).astype(x.dtype),
    "clip": lambda x, p, q, w: np.where(x < p, p, np.where(x > q, q, x)).astype(x.dtype),
    "rsub": lambda x, p, q, w: w - x,
    "rdiv": lambda x, p, q, w: w / x,
    # libm
    "exp": lambda x, p, q, w: _f64(np.exp)(x),
    "expm1": lambda x, p, q, w: _f64(np.expm1)(x),
    "log": lambda x, p, q, w: _f64(np.log)(x),
    "log1p": lambda x, p, q, w: _f64(np.log1p)(x),
    "sin": lambda x, p, q, w: _f64(np.sin)(x),
    "cos": lambda x, p, q, w: _f64(np.cos)(x),
    "tanh": lambda x, p, q, w: _f64(np.tanh)(x),
    "sigmoid": lambda x, p, q, w: _f64(lambda v: 1 / (1 + np.exp(-v)))(x),
    "erf": lambda x, p, q, w: _f64(_erf)(x),
    "softrelu": lambda x, p, q, w: _f64(lambda v: np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v))))(x),
    "elu": lambda x, p, q, w: _f64(lambda v: np.where(v > 0, v, float(p) * np.expm1(v)))(x),
    "selu": lambda x, p, q, w: _f64(lambda v: 1.0507009873554805 * np.where(
        v > 0, v, 1.6732632423543772 * np.expm1(v)))(x),
    "gelu": lambda x, p, q, w: _f64(lambda v: 0.5 * v * (1 + _erf(v / math.sqrt(2))))(x),
    "rpower": lambda x, p, q, w: _f64(np.power)(np.full_like(x, w), x),
}

NP_BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "maximum": lambda a, b: np.where(a > b, a, b), "minimum": lambda a, b: np.where(a < b, a, b),
    "greater": lambda a, b: (a > b).astype(a.dtype), "greater_equal": lambda a, b: (a >= b).astype(a.dtype),
    "lesser": lambda a, b: (a < b).astype(a.dtype), "lesser_equal": lambda a, b: (a <= b).astype(a.dtype),
    "equal": lambda a, b: (a == b).astype(a.dtype), "not_equal": lambda a, b: (a != b).astype(a.dtype),
    "mod": _np_mod,
    "logical_and": lambda a, b: ((a != 0) & (b != 0)).astype(a.dtype),
    "logical_or": lambda a, b: ((a != 0) | (b != 0)).astype(a.dtype),
    "logical_xor": lambda a, b: ((a != 0) ^ (b != 0)).astype(a.dtype),
    "power": _f64(np.power), "hypot": _f64(np.hypot), "arctan2": _f64(np.arctan2),
}


def _numpy(attrs, inputs, shape, dtype):
    """The program in NumPy, every op rounded to the dtype."""
    _, code = decode(attrs)
    dt = np.dtype(dtype).type
    regs = {i: np.broadcast_to(np.asarray(v, dtype), shape) for i, v in enumerate(inputs)}
    with np.errstate(all="ignore"):
        for op, dst, a, b, imm, imm2 in code:
            x = regs.get(a)
            if op == "const":
                r = np.full(shape, dt(imm))
            elif op == "muladd":
                y = regs[b] if b >= 0 else dt(imm)
                r = (x * y) + dt(imm2)
            elif op in NP_BINARY:
                r = NP_BINARY[op](x, regs[b] if b >= 0 else np.full(shape, dt(imm)))
            else:
                r = NP_UNARY[op](x, dt(imm), dt(imm2), dt(imm))
            regs[dst] = np.asarray(r, dtype)
    return regs[code[-1][1]]


def _ulp(a, b):
    """Largest distance in units in the last place (NaNs equal, +0 == -0)."""
    a, b = np.asarray(a), np.asarray(b)
    it = {4: np.int32, 8: np.int64}[a.dtype.itemsize]

    def key(v):  # monotonic integer image of the floats
        i = v.view(it).astype(np.int64)
        return np.where(i < 0, np.iinfo(it).min - i, i)
    ka, kb = key(a), key(b)
    same = (ka < 0) == (kb < 0)
    with np.errstate(over="ignore"):
        d = np.where(same, np.abs(ka - kb), 0)  # no overflow with one sign
    far = np.abs(ka.astype(np.float64) - kb.astype(np.float64))  # exact while small
    d = np.where(same, d, np.minimum(far, 2.0 ** 62).astype(np.int64))
    d = np.where(np.isnan(a) & np.isnan(b), 0, d)
    return int(d.max()) if d.size else 0


ULP = {np.float32: 2, np.float64: 8}
LOOSE = {np.float32: dict(rtol=2e-4, atol=1e-5), np.float64: dict(rtol=1e-9, atol=1e-12)}


# ---- hand-written programs --------------------------------------------------------------

def _bias_relu():
    p = FusedProgram(2)
    p.unary("relu", p.binary("add", p.input(0), p.input(1)))
    return p


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


# ---- random programs ----------------------------------------------------------------------

EXACT_UNARY = ["copy", "negative", "abs", "square", "sqrt", "rsqrt", "reciprocal", "relu",
               "softsign", "sign", "floor", "ceil", "round", "trunc", "rint", "degrees",
               "logical_not", "leaky", "clip", "rsub", "rdiv"]
EXACT_BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "greater", "greater_equal",
                "lesser", "lesser_equal", "equal", "not_equal", "mod", "logical_xor"]
SMOOTH_UNARY = ["negative", "abs", "relu", "softsign", "leaky", "clip", "sigmoid", "tanh", "sin",
                "cos", "erf", "softrelu", "elu", "selu", "gelu", "rsub"]
SMOOTH_BINARY = ["add", "sub", "mul", "maximum", "minimum"]


def _random_program(rng, k, length, unary, binary):
    p = FusedProgram(k)
    vals = [p.input(i) for i in range(k)]
    for _ in range(length):
        r = rng.random()
        a = vals[rng.integers(len(vals))]
        if r < 0.4:
            op = unary[rng.integers(len(unary))]
            imm, imm2 = float(rng.uniform(-1, 1)), 0.0
            if op == "clip":
                imm, imm2 = sorted(float(v) for v in rng.uniform(-1.5, 1.5, 2))
            v = p.unary(op, a, imm, imm2)
        elif r < 0.75:
            v = p.binary(binary[rng.integers(len(binary))], a, vals[rng.integers(len(vals))])
        elif r < 0.95:
            op = binary[rng.integers(len(binary))]
            v = p.scalar(op, a, float(np.round(rng.uniform(-2, 2), 2)), reverse=bool(rng.random() < 0.5))
        else:
            v = p.muladd(a, vals[rng.integers(len(vals))], float(rng.uniform(-1, 1)))
        vals.append(v)
    # the result depends on every input
    r = vals[-1]
    for i in range(k):
        r = p.binary(binary[0], r, p.input(i))
    return p


LAYOUTS = [("contig", "contig"), ("bcast", "contig"), ("mixed", "gapped"), ("mixed", "inplace"),
           ("reversed", "contig")]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS, ids=["-".join(v) for v in LAYOUTS])
@pytest.mark.parametrize("seed", range(6))
def test_random_exact_programs_bitwise(dtype, layout, seed):
    rng = np.random.default_rng(100 + seed)
    shape = [(3, 4, 5), (2, 300), (517,), (2, 3, 2, 67)][seed % 4]
    k = int(rng.integers(1, 5))
    p = _random_program(rng, k, int(rng.integers(3, 14)), EXACT_UNARY, EXACT_BINARY)
    attrs = p.pack()
    kinds = {"contig": ["contig"] * k, "bcast": ["contig"] + ["bcast"] * (k - 1),
             "reversed": ["reversed"] * k,
             "mixed": ["contig"] + [["bcast", "gapped", "reversed"][i % 3] for i in range(k - 1)]}[layout[0]]
    views = [_view(rng, shape, dtype, kd) for kd in kinds]
    ins = [v[0] for v in views]
    ref = _unfused(attrs, ins, shape, dtype)
    np.testing.assert_array_equal(ref, _numpy(attrs, [v[1] for v in views], shape, dtype))
    if layout[1] == "inplace":
        out, wide = ins[0], None
    else:
        out, wide = _out(shape, dtype, layout[1])
    _launch(attrs, ins, out)
    np.testing.assert_array_equal(out.asnumpy(), ref, err_msg=str(decode(attrs)))
    _gaps_untouched(wide)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS, ids=["-".join(v) for v in LAYOUTS])
@pytest.mark.parametrize("seed", range(6))
def test_random_smooth_programs(dtype, layout, seed):
    rng = np.random.default_rng(200 + seed)
    shape = [(3, 4, 5), (2, 300), (517,), (2, 3, 2, 67)][seed % 4]
    k = int(rng.integers(1, 5))
    p = _random_program(rng, k, int(rng.integers(3, 14)), SMOOTH_UNARY, SMOOTH_BINARY)
    attrs = p.pack()
    kinds = {"contig": ["contig"] * k, "bcast": ["contig"] + ["bcast"] * (k - 1),
             "reversed": ["reversed"] * k,
             "mixed": ["contig"] + [["bcast", "gapped", "reversed"][i % 3] for i in range(k - 1)]}[layout[0]]
    views = [_view(rng, shape, dtype, kd) for kd in kinds]
    ins = [v[0] for v in views]
    ref = _unfused(attrs, ins, shape, dtype)
    np.testing.assert_allclose(ref, _numpy(attrs, [v[1] for v in views], shape, dtype), **LOOSE[dtype])
    if layout[1] == "inplace":
        out, wide = ins[0], None
    else:
        out, wide = _out(shape, dtype, layout[1])
    _launch(attrs, ins, out)
    np.testing.assert_allclose(out.asnumpy(), ref, **LOOSE[dtype], err_msg=str(decode(attrs)))
    _gaps_untouched(wide)


# ---- big arrays: the threaded path --------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_big_inplace_1d(dtype):
    n = BIG + 5
    rng = np.random.default_rng(7)
    x = rng.standard_normal(n).astype(dtype)
    s = np.array([1.75], dtype)
    X, S = _nd(x), _nd(s)
    p = FusedProgram(2)
    y = p.binary("mul", p.input(0), p.input(1))
    y = p.scalar("add", y, -0.25)
    y = p.unary("leaky", y, 0.1)
    p.unary("tanh", y)
    attrs = p.pack()
    Sv = _c.as_strided(S, (n,), (0,))
    ref = _unfused(attrs, [X, Sv], (n,), dtype)
    _launch(attrs, [X, Sv], X)
    assert _ulp(X.asnumpy(), ref) <= ULP[dtype]


@pytest.mark.parametrize("dtype", DTYPES)
def test_big_broadcast_strided_out(dtype):
    N, C, L = 4, 3, 349526  # 4194312 elements > GX_OMP_MIN_ELEMS; rows cut between threads
    rng = np.random.default_rng(8)
    x = rng.standard_normal((N, C, L)).astype(dtype)
    b = rng.standard_normal(C).astype(dtype)
    X, B = _nd(x), _nd(b)
    p = FusedProgram(2)
    p.unary("clip", p.binary("sub", p.input(0), p.input(1)), -0.5, 0.75)
    out, wide = _out((N, C, L), dtype, "gapped")
    _launch(p.pack(), [X, _c.as_strided(B, (N, C, L), (0, 1, 0))], out)
    np.testing.assert_array_equal(out.asnumpy(), np.clip(x - b[:, None], -0.5, 0.75))
    _gaps_untouched(wide)


@pytest.mark.parametrize("dtype", DTYPES)
def test_big_short_rows(dtype):
    """7x7 maps: blocks pack many rows (per-channel inputs filled per row),
    split over threads, output strided."""
    N, C, HW = 86, 1000, 49  # 4214000 elements > GX_OMP_MIN_ELEMS
    rng = np.random.default_rng(13)
    x = rng.standard_normal((N, C, HW)).astype(dtype)
    sc, sh = rng.uniform(0.5, 2, C).astype(dtype), rng.standard_normal(C).astype(dtype)
    X = _nd(x)
    p = FusedProgram(3)
    p.unary("relu", p.binary("add", p.binary("mul", 0, 1), 2))
    attrs = p.pack()
    ins = [X, _c.as_strided(_nd(sc), x.shape, (0, 1, 0)), _c.as_strided(_nd(sh), x.shape, (0, 1, 0))]
    ref = np.maximum(x * sc[:, None] + sh[:, None], 0)
    out, wide = _out(x.shape, dtype, "gapped")
    np.testing.assert_array_equal(_launch(attrs, ins, out).asnumpy(), ref)
    _gaps_untouched(wide)
    np.testing.assert_array_equal(_launch(attrs, ins, X).asnumpy(), ref)  # in place


@pytest.mark.parametrize("dtype", DTYPES + [np.float16])
@pytest.mark.parametrize("shape", [(300, 2), (70, 3, 5), (9, 130)])
def test_transposed_and_tiny_rows(dtype, shape):
    """Column-major output, row-broadcast and reversed inputs: rows of 1..5
    elements, blocks of up to 64 of them."""
    rng = np.random.default_rng(14)
    x = rng.uniform(-2, 2, shape).astype(dtype)
    v = rng.uniform(-2, 2, shape[:-1] + (1,)).astype(dtype)
    rv = rng.uniform(-2, 2, shape).astype(dtype)
    V = _bview(_nd(v), shape, {len(shape) - 1})
    R, rv = _view(rng, shape, dtype, "reversed")
    p = FusedProgram(3)
    y = p.binary("sub", p.binary("mul", 0, 1), 2)
    p.unary("abs", y)
    attrs = p.pack()
    out_base = _c.empty(shape[::-1], np.dtype(dtype).name)
    out = _c.as_strided(out_base, shape, _strides(shape[::-1])[::-1])  # column-major
    _launch(attrs, [_nd(x), V, R], out)
    ref = np.abs(x * v - rv) if dtype != np.float16 else np.abs(
        x.astype(np.float32) * v.astype(np.float32) - rv.astype(np.float32)).astype(np.float16)
    np.testing.assert_array_equal(out.asnumpy(), ref)
    np.testing.assert_array_equal(out_base.asnumpy(), np.ascontiguousarray(ref.T))


# ---- other dtypes and shapes --------------------------------------------------------------

def test_float16_bias_relu():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 70)).astype(np.float16)
    b = rng.standard_normal(3).astype(np.float16)
    p = _bias_relu()
    out = _c.empty(x.shape, "float16")
    _launch(p.pack(), [_nd(x), _c.as_strided(_nd(b), x.shape, (0, 1, 0))], out)
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out.asnumpy(), np.maximum(x + b[:, None], 0))


def test_float16_chain_rounds_once():
    x = np.linspace(-3, 3, 301).astype(np.float16)
    p = FusedProgram(1)
    p.unary("sigmoid", p.scalar("mul", 0, 1.5))
    out = _launch(p.pack(), [_nd(x)], _c.empty(x.shape, "float16")).asnumpy()
    ref = (1 / (1 + np.exp(-1.5 * x.astype(np.float64)))).astype(np.float16)
    np.testing.assert_allclose(out.astype(np.float64), ref.astype(np.float64), rtol=1e-3)


@pytest.mark.parametrize("dtype", DTYPES)
def test_no_inputs_const(dtype):
    p = FusedProgram(0)
    p.scalar("mul", p.const(1.5), 3.0)
    out = _launch(p.pack(), [], _c.empty((3, 5), np.dtype(dtype).name))
    np.testing.assert_array_equal(out.asnumpy(), np.full((3, 5), 4.5, dtype))


def test_all_inputs_broadcast_and_empty():
    a = _c.as_strided(_nd(np.array([2.0], np.float32)), (4, 6), (0, 0))
    b = _c.as_strided(_nd(np.arange(6, dtype=np.float32)), (4, 6), (0, 1))
    p = FusedProgram(2)
    p.binary("mul", p.unary("square", 0), 1)
    out = _launch(p.pack(), [a, b], _c.empty((4, 6), "float32"))
    np.testing.assert_array_equal(out.asnumpy(), np.tile(4 * np.arange(6, dtype=np.float32), (4, 1)))
    out = _launch(p.pack(), [_c.empty((0, 3), "float32"), _c.empty((0, 3), "float32")],
                  _c.empty((0, 3), "float32"))
    assert out.shape == (0, 3)


def test_eight_inputs_and_register_reuse():
    rng = np.random.default_rng(10)
    xs = [rng.standard_normal((3, 41)).astype(np.float32) for _ in range(8)]
    p = FusedProgram(8)
    r = p.input(0)
    for i in range(1, 8):
        r = p.binary("add", p.unary("tanh", p.input(i)), r)
    for _ in range(10):
        r = p.unary("negative", r)
    attrs = p.pack()
    _, code = decode(attrs)
    assert max(max(c[1], c[2], c[3]) for c in code) < 8  # inputs' registers reused
    got = _launch(attrs, [_nd(v) for v in xs], _c.empty((3, 41), "float32")).asnumpy()
    ref = _unfused(attrs, [_nd(v) for v in xs], (3, 41), np.float32)
    assert _ulp(got, ref) <= 2


# ---- errors ---------------------------------------------------------------------------------

def _raw(n_inputs, code):
    flat = []
    for ins in code:
        flat += list(ins)
    flat += [0, 0, 0, -1, 0.0, 0.0] * (_fused.MAX_INSTR - len(code))
    return struct.pack(_fused.ATTRS_FORMAT, len(code), n_inputs, *flat)


@pytest.mark.parametrize("n_inputs,code,msg", [
    (1, [(999, 1, 0, -1, 0.0, 0.0)], "opcode"),
    (1, [(-1, 1, 0, -1, 0.0, 0.0)], "opcode"),
    (1, [(OPCODES["relu"], 16, 0, -1, 0.0, 0.0)], "dst"),
    (1, [(OPCODES["relu"], -1, 0, -1, 0.0, 0.0)], "dst"),
    (1, [(OPCODES["relu"], 1, 20, -1, 0.0, 0.0)], "out of range"),
    (1, [(OPCODES["add"], 1, 0, -2, 0.0, 0.0)], "out of range"),
    (1, [(OPCODES["add"], 1, 0, 16, 0.0, 0.0)], "out of range"),
    (1, [(OPCODES["relu"], 1, 5, -1, 0.0, 0.0)], "before it is written"),
    (1, [(OPCODES["add"], 1, 0, 3, 0.0, 0.0)], "before it is written"),
    (2, [(OPCODES["add"], 2, 0, 1, 0.0, 0.0)], "inputs"),
    (1, [], "n_instr"),
])
def test_bad_programs(n_inputs, code, msg):
    x = _nd(np.ones((2, 3), np.float32))
    with pytest.raises(MXNetError, match=msg) as e:
        _launch(_raw(n_inputs, code), [x], _c.empty((2, 3), "float32"))
    assert isinstance(e.value, ValueError)


def test_bad_counts_and_operands():
    x = _nd(np.ones((2, 3), np.float32))
    too_long = struct.pack("<ii", 33, 1) + _raw(1, [(0, 1, 0, -1, 0.0, 0.0)])[8:]
    with pytest.raises(MXNetError, match="n_instr"):
        _launch(too_long, [x], _c.empty((2, 3), "float32"))
    attrs = _bias_relu().pack()
    with pytest.raises(MXNetError, match="inputs"):
        _launch(attrs, [x], _c.empty((2, 3), "float32"))
    with pytest.raises(MXNetError, match="inputs"):
        _launch(attrs, [x, x, x], _c.empty((2, 3), "float32"))
    with pytest.raises(MXNetError, match="shape"):
        _launch(attrs, [x, _nd(np.ones((3,), np.float32))], _c.empty((2, 3), "float32"))
    with pytest.raises(MXNetError) as e:
        _launch(attrs, [x, _nd(np.ones((2, 3), np.float64))], _c.empty((2, 3), "float32"))
    assert isinstance(e.value, TypeError)


# ---- the builder --------------------------------------------------------------------------

def test_opcodes_mirror_header():
    hdr = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "include", "gluonx", "attrs.h")
    with open(hdr) as fh:
        text = fh.read()
    body = re.search(r"enum \{\s*GX_FOP_COPY = 0,(.*?)GX_FOP_COUNT", text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    names = ["copy"] + [n[len("GX_FOP_"):].lower() for n in re.findall(r"GX_FOP_\w+", body)]
    assert {n: i for i, n in enumerate(names)} == OPCODES
    assert struct.calcsize(_fused.ATTRS_FORMAT) == _fused.ATTRS_SIZE == 1032


def test_kernel_maps_name_existing_kernels():
    for name, op in list(_fused.UNARY_KERNELS.items()) + list(_fused.BINARY_KERNELS.items()):
        assert op in OPCODES
        for dt in (0, 1):  # float32, float64
            assert _c.has_kernel(name, 1, dt), name
    assert _c.has_kernel("fused_elemwise", 1, 2)
    assert [_fused.act_opcode(k) for k in range(5)] == ["softrelu", "leaky", "elu", "selu", "gelu"]
    with pytest.raises(ValueError):
        _fused.act_opcode(7)


def test_builder_dead_code_result_and_limits():
    p = FusedProgram(1)
    a = p.unary("exp", 0)
    b = p.unary("relu", 0)
    p.unary("tanh", a)  # dead when the result is b
    n, code = decode(p.pack(result=b))
    assert n == 1 and [c[0] for c in code] == ["relu"]
    assert [c[0] for c in decode(p.pack())[1]] == ["exp", "tanh"]
    assert [c[0] for c in decode(FusedProgram(1).pack())[1]] == ["copy"]  # the input itself
    # 40 live instructions
    p = FusedProgram(1)
    r = 0
    for _ in range(40):
        r = p.unary("negative", r)
    with pytest.raises(ValueError, match="instructions"):
        p.pack()
    # 17 values alive at once
    p = FusedProgram(8)
    vals = [p.unary("negative", i % 8) for i in range(9)]
    r = p.input(0)
    for v in list(range(1, 8)) + vals:
        r = p.binary("add", r, v)
    with pytest.raises(ValueError, match="registers"):
        p.pack()
    with pytest.raises(ValueError):
        FusedProgram(9)
    with pytest.raises(ValueError):
        FusedProgram(1).unary("add", 0)
    with pytest.raises(ValueError):
        FusedProgram(1).binary("relu", 0, 0)
    with pytest.raises(ValueError):
        FusedProgram(1).unary("relu", 3)
