"""Random data, environment and context helpers, downloads and local data
sets, and the names ``from mxnet.test_utils import *`` must bring."""
import gzip
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

import gluonx as mx
from gluonx import test_utils as tu
from gluonx.base import MXNetError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_random_arrays_and_uniform_arrays():
    np.random.seed(0)
    a = tu.random_arrays((2, 3))
    assert a.shape == (2, 3) and a.dtype == np.float32
    many = tu.random_arrays((1,), (), (4, 1))
    assert [m.shape for m in many] == [(1,), (), (4, 1)]
    u = tu.random_uniform_arrays((1000,), low=2, high=3, dtype=np.float64)[0]
    assert u.dtype == np.float64 and 2 <= u.min() and u.max() < 3
    with pytest.raises(TypeError):
        tu.random_uniform_arrays((2,), lo=1)
    assert sorted(tu.random_sample(list(range(6)), 6)) == list(range(6))
    with pytest.raises(ValueError):
        tu.random_sample([1, 2], 3)


def test_rand_ndarray_dense_and_sparse():
    x = tu.rand_ndarray((3, 4), dtype="float64")
    assert isinstance(x, mx.nd.NDArray) and x.shape == (3, 4) and x.dtype == np.float64
    assert tu.rand_ndarray((2,)).dtype == np.float32
    for stype in ("csr", "row_sparse"):
        with pytest.raises(NotImplementedError) as err:
            tu.rand_ndarray((3, 4), stype)
        assert isinstance(err.value, MXNetError) and stype in str(err.value) and "sparse" in str(err.value)
    for fn in (tu.rand_sparse_ndarray, tu.create_sparse_array):
        with pytest.raises(NotImplementedError):
            fn((3, 4), "csr")
    with pytest.raises(ValueError):
        tu.rand_ndarray((2,), "dense")


def test_rand_shapes_and_coords():
    for _ in range(20):
        s2, s3, sn = tu.rand_shape_2d(3, 4), tu.rand_shape_3d(2, 2, 5), tu.rand_shape_nd(4, 3)
        assert len(s2) == 2 and 1 <= s2[0] <= 3 and 1 <= s2[1] <= 4
        assert len(s3) == 3 and s3[2] <= 5 and min(s3) >= 1
        assert len(sn) == 4 and all(1 <= d <= 3 for d in sn)
    assert any(0 in tu.rand_shape_nd(6, 1, allow_zero_size=True) for _ in range(20))
    x, y = tu.rand_coord_2d(0, 5, 10, 12)
    assert 0 <= x < 5 and 10 <= y < 12


def test_dense_tensor_helpers():
    assert tu.create_2d_tensor(3, 2).asnumpy().tolist() == [[0, 0], [1, 1], [2, 2]]
    assert tu.create_vector(4).asnumpy().tolist() == [0, 1, 2, 3]
    assert tu.get_identity_mat(3).asnumpy().tolist() == np.eye(3).tolist()
    assert tu.get_identity_mat_batch(2).shape == (2, 2, 2)
    assert tu.assign_each(np.array([[1, 2]]), lambda v: v + 1).tolist() == [[2.0, 3.0]]
    assert tu.assign_each2(np.array([1, 2]), np.array([3, 4]), lambda a, b: a * b).tolist() == [3.0, 8.0]


def test_matrices_with_known_spectra():
    np.random.seed(4)
    m = tu.new_matrix_with_real_eigvals_nd((2, 3, 4, 4))
    assert m.shape == (2, 3, 4, 4)
    eig = np.linalg.eigvals(m)
    assert np.allclose(eig.imag, 0, atol=1e-8) and np.abs(eig.real).max() <= 10 + 1e-8
    q = tu.new_orthonormal_matrix_2d(5)
    np.testing.assert_allclose(q @ q.T, np.eye(5), atol=1e-10)
    s = tu.new_sym_matrix_with_real_eigvals_nd((3, 4, 4))
    np.testing.assert_allclose(s, np.swapaxes(s, -1, -2), atol=1e-10)


def test_default_context_and_set_default_context():
    assert tu.default_context() == mx.cpu(0)
    try:
        tu.set_default_context(mx.cpu(1))
        assert tu.default_context() == mx.cpu(1) and mx.current_context() == mx.cpu(1)
        assert mx.nd.zeros(1).context == mx.cpu(1)
    finally:
        tu.set_default_context(mx.cpu(0))
    with pytest.raises(ValueError):
        tu.set_default_context("cpu")


def test_environment_sets_and_restores():
    os.environ.pop("GLUONX_TU_A", None)
    os.environ["GLUONX_TU_B"] = "old"
    with tu.environment({"GLUONX_TU_A": "1", "GLUONX_TU_B": None}):
        assert os.environ["GLUONX_TU_A"] == "1" and "GLUONX_TU_B" not in os.environ
        assert mx.util.getenv("GLUONX_TU_A") == "1"
    assert "GLUONX_TU_A" not in os.environ and os.environ["GLUONX_TU_B"] == "old"
    with pytest.raises(RuntimeError):
        with tu.environment("GLUONX_TU_A", "2"):
            raise RuntimeError("body fails")
    assert "GLUONX_TU_A" not in os.environ
    with pytest.raises(ValueError):
        with tu.environment("GLUONX_TU_A", 3):
            pass
    del os.environ["GLUONX_TU_B"]


def test_retry_and_assert_exception():
    calls = []

    @tu.retry(3)
    def flaky():
        calls.append(1)
        assert len(calls) >= 2

    flaky()
    assert len(calls) == 2

    @tu.retry(2)
    def broken():
        assert False, "always"

    with pytest.raises(AssertionError, match="always"):
        broken()
    tu.assert_exception(int, ValueError, "x")
    with pytest.raises(AssertionError, match="did not raise"):
        tu.assert_exception(int, ValueError, "3")


def test_discard_stderr_silences_file_descriptor_2():
    code = ("import os, sys; sys.path.insert(0, %r); from gluonx.test_utils import discard_stderr\n"
            "with discard_stderr():\n    os.write(2, b'hidden'); print('hidden2', file=sys.stderr)\n"
            "os.write(2, b'shown')" % REPO)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert r.returncode == 0 and r.stderr == b"shown", r.stderr


def test_same_array():
    a = mx.nd.array([1.0, np.nan, 3.0])
    assert tu.same_array(a, a)
    assert not tu.same_array(a, a.copy())
    assert a.asnumpy()[0] == 1.0                    # restored
    b = mx.nd.zeros((4, 2))
    assert tu.same_array(b[1:3], b[1:3]) and not tu.same_array(b, b.reshape((2, 4)))


def test_build_facts():
    assert list(tu.list_gpus()) == []
    assert tu.has_tvm_ops() is False and tu.is_op_runnable() is True
    assert isinstance(tu.is_cd_run(), bool) and isinstance(tu.is_aarch64_run(), bool)


def test_download_file_url_existing_file_and_errors(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"payload" * 1000)
    got = tu.download(src.as_uri(), fname="copy.bin", dirname=str(tmp_path / "out"))
    assert got == str(tmp_path / "out" / "copy.bin") and open(got, "rb").read() == src.read_bytes()
    src.write_bytes(b"changed")
    assert open(tu.download(src.as_uri(), fname=got), "rb").read() != b"changed"       # kept, no fetch
    assert open(tu.download(src.as_uri(), fname=got, overwrite=True), "rb").read() == b"changed"
    with pytest.raises(OSError) as err:                 # nothing listens on port 9 of this machine
        tu.download("http://127.0.0.1:9/x.bin", dirname=str(tmp_path), retries=2)
    assert isinstance(err.value, MXNetError)
    assert "127.0.0.1:9/x.bin" in str(err.value) and "2 attempt" in str(err.value)
    assert not os.path.exists(tmp_path / "x.bin") and not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    with pytest.raises(OSError):
        tu.download((tmp_path / "missing").as_uri(), fname=str(tmp_path / "m"), retries=1)
    with pytest.raises(ValueError):
        tu.download("http://example.invalid/", dirname=str(tmp_path))


def _idx_gz(path, header, payload):
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">" + "I" * len(header), *header) + payload)


def test_get_mnist_reads_local_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for prefix, n in (("train", 3), ("t10k", 2)):
        _idx_gz("%s-labels-idx1-ubyte.gz" % prefix, (2049, n), bytes(range(n)))
        _idx_gz("%s-images-idx3-ubyte.gz" % prefix, (2051, n, 28, 28), bytes([255]) * (n * 784))
    d = tu.get_mnist()                      # no network: every file is already here
    assert d["train_data"].shape == (3, 1, 28, 28) and d["train_data"].dtype == np.float32
    assert d["train_data"].max() == 1.0 and d["train_label"].tolist() == [0, 1, 2]
    assert d["test_label"].tolist() == [0, 1]
    os.makedirs("data")
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        open(os.path.join("data", name), "wb").close()
    tu.get_mnist_ubyte()                    # present: nothing fetched
    with pytest.raises(NotImplementedError, match="mx.io"):
        tu.get_mnist_iterator(10, (1, 28, 28))


def test_get_bz2_and_zip_data_from_local_urls(tmp_path):
    import bz2
    import zipfile
    src = tmp_path / "d.txt.bz2"
    src.write_bytes(bz2.compress(b"line1\nline2\n"))
    tu.get_bz2_data(str(tmp_path / "data"), "d.txt", src.as_uri(), "d.txt.bz2")
    assert (tmp_path / "data" / "d.txt").read_bytes() == b"line1\nline2\n"
    assert not (tmp_path / "data" / "d.txt.bz2").exists()
    zpath = tmp_path / "z.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("inner/a.txt", "A")
    tu.get_zip_data(str(tmp_path / "zdata"), zpath.as_uri(), "z.zip")
    assert (tmp_path / "zdata" / "inner" / "a.txt").read_text() == "A"


def test_download_model_unknown_name_and_im2rec(tmp_path, monkeypatch):
    assert tu.download_model("no-such-model", dst_dir=str(tmp_path)) == (None, 0)
    sym = tmp_path / "s.json"
    par = tmp_path / "p.params"
    sym.write_text("{}")
    par.write_bytes(b"x")
    prefix, epoch = tu.download_model("m", str(tmp_path / "models"),
                                      {"m": {"symbol": sym.as_uri(), "params": par.as_uri()}})
    assert epoch == 0 and os.path.exists(prefix + "-symbol.json") and os.path.exists(prefix + "-0000.params")
    monkeypatch.setenv("MXNET_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError):
        tu.get_im2rec_path()


def test_dummy_iter_repeats_the_first_batch():
    class Batches:
        provide_data, provide_label, batch_size = [("data", (2,))], [("label", (2,))], 2

        def __init__(self):
            self.it = iter([1, 2, 3])

        def __next__(self):
            return next(self.it)

    it = tu.DummyIter(Batches())
    assert [next(it) for _ in range(5)] == [1] * 5
    assert it.batch_size == 2 and it.provide_data == [("data", (2,))]


def test_star_import_brings_mxnets_module_level_names():
    ns = {}
    exec("from gluonx.test_utils import *", ns)
    for name in ("mx", "np", "os", "sys", "time", "rnd", "npt", "array", "Context", "OrderedDict",
                 "assert_almost_equal", "check_numeric_gradient", "environment", "verify_generator", "DummyIter",
                 "default_rtols", "use_np", "Symbol", "Features"):
        assert name in ns, name
    assert ns["np"] is np and ns["rnd"] is np.random and ns["mx"] is mx
    assert ns["Symbol"] is mx.sym.Symbol and ns["array"] is mx.nd.array


def test_star_import_under_the_dropin_gives_the_dropin_module():
    code = ("import sys; sys.path[:0] = [%r, %r]\nimport mxnet\nfrom mxnet.test_utils import *\n"
            "assert mx is mxnet and mx.__version__ == '1.9.1', mx\nprint(np.__name__)"
            % (os.path.join(REPO, "dropin"), REPO))
    env = dict(os.environ, GLUONX_DROPIN_ALLOW_REAL_MXNET="1")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "numpy"
