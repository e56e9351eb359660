"""Custom-operator scenarios run twice: under real MXNet 1.9.1 by
gen_custom_op_mxnet.py (which stores what they observe in custom_op_mxnet.json)
and under gluonx by test_custom_op_mxnet.py, which compares.

`run_all(mx)` takes the library module (``mxnet`` or ``gluonx``) and returns
{case: {observation: JSON value}}: values, gradients, and what the Python
operator saw (is_train, req, the prop's keywords, infer_shape/infer_type
arguments, create_operator arguments).  Only names both libraries share are
used here; nothing here imports either.
"""
import numpy as np

LOG = []          # what the operators and props saw, in call order


def _val(x):
    return np.asarray(x.asnumpy()).tolist()


def _types(ts):
    return [np.dtype(t).name if t is not None else None for t in ts]


def define(mx):
    """Registers the scenario operators under `mx`."""

    class Mult(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            LOG.append({"fwd_is_train": bool(is_train), "fwd_req": list(req)})
            self.assign(out_data[0], req[0], in_data[0] * in_data[1])

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            LOG.append({"bwd_req": list(req), "bwd_out_grad": [_val(g) for g in out_grad],
                        "bwd_out_data": [_val(o) for o in out_data]})
            self.assign(in_grad[0], req[0], out_grad[0] * in_data[1])
            self.assign(in_grad[1], req[1], out_grad[0] * in_data[0])

    @mx.operator.register("cases_mult")
    class MultProp(mx.operator.CustomOpProp):
        def __init__(self, **kwargs):
            LOG.append({"prop_kwargs": dict(sorted(kwargs.items()))})
            super(MultProp, self).__init__(need_top_grad=True)

        def list_arguments(self):
            return ["lhs", "rhs"]

        def infer_shape(self, in_shape):
            LOG.append({"infer_shape": [list(s) for s in in_shape]})
            return in_shape, [in_shape[0]], []

        def infer_type(self, in_type):
            LOG.append({"infer_type": _types(in_type)})
            return in_type, [in_type[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            LOG.append({"create": [str(ctx), [list(s) for s in shapes], list(dtypes)]})
            return Mult()

    class TwoOut(mx.operator.CustomOp):
        """A loss-style operator: 2x and x + 1; its gradient ignores the head (5 * x)."""

        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * 2)
            self.assign(out_data[1], req[1], in_data[0] + 1)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], in_data[0] * 5)

    @mx.operator.register("cases_two_out")
    class TwoOutProp(mx.operator.CustomOpProp):
        def __init__(self):
            super(TwoOutProp, self).__init__(need_top_grad=False)

        def list_outputs(self):
            return ["out", "extra"]

        def create_operator(self, ctx, shapes, dtypes):
            return TwoOut()

    class Sqr(mx.operator.CustomOp):
        """x * x, counting its calls in the aux state."""

        def forward(self, is_train, req, in_data, out_data, aux):
            aux[0][:] = aux[0] + 1
            self.assign(out_data[0], req[0], in_data[0] * in_data[0])

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], 2 * in_data[0] * out_grad[0])

    @mx.operator.register("cases_sqr")
    class SqrProp(mx.operator.CustomOpProp):
        def list_auxiliary_states(self):
            return ["count"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0]], [in_shape[0]]

        def create_operator(self, ctx, shapes, dtypes):
            return Sqr()

    class Ones(mx.operator.CustomOp):
        def __init__(self, shape):
            super(Ones, self).__init__()
            self.shape = shape

        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], np.ones(self.shape, dtype=np.float32))

    @mx.operator.register("cases_ones")
    class OnesProp(mx.operator.CustomOpProp):
        def __init__(self, rows, cols):
            super(OnesProp, self).__init__()
            self.shape = (int(rows), int(cols))

        def list_arguments(self):
            return []

        def infer_shape(self, in_shape):
            return [], [self.shape], []

        def infer_type(self, in_type):
            return [], [np.float32], []

        def create_operator(self, ctx, shapes, dtypes):
            return Ones(self.shape)

    class Scale(mx.operator.CustomOp):
        """data * weight (weight broadcast over rows)."""

        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], mx.nd.broadcast_mul(in_data[0], in_data[1].reshape((1, -1))))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            w = in_data[1].reshape((1, -1))
            self.assign(in_grad[0], req[0], mx.nd.broadcast_mul(out_grad[0], w))
            self.assign(in_grad[1], req[1], mx.nd.sum(out_grad[0] * in_data[0], axis=0))

    @mx.operator.register("cases_scale")
    class ScaleProp(mx.operator.CustomOpProp):
        def list_arguments(self):
            return ["data", "weight"]

        def infer_shape(self, in_shape):       # fills the weight's shape from the data's
            d = in_shape[0]
            return [d, [d[1]]], [d], []

        def create_operator(self, ctx, shapes, dtypes):
            return Scale()

    class Sigmoid(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], 1.0 / (1.0 + mx.nd.exp(-in_data[0])))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            y = out_data[0]
            self.assign(in_grad[0], req[0], out_grad[0] * y * (1.0 - y))

    @mx.operator.register("cases_sigmoid")
    class SigmoidProp(mx.operator.CustomOpProp):
        def create_operator(self, ctx, shapes, dtypes):
            return Sigmoid()


def _take_log():
    got = list(LOG)
    del LOG[:]
    return got


A = [[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]]
B = [[2.0, 0.5, -1.0], [3.0, -2.0, 1.0]]
HEAD = [[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]


def run_all(mx):
    define(mx)
    nd, ag = mx.nd, mx.autograd
    out = {}
    _take_log()

    # eagerly: keywords reach the prop as strings; what infer/create/forward see
    a, b = nd.array(A), nd.array(B)
    y = nd.Custom(a, b, op_type="cases_mult", foo=3, bar=(1, 2), baz="x", flag=True)
    out["eager"] = {"y": _val(y), "log": _take_log()}

    # float64 inputs: the types infer_type and create_operator get
    y = nd.Custom(nd.array(A, dtype="float64"), nd.array(B, dtype="float64"), op_type="cases_mult")
    out["float64"] = {"y": _val(y), "dtype": np.dtype(y.dtype).name, "log": _take_log()}

    # recorded, one input needing a gradient: req 'null' for the other
    a, b = nd.array(A), nd.array(B)
    a.attach_grad()
    with ag.record():
        y = nd.Custom(a, b, op_type="cases_mult")
    y.backward(nd.array(HEAD))
    out["record_one_grad"] = {"a_grad": _val(a.grad), "log": _take_log()}

    # grad_req='add' and train_mode=False: accumulated values
    a, b = nd.array(A), nd.array(B)
    a.attach_grad(grad_req="add")
    b.attach_grad()
    a.grad[:] = 100
    with ag.record(train_mode=False):
        y = nd.Custom(a, b, op_type="cases_mult")
    y.backward()
    out["record_add"] = {"a_grad": _val(a.grad), "b_grad": _val(b.grad),
                         "fwd_is_train": [e["fwd_is_train"] for e in _take_log() if "fwd_is_train" in e]}

    # the symbol, bound with grad_req add / write
    sa, sb = mx.sym.var("a"), mx.sym.var("b")
    s = mx.sym.Custom(sa, sb, op_type="cases_mult", name="m", scale=2.5)
    res = {"arguments": s.list_arguments(), "outputs": s.list_outputs(),
           "infer_shape": [[list(x) for x in part] for part in s.infer_shape(a=(2, 3), b=(2, 3))],
           "attr_scale": s.attr("scale")}
    ga, gb = nd.ones((2, 3)) * 100, nd.zeros((2, 3))
    ex = s.bind(mx.cpu(), {"a": nd.array(A), "b": nd.array(B)}, args_grad={"a": ga, "b": gb},
                grad_req={"a": "add", "b": "write"})
    ex.forward(is_train=True)
    ex.backward(nd.array(HEAD))
    res.update(y=_val(ex.outputs[0]), a_grad=_val(ga), b_grad=_val(gb))
    log = _take_log()
    res["prop_kwargs"] = [e["prop_kwargs"] for e in log if "prop_kwargs" in e][:1]
    res["fwd_is_train"] = [e["fwd_is_train"] for e in log if "fwd_is_train" in e]
    out["symbol_bind"] = res

    # a missing input becomes a variable named after the node and the prop's argument name
    out["symbol_missing_input"] = mx.sym.Custom(lhs=sa, op_type="cases_mult", name="p").list_arguments()
    _take_log()

    # two outputs, need_top_grad=False (a loss): the gradient ignores the head
    x = nd.array(A)
    x.attach_grad()
    with ag.record():
        y = nd.Custom(x, op_type="cases_two_out")
    y[0].backward(nd.array(HEAD))
    g0 = _val(x.grad)
    with ag.record():
        y = nd.Custom(x, op_type="cases_two_out")
    ag.backward(y, [nd.array(HEAD), nd.array(HEAD)])
    s = mx.sym.Custom(mx.sym.var("data"), op_type="cases_two_out", name="L")
    ex = s.simple_bind(mx.cpu(), data=(2, 3))
    ex.arg_dict["data"][:] = nd.array(A)
    ex.forward(is_train=True)
    ex.backward()
    out["two_outputs_loss"] = {"n_out": len(y), "y0": _val(y[0]), "y1": _val(y[1]), "grad_first": g0,
                               "grad_both": _val(x.grad), "sym_outputs": s.list_outputs(),
                               "exec_grad": _val(ex.grad_dict["data"]),
                               "exec_outputs": [_val(o) for o in ex.outputs]}

    # aux states: eager, recorded, and in a bound symbol
    x, count = nd.array(A), nd.zeros((2, 3))
    x.attach_grad()
    with ag.record():
        y = nd.Custom(x, count, op_type="cases_sqr")
    y.backward(nd.array(HEAD))
    res = {"y": _val(y), "x_grad": _val(x.grad), "count": _val(count)}
    s = mx.sym.Custom(data=mx.sym.var("data"), count=mx.sym.var("count"), op_type="cases_sqr", name="sq")
    res.update(arguments=s.list_arguments(), aux=s.list_auxiliary_states(),
               infer_shape=[[list(v) for v in part] for part in s.infer_shape(data=(2, 3))])
    ex = s.simple_bind(mx.cpu(), data=(2, 3))
    ex.arg_dict["data"][:] = nd.array(B)
    ex.forward(is_train=True)
    ex.backward(nd.array(HEAD))
    ex.forward(is_train=False)
    res.update(exec_grad=_val(ex.grad_dict["data"]), exec_count=_val(ex.aux_dict["count"]))
    out["aux"] = res

    # no inputs: the shape comes from keywords
    y = nd.Custom(rows=2, cols=4, op_type="cases_ones")
    out["no_inputs"] = {"y": _val(y)}

    # the prop fills an input's shape (backward shape inference)
    s = mx.sym.Custom(mx.sym.var("data"), op_type="cases_scale", name="sc")
    arg, o, aux = s.infer_shape(data=(2, 3))
    ex = s.simple_bind(mx.cpu(), data=(2, 3))
    ex.arg_dict["data"][:] = nd.array(A)
    ex.arg_dict["sc_weight"][:] = nd.array([0.5, -1.0, 2.0])
    ex.forward(is_train=True)
    ex.backward(nd.array(HEAD))
    out["infer_weight"] = {"arguments": s.list_arguments(), "arg_shapes": [list(v) for v in arg],
                           "y": _val(ex.outputs[0]), "data_grad": _val(ex.grad_dict["data"]),
                           "weight_grad": _val(ex.grad_dict["sc_weight"])}

    # Gluon: Dense + the custom sigmoid, eager and hybridized, on fixed weights
    res = {}
    for hybrid in (False, True):
        net = _net(mx)
        net.initialize()
        net.dense.weight.set_data(nd.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]))
        net.dense.bias.set_data(nd.array([0.05, -0.05]))
        if hybrid:
            net.hybridize()
        x = nd.array(A)
        with ag.record():
            y = net(x)
            loss = (y * nd.array([[1.0, 2.0], [3.0, -1.0]])).sum()
        loss.backward()
        res["hybrid" if hybrid else "eager"] = {"y": _val(y), "w_grad": _val(net.dense.weight.grad()),
                                                "b_grad": _val(net.dense.bias.grad())}
    out["gluon"] = res
    return out


def _net(mx):
    class Net(mx.gluon.HybridBlock):
        def __init__(self, **kwargs):
            super(Net, self).__init__(**kwargs)
            with self.name_scope():
                self.dense = mx.gluon.nn.Dense(2, in_units=3)

        def hybrid_forward(self, F, x):
            return F.Custom(self.dense(x), op_type="cases_sigmoid")
    return Net()
