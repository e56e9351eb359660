"""``mx.name``: automatic names of graph nodes (MXNet's NameManager).

An operator created without a name gets ``hint + counter`` from the current
manager: ``fullyconnected0``, ``fullyconnected1``, ``_plus0`` ...
:class:`Prefix` prepends a string to every name made inside it (Gluon's
``name_scope`` uses it, so layers' nodes are called ``dense0_fwd``).

>>> import gluonx as mx
>>> with mx.name.Prefix('net_'):
...     y = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2)
>>> y.name
'net_fullyconnected0'
"""
from __future__ import annotations

import threading
from typing import Optional

from gluonx.base import _ClassPropertyMetaClass, classproperty, with_metaclass

__all__ = ["NameManager", "Prefix", "current"]


class NameManager(with_metaclass(_ClassPropertyMetaClass, object)):
    """Names nodes: an explicit name is kept, an automatic one is
    ``hint`` plus a per-hint counter; usable as a ``with`` block.
    ``NameManager.current`` is this thread's manager (assignable, as in MXNet)."""

    _current = threading.local()

    @classproperty
    def current(cls) -> "NameManager":
        return current()

    @current.setter
    def current(cls, manager: "NameManager") -> None:
        NameManager._current.value = manager

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name: Optional[str], hint: str) -> str:
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return "%s%d" % (hint, count)

    def __enter__(self):
        self._old_manager = current()
        NameManager._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        NameManager._current.value = self._old_manager


class Prefix(NameManager):
    """A NameManager that puts `prefix` before every name it gives."""

    def __init__(self, prefix: str):
        super().__init__()
        self._prefix = prefix

    def get(self, name: Optional[str], hint: str) -> str:
        return self._prefix + super().get(name, hint)


def current() -> NameManager:
    """The NameManager in effect in this thread (each thread starts with its own)."""
    manager = getattr(NameManager._current, "value", None)
    if manager is None:
        manager = NameManager._current.value = NameManager()
    return manager
