"""``mx.nd.ndarray``: the module MXNet's NDArray class and functions live in.

MXNet code imports a few private names from here (``py_slice``, the storage
type tables); everything else is the ``mx.nd`` namespace itself.
"""
from gluonx._core.ndarray import NDArray  # noqa: F401

py_slice = slice
_STORAGE_TYPE_UNDEFINED, _STORAGE_TYPE_DEFAULT, _STORAGE_TYPE_ROW_SPARSE, _STORAGE_TYPE_CSR = -1, 0, 1, 2
_STORAGE_TYPE_STR_TO_ID = {"undefined": -1, "default": 0, "row_sparse": 1, "csr": 2}
_STORAGE_TYPE_ID_TO_STR = {v: k for k, v in _STORAGE_TYPE_STR_TO_ID.items()}
_GRAD_REQ_MAP = {"null": 0, "write": 1, "add": 3}


def __getattr__(name: str):
    import gluonx.ndarray as _nd
    try:
        return getattr(_nd, name)
    except AttributeError:
        raise AttributeError("module 'gluonx.ndarray.ndarray' has no attribute %r" % name) from None
