"""Generates the MXNet 1.9.1 reference data used by tests/gluon (run with /tmp/mx/bin/python)."""
import io, json, contextlib
import numpy as np
import mxnet as mx
from mxnet import gluon
from mxnet.gluon import nn

mx.random.seed(0)
out = {}
net = nn.HybridSequential()
with net.name_scope():
    net.add(nn.Dense(4, activation='relu', in_units=3))
    inner = nn.HybridSequential()
    with inner.name_scope():
        inner.add(nn.Dense(3, in_units=4), nn.Dense(2, use_bias=False, in_units=3))
    net.add(inner)
    net.add(nn.Flatten())
net.initialize(mx.init.Normal(1.0))
out['prefix'] = net.prefix
out['param_names'] = list(net.collect_params().keys())
out['select_weight'] = list(net.collect_params('.*weight').keys())
out['select_regex'] = list(net.collect_params('.*dense1_.*|.*bias').keys())
out['structural_keys'] = sorted(net._collect_params_with_prefix().keys())
out['repr'] = repr(net)
out['params_repr'] = repr(net.collect_params())
out['param_repr'] = repr(net[0].weight)
x = mx.nd.array(np.arange(6, dtype=np.float32).reshape(2, 3) / 6.0)
out['x'] = x.asnumpy().tolist()
out['y'] = net(x).asnumpy().tolist()
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    net.summary(x)
out['summary'] = buf.getvalue()
net.save_parameters('mx_nested_dense.params')
# a second top-level net: auto-numbering continues
n2 = nn.Dense(5)
n3 = nn.HybridSequential()
with n3.name_scope():
    n3.add(nn.Dense(1), nn.Dense(1))
out['later_prefixes'] = [n2.prefix, n3.prefix, n3[0].prefix, n3[1].prefix, n3[1].weight.name]
out['deferred_repr'] = repr(n2)
# save_params (legacy, full names minus prefix)
net.save_params('mx_nested_dense_legacy.params')
out['legacy_keys'] = sorted(mx.nd.load('mx_nested_dense_legacy.params').keys())
json.dump(out, open('mx_reference.json', 'w'), indent=1)
print(json.dumps(out, indent=1))
