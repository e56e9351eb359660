"""``mx.util``: environment variables as the C side sees them, and MXNet's
NumPy-semantics switches.

gluonx's arrays already follow NumPy shape semantics (``()`` is a scalar, a
0 in a shape is a zero-size dimension).  The switches below keep MXNet's
thread-local state and scopes, so code that sets them runs; the NumPy-style
array interface they would turn on (``mx.np``) is not implemented yet, and
turning it on says so.

>>> import gluonx as mx
>>> with mx.util.np_shape(True):
...     mx.util.is_np_shape()
True
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import inspect
import os
import threading
from typing import Callable, Optional

from gluonx.base import MXNetNotImplementedError, MXNetValueError

__all__ = ["getenv", "setenv", "is_np_shape", "set_np_shape", "np_shape", "use_np_shape",
           "is_np_array", "np_array", "use_np_array", "use_np", "set_np", "reset_np",
           "set_module", "get_gpu_count", "get_gpu_memory", "makedirs"]

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
_libc.getenv.restype = ctypes.c_char_p
_libc.getenv.argtypes = [ctypes.c_char_p]


def getenv(name: str) -> Optional[str]:
    """The value of environment variable ``name`` as the C runtime (the kernels) sees it.

    >>> import os; os.environ['GLUONX_DOC_VAR'] = '1'; getenv('GLUONX_DOC_VAR')
    '1'
    """
    value = _libc.getenv(name.encode())
    return None if value is None else value.decode()


def setenv(name: str, value: Optional[str]) -> None:
    """Sets (or, with None, unsets) ``name`` for Python and the C runtime alike."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def makedirs(d: str) -> None:
    """``os.makedirs(d, exist_ok=True)`` (MXNet's helper)."""
    os.makedirs(os.path.expanduser(d), exist_ok=True)


def get_gpu_count() -> int:
    """Number of GPUs gluonx can use (0 until the CUDA backend lands)."""
    from gluonx.context import num_gpus
    return num_gpus()


def get_gpu_memory(gpu_dev_id: int):
    """(free, total) bytes of a GPU: see :func:`gluonx.context.gpu_memory_info`."""
    from gluonx.context import gpu_memory_info
    return gpu_memory_info(gpu_dev_id)


def set_module(module: str) -> Callable:
    """Decorator: sets ``func.__module__`` (how MXNet shows public names)."""
    def decorate(func):
        if module is not None:
            func.__module__ = module
        return func
    return decorate


# -- NumPy shape semantics ---------------------------------------------------------------
# MXNet 1.x's legacy arrays read 0 in a shape as "unknown"; with np_shape on, 0 is a
# zero-size dimension and () a scalar.  The flag is process-wide in MXNet
# (set_np_shape) with thread-local scopes (np_shape); so here.

_np_shape_global = [False]
_np_state = threading.local()


def _np_shape_current() -> bool:
    return getattr(_np_state, "shape", _np_shape_global[0])


def is_np_shape() -> bool:
    """Whether NumPy shape semantics are on in this thread."""
    return bool(_np_shape_current())


def set_np_shape(active) -> bool:
    """Turns NumPy shape semantics on or off for the process; returns the previous state.

    ``active`` may be a bool or MXNet's int form (0 off, 1 this thread, 2 every thread).
    """
    previous = is_np_shape()
    if isinstance(active, bool) or active in (0, 1):
        on = bool(active)
        _np_state.shape = on
        if not on:
            _np_shape_global[0] = False
    elif active == 2:
        _np_shape_global[0] = True
        _np_state.shape = True
    else:
        raise MXNetValueError("set_np_shape: expected a bool or 0, 1, 2, got %r" % (active,))
    return previous


class _NumpyShapeScope:
    def __init__(self, is_np_shape: bool):
        self._enter_is_np_shape = bool(is_np_shape)
        self._prev_is_np_shape = None

    def __enter__(self):
        self._prev_is_np_shape = is_np_shape()
        _np_state.shape = self._enter_is_np_shape
        return self

    def __exit__(self, *exc):
        _np_state.shape = self._prev_is_np_shape


def np_shape(active: bool = True) -> _NumpyShapeScope:
    """A ``with`` scope with NumPy shape semantics on (or off).

    >>> with np_shape(True):
    ...     is_np_shape()
    True
    """
    return _NumpyShapeScope(active)


def _wrap_with_scope(func: Callable, scope_factory: Callable) -> Callable:
    """func (or every method of class func) run inside scope_factory()."""
    if inspect.isclass(func):
        for name, method in list(vars(func).items()):
            if callable(method) and not name.startswith("__") or name in ("__init__", "__call__"):
                if inspect.isfunction(method):
                    setattr(func, name, _wrap_with_scope(method, scope_factory))
        return func
    if not callable(func):
        raise MXNetValueError("expected a function or a class to decorate, got %r" % (func,))

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with scope_factory():
            return func(*args, **kwargs)
    return wrapper


def use_np_shape(func: Callable) -> Callable:
    """Decorator: ``func`` runs with NumPy shape semantics on."""
    return _wrap_with_scope(func, lambda: np_shape(True))


# -- NumPy array semantics (mx.np) ----------------------------------------------------------

class _NumpyArrayScope:
    """Scope of MXNet's NumPy-array mode (``mx.np`` arrays out of Gluon).  The current scope
    sits in ``_NumpyArrayScope._current.value``, a thread-local, as in MXNet (its tests read
    and replace ``_current``)."""
    _current = threading.local()

    def __init__(self, is_np_array: bool):
        self._is_np_array = bool(is_np_array)
        self._old_scope = None

    def __enter__(self):
        self._old_scope = getattr(_NumpyArrayScope._current, "value", None) or _NumpyArrayScope(False)
        _NumpyArrayScope._current.value = self
        return self

    def __exit__(self, *exc):
        _NumpyArrayScope._current.value = self._old_scope


def is_np_array() -> bool:
    """Whether MXNet's NumPy-array mode is on in this thread."""
    scope = getattr(_NumpyArrayScope._current, "value", None)
    return bool(scope is not None and scope._is_np_array)


def np_array(active: bool = True) -> _NumpyArrayScope:
    """A ``with`` scope of NumPy-array mode.  ``np_array(False)`` works; turning the mode on is
    allowed as a scope, and ``mx.np``'s functions say they are not implemented."""
    return _NumpyArrayScope(active)


def use_np_array(func: Callable) -> Callable:
    """Decorator: ``func`` runs in NumPy-array mode."""
    return _wrap_with_scope(func, lambda: np_array(True))


def use_np(func: Callable) -> Callable:
    """Decorator: NumPy shape and array semantics for ``func`` (``mx.np`` itself is not implemented:
    calls into it raise NotImplementedError)."""
    return use_np_shape(use_np_array(func))


def set_np(shape: bool = True, array: bool = True) -> None:
    """Turns MXNet's NumPy semantics on.  gluonx has no ``mx.np`` array type yet, so turning the
    array mode on raises :class:`MXNetNotImplementedError`; ``set_np(shape=True, array=False)``
    works."""
    if not shape and array:
        raise MXNetValueError("set_np: NumPy array semantics need NumPy shape semantics "
                              "(shape=False with array=True)")
    if array:
        raise MXNetNotImplementedError(
            "set_np(array=True): gluonx does not implement MXNet's NumPy-style arrays (mx.np) "
            "yet; use mx.nd, whose arrays already follow NumPy's shape semantics")
    set_np_shape(shape)


def reset_np() -> None:
    """Turns NumPy shape and array semantics off."""
    set_np_shape(False)
    _NumpyArrayScope._current.value = _NumpyArrayScope(False)
