"""mx.operator custom operators under gluonx: eager calls, the autograd tape,
auxiliary states, several outputs, loss-style operators, Gluon blocks (hybridized
too), symbols (bind / simple_bind / JSON / export), and the deprecated
NumpyOp / NDArrayOp.  Values come from NumPy or from built-in operators computing
the same thing; custom_op_mxnet.json pins MXNet 1.9.1's own observations
(test_custom_op_mxnet.py)."""
import warnings

import numpy as np
import pytest

import gluonx as mx
from gluonx import autograd, gluon, nd
from gluonx.test_utils import check_numeric_gradient

RNG = np.random.default_rng(7)
SEEN = []        # what the test operators saw


# ---- operators used below ------------------------------------------------------------------------

class Cube(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        SEEN.append(("forward", bool(is_train), list(req), autograd.is_recording(), autograd.is_training()))
        self.assign(out_data[0], req[0], in_data[0] ** 3)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        SEEN.append(("backward", list(req), [g.asnumpy().copy() for g in in_grad]))
        self.assign(in_grad[0], req[0], 3 * in_data[0] ** 2 * out_grad[0])


@mx.operator.register("t_cube")
class CubeProp(mx.operator.CustomOpProp):
    def create_operator(self, ctx, in_shapes, in_dtypes):
        SEEN.append(("create", ctx, in_shapes, in_dtypes))
        return Cube()


class Affine(mx.operator.CustomOp):
    """y = data * scale + shift, with scale/shift given as strings to the prop."""

    def __init__(self, scale, shift):
        super().__init__()
        self.scale, self.shift = scale, shift

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * self.scale + self.shift)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0] * self.scale)


@mx.operator.register("t_affine")
class AffineProp(mx.operator.CustomOpProp):
    def __init__(self, scale="1", shift="0"):
        super().__init__()
        SEEN.append(("prop", scale, shift))
        self.scale, self.shift = float(scale), float(shift)

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return Affine(self.scale, self.shift)


class SoftmaxCE(mx.operator.CustomOp):
    """Loss-style: per-row cross entropy; backward is softmax - onehot whatever the head."""

    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        label = in_data[1].asnumpy().astype(int)
        p = np.exp(x - x.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        self.assign(out_data[0], req[0], -np.log(p[np.arange(len(label)), label]))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        x = in_data[0].asnumpy()
        label = in_data[1].asnumpy().astype(int)
        p = np.exp(x - x.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(label)), label] -= 1
        self.assign(in_grad[0], req[0], p)
        self.assign(in_grad[1], req[1], np.zeros(label.shape))


@mx.operator.register("t_softmax_ce")
class SoftmaxCEProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=False)

    def list_arguments(self):
        return ["data", "label"]

    def infer_shape(self, in_shape):
        return in_shape, [[in_shape[0][0]]], []

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return SoftmaxCE()


class MinMax(mx.operator.CustomOp):
    """Two outputs: min(a, b) and max(a, b)."""

    def forward(self, is_train, req, in_data, out_data, aux):
        a, b = in_data
        self.assign(out_data[0], req[0], nd.minimum(a, b))
        self.assign(out_data[1], req[1], nd.maximum(a, b))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        a, b = in_data
        first = a <= b
        self.assign(in_grad[0], req[0], out_grad[0] * first + out_grad[1] * (1 - first))
        self.assign(in_grad[1], req[1], out_grad[0] * (1 - first) + out_grad[1] * first)


@mx.operator.register("t_minmax")
class MinMaxProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["a", "b"]

    def list_outputs(self):
        return ["low", "high"]

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return MinMax()


class RunningMean(mx.operator.CustomOp):
    """Identity that keeps a running mean of its input in an aux state (as BatchNorm does)."""

    def forward(self, is_train, req, in_data, out_data, aux):
        if is_train:
            aux[0][:] = 0.5 * aux[0] + 0.5 * in_data[0].mean(axis=0)
        self.assign(out_data[0], req[0], in_data[0])

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0])


@mx.operator.register("t_running_mean")
class RunningMeanProp(mx.operator.CustomOpProp):
    def list_auxiliary_states(self):
        return ["mean"]

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]], [in_shape[0][1:]]

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return RunningMean()


class Stateful(mx.operator.CustomOp):
    """Keeps what backward needs on self: two calls must not share an instance."""

    def forward(self, is_train, req, in_data, out_data, aux):
        self.saved = in_data[0].copy()
        self.assign(out_data[0], req[0], in_data[0] * in_data[0])

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], 2 * self.saved * out_grad[0])


@mx.operator.register("t_stateful")
class StatefulProp(mx.operator.CustomOpProp):
    def create_operator(self, ctx, in_shapes, in_dtypes):
        return Stateful()


class ArgMaxRow(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0].asnumpy().argmax(axis=1).astype(np.int32))


@mx.operator.register("t_argmax_row")
class ArgMaxRowProp(mx.operator.CustomOpProp):
    def infer_shape(self, in_shape):
        return in_shape, [[in_shape[0][0]]], []

    def infer_type(self, in_type):
        return in_type, [np.int32], []

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return ArgMaxRow()


def _arr(*shape, lo=-2.0, hi=2.0):
    return nd.array(RNG.uniform(lo, hi, shape))


# ---- CustomOp.assign and the prop's defaults ---------------------------------------------------

@pytest.mark.parametrize("req, want", [("null", [5, 5]), ("write", [2, 3]), ("inplace", [2, 3]),
                                       ("add", [7, 8])])
def test_assign_honours_req(req, want):
    dst = nd.array([5.0, 5.0])
    mx.operator.CustomOp().assign(dst, req, nd.array([2.0, 3.0]))
    assert dst.asnumpy().tolist() == want


def test_assign_takes_numpy_values():
    dst = nd.zeros((2,))
    mx.operator.CustomOp().assign(dst, "write", np.array([1.5, -1.0]))
    assert dst.asnumpy().tolist() == [1.5, -1.0]


def test_prop_defaults():
    p = mx.operator.CustomOpProp()
    assert (p.list_arguments(), p.list_outputs(), p.list_auxiliary_states()) == (["data"], ["output"], [])
    assert p.infer_shape([[2, 3]]) == ([[2, 3]], ([2, 3],), ())
    assert p.infer_type([np.float64]) == ([np.float64], [np.float64], [])
    assert p.declare_backward_dependency([0], [1], [2]) == [0, 1, 2]
    assert mx.operator.CustomOpProp(need_top_grad=False).declare_backward_dependency([0], [1], [2]) == [1, 2]
    assert p.infer_storage_type(["default"]) == (["default"], ["default"], [])
    assert isinstance(p.create_operator(mx.cpu(), [[2]], [0]), mx.operator.CustomOp)


def test_register_returns_the_class():
    assert mx.operator.register("t_again")(CubeProp) is CubeProp
    assert {"t_cube", "t_again", "custom_op"} <= set(mx.operator._custom.registered())
    # MXNet registers the base prop as "custom_op"; its CustomOp computes nothing
    with pytest.raises(ValueError, match="did not write output"):
        nd.Custom(_arr(2, 3), op_type="custom_op")


def test_reregistering_replaces():
    class One(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * 0 + 1)

    class Two(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * 0 + 2)

    for cls, want in ((One, 1), (Two, 2)):
        mx.operator.register("t_replaced")(type("P", (mx.operator.CustomOpProp,),
                                                {"create_operator": lambda self, c, s, d, cls=cls: cls()}))
        assert nd.Custom(nd.zeros((2,)), op_type="t_replaced").asnumpy().tolist() == [want, want]


# ---- eager calls ---------------------------------------------------------------------------------

def test_eager_forward_and_what_the_operator_sees():
    del SEEN[:]
    x = _arr(2, 3)
    y = nd.Custom(x, op_type="t_cube")
    np.testing.assert_allclose(y.asnumpy(), x.asnumpy() ** 3, rtol=1e-6)
    create, fwd = SEEN
    assert create[0] == "create" and create[1] == mx.cpu() and create[2] == [[2, 3]] and create[3] == [0]
    assert fwd == ("forward", False, ["write"], False, False)
    assert y._ag is None                               # not recorded outside record()


def test_keywords_reach_the_prop_as_strings():
    del SEEN[:]
    y = nd.Custom(nd.array([1.0, 2.0]), op_type="t_affine", scale=3, shift=0.5)
    assert SEEN == [("prop", "3", "0.5")]
    assert y.asnumpy().tolist() == [3.5, 6.5]


def test_arrays_by_name_and_out():
    a, b = _arr(2, 2), _arr(2, 2)
    low, high = nd.Custom(b=b, a=a, op_type="t_minmax")
    np.testing.assert_array_equal(low.asnumpy(), np.minimum(a.asnumpy(), b.asnumpy()))
    np.testing.assert_array_equal(high.asnumpy(), np.maximum(a.asnumpy(), b.asnumpy()))
    o = nd.zeros((2, 2))
    assert nd.Custom(a, op_type="t_cube", out=o) is o
    np.testing.assert_allclose(o.asnumpy(), a.asnumpy() ** 3, rtol=1e-6)


def test_float64_and_an_integer_output_type():
    x = nd.array(RNG.uniform(-1, 1, (3, 4)), dtype="float64")
    assert nd.Custom(x, op_type="t_cube").dtype == np.float64
    i = nd.Custom(x, op_type="t_argmax_row")
    assert i.dtype == np.int32 and i.asnumpy().tolist() == x.asnumpy().argmax(axis=1).tolist()


def test_context_is_the_inputs_and_forward_runs_in_it():
    seen = []

    class Where(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            seen.append(mx.context.current_context())
            self.assign(out_data[0], req[0], in_data[0])

    mx.operator.register("t_where")(type("P", (mx.operator.CustomOpProp,),
                                         {"create_operator": lambda self, c, s, d: Where()}))
    y = nd.Custom(nd.ones((2,), ctx=mx.cpu(0)), op_type="t_where")
    assert seen == [mx.cpu(0)] and y.context == mx.cpu(0)


# ---- the tape -----------------------------------------------------------------------------------

def test_gradient_matches_numeric_and_is_one_tape_node():
    x = nd.array(RNG.uniform(-1, 1, (3, 2)))
    check_numeric_gradient(lambda a: nd.Custom(a, op_type="t_cube") * 2, [x.asnumpy()], numeric_eps=1e-6,
                           rtol=1e-5, atol=1e-7)
    x.attach_grad()
    with autograd.record():
        y = nd.Custom(x, op_type="t_cube")
    assert autograd.get_symbol(y).tojson().count('"op": "Custom"') == 1
    assert '"op": "_power_scalar"' not in autograd.get_symbol(y).tojson()   # forward's own ops: not recorded


def test_is_train_and_recording_seen_by_forward():
    x = nd.ones((2,))
    x.attach_grad()
    del SEEN[:]
    with autograd.record():
        nd.Custom(x, op_type="t_cube")
    with autograd.record(train_mode=False):
        nd.Custom(x, op_type="t_cube")
    with autograd.train_mode():
        nd.Custom(x, op_type="t_cube")
    fwd = [s for s in SEEN if s[0] == "forward"]
    # (is_train, recording inside forward, training inside forward)
    assert [(f[1], f[3], f[4]) for f in fwd] == [(True, False, True), (False, False, False), (True, False, True)]


def test_backward_req_and_zero_in_grad():
    a, b = _arr(2, 2), _arr(2, 2)
    a.attach_grad()
    del SEEN[:]
    with autograd.record():
        y = nd.Custom(a, op_type="t_cube") + b
    y.backward()
    (bwd,) = [s for s in SEEN if s[0] == "backward"]
    assert bwd[1] == ["write"] and not bwd[2][0].any()
    np.testing.assert_allclose(a.grad.asnumpy(), 3 * a.asnumpy() ** 2, rtol=1e-6)


def test_only_inputs_that_need_a_gradient_get_one():
    a, b, head = _arr(3,), _arr(3,), _arr(3,)
    a.attach_grad()
    b.attach_grad(grad_req="null")
    with autograd.record():
        low, high = nd.Custom(a, b, op_type="t_minmax")
    autograd.backward([low, high], [head, head * 2])
    first = a.asnumpy() <= b.asnumpy()
    np.testing.assert_allclose(a.grad.asnumpy(), np.where(first, 1, 2) * head.asnumpy(), rtol=1e-6)
    assert not b.grad.asnumpy().any()


def test_several_outputs_numeric():
    a = RNG.uniform(-1, 1, (2, 3))
    b = a + RNG.choice([-0.5, 0.5], a.shape)       # no ties
    check_numeric_gradient(lambda x, y: [o * (i + 1) for i, o in enumerate(nd.Custom(x, y, op_type="t_minmax"))],
                           [a, b], numeric_eps=1e-6, rtol=1e-5, atol=1e-7)


def test_loss_op_ignores_the_head_and_matches_numeric():
    x = RNG.uniform(-1, 1, (4, 3))
    label = nd.array([0, 2, 1, 2])
    check_numeric_gradient(lambda d: nd.Custom(d, label, op_type="t_softmax_ce"), [x], numeric_eps=1e-6,
                           rtol=1e-5, atol=1e-7)
    xs = nd.array(x)
    xs.attach_grad()
    with autograd.record():
        loss = nd.Custom(xs, label, op_type="t_softmax_ce")
    loss.backward(nd.array([10.0, 10.0, 10.0, 10.0]))      # ignored: need_top_grad=False
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    p[np.arange(4), [0, 2, 1, 2]] -= 1
    np.testing.assert_allclose(xs.grad.asnumpy(), p, rtol=1e-5, atol=1e-6)


def test_aux_state_updates_and_gets_no_gradient():
    x, mean = _arr(4, 3), nd.zeros((3,))
    x.attach_grad()
    with autograd.record():
        y = nd.Custom(x, mean, op_type="t_running_mean")
    y.backward()
    np.testing.assert_allclose(mean.asnumpy(), 0.5 * x.asnumpy().mean(axis=0), rtol=1e-6)
    assert x.grad.asnumpy().tolist() == np.ones((4, 3)).tolist()
    before = mean.asnumpy().copy()
    nd.Custom(x, mean=mean, op_type="t_running_mean")           # inference: is_train False, no update
    np.testing.assert_array_equal(mean.asnumpy(), before)


def test_each_call_gets_its_own_operator():
    a, b = _arr(3,), _arr(3,)
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        ya = nd.Custom(a, op_type="t_stateful")
        yb = nd.Custom(b, op_type="t_stateful")         # a shared instance would overwrite `saved`
        total = ya.sum() + yb.sum()
    total.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), 2 * a.asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(b.grad.asnumpy(), 2 * b.asnumpy(), rtol=1e-6)


def test_grad_req_add_accumulates():
    x = nd.array([1.0, 2.0])
    x.attach_grad(grad_req="add")
    for _ in range(2):
        with autograd.record():
            y = nd.Custom(x, op_type="t_cube")
        y.backward()
    assert x.grad.asnumpy().tolist() == [6.0, 24.0]


def test_create_graph_gives_the_first_derivative():
    x = nd.array([1.0, -2.0])
    x.attach_grad()
    with autograd.record():
        y = nd.Custom(x, op_type="t_cube")
        (g,) = autograd.grad(y, [x], create_graph=True)
    assert g.asnumpy().tolist() == [3.0, 12.0]


def test_no_input_operator_is_not_recorded():
    class Fill(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], 7)

    class FillProp(mx.operator.CustomOpProp):
        def __init__(self, n):
            super().__init__()
            self.n = int(n)

        def list_arguments(self):
            return []

        def infer_shape(self, in_shape):
            return [], [[self.n]], []

        def infer_type(self, in_type):
            return [], [np.float32], []

        def create_operator(self, ctx, in_shapes, in_dtypes):
            return Fill()

    mx.operator.register("t_fill")(FillProp)
    with autograd.record():
        y = nd.Custom(n=3, op_type="t_fill")
    assert y.asnumpy().tolist() == [7, 7, 7] and y._ag is None


# ---- Gluon -----------------------------------------------------------------------------------------

class _Net(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.dense = gluon.nn.Dense(4)
            self.scale = gluon.nn.Dense(4, in_units=4)

    def hybrid_forward(self, F, x):
        h = F.Custom(self.dense(x), op_type="t_affine", scale=0.5, shift=1)
        return F.Custom(self.scale(h), op_type="t_cube")


@pytest.mark.parametrize("hybridize", [False, True])
def test_gluon_block_matches_builtin_ops(hybridize):
    x = _arr(5, 3, lo=-1, hi=1)
    net = _Net()
    net.initialize(mx.init.Xavier())
    if hybridize:
        net.hybridize()
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # runs operator by operator without a warning
        with autograd.record():
            y = net(x)
            loss = (y * y).sum()
    loss.backward()
    w1, b1 = net.dense.weight.data(), net.dense.bias.data()
    w2, b2 = net.scale.weight.data(), net.scale.bias.data()
    for p in (w1, b1, w2, b2):
        p.attach_grad()
    with autograd.record():
        ref = nd.FullyConnected(nd.FullyConnected(x, w1, b1, num_hidden=4) * 0.5 + 1, w2, b2, num_hidden=4) ** 3
        (ref * ref).sum().backward()
    np.testing.assert_allclose(y.asnumpy(), ref.asnumpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(net.dense.weight.grad().asnumpy(), w1.grad.asnumpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(net.scale.bias.grad().asnumpy(), b2.grad.asnumpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(net(x).asnumpy(), ref.asnumpy(), rtol=1e-5, atol=1e-6)   # inference call


def test_hybridized_block_with_an_aux_parameter():
    class Block(gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.mean = self.params.get("mean", shape=(3,), init="zeros", grad_req="null")

        def hybrid_forward(self, F, x, mean):
            return F.Custom(x, mean, op_type="t_running_mean") * 2

    net = Block()
    net.initialize()
    net.hybridize()
    x = _arr(4, 3)
    x.attach_grad()
    with autograd.record():
        y = net(x)
    y.backward()
    assert x.grad.asnumpy().tolist() == np.full((4, 3), 2.0).tolist()
    np.testing.assert_allclose(net.mean.data().asnumpy(), 0.5 * x.asnumpy().mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(y.asnumpy(), 2 * x.asnumpy(), rtol=1e-6)


def test_export_and_symbolblock_import(tmp_path):
    net = _Net()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    x = _arr(2, 3)
    want = net(x).asnumpy()
    prefix = str(tmp_path / "net")
    net.export(prefix)
    text = open(prefix + "-symbol.json").read()
    assert '"op_type": "t_affine"' in text and '"scale": "0.5"' in text
    back = gluon.SymbolBlock.imports(prefix + "-symbol.json", ["data"], prefix + "-0000.params")
    np.testing.assert_allclose(back(x).asnumpy(), want, rtol=1e-6)


# ---- symbols ---------------------------------------------------------------------------------------

def test_symbol_lists_and_inference():
    s = mx.sym.Custom(mx.sym.var("x"), mx.sym.var("m"), op_type="t_running_mean", name="rm")
    assert (s.list_arguments(), s.list_auxiliary_states(), s.list_outputs()) == (["x"], ["m"], ["rm_output"])
    assert s.infer_shape(x=(4, 3)) == ([(4, 3)], [(4, 3)], [(3,)])
    two = mx.sym.Custom(a=mx.sym.var("p"), op_type="t_minmax", name="mm")
    assert two.list_arguments() == ["p", "mm_b"] and two.list_outputs() == ["mm_low", "mm_high"]
    am = mx.sym.Custom(mx.sym.var("x"), op_type="t_argmax_row")
    assert am.infer_type(x=np.float64) == ([np.float64], [np.int32], [])
    assert am.infer_shape(x=(5, 2))[1] == [(5,)]


def test_symbol_bind_forward_backward_and_grad_req_add():
    s = mx.sym.Custom(mx.sym.var("x"), op_type="t_cube") * 2
    x = nd.array([1.0, -1.0, 2.0])
    g = nd.ones((3,))
    ex = s.bind(mx.cpu(), {"x": x}, args_grad={"x": g}, grad_req="add")
    for _ in range(2):
        out = ex.forward(is_train=True)[0]
        ex.backward(nd.array([1.0, 2.0, 3.0]))
    assert out.asnumpy().tolist() == [2.0, -2.0, 16.0]
    assert g.asnumpy().tolist() == [1 + 2 * 6, 1 + 2 * 12, 1 + 2 * 72]


def test_simple_bind_aux_and_loss():
    data = mx.sym.var("data")
    s = mx.sym.Custom(mx.sym.Custom(data, op_type="t_running_mean", name="rm"), mx.sym.var("label"),
                      op_type="t_softmax_ce", name="ce")
    ex = s.simple_bind(mx.cpu(), data=(4, 3), label=(4,))
    x = RNG.uniform(-1, 1, (4, 3))
    ex.arg_dict["data"][:] = x
    ex.arg_dict["label"][:] = nd.array([0, 1, 2, 1])
    ex.forward(is_train=True)
    ex.backward()
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    p[np.arange(4), [0, 1, 2, 1]] -= 1
    np.testing.assert_allclose(ex.grad_dict["data"].asnumpy(), p, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ex.aux_dict["rm_mean"].asnumpy(), 0.5 * x.mean(axis=0), rtol=1e-5)


def test_json_round_trip_keeps_the_string_attributes():
    s = mx.sym.Custom(mx.sym.var("x"), op_type="t_affine", scale=2, shift=-1, name="af")
    back = mx.sym.load_json(s.tojson())
    assert back.attr("scale") == "2" and back.attr("op_type") == "t_affine"
    assert back.eval(x=nd.array([1.0, 3.0]))[0].asnumpy().tolist() == [1.0, 5.0]


def test_trace_of_a_function_holds_the_custom_node():
    s = mx.sym.trace(lambda a: nd.Custom(a, op_type="t_affine", scale=3) + 1, nd.ones((2,)))
    assert s.eval(data=nd.array([1.0, 2.0]))[0].asnumpy().tolist() == [4.0, 7.0]


# ---- operator helpers and the deprecated Python operators ---------------------------------------------

def test_get_all_registered_operators_and_arguments():
    ops = mx.operator.get_all_registered_operators()
    assert isinstance(ops, list) and "Activation" in ops and "Custom" in ops
    args = mx.operator.get_operator_arguments("Activation")
    assert args.names == ["data", "act_type"] and args.narg == 2
    assert args.types[1].startswith("{'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}")
    assert mx.operator.get_operator_arguments("Custom").names == ["data", "op_type"]


def test_numpy_op_default_is_identity_with_unit_gradient():
    with pytest.warns(DeprecationWarning):
        op = mx.operator.NumpyOp()
    s = op.get_symbol(mx.sym.var("X"), name="numpy_op")
    dx = nd.zeros((4,))
    ex = s.bind(mx.cpu(), args=[nd.ones((4,)) * 10], args_grad={"X": dx})
    assert ex.forward(is_train=True)[0].asnumpy().tolist() == [10.0] * 4
    ex.backward(nd.ones((4,)) * 3)
    assert dx.asnumpy().tolist() == [1.0] * 4          # MXNet's default backward writes ones


def test_numpy_and_ndarray_ops_subclassed():
    class NpSquare(mx.operator.NumpyOp):
        def forward(self, in_data, out_data):
            out_data[0][:] = in_data[0] ** 2

        def backward(self, out_grad, in_data, out_data, in_grad):
            in_grad[0][:] = 2 * in_data[0] * out_grad[0]

    class NdSquare(mx.operator.NDArrayOp):
        def forward(self, in_data, out_data):
            out_data[0][:] = in_data[0] * in_data[0]

        def backward(self, out_grad, in_data, out_data, in_grad):
            in_grad[0][:] = 2 * in_data[0] * out_grad[0]

    for cls in (NpSquare, NdSquare):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            s = cls()(mx.sym.var("X"))
        g = nd.zeros((3,))
        ex = s.bind(mx.cpu(), args={"X": nd.array([1.0, 2.0, -3.0])}, args_grad={"X": g})
        assert ex.forward(is_train=True)[0].asnumpy().tolist() == [1.0, 4.0, 9.0]
        ex.backward(nd.ones((3,)))
        assert g.asnumpy().tolist() == [2.0, 4.0, -6.0]
