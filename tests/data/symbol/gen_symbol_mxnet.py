"""Generates the Symbol / JSON-graph / export reference data in tests/data/symbol/ with a real
Apache MXNet 1.9.1 (never with gluonx).  Run from the repository root:

    MXNET_SUBGRAPH_BACKEND=NONE /work/mx-ref/bin/python tests/data/symbol/gen_symbol_mxnet.py

(/work/mx-ref is a venv with mxnet==1.9.1, numpy<1.24 and the `graphviz` PyPI package.)

Files written next to this script:

* symbol_cases.json        -- code strings that build a Symbol (symbol_case_defs.py) plus what MXNet
  reports for them
* mlp-symbol.json, cnn-symbol.json     -- written by MXNet's Symbol.save
* legacy-symbol.json       -- hand-written MXNet 0.8-era JSON ("param"/"attr"/"backward_source_id")
* resnet18_v1-symbol.json  -- model-zoo resnet18_v1 symbol (no params)
* json_files.json          -- what MXNet reports after mx.sym.load of each JSON file above
* <model>-symbol.json, <model>-0000.params  -- HybridBlock.export of five small Gluon models;
  .params files over 100 kB are stored as <model>-0000.params.gz (gzip of MXNet's exact bytes),
  and all exported parameters are rounded to multiples of 2**-10 so that they compress
* exported_outputs.npz     -- <model>_input / <model>_output of those models (predict mode)
* exported_names.json      -- node names / ops of every exported graph, in JSON order
* print_summary.json       -- captured stdout of mx.viz.print_summary
* plot_network.json        -- dot source of mx.viz.plot_network
* executor_cases.json/.npz -- simple_bind forward/backward reference values
* autograd_get_symbol.json -- mx.autograd.get_symbol of a small recorded graph

Every case code string uses only `mx` (and `np`) so that the gluonx tests can evaluate the same
strings with `mx` bound to gluonx.  Each case is evaluated inside a fresh
`with mx.name.NameManager():` block so that auto-name counters restart at 0 for every case.
"""
import contextlib
import gzip
import io
import json
import os
import re
import shutil
import sys
import tempfile
import warnings

import numpy as np
import mxnet as mx

from symbol_case_defs import all_cases   # this script's folder is on sys.path

HERE = os.path.dirname(os.path.abspath(__file__))


def out_path(name):
    return os.path.join(HERE, name)


def write_json(name, obj):
    with open(out_path(name), "w") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")


def err_record(e):
    """{'error': class name, 'error_message': message without the C++ traceback frames}."""
    msg = str(e)
    lines = [ln for ln in msg.splitlines()
             if not ln.startswith("Traceback") and not ln.startswith("  File ")]
    msg = "\n".join(lines).strip()
    msg = re.sub(r"\[\d\d:\d\d:\d\d\] ", "", msg)  # drop the log timestamps
    if len(msg) > 1500:
        msg = msg[:1500] + "...<truncated>"
    return {"error": type(e).__name__, "error_message": msg}


def safe(fn):
    try:
        return fn()
    except Exception as e:  # pylint: disable=broad-except
        return err_record(e)


def shapes_json(res):
    arg, out, aux = res
    conv = lambda lst: None if lst is None else [list(s) for s in lst]
    return {"arg": conv(arg), "out": conv(out), "aux": conv(aux)}


def types_json(res):
    arg, out, aux = res
    conv = lambda lst: None if lst is None else [None if t is None else np.dtype(t).name for t in lst]
    return {"arg": conv(arg), "out": conv(out), "aux": conv(aux)}


def run_code(code, mode):
    """Evaluate a case code string in a fresh NameManager.  mode 'eval': the code is an expression;
    mode 'exec': the code is a statement block that assigns the result to `sym`."""
    ns = {"mx": mx, "np": np}
    with mx.name.NameManager():
        if mode == "eval":
            return eval(code, ns)  # pylint: disable=eval-used
        exec(code, ns)  # pylint: disable=exec-used
        return ns["sym"]


def quiet(fn):
    """MXNet prints 'infer_shape error. Arguments: ...' to stdout on failures; swallow it."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def symbol_results(sym, shapes=None, dtypes=None):
    r = {}
    if sym is None:
        return {"is_none": True}
    r["type"] = type(sym).__name__
    r["list_arguments"] = safe(sym.list_arguments)
    r["list_outputs"] = safe(sym.list_outputs)
    r["list_auxiliary_states"] = safe(sym.list_auxiliary_states)
    r["list_inputs"] = safe(sym.list_inputs)
    r["num_outputs"] = safe(lambda: len(sym))
    try:
        r["name"] = sym.name
    except Exception:  # pylint: disable=broad-except
        r["name"] = None
    r["tojson"] = safe(sym.tojson)
    r["attr_dict"] = safe(sym.attr_dict)
    r["list_attr"] = safe(sym.list_attr)
    if shapes is not None:
        shp = {k: tuple(v) for k, v in shapes.items()}
        r["infer_shape"] = safe(lambda: shapes_json(quiet(lambda: sym.infer_shape(**shp))))
        r["infer_shape_partial"] = safe(
            lambda: shapes_json(quiet(lambda: sym.infer_shape_partial(**shp))))
    if dtypes is not None:
        r["infer_type"] = safe(lambda: types_json(quiet(lambda: sym.infer_type(**dtypes))))
        r["infer_type_partial"] = safe(
            lambda: types_json(quiet(lambda: sym.infer_type_partial(**dtypes))))
    return r


# ----------------------------------------------------------------------------------------------
# 1. symbol_cases.json (the cases: symbol_case_defs.py)
# ----------------------------------------------------------------------------------------------

def gen_symbol_cases():
    cases = all_cases()
    for c in cases:
        try:
            sym = run_code(c["code"], c["mode"])
        except Exception as e:  # pylint: disable=broad-except
            c["results"] = {"build": err_record(e)}
            continue
        c["results"] = symbol_results(sym, c.get("shapes"), c.get("dtypes"))
    doc = {
        "mxnet_version": mx.__version__,
        "note": ("Each case's code is run inside a fresh `with mx.name.NameManager():` block, so "
                 "auto-name counters (fullyconnected0, _plusscalar0, ...) restart at 0 per case. "
                 "mode 'eval': code is an expression evaluated with eval(code, {'mx': mx, 'np': np}); "
                 "mode 'exec': code is a statement block executed with exec in the same kind of "
                 "namespace and the result is the variable `sym`. 'shapes' -> infer_shape(**shapes) "
                 "and infer_shape_partial(**shapes) (an empty dict means a call with no arguments); "
                 "'dtypes' -> infer_type(**dtypes) and infer_type_partial(**dtypes), dtype names via "
                 "np.dtype(t).name, None -> null. A call that raised is stored as {'error': class "
                 "name, 'error_message': text without C++ frames}; results.build holds the error if "
                 "the code itself raised. results.is_none means the code evaluated to None. "
                 "infer_shape returning (None, None, None) (incomplete) is stored as nulls."),
        "cases": cases,
    }
    write_json("symbol_cases.json", doc)
    return doc


# ----------------------------------------------------------------------------------------------
# 2. JSON graph files
# ----------------------------------------------------------------------------------------------

MLP_CODE = """
data = mx.sym.var('data')
fc1 = mx.sym.FullyConnected(data, num_hidden=128, name='fc1')
relu1 = mx.sym.Activation(fc1, act_type='relu', name='relu1')
fc2 = mx.sym.FullyConnected(relu1, num_hidden=64, name='fc2')
relu2 = mx.sym.Activation(fc2, act_type='relu', name='relu2')
fc3 = mx.sym.FullyConnected(relu2, num_hidden=10, name='fc3')
sym = mx.sym.SoftmaxOutput(fc3, name='softmax')
""".strip("\n")

CNN_CODE = """
data = mx.sym.var('data')
conv1 = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, pad=(1, 1), name='conv1')
bn1 = mx.sym.BatchNorm(conv1, fix_gamma=False, name='bn1')
relu1 = mx.sym.Activation(bn1, act_type='relu', name='relu1')
pool1 = mx.sym.Pooling(relu1, kernel=(2, 2), stride=(2, 2), pool_type='max', name='pool1')
flat = mx.sym.Flatten(pool1, name='flatten0')
fc1 = mx.sym.FullyConnected(flat, num_hidden=10, name='fc1')
sym = mx.sym.SoftmaxOutput(fc1, name='softmax')
""".strip("\n")


def legacy_json_doc():
    """An MXNet 0.8-style graph: node-level 'param' (op parameters), optional node-level 'attr'
    (hidden keys without underscores, and '<input>_lr_mult' style keys), 'backward_source_id': -1,
    two-element [node, index] entries in 'inputs'/'heads', no 'node_row_ptr', no top-level
    'attrs' (so no mxnet_version, i.e. treated as v0.8.0 and every upgrader runs).  BatchNorm
    lists only data/gamma/beta (aux states were not stored before 0.9), argmax has axis '-1'."""
    def var(name, attr=None):
        n = {"op": "null", "param": {}, "name": name, "inputs": [], "backward_source_id": -1}
        if attr is not None:
            n["attr"] = attr
        return n

    def op(opname, name, param, inputs, attr=None):
        n = {"op": opname, "param": param, "name": name, "inputs": inputs, "backward_source_id": -1}
        if attr is not None:
            n["attr"] = attr
        return n

    nodes = [
        var("data", {"ctx_group": "stage1"}),                                       # 0
        var("conv1_weight", {"ctx_group": "stage1", "lr_mult": "0.5"}),            # 1
        var("conv1_bias"),                                                          # 2
        op("Convolution", "conv1",
           {"kernel": "(3, 3)", "num_filter": "4", "pad": "(1, 1)", "stride": "(1, 1)",
            "dilate": "(1, 1)", "no_bias": "False", "num_group": "1", "workspace": "512"},
           [[0, 0], [1, 0], [2, 0]],
           {"ctx_group": "stage1", "wd_mult": "0.3", "bias_lr_mult": "2.0"}),      # 3
        var("bn1_gamma"),                                                           # 4
        var("bn1_beta"),                                                            # 5
        op("BatchNorm", "bn1",
           {"eps": "0.001", "fix_gamma": "True", "momentum": "0.9", "use_global_stats": "False"},
           [[3, 0], [4, 0], [5, 0]], {"ctx_group": "stage1"}),                      # 6
        op("Activation", "relu1", {"act_type": "relu"}, [[6, 0]]),                  # 7
        op("Pooling", "pool1", {"kernel": "(2, 2)", "stride": "(2, 2)", "pool_type": "max"},
           [[7, 0]]),                                                               # 8
        op("Flatten", "flatten1", {}, [[8, 0]]),                                    # 9
        var("fc1_weight", {"ctx_group": "stage2", "wd_mult": "0.0"}),              # 10
        var("fc1_bias", {"ctx_group": "stage2"}),                                   # 11
        op("FullyConnected", "fc1", {"no_bias": "False", "num_hidden": "10"},
           [[9, 0], [10, 0], [11, 0]], {"ctx_group": "stage2", "weight_lr_mult": "1.2"}),  # 12
        var("softmax_label", {"ctx_group": "stage2"}),                              # 13
        op("SoftmaxOutput", "softmax",
           {"grad_scale": "1", "ignore_label": "-1", "multi_output": "False",
            "normalization": "null", "use_ignore": "False", "preserve_shape": "False",
            "out_grad": "False"},
           [[12, 0], [13, 0]], {"ctx_group": "stage2"}),                            # 14
        op("argmax", "argmax0", {"axis": "-1", "keepdims": "False"}, [[12, 0]]),   # 15
    ]
    arg_nodes = [i for i, n in enumerate(nodes) if n["op"] == "null"]
    return {"nodes": nodes, "arg_nodes": arg_nodes, "heads": [[14, 0], [15, 0]]}


def loaded_info(sym, shapes):
    r = {"list_arguments": sym.list_arguments(), "list_outputs": sym.list_outputs(),
         "list_auxiliary_states": sym.list_auxiliary_states(), "attr_dict": sym.attr_dict(),
         "tojson": sym.tojson(), "shapes": {k: list(v) for k, v in shapes.items()}}
    r["infer_shape"] = safe(lambda: shapes_json(quiet(lambda: sym.infer_shape(**shapes))))
    return r


def gen_json_files():
    info = {}
    for fname, code, shapes in [("mlp-symbol.json", MLP_CODE, {"data": (32, 784)}),
                                ("cnn-symbol.json", CNN_CODE, {"data": (1, 3, 28, 28)})]:
        sym = run_code(code, "exec")
        sym.save(out_path(fname))
        loaded = mx.sym.load(out_path(fname))
        info[fname] = dict(code=code, **loaded_info(loaded, shapes))
        info[fname]["file_roundtrip_equal"] = loaded.tojson() == open(out_path(fname)).read()
    with open(out_path("legacy-symbol.json"), "w") as f:
        json.dump(legacy_json_doc(), f, indent=2)
        f.write("\n")
    loaded = mx.sym.load(out_path("legacy-symbol.json"))
    info["legacy-symbol.json"] = loaded_info(loaded, {"data": (2, 3, 8, 8)})
    info["legacy-symbol.json"]["note"] = (
        "hand-written MXNet 0.8 layout; MXNet 1.9.1 upgrades it on load (see tojson)")
    # model-zoo resnet18_v1: symbol only
    with mx.name.NameManager():
        net = mx.gluon.model_zoo.vision.resnet18_v1()
    net.initialize(mx.init.Zero())
    net.hybridize()
    net(mx.nd.zeros((1, 3, 224, 224)))
    tmp = tempfile.mkdtemp()
    try:
        net.export(os.path.join(tmp, "resnet18_v1"), epoch=0)
        shutil.copy(os.path.join(tmp, "resnet18_v1-symbol.json"), out_path("resnet18_v1-symbol.json"))
    finally:
        shutil.rmtree(tmp)
    sym = mx.sym.load(out_path("resnet18_v1-symbol.json"))
    r = loaded_info(sym, {"data": (1, 3, 224, 224)})
    del r["tojson"]  # identical to the file itself (checked below)
    r["file_roundtrip_equal"] = sym.tojson() == open(out_path("resnet18_v1-symbol.json")).read()
    params = net.collect_params()
    r["param_count_total"] = int(sum(np.prod(p.shape) for p in params.values()))
    r["param_count_trainable"] = int(sum(np.prod(p.shape) for p in params.values()
                                         if p.grad_req != "null"))
    r["num_params"] = len(list(params.keys()))
    r["code"] = ("with mx.name.NameManager(): net = mx.gluon.model_zoo.vision.resnet18_v1(); "
                 "net.initialize(mx.init.Zero()); net.hybridize(); "
                 "net(mx.nd.zeros((1, 3, 224, 224))); net.export(prefix)")
    info["resnet18_v1-symbol.json"] = r
    return info


# ----------------------------------------------------------------------------------------------
# 3. Exported Gluon models
# ----------------------------------------------------------------------------------------------

class CustomBlock(mx.gluon.HybridBlock):
    """relu(dense(x)) + bias, then scalar arithmetic, concat, softmax, reshape, transpose, sum."""

    def __init__(self, **kwargs):
        super(CustomBlock, self).__init__(**kwargs)
        with self.name_scope():
            self.dense = mx.gluon.nn.Dense(6)
            self.bias = self.params.get("bias", shape=(1, 6), init=mx.init.Normal(0.5))

    def hybrid_forward(self, F, x, bias):  # pylint: disable=arguments-differ
        h = F.relu(self.dense(x))
        h = F.broadcast_add(h, bias)
        h = h * 2 + 1
        h = F.concat(h, x, dim=1)                  # (N, 10)
        h = F.softmax(h, axis=-1)
        h = F.reshape(h, shape=(0, -4, 2, -1))     # (N, 2, 5)
        h = F.transpose(h, axes=(0, 2, 1))         # (N, 5, 2)
        return F.sum(h, axis=2)                    # (N, 5)


def build_models():
    vision = mx.gluon.model_zoo.vision
    resnet = vision.resnet

    def mlp():
        net = mx.gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(mx.gluon.nn.Dense(16, activation="relu"), mx.gluon.nn.Dropout(0.5),
                    mx.gluon.nn.Dense(4))
        return net

    return [
        ("resnet_small", lambda: resnet.ResNetV1(resnet.BasicBlockV1, [2, 2, 2, 2],
                                                 [8, 8, 16, 32, 64], classes=10, thumbnail=True),
         (2, 3, 32, 32)),
        ("resnet_v2_small", lambda: resnet.ResNetV2(resnet.BasicBlockV2, [2, 2, 2, 2],
                                                    [8, 8, 16, 32, 64], classes=10, thumbnail=True),
         (2, 3, 32, 32)),
        ("mobilenet_small", lambda: vision.MobileNet(multiplier=0.25, classes=10), (1, 3, 64, 64)),
        ("mlp_gluon", mlp, (3, 5)),
        ("custom_gluon", CustomBlock, (2, 4)),
    ]


QUANT = 2.0 ** -10     # every exported parameter is a multiple of 2**-10 (see _note)
GZIP_PARAMS_OVER = 100000  # .params files larger than this are stored gzip-compressed


def randomize_norm_params(net, rng):
    for name, p in sorted(net.collect_params().items()):
        shape = p.shape
        if name.endswith("running_var"):
            p.set_data(mx.nd.array(rng.uniform(0.1, 1.0, size=shape)))
        elif name.endswith("running_mean") or name.endswith("beta"):
            p.set_data(mx.nd.array(rng.uniform(-0.5, 0.5, size=shape)))
        elif name.endswith("gamma"):
            p.set_data(mx.nd.array(rng.uniform(0.5, 1.5, size=shape)))


def quantize_params(net):
    """Round every parameter to a multiple of QUANT (exact in float32) so that the .params files
    compress well; running_var is kept >= QUANT."""
    for name, p in sorted(net.collect_params().items()):
        q = np.round(p.data().asnumpy() / QUANT) * QUANT
        if name.endswith("running_var"):
            q = np.maximum(q, QUANT)
        p.set_data(mx.nd.array(q.astype(np.float32)))


def gzip_file(path):
    """path -> path.gz (deterministic: mtime 0, no file name in the header), removes path."""
    with open(path, "rb") as f:
        data = f.read()
    with open(path + ".gz", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as g:
            g.write(data)
    os.remove(path)


def gen_exported():
    outputs, names, prefixes = {}, {}, {}
    for model, factory, in_shape in build_models():
        mx.random.seed(0)
        np.random.seed(0)
        rng = np.random.RandomState(0)
        # a fresh NameManager makes the top-level block prefix restart (resnetv10_, mobilenet0_, ...)
        with mx.name.NameManager():
            net = factory()
        net.initialize(mx.init.Xavier())
        net.hybridize()
        x = mx.nd.array(np.round(rng.uniform(-1, 1, size=in_shape) * 16) / 16)
        net(x)  # deferred init + graph caching
        randomize_norm_params(net, rng)
        quantize_params(net)
        y = net(x)
        outputs[model + "_input"] = x.asnumpy()
        outputs[model + "_output"] = y.asnumpy()
        prefix = out_path(model)
        net.export(prefix, epoch=0)
        prefixes[model] = net.prefix
        doc = json.load(open(prefix + "-symbol.json"))
        sym = mx.sym.load(prefix + "-symbol.json")
        names[model] = {
            "block_prefix": net.prefix,
            "input_shape": list(in_shape),
            "nodes": [[n["name"], n["op"]] for n in doc["nodes"]],
            "arg_nodes": doc["arg_nodes"],
            "heads": doc["heads"],
            "node_row_ptr": doc["node_row_ptr"],
            "attrs": doc.get("attrs"),
            "list_arguments": sym.list_arguments(),
            "list_auxiliary_states": sym.list_auxiliary_states(),
            "list_outputs": sym.list_outputs(),
            "params_keys": sorted(mx.nd.load(prefix + "-0000.params").keys()),
            "collect_params": sorted(net.collect_params().keys()),
            "infer_shape": shapes_json(sym.infer_shape(data=in_shape)),
            "symbolblock_imports_output_max_abs_diff": float(np.abs(
                mx.gluon.SymbolBlock.imports(prefix + "-symbol.json", ["data"],
                                             prefix + "-0000.params")(x).asnumpy()
                - y.asnumpy()).max()),
        }
        if os.path.getsize(prefix + "-0000.params") > GZIP_PARAMS_OVER:
            gzip_file(prefix + "-0000.params")
            names[model]["params_file"] = model + "-0000.params.gz"
        else:
            names[model]["params_file"] = model + "-0000.params"
    names["_note"] = ("Each model is created inside a fresh mx.name.NameManager() after "
                      "mx.random.seed(0)/np.random.seed(0); initialized with mx.init.Xavier(), "
                      "hybridized, run once on <model>_input (RandomState(0) uniform -1..1 rounded "
                      "to multiples of 1/16), then every gamma/beta/running_mean/running_var is "
                      "overwritten with RandomState(0) uniform values (var in 0.1..1, gamma "
                      "0.5..1.5, mean/beta -0.5..0.5), every parameter is rounded to a multiple of "
                      "2**-10 (so the files compress), the forward is run again in predict mode "
                      "(-> <model>_output) and net.export(prefix, epoch=0) writes "
                      "<model>-symbol.json / <model>-0000.params.  .params files over 100 kB are "
                      "stored gzip-compressed as <model>-0000.params.gz (gunzip gives the exact "
                      "bytes MXNet wrote); see params_file.  'nodes' are [name, op] in JSON order.")
    np.savez_compressed(out_path("exported_outputs.npz"), **outputs)
    write_json("exported_names.json", names)
    return names


# ----------------------------------------------------------------------------------------------
# 4./5. print_summary and plot_network
# ----------------------------------------------------------------------------------------------

def capture_stdout(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        ret = fn()
    return buf.getvalue(), ret


def gen_print_summary():
    mlp = mx.sym.load(out_path("mlp-symbol.json"))
    cnn = mx.sym.load(out_path("cnn-symbol.json"))
    res = mx.sym.load(out_path("resnet_small-symbol.json"))
    items = [("cnn", "cnn-symbol.json", cnn, {"data": (1, 3, 28, 28)}),
             ("mlp", "mlp-symbol.json", mlp, {"data": (32, 784)}),
             ("resnet_small", "resnet_small-symbol.json", res, {"data": (1, 3, 32, 32)})]
    out = {"note": "stdout of mx.viz.print_summary(mx.sym.load(file), shape=shape, **kwargs)",
           "cases": []}
    for key, fname, sym, shape in items:
        for kw_name, kw in [("default", {}),
                            ("line100", {"line_length": 100, "positions": [.4, .6, .8, 1.]})]:
            text, _ = capture_stdout(lambda: mx.viz.print_summary(sym, shape=shape, **kw))
            out["cases"].append({"name": key + "_" + kw_name, "file": fname,
                                 "shape": {k: list(v) for k, v in shape.items()},
                                 "kwargs": kw, "stdout": text})
    # without shape
    text, _ = capture_stdout(lambda: mx.viz.print_summary(mlp))
    out["cases"].append({"name": "mlp_noshape", "file": "mlp-symbol.json", "shape": None,
                         "kwargs": {}, "stdout": text})
    write_json("print_summary.json", out)


def gen_plot_network():
    out = {"note": "mx.viz.plot_network(mx.sym.load(file), **kwargs).source (graphviz dot text); "
                   "graphviz PyPI package %s" % __import__("graphviz").__version__,
           "cases": []}
    for key, fname, shape in [("mlp", "mlp-symbol.json", {"data": (32, 784)}),
                              ("cnn", "cnn-symbol.json", {"data": (1, 3, 28, 28)})]:
        sym = mx.sym.load(out_path(fname))
        variants = [("plain", {}),
                    ("shape", {"shape": shape}),
                    ("shape_weights", {"shape": shape, "hide_weights": False}),
                    ("weights", {"hide_weights": False}),
                    ("oval", {"shape": shape, "node_attrs": {"shape": "oval"}}),
                    ("title", {"title": "net_" + key, "save_format": "png"})]
        for vname, kw in variants:
            src = safe(lambda: mx.viz.plot_network(sym, **kw).source)
            jkw = {k: ({kk: list(vv) for kk, vv in v.items()} if k == "shape" else v)
                   for k, v in kw.items()}
            out["cases"].append({"name": key + "_" + vname, "file": fname, "kwargs": jkw,
                                 "source": src})
    write_json("plot_network.json", out)


# ----------------------------------------------------------------------------------------------
# 6. Executor cases
# ----------------------------------------------------------------------------------------------

EXEC_CASES = [
    ("cnn_small", """
data = mx.sym.var('data')
conv1 = mx.sym.Convolution(data, kernel=(3, 3), num_filter=2, pad=(1, 1), name='conv1')
bn1 = mx.sym.BatchNorm(conv1, fix_gamma=False, momentum=0.9, name='bn1')
relu1 = mx.sym.Activation(bn1, act_type='relu', name='relu1')
pool1 = mx.sym.Pooling(relu1, kernel=(2, 2), stride=(2, 2), pool_type='max', name='pool1')
flat = mx.sym.Flatten(pool1, name='flatten0')
fc1 = mx.sym.FullyConnected(flat, num_hidden=3, name='fc1')
sym = mx.sym.SoftmaxOutput(fc1, name='softmax')
""", {"data": (2, 1, 8, 8)}, 3),
    ("mlp_small", """
data = mx.sym.var('data')
fc1 = mx.sym.FullyConnected(data, num_hidden=8, name='fc1')
relu1 = mx.sym.Activation(fc1, act_type='relu', name='relu1')
fc2 = mx.sym.FullyConnected(relu1, num_hidden=6, name='fc2')
relu2 = mx.sym.Activation(fc2, act_type='relu', name='relu2')
fc3 = mx.sym.FullyConnected(relu2, num_hidden=5, name='fc3')
sym = mx.sym.SoftmaxOutput(fc3, name='softmax')
""", {"data": (4, 20)}, 5),
    ("regress_group", """
data = mx.sym.var('data')
fc1 = mx.sym.FullyConnected(data, num_hidden=4, name='fc1')
act = mx.sym.Activation(fc1, act_type='tanh', name='tanh1')
bn = mx.sym.BatchNorm(act, fix_gamma=True, name='bn1')
fc2 = mx.sym.FullyConnected(bn, num_hidden=2, name='fc2')
sym = mx.sym.Group([fc2, mx.sym.sum(act * 2 + 1, axis=1, name='s')])
""", {"data": (3, 6)}, None),
]


def gen_executor_cases():
    arrays, meta = {}, {"note": (
        "simple_bind(ctx=mx.cpu(), grad_req='write', **shapes); args/aux set from "
        "RandomState(seed) normal*0.5 (running_var: uniform 0.5..1.5, *_label: integer labels "
        "as float32); forward(is_train=True) -> out_train; backward(out_grads=head_grad) -> "
        "grad (SoftmaxOutput ignores out_grads); aux_after = aux states after the training "
        "forward; then forward(is_train=False) -> out_pred (uses the updated aux states). "
        "npz keys '<case>:arg:<name>', '<case>:aux:<name>', '<case>:out_train:<i>', "
        "'<case>:grad:<name>', '<case>:out_pred:<i>', '<case>:head_grad:<i>', "
        "'<case>:aux_after:<name>'."), "cases": []}
    for seed, (cname, code, shapes, nclass) in enumerate(EXEC_CASES):
        rng = np.random.RandomState(100 + seed)
        mx.random.seed(100 + seed)
        sym = run_code(code.strip("\n"), "exec")
        ex = sym.simple_bind(ctx=mx.cpu(), grad_req="write", **shapes)
        for name in sym.list_arguments():
            arr = ex.arg_dict[name]
            if name.endswith("label"):
                val = rng.randint(0, nclass, size=arr.shape).astype(np.float32)
            else:
                val = (rng.randn(*arr.shape) * 0.5).astype(np.float32)
            arr[:] = val
            arrays["%s:arg:%s" % (cname, name)] = val
        for name in sym.list_auxiliary_states():
            arr = ex.aux_dict[name]
            if name.endswith("var"):
                val = rng.uniform(0.5, 1.5, size=arr.shape).astype(np.float32)
            else:
                val = (rng.randn(*arr.shape) * 0.5).astype(np.float32)
            arr[:] = val
            arrays["%s:aux:%s" % (cname, name)] = val
        outs = ex.forward(is_train=True)
        for i, o in enumerate(outs):
            arrays["%s:out_train:%d" % (cname, i)] = o.asnumpy()
        head = [(rng.randn(*o.shape)).astype(np.float32) for o in outs]
        for i, h in enumerate(head):
            arrays["%s:head_grad:%d" % (cname, i)] = h
        ex.backward(out_grads=[mx.nd.array(h) for h in head])
        grads = []
        for name, g in ex.grad_dict.items():
            if g is not None:
                arrays["%s:grad:%s" % (cname, name)] = g.asnumpy()
                grads.append(name)
        for name in sym.list_auxiliary_states():
            arrays["%s:aux_after:%s" % (cname, name)] = ex.aux_dict[name].asnumpy()
        outs = ex.forward(is_train=False)
        for i, o in enumerate(outs):
            arrays["%s:out_pred:%d" % (cname, i)] = o.asnumpy()
        meta["cases"].append({
            "name": cname, "code": code.strip("\n"), "mode": "exec",
            "shapes": {k: list(v) for k, v in shapes.items()},
            "list_arguments": sym.list_arguments(), "list_outputs": sym.list_outputs(),
            "list_auxiliary_states": sym.list_auxiliary_states(), "grad_names": grads,
            "arg_shapes": {k: list(v.shape) for k, v in ex.arg_dict.items()},
            "output_shapes": [list(o.shape) for o in outs]})
    np.savez_compressed(out_path("executor_cases.npz"), **arrays)
    write_json("executor_cases.json", meta)


# ----------------------------------------------------------------------------------------------
# 7. autograd.get_symbol
# ----------------------------------------------------------------------------------------------

AUTOGRAD_CODE = """
x = mx.nd.ones((2, 3))
x.attach_grad()
with mx.autograd.record():
    y = mx.nd.relu(x * 2 + 1).sum()
sym = mx.autograd.get_symbol(y)
""".strip("\n")


def gen_autograd_symbol():
    with mx.name.NameManager():
        sym = run_code(AUTOGRAD_CODE, "exec")
    out = {"code": AUTOGRAD_CODE, "mode": "exec",
           "note": ("Run as the very first MXNet work of the generator process, in a fresh "
                    "mx.name.NameManager(); the result is `sym`. The variable name 'var<N>' and "
                    "the op names 'node_<N>' come from process-global counters of MXNet's "
                    "Imperative (incremented by every attach_grad/mark_variables and every "
                    "recorded op), so they are var0 / node_0.. only in a fresh process.")}
    out.update(symbol_results(sym))
    write_json("autograd_get_symbol.json", out)


def main():
    gen_autograd_symbol()  # first: its names depend on process-global counters
    np.random.seed(0)
    mx.random.seed(0)
    gen_symbol_cases()
    write_json("json_files.json", gen_json_files())
    gen_exported()
    gen_print_summary()
    gen_plot_network()
    gen_executor_cases()
    total = 0
    for f in sorted(os.listdir(HERE)):
        size = os.path.getsize(out_path(f))
        total += size
        print("%-32s %9d" % (f, size))
    print("total", total)


if __name__ == "__main__":
    sys.exit(main())
