"""``mx.operator``: operators written in Python (MXNet's custom-op API).

Subclass :class:`CustomOp` (the computation) and :class:`CustomOpProp` (its
inputs, outputs, shapes and types), register the prop under a name, then call
it as ``mx.nd.Custom(..., op_type=name)`` or ``mx.sym.Custom(...)``: it works
eagerly, under ``autograd.record()``, in Gluon blocks (hybridized too) and in
bound symbols.  Both calls run the one ``Custom`` operator of
:mod:`gluonx.ops.custom`.

>>> import gluonx as mx
>>> class Sqr(mx.operator.CustomOp):
...     def forward(self, is_train, req, in_data, out_data, aux):
...         self.assign(out_data[0], req[0], in_data[0] * in_data[0])
...     def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
...         self.assign(in_grad[0], req[0], 2 * in_data[0] * out_grad[0])
>>> @mx.operator.register("sqr_doc")
... class SqrProp(mx.operator.CustomOpProp):
...     def create_operator(self, ctx, in_shapes, in_dtypes):
...         return Sqr()
>>> x = mx.nd.array([1, 2, 3]); x.attach_grad()
>>> with mx.autograd.record():
...     y = mx.nd.Custom(x, op_type="sqr_doc")
>>> y.backward(); x.grad.asnumpy().tolist()
[2.0, 4.0, 6.0]

Where gluonx differs from MXNet 1.9.1: ``in_grad`` starts at zeros and
``req`` in ``backward`` is ``'write'`` (or ``'null'`` for inputs that need
no gradient) -- ``grad_req='add'`` accumulates after the operator returns;
``out_grad`` holds the head gradient even when ``need_top_grad=False``
(MXNet passes empty arrays there); forward and backward errors are raised
at the call as the user's own exception type, which is also an MXNetError;
``infer_storage_type`` accepts only dense (``'default'``) arrays.
"""
from __future__ import annotations

import collections
import warnings
from typing import Callable, Sequence

from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops import custom as _custom
from gluonx.ops.registry import REQUIRED as _REQUIRED, all_ops as _all_ops, get_op as _get_op

__all__ = ["CustomOp", "CustomOpProp", "register", "get_all_registered_operators", "get_operator_arguments",
           "OperatorArguments", "PythonOp", "NumpyOp", "NDArrayOp"]


class CustomOp:
    """The computation of a custom operator (override forward and backward).

    ``in_data``, ``out_data``, ``in_grad``, ``out_grad`` and ``aux`` are
    lists of NDArrays; ``req`` says how to store each result (``'null'``,
    ``'write'``, ``'inplace'`` or ``'add'``): use :meth:`assign`.
    """

    def __init__(self):
        pass

    def forward(self, is_train: bool, req: list, in_data: list, out_data: list, aux: list) -> None:
        """Writes the outputs into ``out_data`` (``is_train``: training mode)."""

    def backward(self, req: list, out_grad: list, in_data: list, out_data: list, in_grad: list,
                 aux: list) -> None:
        """Writes the gradients of the arguments into ``in_grad``."""

    def assign(self, dst, req: str, src) -> None:
        """Stores `src` into `dst` as `req` says: nothing (``'null'``),
        overwrite (``'write'``, ``'inplace'``) or accumulate (``'add'``).

        >>> op = mx.operator.CustomOp(); d = mx.nd.ones((2,))
        >>> op.assign(d, 'add', mx.nd.ones((2,))); d.asnumpy().tolist()
        [2.0, 2.0]
        """
        if req == "null":
            return
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] += src
        else:
            raise MXNetValueError("CustomOp.assign: req must be 'null', 'write', 'inplace' or 'add', got %r"
                                  % (req,))


class CustomOpProp:
    """The description of a custom operator: its inputs, outputs, auxiliary
    states, shape and type rules, and which :class:`CustomOp` computes it.

    need_top_grad: whether backward needs the head gradient (False for a
    loss-style operator, which makes its own gradient).  The keywords given
    to ``mx.nd.Custom`` besides ``op_type`` reach the subclass's constructor
    as strings.
    """

    def __init__(self, need_top_grad: bool = True):
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape: list):
        """(input shapes, output shapes[, aux shapes]); by default every
        output has the first input's shape and there are no aux states."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type: list):
        """(input types, output types[, aux types]) as NumPy types; by default
        everything has the first input's type."""
        return (in_type, [in_type[0]] * len(self.list_outputs()),
                [in_type[0]] * len(self.list_auxiliary_states()))

    def infer_storage_type(self, in_stype: list):
        """Storage types: gluonx arrays are dense, so only ``'default'``."""
        for i, stype in enumerate(in_stype):
            if stype != "default":
                raise MXNetTypeError("CustomOpProp.infer_storage_type: input %d has storage type %r; "
                                     "gluonx custom operators take dense ('default') arrays" % (i, stype))
        return in_stype, ["default"] * len(self.list_outputs()), ["default"] * len(self.list_auxiliary_states())

    def infer_storage_type_backward(self, ograd_stype, in_stype, out_stype, igrad_stype, aux_stype):
        """Storage types of the backward pass: all ``'default'``."""
        lists = [ograd_stype, in_stype, out_stype, igrad_stype, aux_stype]
        return tuple(["default"] * len(x) for x in lists)

    def list_outputs(self) -> list:
        """Names of the outputs."""
        return ["output"]

    def list_arguments(self) -> list:
        """Names of the arguments (inputs that are not auxiliary states)."""
        return ["data"]

    def list_auxiliary_states(self) -> list:
        """Names of the auxiliary states (inputs the operator may update)."""
        return []

    def declare_backward_dependency(self, out_grad: list, in_data: list, out_data: list) -> list:
        """Ids of what backward reads (gluonx checks them and keeps everything)."""
        deps = list(out_grad) if self.need_top_grad_ else []
        return deps + list(in_data) + list(out_data)

    def create_operator(self, ctx, in_shapes: list, in_dtypes: list) -> CustomOp:
        """The CustomOp for one call on `ctx` with these input shapes and
        (MXNet's integer codes of) dtypes."""
        return CustomOp()


def register(reg_name: str) -> Callable[[type], type]:
    """Class decorator: registers a :class:`CustomOpProp` subclass as the
    custom operator `reg_name` (``mx.nd.Custom(..., op_type=reg_name)``).

    >>> @mx.operator.register("identity_doc")
    ... class IdentityProp(mx.operator.CustomOpProp):
    ...     pass
    """
    if not isinstance(reg_name, str) or not reg_name:
        raise MXNetTypeError("mx.operator.register: the name must be a non-empty string, got %r" % (reg_name,))

    def do_register(prop_cls: type) -> type:
        if not (isinstance(prop_cls, type) and issubclass(prop_cls, CustomOpProp)):
            raise MXNetTypeError("mx.operator.register(%r): decorate a subclass of mx.operator.CustomOpProp, "
                                 "got %r" % (reg_name, prop_cls))
        _custom.register_prop(reg_name, prop_cls)
        return prop_cls
    return do_register


register("custom_op")(CustomOpProp)      # as MXNet: the base class itself is an (identity) operator


def get_all_registered_operators() -> list:
    """Names of every operator (and alias) gluonx has."""
    return sorted(_all_ops())


OperatorArguments = collections.namedtuple("OperatorArguments", ["narg", "names", "types"])

_KIND_TEXT = {"int": "int", "float": "float", "bool": "boolean", "shape": "Shape(tuple)", "axis": "int or None",
              "dtype": "dtype", "str": "string", "any": "any"}


def get_operator_arguments(op_name: str) -> OperatorArguments:
    """(number, names, type descriptions) of an operator's inputs and
    attributes, as MXNet describes them.

    >>> mx.operator.get_operator_arguments('Activation').names
    ['data', 'act_type']
    """
    op = _get_op(op_name)
    names, types = [], []
    if op.variadic:
        names.append("data")
        types.append("NDArray-or-Symbol[]")
    else:
        names += list(op.inputs)
        types += ["NDArray-or-Symbol"] * len(op.inputs)
    for a in op.attrs:
        names.append(a.name)
        if a.choices is not None:
            kind = "{%s}" % ", ".join(repr(c) for c in sorted(a.choices, key=str))
        else:
            kind = _KIND_TEXT.get(a.kind, a.kind)
        if a.default is _REQUIRED:
            types.append(kind + ", required")
        else:
            default = a.default
            shown = int(default) if isinstance(default, bool) else default
            types.append("%s, optional, default=%s" % (kind, shown))
    return OperatorArguments(len(names), names, types)


# ---- MXNet's deprecated Python operators, as custom operators -------------------------------

class PythonOp:
    """Deprecated base of :class:`NumpyOp` and :class:`NDArrayOp` (use
    :class:`CustomOp`): one object is both the description and the
    computation; ``get_symbol(*inputs)`` makes its graph node."""

    _ref_holder: list = []

    def __init__(self, need_top_grad: bool = True):
        self.info_ = None
        self.need_top_grad_ = need_top_grad
        warnings.warn("PythonOp has been deprecated. Please use CustomOp", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        return self.get_symbol(*args, **kwargs)

    def get_symbol(self, *args, **kwargs):
        """A Symbol applying this operator to the symbols `args`."""
        from gluonx import symbol as _symbol      # same floor; import on use (symbol imports no operator)
        op_type = "_python_op%d" % len(PythonOp._ref_holder)
        PythonOp._ref_holder.append(self)
        _custom.register_prop(op_type, _legacy_prop(self))
        return _symbol.Custom(*args, op_type=op_type, **kwargs)

    def forward(self, in_data: Sequence, out_data: Sequence) -> None:
        """Writes out_data from in_data (default: a copy of the first input)."""
        out_data[0][:] = in_data[0]

    def backward(self, out_grad: Sequence, in_data: Sequence, out_data: Sequence, in_grad: Sequence) -> None:
        """Writes in_grad (default: ones, as in MXNet)."""
        in_grad[0][:] = 1.0

    def infer_shape(self, in_shape: list):
        """(input shapes, output shapes)."""
        return in_shape, [in_shape[0]]

    def list_outputs(self) -> list:
        return ["output"]

    def list_arguments(self) -> list:
        return ["data"]

    def need_top_grad(self) -> bool:
        return self.need_top_grad_


class NumpyOp(PythonOp):
    """Deprecated: a :class:`PythonOp` whose forward and backward get NumPy
    arrays (written in place)."""

    def __init__(self, need_top_grad: bool = True):
        super().__init__(need_top_grad)


class NDArrayOp(PythonOp):
    """Deprecated: a :class:`PythonOp` whose forward and backward get NDArrays."""

    def __init__(self, need_top_grad: bool = True):
        super().__init__(need_top_grad)

    def declare_backward_dependency(self, out_grad: list, in_data: list, out_data: list) -> list:
        deps = list(out_grad) if self.need_top_grad() else []
        return deps + list(in_data) + list(out_data)


class _LegacyOp(CustomOp):
    """Runs a PythonOp's forward/backward (on NumPy copies for a NumpyOp)."""

    def __init__(self, pyop: PythonOp):
        super().__init__()
        self.pyop = pyop
        self.numpy = not isinstance(pyop, NDArrayOp)

    def _run(self, method, read: list, write: list, reqs: list) -> None:
        if not self.numpy:
            method(*read, write)
            return
        bufs = [w.asnumpy() for w in write]
        method(*[[x.asnumpy() for x in group] for group in read], bufs)
        for dst, req, src in zip(write, reqs, bufs):
            self.assign(dst, req, src)

    def forward(self, is_train, req, in_data, out_data, aux):
        self._run(self.pyop.forward, [in_data], out_data, req)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self._run(self.pyop.backward, [out_grad, in_data, out_data], in_grad, req)


def _legacy_prop(pyop: PythonOp) -> type:
    class _LegacyProp(CustomOpProp):
        def __init__(self):
            super().__init__(need_top_grad=pyop.need_top_grad())

        def list_arguments(self):
            return pyop.list_arguments()

        def list_outputs(self):
            return pyop.list_outputs()

        def infer_shape(self, in_shape):
            got = pyop.infer_shape(in_shape)
            return got[0], got[1], []

        def declare_backward_dependency(self, out_grad, in_data, out_data):
            if isinstance(pyop, NDArrayOp):
                return pyop.declare_backward_dependency(out_grad, in_data, out_data)
            return super().declare_backward_dependency(out_grad, in_data, out_data)

        def create_operator(self, ctx, in_shapes, in_dtypes):
            return _LegacyOp(pyop)
    _LegacyProp.__name__ = type(pyop).__name__ + "Prop"
    return _LegacyProp
