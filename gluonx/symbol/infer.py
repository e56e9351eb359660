"""Shape and dtype inference over a graph, from the operators' own rules.

Each node's rule (``OpDef.infer``) runs once its inputs are known; inputs
the rule can infer backwards (``OpDef.infers_inputs``: weights, biases,
BatchNorm statistics, labels) may still be unknown and are filled in, so
that ``infer_shape(data=...)`` also gives every parameter's shape.  Passes
repeat until nothing changes (a weight shared by two layers is learned from
the first).  An inconsistency raises the rule's error prefixed with
``Error in operator <node name>:``.  Shapes with unknown dims (0s, MXNet's
convention) go through the same rules (infer_partial.py).
"""
from __future__ import annotations

import warnings
from typing import Optional

import numpy as np

from gluonx.base import MXNetError
from gluonx.ops.registry import ShapeUnknown
from gluonx.symbol import infer_partial
from gluonx.symbol.graph import topo_order, variables

_CODE_DTYPES = {"0": "float32", "1": "float64", "2": "float16", "3": "uint8", "4": "int32", "5": "int8",
                "6": "int64", "7": "bool"}


def _var_shape(node) -> Optional[tuple]:
    s = node.attrs.get("__shape__")
    if s is None:
        return None
    try:
        shape = tuple(int(d) for d in s.strip("()[] ").replace(" ", "").split(",") if d != "")
    except ValueError:
        raise MXNetError("variable %s: cannot parse __shape__=%r" % (node.name, s)) from None
    return shape


def _var_dtype(node) -> Optional[str]:
    d = node.attrs.get("__dtype__")
    return _CODE_DTYPES.get(d, d) if d is not None else None


def _known(shape) -> bool:
    return shape is not None and all(d > 0 for d in shape)


class Inference:
    """Shapes and dtypes of every (node, output) entry of a graph."""

    def __init__(self, order: list):
        self.order = order
        self.shape = {}     # (id(node), index) -> tuple
        self.dtype = {}     # (id(node), index) -> dtype name
        self.part = {}      # (id(node), index) -> partly known shape (0 dims) of an entry not in shape
        self.ties = {}      # id(node) -> [(output, dim, input key, dim)]: equal dims (infer_partial)

    def set_var(self, node, shape=None, dtype=None) -> None:
        key = (id(node), 0)
        if shape is not None:
            shape = tuple(int(d) for d in shape)
            if _known(shape):
                self.shape[key] = shape
            elif shape:
                self.part[key] = shape
        if dtype is not None:
            self.dtype[key] = np.dtype(dtype).name if not isinstance(dtype, str) else dtype

    def known(self, key) -> Optional[tuple]:
        """The shape of an entry as far as known (0s for unknown dims), or None."""
        s = self.shape.get(key)
        return s if s is not None else self.part.get(key)

    def _learn(self, key, shape, node) -> bool:
        """Records what `shape` (0s allowed) tells about entry `key`: whether it
        told something new.  A contradiction is an error of `node`."""
        if shape is None or key is None or key in self.shape:
            if shape is not None and key in self.shape and not infer_partial.is_partial(shape):
                if tuple(shape) != self.shape[key]:
                    raise MXNetError("Error in operator %s: Shape inconsistent, Provided = %s, inferred shape=%s"
                                     % (node.name, list(self.shape[key]), list(shape)))
            return False
        have = self.part.get(key)
        got = infer_partial.merge(have, tuple(shape), "Error in operator %s" % node.name)
        if got == have:
            return False
        if _known(got):
            self.part.pop(key, None)
            self.shape[key] = got
        else:
            self.part[key] = got
        return True

    def run(self, with_shapes: bool = True) -> None:
        for _ in range(len(self.order) + 1):
            if not self._sweep(with_shapes):
                break

    def _sweep(self, with_shapes: bool) -> bool:
        changed = False
        for node in self.order:
            if node.op is None:
                continue
            okeys = [(id(node), i) for i in range(node.num_outputs())]
            keys = [(id(src), i) for src, i in node.inputs]
            if node.op.elementwise and keys and keys[0] not in self.shape and okeys[0] in self.shape:
                self.shape[keys[0]] = self.shape[okeys[0]]      # back from the output (MXNet's rule)
                changed = True
            changed |= self._apply_ties(node, okeys)
            if (all(k in self.shape for k in okeys) and all(k in self.dtype for k in okeys)
                    and not any(k in self.part for k in keys)):
                continue
            slots = node.op_slots()
            if len(slots) != len(keys) or any(k is None for k in slots):
                keys = [keys[k] if k is not None else None for k in slots]   # the op's full input list
            names = node.op.inputs if not node.op.variadic else node.input_names()
            inferable = node.op.inferable_inputs(node.params)
            # a partly known input the rule cannot infer itself (a weight it can: it is left
            # unknown to the rule, and what the rule says is checked against the known dims)
            if with_shapes and node.op.infer is not None and any(
                    k in self.part and (node.op.elementwise or i >= len(names) or names[i] not in inferable)
                    for i, k in enumerate(keys)):
                changed |= self._partial_node(node, keys, okeys, names, inferable)
                continue
            shapes = [self.shape.get(k) if k is not None else None for k in keys]
            dtypes = [self.dtype.get(k) if k is not None else None for k in keys]
            missing = [i for i, s in enumerate(shapes)
                       if s is None and keys[i] is not None and (i >= len(names) or names[i] not in inferable)]
            present = [s for s, k in zip(shapes, keys) if k is not None]
            if (not with_shapes or node.op.infer is None or missing
                    or (present and all(s is None for s in present))):
                changed |= self._dtype_only(node, keys, dtypes, okeys)
                continue
            # an unknown dtype of a known array: the node's first known one (float32 if none),
            # since shape inference does not decide types (as in MXNet)
            default = next((d for d in dtypes if d is not None), "float32")
            for i, d in enumerate(dtypes):
                if d is None and (shapes[i] is not None or i >= len(names) or names[i] not in inferable):
                    dtypes[i] = default
            before = list(shapes)
            try:
                oshapes, odtypes = node.op.infer(node.params, shapes, dtypes)
            except ShapeUnknown:
                changed |= self._dtype_only(node, keys, [self.dtype.get(k) for k in keys], okeys)
                continue
            except MXNetError as e:
                raise type(e)("Error in operator %s: %s" % (node.name, e)) from None
            for i, k in enumerate(keys):
                if k is None:
                    continue
                if before[i] is None and shapes[i] is not None:
                    changed |= self._learn(k, tuple(shapes[i]), node)
                if k not in self.dtype and dtypes[i] is not None:
                    self.dtype[k] = dtypes[i]
                    changed = True
            for k, s, d in zip(okeys, oshapes, odtypes):
                if k not in self.shape:
                    changed |= self._learn(k, tuple(s), node)
                if k not in self.dtype:
                    self.dtype[k] = d
                    changed = True
        return changed

    def _partial_node(self, node, keys, okeys, names, inferable) -> bool:
        """A node some of whose inputs have unknown dims (infer_partial.py)."""
        shapes = [self.known(k) if k is not None else None for k in keys]
        if not node.op.elementwise:   # what the rule infers itself (a weight) it is not told
            shapes = [None if k in self.part and i < len(names) and names[i] in inferable else s
                      for i, (k, s) in enumerate(zip(keys, shapes))]
        what = "Error in operator %s" % node.name
        changed = False
        if node.op.elementwise and len(okeys) == 1 and (len(keys) == 1 or node.op.inputs == ("lhs", "rhs")):
            common = infer_partial.elementwise([s for s in shapes if s is not None], self.known(okeys[0]), what)
            for k in list(keys) + okeys:
                changed |= self._learn(k, common, node)
            return changed | self._dtype_only(node, keys, [self.dtype.get(k) for k in keys], okeys)
        dtypes = [self.dtype.get(k) if k is not None else None for k in keys]
        default = next((d for d in dtypes if d is not None), "float32")
        got = infer_partial.probe_rule(node.op, node.params, shapes, [d or default for d in dtypes])
        if got is None:
            return self._dtype_only(node, keys, dtypes, okeys)
        oshapes, odtypes, filled, ties = got
        for k, s in zip(keys, filled):
            changed |= self._learn(k, s, node)
        for k, s, d in zip(okeys, oshapes, odtypes):
            changed |= self._learn(k, s, node)
            if k not in self.dtype:
                self.dtype[k] = d
                changed = True
        if ties:
            self.ties[id(node)] = [(okeys[o], d, keys[i], e) for o, d, i, e in ties]
        return changed

    def _apply_ties(self, node, okeys) -> bool:
        """Dims of inputs equal to output dims that became known since."""
        changed = False
        for okey, d, ikey, e in self.ties.get(id(node), ()):
            out, inp = self.known(okey), self.known(ikey)
            if out is not None and inp is not None and out[d] and not inp[e]:
                changed |= self._learn(ikey, inp[:e] + (out[d],) + inp[e + 1:], node)
        return changed

    def _dtype_only(self, node, keys, dtypes, okeys) -> bool:
        """Types without shapes, from the op's type rule (OpDef.infer_dtypes)."""
        if all(k in self.dtype for k in okeys) and all(d is not None for k, d in zip(keys, dtypes) if k):
            return False
        dtypes = list(dtypes)
        try:
            out = node.op.infer_dtypes(node.params, dtypes, len(okeys))
        except ShapeUnknown:
            return False
        except MXNetError as e:
            raise type(e)("Error in operator %s: %s" % (node.name, e)) from None
        changed = False
        for k, d in list(zip(keys, dtypes)) + list(zip(okeys, out)):
            if k is not None and k not in self.dtype and d is not None:
                self.dtype[k] = d
                changed = True
        return changed


def _bind_args(sym, args, kwargs, what: str) -> dict:
    """{argument node: value} from positional (argument order) or keyword values."""
    order = sym._order()
    arg_nodes, aux_nodes = variables(order)
    given = {}
    if args:
        if kwargs:
            raise MXNetError("%s: give shapes either positionally or by name, not both" % what)
        for node, v in zip(arg_nodes, args):
            if v is not None:
                given[node.name] = v
    by_name = {}
    for n in order:
        if n.op is None:
            by_name.setdefault(n.name, []).append(n)
    for k, v in kwargs.items():
        if k not in by_name:
            raise MXNetError("%sKeyword argument name %s not found.\nCandidate arguments:\n\t%s"
                             % (what, k, "\n\t".join("[%d]%s" % (i, n.name) for i, n in enumerate(arg_nodes))))
        given[k] = v
    return given


def run_inference(sym, shapes: dict, dtypes: dict, with_shapes: bool = True) -> Inference:
    order = sym._order()
    inf = Inference(order)
    for node in order:
        if node.op is None:
            inf.set_var(node, shapes.get(node.name, _var_shape(node)), dtypes.get(node.name, _var_dtype(node)))
    inf.run(with_shapes)
    return inf


def infer_shape(sym, args, kwargs, partial: bool):
    given = _bind_args(sym, args, kwargs, "InferShape")
    inf = run_inference(sym, given, {})
    arg_nodes, aux_nodes = variables(inf.order)
    arg = [inf.shape.get((id(n), 0)) for n in arg_nodes]
    aux = [inf.shape.get((id(n), 0)) for n in aux_nodes]
    out = [inf.shape.get((id(n), i)) for n, i in sym._outputs]
    if partial:
        def show(nodes):
            return [inf.known(k) or () for k in nodes]
        return (show([(id(n), 0) for n in arg_nodes]), show([(id(n), i) for n, i in sym._outputs]),
                show([(id(n), 0) for n in aux_nodes]))
    if any(s is None for s in arg + aux + out):
        unknown = ["%s: %s" % (n.name, inf.known((id(n), 0)) or ()) for n, s in zip(arg_nodes, arg) if s is None]
        warnings.warn("Cannot decide shape for the following arguments (0s in shape means unknown dimensions). "
                      "Consider providing them as input:\n\t" + "\n\t".join(unknown[:10]), stacklevel=3)
        return None, None, None
    return arg, out, aux


def infer_type(sym, args, kwargs):
    given = _bind_args(sym, args, kwargs, "InferType")
    given = {k: (np.dtype(v).name if v is not None else None) for k, v in given.items()}
    inf = run_inference(sym, {}, given, with_shapes=True)
    arg_nodes, aux_nodes = variables(inf.order)
    arg = [inf.dtype.get((id(n), 0)) for n in arg_nodes]
    aux = [inf.dtype.get((id(n), 0)) for n in aux_nodes]
    out = [inf.dtype.get((id(n), i)) for n, i in sym._outputs]
    if any(d is None for d in arg + aux + out):
        return None, None, None
    t = lambda d: np.dtype(d).type  # noqa: E731
    return [t(d) for d in arg], [t(d) for d in out], [t(d) for d in aux]


def entry_shapes(sym, shapes: dict, dtypes: Optional[dict] = None) -> Inference:
    """Inference over the whole graph (for planning, summaries and Gluon)."""
    return run_inference(sym, shapes, dtypes or {})


__all__ = ["infer_shape", "infer_type", "entry_shapes", "Inference", "topo_order"]
