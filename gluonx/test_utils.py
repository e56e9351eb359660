"""``mx.test_utils``: the helpers MXNet users' own tests call.

>>> import gluonx as mx
>>> x = mx.nd.array([0.5, 1.5])
>>> mx.test_utils.check_numeric_gradient(lambda a: mx.nd.exp(a).sum(), [x])
"""
from __future__ import annotations

import contextlib
import os
from typing import Callable, Optional, Sequence

import numpy as np

from gluonx import autograd
from gluonx.base import MXNetError, MXNetTypeError, MXNetValueError
from gluonx.context import Context, cpu, current_context
from gluonx.ndarray import NDArray, array
from gluonx.util import getenv, setenv, use_np  # noqa: F401  (MXNet's tests import use_np from here)

__all__ = ["default_context", "set_default_context", "assert_almost_equal", "almost_equal", "same",
           "rand_ndarray", "rand_shape_2d", "rand_shape_3d", "rand_shape_nd", "check_numeric_gradient",
           "numeric_grad", "default_dtype", "assert_exception", "environment", "use_np"]

_default_ctx: list = [None]


def default_context() -> Context:
    """The context tests run on (``mx.cpu()`` unless set)."""
    return _default_ctx[0] or current_context()


def set_default_context(ctx: Context) -> None:
    _default_ctx[0] = ctx


def default_dtype():
    return np.float32


def _np(x) -> np.ndarray:
    return x.asnumpy() if isinstance(x, NDArray) else np.asarray(x)


def same(a, b) -> bool:
    """Exactly equal values and shapes."""
    return np.array_equal(_np(a), _np(b))


def almost_equal(a, b, rtol: Optional[float] = None, atol: Optional[float] = None,
                 equal_nan: bool = False) -> bool:
    a, b = _np(a), _np(b)
    rtol = 1e-5 if rtol is None else rtol
    atol = 1e-20 if atol is None else atol
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def assert_almost_equal(a, b, rtol: Optional[float] = None, atol: Optional[float] = None,
                        names: Sequence[str] = ("a", "b"), equal_nan: bool = False,
                        mismatches=None) -> None:
    """Raises AssertionError naming the worst element when a and b differ."""
    a, b = _np(a), _np(b)
    rtol = 1e-5 if rtol is None else rtol
    atol = 1e-20 if atol is None else atol
    if a.shape != b.shape:
        raise AssertionError("%s and %s have different shapes: %s vs %s" % (names[0], names[1], a.shape, b.shape))
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    err = np.abs(a64 - b64) / (atol + rtol * np.abs(b64))
    err[np.isnan(err)] = np.inf
    idx = np.unravel_index(int(np.argmax(err)), err.shape) if err.size else ()
    raise AssertionError(
        "Items are not equal (rtol=%g, atol=%g): worst error %g at index %s: %s=%r, %s=%r\n%s:\n%s\n%s:\n%s"
        % (rtol, atol, float(err[idx]), idx, names[0], a[idx], names[1], b[idx], names[0], a, names[1], b))


def assert_exception(f: Callable, exception_type, *args, **kwargs) -> None:
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError("%s did not raise %s" % (f, exception_type))


def rand_shape_2d(dim0: int = 10, dim1: int = 10) -> tuple:
    return (np.random.randint(1, dim0 + 1), np.random.randint(1, dim1 + 1))


def rand_shape_3d(dim0: int = 10, dim1: int = 10, dim2: int = 10) -> tuple:
    return (np.random.randint(1, dim0 + 1), np.random.randint(1, dim1 + 1), np.random.randint(1, dim2 + 1))


def rand_shape_nd(num_dim: int, dim: int = 10) -> tuple:
    return tuple(np.random.randint(1, dim + 1, size=num_dim))


def rand_ndarray(shape, stype: str = "default", density=None, dtype=None, ctx=None) -> NDArray:
    """A dense array of uniform [0, 1) values (only the default storage type exists)."""
    if stype != "default":
        raise MXNetValueError("rand_ndarray: only stype='default' is supported, got %r" % stype)
    return array(np.random.uniform(size=shape), ctx=ctx or default_context(), dtype=dtype or "float32")


def numeric_grad(f: Callable, inputs: Sequence[np.ndarray], eps: float = 1e-4) -> list:
    """Central-difference gradient of sum(f(*inputs)) for NumPy inputs."""
    grads = []
    for k, x in enumerate(inputs):
        g = np.zeros_like(x, dtype=np.float64)
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


def check_numeric_gradient(fn: Callable, location, aux_states=None, numeric_eps: float = 1e-3,
                           rtol: float = 1e-2, atol: Optional[float] = None, grad_nodes=None,
                           use_forward_train: bool = True, ctx=None, grad_stype_dict=None,
                           dtype=np.float64) -> None:
    """Compares autograd's gradient of ``sum(fn(*location))`` with central
    differences.  `fn` is a function of NDArrays (MXNet's Symbol form will
    be accepted once Symbol exists); `location` is a list or dict of arrays.
    Raises AssertionError when they differ.
    """
    if not callable(fn):
        raise MXNetTypeError("check_numeric_gradient: pass a function of NDArrays (Symbol support "
                             "arrives with the Symbol API)")
    if isinstance(location, dict):
        names = list(location)
        values = [location[n] for n in names]
    else:
        values = list(location)
        names = ["arg%d" % i for i in range(len(values))]
    ctx = ctx or default_context()
    base = [(_np(v)).astype(dtype) for v in values]
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

    numeric = numeric_grad(f_np, [b.copy() for b in base], eps=numeric_eps)
    wanted = set(grad_nodes) if grad_nodes is not None else None
    for name, a, n in zip(names, analytic, numeric):
        if wanted is not None and name not in wanted:
            continue
        assert_almost_equal(a, n, rtol=rtol, atol=atol if atol is not None else 1e-4,
                            names=("analytic gradient of %s" % name, "numeric gradient of %s" % name))


@contextlib.contextmanager
def environment(*args):
    """Sets environment variables for the body of a ``with`` and restores them after.

    ``environment(name, value)`` or ``environment({name: value, ...})``; a value of None unsets.

    >>> with environment('GLUONX_DOC_X', '1'):
    ...     os.environ['GLUONX_DOC_X']
    '1'
    """
    if len(args) == 1 and isinstance(args[0], dict):
        wanted = dict(args[0])
    elif len(args) == 2:
        wanted = {args[0]: args[1]}
    else:
        raise MXNetValueError("environment: expected (name, value) or one dict, got %d arguments"
                              % len(args))
    saved = {name: os.environ.get(name) for name in wanted}
    for name, value in wanted.items():
        setenv(name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setenv(name, value)
