"""Classification metrics: Accuracy, TopKAccuracy, F1, MCC (binary, micro or macro averaged)
and PCC (multiclass, from a confusion matrix)."""
from __future__ import annotations

import math
from typing import Any, List, Optional, Tuple

import numpy

from gluonx.base import MXNetValueError
from gluonx.metric.base import EvalMetric, _host, alias, check_label_shapes, register

__all__ = ["Accuracy", "TopKAccuracy", "F1", "MCC", "PCC"]


def _argmax(metric: str, pred: numpy.ndarray, axis: int, label_shape: tuple) -> numpy.ndarray:
    """The predicted classes of class scores ``pred`` (argmax along ``axis``)."""
    if not -pred.ndim <= axis < max(pred.ndim, 1):
        raise MXNetValueError(
            "%s: predictions of shape %s differ in shape from the labels %s, so they are read "
            "as class scores, but they have no axis %d to take the argmax over (expected "
            "scores of shape (N, num_classes) or predictions of the labels' shape)"
            % (metric, pred.shape, label_shape, axis))
    return numpy.argmax(pred, axis=axis)


def _check_average(metric: str, average: str) -> str:
    if average not in ("macro", "micro"):
        raise MXNetValueError("%s: average must be 'macro' (mean of the per-update scores) or "
                              "'micro' (one score over all updates), got %r" % (metric, average))
    return average


@register
@alias("acc")
class Accuracy(EvalMetric):
    """Fraction of predictions equal to the labels.  Predictions with another shape than the
    labels are class scores, reduced by argmax along ``axis``; both are then cast to int32
    and flattened.

    >>> m = mx.metric.Accuracy()
    >>> m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    >>> m.get()
    ('accuracy', 0.6666666666666666)
    """

    def __init__(self, axis: int = 1, name: str = "accuracy",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.axis = axis

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True, metric="Accuracy")
        for label, pred in zip(labels, preds):
            lab, pred_label = _host(label), _host(pred)
            if pred_label.shape != lab.shape:
                pred_label = _argmax("Accuracy", pred_label, self.axis, lab.shape)
            flat_pred = pred_label.astype("int32").ravel()
            flat_lab = lab.astype("int32").ravel()
            if flat_pred.size != flat_lab.size:
                raise MXNetValueError(
                    "Accuracy: %d labels (shape %s) but %d predicted classes (predictions of "
                    "shape %s%s); expected one label per prediction"
                    % (flat_lab.size, lab.shape, flat_pred.size, _host(pred).shape,
                       ", argmax over axis %d" % self.axis if pred_label.shape != _host(pred).shape
                       else ""))
            self._add(int((flat_pred == flat_lab).sum()), int(flat_pred.size))


@register
@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the ``top_k`` highest scores of its row of
    ``(N, num_classes)`` predictions (every label counts as found when ``top_k`` is at least
    the number of classes).

    >>> m = mx.metric.TopKAccuracy(top_k=2)
    >>> m.update([mx.nd.array([2, 0])], [mx.nd.array([[0.1, 0.5, 0.4], [0.2, 0.3, 0.5]])])
    >>> m.get()
    ('top_k_accuracy_2', 0.5)
    """

    def __init__(self, top_k: int = 1, name: str = "top_k_accuracy",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.top_k = top_k
        if not self.top_k > 1:
            raise MXNetValueError("TopKAccuracy: top_k must be at least 2, got %r (use Accuracy "
                                  "for top_k=1)" % (top_k,))
        # the suffix once: a name from get_config() already carries it (MXNet added it again,
        # so its configurations did not rebuild the same name)
        if not self.name.endswith("_%d" % self.top_k):
            self.name += "_%d" % self.top_k

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True, metric="TopKAccuracy")
        for label, pred in zip(labels, preds):
            scores = _host(pred).astype("float32")
            lab = _host(label).astype("int32")
            if scores.ndim not in (1, 2):
                raise MXNetValueError("TopKAccuracy: predictions must be scores of shape (N, "
                                      "num_classes), got shape %s" % (scores.shape,))
            count = scores.shape[0]
            if lab.ndim == 0 or len(lab) != count or lab.size != count:
                raise MXNetValueError("TopKAccuracy: labels of shape %s do not match predictions"
                                      " of shape %s; expected one label per row"
                                      % (lab.shape, scores.shape))
            if scores.ndim == 1:
                # MXNet reads a 1-D array as one row of scores against as many labels
                # (kept for compatibility; it compares positions with labels)
                if self.top_k > count:
                    raise MXNetValueError("TopKAccuracy: top_k=%d exceeds the %d scores of "
                                          "1-D predictions" % (self.top_k, count))
                order = numpy.argpartition(scores, -self.top_k)
                self._add(int((order == lab.ravel()).sum()), count)
                continue
            classes = scores.shape[1]
            k = min(classes, self.top_k)
            # argpartition, as MXNet: which of tied scores make the top k follows NumPy's choice
            top = numpy.argpartition(scores, -k, axis=1)[:, classes - k:]
            self._add(int((top == lab.reshape(count, 1)).sum()), count)


class _Counts:
    """Confusion counts of a binary problem (class 1 is the positive one)."""

    __slots__ = ("tp", "fp", "fn", "tn")

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.tn = 0

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return float(self.tp) / (self.tp + self.fp) if self.tp + self.fp > 0 else 0.

    @property
    def recall(self) -> float:
        return float(self.tp) / (self.tp + self.fn) if self.tp + self.fn > 0 else 0.

    @property
    def fscore(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.

    @property
    def mcc(self) -> float:
        if not self.total:
            return 0.
        tp, fp, fn, tn = float(self.tp), float(self.fp), float(self.fn), float(self.tn)
        denom = 1.
        for term in (tp + fp, tp + fn, tn + fp, tn + fn):
            if term != 0.:          # an empty row or column counts as 1, not as 0
                denom *= term
        return (tp * tn - fp * fn) / math.sqrt(denom)


class _BinaryClassificationMetrics:
    """True/false positive/negative counts of a binary problem, local and global; F1 and MCC
    are computed from them."""

    def __init__(self) -> None:
        self.local, self.glob = _Counts(), _Counts()

    def update_binary_stats(self, label: Any, pred: Any, metric: str = "F1") -> None:
        """Adds a batch: ``label`` (N,) of 0/1 and ``pred`` (N, num_classes) scores."""
        scores, lab = _host(pred), _host(label).astype("int32")
        if scores.ndim != 2:
            raise MXNetValueError("%s: predictions must be class scores of shape (N, 2), got "
                                  "shape %s (labels %s)" % (metric, scores.shape, lab.shape))
        if lab.ndim == 0 or len(lab) != len(scores) or lab.size != len(scores):
            raise MXNetValueError("%s: labels of shape %s do not match predictions of shape %s;"
                                  " expected one label per row" % (metric, lab.shape, scores.shape))
        lab = lab.reshape(-1)
        classes = numpy.unique(lab)
        if len(classes) > 2:
            raise MXNetValueError("%s currently only supports binary classification: the labels "
                                  "have %d distinct values %s" % (metric, len(classes), classes))
        pred_pos = numpy.argmax(scores, axis=1) == 1
        lab_pos = lab == 1
        tp = int((pred_pos & lab_pos).sum())
        fp = int((pred_pos & ~lab_pos).sum())
        fn = int((~pred_pos & lab_pos).sum())
        tn = int((~pred_pos & ~lab_pos).sum())
        for c in (self.local, self.glob):
            c.tp += tp
            c.fp += fp
            c.fn += fn
            c.tn += tn

    # MXNet's names for the statistics
    precision = property(lambda self: self.local.precision)
    global_precision = property(lambda self: self.glob.precision)
    recall = property(lambda self: self.local.recall)
    global_recall = property(lambda self: self.glob.recall)
    fscore = property(lambda self: self.local.fscore)
    global_fscore = property(lambda self: self.glob.fscore)
    total_examples = property(lambda self: self.local.total)
    global_total_examples = property(lambda self: self.glob.total)

    true_positives = property(lambda self: self.local.tp)
    false_positives = property(lambda self: self.local.fp)
    false_negatives = property(lambda self: self.local.fn)
    true_negatives = property(lambda self: self.local.tn)
    global_true_positives = property(lambda self: self.glob.tp)
    global_false_positives = property(lambda self: self.glob.fp)
    global_false_negatives = property(lambda self: self.glob.fn)
    global_true_negatives = property(lambda self: self.glob.tn)

    def matthewscc(self, use_global: bool = False) -> float:
        """The Matthews correlation coefficient of the local (or global) counts."""
        return (self.glob if use_global else self.local).mcc

    def local_reset_stats(self) -> None:
        self.local = _Counts()

    def reset_stats(self) -> None:
        self.local, self.glob = _Counts(), _Counts()


class _BinaryMetric(EvalMetric):
    """F1 and MCC: 'macro' averages the score of each update() call, 'micro' scores all the
    counts since the last reset (local) or reset_local (global) together."""

    _score = ""                  # the _Counts property giving the score

    def __init__(self, name: str, output_names: Optional[List[str]],
                 label_names: Optional[List[str]], average: str) -> None:
        self._average = _check_average(type(self).__name__, average)
        self._metrics = _BinaryClassificationMetrics()
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True, average=average)

    def update(self, labels: Any, preds: Any) -> None:
        metric = type(self).__name__
        labels, preds = check_label_shapes(labels, preds, True, metric=metric)
        stats = self._metrics
        for label, pred in zip(labels, preds):
            stats.update_binary_stats(label, pred, metric)
        local, glob = getattr(stats.local, self._score), getattr(stats.glob, self._score)
        if self._average == "macro":
            self.sum_metric += local
            self.global_sum_metric += glob
            self.num_inst += 1
            self.global_num_inst += 1
            stats.reset_stats()
        else:
            self.sum_metric = local * stats.local.total
            self.global_sum_metric = glob * stats.glob.total
            self.num_inst = stats.local.total
            self.global_num_inst = stats.glob.total

    def reset(self) -> None:
        self.sum_metric = 0.
        self.num_inst = 0
        self.global_sum_metric = 0.
        self.global_num_inst = 0
        self._metrics.reset_stats()

    def reset_local(self) -> None:
        self.sum_metric = 0.
        self.num_inst = 0
        self._metrics.local_reset_stats()


@register
class F1(_BinaryMetric):
    """F1 score ``2 * precision * recall / (precision + recall)`` of a binary problem (labels
    0/1, predictions (N, 2) scores); ``average='macro'`` averages the score of each update,
    ``'micro'`` scores all the samples together.

    >>> m = mx.metric.F1()
    >>> m.update([mx.nd.array([0., 1., 1.])], [mx.nd.array([[0.3, 0.7], [0., 1.], [0.4, 0.6]])])
    >>> m.get()
    ('f1', 0.8)
    """

    _score = "fscore"

    def __init__(self, name: str = "f1", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, average: str = "macro") -> None:
        super().__init__(name, output_names, label_names, average)

    # MXNet's attribute names on F1
    @property
    def average(self) -> str:
        return self._average

    @average.setter
    def average(self, value: str) -> None:
        self._average = _check_average("F1", value)

    @property
    def metrics(self) -> _BinaryClassificationMetrics:
        return self._metrics

    @metrics.setter
    def metrics(self, value: _BinaryClassificationMetrics) -> None:
        self._metrics = value


@register
class MCC(_BinaryMetric):
    """Matthews correlation coefficient ``(TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))``
    of a binary problem (zero factors of the denominator count as 1); ``average`` as in F1.

    >>> m = mx.metric.MCC()
    >>> m.update([mx.nd.array([0., 1., 1.])], [mx.nd.array([[0.3, 0.7], [0., 1.], [0.4, 0.6]])])
    >>> m.get()[1]
    0.0
    """

    _score = "mcc"

    def __init__(self, name: str = "mcc", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, average: str = "macro") -> None:
        super().__init__(name, output_names, label_names, average)


@register
class PCC(EvalMetric):
    """Multiclass Matthews correlation (Pearson correlation of the confusion matrix, which
    grows with the largest class seen); for two classes it equals MCC.  Predictions are class
    scores (argmax along axis 1) or, with the labels' shape, class indices.

    >>> m = mx.metric.PCC()
    >>> m.update([mx.nd.array([0, 1, 2, 2])], [mx.nd.array([0, 1, 2, 1])])
    >>> round(m.get()[1], 4)
    0.7
    """

    def __init__(self, name: str = "pcc", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, has_global_stats: bool = True) -> None:
        self.k = 2
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    def _grow(self, inc: int) -> None:
        pad = ((0, inc), (0, inc))
        self.lcm = numpy.pad(self.lcm, pad, "constant", constant_values=0)
        self.gcm = numpy.pad(self.gcm, pad, "constant", constant_values=0)
        self.k += inc

    @staticmethod
    def _calc_mcc(cmat: numpy.ndarray) -> float:
        n = cmat.sum()
        x, y = cmat.sum(axis=1), cmat.sum(axis=0)
        cov_xx = numpy.sum(x * (n - x))
        cov_yy = numpy.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float("nan")
        cov_xy = numpy.sum(cmat.diagonal() * n - x * y)
        return float(cov_xy / (cov_xx * cov_yy) ** 0.5)

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True, metric="PCC")
        for label, pred in zip(labels, preds):
            lab, p = _host(label).astype("int32"), _host(pred)
            if p.shape != lab.shape:
                p = _argmax("PCC", p, 1, lab.shape)
            p, lab = p.astype("int32").ravel(), lab.ravel()
            if p.size != lab.size:
                raise MXNetValueError("PCC: %d labels (shape %s) but %d predicted classes "
                                      "(predictions of shape %s); expected one label per "
                                      "prediction" % (lab.size, _host(label).shape, p.size,
                                                      _host(pred).shape))
            if not p.size:
                continue
            low = min(p.min(), lab.min())
            if low < 0:
                raise MXNetValueError("PCC: class indices must be non-negative, got %d" % low)
            n = int(max(p.max(), lab.max()))
            if n >= self.k:
                self._grow(n + 1 - self.k)
            batch = numpy.zeros((self.k, self.k))
            numpy.add.at(batch, (p, lab), 1)       # rows: predicted class, columns: label
            self.lcm += batch
            self.gcm += batch
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self) -> float:
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self) -> float:
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def get(self) -> Tuple[str, float]:
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self._calc_mcc(self.lcm))

    def get_global(self) -> Tuple[str, float]:
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self._calc_mcc(self.gcm))

    def reset(self) -> None:
        self.global_num_inst = 0
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self) -> None:
        self.num_inst = 0
        self.lcm = numpy.zeros((self.k, self.k))
