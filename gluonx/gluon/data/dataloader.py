"""DataLoader: batches of a Dataset (MXNet 1.x semantics).

Workers: gluonx loads batches in the calling process.  ``num_workers > 0`` is accepted (for scripts
written for MXNet) and runs in the main process: results are identical, only without parallelism.
"""
from __future__ import annotations

import numpy as np

from gluonx import ndarray as nd
from gluonx._core.ndarray import NDArray
from gluonx.context import cpu_pinned
from gluonx.gluon.data import sampler as _sampler

__all__ = ["DataLoader", "default_batchify_fn"]


def default_batchify_fn(data):
    """Stacks a list of samples: NDArrays with nd.stack, tuples field by field, anything else
    (numbers, numpy arrays) through numpy into an NDArray of the same dtype."""
    if isinstance(data[0], NDArray):
        return nd.stack(*data)
    if isinstance(data[0], tuple):
        return [default_batchify_fn(list(i)) for i in zip(*data)]
    arr = np.asarray(data)
    return nd.array(arr, dtype=arr.dtype)


def _pin(data, ctx):
    """The batch's NDArrays (in nested lists and tuples) moved to pinned memory `ctx`."""
    if isinstance(data, NDArray):
        return data.as_in_context(ctx)
    if isinstance(data, (list, tuple)):
        return type(data)(_pin(d, ctx) for d in data)
    return data


class DataLoader:
    """Loads batches from `dataset`.

    Either batch_size (with shuffle / sampler / last_batch) or batch_sampler.  last_batch:
    'keep' (default), 'discard' or 'rollover'.  batchify_fn merges a list of samples into a batch.
    ``pin_memory=True`` gives batches on ``cpu_pinned(pin_device_id)``, as MXNet does (host
    memory either way on the CPU: they mix with ``cpu`` arrays freely).  num_workers, prefetch,
    thread_pool, timeout and auto_reload are accepted for compatibility; loading happens in the
    calling process.

    >>> loader = DataLoader(ArrayDataset(np.arange(4.0)), batch_size=2, pin_memory=True)
    >>> next(iter(loader)).context
    cpu_pinned(0)
    """

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None,
                 batch_sampler=None, batchify_fn=None, num_workers=0, pin_memory=False,
                 pin_device_id=0, prefetch=None, thread_pool=False, timeout=120, auto_reload=False):
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._timeout = timeout
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is specified")
            if sampler is None:
                sampler = _sampler.RandomSampler(len(dataset)) if shuffle else \
                    _sampler.SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = _sampler.BatchSampler(sampler, batch_size, last_batch if last_batch else "keep")
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be specified if "
                             "batch_sampler is specified.")
        if int(num_workers) < 0:
            raise ValueError("num_workers must be non-negative, got %r" % (num_workers,))
        self._batch_sampler = batch_sampler
        self._num_workers = int(num_workers)  # accepted; batches load in this process
        self._batchify_fn = batchify_fn if batchify_fn is not None else default_batchify_fn

    def __iter__(self):
        for batch in self._batch_sampler:
            out = self._batchify_fn([self._dataset[idx] for idx in batch])
            yield _pin(out, cpu_pinned(self._pin_device_id)) if self._pin_memory else out

    def __len__(self):
        return len(self._batch_sampler)
