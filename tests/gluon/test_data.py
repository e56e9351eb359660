"""gluon.data against MXNet 1.9.1 behaviour (expected values observed on MXNet)."""
import numpy as np
import pytest

import gluonx as mx
from gluonx.gluon import data as gdata
from gluonx.gluon.data import (ArrayDataset, BatchSampler, DataLoader, IntervalSampler, RandomSampler,
                               SequentialSampler, SimpleDataset, default_batchify_fn)


def _rows(dl):
    return [(b[0].asnumpy().ravel().tolist(), b[1].asnumpy().tolist()) for b in dl]


def test_rollover_keeps_remainder_per_loader():
    ds = ArrayDataset(np.arange(10).reshape(10, 1).astype("float32"), mx.nd.arange(10))
    dl = DataLoader(ds, batch_size=4, last_batch="rollover")
    assert len(dl) == 2
    assert [r[1] for r in _rows(dl)] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(dl) == 3
    e2 = _rows(dl)
    assert [r[1] for r in e2] == [[8, 9, 0, 1], [2, 3, 4, 5], [6, 7, 8, 9]]
    assert e2[0][0] == [8, 9, 0, 1]
    assert [r[1] for r in _rows(dl)] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    other = DataLoader(ds, batch_size=4, last_batch="rollover")   # state is per loader
    assert [r[1] for r in _rows(other)] == [[0, 1, 2, 3], [4, 5, 6, 7]]


@pytest.mark.parametrize("last_batch,want", [("keep", [[0, 1, 2], [3, 4, 5], [6]]),
                                             ("discard", [[0, 1, 2], [3, 4, 5]]),
                                             (None, [[0, 1, 2], [3, 4, 5], [6]])])
def test_last_batch(last_batch, want):
    dl = DataLoader(SimpleDataset(list(range(7))), batch_size=3, last_batch=last_batch)
    got = [b.asnumpy().tolist() for b in dl]
    assert got == want and len(dl) == len(want)
    assert next(iter(dl)).dtype == np.int64      # numbers batch through numpy's dtype, as MXNet


def test_shuffle_uses_numpy_global_state():
    np.random.seed(3)
    dl = DataLoader(SimpleDataset(list(range(7))), batch_size=3, shuffle=True)
    assert [b.asnumpy().tolist() for b in dl] == [[4, 6, 5], [3, 1, 0], [2]]   # MXNet 1.9.1, seed 3
    np.random.seed(3)
    assert list(RandomSampler(7)) == [4, 6, 5, 3, 1, 0, 2]


def test_array_dataset():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    y = mx.nd.arange(6)
    ds = ArrayDataset(x, y, list("abcdef"))
    assert len(ds) == 6
    a, b, c = ds[2]
    assert a.tolist() == [4, 5] and b == 2.0 and isinstance(b, np.float32) and c == "c"
    single = ArrayDataset(mx.nd.array(x))
    assert single[1].asnumpy().tolist() == [2, 3]
    with pytest.raises(ValueError):
        ArrayDataset(x, np.arange(5))
    with pytest.raises(ValueError):
        ArrayDataset()


def test_default_batchify():
    b = default_batchify_fn([mx.nd.array([1, 2]), mx.nd.array([3, 4])])
    assert b.shape == (2, 2) and b.asnumpy().tolist() == [[1, 2], [3, 4]]
    f, g = default_batchify_fn([(1, 2.5), (3, 4.0)])
    assert f.dtype == np.int64 and f.asnumpy().tolist() == [1, 3]
    assert g.dtype == np.float64 and g.asnumpy().tolist() == [2.5, 4.0]
    n = default_batchify_fn([np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)])
    assert n.shape == (2, 2, 3) and n.dtype == np.float32
    nested = default_batchify_fn([(mx.nd.ones((2,)), 1), (mx.nd.zeros((2,)), 0)])
    assert nested[0].shape == (2, 2) and nested[1].asnumpy().tolist() == [1, 0]


def test_dataset_helpers():
    d = SimpleDataset(list(range(10)))
    assert list(d.shard(3, 0)) == [0, 1, 2, 3] and list(d.shard(3, 2)) == [7, 8, 9]
    assert list(d.take(3)) == [0, 1, 2] and len(d.take(None)) == 10
    assert list(d.filter(lambda v: v % 3 == 0)) == [0, 3, 6, 9]
    assert list(d.sample(SequentialSampler(3, start=2))) == [2, 3, 4]
    t = SimpleDataset([(1, 2), (3, 4)])
    assert list(t.transform_first(lambda v: v * 10)) == [(10, 2), (30, 4)]
    assert list(t.transform(lambda a, b: a + b)) == [3, 7]
    eager = d.transform(lambda v: v * 2, lazy=False)
    assert isinstance(eager, SimpleDataset) and eager[4] == 8
    with pytest.raises(ValueError):
        d.shard(3, 3)


def test_samplers():
    assert list(IntervalSampler(7, 3)) == [0, 3, 6, 1, 4, 2, 5]
    assert list(IntervalSampler(7, 3, rollover=False)) == [0, 3, 6]
    bs = BatchSampler(SequentialSampler(10), 3, "rollover")
    assert len(bs) == 3
    assert list(bs) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert list(bs) == [[9, 0, 1], [2, 3, 4], [5, 6, 7]]
    with pytest.raises(ValueError):
        BatchSampler(SequentialSampler(3), 2, "bogus")


def test_dataloader_options():
    ds = SimpleDataset(list(range(5)))
    dl = DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(5), 2), num_workers=2,
                    batchify_fn=lambda samples: sum(samples))
    assert list(dl) == [1, 5, 4] and len(dl) == 3
    with pytest.raises(ValueError):
        DataLoader(ds, batch_size=2, batch_sampler=BatchSampler(SequentialSampler(5), 2))
    with pytest.raises(ValueError):
        DataLoader(ds)
    with pytest.raises(ValueError):
        DataLoader(ds, batch_size=2, shuffle=True, sampler=SequentialSampler(5))
    assert gdata.DataLoader is DataLoader
    dl = DataLoader(ds, batch_size=2, sampler=SequentialSampler(4, start=1), thread_pool=True, pin_memory=True)
    assert [b.asnumpy().tolist() for b in dl] == [[1, 2], [3, 4]]
