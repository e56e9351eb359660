"""Gradients of the differentiable operators against central differences
(gluonx.test_utils.check_numeric_gradient, float64), with the head gradient
a fixed random array rather than ones, so a rule that misplaces elements
(a transpose, a broadcast, a gather) cannot hide behind a uniform head.

Two parts: families whose shapes and attributes are drawn here (unary math
on their smooth domain, broadcasting binaries, reductions over drawn axes,
shape ops, softmax, products); and every differentiable operator through
its CASES entry of tests/ops (test_gradients.py, test_grad_*.py) with
drawn data (a drawn seed and scale), so the whole registry is covered.
"""
import glob
import importlib.util
import os
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx.test_utils import check_numeric_gradient
from op_strategies import broadcast_pair, scaled, shapes, unique_ops

nd = mx.nd
_OPS_DIR = os.path.join(os.path.dirname(__file__), os.pardir, "ops")


def _weighted(fn, inputs, seed):
    """fn with each output multiplied by a fixed random array of its shape."""
    outs = fn(*[nd.array(x, dtype="float64") for x in inputs])
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    rng = np.random.default_rng(seed)
    weights = [nd.array(rng.uniform(0.5, 1.5, o.shape), dtype="float64") for o in outs]

    def wrapped(*xs):
        ys = fn(*xs)
        ys = ys if isinstance(ys, (list, tuple)) else [ys]
        return [y * w for y, w in zip(ys, weights)]
    return wrapped


def check(fn, inputs, seed=0, weighted=True):
    inputs = [np.asarray(x, dtype=np.float64) for x in inputs]
    check_numeric_gradient(_weighted(fn, inputs, seed) if weighted else fn, inputs, numeric_eps=1e-6,
                           rtol=1e-5, atol=1e-7)


# ---- drawn families --------------------------------------------------------------------

# op -> the open interval its gradient is smooth on
UNARY_DOMAIN = {
    "negative": (-2, 2), "abs": (0.1, 2), "square": (-2, 2), "sqrt": (0.5, 2), "rsqrt": (0.5, 2),
    "cbrt": (0.5, 2), "rcbrt": (0.5, 2), "reciprocal": (0.5, 2), "exp": (-2, 2), "expm1": (-2, 2),
    "log": (0.5, 2), "log1p": (-0.5, 2), "log2": (0.5, 2), "log10": (0.5, 2), "sin": (-3, 3), "cos": (-3, 3),
    "tan": (-1, 1), "arcsin": (-0.8, 0.8), "arccos": (-0.8, 0.8), "arctan": (-2, 2), "sinh": (-2, 2),
    "cosh": (-2, 2), "tanh": (-2, 2), "arcsinh": (-2, 2), "arccosh": (1.5, 3), "arctanh": (-0.8, 0.8),
    "degrees": (-2, 2), "radians": (-2, 2), "sigmoid": (-3, 3), "relu": (0.1, 2), "softsign": (-2, 2),
    "erf": (-2, 2), "erfinv": (-0.8, 0.8), "gamma": (0.5, 3), "gammaln": (0.5, 3),
}
SMALL = shapes(max_rank=4, min_side=0, max_side=3, max_size=24)


@pytest.mark.parametrize("name", sorted(UNARY_DOMAIN))
@settings(max_examples=scaled(25))
@given(shape=SMALL, seed=st.integers(0, 2 ** 31))
def test_unary_gradient(name, shape, seed):
    lo, hi = UNARY_DOMAIN[name]
    check(getattr(nd, name), [np.random.default_rng(seed).uniform(lo, hi, shape)], seed)


BINARY = {"broadcast_add": (-2, 2, -2, 2), "broadcast_sub": (-2, 2, -2, 2), "broadcast_mul": (-2, 2, -2, 2),
          "broadcast_div": (-2, 2, 0.5, 2), "broadcast_power": (0.5, 2, -1, 2), "broadcast_hypot": (0.5, 2, 0.5, 2),
          "broadcast_arctan2": (0.5, 2, 0.5, 2), "broadcast_maximum": (-2, 2, -2, 2),
          "broadcast_minimum": (-2, 2, -2, 2), "broadcast_mod": (0.1, 0.9, 1.5, 2)}


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=scaled(25))
@given(pair=broadcast_pair(max_rank=3).filter(lambda p: np.prod(p[0]) * np.prod(p[1]) <= 64),
       seed=st.integers(0, 2 ** 31))
def test_broadcast_binary_gradient(name, pair, seed):
    la, ha, lb, hb = BINARY[name]
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(la, ha, pair[0]), rng.uniform(lb, hb, pair[1])
    if name in ("broadcast_maximum", "broadcast_minimum"):     # keep the kink (a == b) away from the probe
        a = np.where(np.abs(a - b.mean()) < 1e-3, a + 0.01, a) if b.size else a
    check(getattr(nd, name), [a, b], seed)


def _axes(ndim):
    return st.one_of(st.none(), st.integers(-ndim, ndim - 1) if ndim else st.none(),
                     st.permutations(range(ndim)).flatmap(lambda p: st.integers(1, max(ndim, 1)).map(
                         lambda k: tuple(p[:k]))) if ndim else st.none())


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min", "nansum", "nanprod", "norm"])
@settings(max_examples=scaled(25))
@given(shape=shapes(max_rank=4, min_side=1, max_side=3, max_size=24), keepdims=st.booleans(), data=st.data())
def test_reduce_gradient(name, shape, keepdims, data):
    axis = data.draw(_axes(len(shape)), label="axis")
    seed = data.draw(st.integers(0, 2 ** 31), label="seed")
    rng = np.random.default_rng(seed)
    # distinct values (max/min pick one element), away from 0 (norm's kink)
    x = rng.permutation(np.linspace(0.5, 2.0, int(np.prod(shape)))).reshape(shape) * rng.choice([-1, 1], shape)
    check(lambda a: getattr(nd, name)(a, axis=axis, keepdims=keepdims), [x], seed)


@st.composite
def _shape_case(draw):
    """(name, fn, inputs) of one shape op with valid drawn attributes."""
    shape = draw(shapes(min_rank=1, max_rank=4, min_side=1, max_side=3, max_size=24))
    nd_ = len(shape)
    x = np.random.default_rng(draw(st.integers(0, 2 ** 31))).uniform(-2, 2, shape)
    axis = draw(st.integers(-nd_, nd_ - 1))
    kind = draw(st.sampled_from(["transpose", "reshape", "flip", "tile", "repeat", "slice", "slice_axis", "concat",
                                 "stack", "split", "expand_dims", "swapaxes", "broadcast_to", "take", "pick",
                                 "softmax", "log_softmax", "softmin", "sort", "topk", "squeeze"]))
    if kind == "transpose":
        perm = tuple(draw(st.permutations(range(nd_))))
        return kind, lambda a: nd.transpose(a, axes=perm), [x]
    if kind == "reshape":
        target = tuple(draw(st.permutations(shape)))
        return kind, lambda a: nd.reshape(a, shape=target), [x]
    if kind == "flip":
        return kind, lambda a: nd.flip(a, axis=axis), [x]
    if kind == "tile":
        reps = tuple(draw(st.lists(st.integers(1, 2), min_size=1, max_size=3)))
        return kind, lambda a: nd.tile(a, reps=reps), [x]
    if kind == "repeat":
        r = draw(st.integers(1, 3))
        return kind, lambda a: nd.repeat(a, repeats=r, axis=axis), [x]
    if kind == "slice":
        b = tuple(draw(st.integers(0, d - 1)) for d in shape)
        e = tuple(draw(st.integers(bi + 1, d)) for bi, d in zip(b, shape))
        return kind, lambda a: nd.slice(a, begin=b, end=e), [x]
    if kind == "slice_axis":
        b = draw(st.integers(0, shape[axis] - 1))
        return kind, lambda a: nd.slice_axis(a, axis=axis, begin=b, end=None), [x]
    if kind in ("concat", "stack"):
        y = np.random.default_rng(1).uniform(-2, 2, shape)
        f = (lambda a, c: nd.concat(a, c, dim=axis)) if kind == "concat" else (lambda a, c: nd.stack(a, c, axis=axis))
        return kind, f, [x, y]
    if kind == "split":
        k, squeeze = shape[axis], draw(st.booleans())
        return kind, lambda a: nd.split(a, num_outputs=k, axis=axis, squeeze_axis=squeeze) if k > 1 else a * 1, [x]
    if kind == "expand_dims":
        ax = draw(st.integers(-nd_ - 1, nd_))
        return kind, lambda a: nd.expand_dims(a, axis=ax), [x]
    if kind == "swapaxes":
        d2 = draw(st.integers(-nd_, nd_ - 1))
        return kind, lambda a: nd.swapaxes(a, dim1=axis, dim2=d2), [x]
    if kind == "broadcast_to":
        xb = x[tuple(slice(0, 1) if draw(st.booleans()) else slice(None) for _ in shape)]
        return kind, lambda a: nd.broadcast_to(a, shape=shape), [xb]
    if kind in ("take", "pick"):
        idx = np.random.default_rng(2).integers(0, shape[axis], shape[:axis % nd_] + shape[axis % nd_ + 1:])
        if kind == "take":
            return kind, lambda a: nd.take(a, nd.array(idx.reshape(-1)[:3], dtype="int64"), axis=axis), [x]
        return kind, lambda a: nd.pick(a, nd.array(idx, dtype="float64"), axis=axis), [x]
    if kind in ("sort", "topk"):
        xs = np.random.default_rng(3).permutation(np.linspace(-2, 2, x.size)).reshape(shape)   # no ties
        if kind == "sort":
            ascend = draw(st.booleans())
            return kind, lambda a: nd.sort(a, axis=axis, is_ascend=ascend), [xs]
        k = draw(st.integers(1, shape[axis]))
        return kind, lambda a: nd.topk(a, axis=axis, k=k, ret_typ="value"), [xs]
    if kind == "squeeze":
        return kind, lambda a: nd.squeeze(a), [x]
    return kind, lambda a: getattr(nd, kind)(a, axis=axis), [x]


@settings(max_examples=scaled(2))
@given(case=_shape_case(), seed=st.integers(0, 2 ** 31))
def test_shape_and_softmax_gradients(case, seed):
    name, fn, inputs = case
    check(fn, inputs, seed)


@settings(max_examples=scaled(5))
@given(m=st.integers(1, 3), k=st.integers(1, 3), n=st.integers(1, 3), b=st.integers(1, 2), ta=st.booleans(),
       tb=st.booleans(), seed=st.integers(0, 2 ** 31))
def test_product_gradients(m, k, n, b, ta, tb, seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(-2, 2, (k, m) if ta else (m, k))
    c = rng.uniform(-2, 2, (n, k) if tb else (k, n))
    check(lambda x, y: nd.dot(x, y, transpose_a=ta, transpose_b=tb), [a, c], seed)
    ba, bc = rng.uniform(-2, 2, (b,) + a.shape), rng.uniform(-2, 2, (b,) + c.shape)
    check(lambda x, y: nd.batch_dot(x, y, transpose_a=ta, transpose_b=tb), [ba, bc], seed)
    w, bias = rng.uniform(-1, 1, (n, m * k)), rng.uniform(-1, 1, (n,))
    check(lambda x, ww, bb: nd.FullyConnected(x, ww, bb, num_hidden=n), [rng.uniform(-1, 1, (b, m, k)), w, bias])


# ---- every differentiable operator, through the CASES of tests/ops ----------------------

def _load_cases() -> dict:
    """name -> (fn, generators) from tests/ops/test_gradients.py and test_grad_*.py."""
    if _OPS_DIR not in sys.path:
        sys.path.insert(0, _OPS_DIR)          # their `from gradcheck import ...`
    cases = {}
    for path in sorted(glob.glob(os.path.join(_OPS_DIR, "test_grad*.py"))):
        spec = importlib.util.spec_from_file_location("_fuzzcases_" + os.path.basename(path)[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        cases.update(getattr(mod, "CASES", {}))
    return cases


CASES = _load_cases()
# backward ignores the head gradient by definition (MXNet's loss layers): checked with a ones head
HEAD_IGNORED = {"SoftmaxOutput": "its gradient is softmax - label whatever the head (MXNet)",
                "make_loss": "its gradient is 1 whatever the head (MXNet)",
                "MakeLoss": "its gradient is grad_scale whatever the head (MXNet)"}
DIFFERENTIABLE = sorted(n for n, op in unique_ops().items() if op.differentiable)


def test_every_differentiable_op_has_a_case():
    assert not [n for n in DIFFERENTIABLE if n not in CASES]


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@settings(max_examples=scaled(25))
@given(seed=st.integers(0, 2 ** 31))
def test_registry_gradient_with_drawn_data(name, seed):
    """The CASES generators (domains chosen for a smooth gradient) with a drawn seed."""
    fn, gens = CASES[name]
    rng = np.random.default_rng(seed)
    inputs = [np.asarray(g(rng), dtype=np.float64) for g in gens]
    check(fn, inputs, seed, weighted=name not in HEAD_IGNORED)
