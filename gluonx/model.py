"""``mx.model``: checkpoints in MXNet's format and the callback record.

A checkpoint is ``prefix-symbol.json`` (the graph) plus
``prefix-%04d.params`` (``mx.nd.save`` of ``{'arg:name': ..., 'aux:name': ...}``),
the files MXNet 1.x writes and reads; either library loads the other's.

>>> import gluonx as mx, tempfile, os
>>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
>>> args = {'fc_weight': mx.nd.ones((2, 3)), 'fc_bias': mx.nd.zeros((2,))}
>>> prefix = os.path.join(tempfile.mkdtemp(), 'net')
>>> mx.model.save_checkpoint(prefix, 1, net, args, {})
>>> sym, arg, aux = mx.model.load_checkpoint(prefix, 1)
>>> sorted(arg), aux
(['fc_bias', 'fc_weight'], {})
"""
from __future__ import annotations

import logging
from collections import namedtuple

from gluonx.base import MXNetNotImplementedError, MXNetValueError
from gluonx.context import cpu
from gluonx import ndarray as nd

__all__ = ["BatchEndParam", "save_checkpoint", "load_checkpoint", "load_params", "FeedForward"]

BatchEndParam = namedtuple("BatchEndParams", ["epoch", "nbatch", "eval_metric", "locals"])
BatchEndParam.__doc__ = """What a batch-end (or score-end) callback receives: the epoch, the
batch number, the metric and the caller's ``locals()``."""


def save_checkpoint(prefix: str, epoch: int, symbol, arg_params: dict, aux_params: dict,
                    remove_amp_cast: bool = True) -> None:
    """Writes ``prefix-symbol.json`` (when `symbol` is not None) and
    ``prefix-%04d.params`` holding ``arg:``/``aux:`` keyed arrays."""
    if symbol is not None:
        symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
    save_dict = {"arg:%s" % k: v.as_in_context(cpu()) for k, v in arg_params.items()}
    save_dict.update({"aux:%s" % k: v.as_in_context(cpu()) for k, v in (aux_params or {}).items()})
    param_name = "%s-%04d.params" % (prefix, epoch)
    nd.save(param_name, save_dict)
    logging.info('Saved checkpoint to "%s"', param_name)


def _split_params(save_dict: dict, fname: str) -> tuple:
    arg_params, aux_params = {}, {}
    for k, v in save_dict.items():
        kind, sep, name = k.partition(":")
        if not sep or kind not in ("arg", "aux"):
            raise MXNetValueError("%s: key %r is neither 'arg:<name>' nor 'aux:<name>'; not a checkpoint's "
                                  "parameter file" % (fname, k))
        (arg_params if kind == "arg" else aux_params)[name] = v
    return arg_params, aux_params


def load_params(prefix: str, epoch: int) -> tuple:
    """``(arg_params, aux_params)`` from ``prefix-%04d.params``."""
    fname = "%s-%04d.params" % (prefix, epoch)
    save_dict = nd.load(fname)
    if not save_dict:
        logging.warning("Params file '%s' is empty", fname)
        return {}, {}
    if not isinstance(save_dict, dict):
        raise MXNetValueError("%s holds a list of %d arrays without names; a checkpoint's parameter file "
                              "maps 'arg:<name>'/'aux:<name>' to arrays" % (fname, len(save_dict)))
    return _split_params(save_dict, fname)


def load_checkpoint(prefix: str, epoch: int) -> tuple:
    """``(symbol, arg_params, aux_params)`` from ``prefix-symbol.json`` and
    ``prefix-%04d.params``."""
    from gluonx import symbol as sym
    symbol = sym.load("%s-symbol.json" % prefix)
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params


class FeedForward(object):
    """MXNet's pre-Module training API (deprecated there since 0.10): use
    :class:`gluonx.module.Module` (``mx.mod.Module(symbol).fit(...)``)."""

    def __init__(self, *args, **kwargs):
        raise MXNetNotImplementedError("mx.model.FeedForward is not supported (deprecated in MXNet); use "
                                       "mx.mod.Module(symbol, data_names, label_names).fit(train_iter, ...)")

    @staticmethod
    def load(*args, **kwargs):
        raise MXNetNotImplementedError("mx.model.FeedForward.load is not supported; use "
                                       "mx.mod.Module.load(prefix, epoch)")

