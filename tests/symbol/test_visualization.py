"""mx.viz: print_summary prints MXNet 1.9.1's text and plot_network builds
MXNet's graph (nodes, labels, colours, edges) for the reference symbols of
tests/data/symbol (print_summary.json and plot_network.json were captured
from real MXNet 1.9.1 by gen_symbol_mxnet.py)."""
import contextlib
import io
import json
import os
import re
import shutil
import sys

import numpy as np
import pytest

import gluonx as mx

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "symbol")
SUMMARY_CASES = json.load(open(os.path.join(DATA, "print_summary.json")))["cases"]
PLOT_CASES = json.load(open(os.path.join(DATA, "plot_network.json")))["cases"]
JSON_FILES = json.load(open(os.path.join(DATA, "json_files.json")))


def load(fname):
    return mx.sym.load(os.path.join(DATA, fname))


def built(fname):
    """The symbol of `fname` built again with gluonx's mx.sym from the generator's code."""
    ns = {"mx": mx, "np": np}
    with mx.name.NameManager():
        exec(JSON_FILES[fname]["code"], ns)
    return ns["sym"]


def summary(*args, **kwargs) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        ret = mx.viz.print_summary(*args, **kwargs)
    assert ret is None
    return buf.getvalue()


def _shape_kw(shape):
    return {k: tuple(v) for k, v in shape.items()} if shape is not None else None


# ---- print_summary -------------------------------------------------------------------------

def test_modules():
    assert mx.viz is mx.visualization
    assert callable(mx.viz.print_summary) and callable(mx.viz.plot_network)


@pytest.mark.parametrize("case", SUMMARY_CASES, ids=[c["name"] for c in SUMMARY_CASES])
def test_print_summary_matches_mxnet(case):
    sym = load(case["file"])
    assert summary(sym, shape=_shape_kw(case["shape"]), **case["kwargs"]) == case["stdout"]


@pytest.mark.parametrize("case", [c for c in SUMMARY_CASES if c["file"] in JSON_FILES],
                         ids=[c["name"] for c in SUMMARY_CASES if c["file"] in JSON_FILES])
def test_print_summary_of_built_symbol(case):
    sym = built(case["file"])
    assert summary(sym, shape=_shape_kw(case["shape"]), **case["kwargs"]) == case["stdout"]


def test_print_summary_absolute_positions():
    sym = load("mlp-symbol.json")
    want = summary(sym, shape={"data": (32, 784)}, line_length=100, positions=[.4, .6, .8, 1.])
    assert summary(sym, shape={"data": (32, 784)}, line_length=100, positions=[40, 60, 80, 100]) == want


def test_print_summary_truncates_fields():
    data = mx.sym.var("data")
    net = mx.sym.FullyConnected(data, num_hidden=3, name="a_rather_long_layer_name")
    lines = summary(net, shape={"data": (2, 5)}, line_length=40, positions=[.25, .5, .75, 1.]).splitlines()
    assert lines[0] == "_" * 40
    assert lines[1] == "Layer (typ" + "Output Sha" + "Param #   " + "Previous L"
    assert lines[5] == "a_rather_l" + "3" + " " * 9 + "18" + " " * 8 + "data" + " " * 6
    assert lines[-2] == "Total params: 18"


def test_print_summary_parameter_rules():
    """MXNet's counting rules: grouped convolution without bias, Embedding,
    FullyConnected counting the first non-batch dimension of its input, input
    variables other than the first node never shown as previous layers."""
    data = mx.sym.var("data")
    conv = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, num_group=2, no_bias=True, name="gconv")
    emb = mx.sym.Embedding(mx.sym.var("tok"), input_dim=100, output_dim=16, name="emb")
    cat = mx.sym.concat(mx.sym.flatten(conv, name="fl"), mx.sym.flatten(emb, name="fe"), dim=1, name="cat")
    fc = mx.sym.FullyConnected(cat, num_hidden=5, name="fc")
    text = summary(fc, shape={"data": (1, 4, 8, 8), "tok": (1, 3)})
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()
            if line and line[0] not in "_=" and not line.startswith(" ")}
    assert rows["gconv(Convolution)"] == ["8x6x6", "144", "data"]          # 4*8//2*3*3
    assert rows["emb(Embedding)"] == ["3x16", "1600"]                      # no previous layer: tok
    assert rows["cat(Concat)"] == ["336", "0", "fl"]
    assert rows["fc(FullyConnected)"] == ["5", "1685", "cat"]                   # (336+1)*5
    assert " " * 88 + "fe" + " " * 30 in text.splitlines()
    assert "Total params: 3429\n" in text


def test_print_summary_batchnorm_needs_shapes():
    net = mx.sym.BatchNorm(mx.sym.Convolution(mx.sym.var("data"), kernel=(1, 1), num_filter=4, name="c"),
                           name="bn")
    with_shape = summary(net, shape={"data": (2, 3, 5, 5)})
    assert re.search(r"^bn\(BatchNorm\) +4x5x5 +8 +c +$", with_shape, re.M)
    assert "Total params: 24\n" in with_shape                              # 3*4 + 4 + 2*4
    assert re.search(r"^bn\(BatchNorm\) +0 +c +$", summary(net), re.M)


def test_print_summary_errors():
    with pytest.raises(TypeError):
        mx.viz.print_summary("not a symbol")
    x, y = mx.sym.var("x"), mx.sym.var("y")
    with pytest.raises(ValueError, match="Input shape is incomplete"):
        mx.viz.print_summary(mx.sym.concat(x, y, dim=1), shape={"x": (2, 3)})


def test_print_summary_accepts_quantized_bitwidth():
    sym = load("mlp-symbol.json")
    assert summary(sym, quantized_bitwidth=1) == summary(sym)


# ---- plot_network --------------------------------------------------------------------------

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(->|\[|\]|=|\{|\}|;|,)|([^\s"\[\]=;,{}]+)', re.S)


def parse_dot(source: str) -> dict:
    """{'name', 'nodes': {name: attrs}, 'node_order', 'edges': [(tail, head, attrs)]} of a
    digraph as the graphviz package writes it (any quoting style)."""
    toks = []
    for m in _TOKEN.finditer(source):
        if m.group(1) is not None:
            toks.append(("id", m.group(1).replace('\\"', '"')))
        elif m.group(2) is not None:
            toks.append(("p", m.group(2)))
        else:
            toks.append(("id", m.group(3)))
    assert toks[0] == ("id", "digraph")
    name = toks[1][1]
    assert toks[2] == ("p", "{") and toks[-1] == ("p", "}")
    toks = toks[3:-1]
    nodes, order, edges = {}, [], []
    i = 0
    while i < len(toks):
        first = toks[i][1]
        i += 1
        tail = None
        if i < len(toks) and toks[i] == ("p", "->"):
            tail, first = first, toks[i + 1][1]
            i += 2
        attrs = {}
        if i < len(toks) and toks[i] == ("p", "["):
            i += 1
            while toks[i] != ("p", "]"):
                if toks[i] == ("p", ","):
                    i += 1
                    continue
                key = toks[i][1]
                assert toks[i + 1] == ("p", "=")
                attrs[key] = toks[i + 2][1]
                i += 3
            i += 1
        if i < len(toks) and toks[i] == ("p", ";"):
            i += 1
        if tail is None:
            nodes[first] = attrs
            order.append(first)
        else:
            edges.append((tail, first, attrs))
    return {"name": name, "nodes": nodes, "node_order": order, "edges": edges}


def _plot_kw(kwargs):
    kw = dict(kwargs)
    if "shape" in kw:
        kw["shape"] = _shape_kw(kw["shape"])
    return kw


@pytest.mark.parametrize("case", PLOT_CASES, ids=[c["name"] for c in PLOT_CASES])
def test_plot_network_matches_mxnet(case):
    graphviz = pytest.importorskip("graphviz")
    dot = mx.viz.plot_network(load(case["file"]), **_plot_kw(case["kwargs"]))
    assert isinstance(dot, graphviz.Digraph)
    assert dot.format == case["kwargs"].get("save_format", "pdf")
    assert parse_dot(dot.source) == parse_dot(case["source"])


@pytest.mark.parametrize("case", [c for c in PLOT_CASES if c["file"] in JSON_FILES],
                         ids=[c["name"] for c in PLOT_CASES if c["file"] in JSON_FILES])
def test_plot_network_of_built_symbol(case):
    pytest.importorskip("graphviz")
    dot = mx.viz.plot_network(built(case["file"]), **_plot_kw(case["kwargs"]))
    assert parse_dot(dot.source) == parse_dot(case["source"])


def test_parse_dot_sees_differences():
    src = PLOT_CASES[0]["source"]
    assert parse_dot(src) != parse_dot(src.replace("#fb8072", "#fb8073", 1))
    assert parse_dot(src) != parse_dot(src.replace("FullyConnected\n128", "FullyConnected\n129"))
    assert parse_dot(src)["edges"][0] == ("fc1", "data", {"label": "", "arrowtail": "open", "dir": "back"})


def test_plot_network_dtype_labels():
    pytest.importorskip("graphviz")
    g = parse_dot(mx.viz.plot_network(load("mlp-symbol.json"), shape={"data": (32, 784)},
                                      dtype={"data": np.float32}).source)
    labels = {(t, h): a["label"] for t, h, a in g["edges"]}
    assert labels[("fc1", "data")] == "784(float32)"
    assert labels[("softmax", "fc3")] == "10(float32)"
    assert labels[("softmax", "softmax_label")] == "(float32)"
    g = parse_dot(mx.viz.plot_network(load("mlp-symbol.json"), dtype={"data": np.float16}).source)
    assert {a["label"] for _, _, a in g["edges"]} == {"(float16)"}


def test_plot_network_labels_and_colours():
    pytest.importorskip("graphviz")
    data = mx.sym.var("data")
    net = mx.sym.Convolution(data, kernel=(3, 3), stride=(2, 2), num_filter=4, name="conv")
    net = mx.sym.LeakyReLU(net, name="lrelu")
    net = mx.sym.Pooling(net, global_pool=True, pool_type="avg", name="gpool")
    net = mx.sym.softmax(mx.sym.flatten(net, name="flat"), name="sm")
    g = parse_dot(mx.viz.plot_network(net, shape={"data": (1, 3, 9, 9)}).source)
    nodes = g["nodes"]
    assert g["node_order"] == ["data", "conv", "lrelu", "gpool", "flat", "sm"]
    assert nodes["conv"]["label"] == "Convolution\n3x3/2x2, 4"
    assert nodes["lrelu"]["label"] == "LeakyReLU\nLeaky"
    assert nodes["lrelu"]["fillcolor"] == "#ffffb3"
    assert nodes["gpool"]["label"] == "Pooling\navg, []/1"
    assert nodes["gpool"]["fillcolor"] == "#80b1d3"
    assert nodes["flat"]["fillcolor"] == "#fdb462"
    assert nodes["sm"]["fillcolor"] == "#fccde5"        # only the 'Softmax' operator is green
    labels = {(t, h): a["label"] for t, h, a in g["edges"]}
    assert labels == {("conv", "data"): "3x9x9", ("lrelu", "conv"): "4x4x4", ("gpool", "lrelu"): "4x4x4",
                      ("flat", "gpool"): "4x1x1", ("sm", "flat"): "4"}


def test_plot_network_hides_running_statistics():
    pytest.importorskip("graphviz")
    g = parse_dot(mx.viz.plot_network(load("resnet_small-symbol.json")).source)
    assert not any(n.endswith(("_weight", "_gamma", "_beta", "_running_mean", "_running_var"))
                   for n in g["nodes"])
    assert all(not h.endswith(("_weight", "_running_var")) for _, h, _ in g["edges"])
    g = parse_dot(mx.viz.plot_network(load("resnet_small-symbol.json"), hide_weights=False).source)
    assert ("resnetv10_stage1_batchnorm0_fwd", "resnetv10_stage1_batchnorm0_running_var") in \
        [(t, h) for t, h, _ in g["edges"]]
    assert "resnetv10_stage1_batchnorm0_running_var" not in g["nodes"]


def test_plot_network_warns_on_repeated_names():
    pytest.importorskip("graphviz")
    a, b = mx.sym.var("x"), mx.sym.var("x")
    with pytest.warns(RuntimeWarning, match="Repeated names: x"):
        mx.viz.plot_network(a + b)


def test_plot_network_errors():
    pytest.importorskip("graphviz")
    with pytest.raises(TypeError):
        mx.viz.plot_network("not a symbol")
    x, y = mx.sym.var("x"), mx.sym.var("y")
    with pytest.raises(ValueError, match="Input shape is incomplete"):
        mx.viz.plot_network(mx.sym.concat(x, y, dim=1), shape={"x": (2, 3)})


def test_plot_network_without_graphviz(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)    # makes `import graphviz` raise ImportError
    with pytest.raises(ImportError, match=r"plot_network needs the graphviz Python package: "
                                          r"pip install graphviz"):
        mx.viz.plot_network(load("mlp-symbol.json"))
    # print_summary does not need graphviz
    assert "Total params: 109386" in summary(load("mlp-symbol.json"), shape={"data": (32, 784)})


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")
def test_plot_network_renders():
    pytest.importorskip("graphviz")
    dot = mx.viz.plot_network(load("cnn-symbol.json"), shape={"data": (1, 3, 28, 28)})
    svg = dot.pipe(format="svg").decode("utf-8")
    assert "<svg" in svg
    for text in ("conv1", "softmax_label", "3x28x28", "Convolution", "max, 2x2/2x2"):
        assert text in svg
