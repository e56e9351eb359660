"""Executors of one symbol over a list of contexts (data parallelism).

Each context gets a slice of the batch (by `workload`) along each input's
batch axis (its layout's ``N``) and its own Executor (gluonx's
:class:`~gluonx.symbol.executor.Executor`: the compiled graph); outputs and
input gradients are concatenated back along the same axes.  Parameters
live in every executor; :class:`~gluonx.module.Module` keeps them equal.

Executors are remembered per input shapes, so a module that switches
between batch shapes (the last batch, bucketing) compiles each once.
"""
from __future__ import annotations

import logging
from collections import OrderedDict

import numpy as np

from gluonx.base import MXNetError, MXNetValueError
from gluonx._core.ndarray import NDArray
from gluonx import ndarray as nd
from gluonx.context import cpu
from gluonx.io import DataDesc
from gluonx.symbol.executor import Executor

__all__ = ["DataParallelExecutorGroup"]

# MXNet's dtype codes of a variable's __dtype__ attribute
_DTYPE_OF_CODE = {0: np.float32, 1: np.float64, 2: np.float16, 3: np.uint8, 4: np.int32, 5: np.int8,
                  6: np.int64, 7: np.bool_}


def _split_input_slice(batch_size: int, workload: list) -> list:
    """Slices of ``range(batch_size)`` proportional to `workload` (the last
    slice takes what rounding leaves)."""
    total = float(sum(workload))
    counts = [int(round(w * batch_size / total)) for w in workload]
    counts[-1] += batch_size - sum(counts)
    slices, end = [], 0
    for n in counts:
        begin = min(end, batch_size)
        end = min(begin + n, batch_size)
        if begin >= end:
            raise MXNetValueError("Module: a batch of %d cannot be split over %d contexts (workload %s): some "
                                  "would get no example" % (batch_size, len(workload), list(workload)))
        slices.append(slice(begin, end))
    return slices


def _as_descs(shapes) -> list:
    return [x if isinstance(x, DataDesc) else DataDesc(*x) for x in shapes]


def _merge(arrays: list, axis: int) -> NDArray:
    if axis < 0 or len(arrays) == 1:
        return arrays[0]
    return nd.concat(*[a.as_in_context(arrays[0].context) for a in arrays], dim=axis)


class DataParallelExecutorGroup(object):
    """The executors of `symbol` on `contexts` (see the module docstring).

    grad_req: a string for every parameter (``'null'`` for fixed ones; data
    inputs get it only with `inputs_need_grad`), or a list / dict per argument.
    """

    def __init__(self, symbol, contexts, workload, data_shapes, label_shapes, param_names, for_training,
                 inputs_need_grad, shared_group=None, logger=logging, fixed_param_names=None, grad_req="write",
                 state_names=None, group2ctxs=None):
        self.symbol = symbol
        self.contexts = list(contexts)
        self.workload = list(workload) if workload is not None else [1] * len(self.contexts)
        self.param_names = list(param_names)
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.logger = logger
        self.fixed_param_names = list(fixed_param_names or [])
        self.state_names = list(state_names or [])
        self.group2ctxs = group2ctxs  # accepted; every executor runs on its own context
        self._total_exec_bytes = 0
        if not for_training:
            grad_req = "null"
        data_shapes = _as_descs(data_shapes)
        data_names = [x.name for x in data_shapes]
        if isinstance(grad_req, str):
            default = {"param": grad_req, "data": grad_req}
            self.grad_req = self._default_reqs(data_names, default)
        elif isinstance(grad_req, (list, tuple)):
            if len(grad_req) != len(self.arg_names):
                raise MXNetValueError("Module.bind: grad_req has %d entries for %d arguments %s"
                                      % (len(grad_req), len(self.arg_names), self.arg_names))
            self.grad_req = dict(zip(self.arg_names, grad_req))
        elif isinstance(grad_req, dict):
            self.grad_req = self._default_reqs(data_names, {"param": "write", "data": "write"})
            self.grad_req.update(grad_req)
        else:
            raise MXNetValueError("Module.bind: grad_req must be a str, list, tuple or dict, got %s"
                                  % type(grad_req).__name__)
        self.shared_data_arrays = (shared_group.shared_data_arrays if shared_group is not None
                                   else [{} for _ in self.contexts])
        self.execs = []
        self._exec_cache = {}
        self.batch_size = None
        self.slices = None
        self.output_names = symbol.list_outputs()
        self.num_outputs = len(self.output_names)
        self.output_layouts = [DataDesc.get_batch_axis(symbol[i].attr("__layout__"))
                               for i in range(self.num_outputs)]
        self.data_shapes = None
        self.label_shapes = None
        self.label_names = []
        self.label_layouts = []
        self.bind_exec(data_shapes, label_shapes, shared_group)

    def _default_reqs(self, data_names: list, default: dict) -> dict:
        reqs = {}
        for k in self.arg_names:
            if k in self.param_names:
                reqs[k] = "null" if k in self.fixed_param_names else default["param"]
            elif k in data_names:
                reqs[k] = default["data"] if self.inputs_need_grad else "null"
            else:
                reqs[k] = "null"
        return reqs

    # ---- binding -------------------------------------------------------------------
    def decide_slices(self, descs: list) -> list:
        """Batch axes of `descs`; sets batch_size and the per-context slices."""
        axes = [DataDesc.get_batch_axis(x.layout) for x in descs]
        for (name, shape), axis in zip(descs, axes):
            if axis == -1:
                continue
            if axis >= len(shape):
                raise MXNetValueError("Module: %s has shape %s, which has no batch axis %d (layout %s)"
                                      % (name, tuple(shape), axis, descs[0].layout))
            if self.batch_size is None:
                self.batch_size = shape[axis]
                self.slices = _split_input_slice(self.batch_size, self.workload)
            elif shape[axis] != self.batch_size:
                raise MXNetValueError("Module: every input needs the same batch size: batch_size = %d, but %s "
                                      "has shape %s" % (self.batch_size, name, tuple(shape)))
        return axes

    def _sliced(self, descs: list, i: int, axes: list) -> list:
        out = []
        for d, axis in zip(descs, axes):
            shape = list(d.shape)
            if axis >= 0:
                shape[axis] = self.slices[i].stop - self.slices[i].start
            out.append(DataDesc(d.name, tuple(shape), d.dtype, d.layout))
        return out

    def bind_exec(self, data_shapes, label_shapes, shared_group=None, reshape: bool = False) -> None:
        """Binds (or, with `reshape`, re-binds for new shapes) one executor per context."""
        data_shapes = _as_descs(data_shapes)
        label_shapes = _as_descs(label_shapes) if label_shapes is not None else None
        self.batch_size = None
        self.data_layouts = self.decide_slices(data_shapes)
        self.label_layouts = self.decide_slices(label_shapes) if label_shapes is not None else []
        key = tuple((d.name, tuple(d.shape), np.dtype(d.dtype).name) for d in data_shapes + (label_shapes or []))
        execs = self._exec_cache.get(key)
        if execs is None:
            execs = []
            for i in range(len(self.contexts)):
                inputs = self._sliced(data_shapes, i, self.data_layouts)
                if label_shapes is not None:
                    inputs += self._sliced(label_shapes, i, self.label_layouts)
                if reshape:
                    shared = self.execs[i]
                else:
                    shared = shared_group.execs[i] if shared_group is not None else None
                execs.append(self._bind_ith_exec(i, inputs, shared, reshape))
            self._exec_cache[key] = execs
        self.execs = execs
        self.data_shapes = data_shapes
        self.label_shapes = label_shapes
        self.data_names = [d.name for d in data_shapes]
        self.label_names = [d.name for d in label_shapes] if label_shapes is not None else []
        self._collect_arrays()

    def reshape(self, data_shapes, label_shapes) -> None:
        """Executors for new input shapes, sharing the parameters."""
        data_shapes = _as_descs(data_shapes)
        label_shapes = _as_descs(label_shapes) if label_shapes is not None else None
        if data_shapes == self.data_shapes and label_shapes == self.label_shapes:
            return
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    def _input_types(self, inputs: list) -> dict:
        types = {d.name: d.dtype for d in inputs}
        attrs = self.symbol.attr_dict()
        for name in list(types):
            code = attrs.get(name, {}).get("__dtype__")
            if code is not None and code != "-1":
                types[name] = _DTYPE_OF_CODE[int(code)]
        return types

    def _bind_ith_exec(self, i: int, inputs: list, shared_exec, reshape: bool) -> Executor:
        ctx = self.contexts[i]
        args_set = set(self.arg_names)
        shapes = {d.name: tuple(d.shape) for d in inputs if d.name in args_set}
        try:
            arg_shapes, _, aux_shapes = self.symbol.infer_shape(**shapes)
        except MXNetError as err:
            raise MXNetValueError("Module: cannot run the symbol on inputs %s: %s"
                                  % (", ".join("%s %s" % kv for kv in shapes.items()), err)) from err
        if arg_shapes is None:
            known = self.symbol.infer_shape_partial(**shapes)[0]
            missing = [n for n, s in zip(self.arg_names, known) if not s or 0 in s]
            raise MXNetValueError("Module: the shapes of %s cannot be inferred from the inputs %s; give their "
                                  "shapes in data_shapes/label_shapes" % (missing, shapes))
        types = {k: v for k, v in self._input_types(inputs).items() if k in args_set}
        try:
            arg_types, _, aux_types = self.symbol.infer_type(**types)
        except MXNetError:
            arg_types = None
        if arg_types is None:
            arg_types = [types.get(n, np.float32) for n in self.arg_names]
            aux_types = [np.float32] * len(self.aux_names)
        old_args = shared_exec.arg_dict if shared_exec is not None else {}
        old_grads = shared_exec.grad_dict if shared_exec is not None else {}
        old_aux = shared_exec.aux_dict if shared_exec is not None else {}
        buffer = self.shared_data_arrays[i]
        args, grads, aux = {}, {}, {}
        for name, shape, dtype in zip(self.arg_names, arg_shapes, arg_types):
            shape = tuple(shape)
            if name in self.param_names:
                old = old_args.get(name)
                if old is not None and old.shape != shape:
                    bound = ", ".join("%s %s" % (d.name, tuple(d.shape)) for d in self.data_shapes or [])
                    raise MXNetValueError("Module: with inputs %s the parameter %s would need shape %s, but it "
                                          "has shape %s (bound with %s)" % (
                                              ", ".join("%s %s" % kv for kv in shapes.items()), name, shape,
                                              old.shape, bound))
                args[name] = old if old is not None else nd.zeros(shape, ctx=ctx, dtype=dtype)
                if self.grad_req.get(name, "null") != "null":
                    g = old_grads.get(name)
                    grads[name] = g if g is not None and g.shape == shape else nd.zeros(shape, ctx=ctx, dtype=dtype)
            else:  # data, labels, states: per shape, shared with groups that share this one's buffer
                cached = buffer.get(name)
                if cached is not None and cached.shape == shape and cached.dtype == np.dtype(dtype):
                    args[name] = cached
                else:
                    args[name] = nd.zeros(shape, ctx=ctx, dtype=dtype)
                    if cached is None or np.prod(shape) >= np.prod(cached.shape):
                        buffer[name] = args[name]
                if self.grad_req.get(name, "null") != "null":
                    grads[name] = nd.zeros(shape, ctx=ctx, dtype=dtype)
        for name, shape, dtype in zip(self.aux_names, aux_shapes, aux_types):
            old = old_aux.get(name)
            aux[name] = old if old is not None and old.shape == tuple(shape) else nd.zeros(tuple(shape), ctx=ctx,
                                                                                          dtype=dtype)
        reqs = {n: (self.grad_req.get(n, "null") if n in grads else "null") for n in self.arg_names}
        ex = Executor(self.symbol, ctx, args, grads, reqs, aux)
        self._total_exec_bytes += sum(int(a.size) * np.dtype(a.dtype).itemsize
                                      for a in list(args.values()) + list(grads.values()))
        return ex

    def _collect_arrays(self) -> None:
        execs = self.execs
        self.data_arrays = [[(self.slices[i], e.arg_dict[name]) for i, e in enumerate(execs)]
                            for name in self.data_names if name in self.arg_names]
        self.label_arrays = [[(self.slices[i], e.arg_dict[name]) for i, e in enumerate(execs)]
                             for name in self.label_names if name in self.arg_names] or None
        self.state_arrays = [[e.arg_dict[name] for e in execs] for name in self.state_names]
        self.param_arrays = [[e.arg_dict[name] for e in execs] for name in self.arg_names if name in self.param_names]
        if self.for_training:
            self.grad_arrays = [[e.grad_dict.get(name) for e in execs]
                                for name in self.arg_names if name in self.param_names]
        else:
            self.grad_arrays = None
        if self.inputs_need_grad:
            self.input_grad_arrays = [[e.grad_dict.get(name) for e in execs]
                                      for name in self.data_names if name in self.arg_names]
        else:
            self.input_grad_arrays = None
        self.aux_arrays = [[e.aux_dict[name] for e in execs] for name in self.aux_names]

    # ---- parameters ------------------------------------------------------------------
    def set_params(self, arg_params: dict, aux_params: dict, allow_extra: bool = False) -> None:
        """Copies the given values into every executor."""
        for e in self.execs:
            e.copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params: dict, aux_params: dict) -> None:
        """Copies the executors' parameters (averaged over contexts) into the given dicts."""
        for names, blocks, dst in ((self.param_names, self.param_arrays, arg_params),
                                   (self.aux_names, self.aux_arrays, aux_params)):
            for name, block in zip(names, blocks):
                w = block[0].copyto(cpu()) if len(block) == 1 else \
                    sum(b.copyto(cpu()) for b in block) / len(block)
                if name in dst:
                    w.astype(dst[name].dtype).copyto(dst[name])
                else:
                    dst[name] = w

    # ---- running ---------------------------------------------------------------------
    def _load(self, sources: list, targets: list, axes: list, what: str, names: list) -> None:
        if len(sources) < len(targets):
            raise MXNetValueError("Module.forward: the batch has %d %s arrays for the %d inputs %s"
                                  % (len(sources), what, len(targets), names))
        for src, dsts, axis, name in zip(sources, targets, axes, names):
            if not isinstance(src, NDArray):
                src = nd.array(src)
            for islice, dst in dsts:
                part = src
                if axis >= 0 and len(dsts) > 1:
                    part = nd.slice_axis(src, axis=axis, begin=islice.start, end=islice.stop)
                if part.shape != dst.shape:
                    raise MXNetValueError("Module.forward: %s '%s' has shape %s; the module is bound for %s"
                                          % (what, name, src.shape, dst.shape if len(dsts) == 1 else
                                             "a batch of %d" % self.batch_size))
                part.copyto(dst)

    def forward(self, data_batch, is_train=None) -> None:
        """Loads the batch into the executors and runs them."""
        data_names = [n for n in self.data_names if n in self.arg_names]
        self._load(list(data_batch.data), self.data_arrays, self.data_layouts, "data", data_names)
        label = getattr(data_batch, "label", None)  # a user's namedtuple batch may have data only
        if self.label_arrays is not None and label:
            names = [n for n in self.label_names if n in self.arg_names]
            axes = [a for n, a in zip(self.label_names, self.label_layouts) if n in self.arg_names]
            labels = [lab for n, lab in zip(self.label_names, label) if n in self.arg_names]
            self._load(labels, self.label_arrays, axes, "label", names)
        if is_train is None:
            is_train = self.for_training
        for e in self.execs:
            e.forward(is_train=is_train)

    def backward(self, out_grads=None) -> None:
        """Gradients of the last training forward, from `out_grads` (per output)."""
        if not self.for_training:
            raise MXNetError("Module.backward: the module was bound with for_training=False; bind again with "
                             "for_training=True to run backward")
        if isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        out_grads = list(out_grads or [])
        if all(r == "null" for r in self.grad_req.values()):
            return  # nothing to differentiate (a graph without parameters): MXNet's backward is a no-op
        for i, (e, islice) in enumerate(zip(self.execs, self.slices)):
            heads = []
            for g, axis in zip(out_grads, self.output_layouts):
                if axis >= 0 and len(self.execs) > 1:
                    g = nd.slice_axis(g, axis=axis, begin=islice.start, end=islice.stop)
                heads.append(g.as_in_context(self.contexts[i]))
            e.backward(out_grads=heads or None)

    def get_outputs(self, merge_multi_context: bool = True, begin: int = 0, end=None) -> list:
        """Outputs (concatenated over contexts when `merge_multi_context`)."""
        end = self.num_outputs if end is None else end
        outs = [[e.outputs[i] for e in self.execs] for i in range(begin, end)]
        if merge_multi_context:
            return [_merge(o, axis) for o, axis in zip(outs, self.output_layouts[begin:end])]
        return outs

    def get_output_shapes(self) -> list:
        """``[(output name, shape)]`` with the whole batch on the batch axis."""
        out = []
        for name, o, axis in zip(self.output_names, self.execs[0].outputs, self.output_layouts):
            shape = list(o.shape)
            if axis >= 0:
                shape[axis] = self.batch_size
            out.append((name, tuple(shape)))
        return out

    def get_input_grads(self, merge_multi_context: bool = True) -> list:
        if merge_multi_context:
            return [_merge(g, axis) for g, axis in zip(self.input_grad_arrays, self.data_layouts)]
        return self.input_grad_arrays

    def get_states(self, merge_multi_context: bool = True) -> list:
        if merge_multi_context:
            raise MXNetValueError("get_states: merge_multi_context=True is not supported (as in MXNet)")
        return self.state_arrays

    def set_states(self, states=None, value=None) -> None:
        if (states is None) == (value is None):
            raise MXNetValueError("set_states: give exactly one of states and value")
        if states is not None:
            for src, dsts in zip(states, self.state_arrays):
                for s, d in zip(src if isinstance(src, (list, tuple)) else [src] * len(dsts), dsts):
                    s.copyto(d)
        else:
            for dsts in self.state_arrays:
                for d in dsts:
                    d[:] = value

    def update_metric(self, eval_metric, labels, pre_sliced: bool = False) -> None:
        """Updates `eval_metric` with each context's outputs and its slice of `labels`."""
        labels = list(labels or [])
        layouts = self.label_layouts or [0] * len(labels)
        for k, (e, islice) in enumerate(zip(self.execs, self.slices)):
            if pre_sliced:
                part = labels[k]
            elif len(self.execs) == 1:
                part = labels
            else:
                part = [lab if axis < 0 else nd.slice_axis(lab, axis=axis, begin=islice.start, end=islice.stop)
                        for lab, axis in zip(labels, layouts)]
            names = self.label_names or ["label%d" % j for j in range(len(part))]
            eval_metric.update_dict(OrderedDict(zip(names, part)), OrderedDict(zip(self.output_names, e.outputs)))

    def install_monitor(self, mon) -> None:
        for e in self.execs:
            mon.install(e)
