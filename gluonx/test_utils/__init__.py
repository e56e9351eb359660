"""``mx.test_utils``: the helpers MXNet's own tests and its users' tests call.

The package is split along its seams; every name is importable from here:

- ``compare``: tolerances per dtype, ``assert_almost_equal``, ``almost_equal``, ``same`` ...
- ``random_data``: ``random_arrays``, ``rand_ndarray``, ``rand_shape_nd``, test matrices ...
- ``gradient``: ``check_numeric_gradient`` (Symbol or function), ``numeric_grad``
- ``symbolic``: ``check_symbolic_forward/backward``, ``check_consistency``, ``check_speed`` ...
- ``models``: ``compare_optimizer``, ``check_gluon_hybridize_consistency``
- ``stats``: ``verify_generator``, ``chi_square_check``, ``mean_check``, ``var_check`` ...
- ``data``: ``download``, ``get_mnist`` and the other data sets, ``DummyIter``
- ``misc``: ``default_context``, ``environment``, ``retry``, ``assert_exception`` ...

``from mxnet.test_utils import *`` also brings the module-level names
MXNet's module had (``np``, ``mx``, ``os``, ``sys``, ``rnd`` = numpy.random,
...), which MXNet's test files rely on.

>>> import gluonx as mx
>>> x = mx.nd.array([0.5, 1.5])
>>> mx.test_utils.check_numeric_gradient(lambda a: mx.nd.exp(a).sum(), [x])
>>> mx.test_utils.assert_almost_equal(x, [0.5, 1.5])
"""
import bz2  # noqa: F401  (module-level names of MXNet's test_utils, for star imports)
import errno  # noqa: F401
import gzip  # noqa: F401
import json  # noqa: F401
import logging  # noqa: F401
import numbers  # noqa: F401
import os  # noqa: F401
import platform  # noqa: F401
import struct  # noqa: F401
import sys  # noqa: F401
import time  # noqa: F401
import traceback  # noqa: F401
import zipfile  # noqa: F401
from collections import OrderedDict  # noqa: F401
from contextlib import contextmanager  # noqa: F401

import numpy as np  # noqa: F401
import numpy.random as rnd  # noqa: F401

from gluonx.context import Context, current_context  # noqa: F401
from gluonx.ndarray import array  # noqa: F401
from gluonx.util import getenv, setenv, use_np  # noqa: F401

from gluonx.test_utils import compare, data, gradient, misc, models, random_data, stats, symbolic
from gluonx.test_utils.compare import *  # noqa: F401,F403
from gluonx.test_utils.data import *  # noqa: F401,F403
from gluonx.test_utils.gradient import *  # noqa: F401,F403
from gluonx.test_utils.misc import *  # noqa: F401,F403
from gluonx.test_utils.misc import get_cuda_compute_capability  # noqa: F401
from gluonx.test_utils.models import *  # noqa: F401,F403
from gluonx.test_utils.random_data import *  # noqa: F401,F403
from gluonx.test_utils.stats import *  # noqa: F401,F403
from gluonx.test_utils.symbolic import *  # noqa: F401,F403

_MODULE_NAMES = ["bz2", "errno", "gzip", "json", "logging", "numbers", "os", "platform", "struct", "sys", "time",
                 "traceback", "zipfile", "OrderedDict", "contextmanager", "np", "rnd", "Context",
                 "current_context", "array", "getenv", "setenv", "use_np", "get_cuda_compute_capability"]
_LAZY_NAMES = ["mx", "npt", "ss", "Symbol", "Features"]

__all__ = sorted(set(compare.__all__ + data.__all__ + gradient.__all__ + misc.__all__ + models.__all__
                     + random_data.__all__ + stats.__all__ + symbolic.__all__ + _MODULE_NAMES + _LAZY_NAMES))


def __getattr__(name: str):
    """Names resolved on use: ``mx`` (the ``mxnet`` drop-in when it is loaded, else gluonx),
    ``npt`` (numpy.testing), ``ss`` (scipy.stats, or None without SciPy), ``Symbol``, ``Features``."""
    if name == "mx":
        dropin = sys.modules.get("mxnet")
        if dropin is not None and getattr(dropin, "is_gluonx", False):
            return dropin
        return sys.modules["gluonx"]
    if name == "npt":
        import numpy.testing
        return numpy.testing
    if name == "ss":
        try:
            import scipy.stats as found
        except ImportError:
            found = None
        globals()["ss"] = found
        return found
    if name == "Symbol":
        from gluonx.symbol import Symbol
        return Symbol
    if name == "Features":
        from gluonx.runtime import Features
        return Features
    raise AttributeError("module 'gluonx.test_utils' has no attribute %r" % name)
