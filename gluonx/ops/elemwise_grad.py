"""Gradient rules of the elementwise operators (elemwise.py).

Written with operators, so every rule is itself differentiable (higher-order
gradients).  Conventions at kinks follow MXNet: relu'(0) = 0, abs'(0) = 0,
clip passes the gradient at its bounds, maximum/minimum ties go to the left
operand.
"""
from __future__ import annotations

import math

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.ops.elemwise import ELEMWISE_EXTRA, SCALAR_OPS
from gluonx.ops.gradutil import shape_of, unbroadcast
from gluonx.ops.registry import F, defgrad, get_op

_LN2, _LN10 = math.log(2.0), math.log(10.0)

def _mxnet_second(d):
    """The derivative `d` (same value), whose own derivative has its sign
    flipped when the backward is recorded: MXNet 1.9.1's second derivatives
    of arcsinh and arccosh are +x/(x^2 + 1)^1.5 and +x/(x^2 - 1)^1.5, the
    analytic ones with the opposite sign, and its own tests assert them."""
    if not _c.is_recording():
        return d
    return F.stop_gradient(d) * 2 - d


# name -> d(output)/d(input) * dy, from (x, y, dy)
_UNARY_RULES = {
    "negative": lambda x, y, dy: -dy,
    "abs": lambda x, y, dy: dy * F.sign(x),
    "square": lambda x, y, dy: dy * x * 2,
    "sqrt": lambda x, y, dy: dy / (y * 2),
    "rsqrt": lambda x, y, dy: dy * y / x * -0.5,
    "cbrt": lambda x, y, dy: dy / (y * y * 3),
    "rcbrt": lambda x, y, dy: dy * y / x * (-1.0 / 3),
    "reciprocal": lambda x, y, dy: -dy * y * y,
    "exp": lambda x, y, dy: dy * y,
    "expm1": lambda x, y, dy: dy * (y + 1),
    "log": lambda x, y, dy: dy / x,
    "log1p": lambda x, y, dy: dy / (x + 1),
    "log2": lambda x, y, dy: dy / (x * _LN2),
    "log10": lambda x, y, dy: dy / (x * _LN10),
    "sin": lambda x, y, dy: dy * F.cos(x),
    "cos": lambda x, y, dy: -dy * F.sin(x),
    "tan": lambda x, y, dy: dy * (y * y + 1),
    "arcsin": lambda x, y, dy: dy / F.sqrt(1 - x * x),
    "arccos": lambda x, y, dy: -dy / F.sqrt(1 - x * x),
    "arctan": lambda x, y, dy: dy / (x * x + 1),
    "sinh": lambda x, y, dy: dy * F.cosh(x),
    "cosh": lambda x, y, dy: dy * F.sinh(x),
    "tanh": lambda x, y, dy: dy * (1 - y * y),
    "arcsinh": lambda x, y, dy: dy * _mxnet_second(1.0 / F.sqrt(x * x + 1)),
    "arccosh": lambda x, y, dy: dy * _mxnet_second(1.0 / F.sqrt(x * x - 1)),
    "arctanh": lambda x, y, dy: dy / (1 - x * x),
    "degrees": lambda x, y, dy: dy * (180.0 / math.pi),
    "radians": lambda x, y, dy: dy * (math.pi / 180.0),
    "sigmoid": lambda x, y, dy: dy * y * (1 - y),
    "relu": lambda x, y, dy: dy * (y > 0),   # y, not x: the input need not be kept (same mask)
    "softsign": lambda x, y, dy: dy / F.square(F.abs(x) + 1),
    "erf": lambda x, y, dy: dy * F.exp(-x * x) * (2.0 / math.sqrt(math.pi)),
    "erfinv": lambda x, y, dy: dy * F.exp(y * y) * (math.sqrt(math.pi) / 2.0),
    "gamma": lambda x, y, dy: dy * y * F.digamma(x),
    "gammaln": lambda x, y, dy: dy * F.digamma(x),
    # piecewise constant: zero gradient almost everywhere
    "sign": lambda x, y, dy: dy * 0,
    "round": lambda x, y, dy: dy * 0,
    "rint": lambda x, y, dy: dy * 0,
    "fix": lambda x, y, dy: dy * 0,
    "floor": lambda x, y, dy: dy * 0,
    "ceil": lambda x, y, dy: dy * 0,
    "trunc": lambda x, y, dy: dy * 0,
}


def _unary_rule(fn):
    def rule(node, dy):
        return (fn(node.inputs[0], node.outputs[0], dy),)
    return rule


for _name, _fn in _UNARY_RULES.items():
    defgrad(_name)(_unary_rule(_fn))

# Outputs of these carry no gradient (comparisons, logic, the digamma helper).
for _name in ("logical_not", "digamma", "broadcast_equal", "broadcast_not_equal", "broadcast_greater",
              "broadcast_greater_equal", "broadcast_lesser", "broadcast_lesser_equal",
              "broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor", "equal",
              "not_equal", "greater", "greater_equal", "lesser", "lesser_equal", "logical_and",
              "logical_or", "logical_xor", "_equal", "_not_equal", "_greater", "_greater_equal", "_lesser",
              "_lesser_equal", "_logical_and", "_logical_or", "_logical_xor"):
    get_op(_name).differentiable = False


def _log(v):
    """log of an operand: an NDArray through the operator, a number (a ** x,
    2 ** x) in float64 as the kernel would (log(0) = -inf, log(-1) = nan)."""
    if hasattr(v, "shape"):
        return F.log(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.log(np.float64(v)))


# binary: (d/dlhs, d/drhs) * dy before unbroadcasting, from (a, b, y, dy)
def _mod_rhs(a, b, y, dy):
    return -dy * F.floor(a / b) if hasattr(a, "shape") or hasattr(b, "shape") else None


_BINARY_RULES = {
    "add": (lambda a, b, y, dy: dy, lambda a, b, y, dy: dy),
    "sub": (lambda a, b, y, dy: dy, lambda a, b, y, dy: -dy),
    "mul": (lambda a, b, y, dy: dy * b, lambda a, b, y, dy: dy * a),
    "div": (lambda a, b, y, dy: dy / b, lambda a, b, y, dy: -dy * y / b),
    "mod": (lambda a, b, y, dy: dy, _mod_rhs),
    "power": (lambda a, b, y, dy: dy * b * a ** (b - 1), lambda a, b, y, dy: dy * y * _log(a)),
    # ties send the gradient to the left operand
    "maximum": (lambda a, b, y, dy: dy * (a >= b), lambda a, b, y, dy: dy * (a < b)),
    "minimum": (lambda a, b, y, dy: dy * (a <= b), lambda a, b, y, dy: dy * (a > b)),
    "hypot": (lambda a, b, y, dy: dy * a / y, lambda a, b, y, dy: dy * b / y),
    "arctan2": (lambda a, b, y, dy: dy * b / (a * a + b * b), lambda a, b, y, dy: -dy * a / (a * a + b * b)),
}

_PLAIN = {"add": "add", "sub": "subtract", "mul": "multiply", "div": "divide", "mod": "modulo",
          "power": "power", "maximum": "maximum", "minimum": "minimum", "hypot": "hypot",
          "arctan2": "arctan2"}


def _binary_rule(dl, dr):
    def rule(node, dy):
        a, b = node.inputs
        y = node.outputs[0]
        gl = unbroadcast(dl(a, b, y, dy), shape_of(a)) if node.parents[0] is not None else None
        gr = unbroadcast(dr(a, b, y, dy), shape_of(b)) if node.parents[1] is not None else None
        return (gl, gr)
    return rule


for _kernel, (_dl, _dr) in _BINARY_RULES.items():
    _rule = _binary_rule(_dl, _dr)
    defgrad("broadcast_" + _kernel, _PLAIN[_kernel])(_rule)
    if _kernel in ("add", "sub", "mul", "div"):
        defgrad("elemwise_" + _kernel)(_rule)
    for _name, _k in ELEMWISE_EXTRA.items():
        if _k == _kernel:
            defgrad(_name)(_rule)


@defgrad("add_n")
def _add_n_grad(node, dy):
    return tuple(dy for _ in node.inputs)


@defgrad("make_loss")
def _make_loss_grad(node, dy):
    # the head gradient is ignored: make_loss is where backpropagation starts
    return (F.ones_like(node.inputs[0]),)


@defgrad("MakeLoss")
def _makeloss_grad(node, dy):
    x, a = node.inputs[0], node.attrs
    scale = a["grad_scale"]
    if a["normalization"] == "batch" and x.ndim:
        scale /= max(x.shape[0], 1)
    ones = F.ones_like(x)
    if a["normalization"] == "valid":
        valid = (x > a["valid_thresh"]).sum()
        return (ones * scale / F.maximum(valid, F.ones_like(valid)).astype(x.dtype).reshape((1,) * max(x.ndim, 1)),)
    return (ones * scale,)


@defgrad("clip")
def _clip_grad(node, dy):
    x = node.inputs[0]
    inside = (x >= node.attrs["a_min"]) * (x <= node.attrs["a_max"])
    return (dy * inside,)


@defgrad("where")
def _where_grad(node, dy):
    cond, x, y = node.inputs
    mask = (cond != 0).astype(dy.dtype) if cond.shape == dy.shape else \
        F.broadcast_to((cond != 0).astype(dy.dtype).reshape((-1,) + (1,) * (dy.ndim - 1)), shape=dy.shape)
    return (None, dy * mask, dy * (1 - mask))


@defgrad("cast")
def _cast_grad(node, dy):
    return (dy.astype(node.inputs[0].dtype),)


# array (op) scalar: d/dx from (x, s, y, dy); the comparisons carry no gradient
_SCALAR_RULES = {
    "_plus_scalar": lambda x, s, y, dy: dy,
    "_minus_scalar": lambda x, s, y, dy: dy,
    "_rminus_scalar": lambda x, s, y, dy: -dy,
    "_mul_scalar": lambda x, s, y, dy: dy * s,
    "_div_scalar": lambda x, s, y, dy: dy / s,
    "_rdiv_scalar": lambda x, s, y, dy: -dy * y / x,
    "_mod_scalar": lambda x, s, y, dy: dy,
    "_rmod_scalar": lambda x, s, y, dy: -dy * F.floor(s / x),
    "_power_scalar": lambda x, s, y, dy: dy * s * x ** (s - 1),
    "_rpower_scalar": lambda x, s, y, dy: dy * y * _log(s),
    "_maximum_scalar": lambda x, s, y, dy: dy * (x >= s),
    "_minimum_scalar": lambda x, s, y, dy: dy * (x <= s),
    "_hypot_scalar": lambda x, s, y, dy: dy * x / y,
}


def _scalar_rule(fn):
    def rule(node, dy):
        return (fn(node.inputs[0], node.attrs["scalar"], node.outputs[0], dy),)
    return rule


for _name in SCALAR_OPS:
    if _name in _SCALAR_RULES:
        defgrad(_name)(_scalar_rule(_SCALAR_RULES[_name]))
    else:
        get_op(_name).differentiable = False
