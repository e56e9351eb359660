"""Helpers of :class:`~gluonx.io.NDArrayIter`: the canonical ``[(name, array)]``
form of its inputs, reordering by an index, slicing along the batch axis.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from gluonx.base import MXNetNotImplementedError, MXNetTypeError, MXNetValueError
from gluonx._core.ndarray import NDArray
from gluonx import ndarray as nd

try:  # optional: NDArrayIter reads h5py datasets lazily, as MXNet does
    import h5py
except ImportError:  # pragma: no cover - depends on the environment
    h5py = None


def _is_h5(v) -> bool:
    return h5py is not None and isinstance(v, h5py.Dataset)


def _is_scipy_sparse(v) -> bool:
    return type(v).__module__.startswith("scipy.sparse")


def _init_data(data, allow_empty: bool, default_name: str) -> list:
    """`data` (an array, a list of arrays or a dict of name -> array) as a
    list of ``(name, NDArray or h5py.Dataset)`` sorted by name.

    One unnamed array is called `default_name`; several are ``_0_<name>``,
    ``_1_<name>`` ... NumPy arrays and lists become float32 NDArrays (as
    ``mx.nd.array`` makes them).
    """
    if data is None:
        if not allow_empty:
            raise MXNetValueError("NDArrayIter: data must be given (got None)")
        data = []
    if isinstance(data, (np.ndarray, NDArray)) or _is_h5(data) or _is_scipy_sparse(data):
        data = [data]
    if isinstance(data, (list, tuple)):
        data = list(data)
        if not allow_empty and not data:
            raise MXNetValueError("NDArrayIter: data must hold at least one array (got an empty list)")
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict(("_%d_%s" % (i, default_name), d) for i, d in enumerate(data))
    if not isinstance(data, dict):
        raise MXNetTypeError("NDArrayIter: input must be an NDArray, numpy.ndarray, h5py.Dataset, a list of "
                             "them or a dict with them as values; got %s" % type(data).__name__)
    out = dict(data)
    for k, v in out.items():
        if _is_scipy_sparse(v) or type(v).__name__ in ("CSRNDArray", "RowSparseNDArray"):
            raise MXNetNotImplementedError("NDArrayIter: '%s' is a sparse matrix; sparse arrays are not "
                                           "supported by gluonx yet" % k)
        if isinstance(v, NDArray) or _is_h5(v):
            continue
        try:
            out[k] = nd.array(v)
        except Exception as err:
            raise MXNetTypeError("NDArrayIter: invalid type %s for '%s': expected an NDArray, numpy.ndarray "
                                 "or h5py.Dataset" % (type(v).__name__, k)) from err
    return sorted(out.items())


def _has_instance(data: list, dtype) -> bool:
    """Whether some array of ``[(name, array)]`` is an instance of `dtype`."""
    return any(isinstance(arr, dtype) for _, arr in data)


def _getdata_by_idx(data: list, idx) -> list:
    """The arrays reordered along axis 0 by `idx` (h5py datasets stay: they
    are read through the index later).  The copies are made as MXNet makes
    them, with ``mx.nd.array`` (float32)."""
    out = []
    for k, v in data:
        if _is_h5(v):
            out.append((k, v))
        else:
            out.append((k, nd.array(v.asnumpy()[idx], v.context)))
    return out


def _slice_along_batch_axis(data: NDArray, s: slice, batch_axis: int) -> NDArray:
    """``data[s]`` along `batch_axis` (a copy)."""
    return data.slice_axis(axis=batch_axis, begin=s.start, end=s.stop)
