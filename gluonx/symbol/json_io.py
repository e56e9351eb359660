"""MXNet's JSON graph format: ``Symbol.tojson``, ``mx.sym.load``/``load_json``.

Written byte for byte as MXNet 1.9.1 writes it (dmlc's JSON writer: an
object with one key on one line, node inputs ``[node, output, version]``,
``node_row_ptr`` counting every output, ``attrs.mxnet_version``).  Read
from any 1.x release, including the pre-1.0 layout (a node's ``param`` and
``attr`` dictionaries, ``[node, output]`` entries, BatchNorm without its
moving statistics), which is upgraded the way MXNet's loader does.

>>> import gluonx as mx
>>> mx.sym.load_json(mx.sym.var('x').tojson()).list_arguments()
['x']
"""
from __future__ import annotations

import json
import warnings

from gluonx._fileio import read_regular, write_atomic
from gluonx.base import MXNetError, MXNetValueError
from gluonx.ops.registry import all_ops
from gluonx.symbol.graph import HIDDEN_KEYS, Node, topo_order
from gluonx.symbol.mxnet_names import MXNET_NAME

MXNET_VERSION = 10901
# Outputs MXNet counts in node_row_ptr beyond the visible ones (max Pooling's
# workspace is that of MXNet's oneDNN builds, the pip wheels).
_MXNET_OUTPUTS = {"BatchNorm": 3, "Dropout": 2, "LayerNorm": 3, "InstanceNorm": 3, "sort": 2,
                  "GroupNorm": 3, "L2Normalization": 2, "LRN": 2, "CTCLoss": 2}


def _mxnet_outputs(node, op_name: str) -> int:
    n = node.num_outputs()
    if op_name == "topk":
        return 2 if node.params.get("ret_typ") in ("value", "both") else n
    if op_name == "Pooling":
        p = node.params
        max_ws = p.get("pool_type", "max") == "max" and p.get("kernel") and (p.get("layout") or "NC").startswith("NC")
        return 2 if max_ws else n
    return max(n, _MXNET_OUTPUTS.get(op_name, 0))


def mxnet_op_name(op) -> str:
    """The name MXNet writes for an operator (its registered name)."""
    for n in (op.name,) + op.aliases:
        if n in MXNET_NAME:
            return MXNET_NAME[n]
    return op.name


# ---- writing -----------------------------------------------------------------------------

def _q(s) -> str:
    return json.dumps(str(s))


def _obj(d: dict, indent: str) -> str:
    items = sorted(d.items())
    if len(items) <= 1:
        return "{" + ", ".join("%s: %s" % (_q(k), _q(v)) for k, v in items) + "}"
    inner = indent + "  "
    return "{\n" + ", \n".join("%s%s: %s" % (inner, _q(k), _q(v)) for k, v in items) + "\n" + indent + "}"


def _arr(items: list, indent: str) -> str:
    """An array as dmlc's writer lays it out: one line up to 10 items."""
    if len(items) <= 10:
        return "[" + ", ".join(items) + "]"
    inner = indent + "  "
    return "[\n" + ", \n".join(inner + it for it in items) + "\n" + indent + "]"


def graph_dict(heads: list) -> tuple[list, dict]:
    """(nodes in file order, {id(node): index}) of the graph under `heads`."""
    order = topo_order(heads)
    return order, {id(n): i for i, n in enumerate(order)}


def to_json(heads: list) -> str:
    """MXNet's JSON of the graph under `heads` ([(node, index)])."""
    order, index = graph_dict(heads)
    nodes, row_ptr, arg_nodes = [], [0], []
    for i, node in enumerate(order):
        if node.op is None:
            arg_nodes.append(i)
            op_name, nout = "null", 1
        else:
            op_name = mxnet_op_name(node.op)
            nout = _mxnet_outputs(node, op_name)
        row_ptr.append(row_ptr[-1] + nout)
        aux = set(node.aux_inputs())
        entries = [("[%d, %d, %d]" % (index[id(src)], k, 1 if j in aux else 0))
                   for j, (src, k) in enumerate(node.inputs)]
        parts = ['      "op": %s' % _q(op_name), '      "name": %s' % _q(node.name)]
        if node.attrs:
            parts.append('      "attrs": %s' % _obj(node.attrs, "      "))
        parts.append('      "inputs": %s' % _arr(entries, "      "))
        nodes.append("    {\n" + ", \n".join(parts) + "\n    }")
    head_entries = ["[%d, %d, 0]" % (index[id(n)], k) for n, k in heads]
    return ("{\n" + '  "nodes": [\n' + ", \n".join(nodes) + "\n  ], \n"
            + '  "arg_nodes": %s, \n' % _arr([str(i) for i in arg_nodes], "  ")
            + '  "node_row_ptr": %s, \n' % _arr([str(i) for i in row_ptr], "  ")
            + '  "heads": %s, \n' % _arr(head_entries, "  ")
            + '  "attrs": {"mxnet_version": ["int", %d]}\n}' % MXNET_VERSION)


def save(heads: list, fname: str) -> None:
    """Writes the JSON to `fname` atomically (see :func:`gluonx._fileio.write_atomic`)."""
    write_atomic(fname, to_json(heads).encode("utf-8"), "Symbol.save")


# ---- reading -----------------------------------------------------------------------------

# What an operator's attribute parser or rules may raise on values from a file.
_PARSE_ERRORS = (MXNetError, ValueError, TypeError, OverflowError, KeyError, IndexError, RecursionError)


def _fail(where: str, msg: str):
    raise MXNetValueError("%s: %s" % (where, msg))


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _entry(e, n_nodes: int, where: str, what: str) -> tuple:
    if not isinstance(e, list) or len(e) not in (2, 3) or not all(_is_int(v) for v in e):
        _fail(where, "%s entry %s is not [node, output(, version)]" % (what, _brief(e)))
    if not 0 <= e[0] < n_nodes:
        _fail(where, "%s entry %s refers to node %d of %d" % (what, _brief(e), e[0], n_nodes))
    if e[1] < 0:
        _fail(where, "%s entry %s has a negative output index" % (what, _brief(e)))
    return e[0], e[1]


def _brief(v) -> str:
    r = repr(v)
    return r if len(r) <= 80 else r[:77] + "..."


def _hidden(attrs: dict) -> dict:
    return {("__%s__" % k if k in HIDDEN_KEYS else k): str(v) for k, v in attrs.items()}


def _check_output(src: Node, k: int, where: str, what: str) -> None:
    n = 1 if src.op is None else src.num_outputs()
    if k >= n:
        _fail(where, "%s refers to output %d of %s, which has %d" % (what, k, src.name, n))


def from_json(text: str, where: str = "load_json") -> list:
    """The graph's outputs, [(node, index)], from MXNet's JSON (any 1.x layout).
    Every malformed part raises MXNetValueError naming `where` and the part."""
    try:
        graph = json.loads(text)
    except (ValueError, TypeError, RecursionError) as e:   # RecursionError: absurdly deep nesting
        _fail(where, "not a valid JSON graph (%s)" % e)
    if (not isinstance(graph, dict) or not isinstance(graph.get("nodes"), list)
            or not isinstance(graph.get("heads"), list)):
        _fail(where, "not an MXNet graph: expected an object with the lists 'nodes' and 'heads'")
    gattrs = graph.get("attrs") or {}
    if not isinstance(gattrs, dict):
        _fail(where, "'attrs' must be an object")
    version = gattrs.get("mxnet_version", ["int", 0])
    version = version[1] if isinstance(version, list) and len(version) == 2 and _is_int(version[1]) else 0
    ops = all_ops()
    raw = graph["nodes"]
    nodes = []
    for i, jn in enumerate(raw):
        if not isinstance(jn, dict) or not isinstance(jn.get("op"), str) or not isinstance(jn.get("name"), str):
            _fail(where, "node %d is malformed (needs the strings 'op' and 'name')" % i)
        attrs = {}
        for key in ("param", "attrs", "attr"):
            d = jn.get(key) or {}
            if not isinstance(d, dict):
                _fail(where, "node %d (%s): '%s' must be an object" % (i, jn["name"], key))
            attrs.update(_hidden(d) if key == "attr" else {k: str(v) for k, v in d.items()})
        if jn["op"] == "null":
            nodes.append(Node(None, jn["name"], attrs, None, []))
            continue
        op = ops.get(jn["op"])
        if op is None:
            _fail(where, "node %d (%s) uses operator %s, which gluonx does not have"
                  % (i, jn["name"], _brief(jn["op"])))
        nodes.append(Node(op, jn["name"], attrs, None, []))
    for i, jn in enumerate(raw):
        ins = jn.get("inputs", [])
        if not isinstance(ins, list):
            _fail(where, "node %d (%s): 'inputs' must be a list" % (i, jn["name"]))
        if ins and nodes[i].op is None:
            _fail(where, "node %d (%s) is a variable and cannot have inputs" % (i, jn["name"]))
        for e in ins:
            src, k = _entry(e, len(nodes), where, "input of node %s" % jn["name"])
            if src >= i:   # inputs come first in MXNet's files: this also rules out cycles
                _fail(where, "node %d (%s) takes node %d as input, which comes later" % (i, jn["name"], src))
            nodes[i].inputs.append((nodes[src], k))
    if version < 10000:
        _upgrade_legacy(nodes, where)
    for node in nodes:
        if node.op is not None:
            _parse_params(node, where)
            for src, k in node.inputs:
                _check_output(src, k, where, "an input of node %s" % node.name)
    if not graph["heads"]:
        _fail(where, "the graph has no outputs ('heads' is empty)")
    outs = []
    for e in graph["heads"]:
        n, k = _entry(e, len(nodes), where, "head")
        _check_output(nodes[n], k, where, "a head")
        outs.append((nodes[n], k))
    return outs


def _parse_params(node: Node, where: str) -> None:
    op = node.op
    params = {k: v for k, v in node.attrs.items() if not (k.startswith("__") and k.endswith("__"))}
    unknown = [k for k in params if not op.has_attr(k)]
    if unknown:
        warnings.warn("%s: node %s (%s) has attributes gluonx ignores: %s"
                      % (where, node.name, op.name, ", ".join(sorted(unknown))))
        for k in unknown:
            params.pop(k)
    try:
        node.params = op.parse_attrs(params)
        n_out = node.num_outputs()
        in_names = None if op.variadic else op.input_names(node.params)
    except _PARSE_ERRORS as e:   # an attribute value the rules cannot work with
        _fail(where, "node %s (%s): %s" % (node.name, op.name, e))
    if not _is_int(n_out) or n_out < 0:
        _fail(where, "node %s (%s): its attributes give %r outputs" % (node.name, op.name, n_out))
    if op.variadic and "num_args" in op._attr_by_name and node.params.get("num_args") is None:
        node.params["num_args"] = len(node.inputs)
    if in_names is not None and len(node.inputs) != len(in_names):
        _fail(where, "node %s (%s) has %d inputs, the operator takes %d (%s)"
              % (node.name, op.name, len(node.inputs), len(in_names), ", ".join(in_names)))


def _upgrade_legacy(nodes: list, where: str) -> None:
    """What MXNet's loader does to pre-1.0 graphs: per-input learning-rate
    attributes move to the input variables, BatchNorm gains its moving
    statistics, argmax/argmin's axis=-1 means 'no axis'."""
    for node in nodes:
        if node.op is None:
            continue
        try:
            names = node.op.input_names(node.op.parse_attrs(
                {k: v for k, v in node.attrs.items() if node.op.has_attr(k)}, strict=False))
        except _PARSE_ERRORS as e:
            _fail(where, "node %s (%s): %s" % (node.name, node.op.name, e))
        for key in list(node.attrs):
            for suffix in ("_lr_mult", "_wd_mult"):
                if key.endswith(suffix) and not key.startswith("__"):
                    in_name = key[: -len(suffix)]
                    if in_name in names and names.index(in_name) < len(node.inputs):
                        src = node.inputs[names.index(in_name)][0]
                        if src.op is None:
                            src.attrs["__%s__" % suffix[1:]] = node.attrs.pop(key)
        if node.op.name == "BatchNorm" and len(node.inputs) == 3:
            for in_name, init in (("moving_mean", '["zero", {}]'), ("moving_var", '["one", {}]')):
                vattrs = {k: v for k, v in node.attrs.items()}
                vattrs["__init__"] = init
                node.inputs.append((Node(None, "%s_%s" % (node.name, in_name), vattrs, None, []), 0))
        if node.op.name in ("argmax", "argmin") and node.attrs.get("axis") == "-1":
            node.attrs.pop("axis")


def load(fname: str) -> list:
    """The graph outputs of a ``-symbol.json`` file (a regular file only)."""
    data = read_regular(fname, "mx.sym.load")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise MXNetValueError("mx.sym.load: '%s' is not a UTF-8 JSON graph file" % fname) from None
    return from_json(text, "mx.sym.load('%s')" % fname)
