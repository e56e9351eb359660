"""Gradient checks: analytic gradients against finite differences.

``check_numeric_gradient`` takes either form:

- a **Symbol** and a location (MXNet's form): the executor's backward of
  ``sum(output * P)``, with P a fixed random projection (so every output
  element weighs differently), is compared with central differences
  ``(f(x + eps/2) - f(x - eps/2)) / eps`` of the same projected sum.
  dtype (default float32), step (by dtype) and tolerances (by dtype) follow
  MXNet 1.9.1.
- a **callable** of NDArrays: autograd's gradient of ``sum(fn(*inputs))``
  against central differences ``(f(x + eps) - f(x - eps)) / 2 eps`` in
  float64 (defaults: eps 1e-3, rtol 1e-2, atol 1e-4).

>>> import numpy as np, gluonx as mx
>>> x = mx.sym.var('x')
>>> check_numeric_gradient(mx.sym.sin(x), [np.array([0.5, 1.0])], dtype=np.float64)
>>> check_numeric_gradient(lambda a: mx.nd.exp(a), [np.array([0.5, 1.5])])
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

import numpy as np

from gluonx import autograd
from gluonx.base import MXNetNotImplementedError, MXNetTypeError, MXNetValueError
from gluonx.ndarray import NDArray, array

from gluonx.test_utils.compare import assert_almost_equal, default_dtype, default_numeric_eps, get_tolerance
from gluonx.test_utils.misc import default_context
from gluonx.test_utils.symbolic import _assign, _check_dtype, _is_symbol, _parse_aux_states, _parse_location

__all__ = ["numeric_grad", "check_numeric_gradient"]


def _executor_numeric_grad(executor, location: dict, aux_states: Optional[dict], eps: float,
                           use_forward_train: bool, dtype) -> dict:
    """Central differences of sum(executor.outputs[0]) for each float argument in `location`."""
    approx = {k: np.zeros(np.shape(v), dtype=dtype) for k, v in location.items()}
    for k, v in location.items():
        location[k] = np.array(v, order="C")
        _assign(executor.arg_dict[k], location[k].astype(dtype))

    def value() -> float:
        if aux_states is not None:
            for key, val in aux_states.items():
                _assign(executor.aux_dict[key], np.asarray(val))
        executor.forward(is_train=use_forward_train)
        return executor.outputs[0].asnumpy().astype(np.float64).sum()

    for k, v in location.items():
        if v.dtype.kind != "f":
            continue
        flat = v.reshape(-1)
        dst = executor.arg_dict[k]
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps / 2.0
            _assign(dst, v.astype(dtype))
            plus = value()
            flat[i] = old - eps / 2.0
            _assign(dst, v.astype(dtype))
            minus = value()
            approx[k].reshape(-1)[i] = (plus - minus) / eps
            flat[i] = old
        _assign(dst, v.astype(dtype))
    return approx


def _function_numeric_grad(f: Callable, inputs: Sequence[np.ndarray], eps: float) -> list:
    """Central differences (f(x + eps) - f(x - eps)) / 2 eps of the scalar f(*inputs)."""
    grads = []
    for x in inputs:
        g = np.zeros(np.shape(x), dtype=np.float64)
        flat = x.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            plus = float(np.sum(f(*inputs)))
            flat[i] = old - eps
            minus = float(np.sum(f(*inputs)))
            flat[i] = old
            g.reshape(-1)[i] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def numeric_grad(executor, location, aux_states=None, eps: float = 1e-4, use_forward_train: bool = True,
                 dtype=default_dtype()):
    """Finite-difference gradients.

    MXNet's form: `executor` is a bound Executor and `location` a dict
    {argument: NumPy array}; returns {argument: gradient of sum(outputs[0])}
    from central differences with step `eps`, restoring `aux_states` before
    every forward.  Also accepted: a function of NumPy arrays and a list of
    arrays, returning the list of gradients of ``sum(f(*arrays))``.

    >>> numeric_grad(lambda a: a ** 2, [np.array([3.0])], eps=1e-3)[0].round(6).tolist()
    [6.0]
    """
    if hasattr(executor, "arg_dict") and hasattr(executor, "forward"):
        _check_dtype(dtype, "numeric_grad", allow_asnumpy=False)
        if not isinstance(location, dict):
            raise MXNetTypeError("numeric_grad: location must be a dict {argument name: NumPy array} with an "
                                 "executor, got %s" % type(location).__name__)
        return _executor_numeric_grad(executor, location, aux_states, eps, use_forward_train, dtype)
    if callable(executor):
        return _function_numeric_grad(executor, list(location), eps)
    raise MXNetTypeError("numeric_grad: expected an Executor or a function, got %s" % type(executor).__name__)


def _grad_nodes(grad_nodes, names: list) -> dict:
    """{argument: grad_req} of the arguments to check."""
    if grad_nodes is None:
        reqs = {k: "write" for k in names}
    elif isinstance(grad_nodes, dict):
        reqs = dict(grad_nodes)
    elif isinstance(grad_nodes, (list, tuple)):
        reqs = {k: "write" for k in grad_nodes}
    else:
        raise MXNetTypeError("grad_nodes must be None, a list of argument names or a dict name -> grad_req, "
                             "got %s" % type(grad_nodes).__name__)
    unknown = [k for k in reqs if k not in names]
    if unknown:
        raise MXNetValueError("grad_nodes %s are not arguments of the symbol (%s)" % (unknown, names))
    return reqs


def _projected(sym, out_shapes: list, ctx, dtype):
    """sum_i output_i * P_i as one symbol, and the random projections P_i by variable name.

    P has no tiny elements (U[0.1, 1.1)): they would drown the finite differences in rounding."""
    from gluonx import symbol as _sym
    n = len(out_shapes)
    projections, total = {}, None
    for i, shape in enumerate(out_shapes):
        name = "__random_proj" if n == 1 else "__random_proj%d" % i
        projections[name] = array(np.random.rand(*shape) + 0.1, ctx=ctx, dtype=dtype)
        if n == 1:
            return sym * _sym.var(name), projections
        term = _sym.sum(sym[i] * _sym.var(name))      # several outputs: one scalar sum of all projections
        total = term if total is None else total + term
    return total, projections


def _check_symbol_gradient(sym, location, aux_states, numeric_eps, rtol, atol, grad_nodes, use_forward_train,
                           ctx, grad_stype_dict, dtype) -> None:
    dtype = default_dtype() if dtype is None else dtype
    _check_dtype(dtype, "check_numeric_gradient", allow_asnumpy=False)
    if grad_stype_dict and any(v != "default" for v in grad_stype_dict.values()):
        raise MXNetNotImplementedError("check_numeric_gradient: gradient storage types %s need sparse storage, "
                                       "which gluonx does not have" % grad_stype_dict)
    ctx = ctx or default_context()
    names = sym.list_arguments()
    location = _parse_location(sym, location, ctx, dtype)
    location_npy = {k: v.asnumpy() for k, v in location.items()}
    aux = _parse_aux_states(sym, aux_states, ctx, dtype)
    aux_npy = None if aux is None else {k: v.asnumpy() for k, v in aux.items()}
    reqs = _grad_nodes(grad_nodes, names)
    _, out_shapes, _ = sym.infer_shape(**{k: v.shape for k, v in location.items()})
    if out_shapes is None:
        raise MXNetValueError("check_numeric_gradient: cannot infer the output shapes from %s"
                              % {k: v.shape for k, v in location.items()})
    loss, projections = _projected(sym, out_shapes, ctx, dtype)
    initial = {k: np.random.normal(0, 0.01, size=location[k].shape) for k in reqs}
    buffers = {k: array(v, ctx=ctx, dtype=location[k].dtype) for k, v in initial.items()}
    args = dict(location, **projections)
    executor = loss.bind(ctx, args=args, args_grad=buffers,
                         grad_req={k: reqs.get(k, "null") for k in loss.list_arguments()},
                         aux_states=None if aux is None else {k: v.copy() for k, v in aux.items()})
    executor.forward(is_train=True)
    eps = get_tolerance(executor.outputs[0], numeric_eps, default_numeric_eps())
    if np.dtype(dtype) in (np.dtype(np.float32), np.dtype(np.float16)) and eps < 1e-5:
        raise MXNetValueError("check_numeric_gradient: numeric_eps=%g is too small for %s finite differences "
                              "(use >= 1e-5, or dtype=np.float64)" % (eps, np.dtype(dtype).name))
    executor.backward()
    # finite differences on a second executor over copies: the caller's arrays stay untouched
    probe = loss.bind(ctx, args={k: v.copy() for k, v in args.items()}, grad_req="null",
                      aux_states=None if aux is None else {k: v.copy() for k, v in aux.items()})
    numeric = numeric_grad(probe, location_npy, aux_npy, eps=eps, use_forward_train=use_forward_train, dtype=dtype)
    for name, req in reqs.items():
        labels = ("NUMERICAL_%s" % name, "BACKWARD_%s" % name)
        got = buffers[name]
        if req == "write":
            assert_almost_equal(numeric[name], got, rtol, atol, labels)
        elif req == "add":
            assert_almost_equal(numeric[name], got.asnumpy() - initial[name], rtol, atol, labels)
        elif req == "null":
            assert_almost_equal(initial[name], got, rtol, atol, labels)
        else:
            raise MXNetValueError("Invalid grad_req %r for argument %s" % (req, name))


def _check_function_gradient(fn: Callable, location, numeric_eps, rtol, atol, grad_nodes, use_forward_train,
                             ctx, dtype) -> None:
    if isinstance(location, dict):
        names = list(location)
        values = [location[n] for n in names]
    else:
        values = list(location)
        names = ["arg%d" % i for i in range(len(values))]
    dtype = np.float64 if dtype is None else dtype
    eps = 1e-3 if numeric_eps is None else numeric_eps
    rtol = 1e-2 if rtol is None else rtol
    atol = 1e-4 if atol is None else atol
    ctx = ctx or default_context()
    base = [(v.asnumpy() if isinstance(v, NDArray) else np.asarray(v)).astype(dtype) for v in values]
    xs = [array(b, ctx=ctx, dtype=dtype) for b in base]
    for x in xs:
        x.attach_grad()
    with autograd.record(train_mode=use_forward_train):
        y = fn(*xs)
        outs = y if isinstance(y, (list, tuple)) else [y]
        total = None
        for o in outs:
            s = o.sum()
            total = s if total is None else total + s
    total.backward()
    analytic = [x.grad.asnumpy() for x in xs]

    def f_np(*arrs):
        with autograd.pause(train_mode=use_forward_train):
            r = fn(*[array(a, ctx=ctx, dtype=dtype) for a in arrs])
        rs = r if isinstance(r, (list, tuple)) else [r]
        return sum(float(o.asnumpy().astype(np.float64).sum()) for o in rs)

    numeric = _function_numeric_grad(f_np, [b.copy() for b in base], eps)
    wanted = set(grad_nodes) if grad_nodes is not None else None
    for name, a, n in zip(names, analytic, numeric):
        if wanted is not None and name not in wanted:
            continue
        assert_almost_equal(a, n, rtol=rtol, atol=atol,
                            names=("analytic gradient of %s" % name, "numeric gradient of %s" % name))


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps: Optional[float] = None,
                           rtol: Optional[float] = None, atol: Optional[float] = None, grad_nodes=None,
                           use_forward_train: bool = True, ctx=None, grad_stype_dict=None, dtype=None) -> None:
    """Raises AssertionError when the analytic gradient differs from finite differences.

    `sym`: a Symbol (location: a list in ``sym.list_arguments()`` order or a
    dict by name, every argument given; `aux_states` likewise; `grad_nodes`:
    names to check, or a dict name -> grad_req 'write'/'add'/'null'; dtype
    float32 unless given, `numeric_eps` and tolerances by dtype when None) or
    a function of NDArrays (location: a list or dict of arrays; float64,
    eps 1e-3, rtol 1e-2, atol 1e-4 unless given).  See the module docstring.
    """
    if _is_symbol(sym):
        _check_symbol_gradient(sym, location, aux_states, numeric_eps, rtol, atol, grad_nodes, use_forward_train,
                               ctx, grad_stype_dict, dtype)
    elif callable(sym):
        _check_function_gradient(sym, location, numeric_eps, rtol, atol, grad_nodes, use_forward_train, ctx, dtype)
    else:
        raise MXNetTypeError("check_numeric_gradient: expected a Symbol or a function of NDArrays, got %s"
                             % type(sym).__name__)
