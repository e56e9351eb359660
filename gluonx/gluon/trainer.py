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
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.gluon.parameter import Parameter, ParameterDict

__all__ = ["Trainer"]

_STALE = ("Gradient of Parameter `%s` on context %s has not been updated by backward since last `step`. "
          "This could mean a bug in your model that made it only use a subset of the Parameters (Blocks) "
          "for this iteration. If you are intentionally only using a subset, call step with "
          "ignore_stale_grad=True to suppress this warning and skip updating of Parameters with stale "
          "gradient")


class Trainer:
    """MXNet's Trainer on one or more devices (gradients of several devices
    are summed by allreduce_grads; no distributed kvstore yet)."""

    def __init__(self, params, optimizer, optimizer_params=None, kvstore="device",
                 compression_params=None, update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[k] for k in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise MXNetValueError("First argument must be a list or dict of Parameters, got %s." % type(params))
        self._params = []
        for p in params:
            if not isinstance(p, Parameter):
                raise MXNetValueError("First argument must be a list or dict of Parameters, got list of %s."
                                      % type(p))
            self._params.append(p)
        self._kvstore = kvstore
        self._update_on_kvstore = bool(update_on_kvstore)
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad

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
        self._updaters = {}

    def _updater(self, ctx):
        u = self._updaters.get(ctx)
        if u is None:
            u = self._updaters[ctx] = opt.get_updater(self._optimizer)
        return u

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
        self.allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self) -> None:
        """Sums each parameter's gradients over its devices (in place)."""
        for p in self._params:
            if p.grad_req == "null":
                continue
            grads = p.list_grad()
            if len(grads) > 1:
                total = grads[0].copy()
                for g in grads[1:]:
                    total += g.as_in_context(total.context)
                for g in grads:
                    total.copyto(g)

    def update(self, batch_size: int, ignore_stale_grad: bool = False) -> None:
        """The optimizer step alone (after allreduce_grads())."""
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
            self._updaters[ctx] = u
        self._optimizer = optimizer
        self._optimizer.param_dict = {i: p for i, p in enumerate(self._params)}
        self._scale = self._optimizer.rescale_grad if self._optimizer.rescale_grad else self._scale
