"""``mx.callback``: callbacks for ``Module.fit`` (MXNet 1.9.1's, with its log lines).

Epoch-end callbacks are called ``cb(epoch, symbol, arg_params, aux_params)``;
batch-end callbacks ``cb(BatchEndParam(epoch, nbatch, eval_metric, locals))``.

>>> import gluonx as mx
>>> cb = mx.callback.Speedometer(batch_size=32, frequent=50)
>>> ckpt = mx.callback.do_checkpoint('mymodel', period=2)
"""
from __future__ import annotations

import logging
import math
import time

from gluonx.model import save_checkpoint

__all__ = ["module_checkpoint", "do_checkpoint", "log_train_metric", "Speedometer", "ProgressBar",
           "LogValidationMetricsCallback"]


def module_checkpoint(mod, prefix: str, period: int = 1, save_optimizer_states: bool = False):
    """An epoch-end callback that calls ``mod.save_checkpoint(prefix, epoch + 1)``
    every `period` epochs (with the optimizer states when asked)."""
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0:
            mod.save_checkpoint(prefix, iter_no + 1, save_optimizer_states)
    return _callback


def do_checkpoint(prefix: str, period: int = 1):
    """An epoch-end callback writing ``prefix-symbol.json`` and
    ``prefix-%04d.params`` (epoch + 1) every `period` epochs.

    >>> mod.fit(train_iter, num_epoch=2, epoch_end_callback=mx.callback.do_checkpoint('net'))  # doctest: +SKIP
    """
    period = int(max(1, period))

    def _callback(iter_no, sym, arg, aux):
        if (iter_no + 1) % period == 0:
            save_checkpoint(prefix, iter_no + 1, sym, arg, aux)
    return _callback


def log_train_metric(period: int, auto_reset: bool = False):
    """A batch-end callback logging ``Iter[e] Batch[n] Train-<metric>=<value>``
    every `period` batches (resetting the metric's local state when asked)."""
    def _callback(param):
        if param.nbatch % period == 0 and param.eval_metric is not None:
            for name, value in param.eval_metric.get_name_value():
                logging.info("Iter[%d] Batch[%d] Train-%s=%f", param.epoch, param.nbatch, name, value)
            if auto_reset:
                param.eval_metric.reset_local()
    return _callback


class Speedometer(object):
    """A batch-end callback logging the speed (samples/s over the last
    `frequent` batches) and the metric, as MXNet's line::

        Epoch[0] Batch [50-100]	Speed: 1910.41 samples/sec	accuracy=0.200000

    With `auto_reset` the metric's local state restarts after each line (the
    range then reads ``[from-to]``, else ``[0-to]``).
    """

    def __init__(self, batch_size: int, frequent: int = 50, auto_reset: bool = True):
        self.batch_size = batch_size
        self.frequent = frequent
        self.init = False
        self.tic = 0.0
        self.last_count = 0
        self.auto_reset = auto_reset

    def __call__(self, param) -> None:
        count = param.nbatch
        if self.last_count > count:  # a new epoch started
            self.init = False
        self.last_count = count
        if not self.init:
            self.init = True
            self.tic = time.time()
            return
        if count % self.frequent != 0:
            return
        elapsed = time.time() - self.tic
        speed = self.frequent * self.batch_size / elapsed if elapsed > 0 else float("inf")
        if param.eval_metric is not None:
            name_value = param.eval_metric.get_name_value()
            if self.auto_reset:
                param.eval_metric.reset_local()
                msg = "Epoch[%d] Batch [%d-%d]\tSpeed: %.2f samples/sec" + "\t%s=%f" * len(name_value)
                logging.info(msg, param.epoch, count - self.frequent, count, speed, *sum(name_value, ()))
            else:
                msg = "Epoch[%d] Batch [0-%d]\tSpeed: %.2f samples/sec" + "\t%s=%f" * len(name_value)
                logging.info(msg, param.epoch, count, speed, *sum(name_value, ()))
        else:
            logging.info("Iter[%d] Batch [%d]\tSpeed: %.2f samples/sec", param.epoch, count, speed)
        self.tic = time.time()


class ProgressBar(object):
    """A batch-end callback logging ``[=====-----] 50%`` of `total` batches.

    >>> bar = mx.callback.ProgressBar(total=2, length=8)
    """

    def __init__(self, total: int, length: int = 80):
        self.bar_len = length
        self.total = total

    def __call__(self, param) -> None:
        count = param.nbatch
        filled = int(round(self.bar_len * count / float(self.total)))
        percents = math.ceil(100.0 * count / float(self.total))
        bar = "=" * filled + "-" * (self.bar_len - filled)
        logging.info("[%s] %s%s\r", bar, percents, "%")


class LogValidationMetricsCallback(object):
    """An eval-end callback logging ``Epoch[e] Validation-<metric>=<value>``."""

    def __call__(self, param) -> None:
        if not param.eval_metric:
            return
        for name, value in param.eval_metric.get_name_value():
            logging.info("Epoch[%d] Validation-%s=%f", param.epoch, name, value)
