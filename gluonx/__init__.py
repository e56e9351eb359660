"""gluonx: the Python API of Apache MXNet 1.x on a small, fast core.

>>> import gluonx as mx
>>> a = mx.nd.array([[1, 2], [3, 4]])
>>> (a + 1).asnumpy().tolist()
[[2.0, 3.0], [4.0, 5.0]]
"""
import os as _os

# Idle OpenMP workers must sleep, not spin: spinning workers slow down
# OpenBLAS and everything else on a small machine.  Read when libgomp loads.
_os.environ.setdefault("OMP_WAIT_POLICY", "passive")

from gluonx import _threads  # noqa: E402

_threads.configure()   # thread counts from the affinity mask and the cgroup quota

__version__ = "0.1.0"

from gluonx import base  # noqa: E402
from gluonx.base import MXNetError  # noqa: E402
from gluonx import context  # noqa: E402
from gluonx.context import Context, cpu, gpu, cpu_pinned, current_context, num_gpus  # noqa: E402
from gluonx._core import ndarray as _core  # noqa: E402

_core.set_context_factory(lambda t, i: Context(t, i), current_context)

from gluonx import _backends  # noqa: E402

_backends.load_backends()

from gluonx import ndarray  # noqa: E402
from gluonx import ndarray as nd  # noqa: E402
from gluonx.ndarray import NDArray  # noqa: E402
from gluonx import autograd  # noqa: E402
from gluonx import test_utils  # noqa: E402,F401

from gluonx import random  # noqa: E402,F401

from gluonx import name, attribute  # noqa: E402,F401
from gluonx.attribute import AttrScope  # noqa: E402,F401
from gluonx import symbol  # noqa: E402,F401
from gluonx import symbol as sym  # noqa: E402,F401
from gluonx import visualization  # noqa: E402,F401
from gluonx import visualization as viz  # noqa: E402,F401
from gluonx import gluon  # noqa: E402,F401
from gluonx import metric  # noqa: E402,F401
from gluonx import optimizer, lr_scheduler, initializer  # noqa: E402,F401
from gluonx import initializer as init  # noqa: E402,F401

from gluonx import util, runtime, engine  # noqa: E402,F401
from gluonx.util import (is_np_shape, set_np_shape, np_shape, use_np_shape,  # noqa: E402,F401
                         is_np_array, np_array, use_np_array, use_np, set_np, reset_np)
from gluonx import numpy, numpy_extension  # noqa: E402,F401
from gluonx import numpy as np, numpy_extension as npx  # noqa: E402,F401
from gluonx import random as rnd  # noqa: E402,F401
