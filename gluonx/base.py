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
           "numeric_types", "integer_types", "string_types"]

import numbers

import numpy as _np


class MXNetError(Exception):
    """Base class of gluonx's errors (MXNet's name, so user code catching it works)."""


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
