"""Basic neural-network layers: FullyConnected, Activation, LeakyReLU,
Dropout, Embedding.

FullyConnected is one ``gemm`` launch (the weight's transpose is a stride
pattern; the bias is broadcast into the output first and accumulated with
beta=1).  The smooth activations without an elementwise kernel of their own
(softrelu, elu, selu, gelu, leaky) run the ``nn_act`` kernel.  Dropout draws
from the backend's uniform generator (``mx.random.seed`` applies).
"""
from __future__ import annotations

import struct

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, REQUIRED, write_out

_GEMM0 = struct.Struct("=dd").pack(1.0, 0.0)
_GEMM1 = struct.Struct("=dd").pack(1.0, 1.0)
_ACT = struct.Struct("=iid")  # gx_act_attrs
_UNIFORM = struct.Struct("=dd")
ACT_SOFTRELU, ACT_LEAKY, ACT_ELU, ACT_SELU, ACT_GELU = range(5)
_FLOATS = (4, 8, 2)  # itemsizes are not enough: check dtype names instead
_FLOAT_NAMES = ("float32", "float64", "float16")


def _float_only(x, opname):
    if _c.dtype_name(_c.dtype_flag(x.dtype)) not in _FLOAT_NAMES:
        raise MXNetTypeError("Operator %s: expects a float16/32/64 input, got %s %s"
                             % (opname, x.shape, x.dtype.__name__))


# ---- FullyConnected ----------------------------------------------------------

def _fc(data, weight, bias=None, num_hidden=REQUIRED, no_bias=False, flatten=True, out=None):
    if num_hidden is None:
        raise MXNetTypeError("Operator FullyConnected: missing required attribute 'num_hidden'")
    shape = data.shape
    if flatten:
        m = shape[0] if shape else 1
        k = 1
        for d in shape[1:]:
            k *= d
    else:
        k = shape[-1] if shape else 1
        m = data.size // k if k else 0
    ws = weight.shape
    if ws != (num_hidden, k):
        raise MXNetValueError("Operator FullyConnected: weight has shape %s, expected (%d, %d) for data %s "
                              "(num_hidden=%d, flatten=%s)" % (ws, num_hidden, k, shape, num_hidden, flatten))
    if data.dtype != weight.dtype:
        raise MXNetTypeError("Operator FullyConnected: data %s and weight %s dtypes differ"
                             % (data.dtype.__name__, weight.dtype.__name__))
    oshape = (m, num_hidden) if flatten else tuple(shape[:-1]) + (num_hidden,)
    o = _c.empty(oshape, data.dtype, data.context)
    x2 = data if (data.ndim == 2 and data.strides[1] == 1) else _c.reshape(data, (m, k))
    w = weight if weight.strides[1] == 1 else _c.contiguous(weight)
    wt = _c.as_strided(w, (k, num_hidden), (1, w.strides[0]), 0)
    o2 = o if o.ndim == 2 else _c.reshape(o, (m, num_hidden))
    if not no_bias:
        if bias is None:
            raise MXNetValueError("Operator FullyConnected: bias is required unless no_bias=True")
        if bias.shape != (num_hidden,):
            raise MXNetValueError("Operator FullyConnected: bias has shape %s, expected (%d,)"
                                  % (bias.shape, num_hidden))
        if o.size:
            _c.copyto(o2, bias)
            if k:
                _c.launch("gemm", [x2, wt], [o2], _GEMM1, "FullyConnected")
    elif o.size:
        if k:
            _c.launch("gemm", [x2, wt], [o2], _GEMM0, "FullyConnected")
        else:
            _c.fill(o, 0)
    return write_out(o, out)


register(OpDef("FullyConnected", _fc, inputs=("data", "weight", "bias"), optional=("bias",),
               attrs=(Attr("num_hidden", "int", None, "Number of output units (required)."),
                      Attr("no_bias", "bool", False, "Whether to skip the bias."),
                      Attr("flatten", "bool", True, "Flatten all axes but the first (else act on the "
                                                    "last axis).")),
               doc="y = data @ weight.T + bias.\n\n"
                   ">>> mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.zeros(4),"
                   " num_hidden=4).shape\n(2, 4)"))


# ---- activations -------------------------------------------------------------

def _nn_act(x, kind, slope, opname):
    _float_only(x, opname)
    xc = _c.contiguous(x)
    o = _c.empty(x.shape, x.dtype, x.context)
    if o.size:
        _c.launch("nn_act", [xc], [o], _ACT.pack(kind, 0, float(slope)), opname)
    return o


_ELEMWISE_ACT = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "softsign": "softsign"}


def _activation(data, act_type="relu", out=None):
    k = _ELEMWISE_ACT.get(act_type)
    if k is not None:
        return _c.unary(k, data, out, "Activation")
    return write_out(_nn_act(data, ACT_SOFTRELU, 0.0, "Activation"), out)


register(OpDef("Activation", _activation,
               attrs=(Attr("act_type", "str", "relu", "Activation function.",
                           choices=("relu", "sigmoid", "tanh", "softrelu", "softsign")),),
               doc="Elementwise activation (relu, sigmoid, tanh, softrelu = log(1+exp(x)), softsign).\n\n"
                   ">>> mx.nd.Activation(mx.nd.array([-1, 2]), act_type='relu').asnumpy()\n"
                   "array([0., 2.], dtype=float32)"))


def _channel_shape(x, c):
    return (1, c) + (1,) * (x.ndim - 2) if x.ndim >= 2 else (c,)


def _leaky(data, gamma=None, act_type="leaky", slope=0.25, lower_bound=0.125, upper_bound=0.334, out=None):
    from gluonx import ndarray as nd
    from gluonx.autograd import is_training
    if act_type == "leaky":
        r = _nn_act(data, ACT_LEAKY, slope, "LeakyReLU")
    elif act_type == "elu":
        r = _nn_act(data, ACT_ELU, slope, "LeakyReLU")
    elif act_type == "selu":
        r = _nn_act(data, ACT_SELU, 0.0, "LeakyReLU")
    elif act_type == "gelu":
        r = _nn_act(data, ACT_GELU, 0.0, "LeakyReLU")
    elif act_type == "prelu":
        if gamma is None:
            raise MXNetValueError("Operator LeakyReLU: act_type='prelu' needs gamma")
        c = data.shape[1] if data.ndim >= 2 else data.shape[0]
        if gamma.size not in (1, c):
            raise MXNetValueError("Operator LeakyReLU: prelu gamma has shape %s; expected (%d,) or (1,) for "
                                  "data %s" % (gamma.shape, c, data.shape))
        g = _c.reshape(gamma, _channel_shape(data, gamma.size))
        r = nd.relu(data) + nd.broadcast_mul(nd.minimum(data, 0.0), g)
    else:  # rrelu
        _float_only(data, "LeakyReLU")
        if lower_bound > upper_bound:
            raise MXNetValueError("Operator LeakyReLU: lower_bound %g > upper_bound %g"
                                  % (lower_bound, upper_bound))
        if is_training():
            mask = _c.empty(data.shape, data.dtype, data.context)
            if mask.size:
                _c.launch("random_uniform", [], [mask], _UNIFORM.pack(lower_bound, upper_bound), "LeakyReLU")
            r = nd.where(data > 0, data, data * mask)
        else:
            mask = _c.full(data.shape, 0, data.dtype, data.context)
            r = _nn_act(data, ACT_LEAKY, (lower_bound + upper_bound) / 2.0, "LeakyReLU")
        if out is not None:
            _c.copyto(out[0] if isinstance(out, (list, tuple)) else out, r)
        return [r, mask]
    return write_out(r, out)


register(OpDef("LeakyReLU", _leaky, inputs=("data", "gamma"), optional=("gamma",),
               attrs=(Attr("act_type", "str", "leaky", "Activation.",
                           choices=("leaky", "prelu", "elu", "selu", "gelu", "rrelu")),
                      Attr("slope", "float", 0.25, "Negative slope (leaky), alpha (elu)."),
                      Attr("lower_bound", "float", 0.125, "rrelu: lower bound of the random slope."),
                      Attr("upper_bound", "float", 0.334, "rrelu: upper bound of the random slope.")),
               doc="Leaky rectifiers: leaky, prelu (per-channel gamma), elu, selu, gelu (erf form), rrelu "
                   "(returns [out, mask]).\n\n"
                   ">>> mx.nd.LeakyReLU(mx.nd.array([-1, 2]), slope=0.1).asnumpy()\n"
                   "array([-0.1,  2. ], dtype=float32)"))


# ---- Dropout -------------------------------------------------------------------
# The op saves its mask for the gradient rule (OpDef(saves=True)).

def _mask_shape(shape, axes):
    ms = list(shape)
    for a in axes:
        ms[a % len(shape)] = 1
    return tuple(ms)


def _dropout(data, p=0.5, mode="training", axes=(), cudnn_off=False, out=None):
    """Returns (output, mask or None); the registry keeps the mask for the rule."""
    from gluonx.autograd import is_training
    if not 0.0 <= p <= 1.0:
        raise MXNetValueError("Operator Dropout: p must be in [0, 1], got %g" % p)
    axes = tuple(axes or ())
    for a in axes:
        if not -data.ndim <= a < data.ndim:
            raise MXNetValueError("Operator Dropout: axis %d out of range for shape %s" % (a, data.shape))
    active = (mode == "always" or is_training()) and p > 0
    if not active:
        return write_out(_c.astype(data, data.dtype), out), None
    _float_only(data, "Dropout")
    mask = _c.empty(_mask_shape(data.shape, axes), data.dtype, data.context)
    o = _c.empty_like(data)
    if mask.size:
        _c.launch("random_uniform", [], [mask], _UNIFORM.pack(0.0, 1.0), "Dropout")
        if p >= 1.0:
            _c.fill(mask, 0)
        else:
            _c.binary("lesser", mask, 1.0 - p, out=mask, opname="Dropout")
            _c.binary("mul", mask, 1.0 / (1.0 - p), out=mask, opname="Dropout")
        _c.binary("mul", data, mask, out=o, opname="Dropout")
    return write_out(o, out), mask


register(OpDef("Dropout", _dropout, saves=True,
               attrs=(Attr("p", "float", 0.5, "Fraction of the input that gets dropped."),
                      Attr("mode", "str", "training", "'training': only in training mode; 'always'.",
                           choices=("training", "always")),
                      Attr("axes", "shape", (), "Axes along which the mask is shared."),
                      Attr("cudnn_off", "bool", False, "Accepted for MXNet compatibility.")),
               doc="Randomly zeroes elements with probability p and scales the rest by 1/(1-p) (training "
                   "mode, or mode='always'); the identity otherwise.\n\n"
                   ">>> mx.nd.Dropout(mx.nd.ones((2, 2))).asnumpy()\n"
                   "array([[1., 1.],\n       [1., 1.]], dtype=float32)"))


# ---- Embedding -----------------------------------------------------------------

def _embedding(data, weight, input_dim=REQUIRED, output_dim=REQUIRED, dtype="float32", sparse_grad=False,
               out=None):
    from gluonx import ndarray as nd
    if weight.shape != (input_dim, output_dim):
        raise MXNetValueError("Operator Embedding: weight has shape %s, expected (input_dim, output_dim) = "
                              "(%d, %d)" % (weight.shape, input_dim, output_dim))
    r = nd.take(weight, data, axis=0, mode="clip")
    return write_out(r, out)


register(OpDef("Embedding", _embedding, inputs=("data", "weight"),
               attrs=(Attr("input_dim", "int", REQUIRED, "Vocabulary size."),
                      Attr("output_dim", "int", REQUIRED, "Embedding size."),
                      Attr("dtype", "dtype", "float32", "Type of the weight."),
                      Attr("sparse_grad", "bool", False, "Accepted (gradients are dense).")),
               doc="Looks up rows of weight (out-of-range indices are clipped).\n\n"
                   ">>> mx.nd.Embedding(mx.nd.array([0, 2]), mx.nd.ones((3, 2)), input_dim=3, "
                   "output_dim=2).shape\n(2, 2)"))
