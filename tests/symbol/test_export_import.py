"""export / SymbolBlock.imports: models exported by real MXNet 1.9.1 load
and give MXNet's outputs; gluonx's exports name nodes and parameters as
MXNet's do, load back with the same outputs, and (when a real MXNet is at
hand) load in MXNet; bad files fail with clear errors and nothing partial."""
import gzip
import json
import os
import shutil
import subprocess

import numpy as np
import pytest

import gluonx as mx
from gluonx.gluon import nn

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "symbol")
REF = np.load(os.path.join(DATA, "exported_outputs.npz"))
NAMES = json.load(open(os.path.join(DATA, "exported_names.json")))
MXNET_MODELS = ["resnet_small", "resnet_v2_small", "mobilenet_small", "mlp_gluon", "custom_gluon"]


def _params_file(model, tmp_path):
    pf = NAMES[model].get("params_file", model + "-0000.params")
    src = os.path.join(DATA, pf)
    if not pf.endswith(".gz"):
        return src
    dst = str(tmp_path / pf[:-3])
    with gzip.open(src) as f, open(dst, "wb") as g:
        shutil.copyfileobj(f, g)
    return dst


@pytest.mark.parametrize("model", MXNET_MODELS)
def test_mxnet_export_imports_with_mxnet_outputs(model, tmp_path):
    net = mx.gluon.SymbolBlock.imports(os.path.join(DATA, model + "-symbol.json"), ["data"],
                                       _params_file(model, tmp_path))
    x = mx.nd.array(REF[model + "_input"])
    want = REF[model + "_output"]
    np.testing.assert_allclose(net(x).asnumpy(), want, rtol=1e-4, atol=1e-5)
    net.hybridize(static_alloc=True)
    np.testing.assert_allclose(net(x).asnumpy(), want, rtol=1e-4, atol=1e-5)
    # and through mx.sym.load + bind
    sym = mx.sym.load(os.path.join(DATA, model + "-symbol.json"))
    params = mx.nd.load(_params_file(model, tmp_path))
    args = {k[4:]: v for k, v in params.items() if k.startswith("arg:")}
    aux = {k[4:]: v for k, v in params.items() if k.startswith("aux:")}
    args["data"] = x
    ex = sym.bind(mx.cpu(), args, aux_states=aux, grad_req="null")
    np.testing.assert_allclose(ex.forward()[0].asnumpy(), want, rtol=1e-4, atol=1e-5)


class CustomBlock(mx.gluon.HybridBlock):
    """The block of tests/data/symbol/gen_symbol_mxnet.py, written again."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.dense = nn.Dense(6)
            self.bias = self.params.get("bias", shape=(1, 6), init=mx.init.Normal(0.5))

    def hybrid_forward(self, F, x, bias):
        h = F.relu(self.dense(x))
        h = F.broadcast_add(h, bias)
        h = h * 2 + 1
        h = F.concat(h, x, dim=1)
        h = F.softmax(h, axis=-1)
        h = F.reshape(h, shape=(0, -4, 2, -1))
        h = F.transpose(h, axes=(0, 2, 1))
        return F.sum(h, axis=2)


def _mlp():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(16, activation="relu"), nn.Dropout(0.5), nn.Dense(4))
    return net


@pytest.mark.parametrize("model,make", [("mlp_gluon", _mlp), ("custom_gluon", CustomBlock)])
def test_export_names_and_round_trip(model, make, tmp_path):
    with mx.name.NameManager():
        net = make()
    net.initialize()
    x = mx.nd.array(REF[model + "_input"])
    net(x)                                       # deferred initialization
    params = mx.nd.load(_params_file(model, tmp_path))
    for name, p in net.collect_params().items():
        key = ("aux:" if "running" in name else "arg:") + name
        p.set_data(params[key])
    net.hybridize()
    y = net(x)
    np.testing.assert_allclose(y.asnumpy(), REF[model + "_output"], rtol=1e-5, atol=1e-6)
    sym_file, params_file = net.export(str(tmp_path / "m"), epoch=3)
    assert params_file.endswith("m-0003.params")
    graph = json.load(open(sym_file))
    assert [[n["name"], n["op"]] for n in graph["nodes"]] == NAMES[model]["nodes"]
    assert sorted(mx.nd.load(params_file)) == sorted(params)
    back = mx.gluon.SymbolBlock.imports(sym_file, ["data"], params_file)
    np.testing.assert_allclose(back(x).asnumpy(), y.asnumpy(), rtol=1e-6)


def test_symbol_block_composes_and_trains():
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
    net = mx.gluon.SymbolBlock(mx.sym.relu(fc), data)
    net.initialize(mx.init.One())
    x = mx.nd.ones((2, 4))
    with mx.autograd.record():
        loss = net(x).sum()
    loss.backward()
    assert net.params["fc_weight"].grad().asnumpy().tolist() == [[2.0] * 4] * 3
    out = net(mx.sym.var("other"))
    assert out.list_arguments() == ["other", "fc_weight", "fc_bias"]


def test_export_needs_a_forward_and_writes_nothing_partial(tmp_path):
    net = nn.Dense(2, in_units=3)
    net.initialize()
    with pytest.raises(mx.base.MXNetError, match="hybridize"):
        net.export(str(tmp_path / "n"))
    assert os.listdir(tmp_path) == []
    net.hybridize()
    net(mx.nd.ones((1, 3)))
    os.mkdir(tmp_path / "n-symbol.json")      # the symbol file cannot be written
    with pytest.raises(OSError):
        net.export(str(tmp_path / "n"))
    assert sorted(os.listdir(tmp_path)) == ["n-symbol.json"]


@pytest.mark.parametrize("text,match", [
    ("{not json", "not a valid JSON"),
    ('{"nodes": 3}', "not an MXNet graph"),
    ('{"nodes": [{"op": "Frobnicate", "name": "f", "inputs": []}], "heads": [[0, 0, 0]]}', "Frobnicate"),
    ('{"nodes": [{"op": "null", "name": "x", "inputs": []}], "heads": [[5, 0, 0]]}', "refers to node 5"),
    ('{"nodes": [{"op": "null", "name": "x", "inputs": []}, {"op": "relu", "name": "r", "inputs": [[0]]}],'
     ' "heads": [[1, 0, 0]]}', "input of node r"),
])
def test_malformed_symbol_files(tmp_path, text, match):
    path = tmp_path / "bad-symbol.json"
    path.write_text(text)
    with pytest.raises(mx.base.MXNetError, match=match) as ei:
        mx.sym.load(str(path))
    assert "bad-symbol.json" in str(ei.value)


def test_truncated_symbol_file_and_wrong_params(tmp_path):
    text = open(os.path.join(DATA, "mlp-symbol.json")).read()
    (tmp_path / "t-symbol.json").write_text(text[: len(text) // 2])
    with pytest.raises(mx.base.MXNetError, match="t-symbol.json"):
        mx.sym.load(str(tmp_path / "t-symbol.json"))
    mx.nd.save(str(tmp_path / "w.params"), {"arg:nope": mx.nd.ones((1,))})
    with pytest.raises(mx.base.MXNetError, match="nope"):
        mx.gluon.SymbolBlock.imports(os.path.join(DATA, "mlp-symbol.json"), ["data"], str(tmp_path / "w.params"))


def test_legacy_json_is_upgraded():
    files = json.load(open(os.path.join(DATA, "json_files.json")))
    ref = files["legacy-symbol.json"]
    sym = mx.sym.load(os.path.join(DATA, "legacy-symbol.json"))
    assert sym.list_arguments() == ref["list_arguments"]
    assert sym.list_auxiliary_states() == ref["list_auxiliary_states"]
    assert sym.list_outputs() == ref["list_outputs"]


@pytest.mark.parametrize("fname", ["mlp-symbol.json", "cnn-symbol.json", "resnet18_v1-symbol.json"])
def test_mxnet_json_round_trips_byte_for_byte(fname):
    text = open(os.path.join(DATA, fname)).read()
    assert mx.sym.load_json(text).tojson() == text


MXNET_PYTHON = os.environ.get("GLUONX_MXNET_PYTHON")


@pytest.mark.skipif(not MXNET_PYTHON, reason="set GLUONX_MXNET_PYTHON to a Python with mxnet 1.9.1")
def test_real_mxnet_loads_gluonx_export(tmp_path):
    with mx.name.NameManager():
        net = CustomBlock()
    net.initialize()
    net.hybridize()
    x = mx.nd.array(REF["custom_gluon_input"])
    y = net(x).asnumpy()
    sym_file, params_file = net.export(str(tmp_path / "c"))
    np.save(str(tmp_path / "x.npy"), x.asnumpy())
    code = ("import mxnet as mx, numpy as np, sys\n"
            "net = mx.gluon.SymbolBlock.imports(sys.argv[1], ['data'], sys.argv[2])\n"
            "print(repr(net(mx.nd.array(np.load(sys.argv[3]))).asnumpy().tolist()))\n")
    env = dict(os.environ, MXNET_SUBGRAPH_BACKEND="NONE")
    out = subprocess.check_output([MXNET_PYTHON, "-c", code, sym_file, params_file, str(tmp_path / "x.npy")],
                                  env=env)
    np.testing.assert_allclose(np.array(eval(out.decode().strip().splitlines()[-1])), y, rtol=1e-5)
