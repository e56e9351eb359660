"""Fused optimizer updates (MXNet's ``sgd_update``, ``adam_update``, ...).

Each op is one C kernel over the weight, the gradient and the optimizer
states.  States (momentum, mean, var, ...) are updated in place; the new
weight goes to ``out`` (pass ``out=weight`` for the usual in-place update,
as the optimizers do).  The ops are not differentiable and never recorded.

>>> import gluonx as mx
>>> w = mx.nd.array([1.0, 2.0]); g = mx.nd.array([0.5, -0.5])
>>> _ = mx.nd.sgd_update(w, g, lr=0.1, out=w)
>>> w.asnumpy().tolist()
[0.949999988079071, 2.049999952316284]
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, REQUIRED, register

# gx_optim_attrs (include/gluonx/attrs.h)
_ATTRS = struct.Struct("=17dii")
_FIELDS = ("lr", "wd", "rescale_grad", "clip_gradient", "momentum", "beta1", "beta2", "epsilon",
           "gamma1", "gamma2", "clip_weights", "lamda1", "beta", "wd_lh", "t", "lower_bound",
           "upper_bound")
_OFF = {"clip_gradient": -1.0, "clip_weights": -1.0, "lower_bound": -1.0, "upper_bound": -1.0}
_FLOATS = (np.float16, np.float32, np.float64)


def _pack(values):
    if "clip_grad" in values:
        values = dict(values, clip_gradient=values["clip_grad"])
    v = [float(values.get(f, _OFF.get(f, 0.0))) for f in _FIELDS]
    return _ATTRS.pack(*v, int(bool(values.get("bias_correction", True))), 0)


def _run(kernel, weight, grad, states, out, values, mp=False, extra_inputs=()):
    """Launches `kernel` on (weight, grad[, extra]) -> (out, *states)."""
    op = kernel
    if weight.dtype not in _FLOATS:
        raise MXNetTypeError("Operator %s: weight must be float16/32/64, got %s"
                             % (op, np.dtype(weight.dtype).name))
    shape = tuple(weight.shape)
    for name, a in (("grad", grad),) + tuple(states):
        if not isinstance(a, _c.NDArray):
            raise MXNetTypeError("Operator %s: %s must be an NDArray, got %s"
                                 % (op, name, type(a).__name__))
        if tuple(a.shape) != shape:
            raise MXNetValueError("Operator %s: %s has shape %s, expected the weight's shape %s"
                                  % (op, name, a.shape, shape))
    for i, (name, a) in enumerate(states):
        want = np.float32 if mp else weight.dtype
        if a.dtype != want:
            raise MXNetTypeError("Operator %s: %s has dtype %s, expected %s"
                                 % (op, name, np.dtype(a.dtype).name, np.dtype(want).name))
    if out is not None and tuple(out.shape) != shape:
        raise MXNetValueError("Operator %s: out has shape %s, expected %s" % (op, out.shape, shape))
    w = _c.contiguous(weight)
    g = grad if grad.dtype == weight.dtype else _c.astype(grad, weight.dtype)
    g = _c.contiguous(g)
    sts = [_c.contiguous(a) for _, a in states]
    if out is not None and out.is_contiguous and out.dtype == weight.dtype:
        dst = out
    else:
        dst = _c.empty(shape, weight.dtype, weight.context)
    if weight.size:
        _c.launch(kernel, [w, g] + list(extra_inputs), [dst] + sts, _pack(values), op)
    for (_, a), s in zip(states, sts):
        if s is not a:
            _c.copyto(a, s)
    if out is not None and dst is not out:
        _c.copyto(out, dst)
        return out
    return dst


def _f(name, default=REQUIRED, doc=""):
    return Attr(name, "float", default, doc)


_LR = _f("lr", REQUIRED, "Learning rate.")
_WD = _f("wd", 0.0, "Weight decay.")
_RG = _f("rescale_grad", 1.0, "Gradient scale.")
_CG = _f("clip_gradient", -1.0, "Clip gradients to [-c, c] (< 0: off).")
_MOM = _f("momentum", 0.0, "Momentum.")
_LAZY = Attr("lazy_update", "bool", True, "Ignored (dense arrays).")


def _def(name, kernel_inputs, attrs, doc, mp=False, differentiable=False):
    states = kernel_inputs[2:]

    def compute(weight, grad, *st, out=None, **values):
        for k, v in values.items():
            if v is None:
                raise MXNetTypeError("Operator %s: missing required attribute '%s'" % (name, k))
        return _run(name, weight, grad, list(zip(states, st)), out, values, mp=mp)

    register(OpDef(name, compute, inputs=kernel_inputs, attrs=attrs, differentiable=differentiable,
                   doc=doc))


_def("sgd_update", ("weight", "grad"), (_LR, _WD, _RG, _CG, _LAZY),
     "SGD step: weight = (1 - lr*wd)*weight - lr*clip(rescale_grad*grad).\n\n"
     ">>> _ = mx.nd.sgd_update(w, g, lr=0.1, out=w)")
_def("sgd_mom_update", ("weight", "grad", "mom"), (_LR, _MOM, _WD, _RG, _CG, _LAZY),
     "SGD with momentum: mom = momentum*mom - lr*wd*weight - lr*clip(rescale_grad*grad);\n"
     "weight += mom.\n\n>>> _ = mx.nd.sgd_mom_update(w, g, mom, lr=0.1, momentum=0.9, out=w)")
_def("mp_sgd_update", ("weight", "grad", "weight32"), (_LR, _WD, _RG, _CG, _LAZY),
     "Multi-precision SGD: updates the float32 master copy weight32 and writes it, cast,\n"
     "to out.\n\n>>> _ = mx.nd.mp_sgd_update(w16, g16, w32, lr=0.1, out=w16)", mp=True)
_def("mp_sgd_mom_update", ("weight", "grad", "mom", "weight32"),
     (_LR, _MOM, _WD, _RG, _CG, _LAZY),
     "Multi-precision SGD with momentum (float32 mom and weight32).\n\n"
     ">>> _ = mx.nd.mp_sgd_mom_update(w16, g16, mom32, w32, lr=0.1, momentum=0.9, out=w16)",
     mp=True)
_def("nag_mom_update", ("weight", "grad", "mom"), (_LR, _MOM, _WD, _RG, _CG),
     "Nesterov momentum: g' = clip(rescale_grad*grad) + wd*weight; mom = momentum*mom + g';\n"
     "weight -= lr*(momentum*mom + g').\n\n"
     ">>> _ = mx.nd.nag_mom_update(w, g, mom, lr=0.1, momentum=0.9, out=w)")
_def("mp_nag_mom_update", ("weight", "grad", "mom", "weight32"), (_LR, _MOM, _WD, _RG, _CG),
     "Multi-precision Nesterov momentum update.\n\n"
     ">>> _ = mx.nd.mp_nag_mom_update(w16, g16, mom32, w32, lr=0.1, momentum=0.9, out=w16)",
     mp=True)
_def("adam_update", ("weight", "grad", "mean", "var"),
     (_LR, _f("beta1", 0.9), _f("beta2", 0.999), _f("epsilon", 1e-8), _WD, _RG, _CG, _LAZY),
     "Adam step (bias correction is folded into lr by the optimizer):\n"
     "g' = clip(rescale_grad*grad + wd*weight); mean = b1*mean + (1-b1)*g';\n"
     "var = b2*var + (1-b2)*g'^2; weight -= lr*mean/(sqrt(var) + epsilon).\n\n"
     ">>> _ = mx.nd.adam_update(w, g, mean, var, lr=0.001, out=w)")
_def("rmsprop_update", ("weight", "grad", "n"),
     (_LR, _f("gamma1", 0.95), _f("epsilon", 1e-8), _WD, _RG, _CG, _f("clip_weights", -1.0)),
     "RMSProp: n = (1-gamma1)*g'^2 + gamma1*n; weight -= lr*g'/sqrt(n + epsilon).\n\n"
     ">>> _ = mx.nd.rmsprop_update(w, g, n, lr=0.001, out=w)")
_def("rmspropalex_update", ("weight", "grad", "n", "g", "delta"),
     (_LR, _f("gamma1", 0.95), _f("gamma2", 0.9), _f("epsilon", 1e-8), _WD, _RG, _CG,
      _f("clip_weights", -1.0)),
     "Centered RMSProp (Graves): delta = gamma2*delta - lr*g'/sqrt(n - g^2 + epsilon);\n"
     "weight += delta.\n\n>>> _ = mx.nd.rmspropalex_update(w, g, n, gs, delta, lr=0.001, out=w)")
_def("ftrl_update", ("weight", "grad", "z", "n"),
     (_LR, _f("lamda1", 0.01), _f("beta", 1.0), _WD, _RG, _CG),
     "FTRL-proximal update of z, n and the weight.\n\n"
     ">>> _ = mx.nd.ftrl_update(w, g, z, n, lr=0.1, out=w)")
_def("ftml_update", ("weight", "grad", "d", "v", "z"),
     (_LR, _f("beta1", 0.6), _f("beta2", 0.999), _f("epsilon", 1e-8), Attr("t", "int", None, "The 1-based update count (required)."), _WD, _RG,
      _f("clip_grad", -1.0)),
     "FTML update (Zheng & Kwok 2017); t is the 1-based step.\n\n"
     ">>> _ = mx.nd.ftml_update(w, g, d, v, z, lr=0.1, t=1, out=w)")
_def("signsgd_update", ("weight", "grad"), (_LR, _WD, _RG, _CG),
     "signSGD: weight = (1 - lr*wd)*weight - lr*sign(grad).\n\n"
     ">>> _ = mx.nd.signsgd_update(w, g, lr=0.1, out=w)")
_def("signum_update", ("weight", "grad", "mom"), (_LR, _MOM, _WD, _RG, _CG, _f("wd_lh", 0.0)),
     "Signum: mom = momentum*mom - (1-momentum)*(wd*weight + clip(rescale_grad*grad));\n"
     "weight = (1 - lr*wd_lh)*weight + lr*sign(mom).\n\n"
     ">>> _ = mx.nd.signum_update(w, g, mom, lr=0.1, momentum=0.9, out=w)")
_def("lamb_update_phase1", ("weight", "grad", "mean", "var"),
     (_f("beta1", 0.9), _f("beta2", 0.999), _f("epsilon", 1e-6), Attr("t", "int", None, "The 1-based update count (required)."),
      Attr("bias_correction", "bool", True), _f("wd", None, "Weight decay (required)."), _RG, _CG),
     "LAMB phase 1: updates mean and var and returns the direction g.\n\n"
     ">>> gdir = mx.nd.lamb_update_phase1(w, g, mean, var, t=1, wd=0.0)")


def _lamb2(weight, g, r1, r2, out=None, lr=None, lower_bound=-1.0, upper_bound=-1.0):
    for name, r in (("r1", r1), ("r2", r2)):
        if r.size != 1:
            raise MXNetValueError("Operator lamb_update_phase2: %s must have one element, got shape %s"
                                  % (name, r.shape))
    r1 = _c.contiguous(r1 if r1.dtype == weight.dtype else _c.astype(r1, weight.dtype))
    r2 = _c.contiguous(r2 if r2.dtype == weight.dtype else _c.astype(r2, weight.dtype))
    return _run("lamb_update_phase2", weight, g, [], out,
                dict(lr=lr, lower_bound=lower_bound, upper_bound=upper_bound),
                extra_inputs=(r1, r2))


register(OpDef("lamb_update_phase2", _lamb2, inputs=("weight", "g", "r1", "r2"),
               attrs=(_LR, _f("lower_bound", -1.0), _f("upper_bound", -1.0)), differentiable=False,
               doc="LAMB phase 2: weight -= lr * (r1/r2) * g, with r1 clipped to\n"
                   "[lower_bound, upper_bound] (ratio 1 when r1 or r2 is 0).\n\n"
                   ">>> _ = mx.nd.lamb_update_phase2(w, gdir, w.norm(), gdir.norm(), lr=0.01, out=w)"))
