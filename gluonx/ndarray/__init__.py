"""``mx.nd``: NDArray and every operator of the registry as a function.

The functions are generated from :mod:`gluonx.ops` (one definition per
operator); ``mx.nd.random``, ``mx.nd.linalg`` and ``mx.nd.contrib`` hold the
operators named ``random_*``, ``linalg_*`` and ``_contrib_*`` without their
prefix (``mx.nd.contrib.CTCLoss``).

>>> import gluonx as mx
>>> x = mx.nd.ones((2, 3))
>>> mx.nd.sum(x * 2).asscalar()
12.0
"""
from __future__ import annotations

import sys as _sys
import types as _types

from gluonx._core.ndarray import NDArray, from_dlpack, install_methods as _install_methods
from gluonx.ops.registry import all_ops as _all_ops, make_function as _make_function
import gluonx.ops  # noqa: F401  (registers every operator)
from gluonx.ndarray.utils import array, waitall, concatenate, to_dlpack_for_read, to_dlpack_for_write, onehot_encode

random = _types.ModuleType("gluonx.ndarray.random", "Random sampling operators (``mx.nd.random``).")
linalg = _types.ModuleType("gluonx.ndarray.linalg", "Linear-algebra operators (``mx.nd.linalg``).")
contrib = _types.ModuleType("gluonx.ndarray.contrib", "Operators MXNet keeps under contrib (``mx.nd.contrib``).")
_sys.modules[random.__name__] = random
_sys.modules[linalg.__name__] = linalg
_sys.modules[contrib.__name__] = contrib


def _populate() -> None:
    g = globals()
    methods = {}
    for name, op in _all_ops().items():
        if name in g and not hasattr(g[name], "op"):
            continue  # a hand-written function of this module wins (array, ...)
        fn = _make_function(op, name)
        g[name] = fn
        for prefix, mod in (("random_", random), ("_random_", random), ("linalg_", linalg),
                            ("_linalg_", linalg), ("_contrib_", contrib), ("contrib_", contrib)):
            if name.startswith(prefix):
                setattr(mod, name[len(prefix):], fn)
        if name == op.name:
            for m in op.methods:
                methods[m] = fn
    _install_methods(methods)


_populate()

from gluonx.ndarray.serialization import save, load, load_frombuffer  # noqa: F401,E402
