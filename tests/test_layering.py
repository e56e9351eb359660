"""The package's floors (DESIGN.md): imports only go down, and no module
imports itself back through others, at module level or inside functions.

gluon/ -> symbol/ -> ndarray/, autograd -> ops/ -> _core/ (+ base, context)
"""
import ast
import os

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "gluonx")


def _module_name(path):
    rel = os.path.relpath(path, os.path.join(ROOT, "..")).replace(os.sep, ".")
    rel = rel[:-3] if rel.endswith(".py") else rel
    return rel[:-9] if rel.endswith(".__init__") else rel


def _imports():
    """{module: {imported gluonx module}} over every .py and .pyx/.pxi file."""
    modules = {}
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            path = os.path.join(dirpath, f)
            if f.endswith(".py"):
                tree = ast.parse(open(path).read())
                name = _module_name(path)
                found = set()
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        found |= {a.name for a in node.names if a.name.startswith("gluonx")}
                    elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gluonx"):
                        for a in node.names:
                            sub = node.module + "." + a.name
                            if os.path.exists(os.path.join(ROOT, "..", *sub.split("."))) or \
                                    os.path.exists(os.path.join(ROOT, "..", *sub.split(".")) + ".py"):
                                found.add(sub)                  # from gluonx import ndarray: a submodule
                            else:
                                found.add(node.module)          # a name the module defines
                modules[name] = found
            elif f.endswith((".pyx", ".pxi")):
                text = open(path).read()
                found = set()
                for line in text.splitlines():
                    s = line.strip()
                    if s.startswith(("from gluonx", "import gluonx")) and "cimport" not in s:
                        found.add(s.split()[1])
                modules.setdefault("gluonx._core.ndarray", set()).update(found)
    return modules


MODULES = _imports()


def _floor(mod):
    parts = mod.split(".")
    top = parts[1] if len(parts) > 1 else ""
    return {"_core": 0, "base": 0, "context": 0, "_backends": 0, "_fileio": 0, "ops": 1, "_fused": 1, "ndarray": 2,
            "autograd": 2, "random": 3, "name": 3, "attribute": 3, "symbol": 3, "initializer": 3,
            "optimizer": 3, "lr_scheduler": 3, "metric": 3, "operator": 3, "visualization": 4, "test_utils": 4,
            "gluon": 5}.get(top)


def test_the_core_imports_nothing_above_it():
    bad = {m for m in MODULES["gluonx._core.ndarray"] if not m.startswith(("gluonx.base", "gluonx._core"))}
    assert not bad, "the Cython core imports %s" % sorted(bad)


@pytest.mark.parametrize("mod", sorted(m for m in MODULES if _floor(m) is not None))
def test_imports_only_go_down(mod):
    up = sorted(m for m in MODULES[mod] if _floor(m) is not None and _floor(m) > _floor(mod)
                and m.split(".")[1] != mod.split(".")[1])
    assert not up, "%s imports %s from a floor above" % (mod, up)


def test_no_import_cycles():
    graph = {m: {d for d in deps if d in MODULES and d != m} for m, deps in MODULES.items()}
    # a package's __init__ may import its own submodules; a submodule importing the
    # package means importing its __init__ (that is what counts)
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, "import cycles: %s" % cycles
