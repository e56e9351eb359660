"""The :class:`Symbol`: a handle on some outputs of a graph (``mx.sym``).

Symbols are made by :func:`var` and by the operator functions of
``mx.sym`` (generated from the same registry as ``mx.nd``), combined with
arithmetic, composed by calling (``net(data=other)``), grouped, indexed,
inspected (``list_arguments``, ``infer_shape`` ...), saved as MXNet's
JSON and bound to arrays for execution.

>>> import gluonx as mx
>>> data = mx.sym.var('data')
>>> fc = mx.sym.FullyConnected(data, num_hidden=4, name='fc1')
>>> net = mx.sym.Activation(fc, act_type='relu', name='relu1')
>>> net.list_arguments()
['data', 'fc1_weight', 'fc1_bias']
>>> net.infer_shape(data=(2, 3))[1]
[(2, 4)]
"""
from __future__ import annotations

import copy as _copy
from typing import Optional

import numpy as np

from gluonx import attribute as _attribute
from gluonx import name as _name
from gluonx.base import MXNetError, MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import OpDef, get_op, REQUIRED
from gluonx.symbol import executor, infer, json_io
from gluonx.symbol.graph import HIDDEN_KEYS, Node, topo_order, variables

__all__ = ["Symbol", "var", "Variable", "Group", "create"]

_DTYPE_CODES = {"float32": 0, "float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5, "int64": 6,
                "bool": 7}
_STYPE_CODES = {"default": 0, "row_sparse": 1, "csr": 2}


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_))


def _attr_string(attr, value) -> str:
    """How MXNet writes an attribute value into a graph (str(), dtype names)."""
    if attr is not None and attr.kind == "dtype" and value is not None:
        return np.dtype(value).name if not isinstance(value, str) else value
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).name
    return str(value)


def _user_attrs(attr: Optional[dict]) -> dict:
    """The scope's attributes merged with `attr`; hidden keys become ``__key__``."""
    out = {}
    for k, v in _attribute.current().get(attr).items():
        if not isinstance(v, str):
            raise MXNetValueError("Attributes need to be string, got %s=%r" % (k, v))
        out["__%s__" % k if k in HIDDEN_KEYS else k] = v
    return out


class Symbol:
    """Outputs of a graph: a list of ``(node, output index)`` pairs."""

    __slots__ = ("_outputs", "__weakref__")

    def __init__(self, outputs: list):
        self._outputs = list(outputs)

    # ---- structure -----------------------------------------------------------
    def _order(self) -> list:
        return topo_order(self._outputs)

    @property
    def name(self) -> Optional[str]:
        """The name of the node this symbol is an output of (None when its
        outputs come from several nodes)."""
        if not self._outputs or any(n is not self._outputs[0][0] for n, _ in self._outputs):
            return None
        return self._outputs[0][0].name

    def __len__(self) -> int:
        return len(self._outputs)

    @property
    def num_outputs(self) -> int:
        return len(self._outputs)

    def __iter__(self):
        return (Symbol([o]) for o in self._outputs)

    def list_outputs(self) -> list:
        """Names of the outputs (``fc1_output``; a variable's own name)."""
        return [node.output_names()[i] for node, i in self._outputs]

    def list_arguments(self) -> list:
        """Names of the input variables that are not auxiliary states, in graph order."""
        return [n.name for n in variables(self._order())[0]]

    def list_auxiliary_states(self) -> list:
        """Names of the auxiliary states (BatchNorm's moving_mean, moving_var ...)."""
        return [n.name for n in variables(self._order())[1]]

    def list_inputs(self) -> list:
        """Names of every input variable, auxiliary states included, in graph order."""
        return [n.name for n in self._order() if n.op is None]

    def __getitem__(self, index):
        if isinstance(index, str):
            names = self.list_outputs()
            matches = [i for i, n in enumerate(names) if n == index]
            if not matches:
                internals = self.get_internals()
                names = internals.list_outputs()
                matches = [i for i, n in enumerate(names) if n == index]
                if not matches:
                    raise MXNetValueError('Cannot find output that matches name "%s"' % index)
                return Symbol([internals._outputs[matches[0]]])
            if len(matches) > 1:
                raise MXNetValueError('There are multiple outputs with name "%s"' % index)
            return Symbol([self._outputs[matches[0]]])
        if isinstance(index, slice):
            return Symbol(self._outputs[index])
        if not isinstance(index, (int, np.integer)):
            raise MXNetTypeError("Symbol index must be an int, a slice or an output name, got %r" % (index,))
        if not -len(self._outputs) <= index < len(self._outputs):
            raise MXNetIndexError("Symbol index %d out of range: the symbol has %d outputs"
                                  % (index, len(self._outputs)))
        return Symbol([self._outputs[index]])

    def get_internals(self) -> "Symbol":
        """A symbol with every output of every node of the graph, in order."""
        outs = []
        for node in self._order():
            outs.extend((node, i) for i in range(node.num_outputs()))
        return Symbol(outs)

    def get_children(self) -> Optional["Symbol"]:
        """The inputs of this symbol's node(s) (None for a variable)."""
        ins = []
        for node, _ in self._outputs:
            ins.extend(node.inputs)
        return Symbol(ins) if ins else None

    # ---- attributes ------------------------------------------------------------
    def attr(self, key: str) -> Optional[str]:
        """Attribute `key` of this symbol's node (None when unset)."""
        if len(self._outputs) != 1:
            return None
        attrs = self._outputs[0][0].attrs
        if key in attrs:
            return attrs[key]
        if key in HIDDEN_KEYS:
            return attrs.get("__%s__" % key)
        return None

    def list_attr(self, recursive: bool = False) -> dict:
        """This node's attributes (hidden ones under both names)."""
        if recursive:
            raise MXNetValueError("list_attr(recursive=True) is removed; use attr_dict()")
        return _listed(self._outputs[0][0].attrs) if self._outputs else {}

    def attr_dict(self) -> dict:
        """{node name: its attributes} for every node that has any."""
        out = {}
        for node in self._order():
            a = _listed(node.attrs)
            if a:
                out[node.name] = a
        return out

    def _set_attr(self, **kwargs) -> None:
        for node, _ in self._outputs:
            for k, v in kwargs.items():
                if not isinstance(v, str):
                    raise MXNetValueError("Set Attr only accepts string values")
                node.attrs["__%s__" % k if k in HIDDEN_KEYS else k] = v

    # ---- composition ---------------------------------------------------------------
    def __call__(self, *args, **kwargs) -> "Symbol":
        """A copy with variables replaced by symbols: ``net(data=other)``."""
        s = self.__copy__()
        s._compose(*args, **kwargs)
        return s

    def _compose(self, *args, name: Optional[str] = None, **kwargs) -> None:
        if args:
            raise MXNetError("General composition only support kwargs for now")
        order = self._order()
        by_name = {n.name: n for n in order if n.op is None}
        for key, value in kwargs.items():
            if not isinstance(value, Symbol):
                raise MXNetTypeError("Compose expects Symbols, got %s for %s" % (type(value).__name__, key))
            if key not in by_name:
                raise MXNetError("Symbol.ComposeKeyword argument name %s not found." % key)
            if len(value._outputs) != 1:
                raise MXNetError("Compose: %s is a group of %d outputs; pass one output"
                                 % (key, len(value._outputs)))
        replace = {id(by_name[k]): v._outputs[0] for k, v in kwargs.items()}
        for node in order:
            node.inputs = [replace.get(id(src), (src, i)) if src.op is None and id(src) in replace else (src, i)
                           for src, i in node.inputs]
        self._outputs = [replace.get(id(n), (n, i)) if n.op is None and id(n) in replace else (n, i)
                         for n, i in self._outputs]
        if name is not None and len(self._outputs) == 1:
            self._outputs[0][0].name = name

    def __copy__(self) -> "Symbol":
        """A deep copy of the graph (variables and nodes are new objects)."""
        memo = {}
        for node in self._order():
            memo[id(node)] = Node(node.op, node.name, dict(node.attrs),
                                  dict(node.params) if node.params is not None else None,
                                  [(memo[id(s)], i) for s, i in node.inputs])
        return Symbol([(memo[id(n)], i) for n, i in self._outputs])

    def __deepcopy__(self, memo) -> "Symbol":
        return self.__copy__()

    copy = __copy__

    # ---- arithmetic (MXNet's operator and auto-name choices) --------------------------
    def _binary(self, other, sym_fn: str, scalar_fn: str, rscalar_fn: Optional[str] = None,
                reverse: bool = False):
        if isinstance(other, Symbol):
            return create(sym_fn, [other, self] if reverse else [self, other])
        if isinstance(other, (bool, np.bool_)) or not _is_number(other):
            if isinstance(other, (bool, np.bool_)):
                raise MXNetError("Invalid Parameter format for scalar expect double but value='%s'" % other)
            raise MXNetTypeError("type %s not supported" % type(other).__name__)
        return create(rscalar_fn if reverse else scalar_fn, [self], {"scalar": other})

    def __add__(self, other):
        return self._binary(other, "_Plus", "_PlusScalar")

    def __radd__(self, other):
        return self._binary(other, "_Plus", "_PlusScalar")

    def __sub__(self, other):
        return self._binary(other, "_Minus", "_MinusScalar")

    def __rsub__(self, other):
        return self._binary(other, "_Minus", "_MinusScalar", "_RMinusScalar", reverse=True)

    def __mul__(self, other):
        return self._binary(other, "_Mul", "_MulScalar")

    def __rmul__(self, other):
        return self._binary(other, "_Mul", "_MulScalar")

    def __truediv__(self, other):
        return self._binary(other, "_Div", "_DivScalar")

    def __rtruediv__(self, other):
        return self._binary(other, "_Div", "_DivScalar", "_RDivScalar", reverse=True)

    def __mod__(self, other):
        return self._binary(other, "_Mod", "_ModScalar")

    def __rmod__(self, other):
        return self._binary(other, "_Mod", "_ModScalar", "_RModScalar", reverse=True)

    def __pow__(self, other):
        return self._binary(other, "_Power", "_PowerScalar")

    def __rpow__(self, other):
        return self._binary(other, "_Power", "_PowerScalar", "_rpower_scalar", reverse=True)

    def __neg__(self):
        return self.__mul__(-1.0)

    def __abs__(self):
        return create("abs", [self])

    def __eq__(self, other):
        return self._binary(other, "_equal", "_equal_scalar")

    def __ne__(self, other):
        return self._binary(other, "_not_equal", "_not_equal_scalar")

    def __gt__(self, other):
        return self._binary(other, "_greater", "_greater_scalar")

    def __ge__(self, other):
        return self._binary(other, "_greater_equal", "_greater_equal_scalar")

    def __lt__(self, other):
        return self._binary(other, "_lesser", "_lesser_scalar")

    def __le__(self, other):
        return self._binary(other, "_lesser_equal", "_lesser_equal_scalar")

    __hash__ = object.__hash__

    def __bool__(self):
        raise MXNetTypeError(
            "A Symbol has no value: it stands for an array that the graph computes later, so it cannot "
            "decide an `if` or `while`.  Inside hybrid_forward, use F.where / F.contrib control flow, or "
            "do not hybridize this block")

    def __iter_values_error(self, what):
        raise MXNetTypeError("Symbol.%s: a Symbol has no values while a graph is being built (inside "
                             "hybrid_forward of a hybridized block); compute on NDArrays outside the graph"
                             % what)

    def asnumpy(self):
        self.__iter_values_error("asnumpy")

    def asscalar(self):
        self.__iter_values_error("asscalar")

    def __float__(self):
        self.__iter_values_error("__float__")

    def __int__(self):
        self.__iter_values_error("__int__")

    def __index__(self):
        self.__iter_values_error("__index__")

    @property
    def shape(self):
        raise MXNetTypeError("Symbol.shape: a Symbol has no shape until the graph's shapes are inferred; "
                             "use sym.infer_shape(data=...) or F.shape_array")

    # ---- shapes and types ------------------------------------------------------------
    def infer_shape(self, *args, **kwargs):
        """(argument shapes, output shapes, auxiliary shapes) from some
        argument shapes, or (None, None, None) when they do not decide all."""
        return infer.infer_shape(self, args, kwargs, partial=False)

    def infer_shape_partial(self, *args, **kwargs):
        """As infer_shape, with () for what is unknown."""
        return infer.infer_shape(self, args, kwargs, partial=True)

    def infer_type(self, *args, **kwargs):
        """(argument dtypes, output dtypes, auxiliary dtypes) as NumPy types."""
        return infer.infer_type(self, args, kwargs)

    # ---- serialisation ------------------------------------------------------------
    def tojson(self, remove_amp_cast: bool = True) -> str:
        """MXNet's JSON graph format (what ``-symbol.json`` files hold)."""
        return json_io.to_json(self._outputs)

    def save(self, fname: str, remove_amp_cast: bool = True) -> None:
        """Writes :meth:`tojson` to `fname` (atomically: no partial file on failure)."""
        json_io.save(self._outputs, fname)

    def debug_str(self) -> str:
        lines = []
        for node in self._order():
            if node.op is None:
                lines.append("Variable:%s" % node.name)
                continue
            lines.append("-" * 20)
            lines.append("Op:%s, Name=%s" % (node.op.name, node.name))
            lines.append("Inputs:")
            for k, (src, i) in enumerate(node.inputs):
                lines.append("\targ[%d]=%s(%d)%s" % (k, src.name, i, " version=0" if src.op is None else ""))
            if node.attrs:
                lines.append("Attrs:")
                for key, v in node.attrs.items():
                    lines.append("\t%s=%s" % (key, v))
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:
        if len(self._outputs) == 1:
            return "<Symbol %s>" % self.name
        return "<Symbol group [%s]>" % ", ".join(n.name for n, _ in self._outputs)

    def __getstate__(self):
        return {"handle": self.tojson()}

    def __setstate__(self, state):
        self._outputs = json_io.from_json(state["handle"])

    # ---- execution --------------------------------------------------------------
    def bind(self, ctx, args, args_grad=None, grad_req="write", aux_states=None, group2ctx=None,
             shared_exec=None):
        """An :class:`Executor` over the given argument (and gradient) arrays."""
        return executor.Executor(self, ctx, args, args_grad, grad_req, aux_states)

    def simple_bind(self, ctx, grad_req="write", type_dict=None, stype_dict=None, group2ctx=None,
                    shared_arg_names=None, shared_exec=None, shared_buffer=None, **kwargs):
        """An Executor with arrays allocated from inferred shapes (``data=(2, 3)``)."""
        return executor.simple_bind(self, ctx, grad_req, type_dict, kwargs)

    def eval(self, ctx=None, **kwargs):
        """Runs the graph on the given arrays; returns the list of outputs."""
        ex = self.bind(ctx, kwargs)
        return ex.forward()

    def gradient(self, wrt):
        raise MXNetError("Symbol.gradient is deprecated in MXNet and not supported; use bind(...).backward()")


def _listed(attrs: dict) -> dict:
    out = {}
    for k, v in attrs.items():
        out[k] = v
        if k.startswith("__") and k.endswith("__") and k[2:-2] in HIDDEN_KEYS:
            out[k[2:-2]] = v
    return out


# ---- making symbols --------------------------------------------------------------------

def var(name: str, attr: Optional[dict] = None, shape=None, lr_mult=None, wd_mult=None, dtype=None,
        init=None, stype=None, profiler_scope=None, **kwargs) -> Symbol:
    """A variable: an input of the graph (data, a weight ...).

    >>> w = mx.sym.var('w', shape=(3, 4), lr_mult=0.1)
    """
    if not isinstance(name, str):
        raise MXNetTypeError("Expect a string for variable `name`")
    attrs = _user_attrs(attr)
    if shape is not None:
        attrs["__shape__"] = str(tuple(shape))
    if lr_mult is not None:
        attrs["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attrs["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        attrs["__dtype__"] = str(_DTYPE_CODES[np.dtype(dtype).name])
    if init is not None:
        attrs["__init__"] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        attrs["__storage_type__"] = str(_STYPE_CODES[stype])
    for k, v in kwargs.items():
        if not (k.startswith("__") and k.endswith("__")):
            raise MXNetValueError("Attribute name=%s is not supported. Additional attributes must start and "
                                  "end with double underscores, e.g, __yourattr__" % k)
        attrs[k] = str(v)
    return Symbol([(Node(None, name, attrs, None, []), 0)])


Variable = var


def Group(symbols) -> Symbol:
    """One symbol with the outputs of several."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise MXNetTypeError("Expected a list of symbols as input")
    outs = []
    for s in symbols:
        outs.extend(s._outputs)
    return Symbol(outs)


# Attributes MXNet sets on variables it makes for an operator's missing inputs.
_INPUT_INIT = {("BatchNorm", "moving_mean"): '["zero", {}]', ("BatchNorm", "moving_var"): '["one", {}]',
               ("LeakyReLU", "gamma"): '["Constant", {"value": 0.25}]'}


def create(fname: str, args=(), kwargs: Optional[dict] = None, name: Optional[str] = None,
           attr: Optional[dict] = None) -> Symbol:
    """Applies operator `fname` (any registered name or alias) to symbols:
    what every ``mx.sym`` operator function does.  Inputs not given become
    variables named ``<node name>_<input name>``."""
    op = get_op(fname)
    kwargs = dict(kwargs or {})
    # MXNet reads keywords such as lr_mult=0 or __layout__='TNC' as node attributes
    # (lr_mult -> __lr_mult__), which the node's own variables inherit
    extra = {("__%s__" % k if k in HIDDEN_KEYS else k): str(kwargs.pop(k)) for k in list(kwargs)
             if k in HIDDEN_KEYS or (k.startswith("__") and k.endswith("__"))}
    if extra:
        attr = dict(attr or {}, **extra)
    sym_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if isinstance(kwargs[k], Symbol)}
    explicit = {}
    by_order = op.variadic and not op.inputs_by_name
    if by_order:
        syms = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
        inputs, params = op.bind((), dict(kwargs), explicit)
        inputs = syms + list(sym_kwargs.values())
        if "num_args" in op._attr_by_name:
            explicit["num_args"] = len(inputs)
            params["num_args"] = len(inputs)
    else:
        inputs, params = op.bind(tuple(args), dict(kwargs, **sym_kwargs), explicit, allow_missing=True)
    hint = fname.lower()
    node_name = _name.current().get(name, hint)
    attrs = {k: _attr_string(op._attr_by_name.get(k), v) for k, v in explicit.items()}
    user = _user_attrs(attr)
    for k in user:
        if not (k.startswith("__") and k.endswith("__")):
            raise MXNetError("Cannot find argument '%s', Possible Arguments: %s"
                             % (k, ", ".join(a.name for a in op.attrs)))
    attrs.update(user)
    node = Node(op, node_name, attrs, params, [])
    if by_order:
        node.inputs = [_single(s, op.name) for s in inputs]
    else:
        present = op.input_names(params)
        for in_name, x in zip(present if op.inputs_by_name else op.inputs, inputs):
            if in_name not in present:
                if isinstance(x, Symbol):
                    raise MXNetValueError("Operator %s: input %s is given but the attributes leave it out "
                                          "(e.g. no_bias=True)" % (op.name, in_name))
                continue
            if x is None:
                vattrs = dict(attrs)
                init = _INPUT_INIT.get((op.name, in_name))
                if init is not None:
                    vattrs["__init__"] = init
                x = Symbol([(Node(None, "%s_%s" % (node_name, in_name), vattrs, None, []), 0)])
            elif not isinstance(x, Symbol):
                raise MXNetTypeError("Operator %s: input '%s' must be a Symbol, got %s"
                                     % (op.name, in_name, type(x).__name__))
            node.inputs.append(_single(x, op.name))
    return Symbol([(node, i) for i in range(node.num_outputs())])


def _single(s, opname) -> tuple:
    if not isinstance(s, Symbol):
        raise MXNetTypeError("Operator %s: inputs must be Symbols, got %s" % (opname, type(s).__name__))
    if len(s._outputs) != 1:
        raise MXNetError("Operator %s: cannot take a group of %d outputs as one input; index it first"
                         % (opname, len(s._outputs)))
    return s._outputs[0]
