"""Convolution, pooling and padding layers of ``mx.gluon.nn`` (MXNet 1.9.1).

Conv*D / Conv*DTranspose wrap ``F.Convolution`` / ``F.Deconvolution``; the
pooling layers wrap ``F.Pooling``.  ``in_channels=0`` defers the weight's
input-channel size to the first input.  Channel-last layouts (NWC, NHWC,
NDHWC) keep MXNet's weight layouts and run the channel-first op between
transposes.

>>> import gluonx as mx
>>> conv = mx.gluon.nn.Conv2D(8, 3, in_channels=3)
>>> conv.weight.shape
(8, 3, 3, 3)
>>> mx.gluon.nn.MaxPool2D()(mx.nd.ones((1, 2, 4, 4))).shape
(1, 2, 2, 2)
"""
from __future__ import annotations

from numbers import Number

from gluonx.base import MXNetValueError
from gluonx.gluon.block import HybridBlock
from gluonx.gluon.nn.activations import Activation
from gluonx.ops.nn_conv import conv_weight_shape

__all__ = ["Conv1D", "Conv2D", "Conv3D",
           "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
           "MaxPool1D", "MaxPool2D", "MaxPool3D",
           "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D",
           "ReflectionPad2D"]

_numeric = (Number,)


def _tuple(v, n, what):
    if isinstance(v, _numeric):
        return (int(v),) * n
    v = tuple(v)
    if len(v) != n:
        raise MXNetValueError("%s must be a number or a list of %d ints, got %r" % (what, n, v))
    return v


def _check_layout(layout, allowed, what):
    if layout not in allowed:
        raise MXNetValueError("Only %s layouts are valid for %s, got %r" % (" and ".join(allowed), what, layout))


class _Conv(HybridBlock):
    """Shared implementation of the (transposed) convolution layers."""

    def __init__(self, channels, kernel_size, strides, padding, dilation, groups, layout, in_channels=0,
                 activation=None, use_bias=True, weight_initializer=None, bias_initializer="zeros",
                 op_name="Convolution", adj=None, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        n = len(kernel_size)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            strides = _tuple(strides, n, "strides")
            padding = _tuple(padding, n, "padding")
            dilation = _tuple(dilation, n, "dilation")
            self._op_name = op_name
            self._kwargs = {
                "kernel": tuple(kernel_size), "stride": strides, "dilate": dilation,
                "pad": padding, "num_filter": channels, "num_group": groups,
                "no_bias": not use_bias, "layout": layout}
            if adj is not None:
                self._kwargs["adj"] = adj
            self._channel_last = layout.find("C") == len(layout) - 1
            self.weight = self.params.get("weight", shape=self._weight_shape(in_channels),
                                          init=weight_initializer, allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def _weight_shape(self, in_channels):
        return conv_weight_shape(in_channels, self._channels, self._kwargs["num_group"], self._kwargs["kernel"],
                                 transposed=self._op_name != "Convolution", layout=self._kwargs["layout"])

    def hybrid_forward(self, F, x, weight, bias=None):
        op = getattr(F, self._op_name)
        if bias is None:
            act = op(x, weight, name="fwd", **self._kwargs)
        else:
            act = op(x, weight, bias, name="fwd", **self._kwargs)
        if self.act is not None:
            act = self.act(act)
        return act

    def _alias(self):
        return "conv"

    def __repr__(self):
        s = "{name}({mapping}, kernel_size={kernel}, stride={stride}"
        len_kernel_size = len(self._kwargs["kernel"])
        if self._kwargs["pad"] != (0,) * len_kernel_size:
            s += ", padding={pad}"
        if self._kwargs["dilate"] != (1,) * len_kernel_size:
            s += ", dilation={dilate}"
        # MXNet 1.9.1 tests an attribute named ``out_pad`` while the layers
        # set ``outpad``: output_padding never shows in the repr.
        if hasattr(self, "out_pad") and self.out_pad != (0,) * len_kernel_size:
            s += ", output_padding={out_pad}".format(out_pad=self.out_pad)
        if self._kwargs["num_group"] != 1:
            s += ", groups={num_group}"
        if self.bias is None:
            s += ", bias=False"
        if self.act:
            s += ", {}".format(self.act)
        s += ")"
        shape = self.weight.shape
        return s.format(name=self.__class__.__name__,
                        mapping="{0} -> {1}".format(shape[1] if shape[1] else None, shape[0]),
                        **self._kwargs)


def _conv_class(name, ndim, layouts, transpose):
    default_layout = layouts[0]
    one, zero = (1, 0) if ndim == 1 else ((1,) * ndim, (0,) * ndim)   # MXNet's defaults

    if not transpose:
        def __init__(self, channels, kernel_size, strides=one, padding=zero, dilation=one, groups=1,
                     layout=default_layout, activation=None, use_bias=True, weight_initializer=None,
                     bias_initializer="zeros", in_channels=0, **kwargs):
            _check_layout(layout, layouts, name)
            kernel_size = _tuple(kernel_size, ndim, "kernel_size")
            op_name = kwargs.pop("op_name", "Convolution")
            _Conv.__init__(self, channels, kernel_size, strides, padding, dilation, groups, layout,
                           in_channels, activation, use_bias, weight_initializer, bias_initializer,
                           op_name, **kwargs)
        doc = ("%dD convolution layer (MXNet's ``%s``): weight ``(channels, in_channels // groups, "
               "*kernel_size)`` (channel-first layouts)." % (ndim, name))
    else:
        def __init__(self, channels, kernel_size, strides=one, padding=zero, output_padding=zero, dilation=one,
                     groups=1, layout=default_layout, activation=None, use_bias=True,
                     weight_initializer=None, bias_initializer="zeros", in_channels=0, **kwargs):
            _check_layout(layout, layouts, name)
            kernel_size = _tuple(kernel_size, ndim, "kernel_size")
            output_padding = _tuple(output_padding, ndim, "output_padding")
            op_name = kwargs.pop("op_name", "Deconvolution")
            _Conv.__init__(self, channels, kernel_size, strides, padding, dilation, groups, layout,
                           in_channels, activation, use_bias, weight_initializer, bias_initializer,
                           op_name=op_name, adj=output_padding, **kwargs)
            self.outpad = output_padding
        doc = ("%dD transposed convolution layer (MXNet's ``%s``, ``F.Deconvolution``): weight "
               "``(in_channels, channels // groups, *kernel_size)`` (channel-first layouts)." % (ndim, name))
    cls = type(name, (_Conv,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})
    cls.__qualname__ = name
    return cls


Conv1D = _conv_class("Conv1D", 1, ("NCW", "NWC"), False)
Conv2D = _conv_class("Conv2D", 2, ("NCHW", "NHWC"), False)
Conv3D = _conv_class("Conv3D", 3, ("NCDHW", "NDHWC"), False)
Conv1DTranspose = _conv_class("Conv1DTranspose", 1, ("NCW", "NWC"), True)
Conv2DTranspose = _conv_class("Conv2DTranspose", 2, ("NCHW", "NHWC"), True)
Conv3DTranspose = _conv_class("Conv3DTranspose", 3, ("NCDHW", "NDHWC"), True)


class _Pooling(HybridBlock):
    """Shared implementation of the pooling layers (``F.Pooling``)."""

    def __init__(self, pool_size, strides, padding, ceil_mode, global_pool, pool_type, layout,
                 count_include_pad=None, **kwargs):
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        n = len(pool_size)
        strides = _tuple(strides, n, "strides")
        padding = _tuple(padding, n, "padding")
        self._kwargs = {
            "kernel": tuple(pool_size), "stride": strides, "pad": padding,
            "global_pool": global_pool, "pool_type": pool_type, "layout": layout,
            "pooling_convention": "full" if ceil_mode else "valid"}
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad
        self._channel_last = layout.find("C") == len(layout) - 1

    def _alias(self):
        return "pool"

    def hybrid_forward(self, F, x):
        return F.Pooling(x, name="fwd", **self._kwargs)

    def __repr__(self):
        s = "{name}(size={kernel}, stride={stride}, padding={pad}, ceil_mode={ceil_mode}"
        s += ", global_pool={global_pool}, pool_type={pool_type}, layout={layout})"
        return s.format(name=self.__class__.__name__,
                        ceil_mode=self._kwargs["pooling_convention"] == "full", **self._kwargs)


_LAYOUTS = {1: ("NCW", "NWC"), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}


# MXNet 1.9.1's positional order differs by class: MaxPool3D, AvgPool2D and AvgPool3D take
# ceil_mode before layout, the others layout before ceil_mode
_CEIL_FIRST = ("MaxPool3D", "AvgPool2D", "AvgPool3D")


def _pool_class(name, ndim, pool_type):
    layouts = _LAYOUTS[ndim]
    size = 2 if ndim == 1 else (2,) * ndim

    def init(self, pool_size, strides, padding, layout, ceil_mode, count_include_pad, kwargs):
        _check_layout(layout, layouts, "%dD Pooling" % ndim)
        pool_size = _tuple(pool_size, ndim, "pool_size")
        _Pooling.__init__(self, pool_size, strides, padding, ceil_mode, False, pool_type, layout,
                          count_include_pad, **kwargs)

    if pool_type == "max" and name in _CEIL_FIRST:
        def __init__(self, pool_size=size, strides=None, padding=0, ceil_mode=False, layout=layouts[0],
                     **kwargs):
            init(self, pool_size, strides, padding, layout, ceil_mode, None, kwargs)
    elif pool_type == "max":
        def __init__(self, pool_size=size, strides=None, padding=0, layout=layouts[0], ceil_mode=False,
                     **kwargs):
            init(self, pool_size, strides, padding, layout, ceil_mode, None, kwargs)
    elif name in _CEIL_FIRST:
        def __init__(self, pool_size=size, strides=None, padding=0, ceil_mode=False, layout=layouts[0],
                     count_include_pad=True, **kwargs):
            init(self, pool_size, strides, padding, layout, ceil_mode, count_include_pad, kwargs)
    else:
        def __init__(self, pool_size=size, strides=None, padding=0, layout=layouts[0], ceil_mode=False,
                     count_include_pad=True, **kwargs):
            init(self, pool_size, strides, padding, layout, ceil_mode, count_include_pad, kwargs)
    if pool_type == "max":
        doc = "%dD max pooling (``F.Pooling(pool_type='max')``); strides default to pool_size." % ndim
    else:
        doc = ("%dD average pooling (``F.Pooling(pool_type='avg')``); strides default to pool_size; "
               "count_include_pad counts padded positions in the divisor." % ndim)
    cls = type(name, (_Pooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})
    cls.__qualname__ = name
    return cls


def _global_pool_class(name, ndim, pool_type):
    layouts = _LAYOUTS[ndim]

    def __init__(self, layout=layouts[0], **kwargs):
        _check_layout(layout, layouts, "%dD Pooling" % ndim)
        _Pooling.__init__(self, (1,) * ndim, None, 0, True, True, pool_type, layout, **kwargs)
    doc = "Global %s pooling over the %dD spatial axes (output extent 1 on each)." % (pool_type, ndim)
    cls = type(name, (_Pooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})
    cls.__qualname__ = name
    return cls


MaxPool1D = _pool_class("MaxPool1D", 1, "max")
MaxPool2D = _pool_class("MaxPool2D", 2, "max")
MaxPool3D = _pool_class("MaxPool3D", 3, "max")
AvgPool1D = _pool_class("AvgPool1D", 1, "avg")
AvgPool2D = _pool_class("AvgPool2D", 2, "avg")
AvgPool3D = _pool_class("AvgPool3D", 3, "avg")
GlobalMaxPool1D = _global_pool_class("GlobalMaxPool1D", 1, "max")
GlobalMaxPool2D = _global_pool_class("GlobalMaxPool2D", 2, "max")
GlobalMaxPool3D = _global_pool_class("GlobalMaxPool3D", 3, "max")
GlobalAvgPool1D = _global_pool_class("GlobalAvgPool1D", 1, "avg")
GlobalAvgPool2D = _global_pool_class("GlobalAvgPool2D", 2, "avg")
GlobalAvgPool3D = _global_pool_class("GlobalAvgPool3D", 3, "avg")


class ReflectionPad2D(HybridBlock):
    """Pads the last two axes of an NCHW input by reflection: `padding` is an
    int (same on every side) or MXNet's 8-tuple ``pad_width``."""

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, _numeric):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        padding = tuple(padding)
        if len(padding) != 8:
            raise MXNetValueError("ReflectionPad2D: padding must be an int or 8 ints, got %r" % (padding,))
        self._padding = padding

    def hybrid_forward(self, F, x):
        return F.pad(x, mode="reflect", pad_width=self._padding)
