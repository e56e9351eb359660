"""File-format fuzzer: mutated ``.params`` files, ``-symbol.json`` graphs and
optimizer-state files either load or raise an MXNetError (that is also the
built-in exception a user would catch), never another exception, a crash or
a hang.  Profiles (tests/fuzz/conftest.py): GLUONX_FUZZ_PROFILE=ci|long.
"""
import json
import os
import struct
import time

import pytest
from hypothesis import given, strategies as st

import gluonx as mx
from gluonx import gluon
from gluonx.base import MXNetError

DATA = os.path.join(os.path.dirname(__file__), os.pardir, "data")
PARAMS = sorted(f for f in os.listdir(os.path.join(DATA, "params")) if f.endswith(".params"))
SYMBOLS = ["mlp-symbol.json", "cnn-symbol.json", "legacy-symbol.json", "mlp_gluon-symbol.json"]
_TIME_LIMIT = 20.0      # seconds one example may take: more is a hang


def _read(*parts) -> bytes:
    with open(os.path.join(DATA, *parts), "rb") as f:
        return f.read()


def _expect_mxnet_error(fn, *args):
    """fn(*args)'s result, or None when it raised an MXNetError; anything
    else (another exception type, a very slow return) fails the test."""
    t0 = time.monotonic()
    try:
        return fn(*args)
    except MXNetError as e:
        # every MXNetError gluonx raises on a bad file is also a builtin a user catches
        assert isinstance(e, (ValueError, OSError, TypeError, KeyError, IndexError)), type(e).__mro__
        assert str(e)
        return None
    finally:
        assert time.monotonic() - t0 < _TIME_LIMIT, "took %.1f s" % (time.monotonic() - t0)


# ---- byte-level mutations ------------------------------------------------------------

_INTERESTING = [0, 1, 2, 3, 16, 17, 0x7F, 0xFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 1 << 31, 1 << 40,
                1 << 62, (1 << 63) - 1, 1 << 63, (1 << 64) - 1, 0x112, 0xF993FAC9, 0xF993FACA, 0xF993FAC8]

_mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(0, 7)),
    st.tuples(st.just("cut"), st.integers(0, 1 << 20)),
    st.tuples(st.just("u64"), st.integers(0, 1 << 20), st.sampled_from(_INTERESTING)),
    st.tuples(st.just("u32"), st.integers(0, 1 << 20), st.sampled_from(_INTERESTING)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 16)),
)


def _mutate(blob: bytes, ops) -> bytes:
    b = bytearray(blob)
    for op in ops:
        if not b and op[0] != "insert":
            continue
        pos = op[1] % (len(b) + 1) if op[0] in ("cut", "insert") else op[1] % max(len(b), 1)
        if op[0] == "flip":
            b[pos] ^= 1 << op[2]
        elif op[0] == "cut":
            del b[pos:]
        elif op[0] in ("u64", "u32"):
            size = 8 if op[0] == "u64" else 4
            b[pos:pos + size] = struct.pack("<Q" if size == 8 else "<I", op[2] % (1 << (8 * size)))
        elif op[0] == "insert":
            b[pos:pos] = op[2]
        else:
            del b[pos:pos + op[2]]
    return bytes(b)


# ---- .params -------------------------------------------------------------------------

def _check_loaded(out):
    items = out.values() if isinstance(out, dict) else out
    for a in items:
        a.asnumpy()


def _load_params_file(path):
    out = mx.nd.load(path)
    _check_loaded(out)
    return out


def _seed_params():
    seeds = {name: _read("params", name) for name in PARAMS}
    seeds["mlp_gluon-0000.params"] = _read("symbol", "mlp_gluon-0000.params")
    return seeds


PARAM_SEEDS = _seed_params()


@given(name=st.sampled_from(sorted(PARAM_SEEDS)), ops=st.lists(_mutation, min_size=1, max_size=5))
def test_params_mutations(tmp_path_factory, name, ops):
    blob = _mutate(PARAM_SEEDS[name], ops)
    out = _expect_mxnet_error(mx.nd.load_frombuffer, blob)
    if out is not None:
        _check_loaded(out)
    path = str(tmp_path_factory.mktemp("p") / "m.params")
    with open(path, "wb") as f:
        f.write(blob)
    got = _expect_mxnet_error(_load_params_file, path)
    assert (got is None) == (out is None)     # the file and the buffer readers agree


def _header(n):
    return struct.pack("<QQQ", 0x112, 0, n)


@given(ndim=st.integers(-5, 40), dims=st.lists(st.sampled_from(_INTERESTING[:12] + [1 << 62, (1 << 63) - 1]),
                                             min_size=0, max_size=20),
       flag=st.integers(-2, 14), magic=st.sampled_from([0xF993FAC9, 0xF993FACA, 0xF993FAC8, 3]),
       tail=st.integers(0, 1024))
def test_params_declared_sizes(ndim, dims, flag, magic, tail):
    """A record declaring any ndim / dims / dtype in a file of at most ~1 KB
    is loaded (when the data is there) or refused; never an allocation of the
    declared size."""
    if magic == 3:
        body = struct.pack("<I", 3) + struct.pack("<%dI" % len(dims[:3]), *[d & 0xFFFFFFFF for d in dims[:3]])
    else:
        dd = [d if d < (1 << 63) else d - (1 << 64) for d in dims]
        body = (struct.pack("<I", magic) + (b"" if magic == 0xF993FAC8 else struct.pack("<i", 0))
                + struct.pack("<i", ndim) + struct.pack("<%dq" % len(dd), *dd))
    blob = _header(1) + body + struct.pack("<iii", 1, 0, flag) + b"\0" * tail + struct.pack("<Q", 0)
    out = _expect_mxnet_error(mx.nd.load_frombuffer, blob)
    if out is not None:
        _check_loaded(out)


def test_huge_declared_array_is_refused_before_allocating(tmp_path):
    blob = _header(1) + struct.pack("<Iii2q", 0xF993FAC9, 0, 2, 1 << 31, 1 << 31) + struct.pack("<iii", 1, 0, 0)
    blob += b"\0" * (1024 - len(blob))
    f = tmp_path / "huge.params"
    f.write_bytes(blob)
    with pytest.raises(ValueError, match="bytes remain") as ei:
        mx.nd.load(str(f))
    assert isinstance(ei.value, MXNetError) and "huge.params" in str(ei.value) and "offset" in str(ei.value)


def test_parameter_loaders_on_mutated_files(tmp_path):
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(3, in_units=4), gluon.nn.Dense(2, in_units=3))
    net.initialize()
    good = str(tmp_path / "good.params")
    net.save_parameters(good)
    blob = open(good, "rb").read()
    for i, ops in enumerate([[("cut", n)] for n in range(0, len(blob), 7)]
                            + [[("u64", p, 1 << 62)] for p in range(16, 120, 4)]
                            + [[("flip", p, b)] for p in range(0, len(blob), 5) for b in (0, 7)]):
        bad = str(tmp_path / ("bad%d.params" % i))
        with open(bad, "wb") as f:
            f.write(_mutate(blob, ops))
        _expect_mxnet_error(net.load_parameters, bad)
        _expect_mxnet_error(net.collect_params().load, bad, None, True, True, net.prefix)


# ---- -symbol.json --------------------------------------------------------------------

SYMBOL_SEEDS = {name: _read("symbol", name).decode("utf-8") for name in SYMBOLS}


def _seed_graphs():
    x = mx.sym.var("data")
    y = mx.sym.FullyConnected(x, num_hidden=4, name="fc")
    y = mx.sym.BatchNorm(y, name="bn")
    z = mx.sym.Concat(y, mx.sym.Activation(y, act_type="relu"), dim=1)
    return {"built": mx.sym.Group([z, mx.sym.sum(y)]).tojson()}


SYMBOL_SEEDS.update(_seed_graphs())

_json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(1 << 70), 1 << 70) | st.floats(allow_nan=True)
    | st.text(max_size=8) | st.sampled_from(["null", "(2,2)", "(1<<62,)", "x" * 100000, "1e999", "-1",
                                             "(-1, 0)", "[]", "{}", "relu", "0"]),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=6), kids, max_size=4),
    max_leaves=8)


def _paths(obj, prefix=()):
    """Every (path, value) inside a JSON value."""
    yield prefix, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


def _json_mutate(graph, ops):
    for kind, pick, value in ops:
        paths = list(_paths(graph))
        path, _ = paths[pick % len(paths)]
        if not path:
            graph = value if kind == "replace" else graph
            continue
        parent = graph
        for k in path[:-1]:
            parent = parent[k]
        last = path[-1]
        if kind == "delete":
            del parent[last]
        elif kind == "replace":
            parent[last] = value
        elif kind == "ref" and isinstance(parent[last], int) and not isinstance(parent[last], bool):
            parent[last] = value if isinstance(value, int) and not isinstance(value, bool) else -parent[last] - 1
        elif kind == "dup" and isinstance(parent, list):
            parent.insert(last, json.loads(json.dumps(parent[last])))
    return graph


_json_op = st.tuples(st.sampled_from(["delete", "replace", "ref", "ref", "dup"]), st.integers(0, 1 << 16),
                     _json_value | st.integers(-3, 40))


def _load_and_use(text):
    sym = mx.sym.load_json(text)
    sym.list_arguments()
    sym.list_outputs()
    sym.tojson()
    return sym


@given(name=st.sampled_from(sorted(SYMBOL_SEEDS)), ops=st.lists(_json_op, min_size=1, max_size=4))
def test_symbol_json_structure_mutations(name, ops):
    graph = _json_mutate(json.loads(SYMBOL_SEEDS[name]), ops)
    _expect_mxnet_error(_load_and_use, json.dumps(graph))


@given(name=st.sampled_from(sorted(SYMBOL_SEEDS)), ops=st.lists(_mutation, min_size=1, max_size=4))
def test_symbol_json_byte_mutations(tmp_path_factory, name, ops):
    blob = _mutate(SYMBOL_SEEDS[name].encode("utf-8"), ops)
    path = str(tmp_path_factory.mktemp("s") / "m-symbol.json")
    with open(path, "wb") as f:
        f.write(blob)
    _expect_mxnet_error(mx.sym.load, path)


_HAND_MADE = [
    "[" * 100000 + "]" * 100000, '{"nodes": ' + "[" * 5000 + "]" * 5000 + ', "heads": []}',
    '{"nodes": [], "heads": [[0, 0, 0]]}', '{"nodes": [{"op": "null", "name": "x", "inputs": [[0, 0, 0]]}], '
    '"heads": [[0, 0, 0]]}', "", "null", '{"nodes": {}, "heads": 3}', '{"nodes": [], "heads": 1e999}',
    '{"nodes": [{"op": "null", "name": "x"}], "heads": [[0, 99, 0]], "attrs": []}',
    '{"nodes": [{"op": "null", "name": "x"}, {"op": "relu", "name": "r", "inputs": [[1, 0, 0]]}], '
    '"heads": [[1, 0, 0]]}',
    '{"nodes": [{"op": "null", "name": "x"}], "heads": [[0, 0, 0]], "attrs": {"mxnet_version": ["int", "x"]}}',
]


@pytest.mark.parametrize("text", _HAND_MADE, ids=["case%d" % i for i in range(len(_HAND_MADE))])
def test_symbol_json_hand_made(text):
    _expect_mxnet_error(_load_and_use, text)


# ---- optimizer states ----------------------------------------------------------------

def _updater_blobs():
    blobs = {}
    for name, kw in [("sgd", {"momentum": 0.9, "learning_rate": 0.1}),
                     ("adam", {"lr_scheduler": mx.lr_scheduler.FactorScheduler(step=2, factor=0.5)}),
                     ("rmsprop", {"centered": True})]:
        opt = mx.optimizer.create(name, **kw)
        upd = mx.optimizer.get_updater(opt)
        for i in range(2):
            upd(i, mx.nd.ones((3,)), mx.nd.ones((3,)))
        upd("named", mx.nd.ones((2, 2)), mx.nd.ones((2, 2)))
        blobs[name] = upd.get_states(dump_optimizer=False)
        blobs[name + "+opt"] = upd.get_states(dump_optimizer=True)
    return blobs


STATE_SEEDS = _updater_blobs()
_MAGIC = b"GXUPDATER1\n"


def _split(blob):
    n = struct.unpack_from("<Q", blob, len(_MAGIC))[0]
    p = len(_MAGIC) + 8
    return json.loads(blob[p:p + n]), blob[p + n:]


def _join(meta, rest):
    head = json.dumps(meta).encode("utf-8")
    return _MAGIC + struct.pack("<Q", len(head)) + head + rest


def _apply_states(blob, name):
    base = mx.optimizer.create(name.split("+")[0])
    upd = mx.optimizer.get_updater(base)
    known = set(base.__dict__)
    upd.set_states(blob)
    assert set(upd.optimizer.__dict__) <= known, set(upd.optimizer.__dict__) - known   # nothing new
    for i in list(upd.states)[:3]:   # the restored states drive an update or raise an MXNetError
        shape = (2, 2) if i == "named" else (3,)
        upd(i, mx.nd.ones(shape), mx.nd.ones(shape))
    return upd


@given(name=st.sampled_from(sorted(STATE_SEEDS)), ops=st.lists(_mutation, min_size=1, max_size=4))
def test_states_byte_mutations(name, ops):
    _expect_mxnet_error(_apply_states, _mutate(STATE_SEEDS[name], ops), name)


@given(name=st.sampled_from(sorted(STATE_SEEDS)), ops=st.lists(_json_op, min_size=1, max_size=4))
def test_states_structure_mutations(name, ops):
    meta, rest = _split(STATE_SEEDS[name])
    _expect_mxnet_error(_apply_states, _join(_json_mutate(meta, ops), rest), name)


def test_states_cannot_set_arbitrary_attributes():
    meta, rest = _split(STATE_SEEDS["sgd+opt"])
    meta["optimizer"]["attrs"].update({"__class__": "x", "update": 1, "evil": [1, 2], "lr": 0.5})
    meta["optimizer"]["lr_scheduler"] = {"class": "warnings", "attrs": {}}
    with pytest.raises(ValueError, match="lr_scheduler"):
        _apply_states(_join(meta, rest), "sgd")
    del meta["optimizer"]["lr_scheduler"]
    with pytest.warns(UserWarning, match="evil"):
        upd = _apply_states(_join(meta, rest), "sgd")
    assert upd.optimizer.lr == 0.5 and not hasattr(upd.optimizer, "evil")
    assert type(upd.optimizer).update is mx.optimizer.SGD.update


def test_trainer_load_states_on_mutated_files(tmp_path):
    net = gluon.nn.Dense(2, in_units=3)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    with mx.autograd.record():
        loss = net(mx.nd.ones((1, 3))).sum()
    loss.backward()
    trainer.step(1)
    good = str(tmp_path / "t.states")
    trainer.save_states(good)
    blob = open(good, "rb").read()
    for i, ops in enumerate([[("cut", n)] for n in range(0, len(blob), 11)]
                            + [[("flip", p, 3)] for p in range(0, len(blob), 13)]):
        bad = str(tmp_path / ("bad%d.states" % i))
        with open(bad, "wb") as f:
            f.write(_mutate(blob, ops))
        before = trainer.optimizer
        try:
            trainer.load_states(bad)
        except MXNetError as e:
            assert isinstance(e, ValueError) and "bad%d.states" % i in str(e), e
            assert trainer.optimizer is before      # a refused file changes nothing
    trainer.load_states(good)
