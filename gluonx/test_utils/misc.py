"""Test environment helpers: the default context, environment variables,
retries, expected exceptions, stderr silencing, and what this build can run.

>>> with environment('GLUONX_DOC_X', '1'):
...     os.environ['GLUONX_DOC_X']
'1'
>>> default_context()
cpu(0)
"""
from __future__ import annotations

import contextlib
import functools
import os
import platform
import sys
from typing import Callable

import numpy as np

from gluonx.base import MXNetError, MXNetRuntimeError, MXNetValueError
from gluonx.context import Context, current_context
from gluonx.ndarray import NDArray
from gluonx.util import get_gpu_count, getenv, setenv

__all__ = ["default_context", "set_default_context", "list_gpus", "same_array", "discard_stderr", "environment",
           "retry", "assert_exception", "is_cd_run", "is_aarch64_run", "has_tvm_ops", "is_op_runnable"]


def default_context() -> Context:
    """The context tests run on: this thread's current context (``mx.cpu()`` unless set)."""
    return current_context()


def set_default_context(ctx: Context) -> None:
    """Makes `ctx` this thread's default context (what ``mx.nd.zeros(...)`` uses without ``ctx=``).

    >>> import gluonx as mx
    >>> set_default_context(mx.cpu(0)); default_context()
    cpu(0)
    """
    if not isinstance(ctx, Context):
        raise MXNetValueError("set_default_context: expected a Context such as mx.cpu(), got %r" % (ctx,))
    Context._default.value = ctx


def list_gpus() -> range:
    """``range(n)`` over the GPUs this build can use (empty: gluonx runs on the CPU)."""
    return range(get_gpu_count())


def same_array(array1: NDArray, array2: NDArray) -> bool:
    """True when writing into `array1` shows in `array2` (they share memory and match in shape).

    `array1` is changed and restored.

    >>> import gluonx as mx
    >>> a = mx.nd.zeros((3,)); same_array(a, a[:]), same_array(a, a.copy())
    (True, False)
    """
    def equal(x, y):
        x, y = x.asnumpy(), y.asnumpy()
        return x.shape == y.shape and bool(np.array_equal(x, y, equal_nan=x.dtype.kind == "f"))
    if array1.shape != array2.shape:
        return False
    array1[:] += 1
    try:
        moved = equal(array1, array2)
    finally:
        array1[:] -= 1
    return moved and equal(array1, array2)


@contextlib.contextmanager
def discard_stderr():
    """Sends everything written to file descriptor 2 (C code included) to /dev/null in the body.

    >>> with discard_stderr():
    ...     print('hidden', file=sys.stderr)
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None            # a stream without a descriptor (captured by a test runner): nothing to redirect
    if fd is None:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as sink:
            os.dup2(sink.fileno(), fd)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(saved, fd)
    finally:
        os.close(saved)


def _apply_env(values: dict) -> None:
    for name, value in values.items():
        if value is not None and not isinstance(value, str):
            raise MXNetValueError("environment: the value of %s must be a str or None, got %r" % (name, value))
        setenv(name, value)
        if getenv(name) != value:
            raise MXNetRuntimeError("environment: could not set %s=%r for the C runtime" % (name, value))


@contextlib.contextmanager
def environment(*args):
    """Sets environment variables for the body of a ``with`` and restores them after.

    ``environment(name, value)`` or ``environment({name: value, ...})``; a value of None unsets.
    The C runtime (the kernels) sees the same values as ``os.environ``.
    """
    if len(args) == 1 and isinstance(args[0], dict):
        wanted = dict(args[0])
    elif len(args) == 2:
        wanted = {args[0]: args[1]}
    else:
        raise MXNetValueError("environment: expected (name, value) or one dict, got %d arguments" % len(args))
    saved = {name: os.environ.get(name) for name in wanted}
    try:
        _apply_env(wanted)
        yield
    finally:
        _apply_env(saved)


def retry(n: int) -> Callable:
    """Decorator: runs a stochastic test up to `n` times, passing at the first run without an
    AssertionError (the last one's error is raised).

    >>> @retry(3)
    ... def flaky():
    ...     pass
    """
    if not (isinstance(n, int) and n > 0):
        raise MXNetValueError("retry: the number of tries must be a positive int, got %r" % (n,))

    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            for i in range(n):
                try:
                    return f(*args, **kwargs)
                except AssertionError:
                    if i == n - 1:
                        raise
        return wrapper
    return decorate


def assert_exception(f: Callable, exception_type, *args, **kwargs) -> None:
    """Raises AssertionError unless ``f(*args, **kwargs)`` raises `exception_type`.

    >>> assert_exception(int, ValueError, 'x')
    """
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError("%s did not raise %s" % (getattr(f, "__name__", f), getattr(exception_type, "__name__",
                                                                                   exception_type)))


def is_cd_run() -> bool:
    """True inside a continuous-delivery job (environment CD_JOB=1)."""
    return os.environ.get("CD_JOB", "0") == "1"


def is_aarch64_run() -> bool:
    """True on an aarch64 machine."""
    return platform.machine() == "aarch64"


def has_tvm_ops() -> bool:
    """False: gluonx has no TVM-generated operators."""
    return False


def is_op_runnable() -> bool:
    """True: without TVM operators every registered operator runs on every context gluonx has."""
    return True


# The CUDA compute capability MXNet's TF32 logic asks for; there is no CUDA backend to ask.
def get_cuda_compute_capability(ctx) -> int:
    """Not available: gluonx has no CUDA backend (MXNetError)."""
    raise MXNetError("get_cuda_compute_capability: gluonx has no CUDA backend (context %s)" % (ctx,))
