"""Data iterators (MXNet 1.9.1's ``mx.io``): the batch protocol Module.fit reads.

A :class:`DataIter` yields :class:`DataBatch` objects (lists of arrays,
``pad``, ``index``) and describes them with :class:`DataDesc` (name, shape,
dtype, layout) in ``provide_data``/``provide_label``.

>>> import gluonx as mx, numpy as np
>>> it = mx.io.NDArrayIter(np.arange(10).reshape(5, 2), np.arange(5), batch_size=2)
>>> [b.pad for b in it]
[0, 0, 1]
>>> it.provide_data
[DataDesc[data,(2, 2),<class 'numpy.float32'>,NCHW]]
"""
from __future__ import annotations

import threading
from collections import namedtuple
from typing import Optional

import numpy as np

from gluonx.base import MXNetError, MXNetNotImplementedError, MXNetTypeError, MXNetValueError
from gluonx._core.ndarray import NDArray
from gluonx import ndarray as nd
from gluonx.io.utils import _init_data, _getdata_by_idx, _slice_along_batch_axis

__all__ = ["DataDesc", "DataBatch", "DataIter", "ResizeIter", "PrefetchingIter", "NDArrayIter", "MXDataIter"]

_LAST_BATCH = ("pad", "discard", "roll_over")


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """Name and shape of one input, with its ``dtype`` and ``layout`` (the
    letter ``N`` marks the batch axis).

    >>> d = DataDesc('data', (8, 3), layout='NC'); d.name, d.shape, DataDesc.get_batch_axis(d.layout)
    ('data', (8, 3), 0)
    """

    def __new__(cls, name: str, shape, dtype=np.float32, layout: str = "NCHW"):
        ret = super(DataDesc, cls).__new__(cls, name, shape)
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self) -> str:
        return "DataDesc[%s,%s,%s,%s]" % (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout: Optional[str]) -> int:
        """The axis of ``N`` in `layout` (0 when None; -1 when there is none)."""
        if layout is None:
            return 0
        return layout.find("N")

    @staticmethod
    def get_list(shapes, types=None) -> list:
        """DataDescs from ``[(name, shape)]`` and optionally ``[(name, dtype)]``."""
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


class DataBatch(object):
    """One batch: ``data`` and ``label`` (lists of arrays), ``pad`` (how many
    examples at the end repeat earlier ones), ``index``, ``bucket_key`` and
    optionally its own ``provide_data``/``provide_label``.

    >>> str(DataBatch(data=[mx.nd.ones((2, 3))]))
    'DataBatch: data shapes: [(2, 3)] label shapes: None'
    """

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None, provide_data=None,
                 provide_label=None):
        if data is not None and not isinstance(data, (list, tuple)):
            raise MXNetTypeError("DataBatch: data must be a list of NDArrays, got %s" % type(data).__name__)
        if label is not None and not isinstance(label, (list, tuple)):
            raise MXNetTypeError("DataBatch: label must be a list of NDArrays, got %s" % type(label).__name__)
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self) -> str:
        data_shapes = [d.shape for d in self.data]
        label_shapes = [lab.shape for lab in self.label] if self.label else None
        return "%s: data shapes: %s label shapes: %s" % (type(self).__name__, data_shapes, label_shapes)


class DataIter(object):
    """The base class of data iterators: subclasses define ``iter_next`` and
    ``getdata``/``getlabel``/``getpad`` (and ``reset``); ``next`` assembles
    the DataBatch and raises StopIteration at the end."""

    def __init__(self, batch_size: int = 0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self) -> None:
        """Goes back to the beginning of the data."""

    def next(self) -> DataBatch:
        """The next batch (StopIteration at the end of the data)."""
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(), index=self.getindex())
        raise StopIteration

    def __next__(self) -> DataBatch:
        return self.next()

    def iter_next(self) -> bool:
        """Moves to the next batch; False at the end."""
        return False

    def getdata(self):
        """The data of the current batch."""
        return None

    def getlabel(self):
        """The label of the current batch."""
        return None

    def getindex(self):
        """The example indices of the current batch (None when unknown)."""
        return None

    def getpad(self):
        """How many examples of the current batch are padding."""
        return None


class _BatchHoldingIter(DataIter):
    """An iterator whose getters read the batch it holds in ``current_batch``."""

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad


class ResizeIter(_BatchHoldingIter):
    """`data_iter` cut or stretched to `size` batches per epoch (it restarts
    the inner iterator when that ends early).

    >>> it = mx.io.ResizeIter(mx.io.NDArrayIter(mx.nd.ones((100, 10)), batch_size=25), 2)
    >>> len(list(it))
    2
    """

    def __init__(self, data_iter: DataIter, size: int, reset_internal: bool = True):
        super().__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, "default_bucket_key"):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self) -> None:
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self) -> bool:
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True


def _renamed(descs: list, renames: Optional[dict]) -> list:
    if renames is None:
        return list(descs)
    return [DataDesc(renames[x.name], x.shape, x.dtype) if isinstance(x, DataDesc)
            else DataDesc(renames[x[0]], x[1]) for x in descs]


class PrefetchingIter(_BatchHoldingIter):
    """Reads the next batch of one or several iterators in background threads
    (one per iterator) while the current one is used; the batches of several
    iterators are joined (their data and labels concatenated as lists).

    `rename_data`/`rename_label`: per iterator, a dict old name -> new name.

    >>> a = mx.io.NDArrayIter({'data': mx.nd.ones((100, 10))}, batch_size=25)
    >>> b = mx.io.NDArrayIter({'data': mx.nd.ones((100, 10))}, batch_size=25)
    >>> it = mx.io.PrefetchingIter([a, b], rename_data=[{'data': 'd1'}, {'data': 'd2'}])
    >>> [d.name for d in it.provide_data], len(list(it))
    (['d1', 'd2'], 4)
    """

    def __init__(self, iters, rename_data=None, rename_label=None):
        super().__init__()
        if not isinstance(iters, list):
            iters = [iters]
        if not iters:
            raise MXNetValueError("PrefetchingIter: give at least one iterator")
        self.n_iter = len(iters)
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self.data_ready = [threading.Event() for _ in range(self.n_iter)]
        self.data_taken = [threading.Event() for _ in range(self.n_iter)]
        for e in self.data_taken:
            e.set()
        self.started = True
        self.current_batch = None
        self.next_batch = [None] * self.n_iter
        self._errors = [None] * self.n_iter
        self.prefetch_threads = [threading.Thread(target=self._prefetch, args=(i,), daemon=True)
                                 for i in range(self.n_iter)]
        for t in self.prefetch_threads:
            t.start()

    def _prefetch(self, i: int) -> None:
        while True:
            self.data_taken[i].wait()
            if not self.started:
                break
            try:
                self.next_batch[i] = self.iters[i].next()
            except StopIteration:
                self.next_batch[i] = None
            except Exception as err:  # handed to the reading thread, raised there
                self.next_batch[i] = None
                self._errors[i] = err
            self.data_taken[i].clear()
            self.data_ready[i].set()

    def close(self) -> None:
        """Stops the prefetching threads."""
        if not getattr(self, "started", False):
            return
        self.started = False
        for e in self.data_taken:
            e.set()
        for t in self.prefetch_threads:
            if t is not threading.current_thread():
                t.join()

    def __del__(self):
        self.close()

    @property
    def provide_data(self) -> list:
        renames = self.rename_data or [None] * len(self.iters)
        return sum((_renamed(it.provide_data, r) for r, it in zip(renames, self.iters)), [])

    @property
    def provide_label(self) -> list:
        renames = self.rename_label or [None] * len(self.iters)
        return sum((_renamed(it.provide_label, r) for r, it in zip(renames, self.iters)), [])

    def reset(self) -> None:
        for e in self.data_ready:
            e.wait()
        for it in self.iters:
            it.reset()
        self._errors = [None] * self.n_iter
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()

    def iter_next(self) -> bool:
        for e in self.data_ready:
            e.wait()
        for err in self._errors:
            if err is not None:
                raise err
        if self.next_batch[0] is None:
            if any(b is not None for b in self.next_batch):
                raise MXNetValueError("PrefetchingIter: the iterators hold different numbers of batches")
            return False
        for b in self.next_batch:
            if b is None or b.pad != self.next_batch[0].pad:
                raise MXNetValueError("PrefetchingIter: the iterators hold different numbers of examples")
        self.current_batch = DataBatch(sum([list(b.data) for b in self.next_batch], []),
                                       sum([list(b.label or []) for b in self.next_batch], []),
                                       self.next_batch[0].pad, self.next_batch[0].index,
                                       provide_data=self.provide_data, provide_label=self.provide_label)
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()
        return True

    def next(self) -> DataBatch:
        if self.iter_next():
            return self.current_batch
        raise StopIteration


class NDArrayIter(DataIter):
    """Batches of in-memory arrays (NDArray, NumPy, h5py datasets): `data` and
    `label` are an array, a list of arrays or a dict name -> array; arrays are
    listed by name (``provide_data``), one unnamed array takes `data_name` /
    `label_name`.

    `last_batch_handle` says what the last, incomplete batch does:
    ``'pad'`` fills it from the start of the data (``batch.pad`` says how
    many), ``'discard'`` drops it, ``'roll_over'`` keeps its examples for the
    first batch of the next epoch.  `shuffle` reorders the examples with
    ``numpy.random.shuffle`` at every reset (so ``np.random.seed`` fixes it).

    >>> it = mx.io.NDArrayIter(np.arange(5), batch_size=2, last_batch_handle='roll_over')
    >>> [b.data[0].asnumpy().tolist() for b in it]
    [[0.0, 1.0], [2.0, 3.0]]
    >>> it.reset(); it.next().data[0].asnumpy().tolist()
    [4.0, 0.0]
    """

    def __init__(self, data, label=None, batch_size: int = 1, shuffle: bool = False,
                 last_batch_handle: str = "pad", data_name: str = "data", label_name: str = "softmax_label",
                 layout: str = "NCHW"):
        super().__init__(batch_size)
        if last_batch_handle not in _LAST_BATCH:
            raise MXNetValueError("NDArrayIter: last_batch_handle must be one of %s, got %r"
                                  % (_LAST_BATCH, last_batch_handle))
        if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise MXNetValueError("NDArrayIter: batch_size must be a positive integer, got %r" % (batch_size,))
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        axis = layout.find("N")
        if axis < 0:
            raise MXNetValueError("NDArrayIter: layout %r has no batch axis 'N'" % layout)
        num = self.data[0][1].shape[0]
        for k, v in self.data + self.label:
            # more examples than the data is allowed (MXNet reads the first ones), fewer is not
            if len(v.shape) <= axis or v.shape[0] < num:
                raise MXNetValueError("NDArrayIter: %s has shape %s, but the data %s has %d examples"
                                      % (k, tuple(v.shape), self.data[0][0], num))
        self.idx = np.arange(num)
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = int(batch_size)
        self.cursor = -self.batch_size
        self.num_data = self.idx.shape[0]
        self._cache_data = None
        self._cache_label = None
        self.layout = layout
        self.reset()
        self.data_list = [x[1] for x in self.data] + [x[1] for x in self.label]
        self.num_source = len(self.data_list)

    def _descs(self, source: list) -> list:
        axis = self.layout.find("N")
        return [DataDesc(k, tuple(v.shape[:axis]) + (self.batch_size,) + tuple(v.shape[axis + 1:]),
                         v.dtype, layout=self.layout) for k, v in source]

    @property
    def provide_data(self) -> list:
        """DataDescs of the data, with the batch size on the batch axis."""
        return self._descs(self.data)

    @property
    def provide_label(self) -> list:
        """DataDescs of the labels."""
        return self._descs(self.label)

    def hard_reset(self) -> None:
        """Back to the start, forgetting rolled-over examples."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def reset(self) -> None:
        """Back to the start (roll_over: the kept examples open the next batch)."""
        if self.shuffle:
            self._shuffle_data()
        if self.last_batch_handle == "roll_over" and self.num_data - self.batch_size < self.cursor < self.num_data:
            # the cursor goes negative by the number of rolled-over examples
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self) -> bool:
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self) -> DataBatch:
        if not self.iter_next():
            raise StopIteration
        data = self.getdata()
        label = self.getlabel()
        if data[0].shape[self.layout.find("N")] != self.batch_size:
            # an incomplete last batch (roll_over): kept for the next epoch
            self._cache_data = data
            self._cache_label = label
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _getdata(self, source: list, start=None, end=None) -> list:
        start = 0 if start is None else start
        if end is None:
            end = source[0][1].shape[0] if source else 0
        s = slice(start, end)
        out = []
        for _, v in source:
            if isinstance(v, NDArray):
                out.append(_slice_along_batch_axis(v, s, self.layout.find("N")))
            else:  # h5py reads need increasing indices: read sorted, then put back in order
                rows = self.idx[s]
                order = sorted(rows)
                pos = {r: i for i, r in enumerate(order)}
                out.append(nd.array(np.asarray(v[order])[[pos[r] for r in rows]]))
        return out

    def _concat(self, first: list, second: list) -> list:
        if not first or not second:
            return first if first else second
        axis = self.layout.find("N")
        return [nd.concat(a, b, dim=axis) for a, b in zip(first, second)]

    @staticmethod
    def _tile(data: list, repeats: int) -> list:
        return [nd.tile(d, reps=(repeats,) + (1,) * (len(d.shape) - 1)) for d in data]

    def _batchify(self, source: list) -> list:
        if self.cursor >= self.num_data:
            raise MXNetError("NDArrayIter: the end of the data was reached; call reset()")
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            cache = self._cache_data if self._cache_data is not None else self._cache_label
            if cache is None:
                raise MXNetError("NDArrayIter: no rolled-over examples kept for this epoch")
            second = self._getdata(source, end=self.cursor + self.batch_size)
            # data is read first, then the label: each takes its own cache
            if self._cache_data is not None:
                self._cache_data = None
            else:
                self._cache_label = None
            return self._concat(cache, second)
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            pad = self.batch_size - self.num_data + self.cursor
            first = self._getdata(source, start=self.cursor)
            if pad > self.num_data:
                second = self._tile(self._getdata(source, end=self.num_data), pad // self.num_data)
                if pad % self.num_data:
                    second = self._concat(second, self._getdata(source, end=pad % self.num_data))
            else:
                second = self._getdata(source, end=pad)
            return self._concat(first, second)
        end = min(self.cursor + self.batch_size, self.num_data)
        return self._getdata(source, self.cursor, end)

    def getdata(self) -> list:
        return self._batchify(self.data)

    def getlabel(self) -> list:
        return self._batchify(self.label)

    def getpad(self) -> int:
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0

    def _shuffle_data(self) -> None:
        np.random.shuffle(self.idx)
        self.data = _getdata_by_idx(self.data, self.idx)
        self.label = _getdata_by_idx(self.label, self.idx)


class MXDataIter(DataIter):
    """MXNet's wrapper of its C++ iterators (ImageRecordIter, MNISTIter, ...).
    gluonx has no C++ iterators: the name exists for ``isinstance`` checks and
    subclassing; constructing one raises."""

    def __init__(self, handle=None, data_name: str = "data", label_name: str = "softmax_label", **_):
        raise MXNetNotImplementedError("MXDataIter wraps MXNet's C++ data iterators, which gluonx does not have; "
                                       "use NDArrayIter, CSVIter or gluon.data.DataLoader")
