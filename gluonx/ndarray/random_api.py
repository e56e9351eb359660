"""``mx.nd.random.*``: MXNet 1.9.1's sampling wrappers over the ``random_*`` operators.

MXNet has two calling conventions and scripts use both: the operators
(``mx.nd.random_uniform(low, high, shape, ctx, dtype)``, generated from
gluonx/ops/random.py) and these wrappers, which put ``dtype`` before ``ctx``
and take ``exponential``'s scale where the operator takes the rate
(``random_exponential(lam)``).  The signatures here are MXNet's, so
positional calls mean the same thing on both.

>>> import gluonx as mx
>>> mx.nd.random.uniform(0, 1, (2,), 'float64').dtype
<class 'numpy.float64'>
>>> mx.nd.random_uniform(0, 1, (2,), mx.cpu(), 'float64').dtype
<class 'numpy.float64'>
"""
from __future__ import annotations

from typing import Any, Optional

from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetNotImplementedError, MXNetValueError
from gluonx.ops.registry import F

__all__ = ["uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson", "multinomial",
           "shuffle"]


def _scalars(fname: str, **params: Any) -> None:
    """MXNet samples per element when a parameter is an NDArray (its sample_*
    operators); gluonx does not have those yet."""
    for name, v in params.items():
        if isinstance(v, NDArray):
            raise MXNetNotImplementedError(
                "mx.nd.random.%s: %s given as an NDArray (MXNet's sample_%s, one distribution per element) "
                "is not implemented yet (issue 15); pass a number" % (fname, name, fname))


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from the uniform distribution on [low, high).

    >>> mx.nd.random.uniform(-1, 1, shape=(2, 3)).shape
    (2, 3)
    """
    _scalars("uniform", low=low, high=high)
    return F.random_uniform(low=low, high=high, shape=shape, ctx=ctx, dtype=dtype, out=out, **kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from the normal distribution N(loc, scale**2).

    >>> mx.nd.random.normal(0, 1, (4,)).shape
    (4,)
    """
    _scalars("normal", loc=loc, scale=scale)
    return F.random_normal(loc=loc, scale=scale, shape=shape, ctx=ctx, dtype=dtype, out=out, **kwargs)


def randn(*shape: int, **kwargs) -> NDArray:
    """Standard normal samples (``loc``, ``scale``, ``dtype``, ``ctx``, ``out``
    by keyword).

    >>> mx.nd.random.randn(2, 3).shape
    (2, 3)
    """
    _scalars("randn", loc=kwargs.get("loc"), scale=kwargs.get("scale"))
    return F.random_randn(*shape, **kwargs)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Uniform integers in [low, high) (int32 unless `dtype` is int64).

    >>> mx.nd.random.randint(0, 10, (3,)).dtype
    <class 'numpy.int32'>
    """
    return F.random_randint(low=low, high=high, shape=shape, ctx=ctx, dtype=dtype, out=out, **kwargs)


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from the exponential distribution with the given `scale`
    (the mean; the operator ``random_exponential`` takes the rate 1 / scale).

    >>> mx.nd.random.exponential(2.0, shape=(3,)).shape
    (3,)
    """
    _scalars("exponential", scale=scale)
    if not scale > 0:
        raise MXNetValueError("mx.nd.random.exponential: scale must be > 0, got %r" % (scale,))
    return F.random_exponential(lam=1.0 / scale, shape=shape, ctx=ctx, dtype=dtype, out=out, **kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from the gamma distribution with shape `alpha` and scale `beta`.

    >>> mx.nd.random.gamma(2.0, 1.0, (3,)).shape
    (3,)
    """
    _scalars("gamma", alpha=alpha, beta=beta)
    return F.random_gamma(alpha=alpha, beta=beta, shape=shape, ctx=ctx, dtype=dtype, out=out, **kwargs)


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from the Poisson distribution with rate `lam` (float32 values
    by default, as MXNet).

    >>> mx.nd.random.poisson(4.0, (3,)).shape
    (3,)
    """
    _scalars("poisson", lam=lam)
    return F.random_poisson(lam=lam, shape=shape, ctx=ctx, dtype=dtype, out=out, **kwargs)


def multinomial(data: NDArray, shape=None, get_prob: bool = False, out=None, dtype: Optional[str] = "int32",
                **kwargs):
    """Category indices drawn from the distributions in the last axis of
    `data` (MXNet's order: ``out`` before ``dtype``).

    >>> p = mx.nd.array([[0.1, 0.9]])
    >>> mx.nd.random.multinomial(p, shape=2).shape
    (1, 2)
    """
    return F.multinomial(data, shape=shape, get_prob=get_prob, dtype=dtype, out=out, **kwargs)


def shuffle(data: NDArray, **kwargs) -> NDArray:
    """A copy of `data` with its rows (axis 0) randomly permuted.

    >>> mx.nd.random.shuffle(mx.nd.arange(4)).shape
    (4,)
    """
    return F.shuffle(data, **kwargs)


def install(namespace) -> None:
    """Puts these wrappers into ``mx.nd.random`` (over the operators of the same name)."""
    for name in __all__:
        setattr(namespace, name, globals()[name])
