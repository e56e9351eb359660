"""``mx.mod`` / ``mx.module``: the Module API (MXNet 1.9.1's symbolic training).

>>> import gluonx as mx
>>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
>>> mod = mx.mod.Module(net, data_names=('data',), label_names=None)
>>> mod.bind(data_shapes=[('data', (4, 3))]); mod.init_params()
>>> sorted(mod.get_params()[0])
['fc_bias', 'fc_weight']
"""
from gluonx.module.base_module import BaseModule, ModuleStateError
from gluonx.module.module import Module
from gluonx.module import base_module, executor_group, module  # noqa: F401
from gluonx.module.executor_group import DataParallelExecutorGroup  # noqa: F401

__all__ = ["BaseModule", "Module", "ModuleStateError"]
