"""The operator registry: every operator is defined once, here.

An :class:`OpDef` holds an operator's name, inputs, attributes (with
defaults and validation), its computation (written with the core's launch
functions, which hold the shape logic), its gradient rule and its
documentation.  ``mx.nd.*`` functions and NDArray methods are generated
from these definitions (real functions with signatures, no ``exec``); the
Symbol namespace will be generated from the same objects.

Defining an operator::

    register(OpDef(
        "clip", compute=_clip, inputs=("data",),
        attrs=(Attr("a_min", "float"), Attr("a_max", "float")),
        method="clip", doc="Clips values to [a_min, a_max]."))

``compute(*inputs, out=None, **attrs)`` returns an NDArray (or a tuple for
several outputs).
"""
from __future__ import annotations

import ast
import inspect
from typing import Any, Callable, Iterable, Optional

import numpy as np

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetTypeError, MXNetValueError

__all__ = ["Attr", "OpDef", "register", "get_op", "all_ops", "defgrad", "REQUIRED"]


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


class Attr:
    """One attribute of an operator.

    kind: ``int``, ``float``, ``bool``, ``shape`` (tuple of ints), ``axis``
    (None, an int or a tuple), ``dtype`` (canonical name or None), ``str``,
    or ``any``.  ``choices`` restricts the allowed values.
    """

    __slots__ = ("name", "kind", "default", "doc", "choices", "_parse")

    def __init__(self, name: str, kind: str = "any", default: Any = REQUIRED, doc: str = "",
                 choices: Optional[Iterable] = None):
        self.name = name
        self.kind = kind
        self.default = default
        self.doc = doc
        self.choices = tuple(choices) if choices is not None else None
        self._parse = _PARSERS[kind]

    def parse(self, value: Any, opname: str) -> Any:
        if value is None and self.kind not in ("bool",) and (self.default is None):
            return None
        v = self._parse(value, opname, self.name)
        if self.choices is not None and v not in self.choices:
            raise MXNetValueError("Operator %s: attribute %s=%r is not one of %s"
                                  % (opname, self.name, v, list(self.choices)))
        return v


class OpDef:
    """The single definition of an operator (see the module docstring)."""

    def __init__(self, name: str, compute: Callable, *, inputs: tuple = ("data",),
                 attrs: tuple = (), grad: Optional[Callable] = None, aliases: tuple = (),
                 method: Optional[str | tuple] = None, doc: str = "", num_outputs: int = 1,
                 variadic: bool = False, differentiable: bool = True,
                 scalar_inputs: bool = False, namespaces: tuple = ("nd",),
                 fast: Optional[Callable] = None, optional: tuple = (), saves: bool = False):
        self.name = name
        self.compute = compute
        self.inputs = tuple(inputs)
        self.attrs = tuple(attrs)
        self.grad = grad
        self.aliases = tuple(aliases)
        self.methods = (method,) if isinstance(method, str) else tuple(method or ())
        self.doc = doc
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
        # saves=True: compute returns (result, saved); `saved` (what the
        # gradient rule needs, e.g. Dropout's mask) is kept on the recorded
        # node as node.attrs["_saved"]
        self.saves = saves
        self._attr_by_name = {a.name: a for a in self.attrs}
        self._defaults = {a.name: a.default for a in self.attrs}
        self._required = tuple(a.name for a in self.attrs if a.default is REQUIRED)

    # ---- calling ------------------------------------------------------------
    def bind(self, args: tuple, kwargs: dict) -> tuple[list, dict]:
        """Splits a call's arguments into (inputs, parsed attributes)."""
        name = self.name
        if self.variadic:
            inputs = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
            extra = ()
        else:
            n = len(self.inputs)
            inputs = list(args[:n])
            extra = args[n:]
            for i in range(len(inputs), n):
                key = self.inputs[i]
                if key in kwargs:
                    inputs.append(kwargs.pop(key))
                elif key in self.optional:
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
        for key, v in kwargs.items():
            attr = self._attr_by_name.get(key)
            if attr is None:
                raise MXNetTypeError("Operator %s got an unexpected argument '%s'; its attributes are: %s"
                                     % (name, key, ", ".join(self._attr_by_name) or "none"))
            values[key] = attr.parse(v, name)
        for key in self._required:
            if values[key] is REQUIRED:
                raise MXNetTypeError("Operator %s: missing required attribute '%s'" % (name, key))
        return inputs, values

    def __call__(self, *args, out=None, name=None, **kwargs):
        requires_grad = kwargs.pop("requires_grad", False) if not self.inputs else False
        inputs, values = self.bind(args, kwargs)
        _check_inputs(self, inputs)
        if inputs and _c.needs_record(tuple(inputs)):
            # record the whole op as one node, not the launches inside it
            with _c.suppress_recording():
                result = self.compute(*inputs, **values) if out is None else \
                    self.compute(*inputs, out=out, **values)
            if self.saves:
                result, saved = result
                values = dict(values, _saved=saved)
            outs = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            _c.record_op(self.name, tuple(inputs), outs, values)
            return result
        result = self.compute(*inputs, **values) if out is None else self.compute(*inputs, out=out, **values)
        if self.saves:
            result = result[0]
        if requires_grad:
            result.requires_grad = True
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


def write_out(result, out):
    """The `out=` convention of operators: copy a fresh result into `out`
    when one was given, and return what the caller gets back."""
    if out is not None:
        _c.copyto(out, result)
        return out
    return result


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
