"""Bad custom operators and bad calls: each raises an error that is an MXNetError and
the built-in exception a user would catch, naming the op_type, the shapes or types and
what was expected; a custom operator that raises propagates its own exception type and
leaves nothing half-recorded on the tape."""
import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd, nd
from gluonx.base import MXNetError


class Copy(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        for i, o in enumerate(out_data):
            self.assign(o, req[i], in_data[0])

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0])


def _prop(name, base=mx.operator.CustomOpProp, op=Copy, **methods):
    """Registers a prop class with these methods (and create_operator -> op())."""
    methods.setdefault("create_operator", lambda self, ctx, shapes, dtypes: op())
    cls = type(name + "Prop", (base,), methods)
    mx.operator.register(name)(cls)
    return cls


X = nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
_prop("e_copy")


def _raises(exc, match, fn):
    with pytest.raises(exc, match=match) as info:
        fn()
    assert isinstance(info.value, MXNetError), type(info.value).__mro__
    return info.value


# ---- registration and calls -----------------------------------------------------------------------

def test_register_refuses_bad_names_and_classes():
    _raises(TypeError, "non-empty string", lambda: mx.operator.register(""))
    _raises(TypeError, "non-empty string", lambda: mx.operator.register(3))
    _raises(TypeError, "subclass of mx.operator.CustomOpProp", lambda: mx.operator.register("e_x")(object))
    _raises(TypeError, "subclass", lambda: mx.operator.register("e_x")(lambda: None))


def test_unregistered_op_type():
    e = _raises(ValueError, "op_type='e_nope'", lambda: nd.Custom(X, op_type="e_nope"))
    assert "e_copy" in str(e) and "register" in str(e)
    _raises(ValueError, "e_nope", lambda: mx.sym.Custom(mx.sym.var("x"), op_type="e_nope"))


def test_op_type_missing_or_not_a_string():
    _raises(TypeError, "missing required attribute 'op_type'", lambda: nd.Custom(X))
    _raises(TypeError, "op_type must be a string", lambda: nd.Custom(X, op_type=3))


def test_keywords_the_prop_does_not_take():
    e = _raises(TypeError, "Custom op 'e_copy'.*unexpected keyword argument 'width'",
                lambda: nd.Custom(X, op_type="e_copy", width=3))
    assert "'width': '3'" in str(e)           # shown as the string the constructor got


def test_keywords_that_cannot_be_strings():
    _raises(TypeError, "keyword fn=.*function.*as strings", lambda: nd.Custom(X, op_type="e_copy", fn=len))
    _raises(TypeError, "keyword d=", lambda: nd.Custom(X, op_type="e_copy", d={"a": 1}))
    _raises(ValueError, "weight is not one of its inputs \\(data\\)",
            lambda: nd.Custom(X, op_type="e_copy", weight=X))


def test_wrong_inputs():
    _raises(ValueError, "takes 1 input\\(s\\) \\(data\\), got 2", lambda: nd.Custom(X, X, op_type="e_copy"))
    _raises(ValueError, "missing input\\(s\\) data", lambda: nd.Custom(op_type="e_copy"))
    _raises(ValueError, "data given twice", lambda: nd.Custom(X, data=X, op_type="e_copy"))
    _raises(TypeError, "input 'data' must be an NDArray, got list",
            lambda: nd.Custom([[1.0, 2.0]], op_type="e_copy"))


def test_out_of_the_wrong_shape():
    _raises(ValueError, "out= must be 1 array\\(s\\) of shape \\[\\(2, 3\\)\\]",
            lambda: nd.Custom(X, op_type="e_copy", out=nd.zeros((3, 2))))


def test_prop_constructor_raising_keeps_its_type():
    def init(self, k):
        raise ValueError("k must be positive, got %s" % k)
    _prop("e_init", __init__=init)
    e = _raises(ValueError, "k must be positive, got -1", lambda: nd.Custom(X, op_type="e_init", k=-1))
    assert "e_init" in "".join(getattr(e, "__notes__", []))


# ---- what the prop returns ------------------------------------------------------------------------

def test_infer_shape_with_the_wrong_number_of_outputs():
    _prop("e_two_shapes", infer_shape=lambda self, s: (s, [s[0], s[0]], []))
    e = _raises(ValueError, "Custom op 'e_two_shapes': infer_shape returned 2 output entries for 1 outputs "
                            "\\['output'\\]", lambda: nd.Custom(X, op_type="e_two_shapes"))
    assert "[[2, 3]]" in str(e)               # the input shapes it was called with
    _raises(ValueError, "Error in operator ts: .*e_two_shapes",
            lambda: mx.sym.Custom(mx.sym.var("x"), op_type="e_two_shapes", name="ts").infer_shape(x=(2, 3)))


def test_infer_shape_with_the_wrong_number_of_inputs_or_aux():
    _prop("e_in_shapes", infer_shape=lambda self, s: (s + s, [s[0]], []))
    _raises(ValueError, "returned 2 input entries for 1 inputs \\['data'\\]",
            lambda: nd.Custom(X, op_type="e_in_shapes"))
    _prop("e_aux_shapes", infer_shape=lambda self, s: (s, [s[0]], [s[0]]))
    _raises(ValueError, "returned 1 aux state entries for 0 aux states",
            lambda: nd.Custom(X, op_type="e_aux_shapes"))


def test_infer_shape_returning_garbage():
    _prop("e_one_list", infer_shape=lambda self, s: [s[0]])
    _raises(ValueError, "infer_shape must return 2 or 3 lists", lambda: nd.Custom(X, op_type="e_one_list"))
    _prop("e_not_shape", infer_shape=lambda self, s: (s, ["big"], []))
    _raises(TypeError, "gave output 'output' the shape 'big'", lambda: nd.Custom(X, op_type="e_not_shape"))
    _prop("e_neg", infer_shape=lambda self, s: (s, [[2, -3]], []))
    _raises(ValueError, "negative size", lambda: nd.Custom(X, op_type="e_neg"))
    _prop("e_no_shape", infer_shape=lambda self, s: (s, [[]], []))
    _raises(ValueError, "gave output 'output' no shape", lambda: nd.Custom(X, op_type="e_no_shape"))


def test_infer_shape_contradicting_an_input():
    _prop("e_changes_input", infer_shape=lambda self, s: ([[9, 9]], [s[0]], []))
    _raises(ValueError, "gives input 'data' the shape \\(9, 9\\), but it has shape \\(2, 3\\)",
            lambda: nd.Custom(X, op_type="e_changes_input"))


def test_infer_type_mismatch_and_garbage():
    _prop("e_float64", infer_type=lambda self, t: ([np.float64], [np.float64], []))
    _raises(TypeError, "Custom op 'e_float64': infer_type gives input 'data' the type float64, but it is float32",
            lambda: nd.Custom(X, op_type="e_float64"))
    _prop("e_bad_type", infer_type=lambda self, t: (t, ["no such type"], []))
    _raises(TypeError, "gave output 'output' the type 'no such type'", lambda: nd.Custom(X, op_type="e_bad_type"))
    _prop("e_count_types", infer_type=lambda self, t: (t, [], []))
    _raises(ValueError, "infer_type returned 0 output entries for 1 outputs",
            lambda: nd.Custom(X, op_type="e_count_types"))


def test_lists_that_are_not_names():
    _prop("e_list", list_outputs=lambda self: "output")
    _raises(TypeError, "list_outputs\\(\\) must return a list of strings, got 'output'",
            lambda: nd.Custom(X, op_type="e_list"))


def test_create_operator_returning_something_else():
    _prop("e_create", create_operator=lambda self, c, s, d: 42)
    _raises(TypeError, "create_operator must return a CustomOp", lambda: nd.Custom(X, op_type="e_create"))


def test_declare_backward_dependency_garbage():
    _prop("e_deps", declare_backward_dependency=lambda self, og, i, od: ["everything"])
    x = X.copy()
    x.attach_grad()
    with autograd.record():
        y = nd.Custom(x, op_type="e_deps")
    _raises(ValueError, "declare_backward_dependency returned \\['everything'\\]", y.backward)


# ---- what the operator does -----------------------------------------------------------------------

class Lazy(mx.operator.CustomOp):
    """Writes only the first of its two outputs."""

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0])


def test_outputs_not_written():
    _prop("e_lazy", op=Lazy, list_outputs=lambda self: ["out", "forgotten"])
    _raises(ValueError, "forward did not write output 'forgotten' \\(shape \\(2, 3\\), float32\\)",
            lambda: nd.Custom(X, op_type="e_lazy"))
    ex = mx.sym.Custom(mx.sym.var("x"), op_type="e_lazy", name="lz").simple_bind(mx.cpu(), x=(2, 3))
    _raises(ValueError, "Error in operator lz: .*did not write output 'forgotten'",
            lambda: ex.forward(is_train=True))


def test_outputs_written_with_nan_are_fine():
    class Nan(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], np.full(in_data[0].shape, np.nan))

    _prop("e_nan", op=Nan)
    assert np.isnan(nd.Custom(X, op_type="e_nan").asnumpy()).all()


class FailsForward(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        out_data[0][:] = in_data[0] * 2
        assert False, "forward refuses"


class FailsBackward(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * 2)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        in_grad[0][:] = 1
        raise ZeroDivisionError("backward refuses")


def test_forward_raising_propagates_its_exception_and_records_nothing():
    _prop("e_fails_forward", op=FailsForward)
    x = X.copy()
    x.attach_grad()
    with autograd.record():
        with pytest.raises(AssertionError, match="forward refuses") as info:
            nd.Custom(x, op_type="e_fails_forward")
        y = x * 3
    assert isinstance(info.value, MXNetError) and isinstance(info.value.__cause__, AssertionError)
    assert "FailsForward.forward (custom op 'e_fails_forward')" in info.value.__notes__[0]
    y.backward()
    assert x.grad.asnumpy().tolist() == np.full((2, 3), 3.0).tolist()
    assert autograd.is_recording() is False and autograd.is_training() is False   # state restored


def test_backward_raising_propagates_and_later_backwards_work():
    _prop("e_fails_backward", op=FailsBackward)
    x = X.copy()
    x.attach_grad()
    with autograd.record():
        y = nd.Custom(x, op_type="e_fails_backward")
    with pytest.raises(ZeroDivisionError, match="backward refuses") as info:
        y.backward()
    assert isinstance(info.value, MXNetError)
    assert not x.grad.asnumpy().any()          # nothing written
    with autograd.record():
        z = (x * x).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), 2 * X.asnumpy())


def test_mxnet_errors_inside_forward_stay_as_they_are():
    class BadDot(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            out_data[0][:] = nd.dot(in_data[0], in_data[1])

    _prop("e_bad_dot", op=BadDot, list_arguments=lambda self: ["a", "b"],
          infer_shape=lambda self, s: (s, [[s[0][0], s[1][1]]], []))
    e = _raises(ValueError, "dot", lambda: nd.Custom(nd.zeros((4, 2)), nd.zeros((1, 4)), op_type="e_bad_dot"))
    assert type(e).__module__ == "gluonx.base"


def test_user_exception_with_its_own_attributes():
    class Oops(Exception):
        def __init__(self, code):
            super().__init__("code %d" % code)
            self.code = code

    class Raises(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            raise Oops(7)

    _prop("e_oops", op=Raises)
    with pytest.raises(Oops) as info:
        nd.Custom(X, op_type="e_oops")
    assert info.value.code == 7 and isinstance(info.value, MXNetError) and str(info.value) == "code 7"


def test_keyboard_interrupt_is_not_wrapped():
    class Stop(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            raise KeyboardInterrupt

    _prop("e_stop", op=Stop)
    with pytest.raises(KeyboardInterrupt) as info:
        nd.Custom(X, op_type="e_stop")
    assert type(info.value) is KeyboardInterrupt
    assert autograd.is_recording() is False


def test_storage_types_other_than_dense():
    _raises(TypeError, "storage type 'csr'", lambda: mx.operator.CustomOpProp().infer_storage_type(["csr"]))
