"""``mx.attribute``: attributes given to every graph node made in a scope.

>>> import gluonx as mx
>>> with mx.AttrScope(ctx_group='dev1', lr_mult='0.1'):
...     w = mx.sym.var('w')
>>> w.attr('lr_mult')
'0.1'
"""
from __future__ import annotations

import threading

from gluonx.base import MXNetValueError, _ClassPropertyMetaClass, classproperty, with_metaclass

__all__ = ["AttrScope", "current"]


class AttrScope(with_metaclass(_ClassPropertyMetaClass, object)):
    """Attributes (strings) that symbols created inside inherit; an inner
    scope adds to (and overrides) the outer one.  ``AttrScope.current`` is
    this thread's scope (assignable, as in MXNet)."""

    _current = threading.local()

    @classproperty
    def current(cls) -> "AttrScope":
        return current()

    @current.setter
    def current(cls, scope: "AttrScope") -> None:
        AttrScope._current.value = scope

    def __init__(self, **kwargs):
        for value in kwargs.values():
            if not isinstance(value, str):
                raise MXNetValueError("AttrScope: attributes need to be strings, got %s=%r"
                                      % (next(k for k, v in kwargs.items() if v is value), value))
        self._attr = kwargs
        self._old_scope = None

    def get(self, attr: dict | None) -> dict:
        """`attr` merged over this scope's attributes."""
        if not self._attr:
            return dict(attr) if attr else {}
        ret = dict(self._attr)
        if attr:
            ret.update(attr)
        return ret

    def __enter__(self):
        self._old_scope = current()
        attr = dict(self._old_scope._attr)
        attr.update(self._attr)
        self._attr = attr
        AttrScope._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        AttrScope._current.value = self._old_scope


def current() -> AttrScope:
    """The AttrScope in effect in this thread (each thread starts with an empty one)."""
    scope = getattr(AttrScope._current, "value", None)
    if scope is None:
        scope = AttrScope._current.value = AttrScope()
    return scope
