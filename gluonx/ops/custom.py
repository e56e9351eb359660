"""``Custom``: operators written in Python (the engine behind ``mx.operator``).

One OpDef serves every custom operator: its attributes are ``op_type`` (the
name a ``CustomOpProp`` subclass was registered under with
``mx.operator.register``) plus any keywords, which reach the prop's
constructor as strings, as in MXNet.  The prop decides the rest per call:

* inputs: ``list_arguments()`` then ``list_auxiliary_states()`` (positional,
  or by name), outputs: ``list_outputs()``;
* the shape/dtype rule calls ``infer_shape``/``infer_type`` (also in
  ``Symbol.infer_shape``, where they may fill unknown input shapes);
* compute calls ``create_operator(ctx, shapes, dtypes).forward(...)`` and the
  gradient rule that operator's ``backward(...)``.

So ``mx.nd.Custom``, ``mx.sym.Custom``, the tape, ``hybridize()`` and
``bind`` all come from this one definition.  A graph holding a Custom node
runs operator by operator (the Python code must run on every call; a
compiled replay would skip it).
"""
from __future__ import annotations

import inspect
from typing import Any, Optional

import numpy as np

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetError, MXNetTypeError, MXNetValueError
from gluonx.context import Context, current_context
from gluonx.ops.registry import Attr, OpDef, ShapeUnknown, register

__all__ = ["register_prop", "registered", "prop_class"]

_PROPS: dict = {}          # op_type -> CustomOpProp subclass

# MXNet's dtype codes (what create_operator receives as in_dtypes)
_DTYPE_CODE = {"float32": 0, "float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5, "int64": 6,
               "bool": 7}

# bit patterns written into the first and last element of each output before
# forward: still there afterwards means forward never wrote that output
# (quiet NaNs with a payload no arithmetic produces; int values nobody picks)
_SENTINEL_BITS = {"float32": (np.uint32, 0x7FD5A5A5), "float64": (np.uint64, 0x7FFDA5A5A5A5A5A5),
                  "float16": (np.uint16, 0x7E5A), "int32": (np.uint32, 0xA5A5A5A5),
                  "int64": (np.uint64, 0xA5A5A5A5A5A5A5A5)}
_SENTINELS = {d: np.array([bits], dtype=u).view(d) for d, (u, bits) in _SENTINEL_BITS.items()}


def register_prop(reg_name: str, prop_cls: type) -> None:
    """Makes `prop_cls` the custom operator `reg_name` (a later registration
    of the same name replaces it, as in MXNet)."""
    if not isinstance(reg_name, str) or not reg_name:
        raise MXNetTypeError("mx.operator.register: the name must be a non-empty string, got %r" % (reg_name,))
    if not isinstance(prop_cls, type):
        raise MXNetTypeError("mx.operator.register(%r): decorate a CustomOpProp subclass, got %s"
                             % (reg_name, type(prop_cls).__name__))
    _PROPS[reg_name] = prop_cls


def registered() -> list:
    """Names of the registered custom operators."""
    return sorted(_PROPS)


def prop_class(op_type: str) -> type:
    cls = _PROPS.get(op_type)
    if cls is None:
        raise MXNetValueError(
            "Custom: no custom operator is registered as op_type=%r (registered: %s); decorate its "
            "CustomOpProp subclass with @mx.operator.register(%r) before calling it"
            % (op_type, ", ".join(sorted(_PROPS)) or "none", op_type))
    return cls


# ---- user code: calls and the errors they raise ------------------------------------------------

_WRAPPED: dict = {}        # exception class -> its subclass that is also an MXNetError


def _wrapped_class(cls: type) -> Optional[type]:
    sub = _WRAPPED.get(cls)
    if sub is None:
        try:
            sub = type(cls.__name__, (cls, MXNetError), {"__module__": cls.__module__,
                                                         "__qualname__": cls.__qualname__})
        except TypeError:          # a class that takes no second base
            sub = False
        _WRAPPED[cls] = sub
    return sub or None


def _user_error(e: Exception, where: str) -> Exception:
    """`e` raised by user code, as an exception that is still of its own type
    (``except AssertionError`` works) and also an MXNetError (what MXNet
    raises for a failing custom operator); `where` goes into a note."""
    note = "(raised in %s)" % where
    if not isinstance(e, MXNetError):
        sub = _wrapped_class(type(e))
        if sub is not None:
            new = sub.__new__(sub)
            new.args = e.args
            try:
                new.__dict__.update(e.__dict__)
            except (AttributeError, TypeError):
                pass
            new.__cause__ = e
            e = new
    if hasattr(e, "add_note"):
        e.add_note(note)
    return e


def _call(fn, where: str, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except Exception as e:
        err = _user_error(e, where)
        if err is e:
            raise
        raise err from e


class _quiet:
    """User forward/backward code runs as in MXNet: not recorded (the Custom
    node is the record), training mode as given, in the op's context."""

    __slots__ = ("train", "ctx", "old", "ctx_mgr", "sup")

    def __init__(self, train: bool, ctx):
        self.train = train
        self.ctx = ctx

    def __enter__(self):
        self.old = _c.get_state()
        _c.set_state(0, 1 if self.train else 0, self.old[2])
        self.ctx_mgr = Context(self.ctx.device_type, self.ctx.device_id)
        self.ctx_mgr.__enter__()
        self.sup = _c.suppress_recording()
        self.sup.__enter__()

    def __exit__(self, *exc):
        self.sup.__exit__(*exc)
        self.ctx_mgr.__exit__(*exc)
        _c.set_state(*self.old)


def _profiled(op_type: str, backward: bool):
    """The profiler's scope for user code (MXNet's '<op_type>::pure_python' events)."""
    from gluonx import profiler   # a floor above ops: imported when an op runs, not at import
    return profiler.custom_operator_scope(op_type, backward=backward)


# ---- attributes and the prop ---------------------------------------------------------------

def _attr_text(op_type: str, key: str, v: Any) -> str:
    """A keyword as the string the prop receives (MXNet: str(value))."""
    if isinstance(v, str):
        return v
    if isinstance(v, type) and issubclass(v, np.generic) or isinstance(v, np.dtype):
        return np.dtype(v).name
    if _plain(v):
        return str(v)
    raise MXNetTypeError(
        "Custom op %r: keyword %s=%r (%s) cannot be an attribute; a custom operator's keywords reach its "
        "CustomOpProp constructor as strings (MXNet's rule), so pass a string, number, bool, None or a "
        "tuple/list of those (arrays go in as inputs named by list_arguments())"
        % (op_type, key, v, type(v).__name__))


def _plain(v) -> bool:
    if v is None or isinstance(v, (bool, int, float, str, np.generic)):
        return not isinstance(v, NDArray)
    if isinstance(v, (list, tuple)):
        return all(_plain(x) for x in v)
    return False


def _kwargs_of(a: dict) -> dict:
    return {k: v for k, v in a.items() if k != "op_type" and not k.startswith("_")}


def _prop_of(a: dict):
    """The prop of a call or graph node (made once and kept in its attributes)."""
    prop = a.get("_prop")
    if prop is None:
        op_type = a["op_type"]
        cls = prop_class(op_type)
        kwargs = _kwargs_of(a)
        try:
            prop = cls(**kwargs)
        except TypeError as e:
            raise MXNetTypeError("Custom op %r: %s(**%r) failed: %s (keywords of mx.nd.Custom / "
                                 "mx.sym.Custom other than op_type go to the prop's constructor, as strings)"
                                 % (op_type, cls.__name__, kwargs, e)) from e
        except Exception as e:
            raise _user_error(e, "%s.__init__ (custom op %r)" % (cls.__name__, op_type)) from e
        a["_prop"] = prop
    return prop


class _Sig:
    """What the prop lists, validated once per prop."""

    __slots__ = ("args", "outs", "auxs", "need_top_grad")

    def __init__(self, prop, op_type):
        def names(method):
            got = _call(getattr(prop, method), "%s.%s (custom op %r)" % (type(prop).__name__, method, op_type))
            if isinstance(got, str) or not all(isinstance(n, str) for n in got):
                raise MXNetTypeError("Custom op %r: %s() must return a list of strings, got %r"
                                     % (op_type, method, got))
            return list(got)
        self.args = names("list_arguments")
        self.outs = names("list_outputs")
        self.auxs = names("list_auxiliary_states")
        self.need_top_grad = bool(getattr(prop, "need_top_grad_", True))


def _sig(a: dict) -> _Sig:
    s = a.get("_sig")
    if s is None:
        s = a["_sig"] = _Sig(_prop_of(a), a["op_type"])
    return s


# ---- the shape/dtype rule ------------------------------------------------------------------

def _split_result(ret, what: str, op_type: str, counts: tuple, given) -> tuple:
    """(inputs, outputs, aux) of an infer_shape/infer_type result, checked."""
    if not isinstance(ret, (list, tuple)) or len(ret) not in (2, 3):
        raise MXNetValueError("Custom op %r: %s must return 2 or 3 lists (inputs, outputs[, aux]), got %r"
                              % (op_type, what, ret))
    parts = [list(p) if isinstance(p, (list, tuple)) else p for p in ret] + ([[]] if len(ret) == 2 else [])
    for part, n, kind, names in zip(parts, counts, ("input", "output", "aux state"), given):
        if not isinstance(part, list) or len(part) != n:
            raise MXNetValueError(
                "Custom op %r: %s returned %s %s entries for %d %ss %s (list_arguments / list_outputs / "
                "list_auxiliary_states decide how many; called with %s)"
                % (op_type, what, len(part) if isinstance(part, list) else repr(part), kind, n, kind,
                   names, given[-1]))
    return parts[0], parts[1], parts[2]


def _shape_of(v, op_type, what):
    if v is None:
        return None
    try:
        shape = tuple(int(d) for d in v)
    except (TypeError, ValueError):
        raise MXNetTypeError("Custom op %r: infer_shape gave %s the shape %r; a shape is a list of ints"
                             % (op_type, what, v)) from None
    if any(d < 0 for d in shape):
        raise MXNetValueError("Custom op %r: infer_shape gave %s the shape %s with a negative size"
                              % (op_type, what, shape))
    return shape


def _known(shape) -> bool:
    return bool(shape) and all(d > 0 for d in shape) if shape is not None else False


def _custom_infer(a, shapes, dtypes):
    op_type = a["op_type"]
    s = _sig(a)
    prop = _prop_of(a)
    n_in, n_out, n_aux = len(s.args), len(s.outs), len(s.auxs)
    if len(shapes) != n_in + n_aux:
        raise MXNetValueError("Custom op %r takes %d input(s) (%s), got %d"
                              % (op_type, n_in + n_aux, ", ".join(s.args + s.auxs), len(shapes)))
    unknown = any(x is None for x in shapes)
    in_shape = [list(x) if x is not None else [] for x in shapes[:n_in]]
    try:
        ret = _call(prop.infer_shape, "%s.infer_shape (custom op %r)" % (type(prop).__name__, op_type),
                    [list(x) for x in in_shape])
    except Exception:
        if unknown:            # a prop that cannot work with [] yet: graph inference tries again later
            raise ShapeUnknown() from None
        raise
    given = (s.args, s.outs, s.auxs, "input shapes %s" % in_shape)
    ishape, oshape, ashape = _split_result(ret, "infer_shape", op_type, (n_in, n_out, n_aux), given)
    for i, (names, got) in enumerate(((s.args, ishape), (s.auxs, ashape))):
        base = 0 if i == 0 else n_in
        for j, v in enumerate(got):
            what = "%s %r" % ("input" if i == 0 else "aux state", names[j])
            v = _shape_of(v, op_type, what)
            have = shapes[base + j]
            if have is None:
                if _known(v):
                    shapes[base + j] = v
            elif v and v != tuple(have):
                raise MXNetValueError("Custom op %r: infer_shape gives %s the shape %s, but it has shape %s"
                                      % (op_type, what, v, tuple(have)))
    outs = []
    for j, v in enumerate(oshape):
        v = _shape_of(v, op_type, "output %r" % s.outs[j])
        if not v or (unknown and 0 in v):
            if unknown:
                raise ShapeUnknown()
            raise MXNetValueError("Custom op %r: infer_shape gave output %r no shape (%r) for input shapes %s"
                                  % (op_type, s.outs[j], v, in_shape))
        outs.append(v)
    return outs, _custom_types(a, dtypes, n_out)


def _np_type(name):
    return np.dtype(name).type if name is not None else None


def _dtype_name(v, op_type, what):
    if v is None:
        return None
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):     # MXNet's type codes
        for name, code in _DTYPE_CODE.items():
            if code == v:
                return name
    try:
        name = np.dtype(v).name
    except TypeError:
        name = None
    if name not in _DTYPE_CODE:
        raise MXNetTypeError("Custom op %r: infer_type gave %s the type %r; expected a NumPy type such as "
                             "np.float32" % (op_type, what, v))
    return name


def _custom_types(a, dtypes, n_out):
    """Output dtype names from the prop's infer_type (filling unknown inputs)."""
    op_type = a["op_type"]
    s = _sig(a)
    prop = _prop_of(a)
    n_in, n_aux = len(s.args), len(s.auxs)
    if len(dtypes) != n_in + n_aux:
        raise MXNetValueError("Custom op %r takes %d input(s) (%s), got %d"
                              % (op_type, n_in + n_aux, ", ".join(s.args + s.auxs), len(dtypes)))
    in_type = [_np_type(d) for d in dtypes[:n_in]]
    ret = _call(prop.infer_type, "%s.infer_type (custom op %r)" % (type(prop).__name__, op_type), list(in_type))
    given = (s.args, s.outs, s.auxs, "input types %s" % [d for d in dtypes[:n_in]])
    itype, otype, atype = _split_result(ret, "infer_type", op_type, (n_in, len(s.outs), n_aux), given)
    for i, (names, got) in enumerate(((s.args, itype), (s.auxs, atype))):
        base = 0 if i == 0 else n_in
        for j, v in enumerate(got):
            what = "%s %r" % ("input" if i == 0 else "aux state", names[j])
            v = _dtype_name(v, op_type, what)
            have = dtypes[base + j]
            if have is None:
                dtypes[base + j] = v
            elif v is not None and v != have:
                raise MXNetTypeError("Custom op %r: infer_type gives %s the type %s, but it is %s"
                                     % (op_type, what, v, have))
    outs = []
    for j, v in enumerate(otype):
        v = _dtype_name(v, op_type, "output %r" % s.outs[j])
        if v is None:
            if any(d is None for d in dtypes):
                raise ShapeUnknown()
            raise MXNetTypeError("Custom op %r: infer_type gave output %r no type for input types %s"
                                 % (op_type, s.outs[j], dtypes[:n_in]))
        outs.append(v)
    return outs


# ---- running: forward, the written-output check, backward -------------------------------------

class _State:
    """What the gradient rule needs of one forward call (kept on its tape node)."""

    __slots__ = ("op", "n_args", "ctx", "is_train")

    def __init__(self, op, n_args, ctx, is_train):
        self.op = op
        self.n_args = n_args
        self.ctx = ctx
        self.is_train = is_train


def _operator(a: dict, ctx, shapes, dtypes):
    """A fresh CustomOp for one call (a per-call object, so that state a
    forward keeps on `self` for its backward is never shared by two calls)."""
    prop = _prop_of(a)
    op_type = a["op_type"]
    op = _call(prop.create_operator, "%s.create_operator (custom op %r)" % (type(prop).__name__, op_type),
               ctx, [list(s) for s in shapes], [_DTYPE_CODE.get(d, -1) for d in dtypes])
    if not callable(getattr(op, "forward", None)) or not callable(getattr(op, "backward", None)):
        raise MXNetTypeError("Custom op %r: %s.create_operator must return a CustomOp (with forward and "
                             "backward), got %r" % (op_type, type(prop).__name__, op))
    return op


def _flat_ends(o: NDArray):
    flat = o.reshape(-1)
    return flat[0:1], flat[flat.shape[0] - 1:]


def _mark_unwritten(outs) -> None:
    for o in outs:
        sent = _SENTINELS.get(np.dtype(o.dtype).name)
        if sent is not None and o.size:
            for end in _flat_ends(o):
                end[:] = sent


def _check_written(outs, names, op_type) -> None:
    for o, name in zip(outs, names):
        dt = np.dtype(o.dtype).name
        spec = _SENTINEL_BITS.get(dt)
        if spec is None or not o.size:
            continue
        if all(int(end.asnumpy().view(spec[0])[0]) == spec[1] for end in _flat_ends(o)):
            raise MXNetValueError(
                "Custom op %r: forward did not write output %r (shape %s, %s); write every output, e.g. "
                "self.assign(out_data[i], req[i], value) or out_data[i][:] = value"
                % (op_type, name, o.shape, dt))


def _run(a: dict, inputs: list):
    """One forward call of the custom operator: infer, allocate, forward, record."""
    op_type = a["op_type"]
    if _c.is_capturing():
        raise _c.CaptureAbort("custom operator %r runs Python code on every call" % op_type)
    for i, x in enumerate(inputs):
        if not isinstance(x, NDArray):
            names = _sig(a).args + _sig(a).auxs
            raise MXNetTypeError("Custom op %r: input %r must be an NDArray, got %s"
                                 % (op_type, names[i] if i < len(names) else i, type(x).__name__))
    shapes, dtypes = _c.shapes_dtypes(list(inputs))
    oshapes, odtypes = _custom_infer(a, list(shapes), list(dtypes))
    s = _sig(a)
    ctx = _c.first_context(list(inputs)) or current_context()
    outs = _c.alloc_outputs(oshapes, odtypes, ctx, "Custom")
    _mark_unwritten(outs)
    op = _operator(a, ctx, shapes, dtypes)
    n_in = len(s.args)
    is_train = bool(_c.is_training())
    with _quiet(is_train, ctx), _profiled(op_type, False):
        _call(op.forward, "%s.forward (custom op %r)" % (type(op).__name__, op_type), is_train=is_train,
              req=["write"] * len(outs), in_data=[x.detach() for x in inputs[:n_in]], out_data=list(outs),
              aux=list(inputs[n_in:]))
    _check_written(outs, s.outs, op_type)
    if inputs and _c.needs_record(tuple(inputs)):
        _c.record_op("Custom", tuple(inputs), tuple(outs), dict(a, _saved=_State(op, n_in, ctx, is_train)))
    return outs


def _check_deps(prop, s: _Sig, op_type: str) -> None:
    """declare_backward_dependency must name blobs that exist (gluonx keeps
    every input and output for the backward anyway)."""
    n_out, n_in = len(s.outs), len(s.args)
    og, ind = list(range(n_out)), list(range(n_out, n_out + n_in))
    od = list(range(n_out + n_in, 2 * n_out + n_in))
    deps = _call(prop.declare_backward_dependency,
                 "%s.declare_backward_dependency (custom op %r)" % (type(prop).__name__, op_type), og, ind, od)
    try:
        bad = [d for d in deps if not isinstance(d, (int, np.integer)) or not 0 <= d < 2 * n_out + n_in]
    except TypeError:
        bad = [deps]
    if bad:
        raise MXNetValueError("Custom op %r: declare_backward_dependency returned %r; expected a list of the "
                              "ids it was given (out_grad %s, in_data %s, out_data %s)"
                              % (op_type, deps, og, ind, od))


def _custom_grad(node, *ograds):
    a = node.attrs
    st = a["_saved"]
    s = _sig(a)
    op_type = a["op_type"]
    _check_deps(_prop_of(a), s, op_type)
    ins = node.inputs
    n_in = st.n_args
    reqs = ["write" if node.parents[i] is not None else "null" for i in range(n_in)]
    in_grad = [_c.full(x.shape, 0, x.dtype, x.context) for x in ins[:n_in]]
    # MXNet hands need_top_grad=False ops an empty out_grad; the real one is given here
    out_grad = [g.detach() for g in ograds]
    with _quiet(st.is_train, st.ctx), _profiled(op_type, True):
        _call(st.op.backward, "%s.backward (custom op %r)" % (type(st.op).__name__, op_type), req=reqs,
              out_grad=out_grad, in_data=[x.detach() for x in ins[:n_in]], out_data=list(node.outputs),
              in_grad=in_grad, aux=list(ins[n_in:]))
    return tuple(g if r != "null" else None for g, r in zip(in_grad, reqs)) + (None,) * (len(ins) - n_in)


# ---- the operator ----------------------------------------------------------------------------

class CustomOpDef(OpDef):
    """The ``Custom`` operator: inputs, outputs and attributes come from the
    registered prop of ``op_type`` (see the module docstring)."""

    inputs_by_name = True        # symbol creation binds keyword inputs by the prop's names
    replayable = False           # the user's Python runs on every call

    def __init__(self):
        super().__init__(
            "Custom", None, inputs=(), attrs=(Attr("op_type", "str", doc="the registered name"),),
            infer=_custom_infer, grad=_custom_grad, variadic=True,
            input_names=lambda a: tuple(_sig(a).args + _sig(a).auxs),
            output_names=lambda a: tuple(_sig(a).outs), num_outputs=lambda a: len(_sig(a).outs),
            doc=_DOC)

    # what the graph asks of an operator
    def aux_names(self, attrs: dict) -> tuple:
        return tuple(_sig(attrs).auxs)

    def inferable_inputs(self, attrs: dict) -> frozenset:
        # the prop's infer_shape may fill any unknown input (MXNet passes it [])
        return frozenset(self.input_names(attrs))

    def has_attr(self, name: str) -> bool:
        return not name.startswith("_")

    def infer_dtypes(self, attrs: dict, dtypes: list, n_out: int) -> list:
        return _custom_types(attrs, dtypes, n_out)

    def parse_attrs(self, raw: dict, strict: bool = True) -> dict:
        """Attributes from a graph file: op_type plus the prop's string keywords."""
        if "op_type" not in raw:
            raise MXNetTypeError("Operator Custom: missing required attribute 'op_type'")
        values = {"op_type": self._attr_by_name["op_type"].parse(raw["op_type"], "Custom")}
        for k, v in raw.items():
            if k != "op_type" and not k.startswith("_"):
                values[k] = _attr_text(values["op_type"], k, v)
        _sig(values)               # the prop is made (and checked) where the node is
        return values

    def bind(self, args: tuple, kwargs: dict, explicit: Optional[dict] = None,
             allow_missing: bool = False) -> tuple:
        """(inputs in the prop's order: arguments then aux states, attributes);
        arrays (or symbols) may come positionally or by the prop's names."""
        kwargs = dict(kwargs)
        if "op_type" not in kwargs:
            raise MXNetTypeError("Operator Custom: missing required attribute 'op_type' (the name given "
                                 "to @mx.operator.register)")
        op_type = kwargs.pop("op_type")
        if not isinstance(op_type, str):
            raise MXNetTypeError("Operator Custom: op_type must be a string, got %r" % (op_type,))
        arrays = {k: kwargs.pop(k) for k in list(kwargs) if _is_input(kwargs[k])}
        values = {"op_type": op_type}
        for k, v in kwargs.items():
            values[k] = _attr_text(op_type, k, v)
        s = _sig(values)
        names = s.args + s.auxs
        if len(args) == 1 and isinstance(args[0], (list, tuple)):
            args = tuple(args[0])
        if len(args) > len(names):
            raise MXNetValueError("Custom op %r takes %d input(s) (%s), got %d positional"
                                  % (op_type, len(names), ", ".join(names) or "none", len(args)))
        inputs = list(args) + [None] * (len(names) - len(args))
        for k, v in arrays.items():
            if k not in names:
                raise MXNetValueError("Custom op %r: %s is not one of its inputs (%s)"
                                      % (op_type, k, ", ".join(names) or "none"))
            i = names.index(k)
            if i < len(args):
                raise MXNetValueError("Custom op %r: input %s given twice (positionally and by name)"
                                      % (op_type, k))
            inputs[i] = v
        missing = [n for n, x in zip(names, inputs) if x is None]
        if missing and not allow_missing:
            raise MXNetValueError("Custom op %r: missing input(s) %s (it takes %s)"
                                  % (op_type, ", ".join(missing), ", ".join(names)))
        if explicit is not None:
            explicit.update({k: v for k, v in values.items() if not k.startswith("_")})
        return inputs, values

    def __call__(self, *args, out=None, name=None, **kwargs):
        inputs, values = self.bind(args, kwargs)
        return self.invoke(inputs, values, out)

    def invoke(self, inputs: list, attrs: dict, out=None):
        outs = _run(attrs, list(inputs))
        if out is not None:
            dest = list(out) if isinstance(out, (list, tuple)) else [out]
            if len(dest) != len(outs) or any(not isinstance(d, NDArray) or d.shape != o.shape
                                              for d, o in zip(dest, outs)):
                raise MXNetValueError("Custom op %r: out= must be %d array(s) of shape %s"
                                      % (attrs["op_type"], len(outs), [o.shape for o in outs]))
            for d, o in zip(dest, outs):
                _c.copyto(d, o, "Custom")
            return out
        return outs[0] if len(outs) == 1 else outs

    def signature(self) -> inspect.Signature:
        P = inspect.Parameter
        return inspect.Signature([P("data", P.VAR_POSITIONAL), P("op_type", P.KEYWORD_ONLY),
                                  P("out", P.KEYWORD_ONLY, default=None), P("name", P.KEYWORD_ONLY, default=None),
                                  P("kwargs", P.VAR_KEYWORD)])

    def docstring(self) -> str:
        return _DOC


def _is_input(v) -> bool:
    """An array (or, for mx.sym.Custom, a Symbol) given by keyword."""
    return isinstance(v, NDArray) or type(v).__name__ == "Symbol" and hasattr(v, "list_outputs")


_DOC = """Applies a custom operator written in Python (see mx.operator).

Parameters
----------
*data : NDArray (Symbol for mx.sym.Custom)
    The inputs: the prop's list_arguments() then list_auxiliary_states(),
    positionally or by those names.
op_type : str
    The name its CustomOpProp subclass was registered under.
**kwargs
    Passed to the prop's constructor as strings (MXNet's rule).

>>> y = mx.nd.Custom(x, op_type='sqr')
"""

register(CustomOpDef())
