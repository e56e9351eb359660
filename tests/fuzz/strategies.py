"""Hypothesis strategies shared by the operator fuzzers (tests/fuzz/test_*_fuzz.py,
test_hostile.py): shapes, broadcasting pairs, non-contiguous views, dtypes, attribute
values drawn from an OpDef's attrs, and the one property every call must keep
(`call_ok_or_mxerror`: it succeeds, or raises an MXNetError that is also a builtin).
"""
from __future__ import annotations

import contextlib
import faulthandler
import os
import resource

import numpy as np
from hypothesis import settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError
from gluonx.ops.registry import REQUIRED, all_ops

FLOATS = ("float32", "float64", "float16")
INTS = ("int32", "int64", "int8", "uint8")
ALL_DTYPES = FLOATS + INTS + ("bool",)

# per-dtype tolerances against NumPy (rtol, atol)
TOL = {"float16": (2e-2, 2e-2), "float32": (2e-5, 1e-6), "float64": (1e-12, 1e-14)}

# the builtins an MXNetError must also be, so users catch it as usual
BUILTIN_ERRORS = (ValueError, TypeError, IndexError, KeyError, MemoryError, NotImplementedError,
                  RuntimeError, OSError, ArithmeticError)

# 2**31-ish and 2**62-ish sizes whose element count or bytes are impossible (checked
# sizes, commit 12d600f): never a size the machine could actually allocate and fill
HUGE_DIMS = (2 ** 31, 2 ** 32 + 1, 2 ** 62, 2 ** 63 - 1)
HUGE_INTS = (2 ** 62, 2 ** 63 - 1, -(2 ** 63), -(2 ** 31), 2 ** 64)


def unique_ops() -> dict:
    """{canonical name: OpDef}: every registered operator once (aliases dropped)."""
    out = {}
    for name, op in all_ops().items():
        out.setdefault(op.name, op)
    return dict(sorted(out.items()))


def per_op_examples(divisor: int = 20, floor: int = 4) -> int:
    """Examples for a test run once per operator: a share of the profile's
    max_examples (ci 200 -> 10, long 5000 -> 250), so ~230 ops stay bounded."""
    return max(floor, settings().max_examples // divisor)


def kernel_dtypes(kernel: str) -> tuple:
    """The dtypes the CPU backend has `kernel` for (what the op supports)."""
    cov = _c.kernel_coverage().get(kernel, {})
    return tuple(d for d in ALL_DTYPES if d in cov.get("cpu", ()))


# ---- shapes ---------------------------------------------------------------------------

def shapes(min_rank=0, max_rank=6, min_side=0, max_side=4, max_size=256):
    """Shapes of rank 0-6 with zero-size dims allowed, at most max_size elements."""
    return st.lists(st.integers(min_side, max_side), min_size=min_rank, max_size=max_rank).map(tuple) \
        .filter(lambda s: int(np.prod(s, dtype=np.int64)) <= max_size)


@st.composite
def broadcast_pair(draw, max_rank=5, max_side=4):
    """Two shapes that broadcast against each other (NumPy's rule)."""
    out = draw(shapes(0, max_rank, 0, max_side, 128))
    a, b = [], []
    for d in out:
        a.append(draw(st.sampled_from((d, 1))) if d != 1 else 1)
        b.append(draw(st.sampled_from((d, 1))) if d != 1 else 1)
    # drop some leading dims of one side (rank broadcasting)
    ka = draw(st.integers(0, len(a)))
    kb = draw(st.integers(0, len(b)))
    return tuple(a[ka:]) if draw(st.booleans()) else tuple(a), tuple(b[kb:]) if draw(st.booleans()) else tuple(b)


def np_data(draw, shape, dtype, lo=-4.0, hi=4.0, special=True):
    """NumPy data of `shape`/`dtype`; floats sometimes carry NaN/inf/-0."""
    n = int(np.prod(shape, dtype=np.int64))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool).reshape(shape)
    if dtype in INTS:
        info = np.iinfo(dtype)
        v = rng.integers(max(info.min, -20), min(info.max, 20) + 1, n)
        return v.astype(dtype).reshape(shape)
    v = rng.uniform(lo, hi, n)
    if special and n and draw(st.integers(0, 4)) == 0:
        k = draw(st.integers(1, n))
        idx = rng.integers(0, n, k)
        v[idx] = rng.choice([np.nan, np.inf, -np.inf, -0.0, 0.0], k)
    return v.astype(dtype).reshape(shape)


@st.composite
def view_of(draw, base: np.ndarray):
    """An NDArray equal to `base`, often a non-contiguous view (transposed,
    sliced with a step, reversed) of a larger gluonx array, so ops see strides."""
    kind = draw(st.sampled_from(("plain", "plain", "transposed", "strided", "reversed")))
    if kind == "transposed" and base.ndim >= 2:
        perm = draw(st.permutations(range(base.ndim)))
        inv = np.argsort(perm)
        return mx.nd.array(np.ascontiguousarray(base.transpose(inv)), dtype=base.dtype).transpose(tuple(perm))
    if kind == "strided" and base.ndim >= 1:
        # a 2x-padded buffer viewed with step 2 along the first axis
        big = np.zeros((base.shape[0] * 2,) + base.shape[1:], dtype=base.dtype)
        big[::2] = base
        return mx.nd.array(big, dtype=base.dtype)[::2]
    if kind == "reversed" and base.ndim >= 1:
        return mx.nd.array(np.ascontiguousarray(base[::-1]), dtype=base.dtype)[::-1]
    return mx.nd.array(base, dtype=base.dtype)


# ---- attributes ---------------------------------------------------------------------

_SMALL_INT = st.integers(-3, 6)
_INT = st.one_of(_SMALL_INT, _SMALL_INT, st.sampled_from((0, -1, 1, 2) + HUGE_INTS))
_FLOAT = st.one_of(st.floats(-4, 4), st.sampled_from((0.0, 1.0, -1.0, 0.5, 1e30, -1e30, float("nan"),
                                                      float("inf"), -float("inf"))))
_SHAPE = st.one_of(st.lists(st.integers(0, 4), max_size=4).map(tuple),
                   st.lists(st.integers(-3, 4), max_size=4).map(tuple),
                   st.lists(st.sampled_from((1, 0, -1, 2) + HUGE_DIMS), min_size=1, max_size=3).map(tuple))
_AXIS = st.one_of(st.none(), st.integers(-7, 7), st.lists(st.integers(-4, 4), max_size=3).map(tuple),
                  st.sampled_from((2 ** 62, -(2 ** 63))))
_DTYPE = st.sampled_from(ALL_DTYPES + ("float128", "complex64", "nonsense", None))
_ANY = st.one_of(st.none(), st.integers(-2, 4), st.text(max_size=3),
                 st.lists(st.integers(-2, 4), max_size=3).map(tuple))
# values of the wrong type altogether (a string for an int, a list for a float ...)
_WRONG = st.sampled_from(("abc", "", "(1,", [1, [2]], {"a": 1}, object(), b"x", 1.5, True, "1e400"))


def attr_value(attr, hostile=True):
    """A value for one Attr: its default, a valid-looking value of its kind, or
    (when hostile) something out of range or of the wrong type."""
    by_kind = {"int": _INT, "float": _FLOAT, "bool": st.booleans(), "shape": _SHAPE, "axis": _AXIS,
               "dtype": _DTYPE, "str": st.text(max_size=4), "any": _ANY}
    options = []
    if attr.default is not REQUIRED:
        options.append(st.just(attr.default))
    if attr.choices:
        options.append(st.sampled_from(attr.choices))
    options.append(by_kind[attr.kind])
    if hostile:
        options.append(_WRONG)
    return st.one_of(*options)


@st.composite
def op_attrs(draw, op, hostile=True):
    """A dict of attribute values for `op`; unset optional ones are left out."""
    out = {}
    for a in op.attrs:
        if a.name in ("ctx", "out", "name"):
            continue
        if a.default is not REQUIRED and draw(st.integers(0, 2)) == 0:
            continue
        out[a.name] = draw(attr_value(a, hostile))
    return out


# ---- the property -------------------------------------------------------------------

_HANG_S = 120
_LIMIT = int(os.environ.get("GLUONX_FUZZ_MEM_LIMIT", 1 << 30))


@contextlib.contextmanager
def bounded_memory(limit=_LIMIT):
    """Address space capped for one hostile call: a size the checks let
    through but the machine cannot hold fails to allocate (an MXNetMemoryError)
    instead of being filled and taking the machine down."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * resource.getpagesize()
    except OSError:
        used = 0
    cap = used + limit
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def check_error(e: BaseException, where=""):
    """An exception from an op must be an MXNetError that is also a builtin."""
    assert isinstance(e, MXNetError), "%s raised %s (not an MXNetError): %s" % (where, type(e).__name__, e)
    assert isinstance(e, BUILTIN_ERRORS), "%s raised %s, not also a builtin" % (where, type(e).__mro__)
    assert str(e), "%s raised %s without a message" % (where, type(e).__name__)


def call_ok_or_mxerror(fn, *args, where="", **kwargs):
    """fn(*args, **kwargs) -> (True, result) or (False, the MXNetError).  Any
    other exception type fails the test with the call spelled out."""
    # a call still running after _HANG_S is a hang (a C loop that never ends):
    # dump every thread's stack and exit rather than stall CI
    faulthandler.dump_traceback_later(_HANG_S, exit=True)
    try:
        with bounded_memory():
            return True, fn(*args, **kwargs)
    except Exception as e:    # noqa: BLE001 - which type it is, is the point
        check_error(e, where or getattr(fn, "__name__", repr(fn)))
        return False, e
    finally:
        faulthandler.cancel_dump_traceback_later()


def to_np(x):
    return x.asnumpy() if isinstance(x, mx.nd.NDArray) else np.asarray(x)


def assert_close(got, want, dtype, what="", scale=1.0):
    """Equal values (NaN where NaN, same infinities) within dtype's tolerance
    (times `scale`, for special functions computed by other series)."""
    got = to_np(got)
    want = np.asarray(want)
    assert got.shape == want.shape, "%s: shape %s, want %s" % (what, got.shape, want.shape)
    if dtype in TOL:
        rtol, atol = TOL[dtype]
        rtol, atol = rtol * scale, atol * scale
        np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=rtol, atol=atol,
                                   equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want.astype(got.dtype), err_msg=what)
