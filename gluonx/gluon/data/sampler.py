"""Samplers: iterables of dataset indices (MXNet 1.x semantics; shuffling uses NumPy's global random state)."""
from __future__ import annotations

import numpy as np

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "BatchSampler", "FilterSampler",
           "IntervalSampler"]


class Sampler:
    """Base class: iterates over indices of a dataset."""

    def __iter__(self):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """0, 1, ..., length-1 (starting at `start`)."""

    def __init__(self, length, start=0):
        self._length, self._start = int(length), int(start)

    def __iter__(self):
        return iter(range(self._start, self._start + self._length))

    def __len__(self):
        return self._length


class RandomSampler(Sampler):
    """A random permutation of range(length) each epoch (np.random.shuffle)."""

    def __init__(self, length):
        self._length = int(length)

    def __iter__(self):
        indices = np.arange(self._length)
        np.random.shuffle(indices)
        return iter(indices.tolist())

    def __len__(self):
        return self._length


class FilterSampler(Sampler):
    """Indices i of `dataset` for which fn(dataset[i]) is true."""

    def __init__(self, fn, dataset):
        self._indices = [i for i, s in enumerate(dataset) if fn(s)]

    def __iter__(self):
        return iter(self._indices)

    def __len__(self):
        return len(self._indices)


class IntervalSampler(Sampler):
    """0, k, 2k, ..., then 1, 1+k, ... (rollover=True) over range(length)."""

    def __init__(self, length, interval, rollover=True):
        if interval > length:
            raise ValueError("Interval %d is larger than length %d" % (interval, length))
        self._length, self._interval, self._rollover = length, interval, rollover

    def __iter__(self):
        for i in range(self._interval if self._rollover else 1):
            yield from range(i, self._length, self._interval)

    def __len__(self):
        return self._length if self._rollover else len(range(0, self._length, self._interval))


class BatchSampler(Sampler):
    """Groups a sampler's indices into lists of `batch_size`.

    last_batch: 'keep' (a smaller last batch), 'discard' (drop it) or 'rollover' (keep the
    remainder and put it in front of the next epoch's first batch, as MXNet does).
    """

    def __init__(self, sampler, batch_size, last_batch="keep"):
        if last_batch not in ("keep", "discard", "rollover"):
            raise ValueError("last_batch must be one of 'keep', 'discard', or 'rollover', but got %s"
                             % last_batch)
        if int(batch_size) <= 0:
            raise ValueError("batch_size must be positive, got %r" % (batch_size,))
        self._sampler, self._batch_size, self._last_batch = sampler, int(batch_size), last_batch
        self._prev = []

    def __iter__(self):
        batch, self._prev = self._prev, []
        for i in self._sampler:
            batch.append(i)
            if len(batch) == self._batch_size:
                yield batch
                batch = []
        if batch:
            if self._last_batch == "keep":
                yield batch
            elif self._last_batch == "rollover":
                self._prev = batch

    def __len__(self):
        n = len(self._sampler)
        if self._last_batch == "keep":
            return (n + self._batch_size - 1) // self._batch_size
        if self._last_batch == "discard":
            return n // self._batch_size
        return (len(self._prev) + n) // self._batch_size
