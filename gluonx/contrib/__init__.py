"""``mx.contrib``: MXNet's experimental namespaces that gluonx has.

``mx.contrib.autograd`` (the pre-1.0 autograd API), and ``mx.contrib.nd`` /
``mx.contrib.sym``, the contrib operators (the same objects as
``mx.nd.contrib`` and ``mx.sym.contrib``).
"""
from gluonx.contrib import autograd  # noqa: F401
from gluonx.ndarray import contrib as ndarray  # noqa: F401
from gluonx.ndarray import contrib as nd  # noqa: F401
from gluonx.symbol import contrib as symbol  # noqa: F401
from gluonx.symbol import contrib as sym  # noqa: F401
