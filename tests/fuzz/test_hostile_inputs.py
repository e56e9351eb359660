"""Hostile calls that must never crash nor leak another exception type, on
every operator: inputs of the wrong type (None, strings, lists, NumPy arrays,
objects), out-of-range axes (past the rank, 2**31, -2**63), out-of-range
indices, negative sizes, and NaN/inf through the value-dependent ops
(indices, counts, probabilities).  Each call returns, or raises an
MXNetError that is also ValueError/TypeError/IndexError/... (clean_call).
Huge sizes (2**31 ... 2**64 dims) are in test_hostile_sizes.py.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from op_strategies import DTYPES, arrays, clean_call, np_data, scaled, shapes, to_nd, unique_ops

nd = mx.nd
OPS = unique_ops()
# ops without array inputs (creation, samplers) get their hostile arguments below and in
# test_registry_fuzz.py / test_hostile_sizes.py
WITH_INPUTS = sorted(n for n, op in OPS.items() if op.inputs)

_WRONG = [None, "x", 1.5, 3, [1.0, 2.0], [[1]], np.ones((2, 2), dtype=np.float32), object(), b"ab", {"a": 1},
          float("nan"), (2, 2)]


@pytest.mark.parametrize("name", WITH_INPUTS)
@settings(max_examples=scaled(10))
@given(data=st.data())
def test_wrong_input_types(name, data):
    """One input replaced by something that is not an NDArray: a clean error (or a result,
    for the ops that take Python scalars)."""
    op = OPS[name]
    n = len(op.inputs) if not op.variadic else data.draw(st.integers(1, 3))
    shape = data.draw(shapes(max_rank=3, min_side=1, max_side=3))
    inputs = [to_nd(np_data(i, shape, "float32"), "contig") for i in range(n)]
    inputs[data.draw(st.integers(0, n - 1), label="which")] = data.draw(st.sampled_from(_WRONG), label="wrong")
    clean_call(op, *inputs)


_AXIS_ATTRS = ("axis", "dim", "dim1", "dim2", "axes", "lhs_axes", "rhs_axes")
AXIS_OPS = sorted(n for n, op in OPS.items() if op.inputs and any(a.name in _AXIS_ATTRS for a in op.attrs))
_BAD_AXES = [6, 7, -7, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 62, -(2 ** 63), 2 ** 63 - 1, 2 ** 64]


@pytest.mark.parametrize("name", AXIS_OPS)
@settings(max_examples=scaled(10))
@given(shape=shapes(max_rank=5, min_side=1, max_side=3), bad=st.sampled_from(_BAD_AXES), data=st.data())
def test_out_of_range_axes_are_refused(name, shape, bad, data):
    """An axis past the rank is an error (never a wrapped index, never a read past the shape)."""
    op = OPS[name]
    attr = data.draw(st.sampled_from([a.name for a in op.attrs if a.name in _AXIS_ATTRS]), label="attr")
    n = len(op.inputs) if not op.variadic else 2
    inputs = [to_nd(np_data(i, shape, "float32"), "contig") for i in range(n)]
    if name in ("take", "pick", "Embedding", "one_hot", "gather_nd"):
        inputs[1:] = [to_nd(np.zeros(shape[:1] or (1,), dtype=np.float32), "contig") for _ in inputs[1:]]
    value = (bad,) if op._attr_by_name[attr].kind in ("shape",) or attr == "axes" and name != "slice_like" \
        else bad
    ok, out = clean_call(op, *inputs, **{attr: value})
    assert not ok, "%s accepted %s=%r for shape %s" % (name, attr, value, shape)


@settings(max_examples=scaled(2))
@given(a=arrays(shape=shapes(min_rank=1, max_rank=3, min_side=1, max_side=4), dtype=st.sampled_from(DTYPES)),
       idx=arrays(shape=shapes(max_rank=2, max_size=8), kinds=("special", "int"), lo=-20, hi=20,
                  dtype=st.sampled_from(["float32", "float64", "int32", "int64", "int8", "uint8", "float16"])))
def test_out_of_range_and_nan_indices(a, idx):
    """take (raise/clip/wrap), pick, one_hot, Embedding, gather_nd and scatter_nd with indices past
    the ends, negative, NaN or inf: a clean error, or a result inside the data's bounds."""
    (x, xn), (i, inn) = a, idx
    for mode in ("raise", "clip", "wrap"):
        ok, out = clean_call(nd.take, xn, inn, axis=0, mode=mode)
        if ok and x.shape[0] and x.size and x.dtype.kind == "f":
            got = out.asnumpy()
            assert np.all(np.isin(got[~np.isnan(got)], x) | (got[~np.isnan(got)] == 0))
    clean_call(nd.pick, xn, inn, axis=0)
    clean_call(nd.one_hot, inn, depth=4)
    clean_call(nd.Embedding, inn, nd.ones((3, 2)), input_dim=3, output_dim=2)
    if i.ndim >= 1:
        clean_call(nd.gather_nd, xn, inn.reshape((i.shape[0],) + i.shape[1:]) if i.size else inn)
        clean_call(nd.scatter_nd, xn, inn, shape=x.shape)


_NEG_SIZES = [-1, -2, -(2 ** 31), -(2 ** 63)]


@settings(max_examples=scaled(2))
@given(neg=st.sampled_from(_NEG_SIZES), other=st.integers(0, 3), dtype=st.sampled_from(DTYPES))
def test_negative_sizes_are_refused(neg, other, dtype):
    x = nd.ones((2, 3))
    calls = [
        (nd.zeros, (other, neg), {"dtype": dtype}), (nd.ones, (neg,), {"dtype": dtype}),
        (nd.full, ((neg, other), 1.0), {}), (nd.empty, ((other, neg),), {}),
        (nd.eye, (neg,), {}), (nd.eye, (2, neg), {}), (nd.linspace, (0, 1, neg), {}),
        (nd.one_hot, (nd.zeros((2,)),), {"depth": neg}), (nd.tile, (x,), {"reps": (neg, 1)}),
        (nd.repeat, (x,), {"repeats": neg}), (nd.random.uniform, (), {"shape": (neg, other)}),
        (nd.random.normal, (), {"shape": (other, neg)}), (nd.random.randint, (0, 5), {"shape": (neg,)}),
        (nd.broadcast_to, (nd.ones((1, 1)),), {"shape": (neg, 2)}), (nd.reshape, (x,), {"shape": (neg, -6)}),
        (nd.split, (x,), {"num_outputs": neg}),
        (nd.arange, (0, neg), {"repeat": neg}),
    ]
    for fn, args, kwargs in calls:
        ok, out = clean_call(fn, *args, **kwargs)
        assert not ok, "%s%r %r returned %s" % (getattr(fn, "__name__", fn), args, kwargs, out.shape)


_SPECIAL = [float("nan"), float("inf"), float("-inf"), 1e308, -1e308]


@settings(max_examples=scaled(2))
@given(v=st.sampled_from(_SPECIAL), w=st.sampled_from(_SPECIAL + [0.0, 1.0, 2.0]))
def test_nan_and_inf_attributes_of_value_dependent_ops(v, w):
    """Counts, ranges and distribution parameters given NaN/inf: a clean error or finite-size output.
    (Parameters that make a sampler loop forever, such as a Poisson lam of 1e308, must be refused.)"""
    x = nd.ones((2, 3))
    calls = [
        (nd.arange, (0, v), {}), (nd.arange, (v, 1), {}), (nd.arange, (0, 10, v), {}), (nd.arange, (w, v, w), {}),
        (nd.linspace, (v, w, 3), {}), (nd.clip, (x, v, w), {}), (nd.full, ((2,), v), {}),
        (nd.random.uniform, (v, w), {"shape": (3,)}), (nd.random.normal, (v, w), {"shape": (3,)}),
        (nd.random.exponential, (v,), {"shape": (3,)}), (nd.random.gamma, (v, w), {"shape": (3,)}),
        (nd.random.poisson, (v,), {"shape": (3,)}), (nd.Dropout, (x,), {"p": v, "mode": "always"}),
        (nd.one_hot, (nd.array([v, w]),), {"depth": 3}), (nd.LeakyReLU, (x,), {"act_type": "rrelu",
                                                                               "lower_bound": v, "upper_bound": w}),
        (nd.multinomial, (nd.array([[v, w, 1.0]]),), {}), (nd.BatchNorm, (x, nd.ones((3,)), nd.zeros((3,)),
                                                                          nd.zeros((3,)), nd.ones((3,))),
                                                           {"eps": v, "axis": 1}),
    ]
    for fn, args, kwargs in calls:
        clean_call(fn, *args, **kwargs)
