"""Checkpoints gluonx writes load in real MXNet 1.9.1 (skipped unless the side
venv of MXNET_BEHAVIOURS.md exists at /tmp/mx or $GLUONX_MXNET_PYTHON)."""
import os
import subprocess

import numpy as np
import pytest

import gluonx as mx
from gluonx.gluon import nn

MXPY = os.environ.get("GLUONX_MXNET_PYTHON", "/tmp/mx/bin/python")
needs_mxnet = pytest.mark.skipif(not os.path.exists(MXPY), reason="real MXNet 1.9.1 not installed")


def _net():
    net = nn.HybridSequential()
    net.add(nn.Dense(5, activation="relu"), nn.Dense(2))
    return net


@needs_mxnet
def test_save_parameters_loads_in_mxnet(tmp_path):
    net = _net()
    net.initialize(mx.init.Xavier())
    x = np.arange(12, dtype=np.float32).reshape(3, 4) / 10
    y = net(mx.nd.array(x)).asnumpy()
    fname = str(tmp_path / "net.params")
    net.save_parameters(fname)
    np.save(str(tmp_path / "x.npy"), x)
    code = """
import numpy as np, mxnet as mx
from mxnet.gluon import nn
net = nn.HybridSequential()
net.add(nn.Dense(5, activation="relu"), nn.Dense(2))
net.load_parameters(%r)
print(repr(net(mx.nd.array(np.load(%r))).asnumpy().tolist()))
""" % (fname, str(tmp_path / "x.npy"))
    env = dict(os.environ, MXNET_SUBGRAPH_BACKEND="NONE")
    r = subprocess.run([MXPY, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    np.testing.assert_allclose(np.array(eval(r.stdout.strip().splitlines()[-1])), y, rtol=1e-5, atol=1e-6)
