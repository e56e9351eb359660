"""mx.metric against values observed on MXNet 1.9.1 (same inputs) and NumPy."""
import math

import numpy as np
import pytest

import gluonx as mx

_rng = np.random.RandomState(0)
P1 = _rng.rand(5, 4).astype(np.float32)
P2 = _rng.rand(3, 4).astype(np.float32)
L1, L2 = [0, 1, 3, 2, 1], [2, 2, 0]


def _feed(m):
    m.update([mx.nd.array(L1)], [mx.nd.array(P1)])
    m.update(mx.nd.array(L2), mx.nd.array(P2))     # single NDArrays are wrapped
    return m


@pytest.mark.parametrize("metric,name,value,num", [
    (lambda: mx.metric.TopKAccuracy(top_k=2), "top_k_accuracy_2", 0.375, 8),
    (lambda: mx.metric.create("top_k_accuracy", top_k=3), "top_k_accuracy_3", 0.75, 8),
    (lambda: mx.metric.CrossEntropy(), "cross-entropy", 0.983495831489563, 8),
    (lambda: mx.metric.create("nll_loss"), "nll-loss", 0.983495831489563, 8),
    (lambda: mx.metric.MSE(), "mse", 1.62202650308609, 2),
    (lambda: mx.metric.create("mae"), "mae", 1.0760257840156555, 2),
    (lambda: mx.metric.RMSE(), "rmse", 1.2717991471290588, 2),
    (lambda: mx.metric.Accuracy(), "accuracy", 0.0, 8),
])
def test_against_mxnet(metric, name, value, num):
    m = _feed(metric())
    got_name, got = m.get()
    assert got_name == name and m.num_inst == num
    assert got == pytest.approx(value, rel=1e-6)
    assert m.get_global() == m.get()
    assert m.get_name_value() == [(name, got)]


def test_accuracy_values():
    m = mx.metric.create("acc")
    pred = mx.nd.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    m.update([mx.nd.array([1, 0, 0])], [pred])
    assert m.get() == ("accuracy", pytest.approx(2 / 3)) and m.sum_metric == 2 and m.num_inst == 3
    m.update([mx.nd.array([1, 1])], [mx.nd.array([1, 0])])       # same shape: compared directly
    assert m.get()[1] == pytest.approx(3 / 5)
    a0 = mx.metric.Accuracy(axis=0)
    a0.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [0, 1]]).T * 0 + mx.nd.array([[0.9, 0.1], [0.2, 0.8]])])
    assert a0.get()[1] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        m.update([mx.nd.array([1])], [pred, pred])


def test_local_and_global_stats():
    a = mx.metric.Accuracy()
    a.update([mx.nd.array([1, 0])], [mx.nd.array([[0, 1], [1, 0]])])
    a.reset_local()
    a.update([mx.nd.array([1, 1])], [mx.nd.array([[0, 1], [1, 0]])])
    assert a.get()[1] == 0.5 and a.get_global()[1] == 0.75
    assert a.get_global_name_value() == [("accuracy", 0.75)]
    a.reset()
    assert math.isnan(a.get()[1]) and math.isnan(a.get_global()[1])
    assert str(mx.metric.Accuracy()) == "EvalMetric: {'accuracy': nan}"


def test_loss_composite_custom():
    m = mx.metric.Loss()
    m.update(None, [mx.nd.array([1, 2, 3]), mx.nd.array([[4.]])])
    assert m.get() == ("loss", 2.5)
    c = mx.metric.create(["acc", "ce"])
    c.update([mx.nd.array(L1)], [mx.nd.array(P1)])
    names, values = c.get()
    assert names == ["accuracy", "cross-entropy"]
    assert values == [0.0, pytest.approx(0.9003654479980469, rel=1e-6)]
    assert c.get_metric(1).name == "cross-entropy"
    with pytest.raises(ValueError):
        c.get_metric(5)
    n = mx.metric.np(lambda l, p: float((l == p.argmax(1)).mean()))
    n.update([mx.nd.array([1, 0])], [mx.nd.array([[0, 1], [0, 1]])])
    assert n.get() == ("custom(<lambda>)", 0.5)

    def myf(label, pred):
        return (3.0, 2)
    m = mx.metric.create(myf)
    m.update([mx.nd.array(L1), mx.nd.array(L2)], [mx.nd.array(P1), mx.nd.array(P2)])
    assert m.get() == ("myf", 1.5)
    m = mx.metric.MSE()
    m.update([mx.nd.array([1, 2, 3])], [mx.nd.array([[1.5], [2], [2]])])
    assert m.get()[1] == pytest.approx(0.4166666567325592)
    assert mx.metric.create(m) is m
    with pytest.raises(ValueError):
        mx.metric.create("no_such_metric")
    with pytest.raises(ValueError):
        mx.metric.TopKAccuracy(top_k=1)


def test_update_dict_and_config():
    m = mx.metric.Accuracy(output_names=["out"], label_names=["lab"])
    m.update_dict({"lab": mx.nd.array([1])}, {"out": mx.nd.array([[0, 1]]), "other": mx.nd.zeros((1, 2))})
    assert m.get()[1] == 1.0
    cfg = m.get_config()
    assert cfg["metric"] == "Accuracy" and cfg["axis"] == 1 and cfg["output_names"] == ["out"]
