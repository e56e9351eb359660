"""Symbols from operations run on NDArrays.

Every op call reports ``(op name, inputs, outputs, attributes)`` to the
core's bind point (``record`` in gluonx/_core/_autograd.pxi).  The autograd
tape is one consumer; the *graph tracer* here is the second: arrays it
follows carry it in their autograd slot, and each op on them becomes a
graph node.

* :func:`trace` turns a function of NDArrays (or a Block) into a Symbol,
  the way ``torch.jit.trace`` does for PyTorch;
* :func:`tape_symbol` is ``mx.autograd.get_symbol``: the history the tape
  recorded, as a Symbol (named as MXNet names it: ``var0``, ``node_0``...).
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetError
from gluonx.ops.elemwise import SCALAR_OPS
from gluonx.ops.registry import get_op
from gluonx.symbol.graph import Node
from gluonx.symbol.symbol import Symbol

# (operation the core records, number on the right?) -> MXNet's scalar operator
_SCALAR_OF = {("broadcast_" + k, not left): name for name, (k, left) in SCALAR_OPS.items()}
for _k, _flip in (("lesser", "greater"), ("lesser_equal", "greater_equal"), ("greater", "lesser"),
                  ("greater_equal", "lesser_equal"), ("equal", "equal"), ("not_equal", "not_equal"),
                  ("add", "plus"), ("mul", "mul"), ("maximum", "maximum"), ("minimum", "minimum"),
                  ("hypot", "hypot")):
    _SCALAR_OF[("broadcast_" + _k, False)] = "_%s_scalar" % _flip   # number (op) x == x (flipped op) number


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.number, np.bool_)) and not isinstance(v, NDArray)


def make_node(opname: str, inputs: tuple, outputs: tuple, attrs, resolve: Callable, name: str) -> Node:
    """The graph node of one recorded call; `resolve(i, array)` gives the
    (node, index) entry of input i."""
    if len(inputs) == 2 and any(_is_number(v) for v in inputs):
        right = _is_number(inputs[1])
        sname = _SCALAR_OF.get((opname, right))
        if sname is None:
            raise MXNetError("graph trace: %s with a number operand has no MXNet operator" % opname)
        op = get_op(sname)
        scalar = float(inputs[1] if right else inputs[0])
        params = dict(op._defaults, scalar=scalar)
        return Node(op, name, {"scalar": repr(scalar)}, params, [resolve(0 if right else 1,
                                                                      inputs[0] if right else inputs[1])])
    if opname == "_reshape_view":
        op = get_op("Reshape")
        shape = outputs[0].shape
        return Node(op, name, {"shape": str(shape)}, dict(op._defaults, shape=shape), [resolve(0, inputs[0])])
    if opname == "_CachedOp":
        raise MXNetError("graph trace: the history holds a hybridized block's compiled graph; trace the block "
                         "before hybridize() (its graph is block._cached_graph[1])")
    try:
        op = get_op(opname)
    except MXNetError:
        raise MXNetError("graph trace: operation %s has no graph operator (NDArray indexing with advanced keys, "
                         "a Python autograd.Function ...)" % opname) from None
    params = dict(op._defaults)
    if isinstance(attrs, dict):
        params.update({k: v for k, v in attrs.items() if op.has_attr(k)})
    explicit = {k: v for k, v in params.items() if v != op._defaults.get(k)}
    return Node(op, name, {k: repr(v) if isinstance(v, float) else str(v) for k, v in explicit.items()}, params,
                [resolve(i, x) for i, x in enumerate(inputs) if x is not None])


class _Tracer:
    """The second consumer of the core's bind point: builds graph nodes."""

    def __init__(self):
        self.entries = {}      # id(array) -> (node, index)
        self.keep = []         # the arrays behind those ids (so ids stay unique)
        self.count = 0

    def variable(self, arr, name: str) -> None:
        self.entries[id(arr)] = (Node(None, name, {}, None, []), 0)
        self.keep.append(arr)

    def _resolve(self, i, arr):
        e = self.entries.get(id(arr))
        if e is None:              # an array from outside the trace: a variable
            self.variable(arr, "var%d" % len([k for k in self.keep if k is not None]))
            e = self.entries[id(arr)]
        return e

    def add(self, opname, inputs, outputs, attrs):
        node = make_node(opname, inputs, outputs, attrs, self._resolve, "node_%d" % self.count)
        self.count += 1
        for i, y in enumerate(outputs):
            self.entries[id(y)] = (node, i)
            self.keep.append(y)


def trace(fn, *inputs, input_names: Optional[list] = None) -> Symbol:
    """The Symbol of what `fn` (a function of NDArrays, or a Block) computes
    from `inputs`; a Block's parameters become variables named after them.

    >>> net = mx.gluon.nn.Dense(2, in_units=3); net.initialize()
    >>> mx.sym.trace(net, mx.nd.ones((1, 3))).list_arguments()
    ['data', 'dense0_weight', 'dense0_bias']
    """
    tracer = _Tracer()
    names = input_names or (["data"] if len(inputs) == 1 else ["data%d" % i for i in range(len(inputs))])
    followed = []
    for x, name in zip(inputs, names):
        x = x.detach()
        tracer.variable(x, name)
        followed.append(x)
    if hasattr(fn, "collect_params"):
        for p in fn.collect_params().values():
            for arr in (p._data or []):
                tracer.variable(arr, p.name)
                followed.append(arr)
    saved = [a._ag for a in followed]
    for a in followed:
        _c.trace_array(a, tracer)
    try:
        out = fn(*followed[:len(inputs)])
    finally:
        for a, info in zip(followed, saved):
            _c.trace_array(a, None)
            a._ag = info
    outs = [out] if isinstance(out, NDArray) else list(out)
    for y in outs:
        _c.trace_array(y, None)
    heads = []
    for y in outs:
        e = tracer.entries.get(id(y))
        if e is None:
            raise MXNetError("trace: an output was not computed from the traced inputs")
        heads.append(e)
    return Symbol(heads)


def tape_symbol(x: NDArray) -> Symbol:
    """``mx.autograd.get_symbol``: the history the tape recorded for `x`."""
    info = x._ag
    if info is None or info.node is None:
        raise MXNetError("get_symbol: the array was not computed inside autograd.record() from arrays marked "
                         "with attach_grad()")
    order, seen, stack = [], set(), [(info.node, False)]
    while stack:
        n, done = stack.pop()
        if done:
            order.append(n)
            continue
        if id(n) in seen:
            continue
        seen.add(id(n))
        stack.append((n, True))
        for p in reversed(n.parents):
            if p is not None and p.node is not None and id(p.node) not in seen:
                stack.append((p.node, False))
    converted, variables = {}, {}

    def resolve_for(n):
        def resolve(i, arr):
            p = n.parents[i] if i < len(n.parents) else None
            if p is not None and p.node is not None:
                return (converted[id(p.node)], p.index)
            key = id(p) if p is not None else id(arr)
            if key not in variables:
                variables[key] = (Node(None, "var%d" % len(variables), {}, None, []), 0)
            return variables[key]
        return resolve

    for k, n in enumerate(order):
        if n.freed:
            raise MXNetError("get_symbol: backward() already freed this graph; call get_symbol first or pass "
                             "retain_graph=True to backward")
        converted[id(n)] = make_node(n.op, n.inputs, n.outputs, n.attrs, resolve_for(n), "node_%d" % k)
    return Symbol([(converted[id(info.node)], info.index)])
