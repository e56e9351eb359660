"""Elementwise operators against NumPy on drawn shapes (rank 0-6, zero-size dims),
broadcasting pairs, strided views and every dtype the kernel has; numeric
gradients of the differentiable ones (float64, small shapes, tests/ops/gradcheck's
check)."""
from __future__ import annotations

import os
import sys

import numpy as np
import scipy.special as sps
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx.ops.elemwise import SCALAR_OPS

from strategies import (FLOATS, INTS, assert_close, broadcast_pair, call_ok_or_mxerror, kernel_dtypes,
                        np_data, per_op_examples, shapes, view_of)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "ops"))
from gradcheck import inputs as grad_inputs  # noqa: E402  (tests/ops is not a package)
from gluonx.test_utils import check_numeric_gradient  # noqa: E402


def _mx_round(x):
    return np.trunc(x + np.copysign(0.5, x))


def _mx_rint(x):   # x.5 rounds down (MXNet)
    f = np.floor(x)
    return np.where(x - f > 0.5, f + 1, f)


# name: (NumPy reference, input domain, exact on NaN/inf too)
UNARY = {
    # sign: MXNet's sign(NaN) is 0, NumPy's NaN
    "negative": (np.negative, (-3, 3), True), "abs": (np.abs, (-3, 3), True), "sign": (np.sign, (-3, 3), False),
    "square": (np.square, (-3, 3), True), "sqrt": (np.sqrt, (0.1, 4), True),
    "rsqrt": (lambda x: 1 / np.sqrt(x), (0.1, 4), True), "cbrt": (np.cbrt, (-4, 4), True),
    "rcbrt": (lambda x: 1 / np.cbrt(x), (0.1, 4), True), "reciprocal": (np.reciprocal, (0.2, 4), True),
    "exp": (np.exp, (-5, 5), True), "expm1": (np.expm1, (-2, 2), True), "log": (np.log, (0.1, 5), True),
    "log1p": (np.log1p, (-0.5, 5), True), "log2": (np.log2, (0.1, 5), True), "log10": (np.log10, (0.1, 5), True),
    "sin": (np.sin, (-4, 4), True), "cos": (np.cos, (-4, 4), True), "tan": (np.tan, (-1.2, 1.2), True),
    "arcsin": (np.arcsin, (-0.95, 0.95), True), "arccos": (np.arccos, (-0.95, 0.95), True),
    "arctan": (np.arctan, (-4, 4), True), "sinh": (np.sinh, (-3, 3), True), "cosh": (np.cosh, (-3, 3), True),
    "tanh": (np.tanh, (-3, 3), True), "arcsinh": (np.arcsinh, (-3, 3), True),
    "arccosh": (np.arccosh, (1.1, 4), True), "arctanh": (np.arctanh, (-0.9, 0.9), True),
    "degrees": (np.degrees, (-4, 4), True), "radians": (np.radians, (-200, 200), True),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), (-6, 6), False), "relu": (lambda x: np.maximum(x, 0), (-3, 3), False),
    "softsign": (lambda x: x / (1 + np.abs(x)), (-3, 3), False), "erf": (sps.erf, (-2, 2), True),
    "erfinv": (sps.erfinv, (-0.9, 0.9), False), "gamma": (sps.gamma, (0.2, 5), False),
    "gammaln": (sps.gammaln, (0.2, 5), False), "digamma": (sps.digamma, (0.3, 5), False),
    "round": (_mx_round, (-5, 5), True), "rint": (_mx_rint, (-5, 5), False), "fix": (np.fix, (-5, 5), True),
    "floor": (np.floor, (-5, 5), True), "ceil": (np.ceil, (-5, 5), True), "trunc": (np.trunc, (-5, 5), True),
    "logical_not": (lambda x: (x == 0).astype(x.dtype), (-1, 1), False),
    "_copy": (np.copy, (-3, 3), True), "stop_gradient": (np.copy, (-3, 3), True),
}

# kernel name: NumPy reference (integer rules of gluonx: x / 0 == 0, x % 0 == 0, truncating /)
def _div(a, b):
    if a.dtype.kind in "iub":
        with np.errstate(all="ignore"):
            q = np.where(b == 0, 0, np.trunc(a.astype(np.float64) / np.where(b == 0, 1, b)))
        return q.astype(a.dtype)
    return a / b


def _mod(a, b):
    if a.dtype.kind in "iub":
        return np.where(b == 0, 0, np.mod(a, np.where(b == 0, 1, b))).astype(a.dtype)
    return np.where(b == 0, 0, np.mod(a, b))


def _cmp(f):
    return lambda a, b: f(a, b).astype(np.result_type(a, b))


BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": _div,
    # a NaN on either side wins, as in NumPy and MXNet 1.9.1
    "maximum": np.maximum, "minimum": np.minimum, "hypot": np.hypot, "arctan2": np.arctan2, "power": np.power,
    "equal": _cmp(np.equal), "not_equal": _cmp(np.not_equal), "greater": _cmp(np.greater),
    "greater_equal": _cmp(np.greater_equal), "lesser": _cmp(np.less), "lesser_equal": _cmp(np.less_equal),
    "logical_and": _cmp(np.logical_and), "logical_or": _cmp(np.logical_or), "logical_xor": _cmp(np.logical_xor),
    "mod": _mod,
}
# the NumPy kernel names of each public binary op
BINARY_NAMES = {}
for _k in BINARY:
    BINARY_NAMES["broadcast_" + _k] = _k
for _k, _plain in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("div", "divide"), ("mod", "modulo"),
                   ("power", "power"), ("maximum", "maximum"), ("minimum", "minimum"), ("hypot", "hypot"),
                   ("arctan2", "arctan2"), ("equal", "equal"), ("not_equal", "not_equal"), ("greater", "greater"),
                   ("greater_equal", "greater_equal"), ("lesser", "lesser"), ("lesser_equal", "lesser_equal"),
                   ("logical_and", "logical_and"), ("logical_or", "logical_or"), ("logical_xor", "logical_xor")):
    BINARY_NAMES[_plain] = _k
STRICT_NAMES = {"elemwise_add": "add", "elemwise_sub": "sub", "elemwise_mul": "mul", "elemwise_div": "div",
                "_power": "power", "_mod": "mod", "_maximum": "maximum", "_minimum": "minimum", "_hypot": "hypot",
                "_equal": "equal", "_not_equal": "not_equal", "_greater": "greater",
                "_greater_equal": "greater_equal", "_lesser": "lesser", "_lesser_equal": "lesser_equal",
                "_logical_and": "logical_and", "_logical_or": "logical_or", "_logical_xor": "logical_xor"}
COVERED = set(UNARY) | set(BINARY_NAMES) | set(STRICT_NAMES) | set(SCALAR_OPS) | {
    "floor_divide", "clip", "where", "cast", "add_n", "make_loss", "MakeLoss"}

_NO_GRAD_CHECK = {"sign", "round", "rint", "fix", "floor", "ceil", "trunc", "logical_not", "stop_gradient",
                  "digamma", "relu", "abs"}   # piecewise constant, kinks, or no rule


def _kernel_of(name):
    return {"_copy": "copy", "stop_gradient": "copy"}.get(name, name)


@settings(max_examples=per_op_examples(1))
@given(st.sampled_from(sorted(UNARY)), st.data())
def test_unary_vs_numpy(name, data):
    ref, (lo, hi), exact_special = UNARY[name]
    supported = kernel_dtypes(_kernel_of(name)) or FLOATS
    dtype = data.draw(st.sampled_from(supported), label="dtype")
    shape = data.draw(shapes(), label="shape")
    base = np_data(data.draw, shape, dtype, lo, hi, special=exact_special)
    x = data.draw(view_of(base), label="x")
    got = getattr(mx.nd, name)(x)
    with np.errstate(all="ignore"):
        # integers and bool: in int64 (NumPy has no bool sign/negative), cast back as gluonx wraps
        want = ref(base.astype(np.float64) if dtype in FLOATS else base.astype(np.int64))
    assert got.dtype == np.dtype(dtype)
    if dtype in FLOATS:
        # special functions: another series than SciPy's, agreeing to ~1e-10 in float64
        scale = 1e3 if name in ("gamma", "digamma", "erfinv", "erf", "gammaln") else 1.0
        assert_close(got.astype("float64"), want, dtype, name, scale)
    else:
        assert_close(got, np.asarray(want).astype(dtype), dtype, name)


@settings(max_examples=per_op_examples(1))
@given(st.sampled_from(sorted(BINARY_NAMES)), broadcast_pair(), st.data())
def test_binary_broadcast_vs_numpy(name, pair, data):
    kern = BINARY_NAMES[name]
    dtype = data.draw(st.sampled_from(kernel_dtypes(kern)), label="dtype")
    a = np_data(data.draw, pair[0], dtype, -3, 3, special=kern != "power")   # (C pow vs NumPy at inf)
    b = np_data(data.draw, pair[1], dtype, -3, 3, special=kern != "power")
    if kern == "power" and dtype in INTS + ("bool",):
        # integer powers: no negative exponents (NumPy refuses them)
        b = (np.abs(b) % 4).astype(dtype)
        a = (a % 5).astype(dtype)
    x, y = data.draw(view_of(a)), data.draw(view_of(b))
    ok, got = call_ok_or_mxerror(getattr(mx.nd, name), x, y)
    assert ok, got
    with np.errstate(all="ignore"):
        # integers and bool in int64 (NumPy has no bool subtract), cast back: gluonx wraps
        want = BINARY[kern](a, b) if dtype in FLOATS else BINARY[kern](a.astype(np.int64), b.astype(np.int64))
    assert_close(got, np.asarray(want).astype(dtype), dtype, "%s%s" % (name, pair))


@settings(max_examples=per_op_examples(1))
@given(st.sampled_from(sorted(STRICT_NAMES)), shapes(max_size=64), st.data())
def test_strict_binary_vs_numpy(name, shape, data):
    """elemwise_* / _power & co.: equal shapes only; a broadcastable pair is an error."""
    kern = STRICT_NAMES[name]
    dtype = data.draw(st.sampled_from([d for d in ("float32", "float64", "int32") if d in kernel_dtypes(kern)]))
    a, b = np_data(data.draw, shape, dtype, 0.5, 3), np_data(data.draw, shape, dtype, 0.5, 3)
    if kern == "power" and dtype == "int32":
        a, b = a % 4, np.abs(b) % 3
    got = getattr(mx.nd, name)(data.draw(view_of(a)), data.draw(view_of(b)))
    with np.errstate(all="ignore"):
        want = BINARY[kern](a, b)
    assert_close(got, np.asarray(want).astype(dtype), dtype, name)
    if shape:
        ok, err = call_ok_or_mxerror(getattr(mx.nd, name), mx.nd.array(a), mx.nd.ones((1,) + shape))
        assert not ok


@settings(max_examples=per_op_examples(1))
@given(st.sampled_from(sorted(SCALAR_OPS)), shapes(max_size=64), st.sampled_from(("float32", "float64")),
       st.sampled_from((0.0, 1.0, 2.0, -1.5, 0.5, 3.0)), st.data())
def test_scalar_vs_numpy(name, shape, dtype, scalar, data):
    kern, left = SCALAR_OPS[name]
    # no NaN/inf here: C's pow(-inf, 0.5) is inf where NumPy's is NaN
    a = np_data(data.draw, shape, dtype, 0.5, 3, special=kern != "power")
    got = getattr(mx.nd, name)(data.draw(view_of(a)), scalar=scalar)
    s = np.array(scalar, dtype=dtype)
    with np.errstate(all="ignore"):
        want = BINARY[kern](np.broadcast_to(s, a.shape), a) if left else BINARY[kern](a, np.broadcast_to(s, a.shape))
    assert_close(got, np.asarray(want).astype(dtype), dtype, "%s(scalar=%r)" % (name, scalar))


@settings(max_examples=per_op_examples(2))
@given(shapes(max_size=64), st.sampled_from(FLOATS + INTS), st.data())
def test_clip_where_cast_floor_divide(shape, dtype, data):
    a = np_data(data.draw, shape, dtype, -4, 4, special=False)
    x = data.draw(view_of(a))
    lo, hi = sorted(data.draw(st.tuples(st.integers(-3, 3), st.integers(-3, 3))))
    if dtype == "uint8":
        lo, hi = max(lo, 0), max(hi, 0)
    assert_close(mx.nd.clip(x, lo, hi), np.clip(a, lo, hi), dtype, "clip")
    cond = np_data(data.draw, shape, "float32", -1, 1, special=False) > 0
    y = np.flip(a).copy() if a.ndim else a
    assert_close(mx.nd.where(mx.nd.array(cond.astype("float32")), x, mx.nd.array(y, dtype=dtype)),
                 np.where(cond, a, y), dtype, "where")
    to = data.draw(st.sampled_from(FLOATS + INTS))
    if dtype in FLOATS and to in INTS:
        a = np.trunc(a)            # NumPy's float -> int cast of out-of-range values is undefined
        x = mx.nd.array(a, dtype=dtype)
    assert_close(mx.nd.cast(x, dtype=to), a.astype(to), to, "cast")
    b = np_data(data.draw, shape, dtype, -4, 4, special=False)
    if dtype in INTS:
        want = np.where(b == 0, 0, np.floor_divide(a, np.where(b == 0, 1, b))).astype(dtype)
    else:
        with np.errstate(all="ignore"):
            want = np.floor_divide(a, b)
    assert_close(mx.nd.floor_divide(x, mx.nd.array(b, dtype=dtype)), want, dtype, "floor_divide")


# ---- numeric gradients ------------------------------------------------------------

_GRAD_BINARY = ("broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div", "broadcast_power",
                "broadcast_maximum", "broadcast_minimum", "broadcast_hypot", "broadcast_arctan2")


@settings(max_examples=per_op_examples(1))
@given(st.sampled_from(sorted(set(UNARY) - _NO_GRAD_CHECK)), shapes(0, 3, 1, 3, 12), st.integers(0, 2 ** 16))
def test_unary_gradient(name, shape, seed):
    _, (lo, hi), _ = UNARY[name]
    lo, hi = lo + 0.05 * (hi - lo), hi - 0.05 * (hi - lo)     # away from the domain's edge
    gen = (lambda rng: rng.uniform(lo, hi, shape),)
    check_numeric_gradient(getattr(mx.nd, name), grad_inputs(gen, seed, np.float64), numeric_eps=1e-6,
                           rtol=1e-4, atol=1e-6)


@settings(max_examples=per_op_examples(2))
@given(st.sampled_from(_GRAD_BINARY), broadcast_pair(3, 3), st.integers(0, 2 ** 16))
def test_binary_broadcast_gradient(name, pair, seed):
    """Gradients through broadcasting (a reduction over the broadcast axes)."""
    if 0 in pair[0] + pair[1]:
        pair = tuple(tuple(max(d, 1) for d in s) for s in pair)
    # positive, well-separated values: power/div/hypot are smooth there, max/min have no ties
    gens = (lambda rng: rng.uniform(0.5, 2.0, pair[0]), lambda rng: rng.uniform(2.5, 4.0, pair[1]))
    check_numeric_gradient(getattr(mx.nd, name), grad_inputs(gens, seed, np.float64), numeric_eps=1e-6,
                           rtol=1e-4, atol=1e-6)


@settings(max_examples=per_op_examples(2))
@given(st.integers(1, 5), st.data())
def test_add_n_vs_numpy(count, data):
    dtype = data.draw(st.sampled_from(kernel_dtypes("add") or FLOATS), label="dtype")
    shape = data.draw(shapes(), label="shape")
    bases = [np_data(data.draw, shape, dtype) for _ in range(count)]
    got = mx.nd.add_n(*[mx.nd.array(b, dtype=dtype) for b in bases])
    want = bases[0].copy()
    for b in bases[1:]:
        want = (want + b).astype(dtype)     # the kernel adds in the array's dtype, left to right
    assert got.dtype == np.dtype(dtype)
    assert_close(got, want, dtype, "add_n")


@settings(max_examples=per_op_examples(2))
@given(st.sampled_from(["add_n", "make_loss", "MakeLoss"]), st.integers(1, 4), shapes(0, 3, 1, 3, 12),
       st.integers(0, 2 ** 16))
def test_add_n_and_loss_gradients(name, count, shape, seed):
    """Numeric gradients of sum(op(...)): 1 for each input (make_loss ignores the head gradient,
    which is 1 here; MakeLoss's other attributes are pinned to MXNet in tests/compat)."""
    n = count if name == "add_n" else 1
    gens = tuple((lambda rng: rng.uniform(-2, 2, shape)) for _ in range(n))
    check_numeric_gradient(lambda *xs: getattr(mx.nd, name)(*xs), grad_inputs(gens, seed, np.float64),
                           numeric_eps=1e-6, rtol=1e-4, atol=1e-6)
