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

from gluonx._core.ndarray import NDArray, install_methods as _install_methods
from gluonx.ops.registry import make_function as _make_function, populate as _registry_populate
import gluonx.ops  # noqa: F401  (registers every operator)
from gluonx.ndarray import utils as _utils
from gluonx.ndarray.utils import (array, waitall, concatenate, to_dlpack_for_read, to_dlpack_for_write,  # noqa: F401
                                  onehot_encode, full, from_dlpack, from_numpy)

random = _types.ModuleType("gluonx.ndarray.random", "Random sampling operators (``mx.nd.random``).")
linalg = _types.ModuleType("gluonx.ndarray.linalg", "Linear-algebra operators (``mx.nd.linalg``).")
contrib = _types.ModuleType("gluonx.ndarray.contrib", "Operators MXNet keeps under contrib (``mx.nd.contrib``).")
_sys.modules[random.__name__] = random
_sys.modules[linalg.__name__] = linalg
_sys.modules[contrib.__name__] = contrib


def _populate() -> None:
    methods = _registry_populate(globals(), _make_function)
    # MXNet's own NDArray methods where they differ from the operator's function
    methods.update(broadcast_to=_utils.broadcast_to_method, to_dlpack_for_read=_utils.to_dlpack_for_read_method,
                   to_dlpack_for_write=_utils.to_dlpack_for_write_method, flatten=_utils.flatten_method,
                   squeeze=_utils.squeeze_method, expand_dims=_utils.expand_dims_method,
                   tostype=_utils.tostype_method, as_nd_ndarray=_utils.as_nd_ndarray_method,
                   argmax_channel=globals()["argmax_channel"], reshape_like=globals()["reshape_like"])
    _install_methods(methods)


_populate()

from gluonx.ndarray import random_api as _random_api  # noqa: E402
_random_api.install(random)    # MXNet's mx.nd.random.* signatures over the random_* operators

from gluonx.ndarray.serialization import save, load, load_frombuffer  # noqa: F401,E402
