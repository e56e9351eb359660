"""Errors and small shared definitions (``mx.base``).

Every error gluonx raises is an :class:`MXNetError` and, at the same time,
the built-in exception a Python user would catch: ``except ValueError``
and ``except mx.base.MXNetError`` both see a bad shape.
"""
from __future__ import annotations

__all__ = ["MXNetError", "MXNetValueError", "MXNetTypeError", "MXNetIndexError",
           "MXNetKeyError", "MXNetMemoryError", "MXNetNotImplementedError",
           "MXNetRuntimeError", "MXNetImportError", "MXNetIOError", "MXNetFileNotFoundError",
           "error_for_status",
           "NotImplementedForSymbol", "NotSupportedForSparseNDArray",
           "numeric_types", "integer_types", "string_types", "py_str", "data_dir", "data_dir_default",
           "classproperty"]

import numbers
import os
import platform

import numpy as _np


class MXNetError(RuntimeError):
    """Base class of gluonx's errors (MXNet's name and base class, so user code
    catching ``MXNetError`` or ``RuntimeError`` works)."""


class MXNetValueError(MXNetError, ValueError):
    pass


class MXNetTypeError(MXNetError, TypeError):
    pass


class MXNetIndexError(MXNetError, IndexError):
    pass


class MXNetKeyError(MXNetError, KeyError):
    def __str__(self) -> str:  # KeyError quotes its argument; keep the message readable
        return str(self.args[0]) if self.args else ""


class MXNetMemoryError(MXNetError, MemoryError):
    pass


class MXNetNotImplementedError(MXNetError, NotImplementedError):
    pass


class MXNetRuntimeError(MXNetError, RuntimeError):
    pass


class MXNetImportError(MXNetError, ImportError):
    pass


class MXNetIOError(MXNetError, OSError):
    """Reading or writing a file failed, or the path is not a regular file
    (both MXNetError and OSError: ``errno`` and ``filename`` are set)."""

    # RuntimeError precedes OSError in the MRO: take OSError's constructor so
    # that MXNetIOError(errno, message, filename) fills errno/strerror/filename.
    __init__ = OSError.__init__
    __str__ = OSError.__str__


class MXNetFileNotFoundError(MXNetIOError, FileNotFoundError):
    """A file to load does not exist (both MXNetError and FileNotFoundError)."""


# gx_status codes of include/gluonx/plugin.h -> exception class.
_STATUS_ERRORS = {
    1: MXNetValueError,
    2: MXNetTypeError,
    3: MXNetIndexError,
    4: MXNetMemoryError,
    5: MXNetNotImplementedError,
    6: MXNetRuntimeError,
    7: MXNetImportError,
}


def error_for_status(status: int, message: str) -> MXNetError:
    """The exception object for a kernel's gx_status code."""
    return _STATUS_ERRORS.get(status, MXNetError)(message)


numeric_types = (float, int, _np.generic, numbers.Number)
integer_types = (int, _np.integer)
string_types = (str,)


def py_str(x: bytes) -> str:
    """Bytes from a C API as a Python string (MXNet's helper)."""
    return x.decode("utf-8")


class _NotAvailableFor(MXNetError, NotImplementedError):
    """A function that one kind of object does not have (message as MXNet's)."""
    _tail = ""

    def __init__(self, function, alias=None, *args):
        super().__init__()
        self.function = getattr(function, "__name__", function)
        self.alias = alias
        self.args = tuple(str(type(a)) for a in args)

    def __str__(self) -> str:
        msg = "Function %s" % self.function
        if self.alias:
            msg += ' (namely operator "%s")' % self.alias
        if self.args:
            msg += " with arguments (%s)" % ", ".join(self.args)
        return msg + self._tail


class NotImplementedForSymbol(_NotAvailableFor):
    """A method of NDArray that a Symbol does not have.

    >>> str(NotImplementedForSymbol("asnumpy", "x.asnumpy"))
    'Function asnumpy (namely operator "x.asnumpy") is not implemented for Symbol and only available in NDArray.'
    """
    _tail = " is not implemented for Symbol and only available in NDArray."


class NotSupportedForSparseNDArray(_NotAvailableFor):
    """A function that sparse arrays do not support (gluonx has no sparse storage)."""
    _tail = " is not supported for SparseNDArray and only available in NDArray."


def data_dir_default() -> str:
    """``%APPDATA%\\mxnet`` on Windows, ``~/.mxnet`` elsewhere."""
    if platform.system() == "Windows":
        return os.path.join(os.environ.get("APPDATA"), "mxnet")
    return os.path.join(os.path.expanduser("~"), ".mxnet")


def data_dir() -> str:
    """Where datasets and pretrained models are kept: ``$MXNET_HOME`` or :func:`data_dir_default`."""
    return os.getenv("MXNET_HOME", data_dir_default())


class _NullType:
    """The value of an operator argument left at its default."""

    def __repr__(self) -> str:
        return "_Null"


_Null = _NullType()


class _ClassPropertyDescriptor:
    def __init__(self, fget, fset=None):
        self.fget, self.fset = fget, fset

    def __get__(self, obj, cls=None):
        return self.fget.__get__(obj, cls if cls is not None else type(obj))()

    def __set__(self, obj, value):
        if self.fset is None:
            raise MXNetTypeError("classproperty %s has no setter" % self.fget.__func__.__name__)
        cls = obj if isinstance(obj, type) else type(obj)
        return self.fset.__get__(obj, cls)(value)

    def setter(self, func):
        self.fset = func if isinstance(func, (classmethod, staticmethod)) else classmethod(func)
        return self


class _ClassPropertyMetaClass(type):
    def __setattr__(cls, key, value):
        descriptor = cls.__dict__.get(key)
        if isinstance(descriptor, _ClassPropertyDescriptor):
            return descriptor.__set__(cls, value)
        return super().__setattr__(key, value)


def with_metaclass(meta, *bases):
    """A base class with metaclass ``meta`` (MXNet's Python 2/3 helper)."""
    return meta("_with_metaclass_base", bases or (object,), {})


def classproperty(func):
    """A read-only property of the class (use with ``_ClassPropertyMetaClass`` for a setter).

    >>> class A:
    ...     @classproperty
    ...     def name(cls): return cls.__name__
    >>> A.name
    'A'
    """
    if not isinstance(func, (classmethod, staticmethod)):
        func = classmethod(func)
    return _ClassPropertyDescriptor(func)


def _as_list(obj) -> list:
    """``obj`` if it is a list or tuple (as a list), else ``[obj]``."""
    if isinstance(obj, (list, tuple)):
        return list(obj)
    return [obj]
