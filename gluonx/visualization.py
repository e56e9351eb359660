"""``mx.viz`` / ``mx.visualization``: a text summary of a symbol's layers and
a Graphviz drawing of its graph, as MXNet 1.9.1 gives them.

Both work on the graph as MXNet's JSON describes it (``symbol.tojson()``)
and on the shapes (and dtypes) inferred for every internal output
(``symbol.get_internals()``), so the tables, labels and parameter counts
are MXNet's, rules of thumb included: the parameter count looks only at a
layer's attributes and at the channel count (the first non-batch
dimension) of its inputs, and covers Convolution, FullyConnected,
BatchNorm (with shapes) and Embedding.

>>> import gluonx as mx
>>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc1')
>>> mx.viz.print_summary(net, shape={'data': (2, 3)})   # doctest: +SKIP
"""
from __future__ import annotations

import json
import re
import warnings

from gluonx.symbol.symbol import Symbol

__all__ = ["print_summary", "plot_network"]

# Fill colours of plot_network, MXNet's palette.
_COLOURS = {
    "input": "#8dd3c7",
    "weighted": "#fb8072",      # Convolution, FullyConnected
    "activation": "#ffffb3",    # Activation, LeakyReLU
    "norm": "#bebada",          # BatchNorm
    "pooling": "#80b1d3",
    "reshape": "#fdb462",       # Concat, Flatten, Reshape
    "softmax": "#b3de69",       # the "Softmax" operator only
    "other": "#fccde5",
}

# Variables plot_network leaves out (hide_weights) or draws no node for.
_WEIGHT_SUFFIXES = ("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean",
                    "_running_var", "_running_mean")


def _numbers(text) -> list:
    """The integers written in a tuple attribute: ``"(3, 3)"`` -> ``['3', '3']``."""
    return re.findall(r"\d+", str(text))


def _dims(shape) -> str:
    return "x".join(str(d) for d in shape)


def _shape_table(symbol: Symbol, shape: dict) -> dict:
    """{internal output name: inferred shape} (MXNet keys it by name: a later
    output of the same name wins)."""
    internals = symbol.get_internals()
    _, out_shapes, _ = internals.infer_shape(**shape)
    if out_shapes is None:
        raise ValueError("Input shape is incomplete")
    return dict(zip(internals.list_outputs(), out_shapes))


def _output_key(jnode: dict) -> str:
    """The internal output name MXNet looks up for a JSON node: a variable's
    own name, ``<name>_output`` for an operator."""
    return jnode["name"] if jnode["op"] == "null" else jnode["name"] + "_output"


# ---- print_summary ----------------------------------------------------------------------------

def _layer_params(jnode: dict, in_channels: int, shapes) -> int:
    """Parameters MXNet's summary counts for one layer.

    `in_channels` is the sum, over the inputs shown as previous layers, of
    their first non-batch dimension (0 when shapes are unknown).  Only the
    string ``'True'`` turns the bias off, as in MXNet."""
    op = jnode["op"]
    attrs = jnode.get("attrs") or {}
    with_bias = attrs.get("no_bias") != "True"
    if op == "Convolution":
        count = in_channels * int(attrs["num_filter"]) // int(attrs.get("num_group", "1"))
        for k in _numbers(attrs["kernel"]):
            count *= int(k)
        return count + (int(attrs["num_filter"]) if with_bias else 0)
    if op == "FullyConnected":
        return (in_channels + (1 if with_bias else 0)) * int(attrs["num_hidden"])
    if op == "BatchNorm":
        # gamma and beta of axis 1, known only with shapes; moving statistics not counted
        if shapes is None:
            return 0
        out = shapes.get(jnode["name"] + "_output")
        return 2 * int(out[1]) if out is not None and len(out) > 1 else 0
    if op == "Embedding":
        return int(attrs["input_dim"]) * int(attrs["output_dim"])
    return 0


def print_summary(symbol, shape=None, line_length=120, positions=[.44, .64, .74, 1.],
                  quantized_bitwidth=32):
    """Prints a table of the layers of `symbol`: name and operator, output
    shape (without the batch axis; needs `shape`), parameter count and the
    layers it takes as input, then the total parameter count.

    Parameters
    ----------
    symbol : Symbol
    shape : dict, optional
        Input shapes by name, e.g. ``{'data': (1, 3, 224, 224)}``; without it
        the shape column stays empty and BatchNorm counts no parameters.
    line_length : int
        Width of the table.
    positions : list of float or int
        Where each of the four columns ends: fractions of `line_length`
        when the last one is at most 1, else character positions.
    quantized_bitwidth : int
        Accepted for compatibility with code written for BMXNet-style
        summaries; MXNet 1.9.1's table (printed here) does not use it.

    Only variables that are the graph's first node are listed as layers, and
    an input variable is a "previous layer" only when it is that node.
    """
    if not isinstance(symbol, Symbol):
        raise TypeError("symbol must be Symbol")
    shapes = _shape_table(symbol, shape) if shape is not None else None
    graph = json.loads(symbol.tojson())
    nodes = graph["nodes"]
    # MXNet tests membership in the numbers of the first head entry
    # [node, output, version]: the head node, and node 0 (output 0, version 0).
    head_numbers = set(graph["heads"][0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    else:
        positions = [int(p) for p in positions]

    def row(fields):
        line = ""
        for end, field in zip(positions, fields):
            line = (line + str(field))[:end].ljust(end)
        print(line)

    def shown_shape(jnode) -> list:
        if shapes is None:
            return []
        s = shapes.get(_output_key(jnode))
        return list(s[1:]) if s is not None else []

    print("_" * line_length)
    row(["Layer (type)", "Output Shape", "Param #", "Previous Layer"])
    print("=" * line_length)
    total = 0
    last = len(nodes) - 1
    for i, jnode in enumerate(nodes):
        is_var = jnode["op"] == "null"
        if is_var and i > 0:
            continue
        previous, in_channels = [], 0
        if not is_var:
            for entry in jnode["inputs"]:
                src = nodes[entry[0]]
                if src["op"] == "null" and entry[0] not in head_numbers:
                    continue
                previous.append(src["name"])
                s = shown_shape(src)
                if s:
                    in_channels += int(s[0])
        out_shape = shown_shape(jnode) if (not is_var or i in head_numbers) else []
        params = _layer_params(jnode, in_channels, shapes)
        total += params
        row(["%s(%s)" % (jnode["name"], jnode["op"]), _dims(out_shape), params,
             previous[0] if previous else ""])
        for name in previous[1:]:
            row(["", "", "", name])
        print(("=" if i == last else "_") * line_length)
    print("Total params: %d" % total)
    print("_" * line_length)


# ---- plot_network -----------------------------------------------------------------------------

def _node_style(jnode: dict) -> tuple:
    """(label, colour key) of an operator node."""
    op, name = jnode["op"], jnode["name"]
    attrs = jnode.get("attrs") or {}
    if op == "Convolution":
        stride = _numbers(attrs["stride"]) if "stride" in attrs else ["1"]
        return ("Convolution\n%s/%s, %s" % ("x".join(_numbers(attrs.get("kernel", ""))), "x".join(stride),
                                             attrs.get("num_filter", "")), "weighted")
    if op == "FullyConnected":
        return "FullyConnected\n%s" % attrs.get("num_hidden", ""), "weighted"
    if op == "BatchNorm":
        return name, "norm"
    if op == "Activation":
        return "Activation\n%s" % attrs.get("act_type", ""), "activation"
    if op == "LeakyReLU":
        return "LeakyReLU\n%s" % attrs.get("act_type", "Leaky"), "activation"
    if op == "Pooling":
        kernel = "x".join(_numbers(attrs["kernel"])) if "kernel" in attrs else "[]"
        stride = "x".join(_numbers(attrs["stride"])) if "stride" in attrs else "1"
        return "Pooling\n%s, %s/%s" % (attrs.get("pool_type", "max"), kernel, stride), "pooling"
    if op in ("Concat", "Flatten", "Reshape"):
        return name, "reshape"
    if op == "Softmax":
        return name, "softmax"
    if op == "Custom":
        return attrs.get("op_type", name), "other"
    return name, "other"


def _edge_key(src: dict) -> str:
    """The internal output whose shape labels an edge from `src`: an
    operator with ``num_outputs`` is labelled with its last output (MXNet's
    rule, whichever output the edge carries)."""
    key = _output_key(src)
    attrs = src.get("attrs") or {}
    if src["op"] != "null" and "num_outputs" in attrs:
        key += str(int(attrs["num_outputs"]) - 1)
    return key


def plot_network(symbol, title="plot", save_format='pdf', shape=None, dtype=None, node_attrs={},
                 hide_weights=True):
    """A ``graphviz.Digraph`` of `symbol`'s graph, drawn as MXNet draws it:
    one box per operator (labelled with its main attributes and coloured by
    kind), ovals for inputs, an edge from each operator back to each input.

    Parameters
    ----------
    symbol : Symbol
    title : str
        The graph's name (and the default file name when rendered).
    save_format : str
        Format for ``render()`` (``'pdf'``, ``'png'``, ``'svg'`` ...).
    shape : dict, optional
        Input shapes by name: edges are labelled with the shape they carry
        (without the batch axis).
    dtype : dict, optional
        Input dtypes by name: edges are labelled with ``(float32)`` etc.
    node_attrs : dict
        Graphviz node attributes replacing the defaults
        (``shape='box', fixedsize='true', width='1.3', height='0.8034',
        style='filled'``); inputs are always ovals.
    hide_weights : bool
        Leave out the edges to ``*_weight``, ``*_bias``, ``*_gamma``,
        ``*_beta`` and moving/running statistics.  Those variables get no
        node of their own either way.

    Needs the ``graphviz`` Python package (``pip install graphviz``), and
    Graphviz's ``dot`` program to render.
    """
    try:
        from graphviz import Digraph
    except ImportError:
        raise ImportError("plot_network needs the graphviz Python package: pip install graphviz") from None
    if not isinstance(symbol, Symbol):
        raise TypeError("symbol must be a Symbol")
    shapes = _shape_table(symbol, shape) if shape is not None else None
    dtypes = None
    if dtype is not None:
        internals = symbol.get_internals()
        _, out_types, _ = internals.infer_type(**dtype)
        if out_types is None:
            raise ValueError("Input type is incomplete")
        dtypes = dict(zip(internals.list_outputs(), out_types))
    nodes = json.loads(symbol.tojson())["nodes"]

    seen, repeated = set(), []
    for jnode in nodes:
        if jnode["name"] in seen and jnode["name"] not in repeated:
            repeated.append(jnode["name"])
        seen.add(jnode["name"])
    if repeated:
        warnings.warn("There are multiple variables with the same name in your graph, this may result in "
                      "cyclic graph. Repeated names: " + ",".join(repeated), RuntimeWarning)

    defaults = {"shape": "box", "fixedsize": "true", "width": "1.3", "height": "0.8034", "style": "filled"}
    defaults.update(node_attrs)
    dot = Digraph(name=title, format=save_format)

    hidden = set()
    for jnode in nodes:
        name = jnode["name"]
        attr = dict(defaults)
        if jnode["op"] == "null":
            if name.endswith(_WEIGHT_SUFFIXES):
                if hide_weights:
                    hidden.add(name)
                continue
            label, colour = name, "input"
            attr["shape"] = "oval"
        else:
            label, colour = _node_style(jnode)
        attr["fillcolor"] = _COLOURS[colour]
        dot.node(name=name, label=label, **attr)

    for jnode in nodes:
        if jnode["op"] == "null":
            continue
        entries = jnode["inputs"]
        if jnode["op"] == "_contrib_BilinearResize2D":
            entries = entries[:1]    # the 'like' input is not drawn
        for entry in entries:
            src = nodes[entry[0]]
            if src["name"] in hidden:
                continue
            label = ""
            key = _edge_key(src)
            if shapes is not None and shapes.get(key) is not None:
                label = _dims(shapes[key][1:])
            if dtypes is not None and dtypes.get(key) is not None:
                label += "(%s)" % dtypes[key].__name__
            dot.edge(tail_name=jnode["name"], head_name=src["name"], dir="back", arrowtail="open",
                     label=label)
    return dot
