"""The gluonx drop-in for ``import mxnet``.

Unmodified MXNet 1.x code runs on gluonx through this package: ``mxnet`` and
every ``mxnet.x.y`` are gluonx's own modules (the very same module objects,
imported on first use), so ``mxnet.nd.NDArray is gluonx.nd.NDArray``.

>>> import mxnet as mx
>>> mx.__version__, mx.is_gluonx
('1.9.1', True)
>>> (mx.nd.ones((2,)) * 3).asnumpy().tolist()
[3.0, 3.0]

``mxnet.__version__`` is the MXNet API level gluonx implements;
``mxnet.__gluonx_version__`` is gluonx's own version.  The package refuses
to load (ImportError) when a real MXNet is installed in the same
environment, rather than silently standing in for it.
"""
import os as _os
import sys as _sys

from mxnet import _alias


def _refuse_real_mxnet() -> None:
    """Raise when a real MXNet distribution is installed next to the drop-in."""
    from importlib import metadata
    try:
        real = metadata.distribution("mxnet")
    except metadata.PackageNotFoundError:
        real = None
    here = _os.path.dirname(_os.path.realpath(__file__))
    others = []
    for entry in _sys.path:
        candidate = _os.path.join(entry or _os.getcwd(), "mxnet")
        if (_os.path.isfile(_os.path.join(candidate, "libmxnet.so"))
                and _os.path.realpath(candidate) != here):
            others.append(candidate)
    if real is not None or others:
        where = others[0] if others else str(real.locate_file("mxnet"))
        raise ImportError(
            "the gluonx drop-in package 'mxnet' (at %s) will not stand in for the real "
            "MXNet installed in this environment (%s%s); uninstall one of them "
            "(pip uninstall gluonx-mxnet-dropin, or pip uninstall mxnet), or import gluonx "
            "directly" % (here, where, ", version %s" % real.version if real is not None else ""),
            name="mxnet")


if _os.environ.get("GLUONX_DROPIN_ALLOW_REAL_MXNET") != "1":
    _refuse_real_mxnet()

# Errors importing gluonx propagate unchanged: the drop-in never hides them.
import gluonx as _gluonx  # noqa: E402

__version__ = "1.9.1"
__gluonx_version__ = _gluonx.__version__
is_gluonx = True

_alias.install()


def __getattr__(name: str):
    """``mxnet.nd``, ``mxnet.gluon``, ``mxnet.cpu`` …: gluonx's objects, submodules imported on use."""
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    try:
        return getattr(_gluonx, name)
    except AttributeError:
        pass
    module = _alias.import_submodule(name)
    if module is None:
        raise AttributeError("module 'mxnet' (gluonx drop-in) has no attribute %r: gluonx has "
                             "no gluonx.%s" % (name, name))
    return module


def __dir__():
    return sorted(set(globals()) | set(dir(_gluonx)))
