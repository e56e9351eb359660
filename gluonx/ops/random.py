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
from gluonx.ops.registry import Attr, OpDef, register, REQUIRED

_PARAMS = struct.Struct("=dd")  # gx_random_attrs
_SEED = struct.Struct("=Q")     # gx_seed_attrs

_FLOATS = ("float16", "float32", "float64")
_INTS = ("int32", "int64")

_SHAPE = Attr("shape", "shape", None, "Output shape (default (1,)).")
_DTYPE = Attr("dtype", "dtype", None, "Output type (default float32, or out's type).")
_CTX = Attr("ctx", "any", None, "Device (default: the current context).")


def _out_shape(opname, shape, out):
    if shape is None or shape == ():
        shape = out.shape if out is not None else (1,)
    for d in shape:
        if d < 0:
            raise MXNetValueError("Operator %s: shape must not have negative sizes, got %s"
                                  % (opname, shape))
    if out is not None and tuple(out.shape) != tuple(shape):
        raise MXNetValueError("Operator %s: out has shape %s, expected %s"
                              % (opname, out.shape, tuple(shape)))
    return tuple(shape)


def _out_dtype(opname, dtype, out, allowed, default):
    if dtype is None:
        dtype = _c.dtype_name(_c.dtype_flag(out.dtype)) if out is not None else default
    if dtype not in allowed:
        raise MXNetTypeError("Operator %s: dtype must be one of %s, got %s"
                             % (opname, ", ".join(allowed), dtype))
    if out is not None and _c.dtype_name(_c.dtype_flag(out.dtype)) != dtype:
        raise MXNetTypeError("Operator %s: out has dtype %s, expected %s"
                             % (opname, np.dtype(out.dtype).name, dtype))
    return dtype


def _sample(kernel, opname, p0, p1, shape, dtype, ctx, out, allowed, default="float32"):
    """Runs a sampler kernel into a fresh contiguous array (or into `out`)."""
    shape = _out_shape(opname, shape, out)
    dtype = _out_dtype(opname, dtype, out, allowed, default)
    if out is not None and out.is_contiguous:
        dst = out
    else:
        dst = _c.empty(shape, dtype, ctx if out is None else out.context)
    if dst.size:
        _c.launch(kernel, [], [dst], _PARAMS.pack(float(p0), float(p1)), opname)
    if out is not None and dst is not out:
        _c.copyto(out, dst)
        return out
    return dst


def _scalar(opname, name, v):
    if isinstance(v, _c.NDArray):
        raise MXNetTypeError("Operator %s: %s must be a number; per-element parameters "
                             "(NDArray %s) are not supported" % (opname, name, name))
    return v


def _uniform(low=0.0, high=1.0, shape=None, dtype=None, ctx=None, out=None):
    if low > high:
        raise MXNetValueError("Operator random_uniform: low must be <= high, got low=%g, high=%g"
                              % (low, high))
    return _sample("random_uniform", "random_uniform", low, high, shape, dtype, ctx, out, _FLOATS)


def _normal(loc=0.0, scale=1.0, shape=None, dtype=None, ctx=None, out=None):
    if not scale >= 0:
        raise MXNetValueError("Operator random_normal: scale must be >= 0, got %g" % scale)
    return _sample("random_normal", "random_normal", loc, scale, shape, dtype, ctx, out, _FLOATS)


def _randn(*shape, loc=0.0, scale=1.0, dtype=None, ctx=None, out=None):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for d in shape:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
            raise MXNetTypeError("Operator random_randn: shape must be integers, got %r" % (shape,))
    return _normal(loc, scale, tuple(int(d) for d in shape) or None, dtype, ctx, out)


def _randint(low, high, shape=None, dtype=None, ctx=None, out=None):
    if low >= high:
        raise MXNetValueError("Operator random_randint: low must be < high, got low=%d, high=%d"
                              % (low, high))
    if max(abs(low), abs(high)) > 2 ** 53:
        raise MXNetValueError("Operator random_randint: bounds must be within +-2**53, got %d, %d"
                              % (low, high))
    if dtype == "int32" or (dtype is None and (out is None or out.dtype == np.int32)):
        if low < -2 ** 31 or high > 2 ** 31:
            raise MXNetValueError("Operator random_randint: bounds %d, %d do not fit int32"
                                  % (low, high))
    return _sample("random_randint", "random_randint", low, high, shape, dtype, ctx, out, _INTS,
                   default="int32")


def _exponential(scale=1.0, shape=None, dtype=None, ctx=None, out=None):
    if not scale > 0:
        raise MXNetValueError("Operator random_exponential: scale must be > 0, got %g" % scale)
    return _sample("random_exponential", "random_exponential", scale, 0.0, shape, dtype, ctx,
                   out, _FLOATS)


def _gamma(alpha=1.0, beta=1.0, shape=None, dtype=None, ctx=None, out=None):
    if not (alpha > 0 and beta > 0):
        raise MXNetValueError("Operator random_gamma: alpha and beta must be > 0, got %g, %g"
                              % (alpha, beta))
    return _sample("random_gamma", "random_gamma", alpha, beta, shape, dtype, ctx, out, _FLOATS)


def _poisson(lam=1.0, shape=None, dtype=None, ctx=None, out=None):
    if not lam >= 0:
        raise MXNetValueError("Operator random_poisson: lam must be >= 0, got %g" % lam)
    return _sample("random_poisson", "random_poisson", lam, 0.0, shape, dtype, ctx, out,
                   _FLOATS + _INTS)


def _shuffle(data, out=None):
    src = _c.contiguous(data)
    if out is not None:
        if tuple(out.shape) != tuple(data.shape):
            raise MXNetValueError("Operator shuffle: out has shape %s, expected %s"
                                  % (out.shape, data.shape))
        if out.is_contiguous and out.dtype == data.dtype and src is not out:
            _c.launch("shuffle", [src], [out], None, "shuffle")
            return out
    dst = _c.empty_like(src)
    _c.launch("shuffle", [src], [dst], None, "shuffle")
    if out is not None:
        _c.copyto(out, dst)
        return out
    return dst


def _multinomial(data, shape=None, get_prob=False, dtype="int32", out=None):
    if data.ndim == 0 or data.shape[-1] == 0:
        raise MXNetValueError("Operator multinomial: data must have shape (..., K) with K > 0, "
                              "got %s" % (data.shape,))
    if data.dtype not in (np.float16, np.float32, np.float64):
        raise MXNetTypeError("Operator multinomial: probabilities must be float16/32/64, got %s"
                             % np.dtype(data.dtype).name)
    shape = () if shape is None else tuple(shape)
    batch = tuple(data.shape[:-1])
    k = data.shape[-1]
    m = int(np.prod(batch, dtype=np.int64))
    n = int(np.prod(shape, dtype=np.int64))
    final = (batch + shape) or (1,)
    probs = _c.reshape(_c.contiguous(data), (m, k))
    samples = _c.empty((m, n), dtype, data.context)
    outs = [samples]
    if get_prob:
        outs.append(_c.empty((m, n), data.dtype, data.context))
    if m * n:
        _c.launch("multinomial", [probs], outs, None, "multinomial")
    res = [_c.reshape(o, final) for o in outs]
    if out is not None:
        targets = out if isinstance(out, (list, tuple)) else [out]
        for t, r in zip(targets, res):
            _c.copyto(t, r)
        res = list(targets)[:len(res)]
    return res if get_prob else res[0]


_FSHAPE = (_SHAPE, _DTYPE, _CTX)


def _fl(name, default, doc=""):
    return Attr(name, "float", default, doc)


register(OpDef("random_uniform", _uniform, inputs=(),
               attrs=(_fl("low", 0.0, "Lower bound (inclusive)."),
                      _fl("high", 1.0, "Upper bound (exclusive).")) + _FSHAPE,
               aliases=("_random_uniform", "uniform"), differentiable=False,
               doc="Samples from the uniform distribution on [low, high).\n\n"
                   ">>> mx.random.seed(0)\n>>> mx.nd.random.uniform(shape=(2,)).asnumpy()\n"
                   "array([0.5488135, 0.5928446], dtype=float32)"))
register(OpDef("random_normal", _normal, inputs=(),
               attrs=(_fl("loc", 0.0, "Mean."), _fl("scale", 1.0, "Standard deviation.")) + _FSHAPE,
               aliases=("_random_normal", "normal"), differentiable=False,
               doc="Samples from the normal distribution N(loc, scale**2).\n\n"
                   ">>> mx.nd.random.normal(0, 1, shape=(2, 3)).shape\n(2, 3)"))
register(OpDef("random_randn", _randn, inputs=(), variadic=True, scalar_inputs=True,
               attrs=(_fl("loc", 0.0), _fl("scale", 1.0), _DTYPE, _CTX),
               differentiable=False,
               doc="Standard normal samples of the given shape.\n\n"
                   ">>> mx.nd.random.randn(2, 3).shape\n(2, 3)"))
register(OpDef("random_randint", _randint, inputs=(),
               attrs=(Attr("low", "int", REQUIRED, "Lower bound (inclusive)."),
                      Attr("high", "int", REQUIRED, "Upper bound (exclusive)."), _SHAPE,
                      Attr("dtype", "dtype", None, "int32 (default) or int64."), _CTX),
               aliases=("_random_randint",), differentiable=False,
               doc="Uniform integers in [low, high).\n\n"
                   ">>> mx.nd.random.randint(0, 10, shape=(4,)).dtype\n<class 'numpy.int32'>"))
register(OpDef("random_exponential", _exponential, inputs=(),
               attrs=(_fl("scale", 1.0, "Scale (1 / rate)."),) + _FSHAPE,
               differentiable=False,
               doc="Samples from the exponential distribution with the given scale "
                   "(mean).\n\n>>> mx.nd.random.exponential(2.0, shape=(3,)).shape\n(3,)"))
register(OpDef("random_gamma", _gamma, inputs=(),
               attrs=(_fl("alpha", 1.0, "Shape."), _fl("beta", 1.0, "Scale.")) + _FSHAPE,
               aliases=("_random_gamma",), differentiable=False,
               doc="Samples from the gamma distribution (mean alpha * beta).\n\n"
                   ">>> mx.nd.random.gamma(2.0, 1.0, shape=(3,)).shape\n(3,)"))
register(OpDef("random_poisson", _poisson, inputs=(),
               attrs=(_fl("lam", 1.0, "Rate (mean)."),) + _FSHAPE,
               aliases=("_random_poisson",), differentiable=False,
               doc="Samples from the Poisson distribution (float32 values by default, "
                   "as MXNet).\n\n>>> mx.nd.random.poisson(4.0, shape=(3,)).shape\n(3,)"))
register(OpDef("shuffle", _shuffle, aliases=("_shuffle", "random_shuffle"), differentiable=False,
               doc="A copy of `data` with its rows (axis 0) randomly permuted "
                   "(Fisher-Yates).\n\n>>> mx.nd.random.shuffle(mx.nd.arange(4)).shape\n(4,)"))
register(OpDef("multinomial", _multinomial,
               attrs=(Attr("shape", "shape", None, "Samples per distribution."),
                      Attr("get_prob", "bool", False, "Also return log-probabilities."),
                      Attr("dtype", "dtype", "int32", "Type of the samples.")),
               aliases=("sample_multinomial", "_sample_multinomial", "random_multinomial"),
               differentiable=False,
               doc="Samples category indices from the distributions in the last axis of "
                   "`data` (shape (..., K)); returns shape data.shape[:-1] + shape.\n\n"
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
