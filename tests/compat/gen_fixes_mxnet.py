"""Writes fixes_mxnet.json: MXNet 1.9.1's answers for the behaviours of issue 14, item 4
(test_fixes_mxnet.py replays them on gluonx).  Run with MXNet's venv:

    MXNET_SUBGRAPH_BACKEND=NONE /work/mx-ref/bin/python tests/compat/gen_fixes_mxnet.py

Sections: SELU's gradient, BatchNorm (operator and Gluon layer, inference and training,
fix_gamma / use_global_stats / scale=False through Trainer steps), CTCLoss with
blank_label='last', scalar ** array gradients, arcsinh/arccosh second derivatives,
second derivatives of piecewise-constant first derivatives, seeded samplers called
positionally, signatures, pooling layers called positionally, creation with out=,
__setitem__ with extra leading size-1 axes, Embedding(sparse_grad=True), Trainer(kvstore=)
on one device, and a model written by Block.save.
"""
import base64
import inspect
import json
import os
import sys
import tempfile

import numpy as np
import mxnet as mx
from mxnet import autograd as ag, gluon, nd
from mxnet.gluon import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixes_mxnet.json")
R = {}


def L(a):
    """An NDArray / array as a nested list of Python floats."""
    a = a.asnumpy() if hasattr(a, "asnumpy") else np.asarray(a)
    return a.astype(np.float64).tolist()


def rs(seed):
    return np.random.RandomState(seed)


# ---- SELU ---------------------------------------------------------------------------------
x = np.array([-3, -1, -0.2, 0, 0.3, 2], np.float32)
head = np.array([1, 0.5, 2, 1, -1, 3], np.float32)
xa = nd.array(x)
xa.attach_grad()
with ag.record():
    y = nd.LeakyReLU(xa, act_type="selu")
y.backward(nd.array(head))
R["selu"] = {"x": L(x), "head": L(head), "out": L(y), "grad": L(xa.grad)}
net = nn.SELU()
xa = nd.array(x)
xa.attach_grad()
with ag.record():
    y = net(xa)
y.backward(nd.array(head))
R["selu"]["gluon_grad"] = L(xa.grad)

# ---- BatchNorm, the operator --------------------------------------------------------------
r = rs(0)
bx = r.randn(2, 3, 2, 2).astype("f")
bg = (r.rand(3) + 0.5).astype("f")
bb = r.randn(3).astype("f")
bm = r.randn(3).astype("f")
bv = (r.rand(3) + 0.5).astype("f")
bhead = (np.arange(24).reshape(bx.shape) / 10).astype("f")
R["bn"] = {"x": L(bx), "gamma": L(bg), "beta": L(bb), "mean": L(bm), "var": L(bv), "head": L(bhead),
           "cases": []}
for fg in (True, False):
    for ugs in (True, False):
        infer = nd.BatchNorm(nd.array(bx), nd.array(bg), nd.array(bb), nd.array(bm), nd.array(bv),
                             fix_gamma=fg, use_global_stats=ugs, eps=1e-3)
        xx, gg, bbb = nd.array(bx), nd.array(bg), nd.array(bb)
        for a in (xx, gg, bbb):
            a.attach_grad()
        m, v = nd.array(bm), nd.array(bv)
        with ag.record():
            out = nd.BatchNorm(xx, gg, bbb, m, v, fix_gamma=fg, use_global_stats=ugs, eps=1e-3, momentum=0.8)
        out.backward(nd.array(bhead))
        R["bn"]["cases"].append({"fix_gamma": fg, "use_global_stats": ugs, "infer": L(infer), "train": L(out),
                                 "grad_x": L(xx.grad), "grad_gamma": L(gg.grad), "grad_beta": L(bbb.grad),
                                 "moving_mean": L(m), "moving_var": L(v)})

# ---- BatchNorm, the Gluon layer through Trainer steps -------------------------------------
R["gluon_bn"] = []
for scale in (True, False):
    for ugs in (False, True):
        for hyb in (False, True):
            layer = nn.BatchNorm(scale=scale, use_global_stats=ugs, in_channels=3, momentum=0.8)
            layer.initialize()
            if scale:
                layer.gamma.set_data(nd.array(bg))
            layer.beta.set_data(nd.array(bb))
            layer.running_mean.set_data(nd.array(bm))
            layer.running_var.set_data(nd.array(bv))
            if hyb:
                layer.hybridize()
            predict = layer(nd.array(bx))
            tr = gluon.Trainer(layer.collect_params(), "sgd", {"learning_rate": 0.05, "wd": 0.1, "momentum": 0.9})
            trains = []
            for _ in range(2):
                with ag.record():
                    out = layer(nd.array(bx))
                out.backward(nd.array(bhead))
                tr.step(2)
                trains.append(L(out))
            R["gluon_bn"].append({"scale": scale, "use_global_stats": ugs, "hybridize": hyb, "predict": L(predict),
                                  "train": trains, "gamma": L(layer.gamma.data()), "beta": L(layer.beta.data()),
                                  "running_mean": L(layer.running_mean.data()),
                                  "running_var": L(layer.running_var.data()),
                                  "after": L(layer(nd.array(bx)))})

# ---- CTCLoss --------------------------------------------------------------------------------
cx = rs(1).randn(5, 2, 4).astype("f")
R["ctc"] = {"data": L(cx), "cases": []}
for blank, lab, dl, ll in [
        ("last", [[0, 1, 2], [2, 1, -1]], None, None),
        ("last", [[0, 1, 2], [2, 1, 3]], None, None),       # 3 is the blank's index
        ("last", [[3, 0, 0], [1, 3, 2]], None, None),
        ("last", [[0, 1, 3], [3, 3, 1]], [5, 4], [3, 2]),
        ("last", [[2, 1, 3], [3, 2, 2]], [5, 5], [2, 3]),
        ("first", [[1, 2, 3], [2, 1, 0]], None, None),
        ("first", [[0, 3, 3], [3, 3, 1]], [5, 5], [1, 2])]:
    d = nd.array(cx)
    d.attach_grad()
    args = [nd.array(lab)]
    kw = {"blank_label": blank}
    if dl is not None:
        args += [nd.array(dl), nd.array(ll)]
        kw.update(use_data_lengths=True, use_label_lengths=True)
    with ag.record():
        loss = nd.CTCLoss(d, *args, **kw)
    loss.backward()
    R["ctc"]["cases"].append({"blank_label": blank, "label": lab, "data_lengths": dl, "label_lengths": ll,
                              "loss": L(loss), "grad": L(d.grad)})
R["ctc"]["gluon"] = []
for shape, lab, pl, ll in [((2, 20, 4), [[1, 0, -1, -1], [2, 1, 1, -1]], None, None),
                           ((2, 20, 4), [[2, 1, 2, 2], [3, 2, 2, 2]], None, [2, 3]),
                           ((2, 25, 4), [[2, 1, 3, 3], [3, 2, 2, 3]], [20, 20], [2, 3])]:
    loss = gluon.loss.CTCLoss()(nd.ones(shape), nd.array(lab), None if pl is None else nd.array(pl),
                                None if ll is None else nd.array(ll))
    R["ctc"]["gluon"].append({"shape": shape, "label": lab, "pred_lengths": pl, "label_lengths": ll,
                              "loss": L(loss)})

# ---- scalar ** array ------------------------------------------------------------------------
px = np.array([0.5, -1.0, 2.0, 0.0], np.float32)
R["rpow"] = {"x": L(px)}
for name, fn in [("two_pow_x", lambda a: 2 ** a), ("rpow3", lambda a: a.__rpow__(3)),
                 ("power_base2", lambda a: nd.power(base=2, exp=a)),
                 ("power_exp2", lambda a: nd.power(base=a, exp=2)),
                 ("power_arrays", lambda a: nd.power(base=nd.array([1.5, 2, 3, 0.5]), exp=a))]:
    a = nd.array(px)
    a.attach_grad()
    with ag.record():
        y = fn(a)
    y.backward()
    R["rpow"][name] = {"out": L(y), "grad": L(a.grad)}

# ---- second derivatives -------------------------------------------------------------------
def second(fn, xs, head1, head2):
    a = nd.array(xs)
    a.attach_grad()
    with ag.record():
        y = fn(a)
        g = ag.grad(y, a, head_grads=nd.array(head1), create_graph=True, retain_graph=True)[0]
    g.backward(nd.array(head2))
    return {"x": L(xs), "head1": L(head1), "head2": L(head2), "first": L(g), "second": L(a.grad)}


sx = np.array([0.5, -1.0, 2.0, -0.3, 1.0], np.float32)
h1 = np.array([1.0, 0.5, -2.0, 1.5, 1.0], np.float32)
h2 = np.array([0.7, -1.0, 1.0, 2.0, -0.5], np.float32)
R["second"] = {}
for name, fn, xs in [("arcsinh", nd.arcsinh, sx), ("arccosh", nd.arccosh, np.array([1.5, 3, 2, 1.2, 5], "f")),
                     ("relu", nd.relu, sx), ("radians", nd.radians, sx), ("abs", nd.abs, sx),
                     ("clip", lambda a: nd.clip(a, -0.8, 1.0), sx), ("floor", nd.floor, sx), ("ceil", nd.ceil, sx),
                     ("round", nd.round, sx), ("rint", nd.rint, sx), ("fix", nd.fix, sx),
                     ("trunc", nd.trunc, sx), ("dropout_p0", lambda a: nd.Dropout(a, p=0.0), sx),
                     ("dropout_predict", lambda a: nd.Dropout(a, p=0.5), sx),
                     ("sigmoid", nd.sigmoid, sx), ("log", nd.log, np.abs(sx) + 0.5)]:
    try:
        R["second"][name] = second(fn, xs, h1, h2)
    except mx.base.MXNetError as e:
        R["second"][name] = {"error": str(e).splitlines()[-1][:200]}

# ---- seeded samplers called positionally ---------------------------------------------------
R["random"] = {}
for name, call in [
        ("random_exponential_lam", lambda: nd.random_exponential(4.0, (20,))),
        ("random_exponential_f64", lambda: nd.random_exponential(0.5, (10,), mx.cpu(), "float64")),
        ("random_exponential_kw", lambda: nd.random_exponential(lam=2.0, shape=(10,))),
        ("random.exponential_scale", lambda: nd.random.exponential(2.0, (10,), "float64")),
        ("random_poisson", lambda: nd.random_poisson(3.0, (10,), mx.cpu(), "float64")),
        ("random_uniform", lambda: nd.random_uniform(-1, 2, (10,), mx.cpu(), "float64")),
        ("uniform", lambda: nd.uniform(-1, 2, (10,), mx.cpu(), "float64")),
        ("random_normal", lambda: nd.random_normal(1, 2, (10,), mx.cpu(), "float64")),
        ("normal", lambda: nd.normal(1, 2, (10,), mx.cpu(), "float64")),
        ("random_gamma", lambda: nd.random_gamma(2.0, 1.5, (10,), mx.cpu(), "float64")),
        ("random_randint", lambda: nd.random_randint(0, 100, (10,), mx.cpu(), "int64")),
        ("random.uniform", lambda: nd.random.uniform(-1, 2, (10,), "float64", mx.cpu())),
        ("random.normal", lambda: nd.random.normal(1, 2, (10,), "float64", mx.cpu())),
        ("random.gamma", lambda: nd.random.gamma(2.0, 1.5, (10,), "float64", mx.cpu())),
        ("random.poisson", lambda: nd.random.poisson(3.0, (10,), "float64", mx.cpu())),
        ("random.randint", lambda: nd.random.randint(0, 100, (10,), "int64", mx.cpu())),
        ("random.randn", lambda: nd.random.randn(2, 5, dtype="float64"))]:
    mx.random.seed(7)
    a = call()
    R["random"][name] = {"dtype": str(a.dtype.__name__ if hasattr(a.dtype, "__name__") else a.dtype),
                         "values": L(a)}
mult = nd.random.multinomial(nd.array([[0.2, 0.8], [0.5, 0.5]]), 3, False, None, "float32")
R["random"]["random.multinomial"] = {"dtype": np.dtype(mult.dtype).name, "shape": list(mult.shape)}


# ---- signatures --------------------------------------------------------------------------------
def sig(f):
    s = inspect.signature(f.__init__ if inspect.isclass(f) else f)
    ps = list(s.parameters.values())[1 if inspect.isclass(f) else 0:]
    return [[p.name, p.kind.name, None if p.default is p.empty else repr(p.default)] for p in ps]


SIG_NAMES = {"nd": ["random_uniform", "random_normal", "random_gamma", "random_exponential", "random_poisson",
                    "random_randint", "uniform", "normal", "sample_multinomial", "power", "maximum", "minimum",
                    "add", "subtract", "multiply", "divide", "modulo", "equal", "not_equal", "greater",
                    "greater_equal", "lesser", "lesser_equal", "empty", "full", "zeros", "ones", "arange",
                    "linspace", "eye", "array", "from_dlpack", "from_numpy", "to_dlpack_for_read",
                    "to_dlpack_for_write", "broadcast_to", "concatenate", "onehot_encode", "waitall",
                    "load", "save"],
             "nd.random": ["uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
                           "multinomial", "shuffle"]}
R["signatures"] = {}
for space, names in SIG_NAMES.items():
    mod = nd if space == "nd" else nd.random
    for n in names:
        R["signatures"][space + "." + n] = sig(getattr(mod, n))
for space, mod in (("nn", nn), ("loss", gluon.loss)):
    for n in dir(mod):
        f = getattr(mod, n)
        if inspect.isclass(f) and not n.startswith("_") and issubclass(f, gluon.Block):
            R["signatures"][space + "." + n] = sig(f)
R["signatures"]["gluon.Trainer"] = sig(gluon.Trainer)
R["signatures"]["data.DataLoader"] = sig(gluon.data.DataLoader)
R["signatures"]["NDArray.broadcast_to"] = sig(nd.NDArray.broadcast_to)

# ---- pooling layers called positionally --------------------------------------------------------
p2 = rs(2).randn(1, 2, 5, 5).astype("f")
p3 = rs(3).randn(1, 2, 3, 3, 3).astype("f")
R["pool"] = {"x2": L(p2), "x3": L(p3)}
for name, ctor, data in [("AvgPool2D", lambda: nn.AvgPool2D(2, 2, 0, True), p2),
                         ("AvgPool2D_nopad", lambda: nn.AvgPool2D(3, 2, 1, True, "NCHW", False), p2),
                         ("MaxPool2D", lambda: nn.MaxPool2D(2, 2, 0, "NCHW", True), p2),
                         ("AvgPool3D", lambda: nn.AvgPool3D(2, 2, 0, True), p3),
                         ("MaxPool3D", lambda: nn.MaxPool3D(2, 2, 0, True), p3),
                         ("MaxPool1D", lambda: nn.MaxPool1D(2, 2, 0, "NCW", True), p2[:, :, 0]),
                         ("AvgPool1D", lambda: nn.AvgPool1D(2, 2, 0, "NCW", True, False), p2[:, :, 0])]:
    R["pool"][name] = L(ctor()(nd.array(data)))

# ---- creation with out=, __setitem__ with leading size-1 axes ----------------------------------
o = nd.zeros((2, 3))
nd.ones((2, 3), out=o)
o2 = nd.ones((2, 3))
nd.zeros((2, 3), out=o2)
o3 = nd.zeros((2, 3))
nd.full((2, 3), 4.5, out=o3)
R["creation_out"] = {"ones": L(o), "zeros": L(o2), "full": L(o3),
                     "full_val": L(nd.full((2,), val=7)), "empty_stype": list(nd.empty((2, 2), stype="default").shape)}
R["setitem"] = []
for key, vshape in [(0, (1, 4)), ((slice(0, 2),), (1, 1, 2, 4)), ((1, 2), (1, 1)), ((slice(None), 1), (1, 3)),
                    ((0, slice(None, None, 2)), (1, 1, 2)), ((Ellipsis,), (1, 3, 4)), (1, (1, 1, 1, 4))]:
    a = nd.zeros((3, 4))
    v = np.arange(int(np.prod(vshape)), dtype=np.float32).reshape(vshape) + 1
    a[key] = nd.array(v)
    b = nd.zeros((3, 4))
    b[key] = v
    enc = [{"slice": [k.start, k.stop, k.step]} if isinstance(k, slice) else ("..." if k is Ellipsis else k)
           for k in (key if isinstance(key, tuple) else (key,))]
    R["setitem"].append({"key": enc, "value": L(v), "nd": L(a), "np": L(b)})

# ---- Embedding(sparse_grad=True) ------------------------------------------------------------
emb = nn.Embedding(5, 3, sparse_grad=True)
emb.initialize(mx.init.Constant(0.5))
emb.weight.set_data(nd.array(rs(4).randn(5, 3).astype("f")))
w0 = emb.weight.data().asnumpy()
tr = gluon.Trainer(emb.collect_params(), "sgd", {"learning_rate": 0.1})
idx = nd.array([[0, 2], [2, 4]])
with ag.record():
    out = emb(idx)
out.backward(nd.array(rs(5).randn(2, 2, 3).astype("f")))
R["embedding_sparse"] = {"weight": L(w0), "index": L(idx), "head": L(rs(5).randn(2, 2, 3).astype("f")),
                         "grad": L(emb.weight.grad().tostype("default")),
                         "grad_stype": emb.weight.grad().stype}
tr.step(1)
R["embedding_sparse"]["after_sgd"] = L(emb.weight.data())

# ---- Trainer(kvstore=...) on one device --------------------------------------------------------
R["trainer_kv"] = {}
for kv in ("local", "device", None):
    p = gluon.Parameter("w", shape=(4,))
    p.initialize(mx.init.Constant(1.0))
    tr = gluon.Trainer([p], "sgd", {"learning_rate": 0.5, "momentum": 0.9, "wd": 0.01}, kvstore=kv)
    for step in range(3):
        with ag.record():
            loss = (p.data() * nd.array([1.0, -2.0, 3.0, 0.5])).sum() + (p.data() ** 2).sum()
        loss.backward()
        tr.step(2)
    R["trainer_kv"][str(kv)] = {"w": L(p.data()), "kvstore_is_none": tr._kvstore is None,
                                "update_on_kvstore": tr._update_on_kvstore}

# ---- Block.save -------------------------------------------------------------------------------
def block_net():
    net = nn.HybridSequential()
    net.add(nn.Dense(3, in_units=4, activation="relu"), nn.Dense(2, in_units=3))
    return net


net = block_net()
net.initialize(mx.init.Xavier())
bxin = rs(6).randn(2, 4).astype("f")
net.hybridize()
bout = net(nd.array(bxin))
with tempfile.TemporaryDirectory() as tmp:
    prefix = os.path.join(tmp, "m")
    net.save(prefix)
    with open(prefix + "-model.json") as f:
        model_json = f.read()
    with open(prefix + "-model.params", "rb") as f:
        params_b64 = base64.b64encode(f.read()).decode()
R["block_save"] = {"x": L(bxin), "out": L(bout), "model_json": model_json, "params_b64": params_b64,
                   "names": [net.name] + [c.name for c in net._children.values()]}

R["mxnet"] = mx.__version__
with open(OUT, "w") as f:
    json.dump(R, f, separators=(",", ":"))
print("wrote", OUT, os.path.getsize(OUT), "bytes", file=sys.stderr)
