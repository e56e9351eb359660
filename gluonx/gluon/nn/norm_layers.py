"""Dropout, normalization and embedding layers of ``mx.gluon.nn`` (MXNet 1.9.1):
Dropout, BatchNorm, BatchNormReLU, InstanceNorm, LayerNorm, GroupNorm, Embedding.

BatchNorm's ``running_mean`` / ``running_var`` are Parameters with
``grad_req='null'`` that ``F.BatchNorm`` updates in place in training mode.

>>> import gluonx as mx
>>> bn = mx.gluon.nn.BatchNorm()
>>> bn.initialize()
>>> bn(mx.nd.ones((2, 3, 4))).shape
(2, 3, 4)
>>> bn.gamma.shape
(3,)
"""
from __future__ import annotations

import numpy as np

from gluonx.base import MXNetValueError
from gluonx.gluon.block import HybridBlock

__all__ = ["Dropout", "BatchNorm", "BatchNormReLU", "InstanceNorm", "LayerNorm", "GroupNorm", "Embedding"]


def _kw_repr(kwargs):
    return ", ".join(["=".join([k, v.__repr__()]) for k, v in kwargs.items()])


class Dropout(HybridBlock):
    """Zeroes a fraction `rate` of the input in training mode (scaling the rest
    by ``1 / (1 - rate)``); identity in predict mode.  `axes` share the mask."""

    def __init__(self, rate, axes=(), **kwargs):
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F, x):
        if self._rate > 0:
            return F.Dropout(x, p=self._rate, axes=self._axes, name="fwd", cudnn_off=False)
        return x * 1

    def __repr__(self):
        return "{name}(p = {_rate}, axes={_axes})".format(name=self.__class__.__name__, **self.__dict__)


class _BatchNorm(HybridBlock):
    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True, use_global_stats=False,
                 fuse_relu=False, beta_initializer="zeros", gamma_initializer="ones",
                 running_mean_initializer="zeros", running_variance_initializer="ones", in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"axis": axis, "eps": epsilon, "momentum": momentum,
                        "fix_gamma": not scale, "use_global_stats": use_global_stats}
        self.fuse_relu = fuse_relu
        if in_channels != 0:
            self.in_channels = in_channels
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=(in_channels,),
                                     init=gamma_initializer, allow_deferred_init=True, differentiable=scale)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=(in_channels,),
                                    init=beta_initializer, allow_deferred_init=True, differentiable=center)
        self.running_mean = self.params.get("running_mean", grad_req="null", shape=(in_channels,),
                                            init=running_mean_initializer, allow_deferred_init=True,
                                            differentiable=False)
        self.running_var = self.params.get("running_var", grad_req="null", shape=(in_channels,),
                                           init=running_variance_initializer, allow_deferred_init=True,
                                           differentiable=False)

    def cast(self, dtype):
        if np.dtype(dtype).name == "float16":
            dtype = "float32"
        super().cast(dtype)

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        out = F.BatchNorm(x, gamma, beta, running_mean, running_var, name="fwd", **self._kwargs)
        if self.fuse_relu:
            out = F.relu(out)
        return out

    def __repr__(self):
        s = "{name}({content}"
        in_channels = self.gamma.shape[0]
        s += ", in_channels={0}".format(in_channels if in_channels else None)
        s += ")"
        return s.format(name=self.__class__.__name__, content=_kw_repr(self._kwargs))


class BatchNorm(_BatchNorm):
    """Batch normalization over channel `axis`: in training the batch mean /
    variance normalize and update ``running_mean`` / ``running_var``
    (``momentum * old + (1 - momentum) * batch``); in predict mode (or with
    `use_global_stats`) the running statistics are used.  ``scale=False``
    fixes gamma at 1 (``fix_gamma``)."""

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True, use_global_stats=False,
                 beta_initializer="zeros", gamma_initializer="ones", running_mean_initializer="zeros",
                 running_variance_initializer="ones", in_channels=0, **kwargs):
        super().__init__(axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                         use_global_stats=use_global_stats, fuse_relu=False, beta_initializer=beta_initializer,
                         gamma_initializer=gamma_initializer, running_mean_initializer=running_mean_initializer,
                         running_variance_initializer=running_variance_initializer, in_channels=in_channels,
                         **kwargs)


class BatchNormReLU(_BatchNorm):
    """BatchNorm followed by ReLU (MXNet's fused ``BatchNormWithReLU``)."""

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True, use_global_stats=False,
                 beta_initializer="zeros", gamma_initializer="ones", running_mean_initializer="zeros",
                 running_variance_initializer="ones", in_channels=0, **kwargs):
        super().__init__(axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                         use_global_stats=use_global_stats, fuse_relu=True, beta_initializer=beta_initializer,
                         gamma_initializer=gamma_initializer, running_mean_initializer=running_mean_initializer,
                         running_variance_initializer=running_variance_initializer, in_channels=in_channels,
                         **kwargs)


class Embedding(HybridBlock):
    """Looks up rows of a ``(input_dim, output_dim)`` weight by integer index.

    ``sparse_grad=True``: gluonx has no row_sparse storage, so the weight's
    gradient is a dense array with MXNet's values (the looked-up rows summed,
    zeros elsewhere); the Parameter still reports ``grad_stype='row_sparse'``.
    An optimizer then updates every row, where MXNet's lazy updates touch only
    the looked-up ones: the results agree for plain SGD and differ in the
    rows not looked up when weight decay or momentum is used.

    >>> emb = nn.Embedding(10, 4, sparse_grad=True)
    """

    def __init__(self, input_dim, output_dim, dtype="float32", weight_initializer=None, sparse_grad=False,
                 **kwargs):
        super().__init__(**kwargs)
        grad_stype = "row_sparse" if sparse_grad else "default"
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim, "dtype": dtype,
                        "sparse_grad": sparse_grad}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim), init=weight_initializer,
                                      dtype=dtype, allow_deferred_init=True, grad_stype=grad_stype)

    def hybrid_forward(self, F, x, weight):
        return F.Embedding(x, weight, name="fwd", **self._kwargs)

    def __repr__(self):
        return "{block_name}({input_dim} -> {output_dim}, {dtype})".format(
            block_name=self.__class__.__name__, **self._kwargs)


class _AxisNorm(HybridBlock):
    """gamma / beta of shape (in_channels,) taken from the input's `axis`."""

    def _make_params(self, shape, center, scale, beta_initializer, gamma_initializer):
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=shape,
                                     init=gamma_initializer, allow_deferred_init=True)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=shape,
                                    init=beta_initializer, allow_deferred_init=True)

    def __repr__(self):
        s = "{name}({content}"
        s += ", in_channels={0}".format(self.gamma.shape[0])
        s += ")"
        return s.format(name=self.__class__.__name__, content=_kw_repr(self._kwargs))


class InstanceNorm(_AxisNorm):
    """Normalizes each sample and channel (`axis`) over the remaining axes.
    MXNet's default is ``scale=False`` (gamma stays 1, grad_req 'null')."""

    def __init__(self, axis=1, epsilon=1e-5, center=True, scale=False, beta_initializer="zeros",
                 gamma_initializer="ones", in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self._make_params((in_channels,), center, scale, beta_initializer, gamma_initializer)

    def hybrid_forward(self, F, x, gamma, beta):
        if self._axis == 1:
            return F.InstanceNorm(x, gamma, beta, name="fwd", eps=self._epsilon)
        x = x.swapaxes(1, self._axis)
        return F.InstanceNorm(x, gamma, beta, eps=self._epsilon).swapaxes(1, self._axis)


class LayerNorm(_AxisNorm):
    """Normalizes over `axis` (default the last) with per-element gamma / beta."""

    def __init__(self, axis=-1, epsilon=1e-5, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", in_channels=0, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        self._make_params((in_channels,), center, scale, beta_initializer, gamma_initializer)

    def hybrid_forward(self, F, data, gamma, beta):
        return F.LayerNorm(data, gamma=gamma, beta=beta, axis=self._axis, eps=self._epsilon, name="fwd")


class GroupNorm(HybridBlock):
    """Splits the channels (axis 1) into `num_groups` groups and normalizes
    each group; gamma / beta have shape ``(num_groups,)`` as in MXNet 1.9.1."""

    def __init__(self, num_groups=1, epsilon=1e-5, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._kwargs = {"eps": epsilon, "num_groups": num_groups, "center": center, "scale": scale}
        self._num_groups = num_groups
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=(num_groups,),
                                     init=gamma_initializer, allow_deferred_init=True)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=(num_groups,),
                                    init=beta_initializer, allow_deferred_init=True)

    def hybrid_forward(self, F, data, gamma, beta):
        return F.GroupNorm(data, gamma=gamma, beta=beta, num_groups=self._num_groups, eps=self._epsilon,
                           name="fwd")

    def __repr__(self):
        return "{name}({content})".format(name=self.__class__.__name__, content=_kw_repr(self._kwargs))
