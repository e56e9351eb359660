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

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, REQUIRED, register
from gluonx.ops.shape_rules import fill_dtype, prod

# gx_optim_attrs (include/gluonx/attrs.h)
_ATTRS = struct.Struct("=17dii")
_FIELDS = ("lr", "wd", "rescale_grad", "clip_gradient", "momentum", "beta1", "beta2", "epsilon",
           "gamma1", "gamma2", "clip_weights", "lamda1", "beta", "wd_lh", "t", "lower_bound",
           "upper_bound")
_OFF = {"clip_gradient": -1.0, "clip_weights": -1.0, "lower_bound": -1.0, "upper_bound": -1.0}
_FLOATS = ("float16", "float32", "float64")


def _pack(values):
    if "clip_grad" in values:
        values = dict(values, clip_gradient=values["clip_grad"])
    v = [float(values.get(f, _OFF.get(f, 0.0))) for f in _FIELDS]
    return _ATTRS.pack(*v, int(bool(values.get("bias_correction", True))), 0)


def _update_infer(name, inputs, mp=False, n_extra=0):
    """The rule of an update op on `inputs` = (weight, grad, *states, *extra):
    the new weight has the weight's shape and dtype.  grad and the states take
    the weight's shape (MXNet infers them; the states are its auxiliary
    states) and the states are float32 for the multi-precision ops, else the
    weight's dtype.  The `n_extra` last inputs (LAMB phase 2's r1, r2) hold one
    element each."""
    states = inputs[2:len(inputs) - n_extra]

    def rule(a, shapes, dtypes):
        for k, v in a.items():
            if v is None:
                raise MXNetTypeError("Operator %s: missing required attribute '%s'" % (name, k))
        wdt = dtypes[0]
        if wdt not in _FLOATS:
            raise MXNetTypeError("Operator %s: weight must be float16/32/64, got %s" % (name, wdt))
        shape = tuple(shapes[0])
        for i in range(1, 2 + len(states)):
            if shapes[i] is None:
                shapes[i] = shape
            elif tuple(shapes[i]) != shape:
                raise MXNetValueError("Operator %s: %s has shape %s, expected the weight's shape %s"
                                      % (name, inputs[i], tuple(shapes[i]), shape))
        fill_dtype(dtypes, 1, wdt)  # a grad of another dtype is cast
        want = "float32" if mp else wdt
        for i in range(2, 2 + len(states)):
            fill_dtype(dtypes, i, want)
            if dtypes[i] != want:
                raise MXNetTypeError("Operator %s: %s has dtype %s, expected %s"
                                     % (name, inputs[i], dtypes[i], want))
        for i in range(2 + len(states), len(inputs)):
            if prod(shapes[i]) != 1:
                raise MXNetValueError("Operator %s: %s must have one element, got shape %s"
                                      % (name, inputs[i], tuple(shapes[i])))
        return [shape], [wdt]
    return rule


def _run(kernel, weight, grad, states, out, values, extra_inputs=()):
    """Launches `kernel` on (weight, grad[, extra]) -> (out, *states)."""
    g = grad if grad.dtype == weight.dtype else _c.astype(grad, weight.dtype)
    sts = [_c.contiguous(a) for a in states]
    if weight.size:
        _c.launch(kernel, [_c.contiguous(weight), _c.contiguous(g)] + list(extra_inputs), [out] + sts,
                  _pack(values), kernel)
    for a, s in zip(states, sts):
        if s is not a:  # a non-contiguous state was updated in a copy
            _c.copyto(a, s)


def _f(name, default=REQUIRED, doc=""):
    return Attr(name, "float", default, doc)


_LR = _f("lr", REQUIRED, "Learning rate.")
_WD = _f("wd", 0.0, "Weight decay.")
_RG = _f("rescale_grad", 1.0, "Gradient scale.")
_CG = _f("clip_gradient", -1.0, "Clip gradients to [-c, c] (< 0: off).")
_MOM = _f("momentum", 0.0, "Momentum.")
_LAZY = Attr("lazy_update", "bool", True, "Ignored (dense arrays).")


def _def(name, kernel_inputs, attrs, doc, mp=False):
    states = kernel_inputs[2:]

    def compute(weight, grad, *st, out, **values):
        _run(name, weight, grad, st, out, values)

    # MXNet infers grad and the states from the weight; the states (mutated
    # inputs) are its auxiliary states
    register(OpDef(name, compute, infer=_update_infer(name, kernel_inputs, mp), inputs=kernel_inputs,
                   attrs=attrs, infers_inputs=kernel_inputs[1:], aux=states, differentiable=False, doc=doc))


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


def _lamb2(weight, g, r1, r2, out, lr=None, lower_bound=-1.0, upper_bound=-1.0):
    r1 = _c.contiguous(r1 if r1.dtype == weight.dtype else _c.astype(r1, weight.dtype))
    r2 = _c.contiguous(r2 if r2.dtype == weight.dtype else _c.astype(r2, weight.dtype))
    _run("lamb_update_phase2", weight, g, (), out,
         dict(lr=lr, lower_bound=lower_bound, upper_bound=upper_bound), extra_inputs=(r1, r2))


register(OpDef("lamb_update_phase2", _lamb2, inputs=("weight", "g", "r1", "r2"),
               infer=_update_infer("lamb_update_phase2", ("weight", "g", "r1", "r2"), n_extra=2),
               attrs=(_LR, _f("lower_bound", -1.0), _f("upper_bound", -1.0)), differentiable=False,
               doc="LAMB phase 2: weight -= lr * (r1/r2) * g, with r1 clipped to\n"
                   "[lower_bound, upper_bound] (ratio 1 when r1 or r2 is 0).\n\n"
                   ">>> _ = mx.nd.lamb_update_phase2(w, gdir, w.norm(), gdir.norm(), lr=0.01, out=w)"))
