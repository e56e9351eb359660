"""BaseModule: the training loop (``fit``), ``score``, ``predict`` and the
interface a module implements (MXNet 1.9.1's ``mx.module.BaseModule``).

A module goes through ``bind`` (shapes -> executors), ``init_params``,
``init_optimizer``, then ``forward``/``backward``/``update``; ``fit`` does
all of it.  Calls out of that order raise :class:`ModuleStateError`.
"""
from __future__ import annotations

import logging
import time
import warnings

import numpy as np

from gluonx.base import MXNetError, MXNetTypeError, MXNetValueError, _as_list
from gluonx._core.ndarray import NDArray
from gluonx import metric
from gluonx import ndarray as nd
from gluonx.context import cpu
from gluonx.initializer import Uniform
from gluonx.io import DataBatch, DataDesc, DataIter
from gluonx.model import BatchEndParam, _split_params

__all__ = ["BaseModule", "ModuleStateError"]


class ModuleStateError(MXNetError, AssertionError):
    """A module method called before its prerequisite (``forward`` before
    ``bind``/``init_params``, ``update`` before ``init_optimizer`` ...).
    Also an AssertionError: MXNet asserted these conditions."""


def _require(cond: bool, what: str) -> None:
    if not cond:
        raise ModuleStateError(what)


def _check_input_names(symbol, names: list, typename: str, throw: bool) -> None:
    """Each name must be an argument of `symbol` (a warning for labels)."""
    args = symbol.list_arguments()
    for name in names:
        if name in args:
            continue
        candidates = [a for a in args if not a.endswith(("_weight", "_bias", "_gamma", "_beta"))]
        msg = ("You created Module with Module(..., %s_names=%s) but input with name '%s' is not found in "
               "symbol.list_arguments(). Did you mean one of:\n\t%s" % (typename, list(names), name,
                                                                         "\n\t".join(candidates)))
        if throw:
            raise MXNetValueError(msg)
        warnings.warn(msg)


def _check_names_match(names: list, descs: list, kind: str, throw: bool) -> None:
    actual = [x[0] for x in descs]
    if sorted(names) != sorted(actual):
        msg = ("Data provided by %s_shapes don't match names specified by %s_names (%s vs. %s)"
               % (kind, kind, [tuple(x) for x in descs], list(names)))
        if throw:
            raise MXNetValueError(msg)
        warnings.warn(msg)


def _as_desc(x, kind: str) -> DataDesc:
    if isinstance(x, DataDesc):
        desc = x
    else:
        if not isinstance(x, (list, tuple)) or len(x) != 2:
            raise MXNetTypeError("Module.bind: each of %s_shapes must be a DataDesc or (name, shape), got %r"
                                 % (kind, x))
        desc = DataDesc(x[0], x[1])
    shape = desc.shape
    if not isinstance(shape, (list, tuple)) or not all(isinstance(s, (int, np.integer)) for s in shape):
        raise MXNetTypeError("Module.bind: the shape of %s '%s' must be a tuple of ints, got %s"
                             % (kind, desc.name, type(shape).__name__ if not isinstance(shape, (list, tuple))
                                else shape))
    if not isinstance(shape, tuple):
        desc = DataDesc(desc.name, tuple(int(s) for s in shape), desc.dtype, desc.layout)
    return desc


def _parse_data_desc(data_names, label_names, data_shapes, label_shapes) -> tuple:
    """data_shapes/label_shapes as DataDescs, checked against the names."""
    data_shapes = [_as_desc(x, "data") for x in data_shapes]
    _check_names_match(data_names, data_shapes, "data", True)
    if label_shapes is not None:
        label_shapes = [_as_desc(x, "label") for x in label_shapes]
        _check_names_match(label_names, label_shapes, "label", False)
    else:
        _check_names_match(label_names, [], "label", False)
    return data_shapes, label_shapes


class BaseModule(object):
    """The module interface and the loops built on it (see the module docstring)."""

    def __init__(self, logger=logging):
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol = None
        self._total_exec_bytes = 0

    # ---- high-level ----------------------------------------------------------------
    def forward_backward(self, data_batch) -> None:
        """A training forward then backward on `data_batch`."""
        self.forward(data_batch, is_train=True)
        self.backward()

    def _check_ready(self, fn: str) -> None:
        _require(self.binded, "%s: call bind() first" % fn)
        _require(self.params_initialized, "%s: call init_params() (or set_params) first" % fn)

    def score(self, eval_data, eval_metric, num_batch=None, batch_end_callback=None, score_end_callback=None,
              reset: bool = True, epoch: int = 0, sparse_row_id_fn=None) -> list:
        """Runs `eval_data` (at most `num_batch` batches) through the module and
        returns ``eval_metric.get_name_value()``.

        >>> mod.score(val_iter, mx.metric.Loss())  # doctest: +SKIP
        [('loss', 0.013)]
        """
        self._check_ready("score")
        _check_iter(eval_data, "score", "eval_data")
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        eval_metric.reset()
        actual_num_batch = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            if isinstance(eval_batch, list):
                self.update_metric(eval_metric, [eb.label for eb in eval_batch], pre_sliced=True)
            else:
                self.update_metric(eval_metric, eval_batch.label)
            if batch_end_callback is not None:
                params = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric, locals=locals())
                for cb in _as_list(batch_end_callback):
                    cb(params)
            actual_num_batch += 1
        if score_end_callback:
            params = BatchEndParam(epoch=epoch, nbatch=actual_num_batch, eval_metric=eval_metric, locals=locals())
            for cb in _as_list(score_end_callback):
                cb(params)
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data, num_batch=None, reset: bool = True, sparse_row_id_fn=None):
        """Yields ``(outputs, nbatch, batch)`` per batch (padding cut off)."""
        self._check_ready("iter_predict")
        _check_iter(eval_data, "iter_predict", "eval_data")
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = getattr(eval_batch, "pad", None) or 0
            outputs = [out[0:out.shape[0] - pad] for out in self.get_outputs()]
            yield outputs, nbatch, eval_batch

    def predict(self, eval_data, num_batch=None, merge_batches: bool = True, reset: bool = True,
                always_output_list: bool = False, sparse_row_id_fn=None):
        """The outputs on `eval_data` (a DataIter, or one NDArray/NumPy batch).

        With `merge_batches` the batches are concatenated (padding dropped)
        into one array per output, a single output returned alone unless
        `always_output_list`; otherwise a list of per-batch output lists.
        """
        self._check_ready("predict")
        if isinstance(eval_data, (NDArray, np.ndarray)):
            if isinstance(eval_data, np.ndarray):
                eval_data = nd.array(eval_data)
            self.forward(DataBatch([eval_data]))
            return self.get_outputs()[0]
        if not isinstance(eval_data, DataIter):
            raise MXNetValueError("predict: eval_data must be an NDArray, a numpy.ndarray or a DataIter, got %s"
                                  % type(eval_data).__name__)
        if reset:
            eval_data.reset()
        output_list = []
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = getattr(eval_batch, "pad", None) or 0
            output_list.append([out[0:out.shape[0] - pad].copy() for out in self.get_outputs()])
        if not output_list:
            return output_list
        if merge_batches:
            num_outputs = len(output_list[0])
            if any(len(out) != num_outputs for out in output_list):
                raise MXNetValueError("predict: cannot merge batches with different numbers of outputs (bucketing?); "
                                      "pass merge_batches=False")
            merged = [nd.concatenate([out[i] for out in output_list]) for i in range(num_outputs)]
            if num_outputs == 1 and not always_output_list:
                return merged[0]
            return merged
        return output_list

    def fit(self, train_data, eval_data=None, eval_metric="acc", epoch_end_callback=None, batch_end_callback=None,
            kvstore="local", optimizer="sgd", optimizer_params=(("learning_rate", 0.01),), eval_end_callback=None,
            eval_batch_end_callback=None, initializer=Uniform(0.01), arg_params=None, aux_params=None,
            allow_missing: bool = False, force_rebind: bool = False, force_init: bool = False, begin_epoch: int = 0,
            num_epoch=None, validation_metric=None, monitor=None, sparse_row_id_fn=None) -> None:
        """Trains the module on `train_data` for epochs ``begin_epoch .. num_epoch-1``:
        bind, init_params, init_optimizer, then per batch forward_backward,
        update and the metric; after each epoch the epoch-end callbacks
        (``cb(epoch, symbol, arg_params, aux_params)``) and, with `eval_data`,
        a score with `validation_metric` (default: `eval_metric`).

        >>> mod = mx.mod.Module(net, data_names=('data',), label_names=('label',))  # doctest: +SKIP
        >>> mod.fit(train_iter, num_epoch=10, optimizer='adam',
        ...         optimizer_params={'learning_rate': 0.01}, eval_metric='mse')  # doctest: +SKIP
        """
        _check_iter(train_data, "fit", "train_data", described=True)
        if eval_data is not None:
            _check_iter(eval_data, "fit", "eval_data")
        if num_epoch is None:
            raise MXNetValueError("fit: please specify the number of epochs (num_epoch=...)")
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label, for_training=True,
                  force_rebind=force_rebind)
        if monitor is not None:
            self.install_monitor(monitor)
        self.init_params(initializer=initializer, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer, optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)

        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            eval_metric.reset()
            nbatch = 0
            data_iter = iter(train_data)
            end_of_batch = False
            try:
                next_data_batch = next(data_iter)
            except StopIteration:
                raise MXNetValueError("fit: train_data gave no batch in epoch %d (is it empty, or smaller than a "
                                      "batch with last_batch_handle='discard'?)" % epoch) from None
            eval_name_vals = []
            while not end_of_batch:
                data_batch = next_data_batch
                if monitor is not None:
                    monitor.tic()
                self.forward_backward(data_batch)
                self.update()
                if isinstance(data_batch, list):
                    self.update_metric(eval_metric, [db.label for db in data_batch], pre_sliced=True)
                else:
                    self.update_metric(eval_metric, data_batch.label)
                try:
                    # the next batch is prepared while this one's work is still queued (MXNet's order)
                    next_data_batch = next(data_iter)
                    self.prepare(next_data_batch, sparse_row_id_fn=sparse_row_id_fn)
                except StopIteration:
                    end_of_batch = True
                if monitor is not None:
                    monitor.toc_print()
                if end_of_batch:
                    eval_name_vals = eval_metric.get_global_name_value()
                if batch_end_callback is not None:
                    params = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric, locals=locals())
                    for cb in _as_list(batch_end_callback):
                        cb(params)
                nbatch += 1

            for name, val in eval_name_vals:
                self.logger.info("Epoch[%d] Train-%s=%f", epoch, name, val)
            self.logger.info("Epoch[%d] Time cost=%.3f", epoch, time.time() - tic)

            # gather the parameters from the devices (and make every copy equal)
            arg_params_, aux_params_ = self.get_params()
            self.set_params(arg_params_, aux_params_)
            if epoch_end_callback is not None:
                for cb in _as_list(epoch_end_callback):
                    cb(epoch, self.symbol, arg_params_, aux_params_)
            if eval_data is not None:
                res = self.score(eval_data, validation_metric, score_end_callback=eval_end_callback,
                                 batch_end_callback=eval_batch_end_callback, epoch=epoch)
                for name, val in res:
                    self.logger.info("Epoch[%d] Validation-%s=%f", epoch, name, val)
            train_data.reset()

    # ---- the interface ---------------------------------------------------------------
    @property
    def data_names(self) -> list:
        raise NotImplementedError()

    @property
    def output_names(self) -> list:
        raise NotImplementedError()

    @property
    def data_shapes(self) -> list:
        raise NotImplementedError()

    @property
    def label_shapes(self):
        raise NotImplementedError()

    @property
    def output_shapes(self) -> list:
        raise NotImplementedError()

    @property
    def symbol(self):
        """The module's symbol."""
        return self._symbol

    def get_params(self) -> tuple:
        raise NotImplementedError()

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None, allow_missing=False,
                    force_init=False, allow_extra=False) -> None:
        raise NotImplementedError()

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True, allow_extra=False) -> None:
        """Sets the parameters to the given values (as init_params with no initializer)."""
        self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init, allow_extra=allow_extra)

    def save_params(self, fname: str) -> None:
        """Saves the parameters as ``arg:``/``aux:`` keys in MXNet's ``.params`` format."""
        arg_params, aux_params = self.get_params()
        save_dict = {"arg:%s" % k: v.as_in_context(cpu()) for k, v in arg_params.items()}
        save_dict.update({"aux:%s" % k: v.as_in_context(cpu()) for k, v in aux_params.items()})
        nd.save(fname, save_dict)

    def load_params(self, fname: str) -> None:
        """Loads parameters written by save_params (or MXNet's save_checkpoint)."""
        save_dict = nd.load(fname)
        if not isinstance(save_dict, dict):
            raise MXNetValueError("load_params: %s holds arrays without names, not 'arg:'/'aux:' keys" % fname)
        arg_params, aux_params = _split_params(save_dict, fname)
        self.set_params(arg_params, aux_params)

    def get_states(self, merge_multi_context: bool = True) -> list:
        self._check_ready("get_states")
        return []

    def set_states(self, states=None, value=None) -> None:
        self._check_ready("set_states")

    def install_monitor(self, mon) -> None:
        raise NotImplementedError()

    def prepare(self, data_batch, sparse_row_id_fn=None) -> None:
        """Gets ready for `data_batch` (switching buckets, pulling sparse rows)."""
        if sparse_row_id_fn is not None:
            warnings.warn(UserWarning("sparse_row_id_fn is not invoked for BaseModule."))

    def forward(self, data_batch, is_train=None) -> None:
        raise NotImplementedError()

    def backward(self, out_grads=None) -> None:
        raise NotImplementedError()

    def get_outputs(self, merge_multi_context: bool = True) -> list:
        raise NotImplementedError()

    def get_input_grads(self, merge_multi_context: bool = True) -> list:
        raise NotImplementedError()

    def update(self) -> None:
        raise NotImplementedError()

    def update_metric(self, eval_metric, labels, pre_sliced: bool = False) -> None:
        raise NotImplementedError()

    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False, force_rebind=False,
             shared_module=None, grad_req="write") -> None:
        raise NotImplementedError()

    def init_optimizer(self, kvstore="local", optimizer="sgd", optimizer_params=(("learning_rate", 0.01),),
                       force_init=False) -> None:
        raise NotImplementedError()


def _check_iter(it, fn: str, what: str, described: bool = False) -> None:
    """`it` must be given; `described`: it must also tell its shapes (provide_data)."""
    if it is None:
        raise MXNetValueError("%s: %s is None; give a DataIter such as mx.io.NDArrayIter(data, label, batch_size)"
                              % (fn, what))
    if described and not (isinstance(it, DataIter) or hasattr(it, "provide_data")):
        raise MXNetTypeError("%s: %s must be a DataIter (e.g. mx.io.NDArrayIter), got %s"
                             % (fn, what, type(it).__name__))

