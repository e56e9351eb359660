"""Shape, indexing, creation and product operators against NumPy: transpose,
reshape, concat, stack, split, slice, flip, tile, repeat, pad, broadcast_to,
expand_dims, squeeze, swapaxes, take, pick, one_hot, gather_nd, zeros/ones/
full/arange/linspace/eye, dot and batch_dot, on drawn shapes (rank 0-6,
zero-size dims), every dtype, non-contiguous inputs and attribute values
in and out of range.  Out-of-range axes, repeats and indices must be clean
errors; values are exact (these ops copy) or within the dtype's tolerance.
"""
import numpy as np
from hypothesis import assume, given, settings, strategies as st

import gluonx as mx
from op_strategies import FLOATS, arrays, assert_close, clean_call, scaled, shapes

nd = mx.nd
N = scaled(2)


def _in(axis, ndim):
    return -ndim <= axis < ndim


@settings(max_examples=N)
@given(x=arrays(), data=st.data())
def test_transpose_and_swapaxes(x, data):
    a, an = x
    axes = data.draw(st.one_of(st.just(()), st.permutations(range(a.ndim)).map(tuple),
                               st.lists(st.integers(-7, 7), max_size=a.ndim + 1).map(tuple)), label="axes")
    ok, out = clean_call(nd.transpose, an, axes=axes)
    valid = axes == () or sorted(d % a.ndim if _in(d, a.ndim) else 99 for d in axes) == list(range(a.ndim))
    if not valid:
        assert not ok, "transpose accepted axes=%r of a %d-d array" % (axes, a.ndim)
    else:
        assert ok, out
        np.testing.assert_array_equal(out.asnumpy(), np.transpose(a, axes or None))
    d1, d2 = data.draw(st.integers(-7, 7), label="dim1"), data.draw(st.integers(-7, 7), label="dim2")
    ok, out = clean_call(nd.swapaxes, an, dim1=d1, dim2=d2)
    if _in(d1, a.ndim) and _in(d2, a.ndim):
        assert ok, out
        np.testing.assert_array_equal(out.asnumpy(), np.swapaxes(a, d1, d2))
    else:
        assert not ok, "swapaxes accepted %d, %d of a %d-d array" % (d1, d2, a.ndim)


@settings(max_examples=N)
@given(x=arrays(), data=st.data())
def test_reshape_expand_squeeze_flatten(x, data):
    a, an = x
    target = list(data.draw(st.permutations(a.shape), label="perm"))
    if target and data.draw(st.booleans(), label="minus1") and a.size:
        target[data.draw(st.integers(0, len(target) - 1), label="at")] = -1
    ok, out = clean_call(nd.reshape, an, shape=tuple(target))
    if target and 0 not in target:   # MXNet: shape=() is "no target", a 0 copies the input's dim
        assert ok, out
        np.testing.assert_array_equal(out.asnumpy(), a.reshape(tuple(target)))
    bad = data.draw(st.lists(st.integers(1, 5), min_size=1, max_size=3), label="bad")
    if int(np.prod(bad)) != a.size:
        assert not clean_call(nd.reshape, an, shape=tuple(bad))[0]
    axis = data.draw(st.integers(-8, 8), label="axis")
    ok, out = clean_call(nd.expand_dims, an, axis=axis)
    if -a.ndim - 1 <= axis <= a.ndim and a.ndim < 6:
        assert ok, out
        np.testing.assert_array_equal(out.asnumpy(), np.expand_dims(a, axis))
    elif not -a.ndim - 1 <= axis <= a.ndim:
        assert not ok, "expand_dims accepted axis=%d of a %d-d array" % (axis, a.ndim)
    ok, out = clean_call(nd.squeeze, an)
    assert ok, out
    want = np.squeeze(a)
    assert out.asnumpy().size == want.size
    np.testing.assert_array_equal(out.asnumpy().reshape(-1), want.reshape(-1))
    ok, out = clean_call(nd.flatten, an)
    if a.ndim >= 1:
        assert ok, out
        np.testing.assert_array_equal(out.asnumpy(), a.reshape(a.shape[0], int(np.prod(a.shape[1:])))
                                      if a.ndim > 1 else a.reshape(out.shape))


@settings(max_examples=N)
@given(shape=shapes(min_rank=1, max_size=128), n=st.integers(1, 3), dtype=st.sampled_from(["float32", "int32",
       "float16", "int8", "bool", "float64"]), dim=st.integers(-7, 7), data=st.data())
def test_concat_stack_split(shape, n, dtype, dim, data):
    parts = [data.draw(arrays(shape, dtype), label="part%d" % i) for i in range(n)]
    ok, out = clean_call(nd.concat, *[p[1] for p in parts], dim=dim)
    if _in(dim, len(shape)):
        assert ok, out
        np.testing.assert_array_equal(out.asnumpy(), np.concatenate([p[0] for p in parts], axis=dim))
    else:
        assert not ok, "concat accepted dim=%d of %d-d arrays" % (dim, len(shape))
    ok, out = clean_call(nd.stack, *[p[1] for p in parts], axis=dim)
    if -len(shape) - 1 <= dim <= len(shape):
        assert ok, out
        np.testing.assert_array_equal(out.asnumpy(), np.stack([p[0] for p in parts], axis=dim))
    else:
        assert not ok, "stack accepted axis=%d of %d-d arrays" % (dim, len(shape))
    a, an = parts[0]
    k = data.draw(st.integers(-1, 4), label="num_outputs")
    squeeze = data.draw(st.booleans(), label="squeeze")
    ok, out = clean_call(nd.split, an, num_outputs=k, axis=dim, squeeze_axis=squeeze)
    if not _in(dim, a.ndim) or k < 1 or a.shape[dim] % k or (squeeze and a.shape[dim] != k):
        assert not ok, "split accepted num_outputs=%d axis=%d of %s" % (k, dim, a.shape)
        return
    assert ok, out
    outs = out if isinstance(out, (list, tuple)) else [out]
    want = np.split(a, k, axis=dim)
    for o, w in zip(outs, want):
        np.testing.assert_array_equal(o.asnumpy(), np.squeeze(w, axis=dim) if squeeze else w)


_BOUND = st.one_of(st.none(), st.integers(-6, 6))


@settings(max_examples=N)
@given(x=arrays(shape=shapes(min_rank=1)), data=st.data())
def test_slice_slice_axis_flip(x, data):
    a, an = x
    n = data.draw(st.integers(1, a.ndim), label="n")
    begin = tuple(data.draw(_BOUND, label="b") for _ in range(n))
    end = tuple(data.draw(_BOUND, label="e") for _ in range(n))
    step = tuple(data.draw(st.sampled_from([None, 1, 2, -1, -2, 0]), label="s") for _ in range(n))
    ok, out = clean_call(nd.slice, an, begin=begin, end=end, step=step)
    if 0 in step:
        assert not ok, "slice accepted step 0"
    elif ok:       # out-of-range bounds may be refused (MXNet) or clipped; a result is NumPy's
        key = tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))
        np.testing.assert_array_equal(out.asnumpy(), a[key])
    axis, b, e = data.draw(st.integers(-7, 7)), data.draw(st.integers(-6, 6)), data.draw(_BOUND)
    ok, out = clean_call(nd.slice_axis, an, axis=axis, begin=b, end=e)
    if not _in(axis, a.ndim):
        assert not ok, "slice_axis accepted axis=%d of a %d-d array" % (axis, a.ndim)
    elif ok:
        np.testing.assert_array_equal(out.asnumpy(), np.take(a, range(a.shape[axis])[b:e], axis=axis))
    axes = data.draw(st.one_of(st.integers(-7, 7), st.lists(st.integers(-7, 7), max_size=3).map(tuple)))
    ok, out = clean_call(nd.flip, an, axis=axes)
    seq = (axes,) if isinstance(axes, int) else axes
    if all(_in(d, a.ndim) for d in seq) and len({d % a.ndim for d in seq}) == len(seq):
        assert ok, out
        np.testing.assert_array_equal(out.asnumpy(), np.flip(a, seq) if seq else a)
    elif not all(_in(d, a.ndim) for d in seq):
        assert not ok, "flip accepted axis=%r of a %d-d array" % (axes, a.ndim)


@settings(max_examples=N)
@given(x=arrays(shape=shapes(max_size=64)), reps=st.lists(st.integers(-1, 3), max_size=5).map(tuple),
       repeats=st.integers(-2, 3), axis=st.one_of(st.none(), st.integers(-7, 7)))
def test_tile_repeat(x, reps, repeats, axis):
    a, an = x
    ok, out = clean_call(nd.tile, an, reps=reps)
    if any(r < 0 for r in reps):
        assert not ok, "tile accepted reps=%r" % (reps,)
    else:
        assert ok, out
        np.testing.assert_array_equal(out.asnumpy(), np.tile(a, reps))
    ok, out = clean_call(nd.repeat, an, repeats=repeats, axis=axis)
    if repeats < 0 or (axis is not None and not _in(axis, a.ndim)):
        assert not ok, "repeat accepted repeats=%d axis=%r of %s" % (repeats, axis, a.shape)
    elif ok:
        np.testing.assert_array_equal(out.asnumpy(), np.repeat(a, repeats, axis=axis))


@settings(max_examples=N)
@given(x=arrays(shape=shapes(min_rank=4, max_rank=5, max_size=128), dtype=st.sampled_from(FLOATS)),
       widths=st.lists(st.integers(-1, 2), min_size=6, max_size=10), mode=st.sampled_from(["constant", "edge",
                                                                                            "reflect", "x"]),
       value=st.sampled_from([0.0, 1.5, float("nan")]))
def test_pad(x, widths, mode, value):
    a, an = x
    pw = tuple(widths[:2 * a.ndim]) if len(widths) >= 2 * a.ndim else tuple(widths)
    ok, out = clean_call(nd.pad, an, mode=mode, pad_width=pw, constant_value=value)
    valid = (len(pw) == 2 * a.ndim and pw[:4] == (0, 0, 0, 0) and min(pw) >= 0 and mode != "x")
    if not valid:
        assert not ok or (len(pw) == 2 * a.ndim and mode != "x" and min(pw) >= 0), \
            "pad accepted pad_width=%r mode=%r of %s" % (pw, mode, a.shape)
        return
    if not ok:
        return        # reflect wider than the axis, or an empty axis: refused
    pairs = [(pw[2 * i], pw[2 * i + 1]) for i in range(a.ndim)]
    want = np.pad(a, pairs, mode="constant", constant_values=value) if mode == "constant" else \
        np.pad(a, pairs, mode=mode)
    assert_close(out, want, a.dtype.name, what="pad")


@settings(max_examples=N)
@given(x=arrays(shape=shapes(max_rank=4, max_side=3)), data=st.data())
def test_broadcast_to_like_axis(x, data):
    a, an = x
    # MXNet's broadcast_to keeps the rank, and a 0 in the target keeps the input's dim
    target = tuple(d if d != 1 else data.draw(st.integers(0, 3)) for d in a.shape)
    ok, out = clean_call(nd.broadcast_to, an, shape=target)
    assert ok, out
    want = tuple(t if t else d for t, d in zip(target, a.shape))
    np.testing.assert_array_equal(out.asnumpy(), np.broadcast_to(a, want))
    lead = tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    assert not clean_call(nd.broadcast_to, an, shape=lead + target)[0]
    if a.ndim and any(d > 1 for d in a.shape):
        wrong = tuple(d + 1 if d > 1 else d for d in a.shape)
        assert not clean_call(nd.broadcast_to, an, shape=wrong)[0]


@settings(max_examples=N)
@given(a=arrays(shape=shapes(min_rank=1, max_size=64)), idx=arrays(shape=shapes(max_rank=3, max_size=16),
       dtype=st.sampled_from(["float32", "int32", "int64", "int8", "uint8", "float64"]), lo=-6, hi=6),
       axis=st.integers(-7, 7), mode=st.sampled_from(["clip", "wrap", "raise", "x"]))
def test_take_and_one_hot(a, idx, axis, mode):
    (x, xn), (i, inn) = a, idx
    ok, out = clean_call(nd.take, xn, inn, axis=axis, mode=mode)
    if not _in(axis, x.ndim) or mode == "x":
        assert not ok, "take accepted axis=%d mode=%r of %s" % (axis, mode, x.shape)
    elif ok and x.shape[axis]:
        n = x.shape[axis]
        ii = np.trunc(i.astype(np.float64)).astype(np.int64)   # float indices truncate, as MXNet casts
        j = np.clip(ii, 0, n - 1) if mode == "clip" else np.mod(ii, n)
        if mode != "raise" or np.all((ii >= 0) & (ii < n)):
            np.testing.assert_array_equal(out.asnumpy(), np.take(x, j, axis=axis))
    depth = int(i.size % 5) - 1
    ok, out = clean_call(nd.one_hot, inn, depth=depth)
    if depth < 0:
        assert not ok, "one_hot accepted depth=%d" % depth
    elif ok:
        ii = i.astype(np.float64).astype(np.int64)
        want = (ii[..., None] == np.arange(depth)).astype(np.float32)
        np.testing.assert_array_equal(out.asnumpy(), want)


@settings(max_examples=N)
@given(x=arrays(shape=shapes(min_rank=1, max_rank=4, max_size=64), dtype=st.sampled_from(["float32", "int32"])),
       axis=st.integers(-5, 5), keepdims=st.booleans(), mode=st.sampled_from(["clip", "wrap", "x"]), data=st.data())
def test_pick(x, axis, keepdims, mode, data):
    a, an = x
    if not _in(axis, a.ndim):
        assert not clean_call(nd.pick, an, nd.zeros((1,)), axis=axis)[0]
        return
    ishape = a.shape[:axis % a.ndim] + a.shape[axis % a.ndim + 1:]
    i, inn = data.draw(arrays(ishape, "float32", kinds=("int",), lo=-4, hi=6), label="index")
    ok, out = clean_call(nd.pick, an, inn, axis=axis, keepdims=keepdims, mode=mode)
    if mode == "x":
        assert not ok
        return
    if not ok or a.shape[axis] == 0:
        return
    n = a.shape[axis]
    j = np.clip(i.astype(np.int64), 0, n - 1) if mode == "clip" else np.mod(i.astype(np.int64), n)
    want = np.take_along_axis(a, np.expand_dims(j, axis % a.ndim), axis=axis % a.ndim)
    want = want if keepdims else np.squeeze(want, axis=axis % a.ndim)
    np.testing.assert_array_equal(out.asnumpy(), want)


@settings(max_examples=N)
@given(x=arrays(shape=shapes(min_rank=1, max_rank=4, max_size=64)), m=st.integers(1, 3), data=st.data())
def test_gather_nd(x, m, data):
    a, an = x
    assume(m <= a.ndim)
    ishape = (m,) + tuple(data.draw(st.lists(st.integers(0, 3), max_size=2)))
    i, inn = data.draw(arrays(ishape, "int32", kinds=("int",), lo=-5, hi=5), label="idx")
    ok, out = clean_call(nd.gather_nd, an, inn)
    inside = np.all([(i[k] >= -a.shape[k]) & (i[k] < a.shape[k]) for k in range(m)]) if i.size else True
    if ok and inside:
        want = a[tuple(i[k] for k in range(m))]
        np.testing.assert_array_equal(out.asnumpy(), want)


@settings(max_examples=N)
@given(shape=st.one_of(shapes(max_size=64), st.lists(st.integers(-3, 3), max_size=3).map(tuple)),
       dtype=st.sampled_from(["float32", "float64", "int32", "int8", "uint8", "int64", "float16", "bool"]),
       value=st.sampled_from([0.0, -1.5, 7.0, float("nan"), float("inf")]))
def test_creation(shape, dtype, value):
    neg = any(d < 0 for d in shape)
    for name, want in (("zeros", 0), ("ones", 1), ("empty", None)):
        ok, out = clean_call(getattr(nd, name), shape, dtype=dtype)
        assert ok != neg, (name, shape, out)
        if ok:
            assert out.shape == shape and np.dtype(out.dtype) == np.dtype(np.bool_ if dtype == "bool" else dtype)
            if want is not None:
                np.testing.assert_array_equal(out.asnumpy(), np.full(shape, want, dtype=out.dtype))
    ok, out = clean_call(nd.full, shape, value, dtype=dtype)
    assert ok != neg, (shape, out)
    if ok and dtype in FLOATS:
        np.testing.assert_array_equal(out.asnumpy(), np.full(shape, value, dtype=dtype))


@settings(max_examples=N)
@given(start=st.integers(-5, 5), stop=st.one_of(st.none(), st.integers(-5, 9)), step=st.sampled_from([1, 2, -1, 0.5, 0]),
       num=st.integers(-1, 6), endpoint=st.booleans(), n=st.integers(-1, 4), m=st.integers(-1, 4),
       k=st.integers(-4, 4), dtype=st.sampled_from(["float32", "float64", "int32"]))
def test_arange_linspace_eye(start, stop, step, num, endpoint, n, m, k, dtype):
    ok, out = clean_call(nd.arange, start, stop, step, dtype=dtype)
    if step == 0:
        assert not ok, "arange accepted step 0"
    elif ok and (dtype != "int32" or float(step).is_integer()):
        want = np.arange(start, stop, step) if stop is not None else np.arange(0, start, step)
        assert_close(out, want.astype(dtype), dtype, what="arange")
    ok, out = clean_call(nd.linspace, start, 5, num, endpoint=endpoint, dtype="float64")
    if num < 0:
        assert not ok, "linspace accepted num=%d" % num
    elif ok:
        assert_close(out, np.linspace(start, 5, num, endpoint=endpoint), "float64", what="linspace")
    ok, out = clean_call(nd.eye, n, m, k, dtype=dtype)
    if n < 0 or m < 0:
        assert not ok, "eye accepted N=%d M=%d" % (n, m)
    elif ok:
        np.testing.assert_array_equal(out.asnumpy(), np.eye(n, m or n, k, dtype=dtype))


@settings(max_examples=N)
@given(m=st.integers(0, 4), k=st.integers(0, 4), n=st.integers(0, 4), b=st.integers(0, 3),
       ta=st.booleans(), tb=st.booleans(), dtype=st.sampled_from(FLOATS + ("int32",)), data=st.data())
def test_dot_and_batch_dot(m, k, n, b, ta, tb, dtype, data):
    ashape, bshape = ((k, m) if ta else (m, k)), ((n, k) if tb else (k, n))
    a, an = data.draw(arrays(ashape, dtype, kinds=("normal", "int")), label="a")
    c, cn = data.draw(arrays(bshape, dtype, kinds=("normal", "int")), label="b")
    ok, out = clean_call(nd.dot, an, cn, transpose_a=ta, transpose_b=tb)
    if ok:
        want = (a.T if ta else a).astype(np.float64) @ (c.T if tb else c).astype(np.float64)
        assert_close(out, want, dtype, rtol=1e-2 if dtype == "float16" else 1e-5, atol=5e-2 if dtype == "float16"
                     else 1e-5, what="dot")
    else:
        assert dtype not in ("float32", "float64"), out
    x, xn = data.draw(arrays((b,) + ashape, dtype, kinds=("normal", "int")), label="ba")
    y, yn = data.draw(arrays((b,) + bshape, dtype, kinds=("normal", "int")), label="bb")
    ok, out = clean_call(nd.batch_dot, xn, yn, transpose_a=ta, transpose_b=tb)
    if ok:
        xa = np.swapaxes(x, 1, 2) if ta else x
        ya = np.swapaxes(y, 1, 2) if tb else y
        assert_close(out, np.matmul(xa.astype(np.float64), ya.astype(np.float64)), dtype,
                     rtol=1e-2 if dtype == "float16" else 1e-5, atol=5e-2 if dtype == "float16" else 1e-5,
                     what="batch_dot")
    bad = data.draw(arrays((k + 1, n), dtype), label="bad")[1]
    if not ta and not tb:
        assert not clean_call(nd.dot, an, bad)[0]
