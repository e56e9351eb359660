"""gluonx._fileio: every writer (nd.save, save_parameters, export, Symbol.save,
Trainer.save_states) is atomic, refuses non-regular targets and keeps the
replaced file's mode; every loader refuses non-regular files."""
import os
import stat
import threading

import pytest

import gluonx as mx
from gluonx import _fileio, gluon
from gluonx.base import MXNetError


def _net():
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(2, in_units=3))
    net.initialize()
    return net


def _trainer(net):
    t = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    with mx.autograd.record():
        loss = net(mx.nd.ones((1, 3))).sum()
    loss.backward()
    t.step(1)
    return t


def _writers(tmp_path):
    """(name, write(path)) of every public writer."""
    net = _net()
    net.hybridize()
    net(mx.nd.ones((1, 3)))
    trainer = _trainer(net)
    sym = mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=2)
    return [
        ("nd.save", lambda p: mx.nd.save(p, {"a": mx.nd.ones((2,))})),
        ("save_parameters", lambda p: net.save_parameters(p)),
        ("ParameterDict.save", lambda p: net.collect_params().save(p)),
        ("Symbol.save", lambda p: sym.save(p)),
        ("Trainer.save_states", lambda p: trainer.save_states(p)),
        ("export", lambda p: net.export(p[:-len("-symbol.json")]) if p.endswith("-symbol.json")
         else net.export(p)),
    ]


WRITERS = ["nd.save", "save_parameters", "ParameterDict.save", "Symbol.save", "Trainer.save_states", "export"]


def _writer(tmp_path, name):
    return dict(_writers(tmp_path))[name]


def _target(tmp_path, name):
    return str(tmp_path / ("m-symbol.json" if name == "export" else "out.bin"))


@pytest.mark.parametrize("name", WRITERS)
def test_writers_refuse_a_symlink(tmp_path, name):
    write = _writer(tmp_path, name)
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    target = _target(tmp_path, name)
    os.symlink(str(victim), target)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(OSError, match="symbolic link") as ei:
        write(target)
    assert isinstance(ei.value, MXNetError) and os.path.basename(target) in str(ei.value)
    assert os.path.islink(target) and victim.read_bytes() == b"keep"
    assert sorted(os.listdir(tmp_path)) == before          # no temporary file left behind


@pytest.mark.parametrize("name", WRITERS)
def test_writers_keep_the_mode_and_are_atomic(tmp_path, name):
    write = _writer(tmp_path, name)
    target = _target(tmp_path, name)
    with open(target, "wb") as f:
        f.write(b"old")
    os.chmod(target, 0o600)
    write(target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert open(target, "rb").read() != b"old"
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


@pytest.mark.parametrize("kind", ["directory", "fifo", "device"])
def test_save_refuses_other_non_regular_targets(tmp_path, kind):
    if kind == "directory":
        target = str(tmp_path / "d")
        os.mkdir(target)
    elif kind == "fifo":
        target = str(tmp_path / "f")
        os.mkfifo(target)
    else:
        target = "/dev/null"
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(OSError) as ei:
        mx.nd.save(target, [mx.nd.ones((1,))])
    assert isinstance(ei.value, MXNetError) and "only a regular file" in str(ei.value)
    assert sorted(os.listdir(tmp_path)) == before
    if kind == "device":
        assert stat.S_ISCHR(os.lstat(target).st_mode)


def test_new_file_mode_follows_umask(tmp_path):
    old = os.umask(0o027)
    try:
        _fileio.write_atomic(str(tmp_path / "n"), b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "n").st_mode) == 0o640


def test_failure_during_write_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "keep.params"
    target.write_bytes(b"before")

    def broken(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="No space") as ei:
        mx.nd.save(str(target), [mx.nd.ones((3,))])
    assert isinstance(ei.value, MXNetError) and "keep.params" in str(ei.value)
    assert target.read_bytes() == b"before" and os.listdir(tmp_path) == ["keep.params"]

    def half(write):
        write(b"partial")
        raise KeyboardInterrupt
    monkeypatch.undo()
    with pytest.raises(KeyboardInterrupt):
        _fileio.write_atomic(str(target), half)
    assert target.read_bytes() == b"before" and os.listdir(tmp_path) == ["keep.params"]


# ---- loading -------------------------------------------------------------------------

def _loaders(tmp_path):
    net = _net()
    trainer = _trainer(net)
    return [("nd.load", mx.nd.load), ("load_parameters", net.load_parameters),
            ("ParameterDict.load", net.collect_params().load), ("sym.load", mx.sym.load),
            ("Trainer.load_states", trainer.load_states)]


def _run_with_timeout(fn, seconds=20):
    out = {}

    def target():
        try:
            fn()
        except BaseException as e:       # handed to the test thread
            out["error"] = e
    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "hung"
    return out.get("error")


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "directory"])
def test_loaders_refuse_non_regular_files(tmp_path, kind):
    if kind == "fifo":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
    elif kind == "directory":
        path = str(tmp_path)
    else:
        path = kind
    for name, load in _loaders(tmp_path):
        err = _run_with_timeout(lambda: load(path))
        assert isinstance(err, MXNetError) and isinstance(err, OSError), (name, err)
        assert "regular file" in str(err) and path in str(err), (name, err)


def test_missing_file_is_file_not_found(tmp_path):
    for name, load in _loaders(tmp_path):
        with pytest.raises(FileNotFoundError) as ei:
            load(str(tmp_path / "missing"))
        assert isinstance(ei.value, MXNetError) and "missing" in str(ei.value), name


def test_trainer_load_states_rejects_garbage(tmp_path):
    net = _net()
    trainer = _trainer(net)
    good = str(tmp_path / "good.states")
    trainer.save_states(good)
    blob = open(good, "rb").read()
    for i, bad in enumerate([b"", b"GXUPDATER1\n", blob[:20], blob[:len(blob) // 2], b"\x80\x04pickle" * 10,
                             blob[:11] + b"\xff" * 8 + blob[19:]]):
        path = str(tmp_path / ("bad%d.states" % i))
        with open(path, "wb") as f:
            f.write(bad)
        with pytest.raises(ValueError) as ei:
            trainer.load_states(path)
        assert isinstance(ei.value, MXNetError) and "bad%d.states" % i in str(ei.value)
    trainer.load_states(good)
