"""Shape/dtype rules of the normalisation and resampling families
(gluonx/ops/nn_norm.py, gluonx/ops/nn_resample.py): BatchNorm, _norm_backward,
LayerNorm, InstanceNorm, GroupNorm, L2Normalization, LRN, UpSampling,
BilinearResize2D.

(a) the rule gives exactly the eager result's shapes and dtypes; (b) backward
inference fills what MXNet 1.9.1 infers (values taken from
``/work/mx-ref/bin/python``: ``mx.sym.<Op>(mx.sym.var('data'), ...).infer_shape(data=...)``
and ``.infer_type(data=...)``); (c) bad inputs raise the right error class naming
the op.  Also: the OpDefs declare MXNet's input/output names, and the rules infer
what the Gluon layers' ``infer_shape`` overrides set today.
"""
import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import get_op
from infer_check import check_eager, rule_all as infer

nd = mx.nd


def ones(shape, dtype="float32"):
    return nd.ones(shape, dtype=dtype)


def rand(shape, dtype="float32", seed=0):
    return nd.array(np.random.default_rng(seed).standard_normal(shape), dtype=dtype)


# ---- (a) rule == eager ------------------------------------------------------------------------

@pytest.mark.parametrize("dshape,axis", [((2, 3, 4, 5), 1), ((2, 3, 4, 5), -1), ((2, 3), 1), ((4,), 0),
                                         ((2, 3, 6, 5), 2), ((0, 3, 2), 1)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("omv", [False, True])
@pytest.mark.parametrize("train", [False, True])
def test_batchnorm_eager(dshape, axis, dtype, omv, train):
    C = dshape[axis]
    pdt = "float32" if dtype == "float16" else dtype
    ins = [rand(dshape, dtype), ones((C,), pdt), ones((C,), pdt), nd.zeros((C,), dtype=pdt), ones((C,), pdt)]
    with mx.autograd.train_mode() if train else mx.autograd.predict_mode():
        check_eager("BatchNorm", ins, axis=axis, output_mean_var=omv, fix_gamma=False)


def test_norm_backward_eager():
    for dt in ("float32", "float64"):
        x, dy = rand((3, 4, 5), dt), rand((3, 4, 5), dt, 1)
        check_eager("_norm_backward", [x, dy, nd.zeros((4,), dtype=dt), ones((4,), dt), ones((4,), dt)], eps=1e-3)


@pytest.mark.parametrize("dshape,axis", [((2, 3, 4), -1), ((2, 3, 4), 1), ((2, 3, 4, 5), 1), ((2, 3, 4, 5), 0),
                                         ((6,), 0)])
@pytest.mark.parametrize("omv", [False, True])
def test_layernorm_eager(dshape, axis, omv):
    D = dshape[axis]
    for dt in ("float32", "float64"):
        check_eager("LayerNorm", [rand(dshape, dt), ones((D,), dt), ones((D,), dt)], axis=axis, output_mean_var=omv)


def test_layernorm_mean_std_layout():
    # the statistics of a middle axis keep the data's layout (MXNet: mean/std shaped like
    # data with 1 at axis); they were transposed before
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5))
    y, m, s = nd.LayerNorm(nd.array(x, dtype="float64"), ones((3,), "float64"), nd.zeros((3,), dtype="float64"),
                           axis=1, output_mean_var=True)
    np.testing.assert_allclose(m.asnumpy(), x.mean(1, keepdims=True), atol=1e-12)
    np.testing.assert_allclose(s.asnumpy(), np.sqrt(x.var(1, keepdims=True) + 1e-5), atol=1e-12)


@pytest.mark.parametrize("dshape,G,per_channel", [((2, 4, 3), 2, False), ((2, 4, 3), 2, True), ((1, 6, 2, 2), 3, False),
                                                  ((3, 5), 5, False), ((2, 4, 3), 1, True)])
@pytest.mark.parametrize("omv", [False, True])
def test_groupnorm_eager(dshape, G, per_channel, omv):
    n = dshape[1] if per_channel else G
    check_eager("GroupNorm", [rand(dshape), ones((n,)), ones((n,))], num_groups=G, output_mean_var=omv)


@pytest.mark.parametrize("dshape", [(2, 3, 4), (1, 5, 2, 2, 2), (3, 2)])
def test_instancenorm_eager(dshape):
    for dt in ("float32", "float64"):
        C = dshape[1]
        check_eager("InstanceNorm", [rand(dshape, dt), ones((C,), dt), ones((C,), dt)], eps=1e-4)


@pytest.mark.parametrize("mode,dshape", [("instance", (2, 4, 3)), ("instance", (3, 5)), ("channel", (2, 4, 3)),
                                         ("channel", (2, 4)), ("spatial", (2, 4, 3, 3))])
def test_l2norm_eager(mode, dshape):
    for dt in ("float32", "float64"):
        check_eager("L2Normalization", [rand(dshape, dt)], mode=mode)


@pytest.mark.parametrize("dshape,nsize", [((2, 4, 3, 3), 3), ((1, 5, 2), 5), ((2, 3, 2, 2, 2), 1)])
def test_lrn_eager(dshape, nsize):
    check_eager("LRN", [rand(dshape)], nsize=nsize)
    check_eager("LRN", [rand(dshape, "float64")], nsize=nsize, alpha=0.1, beta=0.5)


@pytest.mark.parametrize("shapes,mode,scale", [
    ([(2, 4, 3, 3)], "concat", 1), ([(2, 4, 3, 3)], "concat", 2), ([(2, 4, 3, 3)], "concat", 4),
    ([(1, 2, 2, 2), (1, 1, 4, 4)], "concat", 2),
    ([(1, 2, 2, 3), (1, 2, 4, 6), (1, 3, 2, 3)], "concat", 2),
    ([(1, 1, 2, 2), (1, 2, 6, 6), (1, 1, 3, 3)], "concat", 3),
    ([(1, 2, 2, 2), (1, 2, 4, 4)], "sum", 2), ([(1, 2, 1, 1), (1, 2, 3, 3), (1, 2, 1, 1)], "sum", 3),
    ([(1, 2, 0, 3)], "concat", 2)])
def test_upsampling_nearest_eager(shapes, mode, scale):
    ins = [rand(s, seed=i) for i, s in enumerate(shapes)]
    y = check_eager("UpSampling", ins, scale=scale, sample_type="nearest", multi_input_mode=mode,
                    num_args=len(ins))
    # the values: every input repeated by its factor, then concatenated or summed
    oh = shapes[0][2] * scale
    ups = [x.asnumpy().repeat(oh // x.shape[2], 2).repeat(oh // x.shape[2], 3) if x.shape[2]
           else np.zeros(x.shape[:2] + (0, x.shape[3] * scale)) for x in ins]
    want = sum(ups) if mode == "sum" else np.concatenate(ups, 1)
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-6)


@pytest.mark.parametrize("scale", [1, 2, 3, 4])
def test_upsampling_bilinear_eager(scale):
    k = 2 * scale - scale % 2
    for dt in ("float32", "float64"):
        check_eager("UpSampling", [rand((2, 3, 4, 5), dt), rand((3, 1, k, k), dt)], scale=scale,
                    sample_type="bilinear", num_filter=3)


@pytest.mark.parametrize("attrs,like", [
    (dict(height=5, width=6), None), (dict(scale_height=1.5, scale_width=2.0), None),
    (dict(mode="to_odd_up"), None), (dict(mode="to_even_down"), None),
    (dict(mode="odd_scale", scale_height=2.0, scale_width=3.0), None), (dict(mode="like"), (1, 1, 7, 8)),
    (dict(scale_height=0.1, scale_width=0.1), None), (dict(height=3, width=2, align_corners=False), None)])
def test_bilinear_resize_eager(attrs, like):
    for dt in ("float32", "float64"):
        ins = [rand((2, 3, 5, 4), dt), None if like is None else nd.zeros(like)]
        check_eager("BilinearResize2D", ins, **attrs)
        check_eager("_contrib_BilinearResize2D", ins, **attrs)


# ---- (b) backward inference (MXNet 1.9.1 values) -----------------------------------------------

BN_IN = [None] * 4  # gamma, beta, moving_mean, moving_var unknown
BN_DT = [None] * 4


@pytest.mark.parametrize("dshape,attrs,vec,outs", [
    # mx.sym.BatchNorm(data).infer_shape(data=(2, 3, 4, 5)): args (3,), (3,); aux (3,), (3,)
    ((2, 3, 4, 5), {}, (3,), [(2, 3, 4, 5)]),
    ((2, 3, 4, 5), dict(axis=-1), (5,), [(2, 3, 4, 5)]),
    ((2, 3, 4, 5), dict(axis=3), (5,), [(2, 3, 4, 5)]),
    ((2, 3), {}, (3,), [(2, 3)]),
    ((2, 3), dict(axis=0), (2,), [(2, 3)]),
    # output_mean_var: outputs ('output', 'mean', 'var') = (2, 3, 6, 5), (6,), (6,)
    ((2, 3, 6, 5), dict(axis=2, output_mean_var=True), (6,), [(2, 3, 6, 5), (6,), (6,)]),
])
def test_batchnorm_backward_inference(dshape, attrs, vec, outs):
    for fix in (True, False):
        shapes, dtypes, oshapes, odtypes = infer("BatchNorm", [dshape] + BN_IN, ["float32"] + BN_DT,
                                                 fix_gamma=fix, **attrs)
        assert shapes[1:] == [vec] * 4
        assert dtypes == ["float32"] * 5
        assert oshapes == outs


def test_batchnorm_dtype_inference():
    # mx.sym.BatchNorm(data).infer_type(data='float16'): gamma, beta, moving stats float32;
    # with output_mean_var the outputs are (float16, float32, float32)
    shapes, dtypes, _, odt = infer("BatchNorm", [(2, 3)] + BN_IN, ["float16"] + BN_DT, output_mean_var=True)
    assert dtypes == ["float16"] + ["float32"] * 4 and odt == ["float16", "float32", "float32"]
    shapes, dtypes, _, odt = infer("BatchNorm", [(2, 3)] + BN_IN, ["float64"] + BN_DT)
    assert dtypes == ["float64"] * 5 and odt == ["float64"]


def test_batchnorm_known_vectors_kept():
    # a known (1, 3) vector has the 3 elements the op reads: accepted as before
    shapes, _, _, _ = infer("BatchNorm", [(2, 3), (3,), (1, 3), None, None], ["float32"] * 5, fix_gamma=False)
    assert shapes[1:] == [(3,), (1, 3), (3,), (3,)]
    # fix_gamma: gamma is not read, any gamma is accepted (as before)
    shapes, _, _, _ = infer("BatchNorm", [(2, 3), (7,), None, None, None], ["float32"] * 5)
    assert shapes[1] == (7,)


@pytest.mark.parametrize("dshape,attrs,vec,outs", [
    # mx.sym.LayerNorm(data, ...).infer_shape(data=dshape)
    ((2, 3, 4), {}, (4,), [(2, 3, 4)]),
    ((2, 3, 4, 5), dict(axis=-2), (4,), [(2, 3, 4, 5)]),
    ((2, 3, 4), dict(axis=1, output_mean_var=True), (3,), [(2, 3, 4), (2, 1, 4), (2, 1, 4)]),
    ((2, 3, 4), dict(axis=0, output_mean_var=True), (2,), [(2, 3, 4), (1, 3, 4), (1, 3, 4)]),
])
def test_layernorm_backward_inference(dshape, attrs, vec, outs):
    for dt in ("float32", "float16"):
        # infer_type(data='float16'): gamma, beta float16
        shapes, dtypes, oshapes, odtypes = infer("LayerNorm", [dshape, None, None], [dt, None, None], **attrs)
        assert shapes[1:] == [vec, vec] and dtypes == [dt] * 3
        assert oshapes == outs and odtypes == [dt] * len(outs)


@pytest.mark.parametrize("dshape,G,vec,outs", [
    # mx.sym.GroupNorm(data, num_groups=G).infer_shape(data=dshape): gamma, beta (G,)
    ((2, 4, 3), 2, (2,), [(2, 4, 3)]),
    ((1, 6, 2, 2), 3, (3,), [(1, 6, 2, 2)]),
])
def test_groupnorm_backward_inference(dshape, G, vec, outs):
    shapes, dtypes, oshapes, odtypes = infer("GroupNorm", [dshape, None, None], ["float16", None, None],
                                             num_groups=G)
    assert shapes[1:] == [vec, vec] and dtypes == ["float16"] * 3 and oshapes == outs


def test_groupnorm_output_mean_var_inference():
    # GroupNorm(num_groups=2, output_mean_var=True) on (2, 4, 3, 5): ('output', 'mean', 'std') =
    # (2, 4, 3, 5), (2, 2), (2, 2)
    shapes, _, oshapes, _ = infer("GroupNorm", [(2, 4, 3, 5), None, None], ["float32", None, None],
                                  num_groups=2, output_mean_var=True)
    assert shapes[1:] == [(2,), (2,)] and oshapes == [(2, 4, 3, 5), (2, 2), (2, 2)]


@pytest.mark.parametrize("dshape,vec", [((2, 3, 4), (3,)), ((1, 5, 2, 2, 2), (5,))])
def test_instancenorm_backward_inference(dshape, vec):
    # mx.sym.InstanceNorm(data).infer_shape(data=dshape): gamma, beta (C,)
    shapes, dtypes, oshapes, _ = infer("InstanceNorm", [dshape, None, None], ["float32", None, None])
    assert shapes[1:] == [vec, vec] and dtypes == ["float32"] * 3 and oshapes == [dshape]


@pytest.mark.parametrize("scale,dshape,wshape,oshape", [
    # mx.sym.UpSampling(data, scale=s, sample_type='bilinear', num_filter=C).infer_shape(data=...):
    # arguments ['data', '<name>_weight']
    (2, (2, 4, 3, 3), (4, 1, 4, 4), (2, 4, 6, 6)),
    (3, (2, 4, 3, 3), (4, 1, 5, 5), (2, 4, 9, 9)),
    (1, (1, 2, 3, 4), (2, 1, 1, 1), (1, 2, 3, 4)),
    (4, (1, 2, 3, 4), (2, 1, 8, 8), (1, 2, 12, 16)),
])
def test_upsampling_bilinear_backward_inference(scale, dshape, wshape, oshape):
    shapes, dtypes, oshapes, odtypes = infer("UpSampling", [dshape, None], ["float16", None], scale=scale,
                                             sample_type="bilinear", num_filter=dshape[1])
    # infer_type(data='float16'): weight float16
    assert shapes[1] == wshape and dtypes == ["float16"] * 2
    assert oshapes == [oshape] and odtypes == ["float16"]


def test_upsampling_nearest_and_resize_shapes():
    # UpSampling(data, b, scale=2, sample_type='nearest', num_args=2): (2, 4, 3, 3) + (2, 1, 6, 6) -> (2, 5, 6, 6);
    # multi_input_mode='sum': (1, 3, 2, 2) + (1, 3, 4, 4) -> (1, 3, 4, 4)
    assert infer("UpSampling", [(2, 4, 3, 3), (2, 1, 6, 6)], ["float32"] * 2, scale=2, num_args=2)[2] == \
        [(2, 5, 6, 6)]
    assert infer("UpSampling", [(1, 3, 2, 2), (1, 3, 4, 4)], ["float32"] * 2, scale=2, num_args=2,
                 multi_input_mode="sum")[2] == [(1, 3, 4, 4)]
    # _contrib_BilinearResize2D: height=5, width=6 on (2, 4, 3, 3) -> (2, 4, 5, 6); mode='like' with
    # like (1, 1, 7, 8) -> (2, 4, 7, 8); scales (1.5, 2.0) on (1, 2, 4, 5) -> (1, 2, 6, 10);
    # to_odd_up (1, 2, 4, 5) -> (1, 2, 5, 5); odd_scale (2.0, 3.0) on (1, 2, 5, 4) -> (1, 2, 9, 12)
    assert infer("BilinearResize2D", [(2, 4, 3, 3)], ["float32"], height=5, width=6)[2] == [(2, 4, 5, 6)]
    assert infer("BilinearResize2D", [(2, 4, 3, 3), (1, 1, 7, 8)], ["float32"] * 2, mode="like")[2] == \
        [(2, 4, 7, 8)]
    assert infer("BilinearResize2D", [(1, 2, 4, 5), None], ["float32", None], scale_height=1.5,
                 scale_width=2.0)[2] == [(1, 2, 6, 10)]
    assert infer("BilinearResize2D", [(1, 2, 4, 5)], ["float32"], mode="to_odd_up")[2] == [(1, 2, 5, 5)]
    assert infer("BilinearResize2D", [(1, 2, 5, 4)], ["float32"], mode="odd_scale", scale_height=2.0,
                 scale_width=3.0)[2] == [(1, 2, 9, 12)]


def test_names_match_mxnet():
    # list_arguments / list_auxiliary_states / list_outputs of mx-ref's symbols
    bn = get_op("BatchNorm")
    a = bn.parse_attrs({})
    assert bn.input_names(a) == ("data", "gamma", "beta", "moving_mean", "moving_var")
    assert bn.aux == ("moving_mean", "moving_var")
    assert bn.output_names(a) == ("output",) and bn.output_count(a) == 1
    a = bn.parse_attrs({"output_mean_var": True})
    assert bn.output_names(a) == ("output", "mean", "var") and bn.output_count(a) == 3
    for name in ("LayerNorm", "GroupNorm"):
        op = get_op(name)
        assert op.input_names(op.parse_attrs({})) == ("data", "gamma", "beta")
        assert op.output_names(op.parse_attrs({})) == ("output",)
        assert op.output_names(op.parse_attrs({"output_mean_var": True})) == ("output", "mean", "std")
    assert get_op("InstanceNorm").input_names({}) == ("data", "gamma", "beta")
    up = get_op("UpSampling")
    assert up.input_names(up.parse_attrs({"scale": 2, "sample_type": "bilinear"})) == ("data", "weight")
    assert up.input_names(up.parse_attrs({"scale": 2, "num_args": 2})) == ("arg0", "arg1")
    br = get_op("BilinearResize2D")
    assert br.input_names(br.parse_attrs({})) == ("data",)
    assert br.input_names(br.parse_attrs({"mode": "like"})) == ("data", "like")
    assert get_op("_norm_backward").output_count({}) == 3


# ---- the Gluon layers' infer_shape overrides set what the rules infer --------------------------

@pytest.mark.parametrize("make,op,attrs,xshape", [
    (lambda: mx.gluon.nn.BatchNorm(), "BatchNorm", {}, (2, 3, 4)),
    (lambda: mx.gluon.nn.BatchNorm(axis=-1), "BatchNorm", dict(axis=-1), (2, 3, 5)),
    (lambda: mx.gluon.nn.BatchNormReLU(axis=2), "BatchNorm", dict(axis=2), (2, 3, 5, 2)),
    (lambda: mx.gluon.nn.LayerNorm(), "LayerNorm", {}, (2, 3, 4)),
    (lambda: mx.gluon.nn.LayerNorm(axis=1), "LayerNorm", dict(axis=1), (2, 3, 4)),
    (lambda: mx.gluon.nn.InstanceNorm(), "InstanceNorm", {}, (2, 3, 4)),
    (lambda: mx.gluon.nn.GroupNorm(num_groups=2), "GroupNorm", dict(num_groups=2), (2, 4, 3)),
])
def test_gluon_layers_agree_with_rules(make, op, attrs, xshape):
    layer = make()
    layer.initialize()
    layer(nd.ones(xshape))
    n = len(get_op(op).inputs) - 1
    shapes, dtypes, _, _ = infer(op, [xshape] + [None] * n, ["float32"] + [None] * n, **attrs)
    got = {k: p.shape for k, p in layer.collect_params().items()}
    for name, s in zip(get_op(op).inputs[1:], shapes[1:]):
        key = {"moving_mean": "running_mean", "moving_var": "running_var"}.get(name, name)
        match = [v for k, v in got.items() if k.endswith("_" + key)]
        assert match == [s], (name, got, shapes)


def test_instancenorm_layer_other_axis_agrees():
    # the layer swaps `axis` to 1 before the op: the rule sees the swapped data
    layer = mx.gluon.nn.InstanceNorm(axis=2)
    layer.initialize()
    layer(nd.ones((2, 3, 5)))
    shapes, _, _, _ = infer("InstanceNorm", [(2, 5, 3), None, None], ["float32", None, None])
    assert layer.gamma.shape == shapes[1] == (5,) and layer.beta.shape == shapes[2]


# ---- (c) errors -------------------------------------------------------------------------------

def _raises(cls, fn, *words):
    with pytest.raises(cls) as e:
        fn()
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_batchnorm_errors():
    x = ones((2, 3, 4))
    c = ones((3,))
    _raises(MXNetTypeError, lambda: nd.BatchNorm(ones((2, 3), "int32"), c, c, c, c), "BatchNorm", "int32")
    _raises(MXNetValueError, lambda: nd.BatchNorm(x, c, c, c, c, axis=3), "BatchNorm", "axis 3", "(2, 3, 4)")
    _raises(MXNetValueError, lambda: nd.BatchNorm(x, ones((2,)), c, c, c, fix_gamma=False), "BatchNorm", "gamma",
            "(2,)", "(3,)")
    _raises(MXNetValueError, lambda: nd.BatchNorm(x, c, c, ones((4,)), c), "BatchNorm", "moving_mean")
    _raises(MXNetValueError, lambda: infer("BatchNorm", [(2, 3), None, (2,), None, None], ["float32"] * 5),
            "BatchNorm", "beta")


def test_norm_family_errors():
    g = ones((4,))
    _raises(MXNetValueError, lambda: nd.LayerNorm(ones((2, 3)), g, g, axis=2), "LayerNorm", "axis 2")
    _raises(MXNetValueError, lambda: nd.LayerNorm(ones((2, 3)), g, ones((3,))), "LayerNorm", "gamma", "(4,)")
    _raises(MXNetTypeError, lambda: nd.LayerNorm(ones((2, 4), "int64"), g, g), "LayerNorm", "int64")
    _raises(MXNetValueError, lambda: nd.GroupNorm(ones((2, 5, 3)), ones((5,)), ones((5,)), num_groups=2),
            "GroupNorm", "5 channels", "2 groups")
    _raises(MXNetValueError, lambda: nd.GroupNorm(ones((2, 4, 3)), ones((3,)), ones((2,)), num_groups=2),
            "GroupNorm", "gamma")
    _raises(MXNetValueError, lambda: nd.GroupNorm(ones((4,)), ones((1,)), ones((1,))), "GroupNorm", "(N, C, ...)")
    _raises(MXNetValueError, lambda: nd.InstanceNorm(ones((3,)), ones((3,)), ones((3,))), "InstanceNorm")
    _raises(MXNetValueError, lambda: nd.InstanceNorm(ones((2, 3, 4)), ones((2,)), ones((3,))), "InstanceNorm",
            "gamma")
    _raises(MXNetValueError, lambda: nd._norm_backward(ones((2, 3)), ones((2, 3)), ones((3,)), ones((3,)),
                                                       ones((3,))), "_norm_backward", "(A, C, B)")
    _raises(MXNetValueError, lambda: nd._norm_backward(ones((2, 3, 4)), ones((2, 3, 4)), ones((2,)), ones((3,)),
                                                       ones((3,))), "_norm_backward", "mean")


def test_l2norm_lrn_errors():
    _raises(MXNetValueError, lambda: nd.L2Normalization(ones((2, 3)), mode="spatial"), "L2Normalization",
            "spatial")
    _raises(MXNetValueError, lambda: nd.L2Normalization(ones((3,))), "L2Normalization")
    _raises(MXNetTypeError, lambda: nd.L2Normalization(ones((2, 3), "int32")), "L2Normalization")
    _raises(MXNetTypeError, lambda: nd.LRN(ones((1, 3, 2, 2))), "LRN", "nsize")
    _raises(MXNetValueError, lambda: nd.LRN(ones((3, 2)), nsize=3), "LRN", "(3, 2)")
    _raises(MXNetValueError, lambda: nd.LRN(ones((1, 3, 2)), nsize=0), "LRN", "nsize=0")


def test_resampling_errors():
    x = ones((1, 2, 2, 2))
    _raises(MXNetValueError, lambda: nd.UpSampling(ones((1, 2, 2)), scale=2), "UpSampling", "4-D")
    _raises(MXNetValueError, lambda: nd.UpSampling(x, scale=0), "UpSampling", "scale")
    _raises(MXNetValueError, lambda: nd.UpSampling(x, ones((1, 1, 3, 3)), scale=2), "UpSampling", "(1, 1, 3, 3)")
    _raises(MXNetValueError, lambda: nd.UpSampling(x, ones((1, 1, 4, 3)), scale=2), "UpSampling", "(1, 1, 4, 3)")
    _raises(MXNetValueError, lambda: nd.UpSampling(x, ones((2, 1, 4, 4)), scale=2), "UpSampling")
    _raises(MXNetValueError, lambda: nd.UpSampling(x, ones((1, 1, 4, 4)), scale=2, multi_input_mode="sum"),
            "UpSampling", "sum")
    _raises(MXNetTypeError, lambda: nd.UpSampling(x, ones((1, 1, 4, 4), "float64"), scale=2), "UpSampling",
            "float64")
    _raises(MXNetValueError, lambda: infer("UpSampling", [(1, 2, 2, 2), (3, 1, 4, 4)], ["float32"] * 2, scale=2,
                                           sample_type="bilinear", num_filter=2), "UpSampling", "weight has shape")
    _raises(MXNetValueError, lambda: infer("UpSampling", [(1, 2, 2, 2), None], ["float32", None], scale=2,
                                           sample_type="bilinear", num_filter=3), "UpSampling", "num_filter")
    _raises(MXNetTypeError, lambda: nd.BilinearResize2D(ones((1, 1, 2, 2), "int32"), height=3, width=3),
            "BilinearResize2D", "int32")
    _raises(MXNetValueError, lambda: nd.BilinearResize2D(ones((2, 2, 2)), height=3, width=3), "BilinearResize2D",
            "(N, C, H, W)")
    _raises(MXNetValueError, lambda: nd.BilinearResize2D(x, mode="like"), "BilinearResize2D", "like")
    _raises(MXNetValueError, lambda: infer("BilinearResize2D", [(1, 2, 2, 2), (2, 2)], ["float32"] * 2, mode="like"),
            "BilinearResize2D", "4-D")
