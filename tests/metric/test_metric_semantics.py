"""mx.metric behaviours checked against NumPy (where MXNet 1.9.1 has no value to compare, or
where gluonx deliberately does better: micro PearsonCorrelation's local/global split, top_k
above the class count, Perplexity over (batch, time, classes), configurations that rebuild
the same metric)."""
import copy
import json
import math

import numpy as np
import pytest

import gluonx as mx

nd = mx.nd
RNG = np.random.RandomState(3)


def _binary(n):
    lab = RNG.randint(0, 2, n)
    return lab, RNG.rand(n, 2).astype(np.float32)


def _f1(lab, scores):
    pred = scores.argmax(1)
    tp = np.sum((pred == 1) & (lab == 1))
    fp = np.sum((pred == 1) & (lab != 1))
    fn = np.sum((pred != 1) & (lab == 1))
    p = tp / (tp + fp) if tp + fp else 0.
    r = tp / (tp + fn) if tp + fn else 0.
    return 2 * p * r / (p + r) if p + r else 0.


def test_f1_micro_local_and_global():
    m = mx.metric.F1(average="micro")
    batches = [_binary(7) for _ in range(4)]
    for lab, s in batches[:2]:
        m.update([nd.array(lab)], [nd.array(s)])
    m.reset_local()
    for lab, s in batches[2:]:
        m.update([nd.array(lab)], [nd.array(s)])
    all_l = np.concatenate([b[0] for b in batches])
    all_s = np.concatenate([b[1] for b in batches])
    late_l = np.concatenate([b[0] for b in batches[2:]])
    late_s = np.concatenate([b[1] for b in batches[2:]])
    assert m.get()[1] == pytest.approx(_f1(late_l, late_s))
    assert m.get_global()[1] == pytest.approx(_f1(all_l, all_s))
    assert m.num_inst == 14 and m.global_num_inst == 28


def test_pearsonr_micro_local_and_global():
    m = mx.metric.PearsonCorrelation(average="micro")
    xs = [(RNG.randn(5, 2), RNG.randn(5, 2)) for _ in range(4)]
    for lab, pred in xs[:2]:
        m.update([nd.array(lab)], [nd.array(pred)])
    m.reset_local()
    for lab, pred in xs[2:]:
        m.update([nd.array(lab)], [nd.array(pred)])

    def corr(pairs):
        lab = np.concatenate([np.float32(a).ravel() for a, _ in pairs])
        pred = np.concatenate([np.float32(b).ravel() for _, b in pairs])
        return np.corrcoef(pred, lab)[0, 1]
    assert m.get()[1] == pytest.approx(corr(xs[2:]), rel=1e-6)
    assert m.get_global()[1] == pytest.approx(corr(xs), rel=1e-6)
    m.reset()
    assert math.isnan(m.get()[1]) and math.isnan(m.get_global()[1])


def test_pcc_matches_mcc_and_numpy_multiclass():
    lab = RNG.randint(0, 2, 30)
    scores = RNG.rand(30, 2)
    pcc, mcc = mx.metric.PCC(), mx.metric.MCC()
    for m in (pcc, mcc):
        m.update([nd.array(lab)], [nd.array(scores)])
    assert pcc.get()[1] == pytest.approx(mcc.get()[1])
    # multiclass: the correlation of one-hot predictions and labels, as K-category MCC
    lab = RNG.randint(0, 4, 50)
    pred = RNG.randint(0, 4, 50)
    m = mx.metric.PCC()
    m.update([nd.array(lab)], [nd.array(pred)])
    c = np.zeros((4, 4))
    np.add.at(c, (pred, lab), 1)
    n, t, p = c.sum(), c.sum(0), c.sum(1)
    ref = (np.trace(c) * n - t @ p) / math.sqrt((n * n - p @ p) * (n * n - t @ t))
    assert m.get()[1] == pytest.approx(ref)


def test_topk_with_k_at_least_the_classes():
    m = mx.metric.TopKAccuracy(top_k=5)
    m.update([nd.array([0, 2, 1])], [nd.array(RNG.rand(3, 3))])
    assert m.get() == ("top_k_accuracy_5", 1.0)


def test_topk_against_numpy():
    scores = RNG.rand(40, 7).astype(np.float32)
    lab = RNG.randint(0, 7, 40)
    m = mx.metric.TopKAccuracy(top_k=3)
    m.update([nd.array(lab)], [nd.array(scores)])
    top = np.argsort(-scores, axis=1)[:, :3]
    assert m.get()[1] == pytest.approx(np.mean((top == lab[:, None]).any(1)))


def test_perplexity_sequences_and_ignore():
    probs = RNG.rand(2, 3, 4).astype(np.float32)
    probs /= probs.sum(-1, keepdims=True)
    lab = np.array([[0, 3, 1], [2, -1, -1]], dtype=np.float32)
    m = mx.metric.Perplexity(ignore_label=-1)
    m.update([nd.array(lab)], [nd.array(probs)])
    keep = lab >= 0
    picked = np.take_along_axis(probs, np.clip(lab, 0, 3).astype(int)[..., None], -1)[..., 0]
    assert m.get()[1] == pytest.approx(math.exp(-np.log(picked[keep]).mean()), rel=1e-6)
    assert m.num_inst == 4


def test_global_stats_survive_reset_local_for_every_metric():
    """MXNet's own check: updating with reset_local in between leaves get_global() equal to
    the value of a copy that never reset."""
    for name, kwargs, same_shape in [("acc", {}, False), ("top_k_acc", {"top_k": 2}, False),
                                     ("f1", {}, False), ("f1", {"average": "micro"}, False),
                                     ("mcc", {"average": "micro"}, False), ("pcc", {}, False),
                                     ("perplexity", {"ignore_label": -1}, False),
                                     ("ce", {}, False), ("nll_loss", {}, False),
                                     ("loss", {}, False), ("mse", {}, True), ("mae", {}, True),
                                     ("rmse", {}, True), ("pearsonr", {}, True),
                                     ("pearsonr", {"average": "micro"}, True)]:
        m1 = mx.metric.create(name, **kwargs)
        m2 = copy.deepcopy(m1)
        for _ in range(5):
            if same_shape:
                lab, pred = nd.array(RNG.rand(6, 2)), nd.array(RNG.rand(6, 2))
            else:
                lab = nd.array(np.r_[np.zeros(3), np.ones(3)])
                pred = nd.array(RNG.rand(6, 2))
            m1.update([lab], [pred])
            m1.reset_local()
            m2.update([lab], [pred])
        assert m1.get_global()[1] == pytest.approx(m2.get()[1], rel=1e-12), name
        assert math.isnan(m1.get()[1]), name


def test_user_subclass_without_global_stats():
    class Count(mx.metric.EvalMetric):
        def __init__(self):
            super().__init__("count")

        def update(self, labels, preds):
            self.sum_metric += len(preds)
            self.num_inst += 1

    m = Count()
    m.update([1], [1, 2])
    assert m.get() == m.get_global() == ("count", 2.0)
    assert m.get_global_name_value() == [("count", 2.0)]


def test_create_forms():
    assert isinstance(mx.metric.create(mx.metric.F1), mx.metric.F1)
    comp = mx.metric.create(["ce", "nll_loss"], eps=1e-3)      # kwargs reach every child
    assert [m.eps for m in comp.metrics] == [1e-3, 1e-3]
    m = mx.metric.create('{"metric": "f1", "average": "micro"}')
    assert isinstance(m, mx.metric.F1) and m.average == "micro"
    m = mx.metric.create({"metric": "Perplexity", "ignore_label": None, "axis": 0})
    assert m.axis == 0 and m.ignore_label is None
    m = mx.metric.create(lambda l, p: 1.0, name="one")
    assert isinstance(m, mx.metric.CustomMetric) and m.name == "one"
    comp = mx.metric.create([mx.metric.Accuracy(), "f1", lambda l, p: 0.])
    assert [type(x).__name__ for x in comp.metrics] == ["Accuracy", "F1", "CustomMetric"]


def test_register_and_alias_a_new_metric():
    @mx.metric.register
    @mx.metric.alias("always_one_metric")
    class AlwaysOne(mx.metric.EvalMetric):
        def __init__(self, name="one"):
            super().__init__(name, has_global_stats=True)

        def update(self, labels, preds):
            self._add(1.0, 1)

    for name in ("alwaysone", "ALWAYS_ONE_METRIC"):
        m = mx.metric.create(name)
        m.update([], [])
        assert m.get() == ("one", 1.0)


def test_composite_config_round_trip_and_str():
    comp = mx.metric.CompositeEvalMetric(["acc", mx.metric.F1(average="micro"),
                                          mx.metric.TopKAccuracy(top_k=3)])
    config = comp.get_config()
    again = mx.metric.create(json.dumps(config))
    assert again.get_config() == config
    assert again.metrics[1].average == "micro" and again.metrics[2].name == "top_k_accuracy_3"
    assert str(again) == "EvalMetric: {'accuracy': nan, 'f1': nan, 'top_k_accuracy_3': nan}"


def test_numpy_and_ndarray_inputs_agree():
    lab = RNG.randint(0, 3, 9).astype(np.float32)
    scores = RNG.rand(9, 3).astype(np.float32)
    for name, kwargs in [("acc", {}), ("top_k_acc", {"top_k": 2}), ("ce", {}), ("pcc", {}),
                         ("perplexity", {"ignore_label": None}), ("loss", {})]:
        a, b = mx.metric.create(name, **kwargs), mx.metric.create(name, **kwargs)
        a.update([nd.array(lab)], [nd.array(scores)])
        b.update(lab, scores)                      # single NumPy arrays are wrapped too
        assert a.get() == b.get(), name


def test_values_are_python_numbers_summed_in_float64():
    m = mx.metric.MSE()
    for _ in range(3):
        m.update([nd.array([0.1, 0.2])], [nd.array([0.3, 0.5])])
    assert type(m.sum_metric) is float
    m = mx.metric.CustomMetric(lambda l, p: np.float32(0.1))
    for _ in range(10):
        m.update([nd.ones(1)], [nd.ones(1)])
    assert m.sum_metric == pytest.approx(10 * float(np.float32(0.1)), rel=1e-15)


def test_binary_counts_under_mxnet_names():
    f1 = mx.metric.F1(average="micro")
    f1.update([nd.array([1, 0, 1, 0])], [nd.array([[0, 1], [0, 1], [1, 0], [1, 0]])])
    f1.reset_local()
    f1.update([nd.array([1])], [nd.array([[0, 1]])])
    s = f1.metrics
    assert (s.true_positives, s.false_positives, s.false_negatives, s.true_negatives) == (1, 0, 0, 0)
    assert (s.global_true_positives, s.global_false_positives, s.global_false_negatives,
            s.global_true_negatives) == (2, 1, 1, 1)
    assert s.total_examples == 1 and s.global_total_examples == 5
    assert s.global_precision == pytest.approx(2 / 3) and s.global_recall == pytest.approx(2 / 3)
    assert isinstance(s, mx.metric._BinaryClassificationMetrics)
