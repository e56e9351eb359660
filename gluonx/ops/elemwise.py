"""Elementwise operators: unary math, binary arithmetic and comparisons (with the MXNet
broadcast_* / elemwise_* names and the scalar-accepting functions), clip, where, cast.

Every operator here is generated from the tables below; each one launches a C kernel
of backends/cpu/elemwise*.c through the core (which owns broadcasting and strides).
MXNet rules kept: comparisons return 0/1 in the input dtype; ``%`` follows Python's
sign rule with ``x % 0 == 0``; integer ``/`` truncates toward zero (``x / 0 == 0``);
``//`` (``floor_divide``, which MXNet 1.x lacks) rounds toward -inf as in NumPy,
with ``x // 0 == 0`` for integers; integers wrap;
``round`` is half away from zero and ``rint`` rounds x.5 down.
"""
from __future__ import annotations

import math
import operator
import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, ShapeUnknown
from gluonx.ops.shape_rules import broadcast, same, same_dtype

# ---- unary ----------------------------------------------------------------------
# (name, NDArray method?, aliases, doc)
_UNARY = (
    ("negative", False, (), "Numerical negative, -x."),
    ("abs", True, (), "Absolute value |x|."),
    ("sign", True, (), "Sign of x: -1, 0 or 1."),
    ("square", True, (), "x * x."),
    ("sqrt", True, (), "Square root."),
    ("rsqrt", True, (), "1 / sqrt(x)."),
    ("cbrt", True, (), "Cube root."),
    ("rcbrt", True, (), "1 / cbrt(x)."),
    ("reciprocal", True, (), "1 / x."),
    ("exp", True, (), "e ** x."),
    ("expm1", True, (), "exp(x) - 1, accurate near 0."),
    ("log", True, (), "Natural logarithm."),
    ("log1p", True, (), "log(1 + x), accurate near 0."),
    ("log2", True, (), "Base-2 logarithm."),
    ("log10", True, (), "Base-10 logarithm."),
    ("sin", True, (), "Sine."),
    ("cos", True, (), "Cosine."),
    ("tan", True, (), "Tangent."),
    ("arcsin", True, (), "Inverse sine."),
    ("arccos", True, (), "Inverse cosine."),
    ("arctan", True, (), "Inverse tangent."),
    ("sinh", True, (), "Hyperbolic sine."),
    ("cosh", True, (), "Hyperbolic cosine."),
    ("tanh", True, (), "Hyperbolic tangent."),
    ("arcsinh", True, (), "Inverse hyperbolic sine."),
    ("arccosh", True, (), "Inverse hyperbolic cosine."),
    ("arctanh", True, (), "Inverse hyperbolic tangent."),
    ("degrees", True, (), "Radians to degrees."),
    ("radians", True, (), "Degrees to radians."),
    ("sigmoid", True, (), "Logistic sigmoid 1 / (1 + exp(-x))."),
    ("relu", True, (), "max(x, 0)."),
    ("softsign", False, (), "x / (1 + |x|)."),
    ("erf", False, (), "Gauss error function."),
    ("erfinv", False, (), "Inverse error function."),
    ("gamma", False, (), "Gamma function."),
    ("gammaln", False, (), "log |gamma(x)|."),
    ("digamma", False, (), "The derivative of gammaln."),
    ("round", True, (), "Rounds half away from zero (round(2.5) = 3, round(-2.5) = -3)."),
    ("rint", True, (), "Nearest integer; x.5 rounds down as in MXNet (rint(2.5) = 2, rint(-0.5) = -1)."),
    ("fix", True, (), "Rounds toward zero."),
    ("floor", True, (), "Largest integer <= x."),
    ("ceil", True, (), "Smallest integer >= x."),
    ("trunc", True, (), "Drops the fractional part (toward zero)."),
    ("logical_not", False, (), "1 where x == 0, else 0 (in x's dtype)."),
)


def _make_unary(kernel):
    def compute(data, out):
        _c.unary(kernel, data, out=out, opname=kernel)
    compute.__name__ = "_" + kernel
    return compute


for _name, _method, _aliases, _doc in _UNARY:
    register(OpDef(_name, _make_unary(_name), infer=same, elementwise=True, aliases=_aliases,
                   method=_name if _method else None,
                   fast=_c.UnaryFn(_name, _name),
                   doc="%s\n\n>>> mx.nd.%s(mx.nd.array([0.5, 1.0, 2.0]))" % (_doc, _name)))


# ---- binary -----------------------------------------------------------------------
# (kernel, broadcast_* aliases, plain function names, Python scalar operator, doc)
_BINARY = (
    ("add", ("broadcast_plus",), ("add",), operator.add, "lhs + rhs"),
    ("sub", ("broadcast_minus",), ("subtract",), operator.sub, "lhs - rhs"),
    ("mul", (), ("multiply",), operator.mul, "lhs * rhs"),
    ("div", (), ("divide", "true_divide"), operator.truediv,
     "lhs / rhs (integers truncate toward zero; x / 0 == 0 for integers)"),
    ("mod", (), ("modulo",), None, "lhs % rhs with Python's sign rule; x % 0 == 0"),
    ("power", (), ("power",), operator.pow, "lhs ** rhs"),
    ("maximum", (), ("maximum",), max, "elementwise maximum"),
    ("minimum", (), ("minimum",), min, "elementwise minimum"),
    ("hypot", (), ("hypot",), math.hypot, "sqrt(lhs**2 + rhs**2)"),
    ("arctan2", (), ("arctan2",), math.atan2, "arctan(lhs / rhs) in the right quadrant"),
    ("equal", (), ("equal",), operator.eq, "1 where lhs == rhs (input dtype)"),
    ("not_equal", (), ("not_equal",), operator.ne, "1 where lhs != rhs (input dtype)"),
    ("greater", (), ("greater",), operator.gt, "1 where lhs > rhs (input dtype)"),
    ("greater_equal", (), ("greater_equal",), operator.ge, "1 where lhs >= rhs (input dtype)"),
    ("lesser", (), ("lesser",), operator.lt, "1 where lhs < rhs (input dtype)"),
    ("lesser_equal", (), ("lesser_equal",), operator.le, "1 where lhs <= rhs (input dtype)"),
    ("logical_and", (), ("logical_and",), lambda a, b: bool(a) and bool(b), "1 where both are non-zero"),
    ("logical_or", (), ("logical_or",), lambda a, b: bool(a) or bool(b), "1 where either is non-zero"),
    ("logical_xor", (), ("logical_xor",), lambda a, b: bool(a) != bool(b), "1 where exactly one is non-zero"),
)

# elemwise_* (same shapes required) and their MXNet aliases.
_STRICT = {"add": ("_add", "_plus", "_Plus"), "sub": ("_sub", "_minus", "_Minus"),
           "mul": ("_mul", "_Mul"), "div": ("_div", "_Div")}


# MXNet's names of the plain functions' operands where they are not lhs/rhs
_PLAIN_INPUTS = {"power": ("base", "exp")}


def _py_mod(a, b):
    return 0 if b == 0 else a % b


def _binary_infer(opname, strict=False):
    """Rule of a binary op: broadcast shapes (equal ones when `strict`), one
    dtype; a number operand (shape None) takes the array's.  A strict op
    infers an unknown operand from the other (MXNet's elemwise rule)."""
    def infer(a, shapes, dtypes):
        if strict:
            if shapes[0] is None and shapes[1] is None:
                raise ShapeUnknown()
            for i in (0, 1):
                if shapes[i] is None:
                    shapes[i] = shapes[1 - i]
                if dtypes[i] is None:
                    dtypes[i] = dtypes[1 - i]
        known = [s for s in shapes if s is not None]
        if strict and len(known) == 2 and known[0] != known[1]:
            raise MXNetValueError("Operator %s: shapes %s and %s differ; elemwise operators need equal "
                                  "shapes (the broadcast_* operators broadcast)" % (opname, known[0], known[1]))
        shape = broadcast(opname, known[0], known[1]) if len(known) == 2 else known[0]
        return [shape], [same_dtype(opname, dtypes, ("lhs", "rhs"), shapes)]
    return infer


def _make_binary(kernel, opname, strict=False):
    def compute(lhs, rhs, out):
        _c.binary(kernel, lhs, rhs, out=out, opname=opname, strict=strict)
    compute.__name__ = "_" + opname
    return compute


def _is_number(v):
    return isinstance(v, (int, float, np.number, np.bool_)) and not isinstance(v, NDArray)


def _make_scalar_ok(kernel, opname, pyop):
    """lhs (op) rhs where either side may be a number; two numbers give a
    Python number, as in MXNet."""
    def compute(lhs, rhs, out=None):
        if isinstance(lhs, NDArray) or isinstance(rhs, NDArray):
            for side, v in (("lhs", lhs), ("rhs", rhs)):
                if not isinstance(v, NDArray) and not _is_number(v):
                    raise MXNetTypeError("Operator %s: %s must be an NDArray or a number, got %s"
                                         % (opname, side, type(v).__name__))
            _c.binary(kernel, lhs, rhs, out=out, opname=opname)
            return out
        if _is_number(lhs) and _is_number(rhs):
            return pyop(lhs, rhs)
        raise MXNetTypeError("Operator %s: expected NDArrays or numbers, got %s and %s"
                             % (opname, type(lhs).__name__, type(rhs).__name__))
    compute.__name__ = "_" + opname
    return compute


for _kernel, _baliases, _plain, _pyop, _doc in _BINARY:
    _bname = "broadcast_" + _kernel
    register(OpDef(_bname, _make_binary(_kernel, _bname), infer=_binary_infer(_bname), inputs=("lhs", "rhs"),
                   aliases=_baliases,
                   doc="%s, with NumPy broadcasting.\n\n>>> mx.nd.%s(mx.nd.ones((2, 1)), mx.nd.ones((3,))).shape\n"
                       "(2, 3)" % (_doc.capitalize(), _bname)))
    if _kernel in _STRICT:
        _ename = "elemwise_" + _kernel
        register(OpDef(_ename, _make_binary(_kernel, _ename, strict=True), infer=_binary_infer(_ename, True),
                       inputs=("lhs", "rhs"), aliases=_STRICT[_kernel], infers_inputs=("lhs", "rhs"),
                       elementwise=True, doc="%s; both inputs must have the same shape.\n\n"
                           ">>> mx.nd.%s(mx.nd.ones(3), mx.nd.ones(3))" % (_doc.capitalize(), _ename)))
    _first, _rest = _plain[0], _plain[1:]
    register(OpDef(_first, _make_scalar_ok(_kernel, _first, _pyop or _py_mod), infer=_binary_infer(_first),
                   inputs=_PLAIN_INPUTS.get(_first, ("lhs", "rhs")), aliases=_rest, scalar_inputs=True,
                   doc="%s; either side may be a number, arrays broadcast.\n\n"
                       ">>> mx.nd.%s(mx.nd.array([1, 4]), 2)" % (_doc.capitalize(), _first)))


# ---- add_n: the sum of any number of same-shaped arrays -----------------------------------
def _add_n_infer(a, shapes, dtypes):
    known = [tuple(s) for s in shapes if s is not None]
    if not known:
        raise ShapeUnknown()
    for i, s in enumerate(shapes):
        if s is not None and tuple(s) != known[0]:
            raise MXNetValueError("Operator add_n: all inputs must have the same shape: %s and input %d "
                                  "of shape %s" % (known[0], i, tuple(s)))
    dt = next((d for d in dtypes if d is not None), None)
    for i, d in enumerate(dtypes):
        if d is not None and d != dt:
            raise MXNetTypeError("Operator add_n: all inputs must have one dtype: %s and input %d of "
                                 "dtype %s" % (np.dtype(dt).name, i, np.dtype(d).name))
    for i in range(len(shapes)):
        shapes[i], dtypes[i] = known[0], dt
    return [known[0]], [dt]


def _add_n(*args, out, num_args=None):
    if len(args) == 1:
        _c.copyto(out, args[0], "add_n")
        return
    # the running sum stays in `out` (the add kernel reads and writes the same element)
    _c.binary("add", args[0], args[1], out=out, opname="add_n", strict=True)
    for x in args[2:]:
        _c.binary("add", out, x, out=out, opname="add_n", strict=True)


_ADD_N_MAX_INFERRED = 1024


def _add_n_names(a):
    return tuple("arg%d" % i for i in range(a["num_args"] or 0))


register(OpDef("add_n", _add_n, infer=_add_n_infer, variadic=True, input_names=_add_n_names,
               attrs=(Attr("num_args", "int", None),), aliases=("ElementWiseSum",), elementwise=True,
               # every operand's shape follows from any other's (graph inference fills them)
               infers_inputs=tuple("arg%d" % i for i in range(_ADD_N_MAX_INFERRED)),
               doc="The elementwise sum of same-shaped arrays.\n\n"
                   ">>> mx.nd.add_n(mx.nd.ones(2), mx.nd.ones(2), mx.nd.ones(2))"))


# MXNet's elementwise (equal shapes) forms of the other binary ops: what
# Symbol arithmetic records for sym ** sym, sym == sym ...  (name, kernel, alias)
_ELEMWISE_EXTRA = (
    ("_power", "power", "_Power"), ("_mod", "mod", "_Mod"), ("_maximum", "maximum", "_Maximum"),
    ("_minimum", "minimum", "_Minimum"), ("_hypot", "hypot", "_Hypot"), ("_equal", "equal", "_Equal"),
    ("_not_equal", "not_equal", "_Not_Equal"), ("_greater", "greater", "_Greater"),
    ("_greater_equal", "greater_equal", "_Greater_Equal"), ("_lesser", "lesser", "_Lesser"),
    ("_lesser_equal", "lesser_equal", "_Lesser_Equal"), ("_logical_and", "logical_and", "_Logical_And"),
    ("_logical_or", "logical_or", "_Logical_Or"), ("_logical_xor", "logical_xor", "_Logical_Xor"),
)
ELEMWISE_EXTRA = {name: kernel for name, kernel, _ in _ELEMWISE_EXTRA}

for _name, _kernel, _alias in _ELEMWISE_EXTRA:
    register(OpDef(_name, _make_binary(_kernel, _name, strict=True), infer=_binary_infer(_name, True),
                   inputs=("lhs", "rhs"), aliases=(_alias,), infers_inputs=("lhs", "rhs"), elementwise=True,
                   doc="Elementwise %s of two arrays of the same shape (MXNet's %s)." % (_kernel, _alias)))


# ---- array (op) scalar: MXNet's _plus_scalar family ----------------------------------------
# What Symbol arithmetic with a number records (x + 2 is _plus_scalar(x, scalar=2)), and the
# nodes of MXNet graph files.  (name, kernel, scalar on the left?, MXNet alias)
_SCALAR = (
    ("_plus_scalar", "add", False, "_PlusScalar"), ("_minus_scalar", "sub", False, "_MinusScalar"),
    ("_rminus_scalar", "sub", True, "_RMinusScalar"), ("_mul_scalar", "mul", False, "_MulScalar"),
    ("_div_scalar", "div", False, "_DivScalar"), ("_rdiv_scalar", "div", True, "_RDivScalar"),
    ("_mod_scalar", "mod", False, "_ModScalar"), ("_rmod_scalar", "mod", True, "_RModScalar"),
    ("_power_scalar", "power", False, "_PowerScalar"), ("_rpower_scalar", "power", True, "_RPowerScalar"),
    ("_maximum_scalar", "maximum", False, "_MaximumScalar"),
    ("_minimum_scalar", "minimum", False, "_MinimumScalar"), ("_hypot_scalar", "hypot", False, "_HypotScalar"),
    ("_equal_scalar", "equal", False, "_EqualScalar"), ("_not_equal_scalar", "not_equal", False, "_NotEqualScalar"),
    ("_greater_scalar", "greater", False, "_GreaterScalar"),
    ("_greater_equal_scalar", "greater_equal", False, "_GreaterEqualScalar"),
    ("_lesser_scalar", "lesser", False, "_LesserScalar"),
    ("_lesser_equal_scalar", "lesser_equal", False, "_LesserEqualScalar"),
    ("_logical_and_scalar", "logical_and", False, "_LogicalAndScalar"),
    ("_logical_or_scalar", "logical_or", False, "_LogicalOrScalar"),
    ("_logical_xor_scalar", "logical_xor", False, "_LogicalXorScalar"),
)
SCALAR_OPS = {name: (kernel, left) for name, kernel, left, _ in _SCALAR}


def _make_scalar_op(kernel, opname, left):
    def compute(data, out, scalar, is_int=False):
        v = int(scalar) if is_int and float(scalar).is_integer() else scalar
        if left:
            _c.binary(kernel, v, data, out=out, opname=opname)
        else:
            _c.binary(kernel, data, v, out=out, opname=opname)
    compute.__name__ = "_" + opname
    return compute


for _name, _kernel, _left, _alias in _SCALAR:
    register(OpDef(_name, _make_scalar_op(_kernel, _name, _left), infer=same, elementwise=True, aliases=(_alias,),
                   attrs=(Attr("scalar", "float", 1.0, "The number."),
                          Attr("is_int", "bool", False, "Whether the number is an integer.")),
                   doc="data %s scalar%s (MXNet's %s)." % (_kernel, " with the scalar on the left" if _left else "",
                                                           _alias)))


# ---- floor division (NDArray // ; MXNet 1.x has no floor_divide, NumPy's semantics) ------------

def _py_floordiv(a, b):
    if b == 0:
        if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
            return 0
        with np.errstate(all="ignore"):
            return float(np.float64(a) / np.float64(b))  # inf or nan, as NumPy
    return a // b


def _floor_divide_grad(node, dy):
    # piecewise constant: zero gradient (as MXNet's floor)
    return tuple(_c.full(v.shape, 0, v.dtype, v.context) if isinstance(v, NDArray) and node.parents[i] is not None else None
                 for i, v in enumerate(node.inputs))


register(OpDef("floor_divide", _make_scalar_ok("floor_div", "floor_divide", _py_floordiv),
               infer=_binary_infer("floor_divide"), inputs=("lhs", "rhs"), scalar_inputs=True,
               grad=_floor_divide_grad,
               doc="lhs // rhs rounded toward -inf (NumPy's floor_divide; x // 0 == 0 for integers, inf or "
                   "nan for floats); either side may be a number, arrays broadcast.  NDArray's ``//``.\n\n"
                   ">>> mx.nd.floor_divide(mx.nd.array([7, -7], dtype='int32'), 2).asnumpy()\n"
                   "array([ 3, -4], dtype=int32)"))


# ---- clip, where, cast ----------------------------------------------------------------
_CLIP = struct.Struct("=dd")  # gx_clip_attrs


def _clip(data, out, a_min, a_max):
    _c.unary_with_attrs("clip", data, _CLIP.pack(a_min, a_max), out=out, opname="clip")


register(OpDef("clip", _clip, infer=same, elementwise=True, attrs=(Attr("a_min", "float"), Attr("a_max", "float")), method="clip",
               doc="Clips values to [a_min, a_max].\n\n"
                   ">>> mx.nd.clip(mx.nd.array([-2, 0.5, 3]), -1, 1).asnumpy()\n"
                   "array([-1. ,  0.5,  1. ], dtype=float32)"))


def _where_infer(a, shapes, dtypes):
    if shapes[1] is None and shapes[2] is None:
        raise ShapeUnknown()
    for i in (1, 2):   # x and y infer each other (MXNet's rule)
        if shapes[i] is None:
            shapes[i] = shapes[3 - i]
        if dtypes[i] is None:
            dtypes[i] = dtypes[3 - i]
    cs, xs, ys = shapes
    if xs != ys:
        raise MXNetValueError("Operator where: x and y must have the same shape, got %s and %s" % (xs, ys))
    dt = same_dtype("where", dtypes[1:], ("x", "y"), shapes[1:])
    if cs != xs and not (len(cs) == 1 and len(xs) >= 1 and cs[0] == xs[0]):
        raise MXNetValueError("Operator where: condition has shape %s; it must be %s or (%d,)"
                              % (cs, xs, xs[0] if xs else 1))
    return [xs], [dt]


def _where(condition, x, y, out):
    if condition.context != x.context or y.context != x.context:
        raise MXNetValueError("Operator where: inputs are on different devices (%s, %s, %s)"
                              % (condition.context, x.context, y.context))
    cond = condition
    if condition.shape != x.shape:
        cond = _c.as_strided(condition, x.shape, (condition.strides[0],) + (0,) * (x.ndim - 1))
    if out.size:
        _c.launch("where", [cond, x, y], [out], None, "where", 1)  # dispatch on x's dtype (attrs.h)


register(OpDef("where", _where, infer=_where_infer, infers_inputs=("x", "y"), inputs=("condition", "x", "y"),
               doc="x where condition is non-zero, else y.  condition has x's shape, or is 1-D "
                   "and selects whole rows.\n\n"
                   ">>> mx.nd.where(mx.nd.array([1, 0]), mx.nd.array([1, 2]), mx.nd.array([3, 4])).asnumpy()\n"
                   "array([1., 4.], dtype=float32)"))


def _cast_infer(a, shapes, dtypes):
    return [shapes[0]], [a["dtype"]]


def _cast(data, out, dtype):
    _c.copyto(out, data, "cast")


register(OpDef("cast", _cast, infer=_cast_infer, elementwise=True, attrs=(Attr("dtype", "dtype"),), aliases=("Cast",),
               doc="Converts to another dtype (a copy).\n\n"
                   ">>> mx.nd.cast(mx.nd.array([1.7]), dtype='int32').asnumpy()\n"
                   "array([1], dtype=int32)"))


def _stop_gradient(data, out):
    _c.copyto(out, data, "stop_gradient")


def _copy_op(data, out):
    _c.copyto(out, data, "_copy")


register(OpDef("_copy", _copy_op, infer=same, elementwise=True, aliases=("identity",),
               doc="A copy of `data` (NDArray.copy as an operator).\n\n>>> mx.nd.identity(mx.nd.ones(2))"))

def _make_loss(data, out, grad_scale=1.0, valid_thresh=0.0, normalization="null"):
    _c.copyto(out, data, "make_loss")


register(OpDef("make_loss", _make_loss, infer=same, elementwise=True,
               doc="Marks `data` as a loss: the output is `data`, its gradient is 1 whatever the "
                   "head gradient.\n\n>>> loss = mx.nd.make_loss(mx.nd.square(x - y))"))
register(OpDef("MakeLoss", _make_loss, infer=same, elementwise=True,
               attrs=(Attr("grad_scale", "float", 1.0), Attr("valid_thresh", "float", 0.0),
                      Attr("normalization", "str", "null", choices=("null", "batch", "valid"))),
               doc="MXNet's older make_loss: the gradient is `grad_scale`, divided by the batch "
                   "size with normalization='batch', by the number of elements above "
                   "`valid_thresh` with 'valid'.\n\n>>> loss = mx.nd.MakeLoss(x, grad_scale=0.5)"))

register(OpDef("stop_gradient", _stop_gradient, infer=same, elementwise=True, aliases=("BlockGrad",), differentiable=False,
               doc="A copy of `data` through which no gradient flows.\n\n"
                   ">>> y = mx.nd.stop_gradient(x)  # y is a constant for autograd"))
