"""The graph: nodes in topological order, the one representation behind
``mx.sym``, ``hybridize()``, ``export()`` and ``SymbolBlock``.

A :class:`Node` is an operator application (its :class:`OpDef`, parsed
attributes, inputs as ``(node, output index)`` pairs, a name) or a variable
(``op is None``: an argument or an auxiliary state).  This is also what
MXNet's ``-symbol.json`` stores (``nodes``, ``arg_nodes``, ``heads``).
Passes are small functions over ``topo_order(heads)``.
"""
from __future__ import annotations

from typing import Iterable, Optional

from gluonx.ops.registry import OpDef

# Attribute names MXNet stores as __name__ (and lists under both names).
HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


class Node:
    """One graph node (see the module docstring).

    attrs: what a graph file keeps, strings by name: the attributes given
    explicitly when the node was made plus ``__x__`` annotations
    (``__shape__``, ``__lr_mult__`` ...).  params: the operator's parsed
    attributes, defaults included (None for a variable).
    """

    __slots__ = ("op", "name", "attrs", "params", "inputs", "__weakref__")

    def __init__(self, op: Optional[OpDef], name: str, attrs: dict, params: Optional[dict],
                 inputs: list):
        self.op = op
        self.name = name
        self.attrs = attrs
        self.params = params
        self.inputs = inputs

    @property
    def is_variable(self) -> bool:
        return self.op is None

    def num_outputs(self) -> int:
        return 1 if self.op is None else self.op.output_count(self.params)

    def input_names(self) -> tuple:
        """Names of this node's inputs (``arg0``, ``arg1`` ... for variadic ops)."""
        if self.op is None:
            return ()
        if self.op.variadic and self.op._input_names is None:
            return tuple("arg%d" % i for i in range(len(self.inputs)))
        return self.op.input_names(self.params)

    def op_slots(self) -> list:
        """For each of the operator's declared inputs, the index into
        self.inputs that feeds it, or None when the attributes leave it out
        (FullyConnected's bias with no_bias=True)."""
        if self.op is None or self.op.variadic:
            return list(range(len(self.inputs)))
        present = self.input_names()
        pos = {n: i for i, n in enumerate(present)}
        return [pos.get(n) for n in self.op.inputs]

    def output_names(self) -> tuple:
        if self.op is None:
            return (self.name,)
        return tuple("%s_%s" % (self.name, n) for n in self.op.output_names(self.params))

    def aux_inputs(self) -> tuple:
        """Indices of the inputs that are auxiliary states (BatchNorm's moving statistics)."""
        if self.op is None:
            return ()
        aux = self.op.aux_names(self.params)
        if not aux:
            return ()
        return tuple(i for i, n in enumerate(self.input_names()) if n in aux)

    def __repr__(self) -> str:
        return "<Node %s %s>" % (self.op.name if self.op is not None else "variable", self.name)


def topo_order(heads: Iterable[tuple]) -> list:
    """Nodes reachable from `heads` ((node, index) pairs), each after its
    inputs, in the depth-first post-order MXNet uses (so arguments are
    listed in MXNet's order)."""
    order, seen = [], set()
    for head, _ in heads:
        if id(head) in seen:
            continue
        stack = [(head, 0)]
        seen.add(id(head))
        while stack:
            node, i = stack.pop()
            if i < len(node.inputs):
                stack.append((node, i + 1))
                child = node.inputs[i][0]
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, 0))
            else:
                order.append(node)
    return order


def variables(order: list) -> tuple[list, list]:
    """(arguments, auxiliary states): the variable nodes of `order`, in order."""
    aux_ids = set()
    for node in order:
        for i in node.aux_inputs():
            aux_ids.add(id(node.inputs[i][0]))
    args = [n for n in order if n.op is None and id(n) not in aux_ids]
    aux = [n for n in order if n.op is None and id(n) in aux_ids]
    return args, aux


def consumers(order: list) -> dict:
    """{id(node): [(consumer node, input position)]}."""
    users = {}
    for node in order:
        for pos, (src, _) in enumerate(node.inputs):
            users.setdefault(id(src), []).append((node, pos))
    return users
