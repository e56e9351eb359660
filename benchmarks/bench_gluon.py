"""Eager Gluon training / inference throughput, gluonx beside PyTorch (when importable).

Same models, sizes, plain SGD (lr 0.01, no momentum) and softmax cross-entropy in both:

  mlp     MLP 784-256-256-10 (ReLU), training, batch 64 and 512          samples/s
  lenet   LeNet 1x28x28: conv5x5x20 -> maxpool2 -> conv5x5x50 -> maxpool2
          -> dense500 -> dense10 (ReLU), training, batch 64                samples/s
  resnet  ResNet-18, CIFAR variant (3x32x32, 3x3 stem, no stem pool),
          inference and training, batch 32                                 img/s

    python benchmarks/bench_gluon.py                 # everything, two rounds
    python benchmarks/bench_gluon.py --only mlp lenet --rounds 1

A training step is forward under autograd.record(), loss, backward and
trainer.step (PyTorch: forward, loss, backward, optimizer.step, zero_grad).
Both run on the CPU; PyTorch is limited to 2 threads (benchmarks/_timing.py).
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import best_times_interleaved, try_import_torch  # noqa: E402

import numpy as np  # noqa: E402

import gluonx as mx  # noqa: E402
from gluonx import autograd, gluon  # noqa: E402
from gluonx.gluon import nn  # noqa: E402

LR = 0.01
_LAYERS = ("Conv2D", "BatchNorm", "Activation", "MaxPool2D", "GlobalAvgPool2D")


def _missing_layers():
    return [name for name in _LAYERS if not hasattr(nn, name)]


def _sync():
    waitall = getattr(mx.nd, "waitall", None)
    if waitall is not None:
        waitall()


# --------------------------------------------------------------------------- gluonx models

def gx_mlp():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(256, activation="relu", in_units=784), nn.Dense(256, activation="relu", in_units=256),
                nn.Dense(10, in_units=256))
    return net


def gx_lenet():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(20, kernel_size=5, in_channels=1), nn.Activation("relu"),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Conv2D(50, kernel_size=5, in_channels=20), nn.Activation("relu"),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Flatten(), nn.Dense(500, activation="relu", in_units=800), nn.Dense(10, in_units=500))
    return net


class GxBasicBlock(gluon.HybridBlock):
    """ResNet v1 basic block: conv3x3-BN-ReLU-conv3x3-BN (+ 1x1 conv-BN shortcut when the shape changes)."""

    def __init__(self, channels, stride, in_channels, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.body = nn.HybridSequential(prefix="")
            self.body.add(nn.Conv2D(channels, 3, stride, 1, use_bias=False, in_channels=in_channels),
                          nn.BatchNorm(in_channels=channels), nn.Activation("relu"),
                          nn.Conv2D(channels, 3, 1, 1, use_bias=False, in_channels=channels),
                          nn.BatchNorm(in_channels=channels))
            if stride != 1 or in_channels != channels:
                self.downsample = nn.HybridSequential(prefix="")
                self.downsample.add(nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels),
                                    nn.BatchNorm(in_channels=channels))
            else:
                self.downsample = None

    def hybrid_forward(self, F, x):
        residual = x if self.downsample is None else self.downsample(x)
        return F.Activation(self.body(x) + residual, act_type="relu")


def gx_resnet18(classes=10):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(64, 3, 1, 1, use_bias=False, in_channels=3), nn.BatchNorm(in_channels=64),
                nn.Activation("relu"))
        in_ch = 64
        for channels, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            net.add(GxBasicBlock(channels, stride, in_ch), GxBasicBlock(channels, 1, channels))
            in_ch = channels
        net.add(nn.GlobalAvgPool2D(), nn.Flatten(), nn.Dense(classes, in_units=512))
    return net


def gx_runner(net, x_np, y_np, train):
    net.initialize(mx.init.Xavier())
    x, y = mx.nd.array(x_np), mx.nd.array(y_np)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    batch = x_np.shape[0]

    def train_step():
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(batch)
        _sync()

    def infer_step():
        net(x)
        _sync()

    return train_step if train else infer_step


# --------------------------------------------------------------------------- PyTorch models

def torch_models(torch):
    tnn = torch.nn

    def mlp():
        return tnn.Sequential(tnn.Linear(784, 256), tnn.ReLU(), tnn.Linear(256, 256), tnn.ReLU(),
                              tnn.Linear(256, 10))

    def lenet():
        return tnn.Sequential(tnn.Conv2d(1, 20, 5), tnn.ReLU(), tnn.MaxPool2d(2, 2),
                              tnn.Conv2d(20, 50, 5), tnn.ReLU(), tnn.MaxPool2d(2, 2),
                              tnn.Flatten(), tnn.Linear(800, 500), tnn.ReLU(), tnn.Linear(500, 10))

    class Block(tnn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.body = tnn.Sequential(tnn.Conv2d(cin, cout, 3, stride, 1, bias=False), tnn.BatchNorm2d(cout),
                                       tnn.ReLU(), tnn.Conv2d(cout, cout, 3, 1, 1, bias=False),
                                       tnn.BatchNorm2d(cout))
            self.down = (tnn.Sequential(tnn.Conv2d(cin, cout, 1, stride, bias=False), tnn.BatchNorm2d(cout))
                         if stride != 1 or cin != cout else None)

        def forward(self, x):
            return torch.relu(self.body(x) + (x if self.down is None else self.down(x)))

    def resnet18(classes=10):
        layers = [tnn.Conv2d(3, 64, 3, 1, 1, bias=False), tnn.BatchNorm2d(64), tnn.ReLU()]
        cin = 64
        for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
            cin = cout
        layers += [tnn.AdaptiveAvgPool2d(1), tnn.Flatten(), tnn.Linear(512, classes)]
        return tnn.Sequential(*layers)

    return {"mlp": mlp, "lenet": lenet, "resnet": resnet18}


def torch_runner(torch, net, x_np, y_np, train):
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np.astype(np.int64))
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=LR)

    def train_step():
        net.train()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()

    def infer_step():
        net.eval()
        with torch.no_grad():
            net(x)

    return train_step if train else infer_step


# --------------------------------------------------------------------------- driver

# (group, label, model, input shape per sample, batch, train, timing number, repeat)
CASES = [
    ("mlp", "MLP 784-256-256-10 train", "mlp", (784,), 64, True, 20, 7),
    ("mlp", "MLP 784-256-256-10 train", "mlp", (784,), 512, True, 5, 7),
    ("lenet", "LeNet 1x28x28 train", "lenet", (1, 28, 28), 64, True, 3, 7),
    ("resnet", "ResNet-18 3x32x32 infer", "resnet", (3, 32, 32), 32, False, 2, 5),
    ("resnet", "ResNet-18 3x32x32 train", "resnet", (3, 32, 32), 32, True, 1, 5),
]
GX_MODELS = {"mlp": gx_mlp, "lenet": gx_lenet, "resnet": gx_resnet18}


def run_case(case, torch):
    _, label, model, shape, batch, train, number, repeat = case
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch,) + shape).astype(np.float32)
    y_np = rng.integers(0, 10, size=batch).astype(np.float32)
    steps = {"gluonx": gx_runner(GX_MODELS[model](), x_np, y_np, train)}
    if torch is not None:
        steps["torch"] = torch_runner(torch, torch_models(torch)[model](), x_np, y_np, train)
    rates = {name: batch / t for name, t in best_times_interleaved(steps, number, repeat).items()}
    unit = "img/s" if model == "resnet" else "samples/s"
    cells = ["%-26s batch %4d" % (label, batch)]
    cells += ["%s %10.1f %s" % (name, r, unit) for name, r in rates.items()]
    if "torch" in rates:
        cells.append("gluonx/torch throughput %.2fx" % (rates["gluonx"] / rates["torch"]))
    print("  ".join(cells), flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description="Eager Gluon throughput, gluonx beside PyTorch.")
    p.add_argument("--only", nargs="+", choices=("mlp", "lenet", "resnet"), default=None)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--no-torch", action="store_true")
    args = p.parse_args(argv)
    groups = args.only or ["mlp", "lenet", "resnet"]
    torch = None if args.no_torch else try_import_torch()
    missing = _missing_layers()
    if missing and any(g in groups for g in ("lenet", "resnet")):
        print("gluonx.gluon.nn lacks %s: skipping the LeNet and ResNet-18 cases (needs the conv / norm "
              "layers)" % ", ".join(missing))
        groups = [g for g in groups if g == "mlp"]
    print("gluonx %s%s" % (getattr(mx, "__version__", "?"),
                           ", torch %s (%d threads)" % (torch.__version__, torch.get_num_threads())
                           if torch is not None else ", PyTorch not importable"))
    for rnd in range(1, args.rounds + 1):
        print("round %d" % rnd)
        for case in CASES:
            if case[0] in groups:
                run_case(case, torch)


if __name__ == "__main__":
    main()
