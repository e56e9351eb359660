"""Every differentiable operator's gradient rule against central differences,
in float64 and float32, plus second derivatives of the unary math.

The last test checks that this table, together with the CASES tables of
tests/ops/test_grad_*.py, covers every differentiable operator of the
registry: a new operator ships with its rule and a numeric check.
"""
import math

import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd
from gluonx.ops.registry import all_ops
from gradcheck import gradient_tests, inputs as _inputs

nd = mx.nd


def U(lo, hi, shape=(2, 3)):
    return lambda rng: rng.uniform(lo, hi, shape)


ANY, POS, UNIT = U(-2, 2), U(0.5, 2), U(-0.8, 0.8)

# name -> (function of NDArrays, [input generators])
CASES = {
    "negative": (nd.negative, [ANY]), "abs": (nd.abs, [ANY]), "square": (nd.square, [ANY]),
    "sqrt": (nd.sqrt, [POS]), "rsqrt": (nd.rsqrt, [POS]), "cbrt": (nd.cbrt, [POS]),
    "rcbrt": (nd.rcbrt, [POS]), "reciprocal": (nd.reciprocal, [POS]), "exp": (nd.exp, [ANY]),
    "expm1": (nd.expm1, [ANY]), "log": (nd.log, [POS]), "log1p": (nd.log1p, [POS]),
    "log2": (nd.log2, [POS]), "log10": (nd.log10, [POS]), "sin": (nd.sin, [ANY]), "cos": (nd.cos, [ANY]),
    "tan": (nd.tan, [UNIT]), "arcsin": (nd.arcsin, [UNIT]), "arccos": (nd.arccos, [UNIT]),
    "arctan": (nd.arctan, [ANY]), "sinh": (nd.sinh, [ANY]), "cosh": (nd.cosh, [ANY]),
    "tanh": (nd.tanh, [ANY]), "arcsinh": (nd.arcsinh, [ANY]), "arccosh": (nd.arccosh, [U(1.5, 3)]),
    "arctanh": (nd.arctanh, [UNIT]), "degrees": (nd.degrees, [ANY]), "radians": (nd.radians, [ANY]),
    "sigmoid": (nd.sigmoid, [ANY]), "relu": (nd.relu, [U(0.1, 2)]), "softsign": (nd.softsign, [ANY]),
    "erf": (nd.erf, [ANY]), "erfinv": (nd.erfinv, [UNIT]), "gamma": (nd.gamma, [POS]),
    "gammaln": (nd.gammaln, [POS]),
    "sign": (nd.sign, [ANY]), "round": (nd.round, [U(0.1, 0.4)]), "rint": (nd.rint, [U(0.1, 0.4)]),
    "fix": (nd.fix, [U(0.1, 0.9)]), "floor": (nd.floor, [U(0.1, 0.9)]), "ceil": (nd.ceil, [U(0.1, 0.9)]),
    "trunc": (nd.trunc, [U(0.1, 0.9)]),
    "clip": (lambda x: nd.clip(x, -1.0, 1.0), [U(-0.9, 0.9)]),
    "add_n": (lambda a, b, c: nd.add_n(a, b, c), [ANY, ANY, ANY]),
    # the gradient of sum(make_loss(x)) is 1 (make_loss ignores the head gradient)
    "make_loss": (nd.make_loss, [ANY]), "MakeLoss": (nd.MakeLoss, [ANY]),
    "cast": (lambda x: nd.cast(x, dtype="float64").astype(x.dtype), [ANY]),
    "where": (lambda c, x, y: nd.where(c > 0, x, y), [ANY, ANY, ANY]),
    # binary, with broadcasting
    "broadcast_add": (nd.broadcast_add, [U(-2, 2, (2, 3)), U(-2, 2, (3,))]),
    "broadcast_sub": (nd.broadcast_sub, [U(-2, 2, (2, 1)), U(-2, 2, (1, 3))]),
    "broadcast_mul": (nd.broadcast_mul, [ANY, U(-2, 2, (2, 1))]),
    "broadcast_div": (nd.broadcast_div, [ANY, U(0.5, 2, (3,))]),
    "broadcast_mod": (nd.broadcast_mod, [U(0.1, 0.9), U(1.5, 2)]),
    "broadcast_power": (nd.broadcast_power, [POS, U(-1, 2)]),
    "broadcast_maximum": (nd.broadcast_maximum, [ANY, ANY]),
    "broadcast_minimum": (nd.broadcast_minimum, [ANY, ANY]),
    "broadcast_hypot": (nd.broadcast_hypot, [POS, POS]),
    "broadcast_arctan2": (nd.broadcast_arctan2, [POS, POS]),
    "elemwise_add": (nd.elemwise_add, [ANY, ANY]), "elemwise_sub": (nd.elemwise_sub, [ANY, ANY]),
    "elemwise_mul": (nd.elemwise_mul, [ANY, ANY]), "elemwise_div": (nd.elemwise_div, [ANY, POS]),
    "add": (lambda a, b: nd.add(a, b), [ANY, ANY]), "subtract": (lambda a, b: nd.subtract(a, 3.0) - b, [ANY, ANY]),
    "multiply": (lambda a, b: nd.multiply(2.0, a) * b, [ANY, ANY]), "divide": (nd.divide, [ANY, POS]),
    "modulo": (nd.modulo, [U(0.1, 0.9), U(1.5, 2)]), "power": (nd.power, [POS, ANY]),
    "maximum": (nd.maximum, [ANY, ANY]), "minimum": (nd.minimum, [ANY, ANY]),
    "hypot": (nd.hypot, [POS, POS]), "arctan2": (nd.arctan2, [POS, POS]),
    # elementwise forms of the other binary ops (Symbol arithmetic: sym ** sym ...)
    "_power": (nd._power, [POS, ANY]), "_mod": (nd._mod, [U(0.1, 0.9), U(1.5, 2)]),
    "_maximum": (nd._maximum, [ANY, ANY]), "_minimum": (nd._minimum, [ANY, ANY]),
    "_hypot": (nd._hypot, [POS, POS]),
    "_copy": (nd.identity, [ANY]),
    # array (op) scalar, as Symbol arithmetic records it
    "_plus_scalar": (lambda x: nd._plus_scalar(x, scalar=1.5), [ANY]),
    "_minus_scalar": (lambda x: nd._minus_scalar(x, scalar=1.5), [ANY]),
    "_rminus_scalar": (lambda x: nd._rminus_scalar(x, scalar=1.5), [ANY]),
    "_mul_scalar": (lambda x: nd._mul_scalar(x, scalar=-2.5), [ANY]),
    "_div_scalar": (lambda x: nd._div_scalar(x, scalar=4.0), [ANY]),
    "_rdiv_scalar": (lambda x: nd._rdiv_scalar(x, scalar=3.0), [POS]),
    "_mod_scalar": (lambda x: nd._mod_scalar(x, scalar=2.0), [U(0.1, 0.9)]),
    "_rmod_scalar": (lambda x: nd._rmod_scalar(x, scalar=1.0), [U(1.5, 1.9)]),
    "_power_scalar": (lambda x: nd._power_scalar(x, scalar=2.5), [POS]),
    "_rpower_scalar": (lambda x: nd._rpower_scalar(x, scalar=1.7), [ANY]),
    "_maximum_scalar": (lambda x: nd._maximum_scalar(x, scalar=0.3), [ANY]),
    "_minimum_scalar": (lambda x: nd._minimum_scalar(x, scalar=0.3), [ANY]),
    "_hypot_scalar": (lambda x: nd._hypot_scalar(x, scalar=1.5), [POS]),
    # shape
    "reshape": (lambda x: nd.reshape(x, shape=(3, 2)), [ANY]),
    "reshape_like": (lambda x: nd.reshape_like(x, nd.zeros((6,))), [ANY]),
    "transpose": (lambda x: nd.transpose(x, axes=(2, 0, 1)), [U(-2, 2, (2, 3, 2))]),
    "swapaxes": (lambda x: nd.swapaxes(x, 0, 1), [ANY]),
    "expand_dims": (lambda x: nd.expand_dims(x, axis=1), [ANY]),
    "squeeze": (lambda x: nd.squeeze(x), [U(-2, 2, (2, 1, 3))]),
    "flatten": (nd.flatten, [U(-2, 2, (2, 2, 2))]), "flip": (lambda x: nd.flip(x, axis=1), [ANY]),
    "tile": (lambda x: nd.tile(x, reps=(2, 1, 2)), [ANY]),
    "repeat": (lambda x: nd.repeat(x, repeats=2, axis=0), [ANY]),
    "pad": (lambda x: nd.pad(x, mode="reflect", pad_width=(0, 0, 0, 0, 1, 1, 2, 1)), [U(-2, 2, (1, 1, 3, 4))]),
    "concat": (lambda a, b: nd.concat(a, b, dim=0), [ANY, U(-2, 2, (1, 3))]),
    "stack": (lambda a, b: nd.stack(a, b, axis=1), [ANY, ANY]),
    "split": (lambda x: nd.split(x, num_outputs=3, axis=1)[1] * 2 + nd.split(x, num_outputs=3, axis=1)[0],
              [ANY]),
    "slice": (lambda x: nd.slice(x, begin=(0, 1), end=(2, 3)), [ANY]),
    "slice_axis": (lambda x: nd.slice_axis(x, axis=1, begin=0, end=2), [ANY]),
    "slice_like": (lambda x: nd.slice_like(x, nd.zeros((1, 2))), [ANY]),
    "broadcast_to": (lambda x: nd.broadcast_to(x, shape=(2, 2, 3)), [U(-2, 2, (2, 1, 3))]),
    "broadcast_axis": (lambda x: nd.broadcast_axis(x, axis=1, size=3), [U(-2, 2, (2, 1))]),
    "broadcast_like": (lambda x: nd.broadcast_like(x, nd.zeros((2, 3))), [U(-2, 2, (1, 3))]),
    "depth_to_space": (lambda x: nd.depth_to_space(x, 2), [U(-2, 2, (1, 4, 1, 2))]),
    "space_to_depth": (lambda x: nd.space_to_depth(x, 2), [U(-2, 2, (1, 1, 2, 4))]),
    "take": (lambda x: nd.take(x, nd.array([2, 0, 2]), axis=1), [ANY]),
    "pick": (lambda x: nd.pick(x, nd.array([0, 2]), axis=1), [ANY]),
    "gather_nd": (lambda x: nd.gather_nd(x, nd.array([[1, 0, 1], [2, 0, 2]])), [ANY]),
    "scatter_nd": (lambda x: nd.scatter_nd(x, nd.array([[0, 1], [2, 0]]), shape=(2, 3)), [U(-2, 2, (2,))]),
    # reductions, sorting, products
    "sum": (lambda x: nd.sum(x, axis=1), [ANY]), "mean": (lambda x: nd.mean(x, axis=(0,), keepdims=True), [ANY]),
    "prod": (lambda x: nd.prod(x, axis=0), [POS]), "max": (lambda x: nd.max(x, axis=1), [ANY]),
    "min": (lambda x: x.min(), [ANY]), "nansum": (lambda x: nd.nansum(x, axis=0, exclude=True), [ANY]),
    "nanprod": (lambda x: nd.nanprod(x), [POS]), "norm": (lambda x: nd.norm(x, axis=1), [ANY]),
    "sort": (lambda x: nd.sort(x, axis=0) * nd.array([[1.0], [2.0]], dtype=x.dtype), [ANY]),
    "topk": (lambda x: nd.topk(x, axis=1, k=2, ret_typ="value") * 3, [ANY]),
    "dot": (lambda a, b: nd.dot(a, b, transpose_b=True), [ANY, U(-2, 2, (4, 3))]),
    "batch_dot": (lambda a, b: nd.batch_dot(a, b, transpose_a=True), [U(-2, 2, (2, 3, 2)), U(-2, 2, (2, 3, 4))]),
    "linalg_gemm2": (lambda a, b: nd.linalg.gemm2(a, b, alpha=2.0), [ANY, U(-2, 2, (3, 2))]),
    "linalg_gemm": (lambda a, b, c: nd.linalg.gemm(a, b, c, transpose_a=True, beta=0.5),
                    [U(-2, 2, (3, 2)), U(-2, 2, (3, 4)), U(-2, 2, (2, 4))]),
    "_scatter_add": (lambda x: nd._scatter_add(x, nd.array([0, 3, 3], dtype="int64"), size=5),
                     [U(-2, 2, (3,))]),
}

NON_SMOOTH_SKIP_SECOND = {"relu", "abs", "sign", "round", "rint", "fix", "floor", "ceil", "trunc", "gamma",
                          "gammaln"}


test_gradient_float64, test_gradient_float32 = gradient_tests(CASES)


@pytest.mark.parametrize("name", sorted(n for n, (f, g) in CASES.items()
                                        if len(g) == 1 and n in all_ops() and n not in NON_SMOOTH_SKIP_SECOND
                                        and all_ops()[n].namespaces and n in dir(nd)
                                        and n in {"exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt",
                                                  "square", "reciprocal", "log1p", "arctan", "sinh",
                                                  "rsqrt", "expm1", "erf", "softsign", "cbrt", "tan"}))
def test_second_derivative(name):
    """d/dx of autograd.grad(create_graph=True) against differences of the first derivative."""
    fn, gens = CASES[name]
    x0 = _inputs(gens, 2, np.float64)[0]

    def first(a):
        a.attach_grad()
        with autograd.record():
            y = fn(a)
        return autograd.grad(y, [a], create_graph=True)[0]

    x = mx.nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        g = first(x)
    g.backward()
    eps = 1e-6
    num = (first(mx.nd.array(x0 + eps, dtype="float64")).asnumpy()
           - first(mx.nd.array(x0 - eps, dtype="float64")).asnumpy()) / (2 * eps)
    np.testing.assert_allclose(x.grad.asnumpy(), num, rtol=1e-4, atol=1e-6)


def _all_cases() -> set:
    """Names checked here and in every tests/ops/test_grad_*.py (each defines CASES)."""
    import glob
    import importlib.util
    import os
    names = set(CASES)
    for path in glob.glob(os.path.join(os.path.dirname(__file__), "test_grad_*.py")):
        spec = importlib.util.spec_from_file_location("_gradcases_" + os.path.basename(path)[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        names |= set(getattr(mod, "CASES", {}))
    return names


def test_every_differentiable_op_has_a_rule_and_a_check():
    checked = _all_cases()
    missing_rule, missing_check = [], []
    for name, op in all_ops().items():
        if name != op.name or not op.differentiable or not op.inputs and not op.variadic:
            continue
        if op.grad is None:
            missing_rule.append(name)
        covered = {name} | set(op.aliases)
        if not covered & checked:
            missing_check.append(name)
    assert not missing_rule, "operators without a gradient rule: %s" % missing_rule
    assert not missing_check, "operators without a numeric gradient check: %s" % missing_check
