"""``Block.save(prefix)`` / ``Block.load(prefix)``: MXNet 1.9.1's structure-keyed model files.

``<prefix>-model.json`` holds the tree of Blocks, each keyed by its class
name (lower case) and its index in a depth-first walk (``sequential0``,
``dense1``, ...), with the name the Block had (``orig_name``), the keys its
parent used for its children, and, for a hybridized HybridBlock, its traced
graph (``symbol``, ``inputs`` as MXNet JSON) and input/output formats.
``<prefix>-model.params`` is ``save_parameters``'s file.  Loading walks a
model built again by the same code in the same order, gives every Block its
saved name and children keys back, restores the traced graphs (so a
hybridized model runs without tracing again) and loads the parameters.
The layout is MXNet's, so such files move between the two libraries.
"""
from __future__ import annotations

import json

from gluonx import symbol
from gluonx._fileio import fspath, read_regular, write_atomic
from gluonx.base import MXNetValueError

__all__ = ["save_model", "load_model"]


def _describe(block, index: list, structure: dict, hybrid_cls) -> None:
    entry = {"orig_name": block.name}
    structure[type(block).__name__.lower() + str(index[0])] = entry
    if isinstance(block, hybrid_cls):
        if block._cached_graph:
            inputs, out = block._cached_graph
            entry["in_format"] = block._in_format
            entry["out_format"] = block._out_format
            entry["inputs"] = [s.tojson() for s in inputs]
            entry["symbol"] = out.tojson()
            entry["hybridized"] = True
        else:
            entry["hybridized"] = False
    children = {}
    entry["children"] = children
    for key, child in block._children.items():
        index[0] += 1
        children[child.name] = key
        _describe(child, index, entry, hybrid_cls)


def save_model(block, prefix, hybrid_cls) -> None:
    """Writes ``<prefix>-model.json`` (the structure) and ``<prefix>-model.params``;
    `hybrid_cls` is HybridBlock (passed in: block.py imports this module)."""
    prefix = fspath(prefix, "Block.save")
    model: dict = {}
    _describe(block, [0], model, hybrid_cls)
    write_atomic(prefix + "-model.json", json.dumps(model).encode("utf-8"), "Block.save")
    block.save_parameters(prefix + "-model.params")


def _restore(block, index: list, structure: dict, hybrid_cls, path: str) -> None:
    key = type(block).__name__.lower() + str(index[0])
    entry = structure.get(key) if isinstance(structure, dict) else None
    if not isinstance(entry, dict):
        raise MXNetValueError("Block.load: %r has no entry %r for %s (block %d of the walk); the model must be "
                              "built by the same code, in the same order, as the saved one"
                              % (path, key, type(block).__name__, index[0]))
    try:
        block._name = entry["orig_name"]
        if isinstance(block, hybrid_cls) and entry["hybridized"]:
            block._in_format = entry["in_format"]
            block._out_format = entry["out_format"]
            inputs = [symbol.load_json(s) for s in entry["inputs"]]
            block._cached_graph = (inputs, symbol.load_json(entry["symbol"]))
            block._cached_op = None
            block._active = True
        saved_children = entry["children"]
    except (KeyError, TypeError) as e:
        raise MXNetValueError("Block.load: the entry %r in %r is incomplete (%s)" % (key, path, e)) from None
    params = block.params
    for old in list(params._params.keys()):   # keys follow the restored name, as in MXNet
        param = params._params.pop(old)
        params._params[block.name + "_" + old[len(params._prefix):]] = param
    for child in block._children.values():
        index[0] += 1
        _restore(child, index, entry, hybrid_cls, path)
    for key_now, child in list(block._children.items()):
        if child.name not in saved_children:
            raise MXNetValueError("Block.load: %r does not list a child named %r under %r"
                                  % (path, child.name, block.name))
        block._children.pop(key_now)
        block._children[saved_children[child.name]] = child


def load_model(block, prefix, hybrid_cls) -> None:
    """Reads what :func:`save_model` wrote into `block`, a model built again the same way."""
    prefix = fspath(prefix, "Block.load")
    path = prefix + "-model.json"
    try:
        model = json.loads(read_regular(path, "Block.load").decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise MXNetValueError("Block.load: %r is not a model structure file (%s)" % (path, e)) from None
    _restore(block, [0], model, hybrid_cls, path)
    block.load_parameters(prefix + "-model.params")
