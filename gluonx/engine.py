"""``mx.engine``: MXNet's bulk-execution knobs.

gluonx runs operators synchronously, in the caller's thread; there is no
asynchronous engine to bulk.  ``set_bulk_size`` and ``bulk`` keep MXNet's
API (the size is recorded and returned) and change nothing.

>>> import gluonx as mx
>>> with mx.engine.bulk(10):
...     (mx.nd.ones((2,)) + 1).asnumpy().tolist()
[2.0, 2.0]
"""
from __future__ import annotations

from gluonx.base import MXNetValueError

__all__ = ["set_bulk_size", "bulk"]

_bulk_size = [15]   # MXNet's default


def set_bulk_size(size: int) -> int:
    """Records the bulk size; returns the previous one (no effect: ops run synchronously)."""
    if int(size) < 0:
        raise MXNetValueError("set_bulk_size: size must be >= 0, got %r" % (size,))
    previous, _bulk_size[0] = _bulk_size[0], int(size)
    return previous


class _BulkScope:
    def __init__(self, size: int):
        self._size, self._old = size, None

    def __enter__(self):
        self._old = set_bulk_size(self._size)
        return self

    def __exit__(self, *exc):
        set_bulk_size(self._old)


def bulk(size: int) -> _BulkScope:
    """A ``with`` scope of bulk size ``size``."""
    return _BulkScope(size)
