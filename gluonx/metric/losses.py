"""Likelihood and loss metrics: Perplexity, CrossEntropy, NegativeLogLikelihood, and Loss
(with its Torch and Caffe names) that averages given loss values."""
from __future__ import annotations

import math
from typing import Any, List, Optional, Tuple

import numpy

from gluonx.base import MXNetIndexError, MXNetValueError
from gluonx.metric.base import _ARRAYS, EvalMetric, _host, alias, check_label_shapes, register

__all__ = ["Perplexity", "CrossEntropy", "NegativeLogLikelihood", "Loss", "Torch", "Caffe"]


@register
class Perplexity(EvalMetric):
    """Perplexity ``exp(-mean(log p(label)))`` of class probabilities ``pred`` (classes along
    ``axis``, the last by default).  Labels equal to ``ignore_label`` (None: none) are not
    counted; labels outside ``[0, num_classes)`` are clipped to it, as MXNet's ``pick``.

    >>> m = mx.metric.Perplexity(ignore_label=None)
    >>> m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    >>> round(m.get()[1], 6)
    1.771098
    """

    def __init__(self, ignore_label: Optional[float], axis: int = -1, name: str = "perplexity",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, ignore_label=ignore_label, axis=axis, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def _picked(self, label: Any, pred: Any) -> Tuple[numpy.ndarray, numpy.ndarray]:
        """(probabilities of the labelled classes, the labels), both of the index shape."""
        p, lab = _host(pred), _host(label)
        if p.ndim == 0 or not -p.ndim <= self.axis < p.ndim:
            raise MXNetValueError("Perplexity: predictions of shape %s have no axis %d of class "
                                  "probabilities" % (p.shape, self.axis))
        if lab.size * p.shape[-1] != p.size:
            raise MXNetValueError("Perplexity: shape mismatch: labels %s vs. predictions %s; "
                                  "expected one label per row of probabilities (labels of size "
                                  "%d)" % (lab.shape, p.shape, p.size // max(p.shape[-1], 1)))
        axis = self.axis % p.ndim
        index_shape = p.shape[:axis] + p.shape[axis + 1:]
        if lab.size != int(numpy.prod(index_shape)):
            raise MXNetValueError("Perplexity: %d labels cannot pick along axis %d of predictions"
                                  " of shape %s (expected %d labels)"
                                  % (lab.size, self.axis, p.shape, int(numpy.prod(index_shape))))
        lab = lab.reshape(index_shape)
        index = numpy.clip(lab.astype("int32"), 0, p.shape[axis] - 1)
        picked = numpy.take_along_axis(p, numpy.expand_dims(index, axis), axis=axis)
        return picked.squeeze(axis), lab

    def update(self, labels: Any, preds: Any) -> None:
        labels = [labels] if isinstance(labels, _ARRAYS) else labels
        preds = [preds] if isinstance(preds, _ARRAYS) else preds
        check_label_shapes(labels, preds, metric="Perplexity")
        loss, num = 0., 0
        for label, pred in zip(labels, preds):
            prob, lab = self._picked(label, pred)
            if self.ignore_label is not None:
                ignore = (lab == self.ignore_label).astype(prob.dtype)
                num -= ignore.sum().item()
                prob = prob * (1 - ignore) + ignore       # log(1) = 0 for ignored labels
            loss -= numpy.log(numpy.maximum(1e-10, prob)).sum().item()
            num += prob.size
        self._add(loss, num)

    def get(self) -> Tuple[str, float]:
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self) -> Tuple[str, float]:
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


class _LabelProbability(EvalMetric):
    """Sum of ``-log(pred[i, label[i]] + eps)`` over the samples, per sample."""

    def __init__(self, eps: float, name: str, output_names: Optional[List[str]],
                 label_names: Optional[List[str]]) -> None:
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.eps = eps

    def update(self, labels: Any, preds: Any) -> None:
        metric = type(self).__name__
        labels, preds = check_label_shapes(labels, preds, True, metric=metric)
        for label, pred in zip(labels, preds):
            lab, p = _host(label).ravel(), _host(pred)
            if p.ndim != 2 or lab.shape[0] != p.shape[0]:
                raise MXNetValueError("%s: labels of shape %s do not match predictions of shape "
                                      "%s; expected probabilities of shape (N, num_classes) and "
                                      "N labels" % (metric, _host(label).shape, p.shape))
            index = lab.astype(numpy.int64)
            if index.size and (index.min() < 0 or index.max() >= p.shape[1]):
                raise MXNetIndexError("%s: labels must be class indices in [0, %d) for "
                                      "predictions of shape %s; got values from %s to %s"
                                      % (metric, p.shape[1], p.shape, lab.min(), lab.max()))
            prob = p[numpy.arange(p.shape[0]), index]
            self._add((-numpy.log(prob + self.eps)).sum(), p.shape[0])


@register
@alias("ce")
class CrossEntropy(_LabelProbability):
    """Cross-entropy ``-log(pred[label] + eps)`` of probabilities ``pred`` (N, num_classes),
    averaged over the samples.

    >>> m = mx.metric.CrossEntropy()
    >>> m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    >>> round(m.get()[1], 6)
    0.571599
    """

    def __init__(self, eps: float = 1e-12, name: str = "cross-entropy",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(eps, name, output_names, label_names)


@register
@alias("nll_loss")
class NegativeLogLikelihood(_LabelProbability):
    """Negative log-likelihood: the arithmetic of CrossEntropy, named 'nll-loss'.

    >>> m = mx.metric.create('nll_loss')
    >>> m.update([mx.nd.array([2, 1])], [mx.nd.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])])
    >>> round(m.get()[1], 6)
    1.497866
    """

    def __init__(self, eps: float = 1e-12, name: str = "nll-loss",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(eps, name, output_names, label_names)


@register
class Loss(EvalMetric):
    """Mean of the loss values given as predictions (labels are ignored): for printing a
    loss during training.

    >>> m = mx.metric.Loss()
    >>> m.update(None, [mx.nd.array([1, 2, 3])]); m.get()
    ('loss', 2.0)
    """

    def __init__(self, name: str = "loss", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    def update(self, _: Any, preds: Any) -> None:
        if isinstance(preds, _ARRAYS):
            preds = [preds]
        for pred in preds:
            p = _host(pred)
            self._add(p.sum(), p.size)


@register
class Torch(Loss):
    """Loss under the name 'torch' (for Torch criterions)."""

    def __init__(self, name: str = "torch", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class Caffe(Loss):
    """Loss under the name 'caffe' (for Caffe criterions)."""

    def __init__(self, name: str = "caffe", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)
