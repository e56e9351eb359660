"""Shared by test_fused.py and test_fused_programs.py: launching fused_elemwise on
views of every layout, and the references a fused program is compared with (the
unfused single-op kernels, NumPy, ulp distances)."""
import math
import struct

import numpy as np

from gluonx import _fused
from gluonx._core import ndarray as _c
from gluonx._fused import FusedProgram, decode


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


def _bias_relu():
    p = FusedProgram(2)
    p.unary("relu", p.binary("add", p.input(0), p.input(1)))
    return p
