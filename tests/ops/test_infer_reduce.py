"""Shape/dtype rules of the reductions (sum, mean, prod, max, min, nansum,
nanprod, norm, argmax, argmin, argmax_channel): the rule gives exactly what
the eager call returns (MXNet 1.9.1's shapes: a full reduction is (1,)),
the compute step writes into out= and strided inputs, and bad attributes
raise errors naming the operator."""
import numpy as np
import pytest

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError
from gluonx.ops.registry import get_op
from infer_check import check_eager, rule_outputs as infer

REDUCE = ["sum", "mean", "prod", "max", "min", "nansum", "nanprod"]


def arr(shape, dtype="float32"):
    return mx.nd.array(np.random.default_rng(0).uniform(1, 2, size=shape), dtype=dtype)


@pytest.mark.parametrize("name", REDUCE)
@pytest.mark.parametrize("axis,keepdims,exclude", [(None, False, False), (None, True, False), (1, False, False),
                                                   ((0, 2), True, False), (-1, False, True), ((), False, True),
                                                   ((0, 1, 2), False, False), (1, True, True)])
def test_reduce_rules(name, axis, keepdims, exclude):
    x = arr((2, 3, 4), "float64")
    r = check_eager(name, [x], axis=axis, keepdims=keepdims, exclude=exclude)
    axes = None if axis in (None, ()) else axis
    if exclude and axes is not None:
        axes = tuple(i for i in range(3) if i not in {a % 3 for a in np.atleast_1d(axes)})
    fn = {"nansum": np.sum, "nanprod": np.prod}.get(name, getattr(np, name))
    want = fn(x.asnumpy(), axis=axes, keepdims=keepdims)
    np.testing.assert_allclose(r.asnumpy(), np.reshape(want, r.shape))


@pytest.mark.parametrize("dtype", ["float16", "int32", "int64", "uint8"])
def test_reduce_dtypes_and_shapes(dtype):
    for shape, axis in [((5,), None), ((), None), ((0, 3), 0), ((0, 3), 1), ((3, 1, 2), 1), ((1, 1), (0, 1))]:
        check_eager("sum", [arr(shape, dtype)], axis=axis)
        check_eager("mean", [arr(shape, dtype)], axis=axis, keepdims=True)


def test_strided_input_and_out():
    a = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
    base = mx.nd.array(a)
    t = _c.as_strided(base, (5, 4, 3), (1, 5, 20))  # a transposed view
    np.testing.assert_allclose(mx.nd.sum(t, axis=(0, 2)).asnumpy(), a.transpose(2, 1, 0).sum((0, 2)))
    np.testing.assert_allclose(mx.nd.max(t, axis=1, keepdims=True).asnumpy(),
                               a.transpose(2, 1, 0).max(1, keepdims=True))
    o = mx.nd.zeros((4,))
    assert mx.nd.sum(base, axis=(0, 2), out=o) is o
    np.testing.assert_allclose(o.asnumpy(), a.sum((0, 2)))
    with pytest.raises(ValueError, match=r"sum: out= has shape \(3,\)"):
        mx.nd.sum(base, axis=(0, 2), out=mx.nd.zeros((3,)))


def test_reduce_errors():
    with pytest.raises(IndexError, match="sum: axis 3 is out of range"):
        infer("sum", [(2, 3, 4)], ["float32"], axis=3)
    with pytest.raises(ValueError, match="prod: axis 0 appears twice"):
        infer("prod", [(2, 3, 4)], ["float32"], axis=(0, -3))
    with pytest.raises(ValueError, match="max: cannot reduce over a zero-size axis"):
        infer("max", [(0, 3)], ["float32"], axis=0)
    # nothing to reduce into: no error (the kernel never runs)
    assert infer("min", [(3, 0)], ["float32"], axis=0) == ([(0,)], ["float32"])
    assert infer("sum", [(0, 3)], ["float32"], axis=0) == ([(3,)], ["float32"])


@pytest.mark.parametrize("ord_", [1, 2])
@pytest.mark.parametrize("axis,keepdims,out_dtype", [(None, False, None), (1, True, None), ((0, 1), False, "float64"),
                                                     (-1, False, "float16")])
def test_norm(ord_, axis, keepdims, out_dtype):
    x = arr((2, 3, 4))
    r = check_eager("norm", [x], ord=ord_, axis=axis, keepdims=keepdims, out_dtype=out_dtype)
    ax = axis if axis is not None else (0, 1, 2)
    want = (np.abs(x.asnumpy()).sum(ax, keepdims=keepdims) if ord_ == 1 else
            np.sqrt((x.asnumpy() ** 2).sum(ax, keepdims=keepdims)))
    np.testing.assert_allclose(r.asnumpy().astype(np.float64), np.reshape(want, r.shape), rtol=2e-3)


def test_norm_errors():
    with pytest.raises(ValueError, match="norm: ord must be 1 or 2"):
        infer("norm", [(2, 3)], ["float32"], ord=3)
    with pytest.raises(IndexError, match="norm: axis 2"):
        infer("norm", [(2, 3)], ["float32"], axis=2)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (None, True), (0, False), (1, True), (-1, False)])
def test_arg(name, axis, keepdims):
    x = arr((3, 4), "float64")
    r = check_eager(name, [x], axis=axis, keepdims=keepdims)
    want = getattr(np, name)(x.asnumpy(), axis=axis)
    np.testing.assert_array_equal(r.asnumpy().ravel(), np.ravel(want))
    # MXNet 1.9.1: argmax(a) of (2, 3) is (1,), keepdims gives (1, 1); its int32 index is
    # float32 here on purpose (MXNet's in-dtype index wraps for int8/bool, see arg_index_dtype)
    assert infer(name, [(2, 3)], ["int32"], keepdims=keepdims) == ([(1, 1) if keepdims else (1,)], ["float32"])


def test_arg_errors():
    with pytest.raises(TypeError, match=r"argmax: axis must be an int or None, got \(1,\)"):
        infer("argmax", [(2, 3)], ["float32"], axis=(1,))
    with pytest.raises(IndexError, match="argmin: axis 5"):
        infer("argmin", [(2, 3)], ["float32"], axis=5)
    with pytest.raises(ValueError, match=r"argmax: cannot take argmax of an array of shape \(0, 3\)"):
        infer("argmax", [(0, 3)], ["float32"])


def test_argmax_channel():
    for shape in [(2, 3, 4), (5,), (3, 1)]:
        x = arr(shape)
        r = check_eager("argmax_channel", [x])
        np.testing.assert_array_equal(r.asnumpy().ravel(), np.argmax(x.asnumpy(), -1).ravel())
    # MXNet 1.9.1: argmax_channel of (2, 3) is (2,); its infer_shape gives (1,) for (5,)
    # (gluonx reduces the last axis; MXNet reduces axis 1, the same axis for 2-D data)
    assert infer("argmax_channel", [(2, 3)], ["float32"]) == ([(2,)], ["float32"])
    assert infer("argmax_channel", [(5,)], ["float32"]) == ([(1,)], ["float32"])
    with pytest.raises(IndexError, match="argmax_channel: axis -1"):
        infer("argmax_channel", [()], ["float32"])
    with pytest.raises(ValueError, match="argmax_channel: cannot take argmax"):
        infer("argmax_channel", [(3, 0)], ["float32"])


def test_bad_attributes_name_the_op():
    with pytest.raises(MXNetError, match="Operator sum got an unexpected attribute 'axes'"):
        get_op("sum").parse_attrs({"axes": 1})
