"""``gluon.Trainer``: applies an optimizer to a set of Parameters.

>>> trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
>>> with mx.autograd.record():
...     loss = loss_fn(net(x), y)
>>> loss.backward()
>>> trainer.step(batch_size)        # gradients rescaled by 1 / batch_size
"""
from __future__ import annotations

from gluonx import optimizer as opt
from gluonx._fileio import fspath, read_regular, write_atomic
from gluonx.base import MXNetNotImplementedError, MXNetTypeError, MXNetValueError
from gluonx.gluon.parameter import Parameter, ParameterDict

__all__ = ["Trainer"]

_STALE = ("Gradient of Parameter `%s` on context %s has not been updated by backward since last `step`. "
          "This could mean a bug in your model that made it only use a subset of the Parameters (Blocks) "
          "for this iteration. If you are intentionally only using a subset, call step with "
          "ignore_stale_grad=True to suppress this warning and skip updating of Parameters with stale "
          "gradient")


# kvstore names of MXNet 1.9.1 that run in one process; on one machine their
# reduction (a sum of each gradient over the devices) is what allreduce_grads does
_LOCAL_KVSTORES = ("local", "device", "nccl", "local_update_cpu", "local_allreduce_cpu",
                   "local_allreduce_device")


def _check_kvstore(kvstore) -> None:
    """Refuses what cannot work here, at construction (MXNet would fail at the first step)."""
    if kvstore is None:
        return
    if isinstance(kvstore, str):
        if "dist" in kvstore or kvstore in ("horovod", "byteps"):
            raise MXNetNotImplementedError(
                "Trainer(kvstore=%r): distributed kvstores are not implemented in gluonx yet (issue 18, "
                "KVStore and data-parallel training); on one machine use 'device' or 'local'" % kvstore)
        if kvstore not in _LOCAL_KVSTORES:
            raise MXNetValueError("Trainer(kvstore=%r): unknown kvstore type; expected one of %s, None, or a "
                                  "KVStore object" % (kvstore, ", ".join(map(repr, _LOCAL_KVSTORES))))
        return
    if not (callable(getattr(kvstore, "push", None)) and callable(getattr(kvstore, "pull", None))):
        raise MXNetTypeError("Trainer(kvstore=...): kvstore must be a KVStore (an object with push and pull), "
                             "a str or None, got %s" % type(kvstore).__name__)


class _KVStoreUsageError(MXNetValueError, AssertionError):
    """allreduce_grads()/update() while the store updates the weights (an
    AssertionError in MXNet, which its code and tests catch)."""


class Trainer:
    """MXNet's Trainer.

    `kvstore`: None, a single-machine name ('device', the default, 'local',
    'nccl', ...) or a KVStore object.  A name reduces each gradient over the
    Parameter's devices in this process (a sum, as MXNet's local stores do;
    with one device nothing is created, ``_kvstore`` stays None as in MXNet);
    a KVStore object is used as MXNet uses it: keys initialised from the
    first device, gradients ``pushpull``-ed, and with ``update_on_kvstore``
    the weights updated by the store's optimizer.  Distributed stores
    ('dist_*') raise MXNetNotImplementedError (issue 18).
    `compression_params` applies to a KVStore object (set_gradient_compression).
    """

    def __init__(self, params, optimizer, optimizer_params=None, kvstore="device",
                 compression_params=None, update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[k] for k in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise MXNetValueError("First argument must be a list or dict of Parameters, got %s." % type(params))
        self._params = []
        self._param2idx = {}
        for i, p in enumerate(params):
            if not isinstance(p, Parameter):
                raise MXNetValueError("First argument must be a list or dict of Parameters, got list of %s."
                                      % type(p))
            self._param2idx[p.name] = i
            self._params.append(p)
            p._set_trainer(self)
        _check_kvstore(kvstore)
        if update_on_kvstore not in (None, True, False):
            raise MXNetTypeError("update_on_kvstore must be True, False or None, got %r" % (update_on_kvstore,))
        self._compression_params = compression_params
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad
        self._reset_kvstore()

    def _init_optimizer(self, optimizer, optimizer_params):
        param_dict = {i: p for i, p in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise MXNetValueError("optimizer_params must be None if optimizer is an instance of "
                                      "Optimizer instead of str")
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        elif isinstance(optimizer, str):
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        else:
            raise MXNetTypeError("optimizer must be a name or an Optimizer, got %s" % type(optimizer).__name__)
        self._ctx_updaters = {}

    def _updater(self, ctx):
        u = self._ctx_updaters.get(ctx)
        if u is None:
            u = self._ctx_updaters[ctx] = opt.get_updater(self._optimizer)
        return u

    @property
    def _updaters(self) -> list:
        """One updater per device of the parameters, in their order (MXNet's list)."""
        ctxs = self._params[0].list_ctx() if self._params else []
        return [self._updater(c) for c in ctxs]

    # ---- the kvstore (MXNet's attribute names: _kvstore, _update_on_kvstore, _kv_initialized)
    def _reset_kvstore(self) -> None:
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self) -> None:
        """Decides, at the first step, whether a KVStore object is used and
        whether it updates the weights (MXNet's rules for a local store)."""
        kv = self._kvstore_params["kvstore"]
        want = self._kvstore_params["update_on_kvstore"]
        if kv is None or isinstance(kv, str):
            self._kvstore, self._update_on_kvstore = None, None   # reduction in this process
        else:
            capable = bool(getattr(kv, "is_capable", lambda what: False)("optimizer"))
            update = want if want is not None else capable
            if update and not capable:
                raise MXNetValueError("Please set update_on_kvstore=False when training with %s "
                                      "(it cannot run the optimizer)" % type(kv).__name__)
            if self._compression_params:
                kv.set_gradient_compression(self._compression_params)
            if update:
                kv.set_optimizer(self._optimizer)
            self._kvstore, self._update_on_kvstore = kv, update
        self._distributed = False
        self._kv_initialized = True

    def _init_params(self) -> None:
        """Initialises the store's keys from the parameters' first copies."""
        waiting = []
        for p in self._params_to_init:
            if p._deferred_init:
                waiting.append(p)
                continue
            if self._kvstore is not None:
                idx, datas = self._param2idx[p.name], p.list_data()
                if hasattr(self._kvstore, "broadcast"):
                    self._kvstore.broadcast(idx, datas[0], out=datas)
                else:
                    self._kvstore.init(idx, datas[0])
                    self._kvstore.pull(idx, out=datas)
        self._params_to_init = waiting

    def _prepare(self) -> None:
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()

    @property
    def optimizer(self):
        return self._optimizer

    @property
    def learning_rate(self) -> float:
        return self._optimizer.learning_rate

    def set_learning_rate(self, lr: float) -> None:
        self._optimizer.set_learning_rate(lr)

    def step(self, batch_size: int, ignore_stale_grad: bool = False) -> None:
        """allreduce_grads() then update(): one optimizer step with gradients
        rescaled by 1 / batch_size."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._prepare()
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self) -> None:
        """Sums each parameter's gradients over its devices (in place)."""
        self._prepare()
        if self._kvstore is not None and self._update_on_kvstore:
            raise _KVStoreUsageError("allreduce_grads() when parameters are updated on kvstore is not supported; "
                                  "create the Trainer with update_on_kvstore=False")
        self._allreduce_grads()

    def _allreduce_grads(self) -> None:
        for p in self._params:
            if p.grad_req == "null":
                continue
            grads = p.list_grad()
            if self._kvstore is not None:
                idx = self._param2idx[p.name]
                out = p.list_data() if self._update_on_kvstore else grads
                if hasattr(self._kvstore, "pushpull"):
                    self._kvstore.pushpull(idx, grads, out=out)
                else:
                    self._kvstore.push(idx, grads)
                    self._kvstore.pull(idx, out=out)
            elif len(grads) > 1:
                total = grads[0].copy()
                for g in grads[1:]:
                    total += g.as_in_context(total.context)
                for g in grads:
                    total.copyto(g)

    def update(self, batch_size: int, ignore_stale_grad: bool = False) -> None:
        """The optimizer step alone (after allreduce_grads())."""
        self._prepare()
        if self._kvstore is not None and self._update_on_kvstore:
            raise _KVStoreUsageError("update() when parameters are updated on kvstore is not supported; "
                                  "create the Trainer with update_on_kvstore=False")
        self._optimizer.rescale_grad = self._scale / batch_size
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad: bool) -> None:
        for i, p in enumerate(self._params):
            if p.grad_req == "null":
                continue
            datas, grads = p.list_data(), p.list_grad()
            if not ignore_stale_grad:
                for d in datas:
                    if not d._fresh_grad:
                        raise UserWarning(_STALE % (p.name, d.context))
            for d, g in zip(datas, grads):
                if ignore_stale_grad and not d._fresh_grad:
                    continue
                if not (self._kvstore is not None and self._update_on_kvstore):
                    self._updater(d.context)(i, g, d)
                d._fresh_grad = False

    def save_states(self, fname: str) -> None:
        """Writes the optimizer states (no pickle; format in
        gluonx/optimizer/_states.py) atomically, through
        :func:`gluonx._fileio.write_atomic`."""
        blob = self._updater(self._params[0].list_ctx()[0] if self._params else None).save_states_bytes()
        write_atomic(fname, blob, "Trainer.save_states")

    def load_states(self, fname: str) -> None:
        """Restores states written by :meth:`save_states`.  The whole file is
        checked first: a truncated or corrupt file raises MXNetValueError
        naming it, and leaves the trainer unchanged."""
        path = fspath(fname, "Trainer.load_states")
        blob = read_regular(path, "Trainer.load_states")
        ctxs = sorted({p.list_ctx()[0] for p in self._params} or {None}, key=str)
        loaded = []
        for ctx in ctxs:   # each device's updater gets its own copy of the states
            u = opt.get_updater(self._optimizer)
            u.load_states_bytes(blob, repr(path))
            loaded.append((ctx, u))
        optimizer = loaded[0][1].optimizer
        for ctx, u in loaded:   # one optimizer shared by every device, as before
            u.optimizer = optimizer
            self._ctx_updaters[ctx] = u
        self._optimizer = optimizer
        self._optimizer.param_dict = {i: p for i, p in enumerate(self._params)}
        self._scale = self._optimizer.rescale_grad if self._optimizer.rescale_grad else self._scale
