"""Random sampling (MXNet-exact CPU streams for uniform and normal).

The CPU backend keeps MXNet 1.9.1's generator scheme (1024 MT19937 engines,
``mx.random.seed(s)`` seeds engine i with ``s * 127 + i``, an N-element
sample is split over ``min(ceil(N / 64), 1024)`` engines), so
``mx.nd.random.uniform`` and ``mx.nd.random.normal`` return the very values
MXNet returns for the same seed and call sequence.  ``randint`` follows
MXNet's scheme as well; exponential, gamma and poisson use MXNet's
algorithms; shuffle and multinomial draw from a separate serial engine.

>>> import gluonx as mx
>>> mx.random.seed(0)
>>> mx.nd.random.uniform(shape=(3,)).asnumpy()
array([0.5488135 , 0.5928446 , 0.71518934], dtype=float32)
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import F, Attr, OpDef, register, REQUIRED
from gluonx.ops.shape_rules import prod

_PARAMS = struct.Struct("=dd")  # gx_random_attrs
_SEED = struct.Struct("=Q")     # gx_seed_attrs

_FLOATS = ("float16", "float32", "float64")
_INTS = ("int32", "int64")

_SHAPE = Attr("shape", "shape", None, "Output shape (default (1,)).")
_DTYPE = Attr("dtype", "dtype", None, "Output type (default float32, or out's type).")
_CTX = Attr("ctx", "any", None, "Device (default: the current context).")


# ---- samplers: no inputs; shape/dtype/ctx from the attributes (or from out=, see
# OpDef._attrs_from_out); the kernel fills the one contiguous output -------------------

def _sample_infer(opname, check, allowed, default="float32"):
    """The rule of a sampler: `check(a)` validates the distribution's parameters."""
    def infer(a, shapes, dtypes):
        check(a)
        shape = a["shape"] or (1,)
        if any(d < 0 for d in shape):
            raise MXNetValueError("Operator %s: shape must not have negative sizes, got %s" % (opname, shape))
        dtype = a["dtype"] or default
        if dtype not in allowed:
            raise MXNetTypeError("Operator %s: dtype must be one of %s, got %s"
                                 % (opname, ", ".join(allowed), dtype))
        return [tuple(shape)], [dtype]
    infer.__name__ = "_%s_infer" % opname
    return infer


def _sampler(kernel, p0, p1):
    """compute(out, **attrs): the kernel with parameters attrs[p0], attrs[p1] (p1 None: 0)."""
    def compute(out, **a):
        if out.size:
            _c.launch(kernel, [], [out], _PARAMS.pack(float(a[p0]), float(a[p1]) if p1 else 0.0), kernel)
    compute.__name__ = "_" + kernel
    return compute


def _check_uniform(a):
    if a["low"] > a["high"]:
        raise MXNetValueError("Operator random_uniform: low must be <= high, got low=%g, high=%g"
                              % (a["low"], a["high"]))


def _check_normal(a):
    if not a["scale"] >= 0:
        raise MXNetValueError("Operator random_normal: scale must be >= 0, got %g" % a["scale"])


def _check_randint(a):
    low, high = a["low"], a["high"]
    if low >= high:
        raise MXNetValueError("Operator random_randint: low must be < high, got low=%d, high=%d" % (low, high))
    if max(abs(low), abs(high)) > 2 ** 53:
        raise MXNetValueError("Operator random_randint: bounds must be within +-2**53, got %d, %d" % (low, high))
    if a["dtype"] in (None, "int32") and (low < -2 ** 31 or high > 2 ** 31):
        raise MXNetValueError("Operator random_randint: bounds %d, %d do not fit int32" % (low, high))


def _check_exponential(a):
    if not a["lam"] > 0:
        raise MXNetValueError("Operator random_exponential: lam (the rate) must be > 0, got %g" % a["lam"])


_FLOAT32_MAX = 3.4028234663852886e38


def _check_gamma(a):
    if not (a["alpha"] > 0 and a["beta"] > 0):
        raise MXNetValueError("Operator random_gamma: alpha and beta must be > 0, got %g, %g"
                              % (a["alpha"], a["beta"]))
    # the kernel takes them as float: an infinite alpha makes Marsaglia-Tsang's
    # acceptance test NaN, and its rejection loop never ends
    if not (a["alpha"] <= _FLOAT32_MAX and a["beta"] <= _FLOAT32_MAX):
        raise MXNetValueError("Operator random_gamma: alpha and beta must be finite float32 values, got %g, %g"
                              % (a["alpha"], a["beta"]))


def _check_poisson(a):
    if not a["lam"] >= 0:
        raise MXNetValueError("Operator random_poisson: lam must be >= 0, got %g" % a["lam"])


def _randn(*shape, loc=0.0, scale=1.0, dtype=None, ctx=None, out=None):
    """random_randn takes its shape as positional numbers: it stays in the
    dynamic form and calls random_normal."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for d in shape:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
            raise MXNetTypeError("Operator random_randn: shape must be integers, got %r" % (shape,))
    return F.random_normal(loc=loc, scale=scale, shape=tuple(int(d) for d in shape) or None, dtype=dtype,
                           ctx=ctx, out=out)


# ---- shuffle / multinomial ------------------------------------------------------------

def _shuffle_infer(a, shapes, dtypes):
    return [shapes[0]], [dtypes[0]]


def _shuffle(data, out):
    src = _c.contiguous(data)
    if src is out:  # out=data: the kernel needs distinct memory
        src = _c.astype(data, data.dtype)
    _c.launch("shuffle", [src], [out], None, "shuffle")


def _multinomial_infer(a, shapes, dtypes):
    ds, dt = shapes[0], dtypes[0]
    if not ds or ds[-1] == 0:
        raise MXNetValueError("Operator multinomial: data must have shape (..., K) with K > 0, got %s" % (ds,))
    if dt not in _FLOATS:
        raise MXNetTypeError("Operator multinomial: probabilities must be float16/32/64, got %s" % dt)
    oshape = (tuple(ds[:-1]) + tuple(a["shape"] or ())) or (1,)
    if a["get_prob"]:
        return [oshape, oshape], [a["dtype"], dt]
    return [oshape], [a["dtype"]]


def _multinomial(data, out, shape=None, get_prob=False, dtype="int32"):
    outs = out if get_prob else [out]
    m = prod(data.shape[:-1])
    n = prod(shape or ())
    if m * n:
        probs = _c.reshape(data, (m, data.shape[-1]))
        _c.launch("multinomial", [probs], [_c.reshape(o, (m, n)) for o in outs], None, "multinomial")


# MXNet's operators take ctx before dtype (random_uniform(low, high, shape, ctx, dtype));
# mx.nd.random.* (gluonx/ndarray/random_api.py) put dtype first, as MXNet's wrappers do
_FSHAPE = (_SHAPE, _CTX, _DTYPE)


def _fl(name, default, doc=""):
    return Attr(name, "float", default, doc)


register(OpDef("random_uniform", _sampler("random_uniform", "low", "high"), inputs=(),
               infer=_sample_infer("random_uniform", _check_uniform, _FLOATS), stateful=True,
               attrs=(_fl("low", 0.0, "Lower bound (inclusive)."),
                      _fl("high", 1.0, "Upper bound (exclusive).")) + _FSHAPE,
               aliases=("_random_uniform", "uniform"), differentiable=False,
               doc="Samples from the uniform distribution on [low, high).\n\n"
                   ">>> mx.random.seed(0)\n>>> mx.nd.random.uniform(shape=(2,)).asnumpy()\n"
                   "array([0.5488135, 0.5928446], dtype=float32)"))
register(OpDef("random_normal", _sampler("random_normal", "loc", "scale"), inputs=(),
               infer=_sample_infer("random_normal", _check_normal, _FLOATS), stateful=True,
               attrs=(_fl("loc", 0.0, "Mean."), _fl("scale", 1.0, "Standard deviation.")) + _FSHAPE,
               aliases=("_random_normal", "normal"), differentiable=False,
               doc="Samples from the normal distribution N(loc, scale**2).\n\n"
                   ">>> mx.nd.random.normal(0, 1, shape=(2, 3)).shape\n(2, 3)"))
register(OpDef("random_randn", _randn, inputs=(), variadic=True, scalar_inputs=True, dynamic=True,
               stateful=True, attrs=(_fl("loc", 0.0), _fl("scale", 1.0), _DTYPE, _CTX),
               differentiable=False,
               doc="Standard normal samples of the given shape.\n\n"
                   ">>> mx.nd.random.randn(2, 3).shape\n(2, 3)"))
register(OpDef("random_randint", _sampler("random_randint", "low", "high"), inputs=(),
               infer=_sample_infer("random_randint", _check_randint, _INTS, default="int32"), stateful=True,
               attrs=(Attr("low", "int", REQUIRED, "Lower bound (inclusive)."),
                      Attr("high", "int", REQUIRED, "Upper bound (exclusive)."), _SHAPE, _CTX,
                      Attr("dtype", "dtype", None, "int32 (default) or int64.")),
               aliases=("_random_randint",), differentiable=False,
               doc="Uniform integers in [low, high).\n\n"
                   ">>> mx.nd.random.randint(0, 10, shape=(4,)).dtype\n<class 'numpy.int32'>"))
register(OpDef("random_exponential", _sampler("random_exponential", "lam", None), inputs=(),
               infer=_sample_infer("random_exponential", _check_exponential, _FLOATS), stateful=True,
               attrs=(_fl("lam", 1.0, "Rate (1 / mean)."),) + _FSHAPE,
               aliases=("_random_exponential",), differentiable=False,
               doc="Samples from the exponential distribution with rate `lam` (mean 1 / lam), as "
                   "MXNet's operator; ``mx.nd.random.exponential`` takes the scale instead.\n\n"
                   ">>> mx.nd.random_exponential(4.0, shape=(3,)).shape  # mean 0.25\n(3,)"))
register(OpDef("random_gamma", _sampler("random_gamma", "alpha", "beta"), inputs=(),
               infer=_sample_infer("random_gamma", _check_gamma, _FLOATS), stateful=True,
               attrs=(_fl("alpha", 1.0, "Shape."), _fl("beta", 1.0, "Scale.")) + _FSHAPE,
               aliases=("_random_gamma",), differentiable=False,
               doc="Samples from the gamma distribution (mean alpha * beta).\n\n"
                   ">>> mx.nd.random.gamma(2.0, 1.0, shape=(3,)).shape\n(3,)"))
register(OpDef("random_poisson", _sampler("random_poisson", "lam", None), inputs=(),
               infer=_sample_infer("random_poisson", _check_poisson, _FLOATS + _INTS), stateful=True,
               attrs=(_fl("lam", 1.0, "Rate (mean)."),) + _FSHAPE,
               aliases=("_random_poisson",), differentiable=False,
               doc="Samples from the Poisson distribution (float32 values by default, "
                   "as MXNet).\n\n>>> mx.nd.random.poisson(4.0, shape=(3,)).shape\n(3,)"))
register(OpDef("shuffle", _shuffle, infer=_shuffle_infer, stateful=True, workspace=True,
               aliases=("_shuffle", "random_shuffle"), differentiable=False,
               doc="A copy of `data` with its rows (axis 0) randomly permuted "
                   "(Fisher-Yates).\n\n>>> mx.nd.random.shuffle(mx.nd.arange(4)).shape\n(4,)"))
register(OpDef("multinomial", _multinomial, infer=_multinomial_infer, stateful=True,
               num_outputs=lambda a: 2 if a["get_prob"] else 1,
               attrs=(Attr("shape", "shape", None, "Samples per distribution."),
                      Attr("get_prob", "bool", False, "Also return log-probabilities."),
                      Attr("dtype", "dtype", "int32", "Type of the samples.")),
               aliases=("sample_multinomial", "_sample_multinomial", "random_multinomial"),
               differentiable=False,
               doc="Samples category indices from the distributions in the last axis of "
                   "`data` (shape (..., K)); returns shape data.shape[:-1] + shape (or [samples, "
                   "log-probabilities] with get_prob).\n\n"
                   ">>> p = mx.nd.array([[0.1, 0.9], [0.5, 0.5]])\n"
                   ">>> mx.nd.random.multinomial(p, shape=3).shape\n(2, 3)"))


def seed(seed_state, ctx="all"):
    """Seeds the random generators of `ctx` ('all': every device) as MXNet's
    ``mx.random.seed`` does (the seed is taken modulo 2**32 as a C int)."""
    if isinstance(seed_state, bool) or not isinstance(seed_state, (int, np.integer)):
        raise MXNetValueError("seed_state must be int, got %r" % (seed_state,))
    attrs = _SEED.pack(int(seed_state) & 0xFFFFFFFF)
    from gluonx.context import Context, cpu, num_gpus, gpu
    if ctx == "all":
        devices = [cpu()] + [gpu(i) for i in range(num_gpus())]
    else:
        devices = [Context(ctx)]
    for dev in devices:
        dummy = _c.empty((1,), "float32", dev)
        try:
            _c.launch("random_seed", [], [dummy], attrs, "seed")
        except NotImplementedError:
            if ctx != "all":
                raise
