"""mx.io against MXNet 1.9.1: NDArrayIter's batches, pads and descriptions
(io_mxnet.json, made by gen_io_mxnet.py), ResizeIter, PrefetchingIter,
DataBatch/DataDesc, and errors."""
import json
import os
import sys

import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from io_cases import make  # noqa: E402

with open(os.path.join(HERE, "io_mxnet.json")) as f:
    REF = json.load(f)


def _ids(cases):
    return ["%d-%s-bs%d" % (i, c["case"]["last_batch_handle"], c["case"]["batch_size"]) for i, c in enumerate(cases)]


@pytest.mark.parametrize("ref", REF["ndarray_iter"], ids=_ids(REF["ndarray_iter"]))
def test_ndarray_iter_matches_mxnet(ref):
    case = ref["case"]
    if case.get("seed") is not None:
        np.random.seed(case["seed"])
    data, label = make(case)
    kw = {k: case[k] for k in ("data_name", "label_name", "layout") if k in case}
    it = mx.io.NDArrayIter(data, label, batch_size=case["batch_size"], shuffle=case.get("shuffle", False),
                           last_batch_handle=case["last_batch_handle"], **kw)
    desc = [[d.name, list(d.shape), np.dtype(d.dtype).name, d.layout] for d in it.provide_data]
    assert desc == ref["provide_data"]
    desc = [[d.name, list(d.shape), np.dtype(d.dtype).name, d.layout] for d in it.provide_label]
    assert desc == ref["provide_label"]
    for want in ref["epochs"]:
        if want == "error":
            with pytest.raises(MXNetError):
                list(it)
            return
        got = list(it)
        assert len(got) == len(want)
        for b, w in zip(got, want):
            assert b.pad == w["pad"]
            assert len(b.data) == len(w["data"]) and len(b.label) == len(w["label"])
            for a, v in zip(b.data + b.label, w["data"] + w["label"]):
                assert a.dtype == np.float32
                np.testing.assert_array_equal(a.asnumpy(), np.array(v, dtype=np.float32))
        it.reset()


def test_resize_iter_matches_mxnet():
    r = mx.io.ResizeIter(mx.io.NDArrayIter(np.arange(10), batch_size=3), 5)
    assert [[b.data[0].asnumpy().tolist(), b.pad] for b in r] == REF["resize"]
    r.reset()
    assert len(list(r)) == 5


def test_databatch_str():
    b = mx.io.DataBatch(data=[mx.nd.ones((2, 3)), mx.nd.ones((7, 8))], label=[mx.nd.ones((4, 5))])
    assert str(b) == REF["databatch_str"]
    assert str(mx.io.DataBatch(data=[mx.nd.ones((2, 3))])) == "DataBatch: data shapes: [(2, 3)] label shapes: None"


def test_datadesc():
    d = mx.io.DataDesc("data", (3, 8, 7), np.float16, layout="TNC")
    assert d == ("data", (3, 8, 7)) and d.dtype == np.float16 and d.layout == "TNC"
    assert repr(d) == "DataDesc[data,(3, 8, 7),<class 'numpy.float16'>,TNC]"
    assert mx.io.DataDesc.get_batch_axis("TNC") == 1
    assert mx.io.DataDesc.get_batch_axis(None) == 0
    assert mx.io.DataDesc.get_batch_axis("CHW") == -1
    lst = mx.io.DataDesc.get_list([("a", (2,)), ("b", (3,))], [("a", np.int32), ("b", np.float64)])
    assert [(x.name, x.shape, x.dtype) for x in lst] == [("a", (2,), np.int32), ("b", (3,), np.float64)]
    assert mx.io.DataDesc.get_list([("a", (2,))], None)[0].dtype == np.float32


def test_shuffle_follows_idx():
    data = np.arange(20).reshape(10, 2)
    np.random.seed(0)
    it = mx.io.NDArrayIter(data, np.arange(10), batch_size=1, shuffle=True)
    idx = it.idx.copy()
    rows = [b.data[0].asnumpy()[0] for b in it]
    np.testing.assert_array_equal(np.array(rows), data[idx].astype(np.float32))


def test_ndarray_iter_keeps_ndarray_dtype_until_shuffle():
    it = mx.io.NDArrayIter(mx.nd.array(np.arange(6), dtype="int32"), batch_size=3)
    assert it.next().data[0].dtype == np.int32
    # a shuffle copies through mx.nd.array, which makes float32 as in MXNet
    np.random.seed(1)
    it = mx.io.NDArrayIter(mx.nd.array(np.arange(6), dtype="int32"), batch_size=3, shuffle=True)
    assert it.next().data[0].dtype == np.float32


def test_ndarray_iter_errors():
    with pytest.raises(ValueError, match="last_batch_handle"):
        mx.io.NDArrayIter(np.ones((4, 2)), batch_size=2, last_batch_handle="wrap")
    with pytest.raises(ValueError, match="batch_size"):
        mx.io.NDArrayIter(np.ones((4, 2)), batch_size=0)
    with pytest.raises(ValueError, match="data must be given"):
        mx.io.NDArrayIter(None, batch_size=2)
    with pytest.raises(TypeError, match="NDArrayIter"):
        mx.io.NDArrayIter(np.ones((4, 2)), label={"l": object()}, batch_size=2)
    with pytest.raises(ValueError, match=r"softmax_label has shape \(3,\), but the data data has 4 examples"):
        mx.io.NDArrayIter(np.ones((4, 2)), np.ones(3), batch_size=2)
    it = mx.io.NDArrayIter(np.ones((4, 2)), batch_size=2)
    list(it)
    with pytest.raises(StopIteration):
        it.next()
    with pytest.raises(MXNetError, match="reset"):
        it.getdata()


def test_prefetching_iter():
    a = mx.io.NDArrayIter({"data": np.arange(10).reshape(5, 2)}, np.arange(5), batch_size=2)
    b = mx.io.NDArrayIter({"data": np.arange(10, 20).reshape(5, 2)}, np.arange(5), batch_size=2)
    it = mx.io.PrefetchingIter([a, b], rename_data=[{"data": "d1"}, {"data": "d2"}])
    assert [d.name for d in it.provide_data] == ["d1", "d2"]
    assert it.batch_size == 2
    for epoch in range(2):
        got = [(x.data[0].asnumpy().tolist(), x.data[1].asnumpy().tolist(), x.pad) for x in it]
        assert got == [([[0, 1], [2, 3]], [[10, 11], [12, 13]], 0),
                       ([[4, 5], [6, 7]], [[14, 15], [16, 17]], 0),
                       ([[8, 9], [0, 1]], [[18, 19], [10, 11]], 1)]
        it.reset()
    it.close()
    single = mx.io.PrefetchingIter(mx.io.NDArrayIter(np.ones((4, 1)), batch_size=2))
    assert len(list(single)) == 2
    single.close()


def test_prefetching_iter_mismatch():
    a = mx.io.NDArrayIter(np.ones((4, 1)), batch_size=2)
    b = mx.io.NDArrayIter(np.ones((6, 1)), batch_size=2)
    it = mx.io.PrefetchingIter([a, b])
    with pytest.raises(ValueError, match="different numbers"):
        list(it)
    it.close()


def test_base_data_iter_protocol():
    class Three(mx.io.DataIter):
        def __init__(self):
            super().__init__(batch_size=1)
            self.i = 0

        def reset(self):
            self.i = 0

        def iter_next(self):
            self.i += 1
            return self.i <= 3

        def getdata(self):
            return [mx.nd.array([self.i])]

        def getlabel(self):
            return []

        def getpad(self):
            return 0

    it = Three()
    assert [b.data[0].asnumpy()[0] for b in it] == [1, 2, 3]
    it.reset()
    assert it.next().index is None


def test_mxdataiter_refuses():
    with pytest.raises(NotImplementedError, match="C\\+\\+ data iterators"):
        mx.io.MXDataIter(None)


@pytest.mark.parametrize("round_batch", [True, False])
def test_csv_iter_matches_mxnet(tmp_path, round_batch):
    np.savetxt(str(tmp_path / "d.csv"), np.arange(20).reshape(10, 2), delimiter=",", fmt="%d")
    np.savetxt(str(tmp_path / "l.csv"), np.arange(10), delimiter=",", fmt="%d")
    it = mx.io.CSVIter(data_csv=str(tmp_path / "d.csv"), data_shape=(2,), label_csv=str(tmp_path / "l.csv"),
                       batch_size=4, round_batch=round_batch)
    assert [(d.name, d.shape) for d in it.provide_data + it.provide_label] == [("data", (4, 2)),
                                                                              ("softmax_label", (4,))]
    for want in REF["csv"][str(round_batch)]:
        got = [[b.data[0].asnumpy().tolist(), b.label[0].asnumpy().tolist(), b.pad] for b in it]
        assert got == want
        it.reset()


def test_csv_iter_dtypes_shapes_and_errors(tmp_path):
    path = str(tmp_path / "d.csv")
    with open(path, "w") as f:
        f.write("\n".join(",".join(["200000001"] * 4) for _ in range(3)) + "\n")
    it = mx.io.CSVIter(data_csv=path, data_shape=(2, 2), batch_size=3, dtype="int32")
    b = it.next()
    assert b.data[0].dtype == np.int32 and b.data[0].shape == (3, 2, 2)
    assert (b.data[0].asnumpy() == 200000001).all()
    assert (it.getlabel().asnumpy() == 0).all() and it.getlabel().shape == (3,)
    with pytest.raises(ValueError, match="4 values per line; data_shape \\(3,\\) needs 3"):
        mx.io.CSVIter(data_csv=path, data_shape=(3,), batch_size=2)
    with pytest.raises(FileNotFoundError):
        mx.io.CSVIter(data_csv=str(tmp_path / "none.csv"), data_shape=(3,), batch_size=2)
