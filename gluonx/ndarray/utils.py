"""Hand-written parts of ``mx.nd``: array() from Python data, waitall, DLPack helpers."""
from __future__ import annotations

import numpy as np

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import F

__all__ = ["array", "waitall", "concatenate", "to_dlpack_for_read", "to_dlpack_for_write", "onehot_encode"]


def array(source_array, ctx=None, dtype=None, requires_grad: bool = False) -> NDArray:
    """An NDArray copied from an NDArray, a NumPy array, a (nested) list or a
    number.  The dtype is float32 unless `dtype` is given, except that an
    NDArray source keeps its dtype (as in MXNet).

    >>> import gluonx as mx
    >>> mx.nd.array([[1, 2], [3, 4]]).shape
    (2, 2)

    ``requires_grad=True`` marks the result PyTorch-style (see mx.autograd).
    """
    out = _array(source_array, ctx, dtype)
    if requires_grad:
        out.requires_grad = True
    return out


def _array(source_array, ctx, dtype) -> NDArray:
    if isinstance(source_array, NDArray):
        dt = source_array.dtype if dtype is None else dtype
        return source_array.as_in_context(ctx if ctx is not None else source_array.context).astype(dt)
    if dtype is None:
        dtype = "float32"
    if isinstance(source_array, (str, bytes, dict, set)):
        raise MXNetTypeError("array: cannot make an NDArray from a %s" % type(source_array).__name__)
    try:
        src = np.asarray(source_array)
    except (ValueError, TypeError) as e:
        raise MXNetValueError("array: cannot convert the input to an array (%s); nested lists must "
                              "be rectangular and hold numbers" % e) from None
    if src.dtype == object or src.dtype.kind in "USVO":
        raise MXNetTypeError("array: the input holds %s values, not numbers" % src.dtype)
    return _c.array_from_numpy(src, dtype, ctx)


def waitall() -> None:
    """Blocks until all pending device work is done (a no-op on the CPU,
    where kernels run synchronously)."""
    from gluonx import _backends
    for fn in _backends.sync_hooks():
        fn()


def concatenate(arrays, axis=0, always_copy=True) -> NDArray:
    """MXNet's ``mx.nd.concatenate`` (``concat`` with a list)."""
    if not arrays:
        raise MXNetValueError("concatenate: no arrays given")
    return F.concat(*arrays, dim=axis)


def to_dlpack_for_read(data: NDArray):
    """A DLPack capsule viewing `data` (zero copy)."""
    return data.__dlpack__()


def to_dlpack_for_write(data: NDArray):
    return data.__dlpack__()


def onehot_encode(indices: NDArray, out: NDArray) -> NDArray:
    """MXNet's legacy one-hot helper: writes one_hot(indices) into `out`."""
    return F.one_hot(indices, depth=out.shape[1], out=out)
