"""Regression metrics: MAE, MSE, RMSE (averaged per update batch) and PearsonCorrelation."""
from __future__ import annotations

from typing import Any, Iterator, List, Optional, Tuple

import numpy

from gluonx.base import MXNetValueError
from gluonx.metric.base import EvalMetric, _host, alias, check_label_shapes, register

__all__ = ["MAE", "MSE", "RMSE", "PearsonCorrelation"]


def _differences(metric: str, labels: Any, preds: Any) -> Iterator[numpy.ndarray]:
    """``label - pred`` of each pair, 1-D arrays read as columns (N, 1), then broadcast as
    MXNet does (labels (N,) against predictions (N, k) compare each column)."""
    labels, preds = check_label_shapes(labels, preds, True, metric=metric)
    for label, pred in zip(labels, preds):
        lab, p = _host(label), _host(pred)
        if lab.ndim == 1:
            lab = lab.reshape(lab.shape[0], 1)
        if p.ndim == 1:
            p = p.reshape(p.shape[0], 1)
        try:
            numpy.broadcast_shapes(lab.shape, p.shape)
        except ValueError:
            raise MXNetValueError(
                "%s: labels of shape %s and predictions of shape %s do not broadcast together "
                "(1-D arrays are read as (N, 1)); expected the same shape"
                % (metric, _host(label).shape, _host(pred).shape)) from None
        yield lab - p


class _BatchMean(EvalMetric):
    """A regression metric whose value is one number per (label, prediction) pair, averaged
    over the pairs (not over the samples), as MXNet's MAE/MSE/RMSE."""

    def __init__(self, name: str, output_names: Optional[List[str]],
                 label_names: Optional[List[str]]) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    @staticmethod
    def _value(diff: numpy.ndarray) -> Any:
        raise NotImplementedError

    def update(self, labels: Any, preds: Any) -> None:
        for diff in _differences(type(self).__name__, labels, preds):
            self._add(self._value(diff), 1)


@register
class MAE(_BatchMean):
    """Mean absolute error ``mean(|label - pred|)`` of each batch, averaged over batches.

    >>> m = mx.metric.MAE()
    >>> m.update([mx.nd.array([2.5, 0.0, 2, 8])], [mx.nd.array([3, -0.5, 2, 7])]); m.get()
    ('mae', 0.5)
    """

    def __init__(self, name: str = "mae", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _value(diff: numpy.ndarray) -> Any:
        return numpy.abs(diff).mean()


@register
class MSE(_BatchMean):
    """Mean squared error ``mean((label - pred)**2)`` of each batch, averaged over batches.

    >>> m = mx.metric.MSE()
    >>> m.update([mx.nd.array([2.5, 0.0, 2, 8])], [mx.nd.array([3, -0.5, 2, 7])]); m.get()
    ('mse', 0.375)
    """

    def __init__(self, name: str = "mse", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _value(diff: numpy.ndarray) -> Any:
        return (diff ** 2.0).mean()


@register
class RMSE(_BatchMean):
    """Root mean squared error of each batch, averaged over batches.

    >>> m = mx.metric.RMSE()
    >>> m.update([mx.nd.array([2.5, 0.0, 2, 8])], [mx.nd.array([3, -0.5, 2, 7])])
    >>> round(m.get()[1], 6)
    0.612372
    """

    def __init__(self, name: str = "rmse", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _value(diff: numpy.ndarray) -> Any:
        return numpy.sqrt((diff ** 2.0).mean())


class _Moments:
    """Running means, sums of squared deviations and co-deviation of labels and predictions,
    merged batch by batch (Welford's update generalised to batches)."""

    __slots__ = ("n", "mean_l", "mean_p", "sse_l", "sse_p", "cov")

    def __init__(self) -> None:
        self.n = 0
        self.mean_l = self.mean_p = self.sse_l = self.sse_p = self.cov = 0.

    def add(self, lab: numpy.ndarray, pred: numpy.ndarray) -> None:
        count = self.n + len(lab)
        dev_l = lab - self.mean_l
        mean_l = self.mean_l + numpy.sum(dev_l / count)
        self.sse_l += numpy.sum(dev_l * (lab - mean_l))
        # the co-deviation pairs the new label mean with the previous prediction mean: summed
        # over a batch that is exactly the batch's co-moment plus the between-means term
        self.cov += numpy.sum((lab - mean_l) * (pred - self.mean_p))
        dev_p = pred - self.mean_p
        mean_p = self.mean_p + numpy.sum(dev_p / count)
        self.sse_p += numpy.sum(dev_p * (pred - mean_p))
        self.n, self.mean_l, self.mean_p = count, mean_l, mean_p

    def pearsonr(self) -> float:
        n = numpy.float64(self.n)
        with numpy.errstate(all="ignore"):      # n <= 1 or a constant side: NaN, as NumPy gives
            return float(self.cov / ((n - 1) * numpy.sqrt(self.sse_p / (n - 1))
                                     * numpy.sqrt(self.sse_l / (n - 1))))


@register
@alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of the flattened labels and predictions.  ``average='macro'``
    averages the correlation of each (label, prediction) pair; ``'micro'`` correlates all the
    values since the last ``reset_local()`` (``get``) or ``reset()`` (``get_global``).

    >>> m = mx.metric.PearsonCorrelation()
    >>> m.update([mx.nd.array([[1, 0], [0, 1], [0, 1]])],
    ...          [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    >>> round(m.get()[1], 6)
    0.421637
    """

    def __init__(self, name: str = "pearsonr", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, average: str = "macro") -> None:
        if average not in ("macro", "micro"):
            raise MXNetValueError("PearsonCorrelation: average must be 'macro' or 'micro', got "
                                  "%r" % (average,))
        self.average = average
        self._local, self._global = _Moments(), _Moments()
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True, average=average)

    def reset(self) -> None:
        super().reset()
        self._local, self._global = _Moments(), _Moments()

    def reset_local(self) -> None:
        super().reset_local()
        self._local = _Moments()

    def reset_micro(self) -> None:
        """Clears the 'micro' statistics (MXNet's name)."""
        self._local, self._global = _Moments(), _Moments()

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True, metric="PearsonCorrelation")
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True, metric="PearsonCorrelation")
            lab = _host(label).ravel().astype(numpy.float64)
            p = _host(pred).ravel().astype(numpy.float64)
            if self.average == "macro":
                with numpy.errstate(all="ignore"):
                    self._add(numpy.corrcoef(p, lab)[0, 1], 1)
            else:
                self._local.add(lab, p)
                self._global.add(lab, p)
                self.num_inst += 1
                self.global_num_inst += 1

    def get(self) -> Tuple[str, float]:
        if self.num_inst == 0:
            return (self.name, float("nan"))
        if self.average == "macro":
            return (self.name, self.sum_metric / self.num_inst)
        return (self.name, self._local.pearsonr())

    def get_global(self) -> Tuple[str, float]:
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        if self.average == "macro":
            return (self.name, self.global_sum_metric / self.global_num_inst)
        return (self.name, self._global.pearsonr())
