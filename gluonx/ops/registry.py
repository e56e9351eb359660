"""The operator registry: every operator is defined once, here.

An :class:`OpDef` holds everything about one operator: its name, inputs
and attributes (with defaults and validation), a pure **shape/dtype rule**,
a **compute step that writes into outputs it is given**, its gradient rule
and its documentation.  ``mx.nd.*``, ``mx.sym.*``, NDArray methods, the
graph's shape inference and memory planning all derive from it.

Defining an operator::

    def _clip_infer(a, shapes, dtypes):
        return [shapes[0]], [dtypes[0]]

    def _clip(data, out, a_min, a_max):
        _c.unary_with_attrs("clip", data, _CLIP.pack(a_min, a_max), out=out, opname="clip")

    register(OpDef(
        "clip", _clip, infer=_clip_infer, inputs=("data",),
        attrs=(Attr("a_min", "float"), Attr("a_max", "float")),
        method="clip", doc="Clips values to [a_min, a_max]."))

The contract:

* ``infer(a, shapes, dtypes) -> (out_shapes, out_dtypes)``: `a` is the dict
  of parsed attributes, `shapes`/`dtypes` one entry per input (a tuple of
  ints / a dtype name such as ``'float32'``).  Pure: no arrays, no kernels.
  It validates (raising an ``MXNetError`` naming the op and the shapes) and
  returns one shape and dtype per output.  Inputs listed in `infers_inputs`
  (a FullyConnected weight, a BatchNorm gamma ...) may arrive as None when
  the caller does not know them yet (``Symbol.infer_shape``, deferred
  initialization): the rule then fills ``shapes[i]``/``dtypes[i]`` in place
  from the others (MXNet's backward inference).  Every other input is
  known whenever the rule is called.
* ``compute(*inputs, out, **attrs)``: runs the kernels, writing into `out`
  (the output NDArray, or the list of them when the op has several), which
  the caller allocated from `infer` (or the user passed).  It returns None,
  or, for an op declared ``saves=True``, what its gradient rule needs
  (kept on the tape node as ``node.attrs["_saved"]``).
* ``grad(node, *out_grads) -> input grads``: see :func:`defgrad`.
* ``workspace=True`` declares that the op's kernels take scratch memory from
  the kernel context (MXNet's ``FResourceRequest(kTempSpace)``): the graph
  executor gives them one planned scratch arena instead of per-call memory.

An op without `infer` (``dynamic=True``: its output shape depends on the
values, e.g. advanced indexing) keeps the older form ``compute(*inputs,
out=None, **attrs) -> result`` that allocates its own outputs.

Gradient rules and composite ops call other operators through :data:`F`
(``F.sum(dy, axis=0)``), never through the generated ``mx.nd`` namespace.
"""
from __future__ import annotations

import ast
import inspect
from typing import Any, Callable, Iterable, Optional

import numpy as np

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetNotImplementedError, MXNetTypeError, MXNetValueError

__all__ = ["Attr", "OpDef", "register", "get_op", "all_ops", "defgrad", "REQUIRED", "F", "ShapeUnknown"]


class ShapeUnknown(Exception):
    """Raised by a shape rule that cannot decide yet (inputs it could infer
    from each other are all unknown); graph inference tries again later."""


class _Required:
    def __repr__(self) -> str:
        return "<required>"


REQUIRED = _Required()


def _parse_literal(value: str, opname: str, attr: str):
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        raise MXNetValueError("Operator %s: cannot parse attribute %s=%r" % (opname, attr, value)) from None


def _as_int(v, opname, attr):
    if isinstance(v, str):
        v = _parse_literal(v, opname, attr)
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer, float, np.floating)):
        raise MXNetTypeError("Operator %s: attribute %s must be an integer, got %r" % (opname, attr, v))
    if isinstance(v, (float, np.floating)) and not float(v).is_integer():
        raise MXNetTypeError("Operator %s: attribute %s must be an integer, got %r" % (opname, attr, v))
    return int(v)


def _as_shape(v, opname, attr):
    if isinstance(v, str):
        v = _parse_literal(v, opname, attr)
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return (int(v),)
    if v is None:
        return None
    try:
        return tuple(_as_int(d, opname, attr) for d in v)
    except TypeError:
        raise MXNetTypeError("Operator %s: attribute %s must be a tuple of integers, got %r"
                             % (opname, attr, v)) from None


def _as_axis(v, opname, attr):
    if v is None:
        return None
    if isinstance(v, str):
        v = _parse_literal(v, opname, attr)
    if isinstance(v, (list, tuple)):
        return tuple(_as_int(d, opname, attr) for d in v)
    return _as_int(v, opname, attr)


def _as_float(v, opname, attr):
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            raise MXNetValueError("Operator %s: attribute %s must be a number, got %r" % (opname, attr, v)) from None
    if isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)) or isinstance(v, bool):
        return float(v)
    raise MXNetTypeError("Operator %s: attribute %s must be a number, got %r" % (opname, attr, v))


def _as_bool(v, opname, attr):
    if isinstance(v, str):
        if v.lower() in ("true", "1"):
            return True
        if v.lower() in ("false", "0"):
            return False
        raise MXNetValueError("Operator %s: attribute %s must be a boolean, got %r" % (opname, attr, v))
    return bool(v)


def _as_dtype(v, opname, attr):
    if v is None:
        return None
    from gluonx._core.ndarray import dtype_flag, dtype_name
    return dtype_name(dtype_flag(v))


def _as_str(v, opname, attr):
    if not isinstance(v, str):
        raise MXNetTypeError("Operator %s: attribute %s must be a string, got %r" % (opname, attr, v))
    return v


_PARSERS: dict[str, Callable] = {
    "int": _as_int, "float": _as_float, "bool": _as_bool, "shape": _as_shape,
    "axis": _as_axis, "dtype": _as_dtype, "str": _as_str, "any": lambda v, o, a: v,
}


_MISSING = object()
# values whose parse result can be remembered (tuples only of these: hashable, immutable)
_MEMO_TYPES = frozenset((int, float, str, bool, type(None), tuple))


class Attr:
    """One attribute of an operator.

    kind: ``int``, ``float``, ``bool``, ``shape`` (tuple of ints), ``axis``
    (None, an int or a tuple), ``dtype`` (canonical name or None), ``str``,
    or ``any``.  ``choices`` restricts the allowed values.
    """

    __slots__ = ("name", "kind", "default", "doc", "choices", "_parse", "_memo")

    def __init__(self, name: str, kind: str = "any", default: Any = REQUIRED, doc: str = "",
                 choices: Optional[Iterable] = None):
        self.name = name
        self.kind = kind
        self.default = default
        self.doc = doc
        self.choices = tuple(choices) if choices is not None else None
        self._parse = _PARSERS[kind]
        self._memo = {}      # (type, value) -> parsed, for the immutable values calls repeat

    def parse(self, value: Any, opname: str) -> Any:
        key = (type(value), value) if type(value) in _MEMO_TYPES else None
        if key is not None:
            try:
                got = self._memo.get(key, _MISSING)
            except TypeError:              # a tuple holding a list
                key = got = _MISSING
            if got is not _MISSING:
                return got
        if value is None and self.kind not in ("bool",) and (self.default is None):
            return None
        if value is None and self.kind == "shape":
            # a required shape given as None would reach the rule as None (a bare TypeError there)
            if self.default is REQUIRED:
                raise MXNetTypeError("Operator %s: attribute %s is required, got None" % (opname, self.name))
            return self.default
        v = self._parse(value, opname, self.name)
        if self.choices is not None and v not in self.choices:
            raise MXNetValueError("Operator %s: attribute %s=%r is not one of %s"
                                  % (opname, self.name, v, list(self.choices)))
        if key is not None and key is not _MISSING and len(self._memo) < 256:
            self._memo[key] = v
        return v


class OpDef:
    """The single definition of an operator (see the module docstring)."""

    # symbol creation binds keyword inputs by the names input_names(attrs) gives
    # (Custom, whose inputs its Python prop names); variadic ops otherwise take them in order
    inputs_by_name = False
    # False for an operator whose compute runs Python code on the values (Custom):
    # a compiled graph cannot replay it, so graphs holding it run operator by operator
    replayable = True

    def __init__(self, name: str, compute: Callable, *, inputs: tuple = ("data",),
                 attrs: tuple = (), infer: Optional[Callable] = None, grad: Optional[Callable] = None,
                 aliases: tuple = (), method: Optional[str | tuple] = None, doc: str = "",
                 num_outputs: int | Callable = 1, variadic: bool = False, differentiable: bool = True,
                 scalar_inputs: bool = False, namespaces: tuple = ("nd",),
                 fast: Optional[Callable] = None, optional: tuple = (), saves: bool = False,
                 aux: tuple = (), infers_inputs: tuple = (), input_names: Optional[Callable] = None,
                 output_names: Optional[Callable | tuple] = None, workspace: bool = False,
                 dynamic: bool = False, stateful: bool = False, elementwise: bool = False,
                 infer_type: Optional[Callable] = None, attr_aliases: Optional[dict] = None):
        self.name = name
        self.compute = compute
        self.inputs = tuple(inputs)
        self.attrs = tuple(attrs)
        self.infer = infer
        self.grad = grad
        self.aliases = tuple(aliases)
        self.methods = (method,) if isinstance(method, str) else tuple(method or ())
        self.doc = doc
        # an int, or num_outputs(attrs) -> int when attributes decide (split)
        self.num_outputs = num_outputs
        self.variadic = variadic
        self.differentiable = differentiable
        self.scalar_inputs = scalar_inputs
        self.namespaces = namespaces
        # fast(data, out) for operators whose only argument is one array:
        # the generated function calls it directly, skipping argument binding
        self.fast = fast
        # inputs that may be omitted or None (e.g. the bias of FullyConnected)
        self.optional = tuple(optional)
        # saves=True: compute returns what the gradient rule needs (e.g.
        # Dropout's mask), kept on the recorded node as node.attrs["_saved"]
        self.saves = saves
        # inputs that are auxiliary states (updated in place, not learned:
        # BatchNorm's moving_mean / moving_var; MXNet's FMutateInputs)
        self.aux = tuple(aux)
        # inputs whose shape/dtype the rule can infer from the others
        self.infers_inputs = tuple(infers_inputs)
        # input_names(attrs) -> the inputs present for these attributes
        # (FullyConnected(no_bias=True) has no bias); default: all inputs
        self._input_names = input_names
        # output_names: names of the outputs (MXNet's FListOutputNames)
        self._output_names = output_names
        self.workspace = workspace
        # dynamic: output shapes depend on the values; no shape rule
        self.dynamic = dynamic or (infer is None)
        # stateful: reads or writes state outside its inputs (random draws)
        self.stateful = stateful
        # elementwise: output 0 has the shape of input 0 (of every array input:
        # unary ops, elemwise_add & co.); graph inference also goes from the
        # output back to an unknown input, as MXNet's does, and merges
        # partly known shapes dim by dim
        self.elementwise = elementwise
        # infer_type(a, dtypes) -> out dtypes, filling unknown input dtypes:
        # types when shapes are unknown (default: the inputs share one dtype,
        # the outputs take it, or the `dtype` attribute)
        self.infer_type = infer_type
        self._attr_by_name = {a.name: a for a in self.attrs}
        # other names callers use for an attribute (mx.nd.full(shape, val=...) for value)
        self._attr_aliases = dict(attr_aliases or {})
        self._defaults = {a.name: a.default for a in self.attrs}
        self._required = tuple(a.name for a in self.attrs if a.default is REQUIRED)
        self._infer_index = tuple(i for i, n in enumerate(self.inputs) if n in self.infers_inputs)
        self._infer_memo = {}   # (shapes, dtypes, attribute values) -> the rule's answer (see _c.run_op)

    # ---- describing ---------------------------------------------------------
    def input_names(self, attrs: dict) -> tuple:
        """The inputs present for these (parsed) attributes, in order."""
        if self._input_names is not None:
            return tuple(self._input_names(attrs))
        return self.inputs

    def aux_names(self, attrs: dict) -> tuple:
        """Names of the inputs that are auxiliary states, for these attributes."""
        return self.aux

    def inferable_inputs(self, attrs: dict) -> frozenset:
        """Inputs whose shape the rule can fill in from the others."""
        return frozenset(self.infers_inputs)

    def has_attr(self, name: str) -> bool:
        """Whether `name` is an attribute of this operator (graph files, traces)."""
        return name in self._attr_by_name

    def output_count(self, attrs: dict) -> int:
        n = self.num_outputs
        return n(attrs) if callable(n) else n

    def output_names(self, attrs: dict) -> tuple:
        """Names of the outputs (``output``, or MXNet's names for ops with several)."""
        names = self._output_names
        if callable(names):
            return tuple(names(attrs))
        if names is not None:
            return tuple(names)
        n = self.output_count(attrs)
        return ("output",) if n == 1 else tuple("output%d" % i for i in range(n))

    def parse_attrs(self, raw: dict, strict: bool = True) -> dict:
        """Parsed attributes from a dict of values or strings (a graph file's
        ``attrs``).  Unknown names raise when `strict`, else are dropped."""
        values = dict(self._defaults)
        for key, v in raw.items():
            key = self._attr_aliases.get(key, key)
            attr = self._attr_by_name.get(key)
            if attr is None:
                if strict:
                    raise MXNetTypeError("Operator %s got an unexpected attribute '%s'; its attributes "
                                         "are: %s" % (self.name, key, ", ".join(self._attr_by_name) or "none"))
                continue
            values[key] = attr.parse(v, self.name)
        for key in self._required:
            if values[key] is REQUIRED:
                raise MXNetTypeError("Operator %s: missing required attribute '%s'" % (self.name, key))
        return values

    def infer_dtypes(self, attrs: dict, dtypes: list, n_out: int) -> list:
        """Output dtypes from input dtypes alone (filling unknown inputs)."""
        if self.infer_type is not None:
            return self.infer_type(attrs, dtypes)
        first = next((d for d in dtypes if d is not None), None)
        if first is None:
            raise ShapeUnknown()
        names = self.input_names(attrs) if not self.variadic else ()
        for i, d in enumerate(dtypes):
            if d is None:
                dtypes[i] = first
            elif i < len(names) and names[i] in self.infers_inputs and d != dtypes[0] and dtypes[0] is not None:
                raise MXNetTypeError("Operator %s: %s has dtype %s, expected %s (the dtype of %s)"
                                     % (self.name, names[i], d, dtypes[0], names[0]))
        want = attrs.get("dtype") if "dtype" in self._attr_by_name else None
        return [want if isinstance(want, str) else first] * n_out

    def infer_shapes(self, attrs: dict, shapes: list, dtypes: list) -> tuple[list, list]:
        """Runs the shape/dtype rule (`shapes`/`dtypes` may be completed in place)."""
        if self.infer is None:
            raise MXNetNotImplementedError("Operator %s has no shape rule: its output shape depends on "
                                           "the input values" % self.name)
        return self.infer(attrs, shapes, dtypes)

    # ---- calling ------------------------------------------------------------
    def bind(self, args: tuple, kwargs: dict, explicit: Optional[dict] = None,
             allow_missing: bool = False) -> tuple[list, dict]:
        """Splits a call's arguments into (inputs, parsed attributes); the
        attributes given explicitly also go, unparsed, into `explicit`.
        With `allow_missing` (symbols), inputs not given are None."""
        name = self.name
        if not kwargs and len(args) == len(self.inputs) and not self.variadic and not self._required:
            return list(args), dict(self._defaults)       # the common call: inputs only
        if self.variadic:
            inputs = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
            extra = ()
            if self.inputs and any(x is None for x in inputs):   # the rule would get a None shape
                raise MXNetTypeError("Operator %s: input %d is None; every input must be an NDArray"
                                     % (name, [x is None for x in inputs].index(True)))
        else:
            n = len(self.inputs)
            inputs = list(args[:n])
            extra = args[n:]
            for i in range(len(inputs), n):
                key = self.inputs[i]
                if key in kwargs:
                    inputs.append(kwargs.pop(key))
                elif key in self.optional or allow_missing:
                    inputs.append(None)
                else:
                    raise MXNetTypeError("Operator %s: missing input '%s' (inputs: %s)"
                                         % (name, key, ", ".join(self.inputs)))
            if len(extra) > len(self.attrs):
                raise MXNetTypeError("Operator %s takes %d inputs and %d attributes, got %d positional "
                                     "arguments" % (name, n, len(self.attrs), len(args)))
        values = dict(self._defaults)
        for attr, v in zip(self.attrs, extra):
            values[attr.name] = attr.parse(v, name)
            if explicit is not None:
                explicit[attr.name] = v
        for key, v in kwargs.items():
            key = self._attr_aliases.get(key, key)
            attr = self._attr_by_name.get(key)
            if attr is None and not self._attr_by_name and self.inputs and not self.variadic:
                # MXNet parses no parameters for an operator that has none, so an extra keyword is
                # ignored there (its test_loss calls broadcast_maximum(a, b, axis=1))
                continue
            if attr is None:
                raise MXNetTypeError("Operator %s got an unexpected argument '%s'; its attributes are: %s"
                                     % (name, key, ", ".join(self._attr_by_name) or "none"))
            values[key] = attr.parse(v, name)
            if explicit is not None:
                explicit[key] = v
        for key in self._required:
            if values[key] is REQUIRED:
                raise MXNetTypeError("Operator %s: missing required attribute '%s'" % (name, key))
        return inputs, values

    def __call__(self, *args, out=None, name=None, **kwargs):
        requires_grad = kwargs.pop("requires_grad", False) if not self.inputs else False
        inputs, values = self.bind(args, kwargs)
        if out is None and not self.dynamic and not self.scalar_inputs:
            result = _c.run_op(self, inputs, values)      # the common case, checks included
        else:
            result = self.invoke(inputs, values, out)
        if requires_grad:
            result.requires_grad = True
        return result

    def invoke(self, inputs: list, attrs: dict, out=None):
        """Runs the op on NDArray inputs with parsed attributes: infer,
        allocate (or take `out`), compute, record.  The one entry point of
        eager calls and of the graph executor."""
        if out is None and not self.dynamic and not self.scalar_inputs:
            return _c.run_op(self, inputs, attrs)
        _check_inputs(self, inputs)
        if self.dynamic or (self.scalar_inputs and not _any_array(inputs)):
            return self._invoke_dynamic(inputs, attrs, out)
        if not self.inputs:
            attrs = self._attrs_from_out(attrs, out)
        shapes, dtypes = _c.shapes_dtypes(inputs)
        oshapes, odtypes = self.infer(attrs, shapes, dtypes)
        ctx = _c.first_context(inputs)
        if ctx is None:
            ctx = attrs.get("ctx")
        if out is None:
            outs = dest = _c.alloc_outputs(oshapes, odtypes, ctx, self.name)
        else:   # computed straight into out=, or into a new array copied there when out is a view
            dest = _user_outputs(self, out, oshapes, odtypes)
            outs = [d if d.is_contiguous else _c.alloc_outputs([s], [t], ctx, self.name)[0]
                    for d, s, t in zip(dest, oshapes, odtypes)]
        given = outs[0] if len(outs) == 1 else outs
        if inputs and _c.needs_record(tuple(inputs)):
            # record the whole op as one node, not the launches inside it
            with _c.suppress_recording():
                saved = self.compute(*inputs, out=given, **attrs)
            if self.saves:
                attrs = dict(attrs, _saved=saved)
            _c.record_op(self.name, tuple(inputs), tuple(outs), attrs)
        else:
            self.compute(*inputs, out=given, **attrs)
        if out is not None:
            for d, o in zip(dest, outs):
                if d is not o:
                    _c.copyto(d, o, self.name)
            return out
        return given

    def _attrs_from_out(self, attrs: dict, out) -> dict:
        """An op without inputs (a sampler: ``mx.nd.random.uniform(out=o)``)
        takes its unset optional ``shape``/``dtype``/``ctx`` (None; a shape
        of () too, MXNet's unknown shape) from `out`, as MXNet does: the
        rule never sees `out`."""
        o = out[0] if isinstance(out, (list, tuple)) and out else out
        if not isinstance(o, NDArray):
            return attrs
        fill = {}
        d = self._defaults
        if "shape" in d and d["shape"] is None and attrs["shape"] in (None, ()):
            fill["shape"] = o.shape
        if "dtype" in d and d["dtype"] is None and attrs["dtype"] is None:
            fill["dtype"] = _c.dtype_name(_c.dtype_flag(o.dtype))
        if "ctx" in d and d["ctx"] is None and attrs["ctx"] is None:
            fill["ctx"] = o.context
        return dict(attrs, **fill) if fill else attrs

    def _invoke_dynamic(self, inputs, attrs, out):
        if inputs and _c.needs_record(tuple(inputs)):
            with _c.suppress_recording():
                result = self.compute(*inputs, **attrs) if out is None else \
                    self.compute(*inputs, out=out, **attrs)
            if self.saves:
                result, saved = result
                attrs = dict(attrs, _saved=saved)
            outs = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            _c.record_op(self.name, tuple(inputs), outs, attrs)
            return result
        result = self.compute(*inputs, **attrs) if out is None else self.compute(*inputs, out=out, **attrs)
        if self.saves:
            result = result[0]
        return result

    def signature(self) -> inspect.Signature:
        P = inspect.Parameter
        params = []
        if self.variadic:
            params.append(P("data", P.VAR_POSITIONAL))
        else:
            params += [P(n, P.POSITIONAL_OR_KEYWORD, default=None) if n in self.optional
                       else P(n, P.POSITIONAL_OR_KEYWORD) for n in self.inputs]
        kind = P.KEYWORD_ONLY if self.variadic else P.POSITIONAL_OR_KEYWORD
        for a in self.attrs:
            params.append(P(a.name, kind, default=P.empty if a.default is REQUIRED else a.default))
        params.append(P("out", P.KEYWORD_ONLY, default=None))
        params.append(P("name", P.KEYWORD_ONLY, default=None))
        return inspect.Signature(params)

    def docstring(self) -> str:
        lines = [self.doc.strip() or self.name, "", "Parameters", "----------"]
        for n in (("*data",) if self.variadic else self.inputs):
            lines += ["%s : NDArray" % n, "    Input."]
        for a in self.attrs:
            default = "required" if a.default is REQUIRED else "default %r" % (a.default,)
            lines += ["%s : %s, %s" % (a.name, a.kind, default)]
            if a.doc:
                lines.append("    " + a.doc)
        lines += ["out : NDArray, optional", "    Where to write the result."]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "<OpDef %s>" % self.name


def _any_array(inputs) -> bool:
    return any(isinstance(x, NDArray) for x in inputs)


def _user_outputs(op: OpDef, out, shapes, dtypes) -> list:
    """Checks a user's `out=` against the inferred outputs."""
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    if len(outs) != len(shapes):
        raise MXNetValueError("Operator %s: out= holds %d arrays, the operator has %d outputs"
                              % (op.name, len(outs), len(shapes)))
    for o, s, d in zip(outs, shapes, dtypes):
        if not isinstance(o, NDArray):
            raise MXNetTypeError("Operator %s: out= must be an NDArray, got %s" % (op.name, type(o).__name__))
        if o.shape != tuple(s):
            raise MXNetValueError("Operator %s: out= has shape %s, the result has shape %s"
                                  % (op.name, o.shape, tuple(s)))
        if _c.dtype_name(_c.dtype_flag(o.dtype)) != d:
            raise MXNetTypeError("Operator %s: out= has dtype %s, the result has dtype %s"
                                 % (op.name, np.dtype(o.dtype).name, d))
    return outs


def _check_inputs(op: OpDef, inputs: list) -> None:
    if op.scalar_inputs:
        return
    for i, x in enumerate(inputs):
        if x is None and not op.variadic and op.inputs[i] in op.optional:
            continue
        if not isinstance(x, NDArray):
            what = op.inputs[i] if not op.variadic and i < len(op.inputs) else "data[%d]" % i
            raise MXNetTypeError("Operator %s: input '%s' must be an NDArray, got %s"
                                 % (op.name, what, type(x).__name__))


_REGISTRY: dict[str, OpDef] = {}


def register(op: OpDef) -> OpDef:
    for n in (op.name,) + op.aliases:
        if n in _REGISTRY:
            raise ValueError("operator %r defined twice" % n)
        _REGISTRY[n] = op
    return op


def get_op(name: str) -> OpDef:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise MXNetValueError("no operator named %r" % name) from None


def defgrad(*names: str) -> Callable:
    """Attaches a gradient rule to the operators `names` (and their aliases).

    A rule is ``rule(node, *out_grads) -> tuple of input gradients`` (None
    for an input without one); ``node.inputs``, ``node.outputs`` and
    ``node.attrs`` (the parsed attributes) hold what the forward call saw.
    Rules are written with operators, so they are differentiable in turn.
    """
    def deco(fn: Callable) -> Callable:
        for n in names:
            get_op(n).grad = fn
        return fn
    return deco


def all_ops() -> dict[str, OpDef]:
    """{name or alias: OpDef}."""
    return dict(_REGISTRY)


# Prefixes of operator names that mx.nd / mx.sym also list in a sub-namespace
# without the prefix (mx.nd.random.uniform is random_uniform).
SUB_NAMESPACES = (("random_", "random"), ("_random_", "random"), ("linalg_", "linalg"), ("_linalg_", "linalg"),
                  ("_contrib_", "contrib"), ("contrib_", "contrib"))


def sub_namespace(name: str):
    """(sub-namespace, short name) of operator `name`, or None."""
    for prefix, space in SUB_NAMESPACES:
        if name.startswith(prefix):
            return space, name[len(prefix):]
    return None


def populate(namespace: dict, make: Callable) -> dict:
    """Fills a generated namespace (``mx.nd``, ``mx.sym``): ``make(op, name)``
    for every operator name, also under its sub-namespace (``random`` ...,
    which `namespace` holds); a hand-written function already there wins.
    Returns {method name: function} of the operators' methods."""
    methods = {}
    for name, op in all_ops().items():
        if name in namespace and not hasattr(namespace[name], "op"):
            continue
        fn = make(op, name)
        namespace[name] = fn
        sub = sub_namespace(name)
        if sub is not None:
            setattr(namespace[sub[0]], sub[1], fn)
        if name == op.name:
            for m in op.methods:
                methods[m] = fn
    return methods


def make_function(op: OpDef, public_name: str) -> Callable:
    """The ``mx.nd`` function of an operator: a real function with the op's
    signature and documentation."""

    if op.fast is not None and op.inputs == ("data",) and not op.attrs:
        fast = op.fast

        def fn(data, out=None, name=None):
            return fast(data, out)
    else:
        def fn(*args, **kwargs):
            return op(*args, **kwargs)

    fn.__name__ = public_name
    fn.__qualname__ = public_name
    fn.__doc__ = op.docstring()
    fn.__signature__ = op.signature()
    fn.__module__ = "gluonx.ndarray"
    fn.op = op
    return fn


class _OpNamespace:
    """``F.<name>(...)`` calls the registered operator `name` (its OpDef).

    Gradient rules and composite operators use it instead of the generated
    ``mx.nd`` namespace, which is built on top of this package::

        from gluonx.ops.registry import F
        F.sum(dy, axis=0)
    """

    def __getattr__(self, name: str) -> OpDef:
        op = _REGISTRY.get(name)
        if op is None:
            raise AttributeError("no operator named %r" % name)
        self.__dict__[name] = op
        return op


F = _OpNamespace()
