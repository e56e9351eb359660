"""CSVIter: batches from CSV files (MXNet 1.9.1's ``mx.io.CSVIter``).

Each line of `data_csv` is one example, reshaped to `data_shape`; labels
come from `label_csv` (zeros without one).  With `round_batch` the last
batch is completed from the start of the file (``pad`` counts those rows)
and the next epoch begins after them, as MXNet's iterator does.

>>> import gluonx as mx, numpy as np, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), 'd.csv'); np.savetxt(path, np.arange(10).reshape(5, 2), delimiter=',')
>>> it = mx.io.CSVIter(data_csv=path, data_shape=(2,), batch_size=2)
>>> [b.pad for b in it]
[0, 0, 1]
"""
from __future__ import annotations

import io
import os

import numpy as np

from gluonx.base import MXNetValueError
from gluonx._fileio import read_regular
from gluonx import ndarray as nd
from gluonx.io.io import DataBatch, DataDesc, DataIter

__all__ = ["CSVIter"]


def _read_csv(path: str, dtype, what: str) -> np.ndarray:
    text = read_regular(os.fspath(path), "CSVIter").decode()
    try:
        # parsed straight into `dtype`: integers never pass through float32 (200000001 stays exact)
        return np.loadtxt(io.StringIO(text), delimiter=",", dtype=dtype, ndmin=2)
    except ValueError as err:
        raise MXNetValueError("CSVIter: %s %s: %s" % (what, path, err)) from None


class CSVIter(DataIter):
    """Batches of rows of CSV files (see the module docstring)."""

    def __init__(self, data_csv: str, data_shape, label_csv=None, label_shape=(1,), batch_size: int = 1,
                 round_batch: bool = True, dtype="float32", data_name: str = "data",
                 label_name: str = "softmax_label", **_):
        super().__init__(batch_size)
        if batch_size <= 0:
            raise MXNetValueError("CSVIter: batch_size must be positive, got %r" % (batch_size,))
        self.dtype = np.dtype(dtype)
        self._data_shape = tuple(data_shape)
        self._label_shape = tuple(label_shape)
        data = _read_csv(data_csv, self.dtype, "data_csv")
        n = data.shape[0]
        if n == 0:
            raise MXNetValueError("CSVIter: data_csv %s holds no rows" % data_csv)
        size = int(np.prod(self._data_shape))
        if data.shape[1] != size:
            raise MXNetValueError("CSVIter: data_csv %s has %d values per line; data_shape %s needs %d"
                                  % (data_csv, data.shape[1], self._data_shape, size))
        self._data = data.reshape((n,) + self._data_shape)
        lsize = int(np.prod(self._label_shape))
        if label_csv is not None:
            label = _read_csv(label_csv, self.dtype, "label_csv")
            if label.shape[0] != n or label.shape[1] != lsize:
                raise MXNetValueError("CSVIter: label_csv %s has shape %s; expected %d lines of %d values"
                                      % (label_csv, label.shape, n, lsize))
        else:
            label = np.zeros((n, lsize), dtype=self.dtype)
        # a label of shape (1,) is a plain vector of the batch, as in MXNet
        self._label = label.reshape((n,) if self._label_shape == (1,) else (n,) + self._label_shape)
        self.round_batch = round_batch
        self.provide_data = [DataDesc(data_name, (batch_size,) + self._data_shape, self.dtype.type)]
        self.provide_label = [DataDesc(label_name, (batch_size,) + self._label.shape[1:], self.dtype.type)]
        self._start = 0          # where the epoch begins (after rows a wrapped batch used)
        self._cursor = 0
        self._wrapped = 0
        self._prev = None
        self._batch = None

    def reset(self) -> None:
        self._start = self._wrapped if self.round_batch else 0
        self._wrapped = 0
        self._cursor = self._start

    def iter_next(self) -> bool:
        n, bs = self._data.shape[0], self.batch_size
        if self._cursor >= n:
            return False
        end = min(self._cursor + bs, n)
        rows = list(range(self._cursor, end))
        pad = bs - len(rows)
        if pad:
            if self.round_batch:
                rows += [i % n for i in range(pad)]
                self._wrapped = pad % n
            elif self._prev is not None:  # MXNet leaves the previous batch's rows in the padding
                rows += self._prev[len(rows):]
            else:
                rows += [i % n for i in range(pad)]
        self._cursor = end
        self._prev = rows
        self._batch = DataBatch([nd.array(self._data[rows], dtype=self.dtype)],
                                [nd.array(self._label[rows], dtype=self.dtype)], pad=pad)
        return True

    def next(self) -> DataBatch:
        if self.iter_next():
            return self._batch
        raise StopIteration

    def getdata(self):
        return self._batch.data[0]

    def getlabel(self):
        return self._batch.label[0]

    def getpad(self) -> int:
        return self._batch.pad

    def getindex(self):
        return None
