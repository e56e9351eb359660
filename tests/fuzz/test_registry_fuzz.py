"""Every registered operator, called from its definition: array inputs of
drawn shapes (rank 0-6, zero-size dims), dtypes and memory layouts, and
attributes drawn from the OpDef's `attrs` (left at their default, a
plausible value, or a hostile one: wrong types, NaN/inf, negative and
out-of-range numbers).  Each call returns, or raises an MXNetError that is
also a standard exception (op_strategies.clean_call); a returned array has
the shape and dtype the op's own rule gives.  Values are checked against
NumPy in the family fuzzers beside this one; huge sizes live in
test_hostile_sizes.py.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gluonx._core import ndarray as _c
from op_strategies import (DTYPES, HOSTILE_OTHER, LAYOUTS, clean_call, hostile_attr_value,
                           np_data, scaled, shapes, small_attr_value, to_nd, unique_ops)

# ops this generic fuzzer does not call, with the reason: none today (`empty` is called too, its
# values unread); an op added here must say why and be fuzzed in a family file instead
SKIP: dict = {}

# attributes whose value is a size or count: a huge one is an allocation of that size, so the
# huge values are drawn only in test_hostile_sizes.py (GLUONX_FUZZ_HUGE=1); negatives stay here
SIZE_ATTRS = {"shape", "depth", "num", "N", "M", "repeats", "reps", "size", "num_hidden", "input_dim",
              "output_dim", "num_outputs", "k", "scale", "num_filter", "num_groups", "nsize", "height",
              "width", "block_size", "target_shape", "pad_width", "pad", "kernel", "stride", "dilate",
              "adj", "num_args", "workspace", "repeat", "t", "stop", "start", "step", "high", "low",
              "lam", "alpha", "beta", "scale_height", "scale_width", "p_value"}
_NOT_HUGE_INTS = [-(2 ** 63), -(2 ** 31), -7, -1, 0]

OPS = unique_ops()
CALLED = sorted(n for n in OPS if n not in SKIP)


def _attr_value(attr, opname):
    plain = small_attr_value(attr)
    if attr.name in SIZE_ATTRS:
        bad = st.sampled_from(_NOT_HUGE_INTS + HOSTILE_OTHER + [float("nan"), float("-inf")])
    else:
        bad = hostile_attr_value(attr)
    return st.one_of(plain, plain, bad)


@st.composite
def _call(draw, op):
    """(inputs, attrs) for one call of op."""
    if op.inputs:
        n = draw(st.integers(1, 3)) if op.variadic else len(op.inputs)
        base = draw(shapes(max_rank=5, max_side=3, max_size=96))
        dtype = draw(st.sampled_from(DTYPES))
        inputs = []
        for i in range(n):
            name = op.inputs[min(i, len(op.inputs) - 1)]
            if name in op.optional and draw(st.integers(0, 3)) == 0:
                inputs.append(None)
                continue
            # mostly the first input's shape and dtype, so the op gets past its checks
            shp = base if draw(st.integers(0, 2)) else draw(shapes(max_rank=4, max_side=3, max_size=64))
            dt = dtype if draw(st.integers(0, 3)) else draw(st.sampled_from(DTYPES))
            x = np_data(draw(st.integers(0, 2 ** 32 - 1)), shp, dt,
                        draw(st.sampled_from(["normal", "int", "special"])))
            inputs.append(to_nd(x, draw(LAYOUTS)))
    else:
        inputs = []
    attrs = {}
    for attr in op.attrs:
        if attr.name == "ctx":
            continue
        required = attr.default is not None and repr(attr.default) == "<required>"
        if required or draw(st.integers(0, 2)) == 0:
            attrs[attr.name] = draw(_attr_value(attr, op.name))
    return inputs, attrs


def _check_call(op, inputs, attrs):
    ok, out = clean_call(op, *inputs, **attrs)
    if not ok or op.dynamic or op.stateful:
        return ok
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    # the eager result has the shape and dtype of the op's rule (the graph's inference)
    shapes_in = [tuple(x.shape) if x is not None else None for x in inputs]
    dtypes_in = [_c.dtype_name(_c.dtype_flag(x.dtype)) if x is not None else None for x in inputs]
    parsed = op.bind(tuple(inputs), dict(attrs))[1]
    if any(s is None for s in shapes_in):
        return ok
    want_s, want_d = op.infer_shapes(parsed, list(shapes_in), list(dtypes_in))
    assert [tuple(o.shape) for o in outs] == [tuple(s) for s in want_s], (op.name, attrs)
    assert [np.dtype(o.dtype).name for o in outs] == [np.dtype(d if d != "bool" else np.bool_).name
                                                       for d in want_d], (op.name, attrs)
    return ok


@pytest.mark.parametrize("name", CALLED)
@settings(max_examples=scaled(6))
@given(data=st.data())
def test_every_op_returns_or_raises_a_standard_mxnet_error(name, data):
    op = OPS[name]
    inputs, attrs = data.draw(_call(op), label="call")
    _check_call(op, inputs, attrs)


def test_every_op_is_called_or_skipped_with_a_reason():
    assert set(CALLED) | set(SKIP) == set(OPS)
    assert all(isinstance(r, str) and r for r in SKIP.values())
    assert len(OPS) > 200 and not set(SKIP) - set(OPS)      # aliases are not separate ops
