"""Hand-written parts of ``mx.nd``: array() from Python data, waitall, DLPack helpers."""
from __future__ import annotations

import numpy as np

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetNotImplementedError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import F

__all__ = ["array", "waitall", "concatenate", "to_dlpack_for_read", "to_dlpack_for_write", "onehot_encode",
           "full", "from_dlpack", "from_numpy"]


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


def full(shape, val, ctx=None, dtype="float32", out=None) -> NDArray:
    """An array of `shape` filled with `val` (MXNet's argument names; the
    operator ``_full`` calls it ``value``).

    >>> mx.nd.full((2,), 7).asnumpy()
    array([7., 7.], dtype=float32)
    """
    return F.full(shape, value=val, ctx=ctx, dtype=dtype, out=out)


def from_dlpack(dlpack) -> NDArray:
    """An NDArray sharing memory with a DLPack capsule or producer (an object
    with ``__dlpack__``: NumPy, PyTorch, another NDArray).

    >>> x = mx.nd.array([1, 2])
    >>> mx.nd.from_dlpack(x.to_dlpack_for_read()).asnumpy()
    array([1., 2.], dtype=float32)
    """
    return _c.from_dlpack(dlpack)


def from_numpy(ndarray: np.ndarray, zero_copy: bool = True, array_cls=NDArray) -> NDArray:
    """An NDArray backed by a NumPy array.  With `zero_copy` (MXNet's default)
    they share memory and the NumPy array is made read-only, as MXNet does;
    it must be C-contiguous.  Without it the data is copied, keeping its dtype.
    `array_cls` is MXNet's choice of result class; gluonx has NDArray only.

    >>> a = np.arange(3.0)
    >>> mx.nd.from_numpy(a).asnumpy()
    array([0., 1., 2.])
    """
    if not isinstance(ndarray, np.ndarray):
        raise MXNetTypeError("from_numpy: expected a numpy.ndarray, got %s" % type(ndarray).__name__)
    if array_cls is not NDArray:
        raise MXNetTypeError("from_numpy: array_cls must be NDArray (the only array class of gluonx), got %r"
                             % (array_cls,))
    if not zero_copy:
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags["C_CONTIGUOUS"]:
        raise MXNetValueError("from_numpy: only C-contiguous arrays can be shared (zero_copy=True); got "
                              "an array of shape %s with strides %s" % (ndarray.shape, ndarray.strides))
    if not ndarray.flags["WRITEABLE"]:
        try:   # read-only because an earlier from_numpy made it so: share it again, as MXNet does
            ndarray.flags["WRITEABLE"] = True
        except ValueError:
            raise MXNetValueError("from_numpy: the array is read-only (its memory belongs to another, "
                                  "read-only object); pass zero_copy=False to copy it") from None
    out = _c.from_dlpack(ndarray)
    ndarray.flags["WRITEABLE"] = False
    return out


def broadcast_to_method(self: NDArray, shape) -> NDArray:
    """``NDArray.broadcast_to(shape)``: as MXNet's method, the array may have
    fewer dimensions than `shape` (size-1 axes are prepended); ``mx.nd.broadcast_to``
    needs equal ranks.

    >>> mx.nd.ones((3,)).broadcast_to((2, 3)).shape
    (2, 3)
    """
    shape = tuple(shape)
    cur = tuple(self.shape)
    if len(shape) < len(cur):
        raise MXNetValueError("broadcast_to: an array of shape %s cannot be broadcast to the shorter shape %s"
                              % (cur, shape))
    full_cur = (1,) * (len(shape) - len(cur)) + cur
    for c, t in zip(full_cur, shape):
        if c != t and c != 1 and t != 0:
            raise MXNetValueError("broadcast_to: an array of shape %s cannot be broadcast to %s" % (cur, shape))
    src = self if full_cur == cur else F.reshape(self, shape=full_cur)
    return F.broadcast_to(src, shape=shape)


def to_dlpack_for_read_method(self: NDArray):
    """``NDArray.to_dlpack_for_read()``: a DLPack capsule viewing the array."""
    return self.__dlpack__()


def to_dlpack_for_write_method(self: NDArray):
    """``NDArray.to_dlpack_for_write()``: a DLPack capsule viewing the array."""
    return self.__dlpack__()


def _view_or_op(op: str, x: NDArray, inplace: bool, **kw) -> NDArray:
    out = getattr(F, op)(x, **kw)
    if not inplace:
        return out
    # MXNet's inplace=True: the same memory under the new shape (a view of a contiguous array)
    return x.reshape(out.shape) if x.is_contiguous else out


def flatten_method(self: NDArray, inplace: bool = False) -> NDArray:
    """``NDArray.flatten(inplace=False)``: (N, ...) -> (N, prod(...)); with
    `inplace` a view sharing this array's memory, as in MXNet.

    >>> mx.nd.ones((2, 3, 4)).flatten().shape
    (2, 12)
    """
    return _view_or_op("flatten", self, inplace)


def squeeze_method(self: NDArray, axis=None, inplace: bool = False) -> NDArray:
    """``NDArray.squeeze(axis=None, inplace=False)`` (`inplace`: a view)."""
    return _view_or_op("squeeze", self, inplace, axis=axis)


def expand_dims_method(self: NDArray, axis, inplace: bool = False) -> NDArray:
    """``NDArray.expand_dims(axis, inplace=False)`` (`inplace`: a view)."""
    return _view_or_op("expand_dims", self, inplace, axis=axis)


def tostype_method(self: NDArray, stype: str) -> NDArray:
    """``NDArray.tostype('default')``: a dense copy; sparse storage types are
    not supported by gluonx."""
    if stype != "default":
        raise MXNetNotImplementedError("tostype(%r): gluonx arrays are dense; sparse storage ('row_sparse', "
                                       "'csr') is not supported" % (stype,))
    return self.copy()


def as_nd_ndarray_method(self: NDArray) -> NDArray:
    """``NDArray.as_nd_ndarray()``: this array (gluonx has one array class)."""
    return self
