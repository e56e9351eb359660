"""``mx.gluon``: the imperative / hybrid neural-network interface.

>>> import gluonx as mx
>>> net = mx.gluon.nn.HybridSequential(prefix='model_')
>>> net.prefix
'model_'
"""
from gluonx.gluon.parameter import (Parameter, Constant, ParameterDict,  # noqa: F401
                                    DeferredInitializationError, tensor_types)
from gluonx.gluon.block import Block, HybridBlock, SymbolBlock  # noqa: F401
from gluonx.gluon import utils  # noqa: F401
from gluonx.gluon import nn  # noqa: F401

from gluonx.gluon import data, loss  # noqa: F401
from gluonx.gluon.trainer import Trainer  # noqa: F401
