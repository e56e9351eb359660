"""Shape/dtype rules of the softmax family (nn_softmax.py), CTCLoss (nn_ctc.py) and the
fused optimizer updates (optimizer_ops.py).

(a) the rule gives exactly the eager result's shapes and dtypes; (b) backward
inference fills what MXNet 1.9.1 infers (values taken from
``/work/mx-ref/bin/python``: ``infer_shape`` / ``infer_type`` of the symbol); (c)
bad inputs raise the right error class naming the op.
"""
import numpy as np
import pytest

import gluonx as mx
from gluonx.base import MXNetError
from gluonx.ops.registry import get_op
from infer_check import check_eager, rule_all as infer

nd = mx.nd

_UPDATES = {  # name: (inputs, attrs, multi-precision)
    "sgd_update": (("weight", "grad"), dict(lr=0.1), False),
    "sgd_mom_update": (("weight", "grad", "mom"), dict(lr=0.1, momentum=0.9), False),
    "mp_sgd_update": (("weight", "grad", "weight32"), dict(lr=0.1), True),
    "mp_sgd_mom_update": (("weight", "grad", "mom", "weight32"), dict(lr=0.1, momentum=0.9), True),
    "nag_mom_update": (("weight", "grad", "mom"), dict(lr=0.1, momentum=0.9), False),
    "mp_nag_mom_update": (("weight", "grad", "mom", "weight32"), dict(lr=0.1, momentum=0.9), True),
    "adam_update": (("weight", "grad", "mean", "var"), dict(lr=0.01), False),
    "rmsprop_update": (("weight", "grad", "n"), dict(lr=0.01), False),
    "rmspropalex_update": (("weight", "grad", "n", "g", "delta"), dict(lr=0.01), False),
    "ftrl_update": (("weight", "grad", "z", "n"), dict(lr=0.1), False),
    "ftml_update": (("weight", "grad", "d", "v", "z"), dict(lr=0.1, t=1), False),
    "signsgd_update": (("weight", "grad"), dict(lr=0.1), False),
    "signum_update": (("weight", "grad", "mom"), dict(lr=0.1, momentum=0.9), False),
    "lamb_update_phase1": (("weight", "grad", "mean", "var"), dict(t=1, wd=0.0), False),
}


def _raises(exc, name, shapes, dtypes, match, **attrs):
    with pytest.raises(exc, match=match) as ei:
        infer(name, shapes, dtypes, **attrs)
    assert isinstance(ei.value, MXNetError) and name in str(ei.value)


def rand(*shape, dtype="float32"):
    return nd.array(np.random.RandomState(0).randn(*shape), dtype=dtype)


# ---- softmax family ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape,axis", [((4, 5), -1), ((2, 3, 4), 1), ((6,), 0)])
def test_softmax_like_eager(name, shape, axis):
    check_eager(name, [rand(*shape)], axis=axis)
    check_eager(name, [rand(*shape, dtype="float16")], axis=axis, temperature=2.0)
    check_eager(name, [rand(*shape)], axis=axis, dtype="float64")


def test_softmax_length_eager_and_inference():
    x = rand(4, 5, 3)
    check_eager("softmax", [x, nd.array([[1, 2, 3]] * 4, dtype="int32")], axis=1, use_length=True)
    # mx.sym.softmax(data, length, use_length=True, axis=1).infer_shape(data=(4,5,3)): length (4, 3);
    # MXNet's infer_type leaves the length dtype undecided
    shapes, dtypes, oshapes, odtypes = infer("softmax", [(4, 5, 3), None], ["float32", None], axis=1,
                                             use_length=True)
    assert shapes[1] == (4, 3) and dtypes[1] is None
    assert oshapes == [(4, 5, 3)] and odtypes == ["float32"]
    op = get_op("softmax")
    assert op.input_names(op.parse_attrs({"use_length": True})) == ("data", "length")
    assert op.input_names(op.parse_attrs({})) == ("data",)


def test_softmax_activation_eager():
    check_eager("SoftmaxActivation", [rand(3, 4)])
    check_eager("SoftmaxActivation", [rand(2, 3, 4, dtype="float64")], mode="channel")


@pytest.mark.parametrize("dshape,lshape,attrs", [
    ((4, 5), (4,), {}),
    ((4, 5, 6), (4, 5), {}),
    ((4, 5, 6), (4,), {}),
    ((4, 5, 6), (4, 6), dict(multi_output=True)),
    ((4, 5, 6), (4, 1, 6), dict(multi_output=True)),
    ((4, 5, 6), (4, 5), dict(preserve_shape=True)),
])
def test_softmax_output_eager(dshape, lshape, attrs):
    label = nd.array(np.random.RandomState(1).randint(0, 4, lshape))
    check_eager("SoftmaxOutput", [rand(*dshape), label], **attrs)


@pytest.mark.parametrize("dshape,attrs,label", [
    # mx.sym.SoftmaxOutput(data).infer_shape(data=...): label shape data.shape[:-1] ...
    ((4, 5), {}, (4,)),
    ((4, 5, 6), {}, (4, 5)),
    ((4, 5, 6, 7), {}, (4, 5, 6)),
    ((4, 5, 6), dict(preserve_shape=True), (4, 5)),
    # ... and (n, prod(data.shape[2:])) with multi_output
    ((4, 5, 6, 7), dict(multi_output=True), (4, 42)),
    ((4, 5), dict(multi_output=True), (4, 1)),
    # 1-D data: MXNet leaves the label open (and accepts (4,)); gluonx fills (4,)
    ((4,), {}, (4,)),
])
def test_softmax_output_backward_inference(dshape, attrs, label):
    shapes, dtypes, oshapes, odtypes = infer("SoftmaxOutput", [dshape, None], ["float64", None], **attrs)
    # infer_type: the label takes the data's dtype
    assert shapes[1] == label and dtypes[1] == "float64"
    assert oshapes == [dshape] and odtypes == ["float64"]


def test_softmax_errors():
    f = ["float32", None]
    _raises(IndexError, "softmax", [(2, 2), None], f, "axis", axis=2)
    _raises(TypeError, "softmax", [(2, 2), None], ["int32", None], "float")
    _raises(ValueError, "softmax", [(2, 2), None], f, "temperature", temperature=0.0)
    _raises(TypeError, "softmax", [(2, 2), None], f, "dtype", dtype="int32")
    _raises(ValueError, "softmax", [(2, 2), (3,)], ["float32", "int32"], "length has shape", use_length=True)
    _raises(TypeError, "softmax", [(2, 2), (2,)], ["float32", "float32"], "integer", use_length=True)
    _raises(ValueError, "softmax", [(2, 2), (2,)], ["float32", "int32"], "use_length is False")
    _raises(ValueError, "log_softmax", [(2, 2)], f[:1], "use_length", use_length=True)
    _raises(ValueError, "SoftmaxActivation", [(2,)], f[:1], "dimensions", mode="channel")
    _raises(ValueError, "SoftmaxOutput", [(2, 2), (3,)], f, "label has shape")
    _raises(ValueError, "SoftmaxOutput", [(2,), None], f, "multi_output", multi_output=True)
    with pytest.raises(MXNetError, match="needs the length"):
        nd.softmax(rand(2, 2), use_length=True)


# ---- CTCLoss ----------------------------------------------------------------------------------

def test_ctc_eager():
    x, lab = rand(10, 2, 5), nd.array([[1, 2, 0], [3, 3, 1]])
    check_eager("CTCLoss", [x, lab])
    check_eager("CTCLoss", [rand(10, 2, 5, dtype="float64"), lab, nd.array([8, 10]), None],
                use_data_lengths=True)
    check_eager("CTCLoss", [x, lab, None, nd.array([2, 3], dtype="int32")], use_label_lengths=True)
    check_eager("CTCLoss", [x, lab, nd.array([8, 10]), nd.array([2, 3])], use_data_lengths=True,
                use_label_lengths=True)


def test_ctc_inputs_and_outputs():
    # mx.sym.CTCLoss(data, label, ...).list_arguments() / list_outputs(): the inputs follow the flags;
    # the one visible output is 'output0'; the label shape is not inferred
    op = get_op("CTCLoss")
    p = op.parse_attrs
    assert op.input_names(p({})) == ("data", "label")
    assert op.input_names(p({"use_data_lengths": True})) == ("data", "label", "data_lengths")
    assert op.input_names(p({"use_label_lengths": True})) == ("data", "label", "label_lengths")
    assert op.input_names(p({"use_data_lengths": True, "use_label_lengths": True})) == \
        ("data", "label", "data_lengths", "label_lengths")
    assert op.output_names(p({})) == ("output0",)
    assert not op.infers_inputs
    # infer_shape(data=(10, 2, 5), label=(2, 3)) -> output (2,)
    _, _, oshapes, odtypes = infer("CTCLoss", [(10, 2, 5), (2, 3), None, None], ["float32", "float32", None, None])
    assert oshapes == [(2,)] and odtypes == ["float32"]
    # with use_label_lengths only, the label lengths may come in the third slot (positional, as in MXNet)
    _, _, oshapes, _ = infer("CTCLoss", [(10, 2, 5), (2, 3), (2,)], ["float32", "float32", "int32"],
                             use_label_lengths=True)
    assert oshapes == [(2,)]


def test_ctc_errors():
    f = ["float32", "float32", None, None]
    _raises(ValueError, "CTCLoss", [(2, 3), (2, 1), None, None], f, "3-D")
    _raises(ValueError, "CTCLoss", [(4, 2, 3), (3, 2), None, None], f, "batch_size")
    _raises(ValueError, "CTCLoss", [(4, 2, 3), (2, 5), None, None], f, "cannot exceed")
    _raises(TypeError, "CTCLoss", [(4, 2, 3), (2, 2), None, None], ["float16", "float32", None, None],
            "float32 or float64")
    _raises(TypeError, "CTCLoss", [(4, 2, 3), (2, 2), None, None], ["float32", "bool", None, None], "numeric")
    _raises(ValueError, "CTCLoss", [(4, 2, 3), (2, 2), None, None], f, "needs the data_lengths",
            use_data_lengths=True)
    _raises(ValueError, "CTCLoss", [(4, 2, 3), (2, 2), (2,), None], f[:2] + ["int32", None],
            "use_data_lengths is False")
    _raises(ValueError, "CTCLoss", [(4, 2, 3), (2, 2), (3,), None], f[:2] + ["int32", None], "shape",
            use_data_lengths=True)


# ---- optimizer updates ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(_UPDATES))
def test_update_eager(name):
    inputs, attrs, mp = _UPDATES[name]
    wdt = "float16" if mp else "float32"
    w = nd.ones((3, 4), dtype=wdt)
    args = [w, nd.ones((3, 4), dtype=wdt)] + [nd.zeros((3, 4), dtype="float32" if mp else wdt)
                                              for _ in inputs[2:]]
    check_eager(name, args, **attrs)
    out = nd.zeros((3, 4), dtype=wdt)
    assert get_op(name)(*args, out=out, **attrs) is out


def test_lamb_phase2_eager():
    w, g = nd.ones((3, 4)), nd.ones((3, 4))
    check_eager("lamb_update_phase2", [w, g, nd.array([2.0]), nd.array([1.0])], lr=0.1)


@pytest.mark.parametrize("name", sorted(_UPDATES))
def test_update_backward_inference(name):
    # MXNet 1.9.1 (graph from JSON, infer_shape(weight=(3, 4)), infer_type(weight='float16')): grad and
    # the states take the weight's shape; the states are its auxiliary states, float32 for the mp_ ops
    inputs, attrs, mp = _UPDATES[name]
    n = len(inputs)
    shapes, dtypes, oshapes, odtypes = infer(name, [(3, 4)] + [None] * (n - 1), ["float16"] + [None] * (n - 1),
                                             **attrs)
    assert shapes == [(3, 4)] * n and oshapes == [(3, 4)] and odtypes == ["float16"]
    assert dtypes == ["float16", "float16"] + ["float32" if mp else "float16"] * (n - 2)
    op = get_op(name)
    assert op.aux == inputs[2:] and not op.differentiable


def test_update_errors():
    _raises(ValueError, "sgd_update", [(2, 3), (3, 2)], ["float32"] * 2, "shape", lr=0.1)
    _raises(TypeError, "sgd_mom_update", [(2, 3), (2, 3), (2, 3)], ["float32", "float32", "float64"], "dtype",
            lr=0.1)
    _raises(TypeError, "sgd_update", [(2,), (2,)], ["int32"] * 2, "float", lr=0.1)
    _raises(TypeError, "mp_sgd_update", [(2,), (2,), (2,)], ["float16"] * 3, "float32", lr=0.1)
    _raises(TypeError, "ftml_update", [(2,)] * 5, ["float32"] * 5, "'t'", lr=0.1)
    _raises(ValueError, "lamb_update_phase2", [(2,), (2,), (2,), (1,)], ["float32"] * 4, "one element", lr=0.1)
