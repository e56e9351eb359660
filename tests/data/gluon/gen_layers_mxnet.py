"""Generates tests/data/gluon/layers_mxnet.npz with MXNet 1.9.1:
    MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/gluon/gen_layers_mxnet.py

Each case builds a gluon.nn layer from a constructor string, finishes its
deferred init on a first (predict-mode) forward, sets every parameter to
fixed values, then runs a forward (and, in 'train' mode, a backward with a
fixed head gradient under autograd.record()).  Stored per case: the spec
(json), the input, the parameter values, the output, the input / parameter
gradients and (BatchNorm) the running statistics after the step.
"""
import json
import os

import numpy as np
import mxnet as mx
from mxnet.gluon import nn  # noqa: F401  (used by eval)

# name, constructor, input shape, mode ('train': record + backward; 'predict': forward only), input kind
CASES = [
    ("conv1d", "nn.Conv1D(4, 3, strides=2, padding=1)", (2, 3, 9), "train", "float"),
    ("conv2d", "nn.Conv2D(5, (3, 2), strides=(2, 1), padding=(1, 0), activation='relu')",
     (2, 3, 7, 8), "train", "float"),
    ("conv2d_dil", "nn.Conv2D(3, 3, padding=(2, 1), dilation=(2, 1))", (1, 2, 7, 6), "train", "float"),
    ("conv2d_groups", "nn.Conv2D(6, 3, groups=3, use_bias=False)", (2, 3, 6, 6), "train", "float"),
    ("conv3d", "nn.Conv3D(3, 2, padding=1)", (1, 2, 4, 4, 4), "train", "float"),
    ("conv1d_t", "nn.Conv1DTranspose(4, 3, strides=2, padding=1, output_padding=1)", (2, 3, 5), "train", "float"),
    ("conv2d_t", "nn.Conv2DTranspose(4, 3, strides=2, padding=1, output_padding=1, groups=2, in_channels=4)", (2, 4, 4, 4),
     "train", "float"),
    ("conv3d_t", "nn.Conv3DTranspose(2, 2, strides=2, activation='tanh')", (1, 3, 3, 3, 3), "train", "float"),
    ("maxpool1d", "nn.MaxPool1D(3, 2, 1)", (2, 3, 10), "train", "float"),
    ("maxpool2d", "nn.MaxPool2D((2, 3), ceil_mode=True)", (2, 3, 7, 8), "train", "float"),
    ("maxpool2d_nhwc", "nn.MaxPool2D(2, layout='NHWC')", (2, 6, 4, 3), "train", "float"),
    ("maxpool3d", "nn.MaxPool3D(2)", (1, 2, 4, 5, 6), "train", "float"),
    ("avgpool1d", "nn.AvgPool1D(3, 2, 1, count_include_pad=False)", (2, 3, 10), "train", "float"),
    ("avgpool2d", "nn.AvgPool2D(3, 2, 1, ceil_mode=True)", (2, 3, 7, 8), "train", "float"),
    ("avgpool3d", "nn.AvgPool3D(2, padding=1)", (1, 2, 4, 5, 3), "train", "float"),
    ("gmaxpool1d", "nn.GlobalMaxPool1D()", (2, 3, 7), "train", "float"),
    ("gmaxpool2d", "nn.GlobalMaxPool2D()", (2, 3, 4, 5), "train", "float"),
    ("gmaxpool3d", "nn.GlobalMaxPool3D()", (1, 2, 3, 4, 5), "train", "float"),
    ("gavgpool1d", "nn.GlobalAvgPool1D()", (2, 3, 7), "train", "float"),
    ("gavgpool2d", "nn.GlobalAvgPool2D()", (2, 3, 4, 5), "train", "float"),
    ("gavgpool3d", "nn.GlobalAvgPool3D()", (1, 2, 3, 4, 5), "train", "float"),
    ("reflpad2d", "nn.ReflectionPad2D(2)", (2, 3, 5, 6), "train", "float"),
    ("act_relu", "nn.Activation('relu')", (3, 4), "train", "float"),
    ("act_sigmoid", "nn.Activation('sigmoid')", (3, 4), "train", "float"),
    ("act_tanh", "nn.Activation('tanh')", (3, 4), "train", "float"),
    ("act_softrelu", "nn.Activation('softrelu')", (3, 4), "train", "float"),
    ("act_softsign", "nn.Activation('softsign')", (3, 4), "train", "float"),
    ("leakyrelu", "nn.LeakyReLU(0.1)", (3, 4), "train", "float"),
    ("prelu", "nn.PReLU()", (2, 3, 4), "train", "float"),
    ("prelu_ch", "nn.PReLU(in_channels=3)", (2, 3, 4), "train", "float"),
    ("elu", "nn.ELU(0.7)", (3, 4), "train", "float"),
    ("selu", "nn.SELU()", (3, 4), "train", "float"),
    ("gelu", "nn.GELU()", (3, 4), "train", "float"),
    ("swish", "nn.Swish(1.5)", (3, 4), "train", "float"),
    ("batchnorm", "nn.BatchNorm()", (4, 3, 5), "train", "float"),
    ("batchnorm_last", "nn.BatchNorm(axis=-1, scale=False, momentum=0.8, epsilon=1e-3)", (4, 5, 3), "train",
     "float"),
    ("batchnorm_4d", "nn.BatchNorm(in_channels=3)", (2, 3, 4, 4), "train", "float"),
    ("batchnorm_predict", "nn.BatchNorm()", (4, 3, 5), "predict", "float"),
    ("batchnorm_global", "nn.BatchNorm(use_global_stats=True)", (4, 3, 5), "train", "float"),
    ("instancenorm", "nn.InstanceNorm()", (2, 3, 5), "train", "float"),
    ("instancenorm_scale", "nn.InstanceNorm(scale=True, in_channels=3)", (2, 3, 4, 2), "train", "float"),
    ("instancenorm_axis2", "nn.InstanceNorm(axis=2, scale=True)", (2, 3, 4), "train", "float"),
    ("layernorm", "nn.LayerNorm()", (2, 3, 5), "train", "float"),
    ("layernorm_axis1", "nn.LayerNorm(axis=1, center=False)", (2, 3, 5), "train", "float"),
    ("groupnorm", "nn.GroupNorm(2)", (2, 4, 3, 3), "train", "float"),
    ("embedding", "nn.Embedding(10, 4)", (2, 3), "train", "int"),
    ("dense_relu", "nn.Dense(5, activation='relu')", (3, 2, 3), "train", "float"),
]


def run_case(i, name, ctor, shape, mode, kind, out):
    rng = np.random.RandomState(1000 + i)
    if kind == "int":
        x_np = rng.randint(0, 10, size=shape).astype(np.float32)
    else:
        x_np = rng.uniform(-2, 2, size=shape).astype(np.float32)
    layer = eval(ctor)
    layer.initialize(mx.init.Zero())
    layer(mx.nd.array(x_np))  # deferred init (predict mode: no statistics update)
    params = layer.collect_params()
    prefix = layer.prefix
    for pname in sorted(params.keys()):
        p = params[pname]
        key = pname[len(prefix):]
        if key == "running_var":
            v = rng.uniform(0.5, 2.0, size=p.shape)
        else:
            v = rng.uniform(-1, 1, size=p.shape)
        v = v.astype(np.float32)
        p.set_data(mx.nd.array(v))
        out["%s/param/%s" % (name, key)] = v
    x = mx.nd.array(x_np)
    out["%s/x" % name] = x_np
    if mode == "train":
        if kind != "int":
            x.attach_grad()
        with mx.autograd.record():
            y = layer(x)
        head = rng.uniform(-1, 1, size=y.shape).astype(np.float32)
        y.backward(mx.nd.array(head))
        out["%s/head" % name] = head
        if kind != "int":
            out["%s/grad/x" % name] = x.grad.asnumpy()
        for pname in sorted(params.keys()):
            p = params[pname]
            if p.grad_req != "null":
                out["%s/grad/%s" % (name, pname[len(prefix):])] = p.grad().asnumpy()
    else:
        y = layer(x)
    out["%s/out" % name] = y.asnumpy()
    for pname in sorted(params.keys()):
        key = pname[len(prefix):]
        if key.startswith("running_"):
            out["%s/after/%s" % (name, key)] = params[pname].data().asnumpy()


def main():
    out = {}
    for i, (name, ctor, shape, mode, kind) in enumerate(CASES):
        print(name, flush=True)
        run_case(i, name, ctor, shape, mode, kind, out)
        mx.nd.waitall()
    out["__cases__"] = np.array(json.dumps(CASES))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers_mxnet.npz")
    np.savez_compressed(path, **out)
    print("wrote", path, len(out), "arrays")


if __name__ == "__main__":
    main()
