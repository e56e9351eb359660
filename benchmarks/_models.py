"""The benchmark models, written once for any framework with MXNet's Gluon
API: ``build(mx, "resnet")`` gives the model from gluonx when `mx` is gluonx
and from MXNet 1.9.1 when it is mxnet (benchmarks/_mxnet_side.py).

  mlp     MLP 784-256-256-10 (ReLU)
  lenet   LeNet 1x28x28: conv5x5x20 -> maxpool2 -> conv5x5x50 -> maxpool2 -> dense500 -> dense10 (ReLU)
  resnet  ResNet-18, CIFAR variant (3x32x32, 3x3 stem, no stem pool)
"""
from __future__ import annotations

# hybridize() arguments of the gluonx configurations (None: eager)
HYBRIDIZE = {"gx-eager": None, "gx-hybrid": {}, "gx-static": {"static_alloc": True, "static_shape": True}}


def build(mx, model: str, classes: int = 10):
    """A fresh, uninitialized HybridSequential of `model` built with mx.gluon."""
    nn = mx.gluon.nn

    def mlp():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Dense(256, activation="relu", in_units=784), nn.Dense(256, activation="relu", in_units=256),
                    nn.Dense(10, in_units=256))
        return net

    def lenet():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Conv2D(20, kernel_size=5, in_channels=1), nn.Activation("relu"),
                    nn.MaxPool2D(pool_size=2, strides=2),
                    nn.Conv2D(50, kernel_size=5, in_channels=20), nn.Activation("relu"),
                    nn.MaxPool2D(pool_size=2, strides=2),
                    nn.Flatten(), nn.Dense(500, activation="relu", in_units=800), nn.Dense(10, in_units=500))
        return net

    class BasicBlock(mx.gluon.HybridBlock):
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

    def resnet18():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Conv2D(64, 3, 1, 1, use_bias=False, in_channels=3), nn.BatchNorm(in_channels=64),
                    nn.Activation("relu"))
            in_ch = 64
            for channels, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
                net.add(BasicBlock(channels, stride, in_ch), BasicBlock(channels, 1, channels))
                in_ch = channels
            net.add(nn.GlobalAvgPool2D(), nn.Flatten(), nn.Dense(classes, in_units=512))
        return net

    return {"mlp": mlp, "lenet": lenet, "resnet": resnet18}[model]()
