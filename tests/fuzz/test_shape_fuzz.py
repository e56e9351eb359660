"""Shape, indexing and product operators against NumPy on drawn shapes (rank 0-6,
zero-size dims), attributes and strided views; numeric gradients through them."""
from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings, strategies as st

import gluonx as mx
from gluonx.test_utils import check_numeric_gradient

from strategies import assert_close, call_ok_or_mxerror, np_data, per_op_examples, shapes, view_of

DTYPES = ("float32", "float64", "int32", "int8", "uint8", "bool", "float16")


def _mxshape(want, got):
    """MXNet gives (1,) where NumPy gives a 0-d result of some ops."""
    want = np.asarray(want)
    return want.reshape(1) if want.ndim == 0 and got.shape == (1,) else want


@st.composite
def shape_case(draw):
    """(op name, numpy input, kwargs for mx, numpy reference function)."""
    name = draw(st.sampled_from(sorted(_CASES)))
    shape = draw(shapes(*_CASES[name][0]))
    return name, shape, _CASES[name][1](draw, shape)


def _transpose(draw, s):
    axes = tuple(draw(st.permutations(range(len(s))))) if s else ()
    return {"axes": axes}, lambda a: np.transpose(a, axes or None)


def _reshape(draw, s):
    n = int(np.prod(s))
    assume(n)      # MXNet's reshape codes read a 0 as "copy a dim": an empty target is not expressible
    first = draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
    return {"shape": (first, -1)}, lambda a: a.reshape(first, -1)


def _flip(draw, s):
    ax = draw(st.integers(-len(s), len(s) - 1))
    return {"axis": ax}, lambda a: np.flip(a, ax)


def _expand_dims(draw, s):
    ax = draw(st.integers(-len(s) - 1, len(s)))
    return {"axis": ax}, lambda a: np.expand_dims(a, ax)


def _squeeze(draw, s):
    ones = [i for i, d in enumerate(s) if d == 1]
    ax = tuple(draw(st.lists(st.sampled_from(ones), unique=True, min_size=1))) if ones and draw(st.booleans()) \
        else None
    return {"axis": ax}, lambda a: np.squeeze(a, ax)


def _swapaxes(draw, s):
    d1, d2 = draw(st.integers(0, len(s) - 1)), draw(st.integers(0, len(s) - 1))
    return {"dim1": d1, "dim2": d2}, lambda a: np.swapaxes(a, d1, d2)


def _tile(draw, s):
    reps = tuple(draw(st.lists(st.integers(0, 3), min_size=1, max_size=4)))
    return {"reps": reps}, lambda a: np.tile(a, reps)


def _repeat(draw, s):
    r = draw(st.integers(0, 3))
    ax = draw(st.one_of(st.none(), st.integers(-len(s), len(s) - 1))) if s else None
    return {"repeats": r, "axis": ax}, lambda a: np.repeat(a, r, axis=ax)


def _slice_axis(draw, s):
    ax = draw(st.integers(-len(s), len(s) - 1))
    n = s[ax]
    b = draw(st.integers(-n, n)) if n else 0
    e = draw(st.one_of(st.none(), st.integers(-n, n))) if n else None
    if n and (b % n if b < 0 else b) > ((e % n if e < 0 else e) if e is not None else n):
        e = None
    sl = [slice(None)] * len(s)
    sl[ax] = slice(b, e)
    return {"axis": ax, "begin": b, "end": e}, lambda a: a[tuple(sl)]


def _slice(draw, s):
    k = draw(st.integers(1, len(s)))
    begin, end, step, sl = [], [], [], []
    for d in s[:k]:
        st_ = draw(st.sampled_from((1, 2, -1)))
        b = draw(st.one_of(st.none(), st.integers(-d, d))) if d else None
        e = draw(st.one_of(st.none(), st.integers(-d, d))) if d else None
        begin.append(b)
        end.append(e)
        step.append(st_)
        sl.append(slice(b, e, st_))
    return {"begin": tuple(begin), "end": tuple(end), "step": tuple(step)}, lambda a: a[tuple(sl)]


def _broadcast_to(draw, s):
    target = tuple(draw(st.integers(1, 3)) if d == 1 else d for d in s)
    # MXNet: a 0 in the target keeps the input's dim
    given_ = tuple(0 if t == d and draw(st.integers(0, 3)) == 0 else t for t, d in zip(target, s))
    return {"shape": given_}, lambda a: np.broadcast_to(a, target)


def _broadcast_axis(draw, s):
    ones = [i for i, d in enumerate(s) if d == 1]
    assume(ones)
    ax = draw(st.sampled_from(ones))
    n = draw(st.integers(0, 3))
    return {"axis": ax, "size": n}, lambda a: np.repeat(a, n, axis=ax)


def _flatten(draw, s):
    return {}, lambda a: a.reshape(a.shape[0], -1) if a.ndim >= 1 and a.shape[0] else a.reshape(
        (a.shape[0] if a.ndim else 1, int(np.prod(a.shape[1:])) if a.ndim > 1 else 1))


def _pad(draw, s):
    widths = tuple(draw(st.integers(0, 2)) for _ in range(2 * (len(s) - 2)))
    mode = draw(st.sampled_from(("constant", "edge", "reflect")))
    pw = [(0, 0), (0, 0)] + [(widths[2 * i], widths[2 * i + 1]) for i in range(len(s) - 2)]
    if mode == "reflect":
        assume(all(max(p) < d for p, d in zip(pw[2:], s[2:])))
    if mode != "constant":
        assume(all(d > 0 for d in s[2:]))
    return ({"mode": mode, "pad_width": (0, 0, 0, 0) + widths, "constant_value": 1.5},
            lambda a: np.pad(a, pw, mode=mode, **({"constant_values": 1.5} if mode == "constant" else {})))


def _depth_to_space(draw, s):
    b = draw(st.integers(1, 2))
    assume(s[1] % (b * b) == 0)

    def ref(a):
        n, c, h, w = a.shape
        return a.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2).reshape(n, c // (b * b), h * b, w * b)
    return {"block_size": b}, ref


def _space_to_depth(draw, s):
    b = draw(st.integers(1, 2))
    assume(s[2] % b == 0 and s[3] % b == 0)

    def ref(a):
        n, c, h, w = a.shape
        return a.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4).reshape(n, c * b * b, h // b, w // b)
    return {"block_size": b}, ref


# name: ((min_rank, max_rank, min_side, max_side, max_size), draw kwargs -> (kwargs, numpy reference))
_CASES = {
    "transpose": ((0, 6, 0, 3, 256), _transpose), "reshape": ((0, 5, 0, 4, 128), _reshape),
    "flip": ((1, 5, 0, 4, 128), _flip), "expand_dims": ((0, 5, 0, 4, 128), _expand_dims),
    "squeeze": ((0, 5, 0, 3, 128), _squeeze), "swapaxes": ((1, 5, 0, 4, 128), _swapaxes),
    "tile": ((0, 3, 0, 3, 27), _tile), "repeat": ((0, 4, 0, 3, 64), _repeat),
    "slice_axis": ((1, 5, 0, 4, 128), _slice_axis), "slice": ((1, 5, 0, 5, 128), _slice),
    "broadcast_to": ((0, 5, 0, 3, 64), _broadcast_to), "broadcast_axis": ((1, 4, 1, 3, 64), _broadcast_axis),
    "flatten": ((1, 5, 0, 4, 128), _flatten), "pad": ((3, 5, 0, 3, 128), _pad),
    "depth_to_space": ((4, 4, 1, 4, 128), _depth_to_space), "space_to_depth": ((4, 4, 1, 4, 128), _space_to_depth),
}


@settings(max_examples=per_op_examples(1) * 2)
@given(shape_case(), st.sampled_from(DTYPES), st.data())
def test_shape_op_vs_numpy(case, dtype, data):
    name, shape, (kwargs, ref) = case
    if name == "pad":
        dtype = data.draw(st.sampled_from(("float32", "float64")))
    a = np_data(data.draw, shape, dtype)
    ok, got = call_ok_or_mxerror(getattr(mx.nd, name), data.draw(view_of(a)), **kwargs)
    assert ok, got
    assert_close(got, _mxshape(ref(a), got), dtype, "%s%s %r" % (name, shape, kwargs))


@settings(max_examples=per_op_examples(2))
@given(st.lists(shapes(0, 4, 0, 3, 64), min_size=1, max_size=1), st.integers(1, 3), st.sampled_from(DTYPES),
       st.data())
def test_concat_stack_split_vs_numpy(base, n, dtype, data):
    shape = base[0]
    arrs = [np_data(data.draw, shape, dtype) for _ in range(n)]
    views = [data.draw(view_of(a)) for a in arrs]
    ax = data.draw(st.integers(-len(shape) - 1, len(shape)))
    assert_close(mx.nd.stack(*views, axis=ax), np.stack(arrs, axis=ax), dtype, "stack")
    if shape:
        dim = data.draw(st.integers(-len(shape), len(shape) - 1))
        assert_close(mx.nd.concat(*views, dim=dim), np.concatenate(arrs, axis=dim), dtype, "concat")
        k = data.draw(st.sampled_from([d for d in range(1, shape[dim] + 1) if shape[dim] % d == 0] or [1]))
        ok, parts = call_ok_or_mxerror(mx.nd.split, views[0], num_outputs=k, axis=dim)
        if shape[dim] == 0:
            return
        assert ok, parts
        parts = parts if isinstance(parts, (list, tuple)) else [parts]
        for p, w in zip(parts, np.split(arrs[0], k, axis=dim)):
            assert_close(p, w, dtype, "split")


@settings(max_examples=per_op_examples(1))
@given(shapes(1, 4, 0, 4, 64), st.sampled_from(("float32", "float64", "int32")), st.sampled_from(("clip", "wrap")),
       st.data())
def test_indexing_vs_numpy(shape, dtype, mode, data):
    """take / pick / one_hot / gather_nd with indices in and out of range."""
    a = np_data(data.draw, shape, dtype)
    x = data.draw(view_of(a))
    ax = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[ax]
    idx = np.array(data.draw(st.lists(st.integers(-5, 8), max_size=6)), dtype=np.float32)
    ok, got = call_ok_or_mxerror(mx.nd.take, x, mx.nd.array(idx), axis=ax, mode=mode)
    if n == 0:
        return
    assert ok, got
    ii = idx.astype(np.int64)
    ii = np.clip(ii, 0, n - 1) if mode == "clip" else np.mod(ii, n)
    assert_close(got, np.take(a, ii, axis=ax), dtype, "take")
    # pick: one index per position along `ax`
    pshape = shape[:ax % len(shape)] + shape[ax % len(shape) + 1:]
    pidx = np.random.default_rng(data.draw(st.integers(0, 99))).integers(-2, n + 2, pshape).astype(np.float32)
    got = mx.nd.pick(x, mx.nd.array(pidx), axis=ax, mode=mode)
    pi = pidx.astype(np.int64)
    pi = np.clip(pi, 0, n - 1) if mode == "clip" else np.mod(pi, n)
    want = np.take_along_axis(a, np.expand_dims(pi, ax), axis=ax).squeeze(ax)
    assert_close(got, _mxshape(want, got), dtype, "pick")
    depth = data.draw(st.integers(0, 5))
    oh = mx.nd.one_hot(mx.nd.array(idx), depth=depth)
    want = (idx[:, None].astype(np.int64) == np.arange(depth)[None, :]).astype(np.float32)
    assert_close(oh, want, "float32", "one_hot")
    # gather_nd: in-range indices of the leading axes
    k = data.draw(st.integers(1, len(shape)))
    assume(all(d > 0 for d in shape[:k]))
    m = data.draw(st.integers(0, 4))
    rng = np.random.default_rng(m)
    gi = np.stack([rng.integers(0, shape[j], m) for j in range(k)]).astype(np.float32)
    assert_close(mx.nd.gather_nd(x, mx.nd.array(gi)), a[tuple(gi.astype(np.int64))], dtype, "gather_nd")


@settings(max_examples=per_op_examples(2))
@given(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4), st.integers(0, 3), st.booleans(), st.booleans(),
       st.sampled_from(("float32", "float64")), st.data())
def test_dot_batch_dot_vs_numpy(m, k, n, b, ta, tb, dtype, data):
    A = np_data(data.draw, (k, m) if ta else (m, k), dtype, special=False)
    B = np_data(data.draw, (n, k) if tb else (k, n), dtype, special=False)
    want = (A.T if ta else A).astype(np.float64) @ (B.T if tb else B).astype(np.float64)
    got = mx.nd.dot(data.draw(view_of(A)), data.draw(view_of(B)), transpose_a=ta, transpose_b=tb)
    assert_close(got, want, dtype, "dot", 10)
    bA = np.stack([A] * b) if b else np.zeros((0,) + A.shape, dtype)
    bB = np.stack([B] * b) if b else np.zeros((0,) + B.shape, dtype)
    got = mx.nd.batch_dot(mx.nd.array(bA, dtype=dtype), mx.nd.array(bB, dtype=dtype), transpose_a=ta, transpose_b=tb)
    assert_close(got, np.stack([want] * b) if b else np.zeros((0, m, n)), dtype, "batch_dot", 10)
    ok, _ = call_ok_or_mxerror(mx.nd.dot, mx.nd.ones((m, k + 1)), mx.nd.ones((k + 2, n)))
    assert not ok     # mismatched inner dims are an error


_GRAD_SHAPE = ("transpose", "flip", "expand_dims", "swapaxes", "tile", "repeat", "slice_axis", "slice",
               "broadcast_to", "pad", "reshape")


@settings(max_examples=per_op_examples(1))
@given(shape_case(), st.integers(0, 2 ** 16))
def test_shape_op_gradient(case, seed):
    name, shape, (kwargs, _) = case
    assume(int(np.prod(shape)) <= 48)
    x = np.random.default_rng(seed).uniform(-1, 1, shape)
    check_numeric_gradient(lambda v: getattr(mx.nd, name)(v, **kwargs) * 1.5, [x], numeric_eps=1e-6, rtol=1e-5,
                           atol=1e-7)


COVERED = set(_CASES) | {"stack", "concat", "split", "take", "pick", "one_hot", "gather_nd", "dot", "batch_dot"}
