"""Basic Gluon layers: Sequential, HybridSequential, Dense, Flatten,
Identity, Lambda, HybridLambda.

>>> import gluonx as mx
>>> net = mx.gluon.nn.HybridSequential()
>>> with net.name_scope():
...     net.add(mx.gluon.nn.Flatten(), mx.gluon.nn.Identity())
>>> net(mx.nd.ones((2, 3, 4))).shape
(2, 12)
"""
from __future__ import annotations

import warnings

import numpy as np

from gluonx.base import MXNetValueError
from gluonx import ndarray
from gluonx.gluon.block import Block, HybridBlock
from gluonx.gluon.nn.activations import Activation
from gluonx.gluon.utils import _indent

__all__ = ["Sequential", "HybridSequential", "Dense", "Flatten", "Identity", "Lambda", "HybridLambda"]


def _seq_repr(self):
    modstr = "\n".join(["  ({key}): {block}".format(key=key, block=_indent(block.__repr__(), 2))
                        for key, block in self._children.items()])
    return "{name}(\n{modstr}\n)".format(name=self.__class__.__name__, modstr=modstr)


def _seq_getitem(self, key):
    layers = list(self._children.values())[key]
    if isinstance(layers, list):
        net = type(self)(prefix=self._prefix)
        with net.name_scope():
            net.add(*layers)
        return net
    return layers


class _Stack:
    """What Sequential and HybridSequential share: add, indexing, len, repr
    and running the children in order."""

    def add(self, *blocks):
        """Adds blocks on top of the stack."""
        for block in blocks:
            self.register_child(block)

    def _run_children(self, x, args):
        for block in self._children.values():
            x = block(x, *args)
            args = []
            if isinstance(x, (tuple, list)):
                args = x[1:]
                x = x[0]
        if args:
            x = tuple([x] + list(args))
        return x

    __repr__ = _seq_repr
    __getitem__ = _seq_getitem

    def __len__(self):
        return len(self._children)


class Sequential(_Stack, Block):
    """Stacks Blocks sequentially: ``net.add(a, b)``; ``net(x)`` is ``b(a(x))``."""

    _container = True   # Block.summary lists its children, not itself

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def forward(self, x, *args):
        return self._run_children(x, args)

    def hybridize(self, active=True, **kwargs):
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn("All children of this Sequential layer '%s' are HybridBlocks. Consider using "
                          "HybridSequential for the best performance." % self.prefix, stacklevel=2)
        super().hybridize(active, **kwargs)


class HybridSequential(_Stack, HybridBlock):
    """Stacks HybridBlocks sequentially."""

    _container = True

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x, *args):
        return self._run_children(x, args)


class Dense(HybridBlock):
    """Fully connected layer: ``out = activation(dot(x, weight.T) + bias)``.

    `units` outputs; `in_units` 0 means inferred from the first input
    (deferred initialization).  With `flatten` the input is flattened to 2-D
    first, otherwise the layer applies to the last axis.
    """

    def __init__(self, units, activation=None, use_bias=True, flatten=True, dtype="float32",
                 weight_initializer=None, bias_initializer="zeros", in_units=0, **kwargs):
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get("weight", shape=(units, in_units), init=weight_initializer,
                                          dtype=dtype, allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(units,), init=bias_initializer, dtype=dtype,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def hybrid_forward(self, F, x, weight, bias=None):
        act = F.FullyConnected(x, weight, bias, no_bias=bias is None, num_hidden=self._units,
                               flatten=self._flatten, name="fwd")
        if self.act is not None:
            act = self.act(act)
        return act

    def __repr__(self):
        shape = self.weight.shape
        return "{name}({layout}, {act})".format(
            name=self.__class__.__name__, act=self.act if self.act else "linear",
            layout="{0} -> {1}".format(shape[1] if shape[1] else None, shape[0]))


class Flatten(HybridBlock):
    """Flattens the input to 2-D: (N, d1, d2, ...) -> (N, d1*d2*...)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def hybrid_forward(self, F, x):
        return F.Flatten(x)

    def __repr__(self):
        return self.__class__.__name__


class Identity(HybridBlock):
    """Passes the input through unchanged."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x):
        return x


class Lambda(Block):
    """Wraps a function (or the name of an ``mx.nd`` function) as a Block."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            nd = ndarray
            if not hasattr(nd, function):
                raise MXNetValueError("Function name %s is not found in ndarray." % function)
            self._func_impl = getattr(nd, function)
        elif callable(function):
            self._func_impl = function
        else:
            raise MXNetValueError("Unrecognized function in lambda: {} of type {}"
                                  .format(function, type(function)))

    def forward(self, *args):
        return self._func_impl(*args)

    def __repr__(self):
        return "{name}({function})".format(name=self.__class__.__name__,
                                           function=getattr(self._func_impl, "__name__", repr(self._func_impl)))


class HybridLambda(HybridBlock):
    """Wraps ``function(F, x, *args)`` (or the name of an F operator) as a HybridBlock."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            nd = ndarray
            if not hasattr(nd, function):
                raise MXNetValueError("Function name %s is not found in symbol/ndarray." % function)
            self._func = lambda F, *args: getattr(F, function)(*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = getattr(function, "__name__", repr(function))
        else:
            raise MXNetValueError("Unrecognized function in lambda: {} of type {}"
                                  .format(function, type(function)))

    def hybrid_forward(self, F, x, *args):
        return self._func(F, x, *args)

    def __repr__(self):
        return "{name}({function})".format(name=self.__class__.__name__, function=self._func_name)
