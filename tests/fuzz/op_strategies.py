"""Shared pieces of the operator fuzzers (tests/fuzz/test_*_fuzz.py): shapes,
dtypes, NumPy data (NaN/inf included), non-contiguous NDArray views of it,
the per-dtype tolerances, and `clean_call`, the one rule every fuzzer
asserts: a call returns, or raises an MXNetError that is also a builtin a
user catches (ValueError, TypeError, ...), never another exception.
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError
from gluonx.ops.registry import all_ops

DTYPES = ("float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool")
FLOATS = ("float32", "float64", "float16")
INTS = ("uint8", "int32", "int8", "int64")
# the builtins an MXNetError may also be: what a user's `except` names
STD_ERRORS = (ValueError, TypeError, IndexError, KeyError, MemoryError, NotImplementedError,
              OverflowError, ArithmeticError)
# relative / absolute tolerance per dtype against a float64 NumPy reference
TOL = {"float16": (1e-2, 1e-2), "float32": (2e-5, 1e-5), "float64": (1e-9, 1e-12)}


def unique_ops() -> dict:
    """name -> OpDef, one entry per operator (aliases dropped)."""
    out = {}
    for op in all_ops().values():
        out.setdefault(op.name, op)
    return out


def clean_call(fn, *args, **kwargs):
    """(True, result) or (False, exception) when `fn` raised an MXNetError
    that is also a standard exception; anything else fails the test."""
    try:
        out = fn(*args, **kwargs)
        if isinstance(out, mx.nd.NDArray):
            out.asnumpy()              # a lazy error would surface here
        elif isinstance(out, (list, tuple)):
            for o in out:
                if isinstance(o, mx.nd.NDArray):
                    o.asnumpy()
        return True, out
    except MXNetError as e:
        assert isinstance(e, STD_ERRORS), "%s is an MXNetError but no standard exception: %s" % (
            type(e).__mro__, e)
        assert str(e), "an error without a message"
        return False, e


# ---- shapes ---------------------------------------------------------------------------

def shapes(min_rank=0, max_rank=6, min_side=0, max_side=4, max_size=512):
    """Shapes of rank min_rank..max_rank, zero-size dims included (min_side=0)."""
    return st.lists(st.integers(min_side, max_side), min_size=min_rank, max_size=max_rank).map(
        tuple).filter(lambda s: math.prod(s) <= max_size)


@st.composite
def broadcast_pair(draw, min_rank=0, max_rank=5):
    """Two shapes NumPy broadcasts together: dims replaced by 1 on either side
    and leading dims dropped from one, in random order."""
    full = draw(shapes(min_rank, max_rank, max_side=4, max_size=256))
    a, b = list(full), list(full)
    for i in range(len(full)):
        which = draw(st.integers(0, 3))     # 0/1: keep both, 2: a gets 1, 3: b gets 1
        if which == 2:
            a[i] = 1
        elif which == 3:
            b[i] = 1
    b = b[draw(st.integers(0, len(b))):]
    if draw(st.booleans()):
        a, b = b, a
    return tuple(a), tuple(b)


# ---- data -----------------------------------------------------------------------------

_SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1e-30])


def np_data(seed: int, shape, dtype: str, kind: str = "normal", lo=-3.0, hi=3.0) -> np.ndarray:
    """Data of `dtype`: kind 'normal' (uniform in [lo, hi]), 'int' (small
    integers), 'special' (NaN, inf, +-0, huge and tiny values mixed in)."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype in INTS:
        info = np.iinfo(dtype)
        if kind == "special":      # the extremes, where wraparound lives
            vals = rng.choice([info.min, info.max, 0, 1, -1 if info.min < 0 else 2], shape)
            return np.asarray(vals).astype(dtype)
        low = max(int(lo), int(info.min))
        return rng.integers(low, max(int(hi), low) + 1, shape).astype(dtype)
    if kind == "int":
        x = rng.integers(int(lo), int(hi) + 1, shape).astype(np.float64)
    else:
        x = rng.uniform(lo, hi, shape)
    if kind == "special" and x.size:
        mask = rng.random(shape) < 0.3
        x = np.where(mask, rng.choice(_SPECIAL, shape), x)
    with np.errstate(over="ignore"):
        return np.asarray(x).astype(dtype)


def to_nd(x: np.ndarray, layout: str):
    """An NDArray holding x: contiguous, or a transposed, strided or reversed
    view of a larger buffer (is_contiguous False), so kernels see strides."""
    dtype = "bool" if x.dtype == np.bool_ else x.dtype.name
    if layout == "contig" or x.ndim == 0 or x.size == 0:
        return mx.nd.array(x, dtype=dtype)
    if layout == "transposed" and x.ndim >= 2:
        perm = tuple(reversed(range(x.ndim)))
        base = np.ascontiguousarray(x.transpose(perm))
        view = base.transpose(perm)                         # reversed twice is x
    elif layout == "reversed":
        base = np.ascontiguousarray(x[::-1])
        view = base[::-1]
    else:                                                   # every other element of a bigger buffer
        big = np.zeros(tuple(2 * d for d in x.shape), dtype=x.dtype)
        view = big[tuple(slice(None, None, 2) for _ in x.shape)]
        view[...] = x
        base = big
    item = x.dtype.itemsize
    strides = tuple(s // item for s in view.strides)
    offset = (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // item
    out = _c.as_strided(mx.nd.array(base, dtype=dtype), view.shape, strides, offset)
    return out


LAYOUTS = st.sampled_from(["contig", "contig", "transposed", "strided", "reversed"])


@st.composite
def arrays(draw, shape=None, dtype=None, kinds=("normal", "normal", "int", "special"), lo=-3.0, hi=3.0):
    """(numpy array, NDArray with the same values in some memory layout)."""
    shape = draw(shapes()) if shape is None else draw(shape) if isinstance(shape, st.SearchStrategy) else shape
    dtype = draw(st.sampled_from(DTYPES)) if dtype is None else \
        draw(dtype) if isinstance(dtype, st.SearchStrategy) else dtype
    x = np_data(draw(st.integers(0, 2 ** 32 - 1)), shape, dtype, draw(st.sampled_from(kinds)), lo, hi)
    return x, to_nd(x, draw(LAYOUTS))


def assert_close(got, want, dtype: str, rtol=None, atol=None, what=""):
    """got (NDArray or numpy) against the reference `want` within dtype's
    tolerance; NaN where the reference has NaN, exact for ints and bool."""
    g = got.asnumpy() if hasattr(got, "asnumpy") else np.asarray(got)
    want = np.asarray(want)
    assert g.shape == want.shape, "%s: shape %s, NumPy %s" % (what, g.shape, want.shape)
    if dtype in TOL:
        r, a = TOL[dtype]
        np.testing.assert_allclose(g.astype(np.float64), want.astype(np.float64), rtol=rtol or r,
                                   atol=atol if atol is not None else a, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(g, want.astype(g.dtype), err_msg=what)


# ---- attribute values -----------------------------------------------------------------

HOSTILE_INTS = [-(2 ** 63), -(2 ** 31), -7, -1, 0, 2 ** 31 - 1, 2 ** 62]
HOSTILE_FLOATS = [float("nan"), float("inf"), float("-inf"), -1e308, 1e308, 5e-324, -0.0]
HOSTILE_OTHER = [None, "", "x", "(1,", [], (), [1.5], {"a": 1}, object(), b"1", True, -1.5, 1.5]


def small_attr_value(attr):
    """A plausible value of one attribute (kind from the OpDef): the ones that
    make an op run, small so no allocation is large."""
    k = attr.kind
    if attr.choices is not None:
        return st.sampled_from(attr.choices)
    if k == "int":
        return st.integers(-3, 6)
    if k == "float":
        return st.sampled_from([0.0, 0.5, 1.0, -1.0, 2.0, 1e-3, 0.9])
    if k == "bool":
        return st.booleans()
    if k == "shape":
        return st.lists(st.integers(-2, 4), max_size=4).map(tuple)
    if k == "axis":
        return st.one_of(st.none(), st.integers(-4, 4), st.lists(st.integers(-4, 4), max_size=3).map(tuple))
    if k == "dtype":
        return st.sampled_from(DTYPES)
    if k == "str":
        return st.sampled_from(["", "x", "constant", "edge", "clip", "wrap", "raise", "indices", "value",
                                "both", "mask"])
    return st.sampled_from([None, 0, 1, (1,), (0, 1), "x"])


def hostile_attr_value(attr):
    """A value meant to break parsing or validation: wrong types, NaN, extremes
    (sizes no larger than 2**62 only as scalars that never become a shape)."""
    k = attr.kind
    if k in ("int", "axis"):
        return st.sampled_from(HOSTILE_INTS + HOSTILE_OTHER + [float("nan"), 2.5])
    if k == "float":
        return st.sampled_from(HOSTILE_FLOATS + HOSTILE_OTHER)
    if k == "shape":
        return st.sampled_from(HOSTILE_OTHER + [(-5,), (1, -3), (1.5,), ("a",), (None,), (2 ** 63,)])
    if k == "dtype":
        return st.sampled_from(HOSTILE_OTHER + ["float128", "complex64", "int16", np.complex64, 7, -1])
    return st.sampled_from(HOSTILE_OTHER)


def scaled(divisor: int, floor: int = 5) -> int:
    """max_examples for a test parametrised over many ops: the profile's
    count (ci 200, long 5000) divided, so the ci run stays bounded."""
    from hypothesis import settings
    return max(floor, settings.default.max_examples // divisor)
