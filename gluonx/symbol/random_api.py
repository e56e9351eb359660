"""``mx.sym.random.*``: MXNet 1.9.1's symbolic sampling wrappers (``dtype`` after ``shape``,
no ``ctx``; ``exponential`` takes the scale, the operator ``random_exponential`` the rate).

>>> s = mx.sym.random.uniform(0, 1, (2,), 'float64')
"""
from __future__ import annotations

from gluonx.base import MXNetNotImplementedError, MXNetValueError
from gluonx.symbol.symbol import Symbol, create as _create

__all__ = ["uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson", "multinomial", "shuffle"]


def _op(opname: str, fname: str, params: dict, shape, dtype, kwargs: dict) -> Symbol:
    for k, v in params.items():
        if isinstance(v, Symbol):
            raise MXNetNotImplementedError(
                "mx.sym.random.%s: %s given as a Symbol (MXNet's sample_%s, one distribution per element) is "
                "not implemented yet (issue 15); pass a number" % (fname, k, fname))
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _create(opname, (), dict(kwargs, shape=shape, dtype=dtype, **params), name=name, attr=attr)


def uniform(low=0, high=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from the uniform distribution on [low, high)."""
    return _op("random_uniform", "uniform", {"low": low, "high": high}, shape, dtype, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from N(loc, scale**2)."""
    return _op("random_normal", "normal", {"loc": loc, "scale": scale}, shape, dtype, kwargs)


def randn(*shape, **kwargs) -> Symbol:
    """Standard normal samples (``loc``, ``scale``, ``dtype`` by keyword)."""
    loc, scale, dtype = kwargs.pop("loc", 0), kwargs.pop("scale", 1), kwargs.pop("dtype", None)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return normal(loc, scale, tuple(shape), dtype, **kwargs)


def randint(low, high, shape=None, dtype=None, **kwargs) -> Symbol:
    """Uniform integers in [low, high)."""
    return _op("random_randint", "randint", {"low": low, "high": high}, shape, dtype, kwargs)


def exponential(scale=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from the exponential distribution with the given scale (mean)."""
    if isinstance(scale, Symbol):
        return _op("random_exponential", "exponential", {"scale": scale}, shape, dtype, kwargs)
    if not scale > 0:
        raise MXNetValueError("mx.sym.random.exponential: scale must be > 0, got %r" % (scale,))
    return _op("random_exponential", "exponential", {"lam": 1.0 / scale}, shape, dtype, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from the gamma distribution (shape alpha, scale beta)."""
    return _op("random_gamma", "gamma", {"alpha": alpha, "beta": beta}, shape, dtype, kwargs)


def poisson(lam=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from the Poisson distribution with rate lam."""
    return _op("random_poisson", "poisson", {"lam": lam}, shape, dtype, kwargs)


def multinomial(data, shape=None, get_prob=True, dtype="int32", **kwargs) -> Symbol:
    """Category indices from the distributions in data's last axis (MXNet's symbol
    version defaults to ``get_prob=True``)."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _create("multinomial", (data,), dict(kwargs, shape=shape, get_prob=get_prob, dtype=dtype),
                   name=name, attr=attr)


def shuffle(data, **kwargs) -> Symbol:
    """data with its rows randomly permuted."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _create("shuffle", (data,), kwargs, name=name, attr=attr)


def install(namespace) -> None:
    for n in __all__:
        setattr(namespace, n, globals()[n])
