"""Shape/dtype rules of the shape family (gluonx/ops/shape.py, and _scatter_add of gradutil.py).

(a) the rule alone gives the shapes and dtypes of the eager result, (b) output shapes, input/output names and
the (absent) backward inference match MXNet 1.9.1, (c) bad inputs raise the right error class naming the op.
"""
import numpy as np
import pytest

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError
from gluonx.ops.registry import get_op

SHAPE_OPS = ["reshape", "reshape_like", "transpose", "swapaxes", "expand_dims", "squeeze", "flatten", "flip", "tile",
             "repeat", "pad", "concat", "stack", "split", "slice", "slice_axis", "slice_like", "broadcast_to",
             "broadcast_axis", "broadcast_like", "depth_to_space", "space_to_depth", "_scatter_add"]


def arr(shape, dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    return mx.nd.array(rng.integers(0, 9, size=shape).astype(dtype), dtype=dtype)


def infer(name, attrs, shapes, dtypes):
    op = get_op(name)
    return op.infer_shapes(op.parse_attrs(attrs), list(shapes), list(dtypes))


# ---- (a) the rule gives the eager result's shapes and dtypes ----------------------------------

X = arr((2, 3, 4))
CASES = [
    ("reshape", [X], dict(shape=(0, -1))), ("reshape", [X], dict(shape=(-4, 1, -1, -2))),
    ("reshape", [X], dict(shape=(-1, 0), reverse=True)), ("reshape", [X], dict(target_shape=(4, 6))),
    ("reshape_like", [X, arr((4, 6))], {}),
    ("reshape_like", [X, arr((5, 6, 4))], dict(lhs_begin=0, lhs_end=2, rhs_begin=1, rhs_end=2)),
    ("transpose", [X], {}), ("transpose", [X], dict(axes=(1, 0, 2))), ("transpose", [arr((2, 3), "int32")], {}),
    ("swapaxes", [X], dict(dim1=0, dim2=-1)),
    ("expand_dims", [X], dict(axis=-1)), ("expand_dims", [X], dict(axis=0)),
    ("squeeze", [arr((1, 3, 1, 2))], {}), ("squeeze", [arr((1, 3, 1, 2))], dict(axis=(0, 2))),
    ("squeeze", [arr((1, 1))], {}),
    ("flatten", [X], {}), ("flatten", [arr((3,), "int64")], {}),
    ("flip", [X], dict(axis=1)), ("flip", [X], dict(axis=(0, 2))),
    ("tile", [X], dict(reps=(2,))), ("tile", [arr((2, 3))], dict(reps=(2, 1, 3))), ("tile", [X], dict(reps=(0, 1))),
    ("repeat", [X], dict(repeats=2)), ("repeat", [X], dict(repeats=3, axis=-1)),
    ("pad", [arr((1, 2, 3, 4))], dict(mode="constant", pad_width=(0, 0, 0, 0, 1, 2, 3, 1), constant_value=5)),
    ("pad", [arr((1, 2, 3, 4), "uint8")], dict(mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 1, 1))),
    ("concat", [arr((2, 3)), arr((2, 5)), arr((2, 1))], dict(dim=1)), ("concat", [X, X], dict(dim=0)),
    ("concat", [arr((2, 0)), arr((2, 3))], dict(dim=-1, num_args=2)),
    ("stack", [X, X, X], dict(axis=1)), ("stack", [X, X], dict(axis=-1)),
    ("split", [X], dict(num_outputs=2, axis=-1)), ("split", [X], dict(num_outputs=3, axis=1, squeeze_axis=True)),
    ("split", [X], dict(num_outputs=1, axis=0)), ("split", [arr((3,))], dict(num_outputs=3, axis=0, squeeze_axis=True)),
    ("slice", [X], dict(begin=(None, 2), end=(1, None), step=(1, -1))), ("slice", [X], dict(begin=(1,), end=(0,))),
    ("slice", [X], dict(begin="(0, 1)", end="(2, None)")),
    ("slice_axis", [X], dict(axis=1, begin=-2, end=None)), ("slice_axis", [X], dict(axis=2, begin=1, end=3)),
    ("slice_like", [X, arr((1, 2, 3))], {}), ("slice_like", [X, arr((1, 2))], dict(axes=(1,))),
    ("broadcast_to", [arr((1, 3, 1))], dict(shape=(2, 0, 4))),
    ("broadcast_axis", [arr((1, 3, 1))], dict(axis=(0, 2), size=(2, 5))),
    ("broadcast_like", [arr((1, 3)), arr((4, 3))], {}),
    ("broadcast_like", [arr((1, 3)), arr((5, 4))], dict(lhs_axes=(0,), rhs_axes=(1,))),
    ("depth_to_space", [arr((1, 8, 2, 3))], dict(block_size=2)),
    ("space_to_depth", [arr((1, 2, 4, 6), "float64")], dict(block_size=2)),
    ("_scatter_add", [arr((2, 3)), mx.nd.array([[0, 3, 3], [1, -1, 0]], dtype="int64")], dict(size=5)),
]


@pytest.mark.parametrize("name,inputs,attrs", CASES, ids=["%s-%d" % (c[0], i) for i, c in enumerate(CASES)])
def test_rule_matches_eager(name, inputs, attrs):
    shapes = [x.shape for x in inputs]
    dtypes = [np.dtype(x.dtype).name for x in inputs]
    oshapes, odtypes = infer(name, attrs, shapes, dtypes)
    res = get_op(name)(*inputs, **attrs)
    res = res if isinstance(res, list) else [res]
    assert [tuple(s) for s in oshapes] == [r.shape for r in res]
    assert list(odtypes) == [np.dtype(r.dtype).name for r in res]
    assert shapes == [x.shape for x in inputs]      # the rule does not touch known inputs


def test_every_op_of_the_family_has_a_rule():
    for name in SHAPE_OPS:
        op = get_op(name)
        assert op.infer is not None and not op.dynamic, name
    assert {c[0] for c in CASES} == set(SHAPE_OPS)


def test_compute_writes_into_given_outputs():
    x = arr((2, 6))
    outs = [mx.nd.zeros((2, 2)) for _ in range(3)]
    r = mx.nd.split(x, num_outputs=3, axis=1, out=outs)
    assert r is outs
    for i, o in enumerate(outs):
        np.testing.assert_array_equal(o.asnumpy(), x.asnumpy()[:, 2 * i:2 * i + 2])
    # a strided (non-contiguous) out= of a reshaping op
    base = mx.nd.zeros((3, 8))
    view = _c.as_strided(base, (3, 4), (8, 2), 0)
    mx.nd.reshape(x, shape=(3, 4), out=view)
    np.testing.assert_array_equal(base.asnumpy()[:, ::2], x.asnumpy().reshape(3, 4))
    c = mx.nd.zeros((2, 12))
    assert mx.nd.concat(x, x, dim=1, out=c) is c
    np.testing.assert_array_equal(c.asnumpy(), np.concatenate([x.asnumpy()] * 2, 1))


# ---- (b) MXNet 1.9.1: shapes, names, backward inference ------------------------------------------

# Output shapes from /work/mx-ref (MXNet 1.9.1): sym.infer_shape(**inputs) -> outputs.
MXNET_SHAPES = [
    ("reshape", dict(shape=(0, -4, 1, -1, -2)), [(2, 3, 4, 5)], [(2, 1, 3, 4, 5)]),
    ("reshape", dict(shape=(-1, 0), reverse=True), [(10, 5, 4)], [(50, 4)]),
    ("reshape_like", dict(lhs_begin=0, lhs_end=2, rhs_begin=1, rhs_end=2), [(2, 3, 4), (5, 6, 4)], [(6, 4)]),
    ("reshape_like", {}, [(2, 3, 4), (4, 6)], [(4, 6)]),
    ("transpose", dict(axes=(2, 0, 1)), [(2, 3, 4)], [(4, 2, 3)]),
    ("swapaxes", dict(dim1=0, dim2=2), [(2, 3, 4)], [(4, 3, 2)]),
    ("expand_dims", dict(axis=-1), [(2, 3)], [(2, 3, 1)]),
    ("squeeze", dict(axis=(0, 2)), [(1, 3, 1, 2)], [(3, 2)]),
    ("squeeze", {}, [(1, 1)], [(1,)]),
    ("flatten", {}, [(2, 3, 4)], [(2, 12)]), ("flatten", {}, [(3,)], [(3, 1)]),
    ("flip", dict(axis=(0, 2)), [(2, 3, 4)], [(2, 3, 4)]),
    ("tile", dict(reps=(2, 1, 3)), [(2, 3)], [(2, 2, 9)]), ("tile", dict(reps=(2,)), [(2, 3)], [(2, 6)]),
    ("repeat", dict(repeats=3), [(2, 3)], [(18,)]), ("repeat", dict(repeats=2, axis=-1), [(2, 3)], [(2, 6)]),
    ("pad", dict(mode="reflect", pad_width=(0, 0, 0, 0, 1, 2, 3, 1)), [(2, 3, 4, 5)], [(2, 3, 7, 9)]),
    ("concat", dict(dim=0), [(2, 3), (4, 3)], [(6, 3)]),
    ("concat", dict(dim=1), [(2, 3), (2, 4), (2, 1)], [(2, 8)]),
    ("stack", dict(axis=-1), [(2, 3)] * 3, [(2, 3, 3)]),
    ("split", dict(num_outputs=3, axis=1), [(2, 6)], [(2, 2)] * 3),
    ("split", dict(num_outputs=3, axis=1, squeeze_axis=True), [(2, 3)], [(2,)] * 3),
    ("split", dict(num_outputs=2, axis=-1), [(2, 3, 4)], [(2, 3, 2)] * 2),
    ("slice", dict(begin=(None, 3), end=(2, None), step=(1, -1)), [(3, 4)], [(2, 4)]),
    ("slice", dict(begin=(2,), end=(1,)), [(3, 4)], [(0, 4)]),
    ("slice_axis", dict(axis=1, begin=-3, end=None), [(3, 4)], [(3, 3)]),
    ("slice_like", dict(axes=(-1,)), [(3, 4), (2, 3)], [(3, 3)]),
    ("broadcast_to", dict(shape=(4, 0)), [(1, 3)], [(4, 3)]),
    ("broadcast_axis", dict(axis=(0, 2), size=(2, 5)), [(1, 3, 1)], [(2, 3, 5)]),
    ("broadcast_axis", dict(axis=1, size=4), [(2, 1)], [(2, 4)]),
    ("broadcast_like", dict(lhs_axes=(0,), rhs_axes=(1,)), [(1, 3), (5, 4)], [(4, 3)]),
    ("depth_to_space", dict(block_size=2), [(1, 8, 2, 3)], [(1, 2, 4, 6)]),
    ("space_to_depth", dict(block_size=2), [(1, 2, 4, 6)], [(1, 8, 2, 3)]),
]


@pytest.mark.parametrize("name,attrs,shapes,expect", MXNET_SHAPES)
def test_rule_matches_mxnet(name, attrs, shapes, expect):
    oshapes, odtypes = infer(name, attrs, shapes, ["float32"] * len(shapes))
    assert [tuple(s) for s in oshapes] == expect
    assert odtypes == ["float32"] * len(expect)


def test_no_backward_inference_as_mxnet():
    # MXNet 1.9.1 infers no input of these ops from the others: infer_shape_partial gives
    #   stack(a, b, axis=1) with a=(2, 3)              -> b: ()      (unknown)
    #   concat(a, b, dim=1) with a=(2, 3)              -> b: (2, 0)  (partial only; never a full shape)
    #   slice_like / broadcast_like with data=(2, 3)   -> shape_like / rhs: ()
    #   reshape_like(lhs, rhs) with lhs=(2, 3)         -> an error (rhs unknown)
    for name in SHAPE_OPS:
        assert get_op(name).infers_inputs == (), name


def test_names_as_mxnet():
    # MXNet 1.9.1: Concat(num_args=2, name='c').list_arguments() == ['c_arg0', 'c_arg1'] (stack: the same);
    # split(num_outputs=1, name='sp').list_outputs() == ['sp_output0'] (numbered even when there is one);
    # slice_like's inputs are data, shape_like; reshape_like's and broadcast_like's lhs, rhs.
    for name in ("concat", "stack"):
        op = get_op(name)
        assert op.input_names(op.parse_attrs({"num_args": 2})) == ("arg0", "arg1")
    split = get_op("split")
    assert split.output_names(split.parse_attrs({"num_outputs": 1})) == ("output0",)
    assert split.output_names(split.parse_attrs({"num_outputs": 3})) == ("output0", "output1", "output2")
    assert split.output_count(split.parse_attrs({"num_outputs": 3})) == 3
    assert get_op("SliceChannel") is split
    assert get_op("slice_like").input_names({}) == ("data", "shape_like")
    assert get_op("reshape_like").inputs == get_op("broadcast_like").inputs == ("lhs", "rhs")
    assert get_op("transpose").input_names({}) == ("data",)


# ---- (c) bad inputs ----------------------------------------------------------------------------

BAD = [
    ("reshape", dict(shape=(5, -1)), [(2, 3, 4)], MXNetValueError),
    ("reshape", {}, [(2, 3)], MXNetValueError),
    ("reshape_like", {}, [(2, 3), (4, 5)], MXNetValueError),
    ("reshape_like", dict(lhs_begin=2, lhs_end=1), [(2, 3), (6,)], MXNetValueError),
    ("transpose", dict(axes=(0, 0)), [(2, 3)], MXNetValueError),
    ("transpose", dict(axes=(0, 2)), [(2, 3)], MXNetIndexError),
    ("swapaxes", dict(dim1=0, dim2=2), [(2, 3)], MXNetIndexError),
    ("expand_dims", dict(axis=3), [(2, 3)], MXNetIndexError),
    ("squeeze", dict(axis=1), [(1, 3)], MXNetValueError),
    ("flip", dict(axis=3), [(2, 3)], MXNetIndexError),
    ("tile", dict(reps=(-1,)), [(2, 3)], MXNetValueError),
    ("repeat", dict(repeats=2, axis=2), [(2, 3)], MXNetIndexError),
    ("repeat", dict(repeats=-1), [(2, 3)], MXNetValueError),
    ("pad", dict(pad_width=(0, 0, 1, 1)), [(1, 1, 2, 2)], MXNetValueError),
    ("pad", {}, [(1, 1, 2, 2)], MXNetTypeError),
    ("pad", dict(mode="edge", pad_width=(0, 0, 1, 1)), [(2, 0)], MXNetValueError),
    ("concat", dict(dim=0), [(3, 4), (3, 3)], MXNetValueError),
    ("concat", dict(dim=2), [(3, 4), (3, 4)], MXNetIndexError),
    ("concat", dict(dim=0, num_args=3), [(3, 4), (3, 4)], MXNetValueError),
    ("stack", {}, [(3, 4), (3, 3)], MXNetValueError),
    ("stack", dict(axis=3), [(3, 4), (3, 4)], MXNetIndexError),
    ("split", dict(num_outputs=3, axis=1), [(3, 4)], MXNetValueError),
    ("split", dict(num_outputs=2, axis=1, squeeze_axis=True), [(3, 4)], MXNetValueError),
    ("split", dict(num_outputs=0), [(3, 4)], MXNetValueError),
    ("slice", dict(begin=(0, 0, 0), end=(1, 1, 1)), [(3, 4)], MXNetValueError),
    ("slice", dict(begin=(0,), end=(2,), step=(0,)), [(3, 4)], MXNetValueError),
    ("slice", dict(begin=(5,), end=(6,)), [(3, 4)], MXNetValueError),
    ("slice_axis", dict(axis=1, begin=3, end=5), [(3, 4)], MXNetValueError),
    ("slice_axis", dict(axis=2, begin=0, end=1), [(3, 4)], MXNetIndexError),
    ("slice_like", {}, [(3, 4), (2,)], MXNetValueError),
    ("slice_like", dict(axes=(0,)), [(3, 4), (5, 4)], MXNetValueError),
    ("broadcast_to", dict(shape=(4, 3)), [(2, 3)], MXNetValueError),
    ("broadcast_to", dict(shape=(4, 3)), [(3,)], MXNetValueError),
    ("broadcast_axis", dict(axis=0, size=5), [(2, 3)], MXNetValueError),
    ("broadcast_axis", dict(axis=(0, 1), size=(5,)), [(1, 1)], MXNetValueError),
    ("broadcast_like", {}, [(2, 3), (4, 3)], MXNetValueError),
    ("broadcast_like", dict(lhs_axes=(0,), rhs_axes=()), [(1, 3), (4, 3)], MXNetValueError),
    ("depth_to_space", dict(block_size=2), [(1, 6, 2, 2)], MXNetValueError),
    ("depth_to_space", dict(block_size=2), [(8, 2, 2)], MXNetValueError),
    ("space_to_depth", dict(block_size=2), [(1, 1, 3, 4)], MXNetValueError),
    ("_scatter_add", dict(size=4), [(3,), (2,)], MXNetValueError),
]


@pytest.mark.parametrize("name,attrs,shapes,err", BAD, ids=["%s-%d" % (b[0], i) for i, b in enumerate(BAD)])
def test_bad_inputs(name, attrs, shapes, err):
    dtypes = ["float32"] * len(shapes)
    if name == "_scatter_add":
        dtypes[1] = "int64"
    with pytest.raises(err, match="Operator %s" % name):
        infer(name, attrs, shapes, dtypes)
    # the eager call raises the same (through the rule)
    inputs = [mx.nd.zeros(s, dtype=d) for s, d in zip(shapes, dtypes)]
    with pytest.raises(err, match="Operator %s" % name):
        get_op(name)(*inputs, **attrs)


@pytest.mark.parametrize("name", ["concat", "stack"])
def test_join_dtypes(name):
    with pytest.raises(MXNetTypeError, match="Operator %s: non-uniform data types: input 0 is float32, "
                                             "input 1 is int32" % name):
        infer(name, {}, [(2, 3), (2, 3)], ["float32", "int32"])
    with pytest.raises(MXNetValueError, match="Operator %s: needs at least one input" % name):
        infer(name, {}, [], [])
    assert infer(name, {}, [(2, 3), (2, 3)], ["int64", "int64"])[1] == ["int64"]
