#!/usr/bin/env python
"""Train a small CNN (LeNet-style, default) or an MLP on handwritten digits with gluonx.

By default the data are the 1,797 8x8 digits that ship inside scikit-learn
(``sklearn.datasets.load_digits``: no download); ``--idx-dir DIR`` trains on
MNIST / Fashion-MNIST files in the standard IDX format instead
(``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, each optionally ``.gz``).

This is ordinary MXNet Gluon code: replace ``import gluonx as mx`` by
``import mxnet as mx`` and it runs on MXNet 1.x unchanged.

    pip install -e '.[test,examples]'
    python examples/train_digits.py                 # LeNet on sklearn digits
    python examples/train_digits.py --model mlp --optimizer adam --lr 0.001
    python examples/train_digits.py --idx-dir ~/data/mnist --epochs 2 --save lenet.params
"""
from __future__ import annotations

import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np

import gluonx as mx
from gluonx import autograd, gluon
from gluonx.gluon import nn

# --------------------------------------------------------------------------- data

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Reads one IDX file (plain or gzip-compressed, detected from its first bytes) into a NumPy array.

    The format: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16,
    0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, each
    dimension as a big-endian uint32, then the values, big-endian, row-major.
    """
    with open(path, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError("%s: not an IDX file (bad magic number)" % path)
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise ValueError("%s: unknown IDX type code 0x%02X" % (path, code))
    if len(raw) < 4 + 4 * ndim:
        raise ValueError("%s: truncated IDX header" % path)
    shape = struct.unpack(">%dI" % ndim, raw[4:4 + 4 * ndim])
    dtype = np.dtype(_IDX_DTYPES[code])
    count = int(np.prod(shape, dtype=np.int64))
    body = raw[4 + 4 * ndim:]
    if len(body) != count * dtype.itemsize:
        raise ValueError("%s: expected %d bytes of data for shape %s, found %d"
                         % (path, count * dtype.itemsize, shape, len(body)))
    arr = np.frombuffer(body, dtype=dtype, count=count).reshape(shape)
    return arr.astype(dtype.newbyteorder("="), copy=False)


def write_idx(path, arr):
    """Writes `arr` as an IDX file (gzip-compressed when `path` ends in .gz)."""
    arr = np.asarray(arr)
    codes = {np.dtype(v).newbyteorder("=").str: k for k, v in _IDX_DTYPES.items()}
    key = arr.dtype.newbyteorder("=").str
    if key not in codes:
        raise ValueError("IDX cannot store dtype %s" % arr.dtype)
    code = codes[key]
    payload = (struct.pack(">BBBB", 0, 0, code, arr.ndim) + struct.pack(">%dI" % arr.ndim, *arr.shape)
               + np.ascontiguousarray(arr, dtype=np.dtype(_IDX_DTYPES[code])).tobytes())
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(payload)


def _find_idx(directory, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError("no %s[.gz] in %s" % (stem, directory))


def load_idx_dir(directory):
    """MNIST-layout directory -> (x_train, y_train, x_test, y_test); images float32 (N,1,H,W) in [0,1]."""
    out = []
    for prefix in ("train", "t10k"):
        x = read_idx(_find_idx(directory, prefix + "-images-idx3-ubyte"))
        y = read_idx(_find_idx(directory, prefix + "-labels-idx1-ubyte"))
        if x.shape[0] != y.shape[0]:
            raise ValueError("%s: %d images but %d labels" % (prefix, x.shape[0], y.shape[0]))
        scale = 255.0 if x.dtype == np.uint8 else 1.0
        out += [(x.astype(np.float32) / scale)[:, None], y.astype(np.float32)]
    return tuple(out)


def load_sklearn_digits(test_fraction=0.2, seed=0):
    """The 1,797 8x8 scikit-learn digits, split train/test -> float32 (N,1,8,8) in [0,1]."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        sys.exit("scikit-learn is needed for the default data set: pip install -e '.[examples]' "
                 "(or pass --idx-dir DIR with MNIST IDX files)")
    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0)[:, None]
    y = d.target.astype(np.float32)
    perm = np.random.RandomState(seed).permutation(len(y))
    n_test = int(round(len(y) * test_fraction))
    te, tr = perm[:n_test], perm[n_test:]
    return x[tr], y[tr], x[te], y[te]


# --------------------------------------------------------------------------- models

class _Conv2D(gluon.HybridBlock):
    """Private stand-in for nn.Conv2D (NCHW, square kernel), used only when gluonx.gluon.nn lacks it."""

    def __init__(self, channels, kernel_size, strides=1, padding=0, activation=None, in_channels=0, **kw):
        super().__init__(**kw)
        self._kw = dict(kernel=(kernel_size,) * 2, stride=(strides,) * 2, pad=(padding,) * 2,
                        num_filter=channels)
        self._act = activation
        with self.name_scope():
            self.weight = self.params.get("weight", shape=(channels, in_channels, kernel_size, kernel_size),
                                          allow_deferred_init=True)
            self.bias = self.params.get("bias", shape=(channels,), init="zeros", allow_deferred_init=True)

    def infer_shape(self, x, *args):
        self.weight.shape = (self.weight.shape[0], x.shape[1]) + self.weight.shape[2:]

    def hybrid_forward(self, F, x, weight, bias):
        y = F.Convolution(x, weight, bias, **self._kw)
        return F.Activation(y, act_type=self._act) if self._act else y


class _MaxPool2D(gluon.HybridBlock):
    """Private stand-in for nn.MaxPool2D."""

    def __init__(self, pool_size=2, strides=None, **kw):
        super().__init__(**kw)
        self._kw = dict(kernel=(pool_size,) * 2, stride=(strides or pool_size,) * 2, pool_type="max")

    def hybrid_forward(self, F, x):
        return F.Pooling(x, **self._kw)


def build_lenet(num_classes=10):
    """conv3x3(16) -> maxpool2 -> conv3x3(32) -> maxpool2 -> dense(128) -> dense(classes).

    Padding 1 keeps the 8x8 digits at 8x8 through each conv (8 -> 4 -> 2 after the pools);
    28x28 MNIST goes 28 -> 14 -> 7.
    """
    Conv2D = getattr(nn, "Conv2D", _Conv2D)
    MaxPool2D = getattr(nn, "MaxPool2D", _MaxPool2D)
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(Conv2D(channels=16, kernel_size=3, padding=1, activation="relu"),
                MaxPool2D(pool_size=2, strides=2),
                Conv2D(channels=32, kernel_size=3, padding=1, activation="relu"),
                MaxPool2D(pool_size=2, strides=2),
                nn.Flatten(),
                nn.Dense(128, activation="relu"),
                nn.Dense(num_classes))
    return net


def build_mlp(num_classes=10):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(256, activation="relu"), nn.Dense(128, activation="relu"), nn.Dense(num_classes))
    return net


# --------------------------------------------------------------------------- training

def evaluate(net, loader):
    metric = mx.metric.Accuracy()
    for data, label in loader:
        metric.update([label], [net(data)])
    return metric.get()[1]


def _progress(iterable, total, desc, enabled):
    if enabled:
        try:
            from tqdm import tqdm
            return tqdm(iterable, total=total, desc=desc, leave=False, unit="batch")
        except ImportError:
            pass
    return iterable


def plot_curves(history, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("--plot needs matplotlib (pip install matplotlib); no plot written", file=sys.stderr)
        return False
    epochs = [h["epoch"] for h in history]
    fig, ax1 = plt.subplots(figsize=(6, 4))
    ax1.plot(epochs, [h["loss"] for h in history], "o-", color="tab:blue", label="train loss")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("train loss", color="tab:blue")
    ax2 = ax1.twinx()
    ax2.plot(epochs, [h["val_acc"] for h in history], "s-", color="tab:red", label="validation accuracy")
    ax2.set_ylabel("validation accuracy", color="tab:red")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model", choices=("lenet", "mlp"), default="lenet")
    p.add_argument("--idx-dir", default=None, help="directory with MNIST / Fashion-MNIST IDX files "
                   "(default: scikit-learn's 8x8 digits)")
    p.add_argument("--epochs", type=int, default=None, help="default: 20 (digits) or 3 (IDX data)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    p.add_argument("--lr", type=float, default=None, help="default: 0.05 for sgd, 0.001 for adam")
    p.add_argument("--momentum", type=float, default=0.9, help="sgd only")
    p.add_argument("--hybridize", action="store_true", help="call net.hybridize()")
    p.add_argument("--save", default=None, metavar="PATH", help="write the trained parameters here")
    p.add_argument("--plot", default=None, metavar="PNG", help="plot loss / accuracy curves (matplotlib)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--limit", type=int, default=None, help="use only the first N training samples")
    p.add_argument("--no-progress", action="store_true", help="no tqdm progress bars")
    return p.parse_args(argv)


def main(argv=None):
    """Runs the training; returns a dict with the final validation accuracy, wall time and history."""
    args = parse_args(argv)
    np.random.seed(args.seed)
    mx.random.seed(args.seed)
    if args.idx_dir:
        x_tr, y_tr, x_te, y_te = load_idx_dir(args.idx_dir)
        source = "IDX files in %s" % args.idx_dir
    else:
        x_tr, y_tr, x_te, y_te = load_sklearn_digits(seed=args.seed)
        source = "scikit-learn digits"
    if args.limit:
        x_tr, y_tr = x_tr[:args.limit], y_tr[:args.limit]
    epochs = args.epochs if args.epochs is not None else (3 if args.idx_dir else 20)
    lr = args.lr if args.lr is not None else (0.05 if args.optimizer == "sgd" else 0.001)
    print("%s: %d train / %d test images of %s, model %s, %d epochs"
          % (source, len(y_tr), len(y_te), "x".join(map(str, x_tr.shape[1:])), args.model, epochs))

    train_loader = gluon.data.DataLoader(gluon.data.ArrayDataset(x_tr, y_tr), batch_size=args.batch_size,
                                         shuffle=True)
    test_loader = gluon.data.DataLoader(gluon.data.ArrayDataset(x_te, y_te), batch_size=256)

    net = build_lenet() if args.model == "lenet" else build_mlp()
    net.initialize(mx.init.Xavier(magnitude=2.24))
    if args.hybridize:
        net.hybridize()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    opt_params = {"learning_rate": lr}
    if args.optimizer == "sgd":
        opt_params["momentum"] = args.momentum
    trainer = gluon.Trainer(net.collect_params(), args.optimizer, opt_params)

    history = []
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        total_loss, seen = 0.0, 0
        bar = _progress(train_loader, len(train_loader), "epoch %d/%d" % (epoch, epochs),
                        not args.no_progress)
        for data, label in bar:
            with autograd.record():
                loss = loss_fn(net(data), label)
            loss.backward()
            trainer.step(data.shape[0])
            total_loss += float(loss.sum().asscalar())
            seen += data.shape[0]
        val_acc = evaluate(net, test_loader)
        history.append({"epoch": epoch, "loss": total_loss / seen, "val_acc": val_acc,
                        "seconds": time.perf_counter() - t0})
        print("epoch %2d  train loss %.4f  validation accuracy %.4f  (%.1f s)"
              % (epoch, total_loss / seen, val_acc, history[-1]["seconds"]))
    wall = time.perf_counter() - start
    print("final validation accuracy %.4f after %d epochs in %.1f s" % (history[-1]["val_acc"], epochs, wall))
    if args.save:
        net.save_parameters(args.save)
        print("parameters saved to %s" % args.save)
    if args.plot and plot_curves(history, args.plot):
        print("curves plotted to %s" % args.plot)
    return {"accuracy": history[-1]["val_acc"], "seconds": wall, "history": history, "net": net}


if __name__ == "__main__":
    main()
