"""examples/train_digits.py: the IDX reader and a short training run of both models."""
import gzip
import importlib.util
import os

import numpy as np
import pytest

_SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "train_digits.py")


def _load():
    spec = importlib.util.spec_from_file_location("train_digits", _SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


td = _load()


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_roundtrip(tmp_path, gz, dtype):
    arr = (np.arange(2 * 3 * 5) - 7).reshape(2, 3, 5).astype(dtype)
    if dtype == np.uint8:
        arr = np.arange(30, dtype=np.uint8).reshape(2, 3, 5) * 8
    path = str(tmp_path / ("a.idx" + (".gz" if gz else "")))
    td.write_idx(path, arr)
    out = td.read_idx(path)
    assert out.shape == arr.shape and out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, arr)


def test_idx_reads_hand_written_bytes(tmp_path):
    # MNIST labels header: magic 0x00000801, count 3, then the bytes
    path = tmp_path / "labels"
    path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9]))
    np.testing.assert_array_equal(td.read_idx(str(path)), [7, 2, 9])
    # big-endian int16 2x2 image, gzip-compressed
    raw = bytes([0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 2]) + np.array([[1, -2], [300, 4]], ">i2").tobytes()
    gz = tmp_path / "img.gz"
    with gzip.open(gz, "wb") as f:
        f.write(raw)
    np.testing.assert_array_equal(td.read_idx(str(gz)), [[1, -2], [300, 4]])


@pytest.mark.parametrize("payload, msg", [
    (bytes([1, 0, 8, 1, 0, 0, 0, 1, 5]), "magic"),
    (bytes([0, 0, 0x42, 1, 0, 0, 0, 1, 5]), "type code"),
    (bytes([0, 0, 8, 2, 0, 0]), "truncated"),
    (bytes([0, 0, 8, 1, 0, 0, 0, 4, 5]), "expected 4 bytes"),
])
def test_idx_errors(tmp_path, payload, msg):
    path = tmp_path / "bad"
    path.write_bytes(payload)
    with pytest.raises(ValueError, match=msg):
        td.read_idx(str(path))


def _write_fake_mnist(directory, n_train=64, n_test=32, gz=True):
    rng = np.random.RandomState(0)
    ext = ".gz" if gz else ""
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        y = rng.randint(0, 10, size=n).astype(np.uint8)
        x = np.zeros((n, 28, 28), np.uint8)
        for i, c in enumerate(y):  # class c lights up row block c: learnable
            x[i, 2 * c + 3:2 * c + 6, 4:24] = 255
        td.write_idx(os.path.join(directory, prefix + "-images-idx3-ubyte" + ext), x)
        td.write_idx(os.path.join(directory, prefix + "-labels-idx1-ubyte" + ext), y)


def test_load_idx_dir(tmp_path):
    _write_fake_mnist(str(tmp_path), gz=False)
    x_tr, y_tr, x_te, y_te = td.load_idx_dir(str(tmp_path))
    assert x_tr.shape == (64, 1, 28, 28) and x_te.shape == (32, 1, 28, 28)
    assert x_tr.dtype == np.float32 and x_tr.max() == 1.0 and y_tr.shape == (64,)


def test_train_on_idx_dir(tmp_path, capsys):
    _write_fake_mnist(str(tmp_path))
    res = td.main(["--idx-dir", str(tmp_path), "--model", "mlp", "--epochs", "3", "--no-progress",
                   "--optimizer", "adam", "--lr", "0.01"])
    assert res["accuracy"] > 0.5
    assert "IDX files" in capsys.readouterr().out


@pytest.mark.parametrize("model, bound", [("mlp", 0.6), ("lenet", 0.45)])
def test_train_digits_one_epoch(tmp_path, model, bound):
    pytest.importorskip("sklearn")
    save = str(tmp_path / "net.params")
    res = td.main(["--model", model, "--epochs", "1", "--limit", "600", "--no-progress",
                   "--optimizer", "adam", "--lr", "0.005", "--batch-size", "16",
                   "--hybridize", "--save", save, "--seed", "3"])
    assert res["accuracy"] > bound, res["history"]
    assert len(res["history"]) == 1 and np.isfinite(res["history"][0]["loss"])
    assert os.path.getsize(save) > 0
    # the saved parameters load back into a fresh net and give the same predictions
    net = td.build_lenet() if model == "lenet" else td.build_mlp()
    net.load_parameters(save)
    import gluonx as mx
    x = mx.nd.array(np.random.RandomState(0).rand(4, 1, 8, 8))
    np.testing.assert_allclose(net(x).asnumpy(), res["net"](x).asnumpy(), rtol=1e-5, atol=1e-6)


def test_plot_without_or_with_matplotlib(tmp_path):
    hist = [{"epoch": 1, "loss": 1.0, "val_acc": 0.5}, {"epoch": 2, "loss": 0.5, "val_acc": 0.8}]
    path = str(tmp_path / "c.png")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert td.plot_curves(hist, path) is False
    else:
        assert td.plot_curves(hist, path) is True and os.path.getsize(path) > 0
