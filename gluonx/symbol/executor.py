"""The Executor: a Symbol bound to arrays (``sym.bind``, ``sym.simple_bind``).

``forward(is_train, **inputs)`` runs the compiled graph (cached_op.py);
``backward(out_grads)`` runs the gradient part the operators' own rules
produced and writes each argument's gradient into ``grad_dict`` by its
``grad_req`` (``write``, ``add``, ``null``).

>>> import gluonx as mx
>>> x = mx.sym.var('x'); y = (x * x).sum()
>>> ex = y.simple_bind(mx.cpu(), x=(3,))
>>> ex.arg_dict['x'][:] = mx.nd.array([1, 2, 3])
>>> ex.forward(is_train=True)[0].asnumpy()
array([14.], dtype=float32)
>>> ex.backward(); ex.grad_dict['x'].asnumpy()
array([2., 4., 6.], dtype=float32)
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetError, MXNetValueError
from gluonx.symbol.cached_op import CachedGraph

_REQS = ("write", "add", "null")


def _by_name(values, names: list, what: str, allow_missing: bool = False) -> dict:
    if values is None:
        return {}
    if isinstance(values, dict):
        unknown = [k for k in values if k not in names]
        if unknown:
            raise MXNetValueError("bind: %s %s are not inputs of the symbol (%s)" % (what, unknown, names))
        out = dict(values)
    else:
        values = list(values)
        if len(values) != len(names):
            raise MXNetValueError("bind: %d %s given for %d names (%s)" % (len(values), what, len(names), names))
        out = dict(zip(names, values))
    for k, v in out.items():
        if v is not None and not isinstance(v, NDArray):
            raise MXNetValueError("bind: %s '%s' must be an NDArray, got %s" % (what, k, type(v).__name__))
    if not allow_missing:
        missing = [n for n in names if out.get(n) is None]
        if missing:
            raise MXNetValueError("bind: no %s for %s" % (what, missing))
    return out


class Executor:
    """A Symbol bound to argument, gradient and auxiliary arrays."""

    def __init__(self, sym, ctx, args, args_grad=None, grad_req="write", aux_states=None):
        self._symbol = sym
        self._ctx = ctx
        self._arg_names = sym.list_arguments()
        self._aux_names = sym.list_auxiliary_states()
        self.arg_dict = _by_name(args, self._arg_names, "arguments")
        self.aux_dict = _by_name(aux_states, self._aux_names, "auxiliary states")
        self.grad_dict = _by_name(args_grad, self._arg_names, "gradients", allow_missing=True)
        if isinstance(grad_req, str):
            reqs = {n: grad_req for n in self._arg_names}
        elif isinstance(grad_req, dict):
            reqs = {n: grad_req.get(n, "null") for n in self._arg_names}
        else:
            reqs = dict(zip(self._arg_names, grad_req))
        for n, r in reqs.items():
            if r not in _REQS:
                raise MXNetValueError("bind: grad_req of %s must be one of %s, got %r" % (n, _REQS, r))
            if r != "null" and self.grad_dict.get(n) is None:
                reqs[n] = "null" if args_grad is None else r
                if args_grad is not None:
                    raise MXNetValueError("bind: argument %s has grad_req %r but no gradient array" % (n, r))
        self._grad_req = reqs
        self._graph = CachedGraph(sym)
        self._state = None
        self.outputs = []

    # ---- arrays ------------------------------------------------------------------
    @property
    def arg_arrays(self) -> list:
        return [self.arg_dict[n] for n in self._arg_names]

    @property
    def grad_arrays(self) -> list:
        return [self.grad_dict.get(n) for n in self._arg_names]

    @property
    def aux_arrays(self) -> list:
        return [self.aux_dict[n] for n in self._aux_names]

    @property
    def output_dict(self) -> dict:
        return dict(zip(self._symbol.list_outputs(), self.outputs))

    def _inputs(self) -> list:
        out = []
        for node in self._graph.inputs:
            a = self.arg_dict.get(node.name)
            if a is None:
                a = self.aux_dict.get(node.name)
            if a is None:
                raise MXNetError("Executor: no array bound to %s" % node.name)
            out.append(a)
        return out

    # ---- running ---------------------------------------------------------------------
    def forward(self, is_train: bool = False, **kwargs) -> list:
        """Runs the graph (is_train: training mode, and keep what backward needs);
        keyword arrays are copied into the bound arguments first."""
        for k, v in kwargs.items():
            if k not in self.arg_dict:
                raise MXNetValueError("forward: unknown argument %s (arguments: %s)" % (k, self._arg_names))
            dst = self.arg_dict[k]
            if isinstance(v, NDArray):
                if v.shape != dst.shape:
                    raise MXNetValueError("forward: argument %s has shape %s, the executor was bound with %s"
                                          % (k, v.shape, dst.shape))
                v.copyto(dst)
            else:
                dst[:] = v
        arrays = self._inputs()
        mask = tuple(self._grad_req.get(n.name, "null") != "null" for n in self._graph.inputs)
        state = _c.get_state()
        try:
            _c.set_state(0, 1 if is_train else 0, state[2])
            if is_train and any(mask):
                self.outputs, self._state = self._graph.forward_backward_parts(arrays, True, mask)
            else:
                self.outputs = self._graph(arrays)
                self._state = None
        finally:
            _c.set_state(*state)
        return self.outputs

    def backward(self, out_grads=None, is_train: bool = True) -> None:
        """Gradients of the last forward(is_train=True) into grad_dict;
        out_grads: the head gradients (ones when omitted)."""
        if self._state is None:
            raise MXNetError("Executor.backward: call forward(is_train=True) first (and bind with grad_req other "
                             "than 'null')")
        if out_grads is None:
            heads = [_c.full(o.shape, 1, o.dtype, o.context) for o in self.outputs]
        else:
            heads = [out_grads] if isinstance(out_grads, NDArray) else list(out_grads)
            if len(heads) != len(self.outputs):
                raise MXNetValueError("Executor.backward: %d head gradients for %d outputs"
                                      % (len(heads), len(self.outputs)))
        grads = self._graph.run_backward(self._state, heads, keep=True)
        for node, g in zip(self._graph.inputs, grads):
            if g is None:
                continue
            req = self._grad_req.get(node.name, "null")
            dst = self.grad_dict.get(node.name)
            if req == "write":
                g.copyto(dst)
            elif req == "add":
                (dst + g).copyto(dst)

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs) -> "Executor":
        """An executor for new input shapes, sharing arrays whose shape is unchanged."""
        arg_shapes, _, aux_shapes = self._symbol.infer_shape(**kwargs)
        if arg_shapes is None:
            raise MXNetValueError("reshape: cannot infer every shape from %s" % kwargs)

        def pick(names, shapes, d, what):
            out = {}
            for n, s in zip(names, shapes):
                a = d.get(n)
                if a is not None and a.shape == tuple(s):
                    out[n] = a
                elif a is not None:
                    if n not in kwargs and not partial_shaping:
                        raise MXNetValueError("reshape: %s %s changes shape %s -> %s; pass partial_shaping=True"
                                              % (what, n, a.shape, s))
                    if int(np.prod(s)) > a.size and not allow_up_sizing:
                        raise MXNetValueError("reshape: %s %s grows from %s to %s; pass allow_up_sizing=True"
                                              % (what, n, a.shape, s))
                    out[n] = _c.full(tuple(s), 0, a.dtype, a.context)
            return out
        args = pick(self._arg_names, arg_shapes, self.arg_dict, "argument")
        grads = pick(self._arg_names, arg_shapes, self.grad_dict, "gradient")
        aux = pick(self._aux_names, aux_shapes, self.aux_dict, "auxiliary state")
        return Executor(self._symbol, self._ctx, args, grads or None, self._grad_req, aux)

    def copy_params_from(self, arg_params: dict, aux_params: Optional[dict] = None,
                         allow_extra_params: bool = False) -> None:
        """Copies parameter values into the bound arrays."""
        for name, array in (arg_params or {}).items():
            if name in self.arg_dict:
                array.astype(self.arg_dict[name].dtype).copyto(self.arg_dict[name])
            elif not allow_extra_params:
                raise MXNetValueError("copy_params_from: %s is not an argument of the symbol" % name)
        for name, array in (aux_params or {}).items():
            if name in self.aux_dict:
                array.astype(self.aux_dict[name].dtype).copyto(self.aux_dict[name])
            elif not allow_extra_params:
                raise MXNetValueError("copy_params_from: %s is not an auxiliary state of the symbol" % name)

    def set_monitor_callback(self, callback, monitor_all=False) -> None:
        raise MXNetError("Executor.set_monitor_callback is not supported: the graph runs compiled")

    def debug_str(self) -> str:
        stats = self._graph.stats()
        return self._symbol.debug_str() + "".join("plan: %s\n" % s for s in stats)


def simple_bind(sym, ctx, grad_req="write", type_dict=None, shapes=None) -> Executor:
    """Allocates zero arrays for every argument, gradient and auxiliary state
    from inferred shapes and types, and binds them."""
    shapes = shapes or {}
    arg_shapes, _, aux_shapes = sym.infer_shape(**shapes)
    if arg_shapes is None:
        known = sym.infer_shape_partial(**shapes)[0]
        missing = [n for n, s in zip(sym.list_arguments(), known) if not s]
        raise MXNetValueError("simple_bind: cannot infer the shapes of %s from %s" % (missing, shapes))
    arg_types, _, aux_types = sym.infer_type(**(type_dict or {}))
    names = sym.list_arguments()
    if arg_types is None:
        arg_types = [np.float32] * len(names)
        aux_types = [np.float32] * len(aux_shapes)
    args = {n: _c.full(tuple(s), 0, t, ctx) for n, s, t in zip(names, arg_shapes, arg_types)}
    if isinstance(grad_req, str):
        reqs = {n: grad_req for n in names}
    elif isinstance(grad_req, dict):
        reqs = {n: grad_req.get(n, "null") for n in names}
    else:
        reqs = dict(zip(names, grad_req))
    grads = {n: _c.full(tuple(s), 0, t, ctx) for n, s, t in zip(names, arg_shapes, arg_types)
             if reqs.get(n, "null") != "null"}
    aux = {n: _c.full(tuple(s), 0, t, ctx) for n, s, t in zip(sym.list_auxiliary_states(), aux_shapes, aux_types)}
    return Executor(sym, ctx, args, grads, reqs, aux)
