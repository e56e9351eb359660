"""Backend discovery.

Backends are found through the entry-point group ``gluonx.backends``; each
entry point names a callable ``register(registry)``.  The built-in CPU
backend is found the same way (and directly, when gluonx runs from a source
tree that was never installed).  See DEVELOPERS.md, "Writing a backend".
"""
from __future__ import annotations

import warnings

from gluonx._core.ndarray import Registry

_loaded: dict[str, object] = {}


def _entry_points():
    try:
        from importlib.metadata import entry_points
        return list(entry_points(group="gluonx.backends"))
    except Exception:  # broken metadata of an unrelated package must not stop import
        return []


def load_backends() -> None:
    """Loads every backend registered under ``gluonx.backends`` (once)."""
    eps = {ep.name: ep for ep in _entry_points()}
    if "cpu" not in eps:
        from gluonx._backends import cpu
        _register("cpu", cpu.register)
    for name, ep in eps.items():
        if name in _loaded:
            continue
        try:
            fn = ep.load()
        except Exception as e:  # a third-party plugin failing to import must not break gluonx
            if name == "cpu":
                raise
            warnings.warn("gluonx backend %r could not be loaded: %s" % (name, e))
            continue
        _register(name, fn)


def _register(name: str, fn) -> None:
    if name in _loaded:
        return
    fn(Registry(name))
    _loaded[name] = fn


def loaded_backends() -> list[str]:
    return list(_loaded)


_sync_hooks: list = []


def add_sync_hook(fn) -> None:
    """Asynchronous backends register a callable that waits for all their work."""
    _sync_hooks.append(fn)


def sync_hooks() -> list:
    return list(_sync_hooks)
