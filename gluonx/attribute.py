"""``mx.attribute``: attributes given to every graph node made in a scope.

>>> import gluonx as mx
>>> with mx.AttrScope(ctx_group='dev1', lr_mult='0.1'):
...     w = mx.sym.var('w')
>>> w.attr('lr_mult')
'0.1'
"""
from __future__ import annotations

import threading

__all__ = ["AttrScope", "current"]


class AttrScope:
    """Attributes (strings) that symbols created inside inherit; an inner
    scope adds to (and overrides) the outer one."""

    _current = threading.local()

    def __init__(self, **kwargs):
        for value in kwargs.values():
            if not isinstance(value, str):
                raise ValueError("Attributes need to be string")
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


_DEFAULT = AttrScope()


def current() -> AttrScope:
    return getattr(AttrScope._current, "value", None) or _DEFAULT
