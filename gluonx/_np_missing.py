"""What ``mx.np`` / ``mx.npx`` give until gluonx has MXNet's NumPy-style interface.

Both modules import (MXNet code imports them at module level), and every
function in them raises :class:`MXNetNotImplementedError` (also
``NotImplementedError``) when called, naming the function and pointing to
``mx.nd``, whose arrays already follow NumPy's shape semantics.
"""
from __future__ import annotations

import types

from gluonx.base import MXNetNotImplementedError


def not_implemented(qualname: str) -> MXNetNotImplementedError:
    return MXNetNotImplementedError(
        "%s: gluonx does not implement MXNet's NumPy-style interface (mx.np / mx.npx) yet; "
        "use mx.nd (its arrays already follow NumPy's shape semantics)" % qualname)


def missing_function(qualname: str):
    """A function that raises the not-implemented error when called."""
    def missing(*args, **kwargs):
        raise not_implemented(qualname)
    missing.__name__ = qualname.rsplit(".", 1)[-1]
    missing.__qualname__ = qualname
    missing.__doc__ = "Not implemented in gluonx yet (MXNet's %s)." % qualname
    return missing


def module_getattr(prefix: str, submodules: dict):
    """A module ``__getattr__``: submodules by name, any other public name a missing function."""
    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in submodules:
            return submodules[name]
        return missing_function(prefix + "." + name)
    return __getattr__


def missing_module(qualname: str) -> types.ModuleType:
    """A module object (e.g. ``mx.np.random``) whose every function is missing."""
    module = types.ModuleType(qualname)
    module.__getattr__ = module_getattr(qualname, {})
    return module


class MissingArray:
    """Stands for ``mx.np.ndarray``: no object is ever an instance; constructing one raises."""

    def __init__(self, *args, **kwargs):
        raise not_implemented("mxnet.numpy.ndarray")
