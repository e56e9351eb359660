"""Checks of Symbols run through the executor (``bind``/``simple_bind``):
forward and backward against expected values, speed, and consistency of one
graph over several contexts and dtypes.

A *location* gives a value to each argument of the symbol: a list in
``sym.list_arguments()`` order or a dict by name (NumPy arrays or
NDArrays); NumPy arrays become NDArrays of `dtype` (``"asnumpy"`` keeps
each array's own dtype).

>>> import numpy as np, gluonx as mx
>>> a, b = mx.sym.var('a'), mx.sym.var('b')
>>> _ = check_symbolic_forward(mx.sym.dot(a, b), [np.eye(2), np.ones((2, 2))], [np.ones((2, 2))])
>>> _ = check_symbolic_backward(a * b, [np.ones(2), np.full(2, 3.)], [np.ones(2)], [np.full(2, 3.), np.ones(2)])
"""
from __future__ import annotations

import json
import time
import traceback
from collections import OrderedDict
from typing import Optional

import numpy as np

from gluonx.base import MXNetNotImplementedError, MXNetTypeError, MXNetValueError
from gluonx.ndarray import NDArray, array

from gluonx.test_utils.compare import assert_almost_equal, default_dtype, get_tols
from gluonx.test_utils.misc import default_context

__all__ = ["simple_forward", "check_symbolic_forward", "check_symbolic_backward", "check_speed",
           "check_consistency", "same_symbol_structure"]

_FLOATS = (np.float16, np.float32, np.float64)


def _check_dtype(dtype, fn: str, allow_asnumpy: bool = True) -> None:
    ok = (allow_asnumpy and isinstance(dtype, str) and dtype == "asnumpy") or \
        (not isinstance(dtype, str) and any(np.dtype(dtype) == np.dtype(f) for f in _FLOATS))
    if not ok:
        raise MXNetValueError("%s: dtype must be %snp.float16, np.float32 or np.float64, got %r"
                              % (fn, "'asnumpy', " if allow_asnumpy else "", dtype))


def _to_nd(value, ctx, dtype) -> NDArray:
    if isinstance(value, NDArray):
        return value
    value = np.asarray(value)
    return array(value, ctx=ctx, dtype=value.dtype if isinstance(dtype, str) else dtype)


def _is_symbol(obj) -> bool:
    from gluonx.symbol import Symbol
    return isinstance(obj, Symbol)


def _parse_location(sym, location, ctx, dtype=default_dtype()) -> "OrderedDict[str, NDArray]":
    """{argument name: NDArray}, sorted by name, from a list (argument order) or a dict."""
    names = sym.list_arguments()
    if isinstance(location, dict):
        if set(location) != set(names):
            raise MXNetValueError("Symbol arguments and keys of the given location do not match: symbol "
                                  "arguments %s, location keys %s" % (sorted(names), sorted(location)))
    elif isinstance(location, (list, tuple)):
        if len(location) != len(names):
            raise MXNetValueError("location has %d values for the %d arguments %s"
                                  % (len(location), len(names), names))
        location = dict(zip(names, location))
    else:
        raise MXNetTypeError("location must be a list, tuple or dict of arrays, got %s" % type(location).__name__)
    return OrderedDict(sorted((k, _to_nd(v, ctx, dtype)) for k, v in location.items()))


def _parse_aux_states(sym, aux_states, ctx, dtype=default_dtype()) -> Optional[dict]:
    """{auxiliary state name: NDArray} from a list (declaration order) or a dict, or None."""
    if aux_states is None:
        return None
    names = sym.list_auxiliary_states()
    if isinstance(aux_states, dict):
        if set(aux_states) != set(names):
            raise MXNetValueError("Symbol aux_states names and given aux_states do not match: symbol auxiliary "
                                  "states %s, given %s" % (sorted(names), sorted(aux_states)))
    elif isinstance(aux_states, (list, tuple)):
        if len(aux_states) != len(names):
            raise MXNetValueError("%d aux_states given for the auxiliary states %s" % (len(aux_states), names))
        aux_states = dict(zip(names, aux_states))
    else:
        raise MXNetTypeError("aux_states must be a list, tuple or dict of arrays, got %s"
                             % type(aux_states).__name__)
    return {k: _to_nd(v, ctx, dtype) for k, v in aux_states.items()}


def _assign(dst: NDArray, value) -> None:
    """dst[...] = value for any rank (a 0-d array has no ':' slice)."""
    if dst.ndim == 0:
        dst[()] = value
    else:
        dst[:] = value


def simple_forward(sym, ctx=None, is_train: bool = False, **inputs):
    """Runs `sym` once on NumPy inputs given by argument name; returns NumPy output(s)
    (one array, or a list for several outputs).

    >>> import gluonx as mx
    >>> simple_forward(mx.sym.var('x') * 2, x=np.array([1., 2.])).tolist()
    [2.0, 4.0]
    """
    ctx = ctx or default_context()
    args = {k: _to_nd(v, ctx, default_dtype()) for k, v in inputs.items()}
    exe = sym.bind(ctx, args=args)
    exe.forward(is_train=is_train)
    outputs = [o.asnumpy() for o in exe.outputs]
    return outputs[0] if len(outputs) == 1 else outputs


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None, aux_states=None, ctx=None,
                           equal_nan: bool = False, dtype=default_dtype()) -> list:
    """Runs `sym` (inference mode) at `location` and asserts its outputs equal `expected`
    (a list in output order, or a dict by output name).  Returns the outputs.

    Tolerances: :func:`assert_almost_equal`'s (None: by dtype).
    """
    _check_dtype(dtype, "check_symbolic_forward")
    ctx = ctx or default_context()
    location = _parse_location(sym, location, ctx, dtype)
    aux_states = _parse_aux_states(sym, aux_states, ctx, dtype)
    outputs_names = sym.list_outputs()
    if isinstance(expected, dict):
        missing = [k for k in outputs_names if k not in expected]
        if missing:
            raise MXNetValueError("check_symbolic_forward: expected has no values for the outputs %s" % missing)
        expected = [expected[k] for k in outputs_names]
    if len(expected) != len(outputs_names):
        raise MXNetValueError("check_symbolic_forward: %d expected values for the %d outputs %s"
                              % (len(expected), len(outputs_names), outputs_names))
    executor = sym.bind(ctx=ctx, args=location, aux_states=aux_states, grad_req="null")
    outputs = executor.forward(is_train=False)
    for name, want, got in zip(outputs_names, expected, outputs):
        assert_almost_equal(want, got, rtol, atol, ("EXPECTED_%s" % name, "FORWARD_%s" % name), equal_nan=equal_nan)
    return outputs


def _grad_reqs(grad_req, names: list) -> dict:
    if isinstance(grad_req, str):
        return {k: grad_req for k in names}
    if isinstance(grad_req, (list, tuple)):
        return dict(zip(names, grad_req))
    if isinstance(grad_req, dict):
        return dict(grad_req)
    raise MXNetTypeError("grad_req must be a str, list or dict, got %s" % type(grad_req).__name__)


def _head_grads(out_grads, ctx, dtype):
    if out_grads is None:
        return None
    if isinstance(out_grads, (NDArray, np.ndarray)):
        out_grads = [out_grads]
    return [_to_nd(g, ctx, dtype) for g in out_grads]


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None, aux_states=None,
                            grad_req="write", ctx=None, grad_stypes=None, equal_nan: bool = False,
                            dtype=default_dtype()) -> dict:
    """Runs forward (training mode) and backward with head gradients `out_grads` and asserts the
    argument gradients equal `expected` (a list in argument order, or a dict by name: only those
    arguments are checked).  ``grad_req`` per argument: 'write', 'add' (the gradient is added to
    a random initial buffer) or 'null' (the buffer must stay untouched).  Returns the gradient
    buffers by name.
    """
    _check_dtype(dtype, "check_symbolic_backward")
    ctx = ctx or default_context()
    if grad_stypes and any(s not in (None, "default") for s in grad_stypes.values()):
        raise MXNetNotImplementedError("check_symbolic_backward: gradient storage types %s need sparse storage, "
                                       "which gluonx does not have" % grad_stypes)
    names = sym.list_arguments()
    location = _parse_location(sym, location, ctx, dtype)
    aux_states = _parse_aux_states(sym, aux_states, ctx, dtype)
    if isinstance(expected, (list, tuple)):
        expected = dict(zip(names, expected))
    unknown = [k for k in expected if k not in names]
    if unknown:
        raise MXNetValueError("check_symbolic_backward: %s are not arguments of the symbol (%s)" % (unknown, names))
    # start every buffer from known random values, so 'add' and 'null' are checked for real
    initial = {k: np.random.normal(size=np.shape(v)) for k, v in sorted(expected.items())}
    buffers = {}
    for k, v in initial.items():
        want_dtype = np.asarray(expected[k]).dtype if isinstance(dtype, str) else dtype
        buffers[k] = array(v, ctx=ctx, dtype=want_dtype)
    reqs = _grad_reqs(grad_req, names)
    reqs = {k: (reqs.get(k, "null") if k in buffers else "null") for k in names}
    executor = sym.bind(ctx=ctx, args=location, args_grad=buffers, aux_states=aux_states, grad_req=reqs)
    executor.forward(is_train=True)
    if isinstance(out_grads, dict):
        missing = [k for k in sym.list_outputs() if k not in out_grads]
        if missing:
            raise MXNetValueError("check_symbolic_backward: out_grads has no head gradients for the outputs %s "
                                  "(given: %s)" % (missing, sorted(out_grads)))
        out_grads = [out_grads[k] for k in sym.list_outputs()]
    heads = _head_grads(out_grads, ctx, dtype)
    if heads is not None:
        n_out = len(sym.list_outputs())
        if len(heads) < n_out:
            raise MXNetValueError("check_symbolic_backward: %d head gradients for the %d outputs %s"
                                  % (len(heads), n_out, sym.list_outputs()))
        heads = heads[:n_out]        # MXNet's executor ignores extra head gradients; tests rely on it
    if any(r != "null" for r in reqs.values()):   # all 'null': nothing to compute, buffers stay as they are
        executor.backward(heads)
    for name in expected:
        req = reqs[name]
        labels = ("EXPECTED_%s" % name, "BACKWARD_%s" % name)
        if req == "write":
            assert_almost_equal(expected[name], buffers[name], rtol, atol, labels, equal_nan=equal_nan)
        elif req == "add":
            assert_almost_equal(expected[name], buffers[name].asnumpy() - initial[name], rtol, atol, labels,
                                equal_nan=equal_nan)
        elif req == "null":
            assert_almost_equal(initial[name], buffers[name], rtol, atol, labels, equal_nan=equal_nan)
        else:
            raise MXNetValueError("Invalid grad_req %r for argument %s" % (req, name))
    return buffers


def check_speed(sym, location=None, ctx=None, N: int = 20, grad_req=None, typ: str = "whole", **kwargs) -> float:
    """Seconds per run of `sym`: forward + backward (``typ='whole'``) or forward only
    (``typ='forward'``), averaged over `N` runs after one warm-up.  `location`: a dict of NumPy
    inputs, or None for random normal inputs of the shapes given as keyword arguments.
    """
    if typ not in ("whole", "forward"):
        raise MXNetValueError('typ can only be "whole" or "forward", got %r' % (typ,))
    ctx = ctx or default_context()
    grad_req = "write" if grad_req is None else grad_req
    if location is None:
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx, **kwargs)
        location = {k: np.random.normal(size=a.shape, scale=1.0) for k, a in exe.arg_dict.items()}
    else:
        if not isinstance(location, dict):
            raise MXNetTypeError('check_speed: expect a dict as "location", got %s' % type(location).__name__)
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx, **{k: v.shape for k, v in location.items()})
    for name, value in location.items():
        _assign(exe.arg_dict[name], np.asarray(value).astype(exe.arg_dict[name].dtype))
    train = typ == "whole"

    def once():
        exe.forward(is_train=train)
        if train:
            exe.backward(out_grads=exe.outputs)
    once()
    for o in exe.outputs:
        o.wait_to_read()
    tic = time.perf_counter()
    for _ in range(N):
        once()
    for o in exe.outputs:
        o.wait_to_read()
    return (time.perf_counter() - tic) / N


def _lower_precision(dt1, dt2):
    """The less precise of two dtypes (dt1 when dt2 is None)."""
    return dt1 if dt2 is None or np.dtype(dt1).itemsize < np.dtype(dt2).itemsize else dt2


def _compare_or_report(arr, gt, rtol, atol, equal_nan, raise_on_err, what: str) -> None:
    try:
        assert_almost_equal(arr, gt, rtol=rtol, atol=atol, equal_nan=equal_nan)
    except AssertionError as e:
        print(what)
        traceback.print_exc()
        if raise_on_err:
            raise
        print(str(e))


def check_consistency(sym, ctx_list: list, scale: float = 1.0, grad_req="write", arg_params=None, aux_params=None,
                      rtol=None, atol=None, raise_on_err: bool = True, ground_truth=None, equal_nan: bool = False,
                      use_uniform: bool = False, rand_type=np.float64) -> dict:
    """Runs one symbol (or one per entry) under each entry of `ctx_list` and asserts all give the
    same outputs (inference and training) and gradients as the most precise run.

    Each entry is ``simple_bind``'s keywords: ``{'ctx': mx.cpu(0), 'data': (2, 3), 'type_dict':
    {'data': np.float32}}`` - so a list of CPU entries with different dtypes sweeps dtypes.  Inputs
    are random normal (uniform with `use_uniform`) of scale `scale` unless given in `arg_params`;
    auxiliary states are 0 unless given.  Returns the reference run's outputs and gradients by name
    (or `ground_truth`, when given, which the runs are compared against instead).

    >>> import gluonx as mx
    >>> s = mx.sym.sin(mx.sym.var('x'))
    >>> _ = check_consistency(s, [{'ctx': mx.cpu(), 'x': (3,), 'type_dict': {'x': t}} for t in (np.float64, np.float32)])
    """
    if len(ctx_list) < 2:
        raise MXNetValueError("check_consistency: give at least two contexts to compare, got %d" % len(ctx_list))
    syms = [sym] * len(ctx_list) if _is_symbol(sym) else list(sym)
    if len(syms) != len(ctx_list):
        raise MXNetValueError("check_consistency: %d symbols for %d contexts" % (len(syms), len(ctx_list)))
    output_names = syms[0].list_outputs()
    arg_names = syms[0].list_arguments()
    exes = []
    for s, spec in zip(syms, ctx_list):
        if s.list_arguments() != arg_names or s.list_outputs() != output_names:
            raise MXNetValueError("check_consistency: the symbols differ in arguments or outputs (%s / %s vs %s / %s)"
                                  % (s.list_arguments(), s.list_outputs(), arg_names, output_names))
        spec = dict(spec)
        exes.append(s.simple_bind(spec.pop("ctx", default_context()), grad_req=grad_req, **spec))
    arg_params = {} if arg_params is None else arg_params
    aux_params = {} if aux_params is None else aux_params
    for n, arr in sorted(exes[0].arg_dict.items()):   # a fixed order keeps the draws reproducible
        if n not in arg_params:
            if use_uniform:
                data = np.random.uniform(low=-0.92 * scale, high=0.92 * scale, size=arr.shape)
            else:
                data = np.random.normal(size=arr.shape, scale=scale)
            arg_params[n] = data.astype(rand_type)
    for n in exes[0].aux_dict:
        aux_params.setdefault(n, 0)
    for exe in exes:
        for name, arr in exe.arg_dict.items():
            _assign(arr, arg_params[name])
        for name, arr in exe.aux_dict.items():
            _assign(arr, aux_params[name])

    for exe in exes:
        exe.forward(is_train=False)
    dtypes = [np.dtype(exe.outputs[0].dtype) for exe in exes]
    gt_idx = max(range(len(exes)), key=lambda i: (dtypes[i].itemsize, -i))   # the first of the most precise
    gt = ground_truth if ground_truth is not None else dict(zip(output_names, exes[gt_idx].outputs))
    for i, exe in enumerate(exes):
        if i == gt_idx:
            continue
        for name, arr in zip(output_names, exe.outputs):
            _compare_or_report(arr, gt[name], rtol, atol, equal_nan, raise_on_err,
                               "Predict Err: ctx %d vs ctx %d at %s" % (i, gt_idx, name))
    if grad_req == "null":
        return gt

    for exe in exes:
        exe.forward(is_train=True)
    # one head gradient for all: the first run's outputs, cast to the least precise output dtype
    low = [o.dtype for o in exes[0].outputs]
    for exe in exes:
        low = [_lower_precision(o.dtype, dt) for o, dt in zip(exe.outputs, low)]
    heads = [o.astype(dt).asnumpy() for o, dt in zip(exes[0].outputs, low)]
    for exe in exes:
        exe.backward([array(h, ctx=exe._ctx, dtype=o.dtype) for h, o in zip(heads, exe.outputs)])
    if ground_truth is None:
        gt = dict(zip(output_names, exes[gt_idx].outputs))
        gt.update(exes[gt_idx].grad_dict)
    for i, exe in enumerate(exes):
        if i == gt_idx:
            continue
        for name, arr in zip(output_names + arg_names, exe.outputs + exe.grad_arrays):
            want = gt.get(name)
            if want is None or arr is None:
                if (want is None) != (arr is None):
                    raise AssertionError("check_consistency: %s has a gradient in one run and none in the other"
                                         % name)
                continue
            rt, at = rtol, atol
            # a float32 gradient (BatchNorm's gamma) of a float16 run gets float16's tolerances
            arr_low = _lower_precision(arr.dtype, dtypes[i])
            gt_low = _lower_precision(want.dtype, dtypes[gt_idx])
            if arr_low != arr.dtype or gt_low != want.dtype:
                rt, at = get_tols(arr.astype(arr_low), want.astype(gt_low), rtol, atol)
            _compare_or_report(arr, want, rt, at, equal_nan, raise_on_err,
                               "Train Err: %s ctx %d vs %s ctx %d at %s"
                               % (np.dtype(arr.dtype).name, i, np.dtype(want.dtype).name, gt_idx, name))
    return gt


def same_symbol_structure(sym1, sym2) -> bool:
    """True when both graphs have the same operators node by node (names and attributes aside).

    >>> import gluonx as mx
    >>> same_symbol_structure(mx.sym.sin(mx.sym.var('a')), mx.sym.sin(mx.sym.var('b')))
    True
    """
    nodes1 = json.loads(sym1.tojson())["nodes"]
    nodes2 = json.loads(sym2.tojson())["nodes"]
    return len(nodes1) == len(nodes2) and all(a["op"] == b["op"] for a, b in zip(nodes1, nodes2))
