"""Data for tests and examples: downloads and MXNet's standard data sets.

Every loader reads the files already on disk and downloads only what is
missing (``download`` returns an existing file untouched unless
``overwrite=True``), so a machine without network runs from local copies:
put ``train-images-idx3-ubyte.gz`` etc. in the working directory for
:func:`get_mnist`, or the unpacked files under ``data/`` for
:func:`get_mnist_ubyte`.  Downloads write to a temporary file renamed into
place, so an interrupted one never leaves a truncated file behind.

>>> import os, tempfile
>>> d = tempfile.mkdtemp(); open(os.path.join(d, 'x.txt'), 'w').close()
>>> download('http://example.invalid/x.txt', dirname=d) == os.path.join(d, 'x.txt')
True
"""
from __future__ import annotations

import bz2
import errno
import gzip
import importlib
import logging
import os
import struct
import zipfile
from typing import Optional

import numpy as np

from gluonx import _fileio
from gluonx.base import MXNetFileNotFoundError, MXNetIOError, MXNetNotImplementedError, MXNetValueError

__all__ = ["download", "download_model", "get_mnist", "get_mnist_pkl", "get_mnist_ubyte", "get_cifar10",
           "get_mnist_iterator", "get_zip_data", "get_bz2_data", "get_im2rec_path", "DummyIter"]

_MODEL_ROOT = "http://data.mxnet.io/models/"
_DATA_ROOT = "http://data.mxnet.io/"
_CHUNK = 1 << 16


def _fetch(url: str, fname: str, timeout: float) -> None:
    """One attempt: stream `url` into `fname` atomically; OSError subclasses on failure."""
    import urllib.request    # on use: it loads http, email and ssl, which `import gluonx` should not pay for
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except ValueError as e:            # not a URL urllib can open at all
        raise MXNetValueError("download: cannot open %r: %s" % (url, e)) from None
    with response:
        status = getattr(response, "status", None)      # None for file:// URLs
        if status is not None and not 200 <= status < 300:
            raise MXNetIOError(errno.EIO, "download: %s answered HTTP %s" % (url, status))

        def write(put):
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                put(chunk)
        _fileio.write_atomic(fname, write, fn="download")


def download(url: str, fname: Optional[str] = None, dirname: Optional[str] = None, overwrite: bool = False,
             retries: int = 5, timeout: float = 60.0) -> str:
    """Downloads `url` to a file and returns the file's path.

    `fname`: the file name (default: the last part of the URL); with
    `dirname`, the file goes into that folder (created if needed).  An
    existing file is kept (no network access) unless `overwrite`.  Up to
    `retries` attempts; when every attempt fails, MXNetIOError (an OSError)
    names the URL and the last cause.  The file appears whole or not at all.

    >>> download('file:///etc/hostname', fname='/tmp/gluonx_doc_hostname', overwrite=True)
    '/tmp/gluonx_doc_hostname'
    """
    if not isinstance(retries, int) or retries < 0:
        raise MXNetValueError("download: retries must be an int >= 0, got %r" % (retries,))
    if fname is None:
        fname = url.split("/")[-1]
        if not fname:
            raise MXNetValueError("download: cannot name a file after %r (it ends in '/'); pass fname" % url)
    if dirname is None:
        dirname = os.path.dirname(fname)
    else:
        fname = os.path.join(dirname, fname)
    if dirname:
        try:
            os.makedirs(dirname, exist_ok=True)
        except OSError as e:
            raise MXNetIOError(e.errno, "download: cannot create the folder %r: %s" % (dirname, e.strerror),
                               dirname) from None
    if not overwrite and os.path.exists(fname):
        logging.info("%s exists, skipping download", fname)
        return fname
    attempts = max(retries, 1)
    last = None
    for attempt in range(attempts):
        try:
            _fetch(url, fname, timeout)
            logging.info("downloaded %s into %s successfully", url, fname)
            return fname
        except MXNetValueError:
            raise
        except (OSError, EOFError) as e:    # URLError, HTTPError, socket timeouts are OSErrors
            last = e
            if attempt + 1 < attempts:
                logging.warning("download of %s failed (%s), %d attempt(s) left", url, e, attempts - attempt - 1)
    reason = getattr(last, "reason", None) or last
    raise MXNetIOError(errno.EIO, "download: could not fetch %s into %s after %d attempt(s): %s"
                       % (url, fname, attempts, reason), fname)


# MXNet's model zoo of symbol/params pairs, by the names MXNet uses.
_MODELS = {
    "imagenet1k-inception-bn": "imagenet/inception-bn/Inception-BN-%s",
    "imagenet1k-resnet-18": "imagenet/resnet/18-layers/resnet-18-%s",
    "imagenet1k-resnet-34": "imagenet/resnet/34-layers/resnet-34-%s",
    "imagenet1k-resnet-50": "imagenet/resnet/50-layers/resnet-50-%s",
    "imagenet1k-resnet-101": "imagenet/resnet/101-layers/resnet-101-%s",
    "imagenet1k-resnet-152": "imagenet/resnet/152-layers/resnet-152-%s",
    "imagenet1k-resnext-50": "imagenet/resnext/50-layers/resnext-50-%s",
    "imagenet1k-resnext-101": "imagenet/resnext/101-layers/resnext-101-%s",
    "imagenet1k-resnext-101-64x4d": "imagenet/resnext/101-layers/resnext-101-64x4d-%s",
    "imagenet11k-resnet-152": "imagenet-11k/resnet-152/resnet-152-%s",
    "imagenet11k-place365ch-resnet-152": "imagenet-11k-place365-ch/resnet-152-%s",
    "imagenet11k-place365ch-resnet-50": "imagenet-11k-place365-ch/resnet-50-%s",
}


def _model_urls(name: str) -> dict:
    stem = _MODEL_ROOT + _MODELS[name]
    params = "0126.params" if name == "imagenet1k-inception-bn" else "0000.params"
    return {"symbol": stem % "symbol.json", "params": stem % params}


def download_model(model_name: str, dst_dir: str = "./", meta_info: Optional[dict] = None):
    """Fetches ``<model>-symbol.json`` and ``<model>-0000.params`` into `dst_dir`.

    `meta_info` maps names to ``{'symbol': url, 'params': url}`` (default: MXNet's
    ImageNet models).  Returns ``(path prefix, 0)``, or ``(None, 0)`` for an unknown name.
    """
    known = {k: _model_urls(k) for k in _MODELS} if meta_info is None else dict(meta_info)
    if model_name not in known:
        return None, 0
    meta = dict(known[model_name])
    for key in ("symbol", "params"):
        if key not in meta:
            raise MXNetValueError("download_model: the entry of %s has no %r URL" % (model_name, key))
    os.makedirs(dst_dir, exist_ok=True)
    prefix = os.path.join(dst_dir, model_name)
    download(meta["symbol"], prefix + "-symbol.json")
    download(meta["params"], prefix + "-0000.params")
    return prefix, 0


def _read_idx(label_file: str, image_file: str):
    with gzip.open(label_file, "rb") as f:
        _, count = struct.unpack(">II", f.read(8))
        label = np.frombuffer(f.read(), dtype=np.int8)
    with gzip.open(image_file, "rb") as f:
        _, num, rows, cols = struct.unpack(">IIII", f.read(16))
        image = np.frombuffer(f.read(), dtype=np.uint8)
    if label.size != count or image.size != num * rows * cols or num != count:
        raise MXNetIOError(errno.EIO, "get_mnist: %s / %s are truncated or do not match (%d labels, %d images)"
                           % (label_file, image_file, label.size, num))
    return label, image.reshape(num, 1, rows, cols).astype(np.float32) / 255


def get_mnist() -> dict:
    """MNIST as NumPy arrays: ``train_data`` (60000, 1, 28, 28) float32 in [0, 1], ``train_label``
    int8, ``test_data``, ``test_label``.  Reads the four ``*-idx?-ubyte.gz`` files from the working
    directory, downloading those that are missing."""
    root = _DATA_ROOT + "data/mnist/"
    files = {}
    for part in ("train-labels-idx1-ubyte", "train-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte"):
        files[part] = download(root + part + ".gz")
    train_lbl, train_img = _read_idx(files["train-labels-idx1-ubyte"], files["train-images-idx3-ubyte"])
    test_lbl, test_img = _read_idx(files["t10k-labels-idx1-ubyte"], files["t10k-images-idx3-ubyte"])
    return {"train_data": train_img, "train_label": train_lbl, "test_data": test_img, "test_label": test_lbl}


def get_mnist_pkl() -> None:
    """Ensures ``data/mnist.pkl.gz`` exists (downloaded when missing)."""
    os.makedirs("data", exist_ok=True)
    if not os.path.exists(os.path.join("data", "mnist.pkl.gz")):
        download("http://deeplearning.net/data/mnist/mnist.pkl.gz", dirname="data")


def _extract_zip(path: str, dest: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            zf.extractall(dest)         # zipfile drops absolute paths and '..' parts of member names
    except zipfile.BadZipFile as e:
        raise MXNetIOError(errno.EIO, "%s is not a valid zip archive (%s); delete it to download again"
                           % (path, e), path) from None


def get_mnist_ubyte() -> None:
    """Ensures the four unpacked MNIST files are in ``data/`` (fetching ``mnist.zip`` when any is missing)."""
    os.makedirs("data", exist_ok=True)
    names = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte")
    if not all(os.path.exists(os.path.join("data", n)) for n in names):
        _extract_zip(download(_DATA_ROOT + "mxnet/data/mnist.zip", dirname="data"), "data")


def get_cifar10() -> None:
    """Ensures CIFAR-10's ``train/test .rec/.lst`` are in ``data/cifar/`` (fetching the zip when missing)."""
    os.makedirs("data", exist_ok=True)
    names = ("train.rec", "test.rec", "train.lst", "test.lst")
    if not all(os.path.exists(os.path.join("data", "cifar", n)) for n in names):
        _extract_zip(download(_DATA_ROOT + "mxnet/data/cifar10.zip", dirname="data"), "data")


def _io_attr(name: str, fn: str):
    try:
        module = importlib.import_module("gluonx.io")
    except ImportError:
        module = None
    found = getattr(module, name, None)
    if found is None:
        raise MXNetNotImplementedError("%s needs mx.io.%s, which gluonx does not have yet (the Module/io "
                                       "issue); read the arrays with get_mnist() and use "
                                       "gluon.data.DataLoader instead" % (fn, name))
    return found


def get_mnist_iterator(batch_size: int, input_shape, num_parts: int = 1, part_index: int = 0):
    """(train, validation) ``mx.io.MNISTIter`` over ``data/``'s MNIST files.

    Needs ``mx.io.MNISTIter``: MXNetNotImplementedError until gluonx has ``mx.io``.
    """
    mnist_iter = _io_attr("MNISTIter", "get_mnist_iterator")
    get_mnist_ubyte()
    flat = len(input_shape) != 3
    common = dict(input_shape=input_shape, batch_size=batch_size, flat=flat, num_parts=num_parts,
                  part_index=part_index)
    train = mnist_iter(image="data/train-images-idx3-ubyte", label="data/train-labels-idx1-ubyte", shuffle=True,
                       **common)
    val = mnist_iter(image="data/t10k-images-idx3-ubyte", label="data/t10k-labels-idx1-ubyte", **common)
    return train, val


def get_zip_data(data_dir: str, url: str, data_origin_name: str) -> None:
    """Downloads the zip `url` as ``data_dir/data_origin_name`` and unpacks it into `data_dir`,
    unless that zip is already there."""
    target = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(target):
        download(url, fname=data_origin_name, dirname=data_dir, overwrite=False)
        _extract_zip(target, data_dir)


def get_bz2_data(data_dir: str, data_name: str, url: str, data_origin_name: str) -> None:
    """Ensures ``data_dir/data_name`` exists: downloads the bz2 `url` as `data_origin_name`,
    decompresses it (atomically) and removes the archive."""
    target = os.path.join(data_dir, data_name)
    archive = os.path.join(data_dir, data_origin_name)
    if os.path.exists(target):
        return
    download(url, fname=data_origin_name, dirname=data_dir, overwrite=False)

    def write(put):
        with bz2.BZ2File(archive, "rb") as src:
            while True:
                block = src.read(_CHUNK)
                if not block:
                    break
                put(block)
    _fileio.write_atomic(target, write, fn="get_bz2_data")
    os.remove(archive)


def get_im2rec_path(home_env: str = "MXNET_HOME") -> str:
    """The path of ``tools/im2rec.py`` under $`home_env` or beside the package;
    MXNetFileNotFoundError when there is none (gluonx does not ship it)."""
    if home_env in os.environ:
        root = os.environ[home_env]
    else:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for candidate in (os.path.join(root, "tools", "im2rec.py"), os.path.join(root, "..", "..", "tools", "im2rec.py")):
        if os.path.isfile(candidate):
            return candidate
    raise MXNetFileNotFoundError(errno.ENOENT, "get_im2rec_path: no tools/im2rec.py under %s (set %s to an MXNet "
                                 "source tree that has it)" % (root, home_env), "im2rec.py")


def _data_iter_base():
    try:
        return importlib.import_module("gluonx.io").DataIter
    except (ImportError, AttributeError):
        return object


class DummyIter(_data_iter_base()):
    """An endless iterator that returns the first batch of `real_iter` every time (for timing runs).

    >>> it = DummyIter(iter([[1], [2]]))
    >>> next(it), next(it)
    ([1], [1])
    """

    def __init__(self, real_iter):
        super().__init__()
        self.real_iter = real_iter
        self.provide_data = getattr(real_iter, "provide_data", None)
        self.provide_label = getattr(real_iter, "provide_label", None)
        self.batch_size = getattr(real_iter, "batch_size", None)
        self.the_batch = next(real_iter)

    def __iter__(self):
        return self

    def reset(self) -> None:
        """Nothing to rewind: the batch never changes."""

    def next(self):
        """The stored batch; StopIteration never comes."""
        return self.the_batch

    def __next__(self):
        return self.next()
