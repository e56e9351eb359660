"""Module: a Symbol trained with an optimizer over one or several contexts
(MXNet 1.9.1's ``mx.mod.Module``).

>>> import gluonx as mx, numpy as np
>>> data = mx.sym.var('data')
>>> net = mx.sym.LinearRegressionOutput(mx.sym.FullyConnected(data, num_hidden=1, name='fc'),
...                                     mx.sym.var('label'), name='out')
>>> x = np.random.rand(40, 3).astype('float32'); y = x @ np.array([1., 2., 3.], 'float32')
>>> it = mx.io.NDArrayIter(x, y, batch_size=10, label_name='label')
>>> mod = mx.mod.Module(net, data_names=('data',), label_names=('label',))
>>> mod.fit(it, num_epoch=50, optimizer='adam', optimizer_params={'learning_rate': 0.1},
...         eval_metric='mse')
>>> mod.score(it, 'mse')[0][1] < 0.05
True
"""
from __future__ import annotations

import logging
import os
import warnings

from gluonx.base import MXNetNotImplementedError, MXNetRuntimeError, MXNetTypeError, MXNetValueError
from gluonx._fileio import read_regular, write_atomic
from gluonx import context as ctx
from gluonx import ndarray as nd
from gluonx import optimizer as opt
from gluonx.initializer import InitDesc, Uniform
from gluonx.io import DataDesc
from gluonx.model import load_checkpoint
from gluonx.module.base_module import BaseModule, _check_input_names, _parse_data_desc, _require
from gluonx.module.executor_group import DataParallelExecutorGroup

__all__ = ["Module"]


def _kvstore_reduces(kvstore, num_device: int) -> bool:
    """Whether gradients are summed over the contexts before the update (what
    MXNet's 'local'/'device' KVStore does); a single context needs no store."""
    if kvstore is None:
        return False
    if isinstance(kvstore, str):
        if "dist" in kvstore:
            raise MXNetNotImplementedError("Module: distributed kvstore %r is not supported yet; use 'local', "
                                           "'device' or None" % kvstore)
        if kvstore not in ("local", "device", "nccl") and not kvstore.startswith(("local", "device")):
            raise MXNetValueError("Module: unknown kvstore %r (expected 'local', 'device' or None)" % kvstore)
        return num_device > 1
    if not hasattr(kvstore, "pushpull") and not hasattr(kvstore, "push"):
        raise MXNetTypeError("Module: kvstore must be a KVStore, a str or None, got %s" % type(kvstore).__name__)
    return True


class _LocalStore(object):
    """What MXNet's 'local'/'device' KVStore does for a Module on several
    contexts: gradients summed over the contexts, one optimizer step per
    parameter (states keyed by parameter name, as in MXNet's store), the
    result copied to every context."""

    type = "local"

    def __init__(self, optimizer):
        self._updater = opt.get_updater(optimizer)

    def pushpull(self, name: str, grads: list, out: list, priority: int = 0) -> None:
        total = grads[0].copy()
        for g in grads[1:]:
            total += g.as_in_context(total.context)
        self._updater(name, total, out[0])
        for w in out[1:]:
            out[0].copyto(w)

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        write_atomic(fname, self._updater.get_states(dump_optimizer), "Module.save_optimizer_states")

    def load_optimizer_states(self, fname: str) -> None:
        self._updater.set_states(read_regular(os.fspath(fname), "Module.load_optimizer_states"))


class Module(BaseModule):
    """A module over `symbol`: `data_names` and `label_names` are the
    arguments fed from batches, `state_names` ones set with set_states,
    `fixed_param_names` parameters left untouched by updates; every other
    argument is a parameter.  `context`: a Context or a list of them (the
    batch is split over them by `work_load_list`).
    """

    def __init__(self, symbol, data_names=("data",), label_names=("softmax_label",), logger=logging,
                 context=ctx.cpu(), work_load_list=None, fixed_param_names=None, state_names=None,
                 group2ctxs=None, compression_params=None):
        super().__init__(logger=logger)
        if isinstance(context, ctx.Context):
            context = [context]
        self._context = list(context)
        if not self._context:
            raise MXNetValueError("Module: context must hold at least one Context")
        if work_load_list is None:
            work_load_list = [1] * len(self._context)
        if len(work_load_list) != len(self._context):
            raise MXNetValueError("Module: work_load_list has %d entries for %d contexts"
                                  % (len(work_load_list), len(self._context)))
        self._work_load_list = list(work_load_list)
        self._group2ctxs = group2ctxs
        self._symbol = symbol
        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        _check_input_names(symbol, data_names, "data", True)
        _check_input_names(symbol, label_names, "label", False)
        _check_input_names(symbol, state_names, "state", True)
        _check_input_names(symbol, fixed_param_names, "fixed_param", True)
        input_names = data_names + label_names + state_names
        self._param_names = [x for x in symbol.list_arguments() if x not in input_names]
        self._fixed_param_names = fixed_param_names
        self._aux_names = symbol.list_auxiliary_states()
        self._data_names = data_names
        self._label_names = label_names
        self._state_names = state_names
        self._output_names = symbol.list_outputs()
        self._arg_params = None
        self._aux_params = None
        self._params_dirty = False
        self._compression_params = compression_params
        self._optimizer = None
        self._kvstore = None
        self._update_on_kvstore = False
        self._reduce_grads = False
        self._updater = None
        self._preload_opt_states = None
        self._grad_req = None
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    # ---- checkpoints -------------------------------------------------------------------
    @staticmethod
    def load(prefix: str, epoch: int, load_optimizer_states: bool = False, **kwargs) -> "Module":
        """A Module from ``prefix-symbol.json`` and ``prefix-%04d.params`` (and,
        with `load_optimizer_states`, ``prefix-%04d.states`` once init_optimizer
        runs); `kwargs` go to the constructor (data_names, label_names, context ...)."""
        sym, args, auxs = load_checkpoint(prefix, epoch)
        mod = Module(symbol=sym, **kwargs)
        mod._arg_params = args
        mod._aux_params = auxs
        mod.params_initialized = True
        if load_optimizer_states:
            mod._preload_opt_states = "%s-%04d.states" % (prefix, epoch)
        return mod

    def save_checkpoint(self, prefix: str, epoch: int, save_optimizer_states: bool = False,
                        remove_amp_cast: bool = True) -> None:
        """Writes ``prefix-symbol.json``, ``prefix-%04d.params`` and optionally
        ``prefix-%04d.states`` (the optimizer's states)."""
        self._symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
        param_name = "%s-%04d.params" % (prefix, epoch)
        self.save_params(param_name)
        logging.info('Saved checkpoint to "%s"', param_name)
        if save_optimizer_states:
            state_name = "%s-%04d.states" % (prefix, epoch)
            self.save_optimizer_states(state_name)
            logging.info('Saved optimizer state to "%s"', state_name)

    def save_optimizer_states(self, fname: str) -> None:
        """Writes the optimizer's states (gluonx's pickle-free format)."""
        _require(self.optimizer_initialized, "save_optimizer_states: call init_optimizer() first")
        if self._update_on_kvstore:
            self._kvstore.save_optimizer_states(fname)
        else:
            write_atomic(fname, self._updater.get_states(), "Module.save_optimizer_states")

    def load_optimizer_states(self, fname: str) -> None:
        """Restores states written by save_optimizer_states."""
        _require(self.optimizer_initialized, "load_optimizer_states: call init_optimizer() first")
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
        else:
            self._updater.set_states(read_regular(os.fspath(fname), "Module.load_optimizer_states"))

    def _reset_bind(self) -> None:
        self.binded = False
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    # ---- properties ----------------------------------------------------------------------
    @property
    def data_names(self) -> list:
        return self._data_names

    @property
    def label_names(self) -> list:
        return self._label_names

    @property
    def output_names(self) -> list:
        return self._output_names

    @property
    def data_shapes(self) -> list:
        _require(self.binded, "data_shapes: call bind() first")
        return self._data_shapes

    @property
    def label_shapes(self):
        _require(self.binded, "label_shapes: call bind() first")
        return self._label_shapes

    @property
    def output_shapes(self) -> list:
        _require(self.binded, "output_shapes: call bind() first")
        return self._exec_group.get_output_shapes()

    # ---- parameters ------------------------------------------------------------------------
    def get_params(self) -> tuple:
        """``(arg_params, aux_params)``: dicts of CPU copies of the parameters."""
        _require(self.params_initialized, "get_params: call init_params() first")
        if self._params_dirty:
            self._sync_params_from_devices()
        return self._arg_params, self._aux_params

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None, allow_missing=False,
                    force_init=False, allow_extra=False) -> None:
        """Initializes the parameters: from `arg_params`/`aux_params` where
        given (a missing one is an error unless `allow_missing`, then the
        initializer fills it), else with `initializer` (a variable's own
        ``init`` attribute wins)."""
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. init_params call ignored.",
                          stacklevel=2)
            return
        _require(self.binded, "init_params: call bind() before initializing the parameters")

        def _impl(name, arr, cache):
            if cache is not None:
                if name in cache:
                    if cache[name] is not arr:
                        src = cache[name]
                        if tuple(src.shape) != tuple(arr.shape):
                            raise MXNetValueError("init_params: %s has shape %s, the module needs %s"
                                                  % (name, tuple(src.shape), tuple(arr.shape)))
                        src.astype(arr.dtype).copyto(arr)
                    return
                if not allow_missing:
                    raise MXNetRuntimeError("%s is not presented (init_params: the given parameters %s lack it; "
                                            "pass allow_missing=True to initialize it)" % (name, sorted(cache)))
                if initializer is not None:
                    initializer(name, arr)
            elif initializer is None:
                raise MXNetValueError("init_params: no initializer and no value for %s" % name)
            else:
                initializer(name, arr)

        attrs = self._symbol.attr_dict()
        for name, arr in sorted(self._arg_params.items()):
            _impl(InitDesc(name, attrs.get(name, None)), arr, arg_params)
        for name, arr in sorted(self._aux_params.items()):
            _impl(InitDesc(name, attrs.get(name, None)), arr, aux_params)
        self.params_initialized = True
        self._params_dirty = False
        self._exec_group.set_params(self._arg_params, self._aux_params, allow_extra=allow_extra)

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True, allow_extra=False) -> None:
        """Sets parameters from dicts (missing ones stay as they are with `allow_missing`)."""
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init, allow_extra=allow_extra)
            return
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. set_params call ignored.",
                          stacklevel=2)
            return
        self._exec_group.set_params(arg_params, aux_params, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def _sync_params_from_devices(self) -> None:
        self._exec_group.get_params(self._arg_params, self._aux_params)
        self._params_dirty = False

    # ---- binding ------------------------------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False, force_rebind=False,
             shared_module=None, grad_req="write") -> None:
        """Allocates the executors for these input shapes (``[(name, shape)]``
        or DataDescs).  `inputs_need_grad`: keep gradients of the data
        (get_input_grads); `shared_module`: share its parameters."""
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        if not for_training and inputs_need_grad:
            raise MXNetValueError("bind: inputs_need_grad=True needs for_training=True")
        data_shapes, label_shapes = _parse_data_desc(self.data_names, self.label_names, data_shapes, label_shapes)
        shared_group = None
        if shared_module is not None:
            _require(isinstance(shared_module, Module) and shared_module.binded
                     and shared_module.params_initialized,
                     "bind: shared_module must be a Module that is bound and initialized")
            shared_group = shared_module._exec_group
            _require(len(shared_group.execs) >= len(self._context),
                     "bind: shared_module runs on fewer contexts than this module")
        self._exec_group = DataParallelExecutorGroup(
            self._symbol, self._context, self._work_load_list, data_shapes, label_shapes, self._param_names,
            for_training, inputs_need_grad, shared_group, logger=self.logger,
            fixed_param_names=self._fixed_param_names, grad_req=grad_req, group2ctxs=self._group2ctxs,
            state_names=self._state_names)
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        self._data_shapes, self._label_shapes = data_shapes, label_shapes
        self._total_exec_bytes = self._exec_group._total_exec_bytes
        if shared_module is not None:
            self.params_initialized = True
            self._arg_params = shared_module._arg_params
            self._aux_params = shared_module._aux_params
        elif self.params_initialized:
            # parameters loaded before binding (Module.load): into the executors
            self._exec_group.set_params(self._arg_params, self._aux_params)
        else:
            if self._arg_params is not None or self._aux_params is not None:
                raise MXNetValueError("bind: parameters were set before bind without params_initialized")
            self._arg_params = {name: nd.zeros(a[0].shape, dtype=a[0].dtype)
                                for name, a in zip(self._exec_group.param_names, self._exec_group.param_arrays)}
            self._aux_params = {name: nd.zeros(a[0].shape, dtype=a[0].dtype)
                                for name, a in zip(self._aux_names, self._exec_group.aux_arrays)}
        if shared_module is not None and shared_module.optimizer_initialized:
            self.borrow_optimizer(shared_module)
        self.binded = True

    def reshape(self, data_shapes, label_shapes=None) -> None:
        """Re-binds for new input shapes (the parameters are kept)."""
        _require(self.binded, "reshape: call bind() first")
        self._data_shapes, self._label_shapes = _parse_data_desc(self.data_names, self.label_names, data_shapes,
                                                                 label_shapes)
        self._exec_group.reshape(self._data_shapes, self._label_shapes)

    # ---- optimizer ------------------------------------------------------------------------------
    def init_optimizer(self, kvstore="local", optimizer="sgd", optimizer_params=(("learning_rate", 0.01),),
                       force_init=False) -> None:
        """Sets up the optimizer (a name with `optimizer_params`, or an
        Optimizer); a named one gets ``rescale_grad = 1/batch_size`` unless
        given.  With several contexts and a 'local'/'device' kvstore the
        gradients are summed over them before each update."""
        _require(self.binded and self.params_initialized, "init_optimizer: call bind() and init_params() first")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring...")
            return
        if self._params_dirty:
            self._sync_params_from_devices()
        num_device = len(self._context)
        self._reduce_grads = _kvstore_reduces(kvstore, num_device)
        # as MXNet: with a store, the update runs once in it (unless MXNET_UPDATE_ON_KVSTORE=0)
        on_store = self._reduce_grads and isinstance(kvstore, str) and \
            bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
        batch_size = self._exec_group.batch_size
        rescale_grad = 1.0 / batch_size
        idx2name = {}
        if on_store:
            idx2name.update(enumerate(self._exec_group.param_names))
        else:
            for k in range(num_device):
                idx2name.update({i * num_device + k: n for i, n in enumerate(self._exec_group.param_names)})
        if isinstance(optimizer, str):
            optimizer_params = dict(optimizer_params)
            if "rescale_grad" not in optimizer_params:
                optimizer_params["rescale_grad"] = rescale_grad
            optimizer = opt.create(optimizer, sym=self.symbol, param_idx2name=idx2name, **optimizer_params)
        else:
            if not isinstance(optimizer, opt.Optimizer):
                raise MXNetTypeError("init_optimizer: optimizer must be a name or an Optimizer, got %s"
                                     % type(optimizer).__name__)
            if optimizer.rescale_grad != rescale_grad:
                warnings.warn("Optimizer created manually outside Module but rescale_grad is not normalized to "
                              "1.0/batch_size/num_workers (%s vs. %s). Is this intended?"
                              % (optimizer.rescale_grad, rescale_grad), stacklevel=2)
            if not optimizer.idx2name:
                optimizer.idx2name = idx2name.copy()
        self._optimizer = optimizer
        self._kvstore = kvstore if not isinstance(kvstore, str) else None
        self._update_on_kvstore = on_store
        self._updater = None
        if on_store:
            self._kvstore = _LocalStore(optimizer)
        else:
            self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def borrow_optimizer(self, shared_module) -> None:
        """Uses `shared_module`'s optimizer and updater."""
        _require(shared_module.optimizer_initialized, "borrow_optimizer: the shared module has no optimizer")
        self._optimizer = shared_module._optimizer
        self._kvstore = shared_module._kvstore
        self._update_on_kvstore = shared_module._update_on_kvstore
        self._reduce_grads = shared_module._reduce_grads
        self._updater = shared_module._updater
        self.optimizer_initialized = True

    # ---- running -----------------------------------------------------------------------------------
    def forward(self, data_batch, is_train=None) -> None:
        """Runs the module on `data_batch` (re-binding first when its data
        shapes differ from the bound ones)."""
        self._check_ready("forward")
        if data_batch is None or data_batch.data is None:
            raise MXNetValueError("forward: the batch holds no data")
        curr = tuple(tuple(d.shape) for d in self._data_shapes)
        new = tuple(tuple(d.shape) for d in data_batch.data)
        if curr != new:
            if len(new) != len(curr):
                raise MXNetValueError("forward: the batch has %d data arrays for the data inputs %s"
                                      % (len(new), self.data_names))
            if getattr(data_batch, "provide_data", None):
                new_dshape = data_batch.provide_data
            else:
                new_dshape = [DataDesc(d.name, shape, d.dtype, d.layout) for d, shape in zip(self._data_shapes, new)]
            if getattr(data_batch, "provide_label", None):
                new_lshape = data_batch.provide_label
            elif getattr(data_batch, "label", None) and self._label_shapes is not None:
                new_lshape = [DataDesc(d.name, tuple(lab.shape), d.dtype, d.layout)
                              for d, lab in zip(self._label_shapes, data_batch.label)]
            else:
                new_lshape = None
            self.reshape(new_dshape, new_lshape)
        self._exec_group.forward(data_batch, is_train)

    def backward(self, out_grads=None) -> None:
        """Gradients of the last forward (`out_grads`: head gradients, needed
        for outputs that are not loss layers)."""
        self._check_ready("backward")
        self._exec_group.backward(out_grads=out_grads)

    def update(self) -> None:
        """One optimizer step on every parameter from the last backward."""
        self._check_ready("update")
        _require(self.optimizer_initialized, "update: call init_optimizer() first")
        self._params_dirty = True
        group = self._exec_group
        num_device = len(self._context)
        updates = [[] for _ in range(num_device)]
        for i, (weights, grads) in enumerate(zip(group.param_arrays, group.grad_arrays or [])):
            if grads[0] is None:
                continue
            if self._update_on_kvstore:
                self._kvstore.pushpull(group.param_names[i], grads, out=weights, priority=-i)
                continue
            if self._reduce_grads:
                self._allreduce(group.param_names[i], grads, priority=-i)
            for k, (w, g) in enumerate(zip(weights, grads)):
                updates[k].append((i * num_device + k, g, w))
        for dev in updates:
            if dev:
                idx, g, w = zip(*dev)
                self._updater(list(idx), list(g), list(w))

    def _allreduce(self, name: str, grads: list, priority: int) -> None:
        """Every context's gradient becomes their sum (MXNet's kvstore pushpull)."""
        if self._kvstore is not None and hasattr(self._kvstore, "pushpull"):
            self._kvstore.pushpull(name, grads, out=grads, priority=priority)
            return
        total = grads[0].copy()
        for g in grads[1:]:
            total += g.as_in_context(total.context)
        for g in grads:
            total.copyto(g)

    def get_outputs(self, merge_multi_context: bool = True) -> list:
        """The outputs of the last forward (per context when not merged)."""
        self._check_ready("get_outputs")
        return self._exec_group.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context: bool = True) -> list:
        """Gradients of the data inputs (bind with inputs_need_grad=True)."""
        self._check_ready("get_input_grads")
        _require(self.inputs_need_grad, "get_input_grads: bind with inputs_need_grad=True")
        return self._exec_group.get_input_grads(merge_multi_context=merge_multi_context)

    def get_states(self, merge_multi_context: bool = True) -> list:
        """The state arrays (state_names), per context."""
        self._check_ready("get_states")
        return self._exec_group.get_states(merge_multi_context=merge_multi_context)

    def set_states(self, states=None, value=None) -> None:
        """Sets the state arrays from `states` or to the scalar `value`."""
        self._check_ready("set_states")
        self._exec_group.set_states(states, value)

    def update_metric(self, eval_metric, labels, pre_sliced: bool = False) -> None:
        """Updates `eval_metric` with the last outputs and `labels`."""
        self._exec_group.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon) -> None:
        """Installs a Monitor on every executor."""
        _require(self.binded, "install_monitor: call bind() first")
        self._exec_group.install_monitor(mon)

    def prepare(self, data_batch, sparse_row_id_fn=None) -> None:
        _require(self.binded, "prepare: call bind() first")
        if sparse_row_id_fn is not None:
            warnings.warn(UserWarning("Parameters are not updated in the KVStore. No need to call sparse_row_id_fn."))
