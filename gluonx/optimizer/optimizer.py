"""The Optimizer base class, the optimizer registry and the Updater.

Semantics follow MXNet 1.9.1 (``mxnet/optimizer/optimizer.py``): learning
rate from ``learning_rate`` or an ``lr_scheduler`` evaluated at
``num_update``; per-parameter ``lr_mult``/``wd_mult`` looked up by index,
then by name via ``param_idx2name`` (names not ending in ``_weight`` or
``_gamma`` get ``wd_mult`` 0); ``multi_precision`` keeps a float32 master
copy of float16 weights.

>>> import gluonx as mx
>>> opt = mx.optimizer.create('sgd', learning_rate=0.1)
>>> upd = mx.optimizer.get_updater(opt)
>>> w = mx.nd.array([1.0]); upd(0, mx.nd.array([1.0]), w); w.asnumpy().tolist()
[0.8999999761581299]
"""
from __future__ import annotations

import warnings

import numpy

from gluonx.base import MXNetValueError
from gluonx._core.ndarray import NDArray
from gluonx import ndarray as nd
from gluonx.optimizer import _states

__all__ = ["Optimizer", "register", "create", "Updater", "get_updater"]


class Optimizer(object):
    """The base class of all optimizers (see the module docstring)."""

    opt_registry: dict = {}

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if self.lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if self.lr_scheduler is not None and learning_rate is not None:
            if self.lr_scheduler.base_lr != learning_rate:
                print(UserWarning("learning rate from ``lr_scheduler`` has been "
                                  "overwritten by ``learning_rate`` in optimizer."))
                self.lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise MXNetValueError("param_idx2name should be a dict of param indexes to names, got %s"
                                  % type(param_idx2name).__name__)
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ---- registry -------------------------------------------------------------
    @staticmethod
    def register(klass):
        """Registers an optimizer class under its lower-cased class name."""
        if not isinstance(klass, type):
            raise MXNetValueError("register expects a class, got %r" % (klass,))
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            warnings.warn("WARNING: New optimizer %s.%s is overriding existing optimizer %s.%s"
                          % (klass.__module__, klass.__name__,
                             Optimizer.opt_registry[name].__module__,
                             Optimizer.opt_registry[name].__name__))
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """Instantiates the optimizer registered as `name` (case-insensitive)."""
        if name.lower() in Optimizer.opt_registry:
            return Optimizer.opt_registry[name.lower()](**kwargs)
        raise ValueError("Cannot find optimizer %s" % name)

    # ---- learning rate ---------------------------------------------------------
    @property
    def learning_rate(self):
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note that "
                              "set_learning_rate can mutate the value of the learning rate of the "
                              "optimizer only when the LRScheduler of the optimizer is undefined.")
        self.lr = lr

    def set_lr_scale(self, args_lrscale):  # pragma: no cover
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult):
        self.lr_mult = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__lr_mult__" in attr[name]:
                    self.lr_mult[name] = float(attr[name]["__lr_mult__"])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith("_weight") or n.endswith("_gamma")):
                self.wd_mult[n] = 0.0
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__wd_mult__" in attr[name]:
                    self.wd_mult[name] = float(attr[name]["__wd_mult__"])
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id):
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index):
        if not isinstance(index, (list, tuple)):
            index = [index]
        for idx in index:
            if idx not in self._index_update_count:
                self._index_update_count[idx] = self.begin_num_update
            self._index_update_count[idx] += 1
            self.num_update = max(self._index_update_count[idx], self.num_update)

    def _base_lr(self):
        return self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr

    def _get_lrs(self, indices):
        return self._scale_by_lr_mult(self._base_lr(), indices)

    def _scale_by_lr_mult(self, lr, indices):
        """lr times each index's lr_mult (from its Parameter, by index, or by name)."""
        lrs = [lr for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                lrs[i] *= self.param_dict[index].lr_mult
            elif index in self.lr_mult:
                lrs[i] *= self.lr_mult[index]
            elif index in self.idx2name:
                lrs[i] *= self.lr_mult.get(self.idx2name[index], 1.0)
        return lrs

    def _get_lr(self, index):
        return self._get_lrs([index])[0]

    def _get_wds(self, indices):
        wds = [self.wd for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                wds[i] *= self.param_dict[index].wd_mult
            elif index in self.wd_mult:
                wds[i] *= self.wd_mult[index]
            elif index in self.idx2name:
                wds[i] *= self.wd_mult.get(self.idx2name[index], 1.0)
        return wds

    def _get_wd(self, index):
        return self._get_wds([index])[0]

    # ---- states and updates ----------------------------------------------------
    def create_state(self, index, weight):
        """Auxiliary state for one weight (None when the optimizer needs none)."""
        return None

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy = weight.astype(numpy.float32)
            return (weight_master_copy,) + (self.create_state(index, weight_master_copy),)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or slow "
                          "convergence. Consider using multi_precision=True option of the optimizer")
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        raise NotImplementedError()

    def update_multi_precision(self, index, weight, grad, state):
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy = state[0]
            original_state = state[1]
            grad32 = grad.astype(numpy.float32)
            self.update(index, weight_master_copy, grad32, original_state)
            nd.cast(weight_master_copy, dtype=weight.dtype, out=weight)
        else:
            self.update(index, weight, grad, state)

    def _mp_create_state(self, index, weight):
        """(state, master copy) layout of SGD, NAG and LARS."""
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy = weight.astype(numpy.float32)
            return (self.create_state(index, weight_master_copy), weight_master_copy)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or slow "
                          "convergence. Consider using multi_precision=True option of the %s "
                          "optimizer" % type(self).__name__)
        return self.create_state(index, weight)

    def __getstate__(self):
        ret = self.__dict__.copy()
        del ret["param_dict"]
        return ret

    def __setstate__(self, state):
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register
create = Optimizer.create_optimizer


# ---- Updater ----------------------------------------------------------------------

class Updater(object):
    """Applies an optimizer to (index, grad, weight) triples, keeping states.

    ``get_states``/``set_states`` (and the aliases ``save_states_bytes`` /
    ``load_states_bytes``) serialize the states without pickle: arrays in
    MXNet's ``.params`` format, counters and structure as JSON.
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = False

    def __call__(self, index, grad, weight):
        if not isinstance(index, (list, tuple)):
            indices, grads, weights = [index], [grad], [weight]
        else:
            indices, grads, weights = list(index), list(grad), list(weight)
        if weights:
            self.optimizer._set_current_context(weights[0].context.device_id)
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                indices[i] = idx = idx.decode()
            if idx not in self.states:
                self.states[idx] = self.optimizer.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced[idx]:
                # a loaded state must have the layout this optimizer makes for this weight
                _states.check_state(self.states[idx], self.optimizer.create_state_multi_precision(idx, weights[i]),
                                    idx)
                self.states[idx] = self.sync_state_context(self.states[idx], weights[i].context)
                self.states_synced[idx] = True
        for i, w, g in zip(indices, weights, grads):
            self.optimizer.update_multi_precision(i, w, g, self.states[i])

    def sync_state_context(self, state, context):
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    # ---- pickle-free serialization (format: gluonx/optimizer/_states.py) ----------
    def save_states_bytes(self, dump_optimizer=False):
        """The states (and, with `dump_optimizer`, the optimizer's config) as bytes."""
        return _states.encode(self.states, self.optimizer, dump_optimizer)

    def load_states_bytes(self, data, src="the states buffer"):
        """Restores bytes of :meth:`save_states_bytes`, checking every part;
        a bad blob raises MXNetValueError naming `src` and leaves this
        Updater unchanged.  Only the optimizer's known attributes are set."""
        got = _states.decode(data, src)
        opt = self.optimizer
        if got["optimizer"] is not None:
            opt = _states.rebuild_optimizer(got["optimizer"], opt, Optimizer.opt_registry, got["decoder"])
        self.optimizer = opt
        self.states = got["states"]
        self.states_synced = dict.fromkeys(self.states, False)
        opt.num_update = got["num_update"]
        opt._all_index_update_counts = got["counts"]
        opt._all_index_update_counts.setdefault(0, {})
        opt._index_update_count = opt._all_index_update_counts[0]

    def get_states(self, dump_optimizer=False):
        """The states as bytes (pickle-free; see save_states_bytes)."""
        return self.save_states_bytes(dump_optimizer)

    def set_states(self, states):
        """Restores states written by get_states."""
        self.load_states_bytes(states)


def get_updater(optimizer):
    """An Updater (a callable ``(index, grad, weight)``) for `optimizer`."""
    return Updater(optimizer)
