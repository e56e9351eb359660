"""Shape/dtype rules of creation, random, sorting and linear-algebra operators:
the rule gives exactly what the eager call returns, linalg_gemm infers C
backwards as MXNet 1.9.1 does, samplers take shape/dtype from out=, and bad
inputs raise errors naming the operator."""
import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError
from gluonx.ops.registry import get_op
from infer_check import check_eager, rule_outputs as infer


def arr(shape, dtype="float32", seed=0):
    return mx.nd.array(np.random.default_rng(seed).uniform(-1, 1, size=shape), dtype=dtype)


# ---- creation ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,attrs", [
    ("zeros", {"shape": (2, 3)}), ("zeros", {"shape": 4, "dtype": "int32"}), ("ones", {"shape": (0, 2)}),
    ("ones", {"shape": (2,), "dtype": "float16"}), ("full", {"shape": (2, 3), "val": 5}),
    ("full", {"shape": (), "val": 2, "dtype": "int64"}), ("empty", {"shape": (3, 1)}),
    ("arange", {"start": 3}), ("arange", {"start": 0, "stop": 10, "step": 3, "repeat": 2}),
    ("arange", {"start": 0.5, "stop": 3.2, "step": 0.7, "dtype": "float64"}), ("arange", {"start": 5, "stop": 1}),
    ("linspace", {"start": 0, "stop": 1, "num": 5}), ("linspace", {"start": 0, "stop": 1, "num": 0}),
    ("eye", {"N": 3, "k": 1}), ("eye", {"N": 2, "M": 4, "k": -1, "dtype": "int32"}),
])
def test_creation(name, attrs):
    r = check_eager(name, [], **attrs)
    assert r.context == mx.current_context()


def test_creation_values_match_mxnet_shapes():
    # MXNet 1.9.1 infer_shape: arange(0, 10, 3, repeat=2) -> (8,), arange(0.5, 3.2, 0.7) -> (4,),
    # linspace(0, 1, 5) -> (5,), eye(3, k=1) -> (3, 3), full((2, 3), 5) -> (2, 3)
    assert infer("arange", [], [], start=0, stop=10, step=3, repeat=2) == ([(8,)], ["float32"])
    assert infer("arange", [], [], start=0.5, stop=3.2, step=0.7) == ([(4,)], ["float32"])
    assert infer("linspace", [], [], start=0, stop=1, num=5) == ([(5,)], ["float32"])
    assert infer("eye", [], [], N=3, k=1) == ([(3, 3)], ["float32"])
    assert infer("zeros", [], [], shape=(2,), dtype="int32") == ([(2,)], ["int32"])
    np.testing.assert_array_equal(mx.nd.arange(0, 4, repeat=2).asnumpy(), [0, 0, 1, 1, 2, 2, 3, 3])
    np.testing.assert_array_equal(mx.nd.eye(2, 3, 1).asnumpy(), np.eye(2, 3, 1))
    np.testing.assert_allclose(mx.nd.linspace(0, 1, 5).asnumpy(), np.linspace(0, 1, 5))


def test_creation_ctx_and_out():
    z = mx.nd.zeros((2,), ctx=mx.cpu(0))
    assert z.context == mx.cpu(0)
    o = mx.nd.ones((2, 3))
    assert mx.nd.zeros((2, 3), out=o) is o and o.asnumpy().sum() == 0   # out= is written
    with pytest.raises(ValueError, match="zeros: out= has shape"):
        mx.nd.zeros((3,), out=o)


@pytest.mark.parametrize("name,attrs", [("zeros_like", {}), ("ones_like", {}), ("full_like", {"fill_value": 7})])
@pytest.mark.parametrize("dtype", ["float32", "int32", "float64"])
def test_like(name, attrs, dtype):
    r = check_eager(name, [arr((2, 3), dtype)], **attrs)
    np.testing.assert_array_equal(r.asnumpy(), np.full((2, 3), {"zeros_like": 0, "ones_like": 1}.get(name, 7)))


def test_creation_errors():
    with pytest.raises(ValueError, match=r"zeros: negative dimension in shape \(2, -1\)"):
        infer("zeros", [], [], shape=(2, -1))
    with pytest.raises(ValueError, match="arange: step must not be 0"):
        infer("arange", [], [], start=0, stop=3, step=0)
    with pytest.raises(ValueError, match="arange: repeat must be positive"):
        infer("arange", [], [], start=3, repeat=0)
    with pytest.raises(ValueError, match="linspace: num must be non-negative"):
        infer("linspace", [], [], start=0, stop=1, num=-1)
    with pytest.raises(ValueError, match="eye: N and M must be non-negative"):
        infer("eye", [], [], N=-1)
    with pytest.raises(MXNetError, match="zeros: missing required attribute 'shape'"):
        get_op("zeros").parse_attrs({})


# ---- random ----------------------------------------------------------------------------------

SAMPLERS = [("random_uniform", {"low": -1, "high": 2}), ("random_normal", {"loc": 1, "scale": 2}),
            ("random_randint", {"low": 0, "high": 5}), ("random_exponential", {"lam": 0.5}),
            ("random_gamma", {"alpha": 2, "beta": 1}), ("random_poisson", {"lam": 3})]


@pytest.mark.parametrize("name,params", SAMPLERS)
@pytest.mark.parametrize("extra", [{}, {"shape": (2, 3)}, {"shape": (0, 4)}, {"shape": 5, "dtype": "float64"},
                                   {"shape": (3,), "dtype": "int64"}])
def test_samplers(name, params, extra):
    ints = name in ("random_randint", "random_poisson")
    if extra.get("dtype") == "int64" and not ints or extra.get("dtype") == "float64" and name == "random_randint":
        return
    check_eager(name, [], **params, **extra)
    assert get_op(name).stateful


def test_sampler_rules_match_mxnet():
    # MXNet 1.9.1 infer_shape/infer_type: uniform(shape=(2, 3)) -> (2, 3) float32, randint -> int32,
    # poisson -> float32; gluonx gives (1,) where MXNet's shape stays unknown
    assert infer("random_uniform", [], [], shape=(2, 3)) == ([(2, 3)], ["float32"])
    assert infer("random_randint", [], [], low=0, high=4, shape=(2,)) == ([(2,)], ["int32"])
    assert infer("random_poisson", [], [], shape=(2,)) == ([(2,)], ["float32"])
    assert infer("random_normal", [], []) == ([(1,)], ["float32"])


def test_samplers_take_shape_dtype_from_out():
    mx.random.seed(4)
    want = mx.nd.random.uniform(shape=(2, 3), dtype="float64").asnumpy()
    mx.random.seed(4)
    o = mx.nd.zeros((2, 3), dtype="float64")
    assert mx.nd.random.uniform(out=o) is o
    np.testing.assert_array_equal(o.asnumpy(), want)
    o = mx.nd.zeros((4,), dtype="int64")
    r = mx.nd.random.randint(0, 3, out=o)
    assert r is o and o.asnumpy().max() < 3
    with pytest.raises(TypeError, match="random_normal: dtype must be one of"):
        mx.nd.random.normal(out=mx.nd.zeros((2,), dtype="int32"))
    with pytest.raises(ValueError, match="random_uniform: out= has shape"):
        mx.nd.random.uniform(shape=(3,), out=mx.nd.zeros((2,)))
    r = mx.nd.random.randn(2, 3, dtype="float64")     # randn: positional shape, the dynamic form
    assert r.shape == (2, 3) and r.dtype == np.float64 and get_op("random_randn").dynamic


def test_sampler_errors():
    with pytest.raises(ValueError, match="random_uniform: low must be <= high"):
        infer("random_uniform", [], [], low=3, high=1)
    with pytest.raises(ValueError, match="random_normal: shape must not have negative sizes"):
        infer("random_normal", [], [], shape=(-1, 2))
    with pytest.raises(TypeError, match="random_randint: dtype must be one of int32, int64, got float32"):
        infer("random_randint", [], [], low=0, high=5, dtype="float32")
    with pytest.raises(ValueError, match="random_randint: bounds .* do not fit int32"):
        infer("random_randint", [], [], low=0, high=2 ** 40)
    assert infer("random_randint", [], [], low=0, high=2 ** 40, dtype="int64")[1] == ["int64"]
    with pytest.raises(ValueError, match="random_gamma: alpha and beta must be > 0"):
        infer("random_gamma", [], [], alpha=0)


@pytest.mark.parametrize("shape,dtype", [((5, 3), "float32"), ((4,), "int64"), ((0, 2), "float64")])
def test_shuffle(shape, dtype):
    x = arr(shape, dtype)
    r = check_eager("shuffle", [x])
    np.testing.assert_array_equal(np.sort(r.asnumpy(), axis=0), np.sort(x.asnumpy(), axis=0))
    assert get_op("shuffle").stateful and get_op("shuffle").workspace


def test_shuffle_in_place():
    x = mx.nd.array(np.arange(6))
    assert mx.nd.random.shuffle(x, out=x) is x
    assert sorted(x.asnumpy().tolist()) == list(range(6))


@pytest.mark.parametrize("pshape,attrs", [((2, 4), {"shape": 3, "get_prob": True}), ((2, 4), {}), ((4,), {}),
                                          ((3, 2, 4), {"shape": (2, 2), "dtype": "int64"}),
                                          ((2, 4), {"get_prob": True, "dtype": "float32"})])
@pytest.mark.parametrize("pdtype", ["float32", "float64"])
def test_multinomial(pshape, attrs, pdtype):
    p = mx.nd.array(np.full(pshape, 1.0 / pshape[-1]), dtype=pdtype)
    check_eager("multinomial", [p], **attrs)


def test_multinomial_rules_match_mxnet():
    # MXNet 1.9.1: _sample_multinomial(a) of (2, 4) -> (2,), of (4,) -> (1,); get_prob=True adds a
    # second output with the data's dtype: [int32, float64] for float64 data
    assert infer("multinomial", [(2, 4)], ["float32"]) == ([(2,)], ["int32"])
    assert infer("multinomial", [(4,)], ["float32"]) == ([(1,)], ["int32"])
    assert infer("multinomial", [(2, 4)], ["float64"], shape=3, get_prob=True) == \
        ([(2, 3), (2, 3)], ["int32", "float64"])
    op = get_op("multinomial")
    assert op.output_count(op.parse_attrs({"get_prob": True})) == 2
    with pytest.raises(ValueError, match="multinomial: data must have shape"):
        infer("multinomial", [(2, 0)], ["float32"])
    with pytest.raises(TypeError, match="multinomial: probabilities must be float16/32/64, got int32"):
        infer("multinomial", [(2, 3)], ["int32"])


# ---- sorting -----------------------------------------------------------------------------------

@pytest.mark.parametrize("attrs", [{}, {"k": 2, "ret_typ": "value"}, {"k": 2, "ret_typ": "both", "dtype": "int32"},
                                   {"k": 3, "ret_typ": "mask", "axis": 0}, {"k": 0, "axis": 1},
                                   {"k": 4, "axis": None, "ret_typ": "both"}, {"k": 2, "axis": 0, "ret_typ": "value"},
                                   {"k": 1, "axis": -2, "ret_typ": "indices", "is_ascend": True}])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_topk(attrs, dtype):
    x = arr((3, 5, 2), dtype="float64")
    x = mx.nd.array(x.asnumpy() * 10, dtype=dtype)
    r = check_eager("topk", [x], **attrs)
    if attrs.get("ret_typ") == "value" and attrs.get("axis", -1) == 0:
        np.testing.assert_array_equal(r.asnumpy(), -np.sort(-x.asnumpy(), axis=0)[:2])


def test_topk_rules_match_mxnet():
    # MXNet 1.9.1: topk(a, k=2, ret_typ='both') of (3, 5) float64 -> [(3, 2), (3, 2)], [float64, float32];
    # axis=None -> (2,); k=0 -> every element (3, 5); output names output0/output1 for 'both' and
    # output0 for 'value' (it has a hidden second output there), output otherwise
    assert infer("topk", [(3, 5)], ["float64"], k=2, ret_typ="both") == ([(3, 2), (3, 2)], ["float64", "float32"])
    assert infer("topk", [(3, 5)], ["float32"], k=2, axis=None) == ([(2,)], ["float32"])
    assert infer("topk", [(3, 5)], ["float32"], k=0) == ([(3, 5)], ["float32"])
    op = get_op("topk")
    names = {t: op.output_names(op.parse_attrs({"ret_typ": t})) for t in ("both", "value", "indices", "mask")}
    assert names == {"both": ("output0", "output1"), "value": ("output0",), "indices": ("output",),
                     "mask": ("output",)}
    assert get_op("sort").output_names({}) == ("output0",) and get_op("argsort").output_names({}) == ("output",)


@pytest.mark.parametrize("axis", [-1, 0, None])
def test_sort_argsort(axis):
    x = arr((3, 4))
    r = check_eager("sort", [x], axis=axis, is_ascend=False)
    want = np.sort(x.asnumpy(), axis=axis)
    np.testing.assert_array_equal(r.asnumpy(), np.flip(want, axis=-1 if axis is None else axis))
    r = check_eager("argsort", [x], axis=axis, dtype="int64")
    np.testing.assert_array_equal(r.asnumpy(), np.argsort(x.asnumpy(), axis=axis, kind="stable"))
    # MXNet 1.9.1: sort(a, axis=None) of (3, 5) -> (15,); argsort keeps the shape, indices float32
    assert infer("sort", [(3, 5)], ["float64"], axis=None) == ([(15,)], ["float64"])
    assert infer("argsort", [(3, 5)], ["float64"]) == ([(3, 5)], ["float32"])


def test_sort_errors_and_out():
    with pytest.raises(ValueError, match="topk: k=6 exceeds the length 5"):
        infer("topk", [(3, 5)], ["float32"], k=6)
    with pytest.raises(IndexError, match=r"sort: axis 2 is out of range for an array of shape \(3, 5\)"):
        infer("sort", [(3, 5)], ["float32"], axis=2)
    with pytest.raises(TypeError, match="argsort: axis must be an int or None"):
        infer("argsort", [(3, 5)], ["float32"], axis=(0, 1))
    x = arr((3, 4))
    v, i = mx.nd.zeros((3, 2)), mx.nd.zeros((3, 2), dtype="int32")
    r = mx.nd.topk(x, k=2, ret_typ="both", dtype="int32", out=[v, i])
    assert r[0] is v and r[1] is i
    np.testing.assert_array_equal(i.asnumpy(), np.argsort(-x.asnumpy(), axis=1)[:, :2])
    assert all(get_op(n).workspace for n in ("topk", "sort", "argsort"))


# ---- linear algebra -----------------------------------------------------------------------------

@pytest.mark.parametrize("ls,rs,attrs", [((2, 3), (3, 4), {}), ((3,), (3,), {}), ((2, 3, 4), (4, 5), {}),
                                         ((3, 2, 5), (3, 4), {"transpose_a": True}),
                                         ((2, 3), (4, 3), {"transpose_b": True}), ((4,), (4, 2), {}),
                                         ((0, 3), (3, 2), {})])
def test_dot(ls, rs, attrs):
    a, b = arr(ls, "float64"), arr(rs, "float64", 1)
    r = check_eager("dot", [a, b], **attrs)
    an = a.asnumpy()
    an = np.moveaxis(an, 0, -1) if attrs.get("transpose_a") else an
    bn = b.asnumpy().T if attrs.get("transpose_b") else b.asnumpy()
    np.testing.assert_allclose(r.asnumpy().ravel(), np.tensordot(an, bn, axes=1).ravel())
    # MXNet 1.9.1: dot of (3, 2, 5) transpose_a with (3, 4) -> (2, 5, 4); two 1-D -> (1,)
    assert infer("dot", [(3, 2, 5), (3, 4)], ["float32"] * 2, transpose_a=True)[0] == [(2, 5, 4)]
    assert infer("dot", [(3,), (3,)], ["float32"] * 2)[0] == [(1,)]


@pytest.mark.parametrize("ls,rs,attrs", [((2, 3, 4), (2, 4, 5), {}), ((2, 3, 4, 5), (2, 3, 5, 6), {}),
                                         ((2, 4, 3), (2, 5, 4), {"transpose_a": True, "transpose_b": True})])
def test_batch_dot(ls, rs, attrs):
    check_eager("batch_dot", [arr(ls), arr(rs)], **attrs)


def test_gemm2():
    check_eager("linalg_gemm2", [arr((2, 3)), arr((3, 4))], alpha=2.0)
    check_eager("linalg_gemm2", [arr((5, 3, 2)), arr((5, 4, 3))], transpose_a=True, transpose_b=True)
    r = check_eager("linalg_gemm2", [arr((3, 2, 4), "float64"), arr((4, 2, 5), "float64")], axis=0)
    # MXNet 1.9.1: gemm2 with axis=0 of (3, 2, 4) and (4, 2, 5) -> (3, 2, 5)
    assert r.shape == (3, 2, 5)


def test_gemm_infers_c():
    # MXNet 1.9.1 sym.linalg.gemm(a, b, c).infer_shape_partial(...) fills C with the output's shape
    cases = [((2, 3), (3, 4), {}, (2, 4)), ((3, 2), (4, 3), {"transpose_a": True, "transpose_b": True}, (2, 4)),
             ((7, 2, 3), (7, 3, 4), {}, (7, 2, 4)), ((3, 2, 4), (4, 2, 5), {"axis": 0}, (3, 2, 5))]
    for sa, sb, attrs, want in cases:
        shapes, dtypes = [sa, sb, None], ["float64", "float64", None]
        out = infer("linalg_gemm", shapes, dtypes, **attrs)
        assert shapes[2] == want and out == ([want], ["float64"]), attrs
        assert dtypes[2] == "float64"  # and C's dtype: infer_type(a='float64', b='float64')
        check_eager("linalg_gemm", [arr(sa), arr(sb), arr(want)], beta=0.5, **attrs)
    assert get_op("linalg_gemm").infers_inputs == ("C",)


def test_linalg_errors():
    with pytest.raises(ValueError, match=r"dot: shapes \(2, 3\) and \(2, 3\) do not match"):
        infer("dot", [(2, 3), (2, 3)], ["float32"] * 2)
    with pytest.raises(TypeError, match="dot: lhs and rhs must have the same dtype"):
        infer("dot", [(2, 3), (3, 2)], ["float32", "float64"])
    with pytest.raises(ValueError, match="batch_dot: batch shapes"):
        infer("batch_dot", [(2, 3, 4), (3, 4, 5)], ["float32"] * 2)
    with pytest.raises(ValueError, match="batch_dot: inputs must be at least 3-D"):
        infer("batch_dot", [(3, 4), (4, 5)], ["float32"] * 2)
    with pytest.raises(ValueError, match=r"linalg_gemm: C has shape \(1, 3, 5\), expected \(2, 3, 5\)"):
        infer("linalg_gemm", [(2, 3, 4), (2, 4, 5), (1, 3, 5)], ["float32"] * 3)
    with pytest.raises(TypeError, match="linalg_gemm: C dtype float64 differs from float32"):
        infer("linalg_gemm", [(3, 4), (4, 5), (3, 5)], ["float32", "float32", "float64"])
    with pytest.raises(ValueError, match="linalg_gemm2: axis -1 is the column axis"):
        infer("linalg_gemm2", [(3, 4), (4, 5)], ["float32"] * 2, axis=-1)
    with pytest.raises(IndexError, match="linalg_gemm2: axis 3 is out of range"):
        infer("linalg_gemm2", [(3, 4), (4, 5)], ["float32"] * 2, axis=3)
