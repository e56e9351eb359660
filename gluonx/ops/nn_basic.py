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
from gluonx.ops.registry import F, Attr, OpDef, register, REQUIRED
from gluonx.ops.shape_rules import axis_index, fill_dtype, fill_input, float_only, prod, same_dtype

_GEMM0 = struct.Struct("=dd").pack(1.0, 0.0)
_GEMM1 = struct.Struct("=dd").pack(1.0, 1.0)
_ACT = struct.Struct("=iid")  # gx_act_attrs
_UNIFORM = struct.Struct("=dd")
ACT_SOFTRELU, ACT_LEAKY, ACT_ELU, ACT_SELU, ACT_GELU = range(5)
# ---- FullyConnected ----------------------------------------------------------

def _fc_infer(a, shapes, dtypes):
    op = "FullyConnected"
    ds, H = shapes[0], a["num_hidden"]
    if H is None:
        raise MXNetTypeError("Operator FullyConnected: missing required attribute 'num_hidden'")
    if a["flatten"]:
        k = prod(ds[1:])
        oshape = (ds[0] if ds else 1, H)
    else:
        k = ds[-1] if ds else 1
        oshape = tuple(ds[:-1]) + (H,)
    fill_input(op, shapes, 1, (H, k), "weight (num_hidden=%d, flatten=%s)" % (H, a["flatten"]), ds)
    names = ("data", "weight", "bias")
    if not a["no_bias"]:
        fill_input(op, shapes, 2, (H,), "bias")
        fill_dtype(dtypes, 2, dtypes[0])
    fill_dtype(dtypes, 1, dtypes[0])
    dt = same_dtype(op, dtypes if not a["no_bias"] else dtypes[:2], names, shapes)
    return [oshape], [dt]


def _fc(data, weight, bias, out, num_hidden, no_bias=False, flatten=True):
    m, k = out.size // num_hidden if num_hidden else 0, weight.shape[1]
    x2 = data if (data.ndim == 2 and data.strides[1] == 1) else _c.reshape(data, (m, k))
    w = weight if weight.strides[1] == 1 else _c.contiguous(weight)
    wt = _c.as_strided(w, (k, num_hidden), (1, w.strides[0]), 0)
    o2 = out if out.ndim == 2 else _c.reshape(out, (m, num_hidden))
    if not no_bias:
        if bias is None:
            raise MXNetValueError("Operator FullyConnected: bias is required unless no_bias=True")
        if out.size:
            _c.copyto(o2, bias)
            if k:
                _c.launch("gemm", [x2, wt], [o2], _GEMM1, "FullyConnected")
    elif out.size:
        if k:
            _c.launch("gemm", [x2, wt], [o2], _GEMM0, "FullyConnected")
        else:
            _c.fill(out, 0)


register(OpDef("FullyConnected", _fc, infer=_fc_infer, inputs=("data", "weight", "bias"), optional=("bias",),
               infers_inputs=("weight", "bias"),
               input_names=lambda a: ("data", "weight") if a["no_bias"] else ("data", "weight", "bias"),
               attrs=(Attr("num_hidden", "int", None, "Number of output units (required)."),
                      Attr("no_bias", "bool", False, "Whether to skip the bias."),
                      Attr("flatten", "bool", True, "Flatten all axes but the first (else act on the "
                                                    "last axis).")),
               doc="y = data @ weight.T + bias.\n\n"
                   ">>> mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.zeros(4),"
                   " num_hidden=4).shape\n(2, 4)"))


# ---- activations -------------------------------------------------------------

def _nn_act(x, out, kind, slope, opname):
    if out.size:
        _c.launch("nn_act", [_c.contiguous(x)], [out], _ACT.pack(kind, 0, float(slope)), opname)


_ELEMWISE_ACT = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "softsign": "softsign"}


def _activation_infer(a, shapes, dtypes):
    if a["act_type"] not in _ELEMWISE_ACT:
        float_only("Activation", dtypes[0], shapes[0])
    return [shapes[0]], [dtypes[0]]


def _activation(data, out, act_type="relu"):
    k = _ELEMWISE_ACT.get(act_type)
    if k is not None:
        _c.unary(k, data, out, "Activation")
    else:
        _nn_act(data, out, ACT_SOFTRELU, 0.0, "Activation")


register(OpDef("Activation", _activation, infer=_activation_infer, elementwise=True,
               attrs=(Attr("act_type", "str", "relu", "Activation function.",
                           choices=("relu", "sigmoid", "tanh", "softrelu", "softsign")),),
               doc="Elementwise activation (relu, sigmoid, tanh, softrelu = log(1+exp(x)), softsign).\n\n"
                   ">>> mx.nd.Activation(mx.nd.array([-1, 2]), act_type='relu').asnumpy()\n"
                   "array([0., 2.], dtype=float32)"))


def _channel_shape(x, c):
    return (1, c) + (1,) * (x.ndim - 2) if x.ndim >= 2 else (c,)


_LEAKY_KINDS = {"leaky": ACT_LEAKY, "elu": ACT_ELU, "selu": ACT_SELU, "gelu": ACT_GELU}


def _leaky_infer(a, shapes, dtypes):
    op, ds = "LeakyReLU", shapes[0]
    t = a["act_type"]
    if t != "prelu":
        float_only(op, dtypes[0], ds)
    else:
        if not ds:
            raise MXNetValueError("Operator LeakyReLU: prelu needs data of at least one dimension (its channels), "
                                  "got shape ()")
        c = ds[1] if len(ds) >= 2 else ds[0]
        if shapes[1] is None:
            shapes[1] = (c,)
        elif prod(shapes[1]) not in (1, c):
            raise MXNetValueError("Operator LeakyReLU: prelu gamma has shape %s; expected (%d,) or (1,) for "
                                  "data %s" % (shapes[1], c, ds))
        fill_dtype(dtypes, 1, dtypes[0])
    if t == "rrelu":
        if a["lower_bound"] > a["upper_bound"]:
            raise MXNetValueError("Operator LeakyReLU: lower_bound %g > upper_bound %g"
                                  % (a["lower_bound"], a["upper_bound"]))
        return [ds, ds], [dtypes[0], dtypes[0]]
    return [ds], [dtypes[0]]


def _leaky(data, gamma, out, act_type="leaky", slope=0.25, lower_bound=0.125, upper_bound=0.334):
    kind = _LEAKY_KINDS.get(act_type)
    if kind is not None:
        _nn_act(data, out, kind, slope if act_type in ("leaky", "elu") else 0.0, "LeakyReLU")
    elif act_type == "prelu":
        if gamma is None:
            raise MXNetValueError("Operator LeakyReLU: act_type='prelu' needs gamma")
        g = _c.reshape(gamma, _channel_shape(data, gamma.size))
        _c.binary("add", F.relu(data), F.broadcast_mul(F.minimum(data, 0.0), g), out=out, opname="LeakyReLU")
    else:  # rrelu: [out, mask of the random slopes]
        y, mask = out
        if _c.is_training():
            if mask.size:
                _c.launch("random_uniform", [], [mask], _UNIFORM.pack(lower_bound, upper_bound), "LeakyReLU")
            F.where(data > 0, data, data * mask, out=y)
        else:
            _c.fill(mask, 0)
            _nn_act(data, y, ACT_LEAKY, (lower_bound + upper_bound) / 2.0, "LeakyReLU")


register(OpDef("LeakyReLU", _leaky, infer=_leaky_infer, inputs=("data", "gamma"), optional=("gamma",),
               infers_inputs=("gamma",), stateful=True,
               input_names=lambda a: ("data", "gamma") if a["act_type"] == "prelu" else ("data",),
               num_outputs=lambda a: 2 if a["act_type"] == "rrelu" else 1, elementwise=True,
               output_names=lambda a: ("output", "mask") if a["act_type"] == "rrelu" else ("output",),
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


def _dropout_infer(a, shapes, dtypes):
    p, ds = a["p"], shapes[0]
    if not 0.0 <= p <= 1.0:
        raise MXNetValueError("Operator Dropout: p must be in [0, 1], got %g" % p)
    for ax in a["axes"] or ():
        axis_index("Dropout", ax, len(ds))
    return [ds], [dtypes[0]]


def _dropout(data, out, p=0.5, mode="training", axes=(), cudnn_off=False):
    """Writes the output; returns the mask (None when inactive) for the rule."""
    axes = tuple(axes or ())
    if not ((mode == "always" or _c.is_training()) and p > 0):
        _c.copyto(out, data, "Dropout")
        return None
    float_only("Dropout", _c.dtype_name(_c.dtype_flag(data.dtype)), data.shape)
    mask = _c.empty(_mask_shape(data.shape, axes), data.dtype, data.context)
    if mask.size:
        _c.launch("random_uniform", [], [mask], _UNIFORM.pack(0.0, 1.0), "Dropout")
        if p >= 1.0:
            _c.fill(mask, 0)
        else:
            _c.binary("lesser", mask, 1.0 - p, out=mask, opname="Dropout")
            _c.binary("mul", mask, 1.0 / (1.0 - p), out=mask, opname="Dropout")
        _c.binary("mul", data, mask, out=out, opname="Dropout")
    return mask


register(OpDef("Dropout", _dropout, infer=_dropout_infer, saves=True, stateful=True, elementwise=True,
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

def _embedding_infer(a, shapes, dtypes):
    fill_input("Embedding", shapes, 1, (a["input_dim"], a["output_dim"]),
               "weight (input_dim, output_dim)")
    fill_dtype(dtypes, 1, a["dtype"])
    return [tuple(shapes[0]) + (a["output_dim"],)], [dtypes[1]]


def _embedding_type(a, dtypes):
    fill_dtype(dtypes, 1, a["dtype"])
    return [dtypes[1]]


def _embedding(data, weight, out, input_dim, output_dim, dtype="float32", sparse_grad=False):
    F.take(weight, data, axis=0, mode="clip", out=out)


register(OpDef("Embedding", _embedding, infer=_embedding_infer, infer_type=_embedding_type, inputs=("data", "weight"),
               infers_inputs=("weight",),
               attrs=(Attr("input_dim", "int", REQUIRED, "Vocabulary size."),
                      Attr("output_dim", "int", REQUIRED, "Embedding size."),
                      Attr("dtype", "dtype", "float32", "Type of the weight."),
                      Attr("sparse_grad", "bool", False,
                           "Accepted; the weight's gradient is dense (no row_sparse storage), with MXNet's "
                           "values.")),
               doc="Looks up rows of weight (out-of-range indices are clipped).\n\n"
                   ">>> mx.nd.Embedding(mx.nd.array([0, 2]), mx.nd.ones((3, 2)), input_dim=3, "
                   "output_dim=2).shape\n(2, 2)"))
