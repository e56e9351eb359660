"""Shape/dtype rules of the indexing operators (take, pick, one_hot, gather_nd,
scatter_nd): the rule gives exactly what the eager call returns, pick infers
its index backwards as MXNet 1.9.1 does, and bad inputs raise errors naming
the operator."""
import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError
from gluonx.ops.registry import get_op
from infer_check import check_eager, rule_outputs as infer


def arr(shape, dtype="float32", high=3):
    return mx.nd.array(np.random.default_rng(0).integers(0, high, size=shape), dtype=dtype)


@pytest.mark.parametrize("shape,ishape,axis", [((3, 4), (2,), 0), ((3, 4), (2, 5), 1), ((2, 3, 4), (), 2),
                                               ((2, 3, 4), (6,), -2), ((4,), (3, 2), 0), ((0, 3), (0,), 0)])
@pytest.mark.parametrize("dtype,idt", [("float32", "float32"), ("int64", "int32"), ("float16", "int64")])
def test_take(shape, ishape, axis, dtype, idt):
    check_eager("take", [arr(shape, dtype), arr(ishape, idt)], axis=axis)
    check_eager("take", [arr(shape, dtype), arr(ishape, idt)], axis=axis, mode="wrap")


def test_take_errors():
    with pytest.raises(MXNetError, match="take.*0-d"):
        infer("take", [(), (2,)], ["float32", "float32"])
    with pytest.raises(IndexError, match="take.*axis 2"):
        infer("take", [(3, 4), (2,)], ["float32", "float32"], axis=2)
    with pytest.raises(IndexError, match="take.*size 0"):
        infer("take", [(0, 3), (2,)], ["float32", "float32"])


@pytest.mark.parametrize("shape,axis,keepdims,ishape", [((3, 4), -1, False, (3,)), ((3, 4), 0, True, (1, 4)),
                                                        ((2, 3, 4), 1, False, (2, 4)), ((5,), 0, False, (1,)),
                                                        ((2, 3, 4), 1, True, (2, 4))])
def test_pick(shape, axis, keepdims, ishape):
    check_eager("pick", [arr(shape, "float64"), arr(ishape, "int32")], axis=axis, keepdims=keepdims)


def test_pick_infers_index():
    # MXNet 1.9.1: sym.pick(a, b, axis=...).infer_shape_partial(a=...) fills b with the data's shape
    # without the axis, keepdims or not; a 1-D data gives (1,)
    cases = [((5, 3), {}, (5,), (5,)), ((5, 3), {"keepdims": True}, (5,), (5, 1)),
             ((5, 3), {"axis": 0}, (3,), (3,)), ((2, 3, 4), {"axis": 1}, (2, 4), (2, 4)),
             ((2, 3, 4), {"axis": 1, "keepdims": True}, (2, 4), (2, 1, 4)), ((4,), {"axis": 0}, (1,), (1,))]
    for dshape, attrs, want_index, want_out in cases:
        shapes, dtypes = [dshape, None], ["float32", None]
        out = infer("pick", shapes, dtypes, **attrs)
        assert shapes == [dshape, want_index] and out[0] == [want_out], (dshape, attrs)
        assert dtypes == ["float32", "float32"] and out[1] == ["float32"]


def test_pick_errors():
    with pytest.raises(ValueError, match=r"pick: index of shape \(2,\)"):
        infer("pick", [(3, 4), (2,)], ["float32", "float32"])
    with pytest.raises(IndexError, match="pick.*axis 3"):
        infer("pick", [(3, 4), None], ["float32", None], axis=3)
    with pytest.raises(MXNetError, match="pick.*0-d"):
        infer("pick", [(), (1,)], ["float32", "float32"])


@pytest.mark.parametrize("ishape,depth,dtype", [((3,), 4, "float32"), ((2, 3), 5, "int32"), ((0,), 3, None),
                                                ((2,), 0, "float64")])
def test_one_hot(ishape, depth, dtype):
    kw = {"dtype": dtype} if dtype else {}
    check_eager("one_hot", [arr(ishape, "int32")], depth=depth, **kw)


def test_one_hot_errors():
    with pytest.raises(ValueError, match="one_hot.*depth"):
        infer("one_hot", [(3,)], ["float32"], depth=-1)
    with pytest.raises(MXNetError, match="one_hot.*depth"):
        get_op("one_hot").parse_attrs({})


@pytest.mark.parametrize("shape,ishape", [((3, 4), (2, 5)), ((3, 4), (1, 2, 2)), ((3, 4), (2,)),
                                          ((2, 3, 4), (2, 6)), ((3, 4), (1, 0))])
def test_gather_nd(shape, ishape):
    check_eager("gather_nd", [arr(shape, "float64"), arr(ishape, "int64", high=2)])


def test_gather_nd_errors():
    with pytest.raises(ValueError, match="gather_nd: indices must have at least 1 dimension"):
        infer("gather_nd", [(3, 4), ()], ["float32", "float32"])
    with pytest.raises(ValueError, match=r"gather_nd: indices.shape\[0\]=3"):
        infer("gather_nd", [(3, 4), (3, 2)], ["float32", "float32"])


@pytest.mark.parametrize("dshape,ishape,shape", [((5,), (2, 5), (3, 4)), ((2, 4), (1, 2), (3, 4)),
                                                 ((1,), (2,), (3, 4)), ((2, 3, 4, 5), (1, 2, 3), (3, 4, 5))])
def test_scatter_nd(dshape, ishape, shape):
    data = arr(dshape, "int32") if len(ishape) == 1 else arr(dshape, "float32")
    check_eager("scatter_nd", [data, arr(ishape, "int32", high=3)], shape=shape)


def test_scatter_nd_errors():
    with pytest.raises(ValueError, match=r"scatter_nd: data of shape \(4,\)"):
        infer("scatter_nd", [(4,), (2, 5)], ["float32", "int32"], shape=(3, 4))
    with pytest.raises(ValueError, match="scatter_nd: indices"):
        infer("scatter_nd", [(4,), (3, 4)], ["float32", "int32"], shape=(3, 4))


def test_out_and_workspace():
    x, i = arr((3, 4)), arr((2,), "int32")
    o = mx.nd.zeros((2, 4))
    assert mx.nd.take(x, i, out=o) is o
    np.testing.assert_array_equal(o.asnumpy(), x.asnumpy()[i.asnumpy()])
    with pytest.raises(ValueError, match="take: out= has shape"):
        mx.nd.take(x, i, out=mx.nd.zeros((3, 4)))
    # the kernels copy the indices into scratch memory
    assert all(get_op(n).workspace for n in ("take", "pick", "one_hot", "gather_nd", "scatter_nd"))
    assert get_op("pick").infers_inputs == ("index",)
