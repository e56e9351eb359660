"""Bad input to mx.metric: each error is both an MXNetError and the built-in exception a user
catches (MXNet raised ValueError from check_label_shapes), and names the metric, the shapes
and what was expected."""
import warnings

import numpy as np
import pytest

import gluonx as mx
from gluonx.base import (MXNetError, MXNetIndexError, MXNetKeyError, MXNetNotImplementedError,
                         MXNetTypeError, MXNetValueError)

nd = mx.nd


def _raises(exc, *words):
    """pytest.raises for exc (also an MXNetError) whose message holds every word."""
    class _Ctx:
        def __enter__(self):
            self.ctx = pytest.raises(exc)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *a):
            handled = self.ctx.__exit__(*a)
            assert isinstance(self.info.value, MXNetError)
            for w in words:
                assert w in str(self.info.value), (w, str(self.info.value))
            return handled
    return _Ctx()


def test_error_classes_are_builtin_too():
    assert issubclass(MXNetValueError, ValueError) and issubclass(MXNetIndexError, IndexError)


@pytest.mark.parametrize("name", ["acc", "top_k_acc", "f1", "mcc", "pcc", "mae", "mse", "rmse",
                                  "ce", "nll_loss", "pearsonr"])
def test_list_length_mismatch(name):
    kwargs = {"top_k": 2} if name == "top_k_acc" else {}
    m = mx.metric.create(name, **kwargs)
    cls = type(m).__name__
    with _raises(ValueError, cls, "Shape of labels 2 does not match shape of predictions 1",
                 "list of 2 arrays", "(3,)", "(3, 2)"):
        m.update([nd.array([0, 1, 1]), nd.array([0, 1, 0])], [nd.array(np.ones((3, 2)))])


def test_single_array_first_dimension_mismatch():
    with _raises(ValueError, "Accuracy", "labels 4", "predictions 3", "array of shape (4,)"):
        mx.metric.Accuracy().update(nd.array([0, 1, 1, 0]), nd.ones((3, 2)))
    with _raises(ValueError, "MSE", "array of shape (2, 4)"):
        mx.metric.MSE().update(nd.ones((2, 4)), nd.ones((1, 4)))


def test_accuracy_errors():
    with _raises(ValueError, "Accuracy", "4 labels", "3 predicted classes", "(3, 2)", "axis 1"):
        mx.metric.Accuracy().update([nd.array([0, 1, 1, 0])], [nd.ones((3, 2))])
    with _raises(ValueError, "Accuracy", "no axis 1", "(3,)", "(4,)"):
        mx.metric.Accuracy().update([nd.array([0, 1, 1, 0])], [nd.ones((3,))])
    with _raises(ValueError, "Accuracy", "no axis 2"):
        mx.metric.Accuracy(axis=2).update([nd.array([0, 1])], [nd.ones((2, 3))])


def test_topk_errors():
    with _raises(ValueError, "TopKAccuracy", "top_k must be at least 2"):
        mx.metric.TopKAccuracy(top_k=1)
    m = mx.metric.TopKAccuracy(top_k=2)
    with _raises(ValueError, "TopKAccuracy", "(2, 3, 4)"):
        m.update([nd.array([0, 1])], [nd.ones((2, 3, 4))])
    with _raises(ValueError, "TopKAccuracy", "(2, 2)", "(2, 5)", "one label per row"):
        m.update([nd.ones((2, 2))], [nd.ones((2, 5))])


@pytest.mark.parametrize("cls", [mx.metric.F1, mx.metric.MCC])
def test_binary_errors(cls):
    name = cls.__name__
    with _raises(ValueError, name, "binary classification", "3 distinct values"):
        cls().update([nd.array([0, 1, 2])], [nd.ones((3, 3))])
    with _raises(ValueError, name, "(N, 2)", "(3,)"):
        cls().update([nd.array([0, 1, 1])], [nd.ones((3,))])
    with _raises(ValueError, name, "(4,)", "(3, 2)", "one label per row"):
        cls().update([nd.array([0, 1, 1, 0])], [nd.ones((3, 2))])
    with _raises(ValueError, name, "average", "'weighted'"):
        cls(average="weighted")


def test_pcc_errors():
    with _raises(ValueError, "PCC", "non-negative", "-1"):
        mx.metric.PCC().update([nd.array([0, -1, 1])], [nd.array([0, 1, 1])])
    with _raises(ValueError, "PCC", "4 labels", "3 predicted classes"):
        mx.metric.PCC().update([nd.array([0, 1, 1, 0])], [nd.ones((3, 2))])


def test_perplexity_errors():
    m = mx.metric.Perplexity(ignore_label=None)
    with _raises(ValueError, "Perplexity", "shape mismatch", "(4,)", "(3, 2)"):
        m.update([nd.array([0, 1, 1, 0])], [nd.ones((3, 2))])
    with _raises(ValueError, "Perplexity", "labels 2", "predictions 1"):
        m.update([nd.array([0]), nd.array([1])], [nd.ones((1, 2))])
    with _raises(ValueError, "Perplexity", "no axis 3"):
        mx.metric.Perplexity(None, axis=3).update([nd.array([0])], [nd.ones((1, 2))])
    with pytest.raises(TypeError):           # ignore_label has no default, as in MXNet
        mx.metric.Perplexity()


@pytest.mark.parametrize("cls", [mx.metric.MAE, mx.metric.MSE, mx.metric.RMSE])
def test_regression_shapes_that_do_not_broadcast(cls):
    with _raises(ValueError, cls.__name__, "(3, 2)", "(3, 4)", "do not broadcast"):
        cls().update([nd.ones((3, 2))], [nd.ones((3, 4))])


@pytest.mark.parametrize("cls", [mx.metric.CrossEntropy, mx.metric.NegativeLogLikelihood])
def test_probability_errors(cls):
    name = cls.__name__
    with _raises(IndexError, name, "[0, 3)", "(2, 3)"):
        cls().update([nd.array([0, 3])], [nd.ones((2, 3))])
    with _raises(IndexError, name, "[0, 3)"):
        cls().update([nd.array([-1, 0])], [nd.ones((2, 3))])
    with _raises(ValueError, name, "(3,)", "(2, 3)"):
        cls().update([nd.array([0, 1, 2])], [nd.ones((2, 3))])
    with _raises(ValueError, name, "(2, 3, 1)"):
        cls().update([nd.array([0, 1])], [nd.ones((2, 3, 1))])


def test_pearsonr_errors():
    with _raises(ValueError, "PearsonCorrelation", "(2, 3)", "(3, 2)", "same shape"):
        mx.metric.PearsonCorrelation().update([nd.ones((2, 3))], [nd.ones((3, 2))])
    with _raises(ValueError, "PearsonCorrelation", "'weighted'"):
        mx.metric.PearsonCorrelation(average="weighted")


def test_custom_errors():
    m = mx.metric.CustomMetric(lambda l, p: (1, 2, 3))
    with _raises(ValueError, "custom(<lambda>)", "tuple of 3"):
        m.update([nd.ones(2)], [nd.ones(2)])
    with _raises(ValueError, "custom(<lambda>)", "labels 1", "predictions 2"):
        m.update([nd.ones(2)], [nd.ones(2), nd.ones(2)])
    with _raises(NotImplementedError, "cannot be serialized"):
        m.get_config()
    # allow_extra_outputs: more predictions than labels is fine
    m = mx.metric.np(lambda l, p: float(p.sum()), allow_extra_outputs=True)
    m.update([nd.ones(2)], [nd.ones(2), nd.ones(3)])
    assert m.get()[1] == 2.0


def test_create_errors():
    with _raises(ValueError, "unknown metric 'no_such_metric'", "acc", "top_k_accuracy",
                 "perplexity", "pearsonr"):
        mx.metric.create("no_such_metric")
    with _raises(TypeError, "int"):
        mx.metric.create(3)
    acc = mx.metric.Accuracy()
    with _raises(ValueError, "already an EvalMetric"):
        mx.metric.create(acc, axis=0)
    with _raises(ValueError, "'metric' entry"):
        mx.metric.create({"name": "x"})
    with _raises(ValueError, "not valid JSON"):
        mx.metric.create("[acc")
    with _raises(TypeError, "subclasses of EvalMetric"):
        mx.metric.register(int)


def test_register_override_warns():
    class Acc2(mx.metric.Accuracy):
        pass

    mx.metric.register(Acc2, "acc2_override_test")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mx.metric.register(mx.metric.MSE, "acc2_override_test")
    assert any("overriding" in str(w.message) for w in caught)


def test_update_dict_missing_name():
    m = mx.metric.Accuracy(output_names=["out"], label_names=["lab"])
    with _raises(KeyError, "Accuracy", "['out']", "['x']"):
        m.update_dict({"lab": nd.ones(1)}, {"x": nd.ones((1, 2))})
    assert issubclass(MXNetKeyError, KeyError)


def test_base_class_and_check_label_shapes():
    with _raises(NotImplementedError, "EvalMetric"):
        mx.metric.EvalMetric("x").update([], [])
    assert issubclass(MXNetNotImplementedError, NotImplementedError)
    with _raises(ValueError, "Shape of labels (2, 3) does not match shape of predictions (3, 2)"):
        mx.metric.check_label_shapes(nd.ones((2, 3)), nd.ones((3, 2)), shape=True)
    with _raises(ValueError, "F1: "):
        mx.metric.check_label_shapes([1], [1, 2], metric="F1")
    assert issubclass(MXNetTypeError, TypeError)


def test_composite_get_metric_out_of_range():
    c = mx.metric.create(["acc", "f1"])
    with _raises(ValueError, "Metric index 5 is out of range 0 and 2"):
        c.get_metric(5)
