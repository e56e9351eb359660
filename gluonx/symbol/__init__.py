"""``mx.sym`` / ``mx.symbol``: the Symbol and every registered operator as a
symbol function.

The functions are generated from :mod:`gluonx.ops` (one definition per
operator, the same as ``mx.nd``): same names and signatures, plus ``name=``
and ``attr=``; ``mx.sym.random``, ``mx.sym.linalg`` and ``mx.sym.contrib``
hold the prefixed operators as in ``mx.nd``.

>>> import gluonx as mx
>>> x = mx.sym.var('x')
>>> y = mx.sym.relu(x * 2 + 1, name='act')
>>> y.list_arguments(), y.list_outputs()
(['x'], ['act_output'])
"""
from __future__ import annotations

import sys as _sys
import types as _types

from gluonx.ops.registry import populate as _registry_populate
from gluonx.symbol.symbol import Symbol, var, Variable, Group, create as _create
from gluonx.symbol import json_io as _json_io
from gluonx.symbol import symbol  # noqa: F401  (mx.symbol.symbol.Symbol, as GluonCV imports it)
from gluonx.symbol.trace import trace, tape_symbol as _tape_symbol
from gluonx import autograd as _autograd

_autograd._tape_to_symbol = _tape_symbol

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json", "trace"]

random = _types.ModuleType("gluonx.symbol.random", "Random sampling operators (``mx.sym.random``).")
linalg = _types.ModuleType("gluonx.symbol.linalg", "Linear-algebra operators (``mx.sym.linalg``).")
contrib = _types.ModuleType("gluonx.symbol.contrib", "Operators MXNet keeps under contrib (``mx.sym.contrib``).")
_sys.modules[random.__name__] = random
_sys.modules[linalg.__name__] = linalg
_sys.modules[contrib.__name__] = contrib


def load(fname: str) -> Symbol:
    """A Symbol from a ``-symbol.json`` file (any MXNet 1.x layout)."""
    return Symbol(_json_io.load(fname))


def load_json(json_str: str) -> Symbol:
    """A Symbol from a JSON string (as written by ``tojson``)."""
    if not isinstance(json_str, str):
        raise TypeError("load_json: expected a JSON string")
    return Symbol(_json_io.from_json(json_str))


def _make_function(op, public_name: str):
    """The ``mx.sym`` function of an operator: the ``mx.nd`` signature plus
    ``name`` and ``attr``."""

    def fn(*args, name=None, attr=None, out=None, **kwargs):
        return _create(public_name, args, kwargs, name=name, attr=attr)

    import inspect
    sig = op.signature()
    params = [p for p in sig.parameters.values() if p.name not in ("out", "name")]
    extra = [p for p in params if p.kind == p.VAR_KEYWORD]      # **kwargs stays last (Custom)
    params = [p for p in params if p.kind != p.VAR_KEYWORD]
    params.append(inspect.Parameter("name", inspect.Parameter.KEYWORD_ONLY, default=None))
    params.append(inspect.Parameter("attr", inspect.Parameter.KEYWORD_ONLY, default=None))
    params += extra
    fn.__name__ = public_name
    fn.__qualname__ = public_name
    fn.__doc__ = op.docstring().replace("NDArray", "Symbol")
    fn.__signature__ = sig.replace(parameters=params)
    fn.__module__ = "gluonx.symbol"
    fn.op = op
    return fn


def _make_method(public_name: str):
    def method(self, *args, **kwargs):
        return _create(public_name, (self,) + args, kwargs, name=kwargs.pop("name", None),
                       attr=kwargs.pop("attr", None))
    method.__name__ = public_name
    return method


def _populate() -> None:
    for m, fn in _registry_populate(globals(), _make_function).items():
        if not hasattr(Symbol, m):
            setattr(Symbol, m, _make_method(fn.__name__))
    # NDArray-style conveniences MXNet's Symbol also has
    for m, opname in (("astype", "cast"), ("reshape", "reshape"), ("flatten", "flatten"),
                      ("transpose", "transpose"), ("expand_dims", "expand_dims")):
        if m not in Symbol.__dict__:
            setattr(Symbol, m, _make_method(opname))


_populate()

from gluonx.symbol import random_api as _random_api  # noqa: E402
_random_api.install(random)    # MXNet's mx.sym.random.* signatures over the random_* operators


# MXNet's creation functions of mx.sym: Python wrappers over the _zeros, _ones,
# _full, _arange, _linspace and _eye operators that pass the dtype explicitly
def zeros(shape, dtype=None, **kwargs) -> Symbol:
    """A symbol of zeros: ``mx.sym.zeros((2, 3))``."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _create("_zeros", (), dict(kwargs, shape=shape, dtype=dtype or "float32"), name=name, attr=attr)


def ones(shape, dtype=None, **kwargs) -> Symbol:
    """A symbol of ones."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _create("_ones", (), dict(kwargs, shape=shape, dtype=dtype or "float32"), name=name, attr=attr)


def full(shape, val, dtype=None, **kwargs) -> Symbol:
    """A symbol filled with `val`."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _create("_full", (), dict(kwargs, shape=shape, dtype=dtype or "float32", value=float(val)),
                   name=name, attr=attr)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None) -> Symbol:
    """Evenly spaced values (MXNet's _arange)."""
    return _create("_arange", (), dict(start=start, stop=stop, step=step, repeat=repeat, infer_range=infer_range,
                                       dtype=dtype or "float32"), name=name)


def linspace(start, stop, num, endpoint=True, name=None, dtype=None) -> Symbol:
    """`num` evenly spaced values (MXNet's _linspace)."""
    return _create("_linspace", (), dict(start=start, stop=stop, num=num, endpoint=endpoint,
                                         dtype=dtype or "float32"), name=name)


def eye(N, M=0, k=0, dtype=None, **kwargs) -> Symbol:
    """Ones on the k-th diagonal (MXNet's _eye)."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _create("_eye", (), dict(kwargs, N=N, M=M, k=k, dtype=dtype or "float32"), name=name, attr=attr)
