"""``mxnet.x.y`` -> ``gluonx.x.y``: a meta-path finder whose modules are gluonx's own.

The finder answers only names under ``mxnet.``; the module it hands back is
the object ``importlib.import_module("gluonx.x.y")`` returns, so classes,
registries and module state are shared, never copied.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys

_PREFIX = "mxnet."


def _target(fullname: str) -> str:
    return "gluonx." + fullname[len(_PREFIX):]


def _import_gluonx(target: str):
    """The gluonx module, or None when it does not exist (other import errors propagate)."""
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as err:
        # Only "this very module is missing" means "no such mxnet module"; a
        # missing dependency deeper down is a real error and must surface.
        if err.name is not None and (target == err.name or target.startswith(err.name + ".")) \
                and err.name.startswith("gluonx"):
            return None
        raise


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, module):
        self._module = module

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        pass  # already executed as gluonx.x.y


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(_PREFIX):
            return None
        module = _import_gluonx(_target(fullname))
        if module is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module),
                                              is_package=hasattr(module, "__path__"))


def install() -> None:
    """Put the finder first on sys.meta_path (once)."""
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())


def import_submodule(name: str):
    """``mxnet.<name>`` imported through the finder, or None when gluonx has no such module."""
    if _import_gluonx("gluonx." + name) is None:
        return None
    return importlib.import_module(_PREFIX + name)
