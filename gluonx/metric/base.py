"""The metric machinery: EvalMetric, the registry behind ``create``, CompositeEvalMetric,
CustomMetric and ``np``.

Every metric keeps two running sums: a local one (``sum_metric`` / ``num_inst``, cleared by
``reset_local``) and a global one (``global_sum_metric`` / ``global_num_inst``, cleared only by
``reset``).  Labels and predictions are NDArrays or NumPy arrays (or lists of them); the
arithmetic runs on the host in NumPy, in the inputs' own dtypes, as MXNet 1.9.1 does, and each
batch's contribution is added to the sums as a Python number (float64), as MXNet's sums are.
"""
from __future__ import annotations

import json
import warnings
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy

from gluonx._core.ndarray import NDArray
from gluonx.base import (MXNetKeyError, MXNetNotImplementedError, MXNetTypeError,
                         MXNetValueError, numeric_types, string_types)

__all__ = ["EvalMetric", "CompositeEvalMetric", "CustomMetric", "create", "register", "alias",
           "check_label_shapes", "np"]

_ARRAYS = (NDArray, numpy.ndarray)


# ----------------------------------------------------------------------------------------
# helpers shared by the metric modules
# ----------------------------------------------------------------------------------------

def _describe(x: Any) -> str:
    """'array of shape (3, 2)' / 'list of 2 arrays of shapes [(3,), (2,)]', for messages."""
    if isinstance(x, _ARRAYS):
        return "array of shape %s" % (tuple(x.shape),)
    if isinstance(x, (list, tuple)):
        shapes = [tuple(a.shape) if hasattr(a, "shape") else type(a).__name__ for a in x]
        return "list of %d array%s of shapes %s" % (len(x), "" if len(x) == 1 else "s", shapes)
    return type(x).__name__


def _host(x: Any) -> numpy.ndarray:
    """The host copy of an NDArray; NumPy arrays (and array-likes) as they are."""
    if isinstance(x, NDArray):
        return x.asnumpy()
    return numpy.asarray(x)


def _num(v: Any) -> Any:
    """A NumPy scalar or 0-d array as a Python number (a float32 batch value is then summed in
    float64, as MXNet's sums were under NumPy 1.x); other values unchanged."""
    if isinstance(v, numpy.generic) or (isinstance(v, numpy.ndarray) and v.ndim == 0):
        return v.item()
    return v


def check_label_shapes(labels: Any, preds: Any, wrap: bool = False, shape: bool = False,
                       *, metric: Optional[str] = None) -> Tuple[Any, Any]:
    """Checks that labels and predictions agree, as MXNet's metrics do before an update.

    With ``shape=False`` their lengths are compared (the number of arrays in two lists, or the
    first dimension of two arrays); with ``shape=True`` their ``.shape``.  With ``wrap=True`` a
    single NDArray (or NumPy array) is wrapped in a list.  A mismatch raises
    :class:`~gluonx.base.MXNetValueError` (a ``ValueError``); ``metric`` names the metric in the
    message.

    >>> labels, preds = check_label_shapes(mx.nd.array([0, 1]), mx.nd.zeros((2, 3)), wrap=True)
    >>> len(labels), len(preds)
    (1, 1)
    """
    if shape:
        label_shape, pred_shape = tuple(labels.shape), tuple(preds.shape)
    else:
        label_shape, pred_shape = len(labels), len(preds)
    if label_shape != pred_shape:
        what = "shapes" if shape else "lengths"
        expected = ("labels and predictions of the same shape" if shape else
                    "as many labels as predictions (one label array per prediction array, "
                    "or arrays with the same first dimension)")
        raise MXNetValueError(
            "%sShape of labels %s does not match shape of predictions %s (%s compared: labels "
            "are %s, predictions %s; expected %s)"
            % ("%s: " % metric if metric else "", label_shape, pred_shape, what,
               _describe(labels), _describe(preds), expected))
    if wrap:
        if isinstance(labels, _ARRAYS):
            labels = [labels]
        if isinstance(preds, _ARRAYS):
            preds = [preds]
    return labels, preds


# ----------------------------------------------------------------------------------------
# EvalMetric
# ----------------------------------------------------------------------------------------

class EvalMetric:
    """Base class of the metrics: subclasses implement ``update(labels, preds)``.

    ``name`` is shown by ``get()``; ``output_names`` / ``label_names`` pick the arrays
    ``update_dict`` passes on (all of them when None).  A subclass that keeps global statistics
    passes ``has_global_stats=True``; otherwise ``get_global()`` is ``get()``.

    >>> class Count(mx.metric.EvalMetric):
    ...     def __init__(self):
    ...         super().__init__('count')
    ...     def update(self, labels, preds):
    ...         self.sum_metric += len(preds); self.num_inst += 1
    """

    def __init__(self, name: str, output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, **kwargs: Any) -> None:
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self) -> str:
        return "EvalMetric: {}".format(dict(self.get_name_value()))

    def get_config(self) -> Dict[str, Any]:
        """The configuration ``create(**config)`` (or ``create(json.dumps(config))``) rebuilds
        this metric from.

        >>> mx.metric.Accuracy(axis=0).get_config()['axis']
        0
        """
        config = self._kwargs.copy()
        config.update({"metric": self.__class__.__name__, "name": self.name,
                       "output_names": self.output_names, "label_names": self.label_names})
        return config

    def _pick(self, arrays: Dict[str, Any], names: Optional[List[str]], what: str) -> list:
        if names is None:
            return list(arrays.values())
        missing = [n for n in names if n not in arrays]
        if missing:
            raise MXNetKeyError("%s: update_dict() has no %s named %s (it got %s; the metric's "
                                "%s_names are %s)" % (type(self).__name__, what, missing,
                                                      list(arrays), what, names))
        return [arrays[n] for n in names]

    def update_dict(self, label: Dict[str, Any], pred: Dict[str, Any]) -> None:
        """Updates from ``{name: array}`` dicts, taking the arrays named by ``label_names`` /
        ``output_names`` (all of them, in order, when those are None).

        >>> m = mx.metric.Accuracy(output_names=['out'])
        >>> m.update_dict({'lab': mx.nd.array([1])}, {'out': mx.nd.array([[0, 1]])})
        """
        self.update(self._pick(label, self.label_names, "label"),
                    self._pick(pred, self.output_names, "output"))

    def update(self, labels: Any, preds: Any) -> None:
        """Adds one batch of labels and predictions (lists of arrays) to the statistics."""
        raise MXNetNotImplementedError("%s does not implement update()" % type(self).__name__)

    def _add(self, value: Any, count: Any) -> None:
        """Adds a batch's contribution to the local and the global sums."""
        value, count = _num(value), _num(count)
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count

    def reset(self) -> None:
        """Clears the local and the global statistics."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self) -> None:
        """Clears the local statistics only (``get_global`` still sees everything)."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self) -> Tuple[Any, Any]:
        """``(name, value)`` of the local statistics; the value is NaN before any update.

        >>> m = mx.metric.Accuracy(); m.get()
        ('accuracy', nan)
        """
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self) -> Tuple[Any, Any]:
        """``(name, value)`` since the last ``reset()`` (``get()`` for a metric that keeps no
        global statistics)."""
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.global_sum_metric / self.global_num_inst)

    @staticmethod
    def _pairs(name: Any, value: Any) -> List[Tuple[Any, Any]]:
        if not isinstance(name, list):
            name = [name]
        if not isinstance(value, list):
            value = [value]
        return list(zip(name, value))

    def get_name_value(self) -> List[Tuple[Any, Any]]:
        """``[(name, value), ...]`` of ``get()``."""
        return self._pairs(*self.get())

    def get_global_name_value(self) -> List[Tuple[Any, Any]]:
        """``[(name, value), ...]`` of ``get_global()``."""
        if not self._has_global_stats:
            return self.get_name_value()
        return self._pairs(*self.get_global())


# ----------------------------------------------------------------------------------------
# the registry and create()
# ----------------------------------------------------------------------------------------

_REGISTRY: Dict[str, type] = {}


def register(klass: type, name: Optional[str] = None) -> type:
    """Registers an EvalMetric subclass for ``create`` under ``name`` (default: the class name),
    lower-cased.  Usable as a decorator.

    >>> @mx.metric.register
    ... class MyAcc(mx.metric.Accuracy):
    ...     pass
    >>> type(mx.metric.create('myacc')).__name__
    'MyAcc'
    """
    if not (isinstance(klass, type) and issubclass(klass, EvalMetric)):
        raise MXNetTypeError("metric.register: can only register subclasses of EvalMetric, "
                             "got %r" % (klass,))
    key = (klass.__name__ if name is None else name).lower()
    old = _REGISTRY.get(key)
    if old is not None and old is not klass:
        warnings.warn("New metric %s.%s registered with name %s is overriding existing metric "
                      "%s.%s" % (klass.__module__, klass.__name__, key, old.__module__,
                                 old.__name__), UserWarning, stacklevel=2)
    _REGISTRY[key] = klass
    return klass


def alias(*aliases: str) -> Callable[[type], type]:
    """A decorator registering a metric class under more names.

    >>> @mx.metric.alias('my_acc')
    ... class MyAcc2(mx.metric.Accuracy):
    ...     pass
    """
    def deco(klass: type) -> type:
        for name in aliases:
            register(klass, name)
        return klass
    return deco


def _from_registry(metric: Any, *args: Any, **kwargs: Any) -> EvalMetric:
    """create() for an EvalMetric, a config dict, a JSON string or a registered name."""
    if isinstance(metric, EvalMetric):
        if args or kwargs:
            raise MXNetValueError("metric.create: %r is already an EvalMetric instance; the "
                                  "extra arguments %s %s cannot apply to it"
                                  % (metric.name, list(args), kwargs))
        return metric
    if isinstance(metric, dict):
        if args:
            raise MXNetValueError("metric.create: positional arguments %s given with a config "
                                  "dict" % (list(args),))
        config = dict(metric)
        config.update(kwargs)
        if "metric" not in config:
            raise MXNetValueError("metric.create: the config dict %r has no 'metric' entry (the "
                                  "metric's class name, as get_config() writes it)" % (metric,))
        return create(**config)
    if not isinstance(metric, string_types):
        raise MXNetTypeError("metric.create: expected a metric name, an EvalMetric, a callable "
                             "feval(label, pred), a config dict or a list of those; got %s"
                             % type(metric).__name__)
    text = metric.strip()
    if text.startswith(("[", "{")):
        if args or kwargs:
            raise MXNetValueError("metric.create: a JSON config takes no extra arguments")
        try:
            decoded = json.loads(text)
        except ValueError as exc:
            raise MXNetValueError("metric.create: %r is not valid JSON: %s" % (metric, exc)) from None
        if text.startswith("["):
            if not (isinstance(decoded, list) and len(decoded) == 2):
                raise MXNetValueError("metric.create: a JSON list config must be [name, kwargs], "
                                      "got %r" % (metric,))
            return create(decoded[0], **decoded[1])
        return _from_registry(decoded)
    key = metric.lower()
    if key not in _REGISTRY:
        raise MXNetValueError("metric.create: unknown metric %r; valid names are %s (or pass an "
                              "EvalMetric, a callable feval(label, pred) or a list)"
                              % (metric, ", ".join(sorted(_REGISTRY))))
    return _REGISTRY[key](*args, **kwargs)


def create(metric: Any, *args: Any, **kwargs: Any) -> EvalMetric:
    """Creates a metric from a registered name or alias (any case), an EvalMetric (returned as
    it is), a callable ``feval(label, pred)`` (a :class:`CustomMetric`), a list of those (a
    :class:`CompositeEvalMetric`), a config dict or its JSON (``get_config()``).  ``args`` and
    ``kwargs`` go to the metric's constructor (to every child of a list).

    >>> mx.metric.create('acc').name
    'accuracy'
    >>> mx.metric.create(['acc', 'f1']).get()
    (['accuracy', 'f1'], [nan, nan])
    >>> mx.metric.create('top_k_acc', top_k=5).name
    'top_k_accuracy_5'
    """
    if isinstance(metric, type) and issubclass(metric, EvalMetric):
        return metric(*args, **kwargs)
    if callable(metric) and not isinstance(metric, EvalMetric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, (list, tuple)):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _from_registry(metric, *args, **kwargs)


# ----------------------------------------------------------------------------------------
# CompositeEvalMetric
# ----------------------------------------------------------------------------------------

@register
@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get()`` returns the list of their names and the list
    of their values.

    >>> m = mx.metric.CompositeEvalMetric(['acc', 'ce'])
    >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.7, 0.3], [0.4, 0.6]])])
    >>> m.get()[0]
    ['accuracy', 'cross-entropy']
    """

    def __init__(self, metrics: Optional[Sequence[Any]] = None, name: str = "composite",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        self.metrics: List[EvalMetric] = []
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric: Any) -> None:
        """Adds a child metric (anything ``create`` accepts)."""
        self.metrics.append(create(metric))

    def get_metric(self, index: int) -> EvalMetric:
        """The child metric at ``index``."""
        try:
            return self.metrics[index]
        except IndexError:
            raise MXNetValueError("Metric index {} is out of range 0 and {}"
                                  .format(index, len(self.metrics))) from None

    def update_dict(self, labels: Dict[str, Any], preds: Dict[str, Any]) -> None:
        # the composite's own names filter the dicts; each child then picks by its names
        if self.label_names is not None:
            labels = OrderedDict(i for i in labels.items() if i[0] in self.label_names)
        if self.output_names is not None:
            preds = OrderedDict(i for i in preds.items() if i[0] in self.output_names)
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels: Any, preds: Any) -> None:
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self) -> None:
        for metric in self.metrics:
            metric.reset()

    def reset_local(self) -> None:
        for metric in self.metrics:
            metric.reset_local()

    def _collect(self, use_global: bool) -> Tuple[list, list]:
        names, values = [], []
        for metric in self.metrics:
            name, value = metric.get_global() if use_global else metric.get()
            if isinstance(name, string_types):
                name = [name]
            if isinstance(value, numeric_types):
                value = [value]
            names.extend(name)
            values.extend(value)
        return names, values

    def get(self) -> Tuple[list, list]:
        return self._collect(False)

    def get_global(self) -> Tuple[list, list]:
        return self._collect(True)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"metrics": [m.get_config() for m in self.metrics]})
        return config


# ----------------------------------------------------------------------------------------
# custom metrics
# ----------------------------------------------------------------------------------------

@register
class CustomMetric(EvalMetric):
    """A metric from ``feval(label, pred)`` on NumPy arrays, called once per (label, prediction)
    pair; it returns a value (counted as one instance) or a tuple ``(sum_metric, num_inst)``.
    With ``allow_extra_outputs=True`` there may be more predictions than labels (RNN states).

    >>> m = mx.metric.CustomMetric(lambda l, p: abs(l - p).mean())
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([1, 4])]); m.get()
    ('custom(<lambda>)', 1.0)
    """

    def __init__(self, feval: Callable[[numpy.ndarray, numpy.ndarray], Any],
                 name: Optional[str] = None, allow_extra_outputs: bool = False,
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        if name is None:
            name = getattr(feval, "__name__", type(feval).__name__)
            if "<" in name:
                name = "custom(%s)" % name
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs,
                         output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels: Any, preds: Any) -> None:
        if self._allow_extra_outputs:
            labels = [labels] if isinstance(labels, _ARRAYS) else labels
            preds = [preds] if isinstance(preds, _ARRAYS) else preds
        else:
            labels, preds = check_label_shapes(labels, preds, True, metric=self.name)
        for pred, label in zip(preds, labels):
            reval = self._feval(_host(label), _host(pred))
            if isinstance(reval, tuple):
                if len(reval) != 2:
                    raise MXNetValueError("%s: feval returned a tuple of %d values; expected a "
                                          "value or (sum_metric, num_inst)"
                                          % (self.name, len(reval)))
                self._add(reval[0], reval[1])
            else:
                self._add(reval, 1)

    def get_config(self) -> Dict[str, Any]:
        raise MXNetNotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval: Callable[[numpy.ndarray, numpy.ndarray], Any], name: Optional[str] = None,
       allow_extra_outputs: bool = False) -> CustomMetric:
    """A :class:`CustomMetric` from a function of the NumPy label and prediction of a batch.

    >>> def mae(label, pred):
    ...     return numpy.abs(label - pred).mean()
    >>> m = mx.metric.np(mae); m.name
    'mae'
    """
    def feval(label: numpy.ndarray, pred: numpy.ndarray) -> Any:
        return numpy_feval(label, pred)
    feval.__name__ = getattr(numpy_feval, "__name__", type(numpy_feval).__name__)
    return CustomMetric(feval, name, allow_extra_outputs)
