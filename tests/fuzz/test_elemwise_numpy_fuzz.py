"""Elementwise operators against NumPy: unary functions, broadcast_* and
elemwise_* binaries, the scalar forms, comparisons, clip, where and cast,
on drawn shapes (rank 0-6, zero-size dims, broadcasting pairs), every dtype,
non-contiguous inputs and data with NaN/inf.  A dtype an op does not
implement must be a clean error (op_strategies.clean_call); a result must
match the float64 NumPy reference within the dtype's tolerance.
"""
import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given, settings, strategies as st

import gluonx as mx
from op_strategies import (DTYPES, FLOATS, INTS, arrays, assert_close, broadcast_pair, clean_call, scaled,
                           shapes)

nd = mx.nd


def _round_half_away(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


# op -> (NumPy of float64, exact on integer dtypes too)
UNARY = {
    "negative": (np.negative, True), "abs": (np.abs, True), "sign": (lambda x: np.where(np.isnan(x), 0.0, np.sign(x)), True),   # MXNet's sign(nan) is 0
    "square": (np.square, True), "sqrt": (np.sqrt, False), "rsqrt": (lambda x: 1 / np.sqrt(x), False),
    "cbrt": (np.cbrt, False), "rcbrt": (lambda x: 1 / np.cbrt(x), False),
    "reciprocal": (np.reciprocal, False), "exp": (np.exp, False), "expm1": (np.expm1, False),
    "log": (np.log, False), "log1p": (np.log1p, False), "log2": (np.log2, False), "log10": (np.log10, False),
    "sin": (np.sin, False), "cos": (np.cos, False), "tan": (np.tan, False), "arcsin": (np.arcsin, False),
    "arccos": (np.arccos, False), "arctan": (np.arctan, False), "sinh": (np.sinh, False),
    "cosh": (np.cosh, False), "tanh": (np.tanh, False), "arcsinh": (np.arcsinh, False),
    "arccosh": (np.arccosh, False), "arctanh": (np.arctanh, False), "degrees": (np.degrees, False),
    "radians": (np.radians, False), "sigmoid": (sp.expit, False), "relu": (lambda x: np.where(x > 0, x, 0.0), True),   # MXNet's relu(nan) is 0
    "softsign": (lambda x: x / (1 + np.abs(x)), False), "erf": (sp.erf, False), "erfinv": (sp.erfinv, False),
    "gamma": (sp.gamma, False), "gammaln": (lambda x: np.where(np.isneginf(x), np.inf, sp.gammaln(x)), False), "digamma": (sp.digamma, False),
    "round": (_round_half_away, True), "rint": (np.rint, True), "fix": (np.fix, True),
    "floor": (np.floor, True), "ceil": (np.ceil, True), "trunc": (np.trunc, True),
    "logical_not": (lambda x: (x == 0).astype(np.float64), True),
}
# functions whose float16/32 results may sit far from float64's near poles and large arguments
_ILL_CONDITIONED = {"tan", "erf", "erfinv", "sigmoid", "cbrt", "gamma", "gammaln", "digamma", "erfinv", "sinh", "cosh", "exp", "expm1",
                    "rcbrt", "reciprocal", "rsqrt", "arctanh", "arccosh", "log", "log1p", "log2", "log10"}


def _int_div(a, b):
    """Truncating division in the integers themselves (float64 misrounds int64 extremes)."""
    safe = np.where(b == 0, 1, b)
    with np.errstate(all="ignore"):
        q = np.floor_divide(a, safe)
        q = q + ((np.mod(a, safe) != 0) & ((a < 0) != (safe < 0)))
    return np.where(b == 0, 0, q)


def _int_mod(a, b):       # the divisor's sign; x % 0 == 0 (tests/ops/test_int_division.py)
    return np.where(b == 0, 0, np.mod(a, np.where(b == 0, 1, b)))


def _b(fn):
    return lambda a, b: fn(a.astype(np.float64), b.astype(np.float64)).astype(np.float64)


BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "mod": np.mod,
    "power": np.power, "maximum": np.maximum, "minimum": np.minimum, "hypot": np.hypot,
    "arctan2": np.arctan2, "equal": np.equal, "not_equal": np.not_equal, "greater": np.greater,
    "greater_equal": np.greater_equal, "lesser": np.less, "lesser_equal": np.less_equal,
    "logical_and": lambda a, b: np.logical_and(a != 0, b != 0),
    "logical_or": lambda a, b: np.logical_or(a != 0, b != 0),
    "logical_xor": lambda a, b: np.logical_xor(a != 0, b != 0),
}
# the same functions under their other names: broadcast_X takes any broadcastable pair,
# elemwise_X / _X equal shapes, the plain name (add, maximum, ...) MXNet's mx.nd function
BROADCAST_NAMES = {("broadcast_" + k): k for k in BINARY}
BROADCAST_NAMES.update({"broadcast_plus": "add", "broadcast_minus": "sub", "add": "add", "subtract": "sub",
                        "multiply": "mul", "divide": "div", "modulo": "mod", "power": "power",
                        "maximum": "maximum", "minimum": "minimum", "hypot": "hypot", "arctan2": "arctan2",
                        "equal": "equal", "not_equal": "not_equal", "greater": "greater",
                        "greater_equal": "greater_equal", "lesser": "lesser", "lesser_equal": "lesser_equal",
                        "logical_and": "logical_and", "logical_or": "logical_or", "logical_xor": "logical_xor",
                        "floor_divide": "floor_divide"})
SAME_SHAPE_NAMES = {"elemwise_add": "add", "elemwise_sub": "sub", "elemwise_mul": "mul", "elemwise_div": "div",
                    "_power": "power", "_mod": "mod", "_maximum": "maximum", "_minimum": "minimum",
                    "_hypot": "hypot", "_equal": "equal", "_not_equal": "not_equal", "_greater": "greater",
                    "_greater_equal": "greater_equal", "_lesser": "lesser", "_lesser_equal": "lesser_equal",
                    "_logical_and": "logical_and", "_logical_or": "logical_or", "_logical_xor": "logical_xor"}
BINARY["floor_divide"] = np.floor_divide
SCALAR = {"_plus_scalar": ("add", False), "_minus_scalar": ("sub", False), "_rminus_scalar": ("sub", True),
          "_mul_scalar": ("mul", False), "_div_scalar": ("div", False), "_rdiv_scalar": ("div", True),
          "_mod_scalar": ("mod", False), "_rmod_scalar": ("mod", True), "_power_scalar": ("power", False),
          "_rpower_scalar": ("power", True), "_maximum_scalar": ("maximum", False),
          "_minimum_scalar": ("minimum", False), "_hypot_scalar": ("hypot", False),
          "_equal_scalar": ("equal", False), "_not_equal_scalar": ("not_equal", False),
          "_greater_scalar": ("greater", False), "_greater_equal_scalar": ("greater_equal", False),
          "_lesser_scalar": ("lesser", False), "_lesser_equal_scalar": ("lesser_equal", False),
          "_logical_and_scalar": ("logical_and", False), "_logical_or_scalar": ("logical_or", False),
          "_logical_xor_scalar": ("logical_xor", False)}
# exact on integer dtypes with small values (no overflow, defined results)
_INT_EXACT = {"add", "sub", "mul", "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal",
              "lesser", "lesser_equal", "logical_and", "logical_or", "logical_xor"}


def _overflow(want, dtype):
    """The float64 reference as the dtype holds it: past its largest value, inf."""
    with np.errstate(all="ignore"):
        return np.where(np.abs(want) > np.finfo(dtype).max, np.sign(want) * np.inf, want)


def _reference(fn, a, b, dtype):
    """NumPy's answer in float64; integer division and modulo as MXNet."""
    if dtype in INTS + ("bool",) and fn in ("div", "mod"):
        return (_int_div if fn == "div" else _int_mod)(a.astype(np.int64), b.astype(np.int64))
    if dtype in INTS and fn in _INT_EXACT:
        with np.errstate(all="ignore"):        # in the dtype itself: C's wraparound, as NumPy's
            return np.asarray(BINARY[fn](a, b))
    with np.errstate(all="ignore"):
        return np.asarray(BINARY[fn](a.astype(np.float64), b.astype(np.float64)), dtype=np.float64)


def _compare_binary(fn, got, a, b, dtype):
    exact = dtype in INTS + ("bool",)
    if exact and fn not in _INT_EXACT | {"div", "mod"}:
        return          # int power/hypot/arctan2/floor_divide: dtype rules differ from NumPy; ran cleanly
    want = _reference(fn, a, b, dtype)
    if exact:
        want = want.astype(got.dtype) if got.dtype != np.bool_ else want != 0
    if dtype in FLOATS:
        want = _overflow(want, dtype)
    if fn == "power" and dtype in FLOATS:
        # C's pow(-inf, 0.5) is inf where NumPy's power gives nan: both IEEE-defensible
        base = np.broadcast_to(a.astype(np.float64), np.shape(want))
        want = np.where(np.isneginf(base), got.asnumpy().astype(np.float64), want)
    if fn == "mod" and dtype in FLOATS:
        # fmod-style ties near multiples of b differ by b in the last bit: compare where clear
        keep = np.isfinite(want) & (np.abs(want) > 1e-3 * np.abs(b.astype(np.float64) + 0 * want)) & \
               (np.abs(np.abs(want) - np.abs(b.astype(np.float64) + 0 * want)) > 1e-3)
        g = got.asnumpy().astype(np.float64)
        assert_close(g[keep], want[keep], dtype, rtol=1e-2 if dtype != "float64" else 1e-9, what=fn)
        return
    assert_close(got, want, dtype, what=fn)


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=scaled(8))
@given(data=st.data())
def test_unary_against_numpy(name, data):
    fn, int_exact = UNARY[name]
    x, xn = data.draw(arrays(lo=-4, hi=4), label="x")
    ok, out = clean_call(getattr(nd, name), xn)
    if not ok:
        assert str(x.dtype) not in FLOATS or name in ("digamma",), "%s refused %s: %s" % (name, x.dtype, out)
        return
    dtype = "bool" if x.dtype == np.bool_ else x.dtype.name
    assert out.shape == x.shape
    with np.errstate(all="ignore"):
        want = fn(x.astype(np.float64))
    if name == "digamma":      # at its poles (0, -1, ...) gluonx gives nan, SciPy -inf or nan: both fine
        f = x.astype(np.float64)
        want = np.where((f <= 0) & (f == np.round(f)), out.asnumpy().astype(np.float64), want)
    if dtype in FLOATS:
        rtol, atol = None, None
        if name in _ILL_CONDITIONED and dtype == "float64":     # series approximations (digamma's roots)
            rtol, atol = 1e-7, 1e-9
        elif name in _ILL_CONDITIONED:
            rtol, atol = 5e-2 if dtype == "float16" else 1e-3, 1e-2 if dtype == "float16" else 1e-4
        assert_close(out, _overflow(want, dtype), dtype, rtol=rtol, atol=atol, what=name)
    elif int_exact and name != "logical_not":
        info = np.iinfo(dtype) if dtype != "bool" else None
        # exact where float64 holds the integers exactly (int64 extremes do not round-trip)
        if info is not None and np.all(np.abs(want) < 2.0 ** 52) and out.dtype == x.dtype:
            assert_close(out, want, dtype, what=name)
    elif name == "logical_not":
        assert_close(out.asnumpy().astype(np.float64), want, "float64", what=name)


_DATA_KIND = st.sampled_from([("normal", "normal", "int"), ("special",)])


@pytest.mark.parametrize("name", sorted(BROADCAST_NAMES))
@settings(max_examples=scaled(8))
@given(pair=broadcast_pair(), dtype=st.sampled_from(DTYPES), kinds=_DATA_KIND, data=st.data())
def test_broadcast_binary_against_numpy(name, pair, dtype, kinds, data):
    fn = BROADCAST_NAMES[name]
    lo = 0 if dtype == "uint8" else -5
    a, an = data.draw(arrays(pair[0], dtype, kinds, lo=lo, hi=5), label="a")
    b, bn = data.draw(arrays(pair[1], dtype, kinds, lo=lo, hi=5), label="b")
    ok, out = clean_call(getattr(nd, name), an, bn)
    if not ok:
        return
    assert out.shape == np.broadcast_shapes(a.shape, b.shape)
    _compare_binary(fn, out, a, b, dtype)


@pytest.mark.parametrize("name", sorted(SAME_SHAPE_NAMES))
@settings(max_examples=scaled(10))
@given(shape=shapes(), other=shapes(max_rank=3), dtype=st.sampled_from(DTYPES), data=st.data())
def test_elemwise_binary_same_shape_and_mismatch(name, shape, other, dtype, data):
    """elemwise_* take equal shapes; any other pair is a clean ValueError."""
    fn = SAME_SHAPE_NAMES[name]
    lo = 0 if dtype == "uint8" else -5
    a, an = data.draw(arrays(shape, dtype, lo=lo, hi=5), label="a")
    same = data.draw(st.booleans(), label="same")
    b, bn = data.draw(arrays(shape if same else other, dtype, lo=lo, hi=5), label="b")
    ok, out = clean_call(getattr(nd, name), an, bn)
    if shape != b.shape:
        assert not ok and isinstance(out, ValueError), (name, shape, b.shape)
        return
    if ok:
        _compare_binary(fn, out, a, b, dtype)


_SCALARS = st.sampled_from([0.0, 1.0, -1.0, 2.0, 0.5, -2.5, 3.0, float("nan"), float("inf"), -float("inf")])


@pytest.mark.parametrize("name", sorted(SCALAR))
@settings(max_examples=scaled(10))
@given(shape=shapes(), dtype=st.sampled_from(DTYPES), scalar=_SCALARS, data=st.data())
def test_scalar_binary_against_numpy(name, shape, dtype, scalar, data):
    fn, reverse = SCALAR[name]
    lo = 0 if dtype == "uint8" else -5
    a, an = data.draw(arrays(shape, dtype, lo=lo, hi=5), label="a")
    ok, out = clean_call(getattr(nd, name), an, scalar=scalar)
    if not ok or dtype not in FLOATS:
        return       # integer arrays with a float scalar: MXNet's casting rules, checked in tests/ops
    s = np.full(a.shape, scalar, dtype=np.float64)
    lhs, rhs = (s, a) if reverse else (a, s)
    _compare_binary(fn, out, lhs.astype(np.float64), rhs.astype(np.float64), dtype)


@settings(max_examples=scaled(2))
@given(x=arrays(), bounds=st.tuples(_SCALARS, _SCALARS))
def test_clip_against_numpy(x, bounds):
    a, an = x
    ok, out = clean_call(nd.clip, an, *bounds)
    lo, hi = bounds
    if not ok:
        return
    dtype = "bool" if a.dtype == np.bool_ else a.dtype.name
    if dtype in FLOATS and not (np.isnan(lo) or np.isnan(hi)) and lo <= hi:
        assert_close(out, np.clip(a.astype(np.float64), lo, hi), dtype, what="clip")


@settings(max_examples=scaled(2))
@given(shape=shapes(), dtype=st.sampled_from(DTYPES), cdtype=st.sampled_from(DTYPES), data=st.data())
def test_where_against_numpy(shape, dtype, cdtype, data):
    c, cn = data.draw(arrays(shape, cdtype), label="cond")
    x, xn = data.draw(arrays(shape, dtype), label="x")
    y, yn = data.draw(arrays(shape, dtype), label="y")
    ok, out = clean_call(nd.where, cn, xn, yn)
    if ok:
        assert_close(out, np.where(c != 0, x, y), dtype if dtype != "bool" else "bool", what="where")


@settings(max_examples=scaled(2))
@given(x=arrays(kinds=("normal", "int")), to=st.sampled_from(DTYPES))
def test_cast_against_numpy(x, to):
    a, an = x
    ok, out = clean_call(nd.cast, an, dtype=to)
    assert ok, out
    assert np.dtype(out.dtype) == np.dtype(to if to != "bool" else np.bool_)
    src = a.astype(np.float64)
    if to in INTS:       # NumPy's float -> int cast of out-of-range values is undefined: compare in range
        info = np.iinfo(to)
        keep = (src >= info.min) & (src <= info.max)
        np.testing.assert_array_equal(out.asnumpy()[keep], np.trunc(src[keep]).astype(to))
    elif to == "bool":
        np.testing.assert_array_equal(out.asnumpy(), a != 0)
    else:
        assert_close(out, a.astype(to).astype(np.float64), to, what="cast")


@settings(max_examples=scaled(4))
@given(x=arrays())
def test_copy_stop_gradient_like_ops_keep_values(x):
    a, an = x
    dtype = "bool" if a.dtype == np.bool_ else a.dtype.name
    for name in ("_copy", "stop_gradient", "zeros_like", "ones_like"):
        ok, out = clean_call(getattr(mx.nd, name) if hasattr(mx.nd, name) else mx.nd._copy, an)
        assert ok, (name, out)
        want = {"zeros_like": np.zeros_like(a), "ones_like": np.ones_like(a)}.get(name, a)
        assert_close(out, want, dtype, what=name)
    ok, out = clean_call(mx.nd.full_like, an, fill_value=2.0)
    assert ok and out.shape == a.shape
