"""``mx.contrib.autograd``: MXNet's first autograd API, kept for old scripts.

It is :mod:`gluonx.autograd` under the old names: ``train_section()`` is
``record()`` in training mode, ``test_section()`` pauses recording,
``compute_gradient`` is ``backward``, and ``grad_and_loss(f)`` wraps a
function to return its gradients and value.

>>> import gluonx as mx
>>> from gluonx.contrib import autograd as ag
>>> grads, loss = ag.grad_and_loss(lambda x: (x * x).sum())(mx.nd.array([1., 2.]))
>>> grads[0].asnumpy().tolist()
[2.0, 4.0]
"""
from __future__ import annotations

import functools
from typing import Callable, Optional, Sequence, Union

from gluonx import autograd as _ag
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ndarray import NDArray, zeros_like

__all__ = ["set_is_training", "TrainingStateScope", "train_section", "test_section",
           "mark_variables", "backward", "compute_gradient", "grad_and_loss", "grad"]


def set_is_training(is_train: bool) -> bool:
    """Turns training mode and recording on or off together; returns the previous state."""
    previous = _ag.set_training(is_train)
    _ag.set_recording(is_train)
    return previous


class TrainingStateScope:
    """``with`` scope of :func:`set_is_training`."""

    def __init__(self, enter_state: bool):
        self._enter_state = enter_state
        self._prev = None

    def __enter__(self):
        self._prev = set_is_training(self._enter_state)
        return self

    def __exit__(self, *exc):
        if self._prev != self._enter_state:
            set_is_training(self._prev)


def train_section() -> TrainingStateScope:
    """Records (in training mode) inside the ``with`` block."""
    return TrainingStateScope(True)


def test_section() -> TrainingStateScope:
    """Neither records nor trains inside the ``with`` block."""
    return TrainingStateScope(False)


def mark_variables(variables: Sequence[NDArray], gradients: Sequence[NDArray],
                   grad_reqs: Union[str, Sequence[str]] = "write") -> None:
    """Marks arrays whose gradients go into ``gradients`` (see :func:`gluonx.autograd.mark_variables`)."""
    _ag.mark_variables(variables, gradients, grad_reqs)


def backward(outputs: Sequence[NDArray], out_grads: Optional[Sequence] = None,
             retain_graph: bool = False) -> None:
    """Back-propagates from ``outputs`` (a list or tuple) into the marked variables."""
    if not isinstance(outputs, (list, tuple)):
        raise MXNetTypeError("contrib.autograd.backward: outputs must be a list or tuple of "
                             "NDArrays, got %s" % type(outputs).__name__)
    if out_grads is not None and len(out_grads) != len(outputs):
        raise MXNetValueError("contrib.autograd.backward: %d outputs but %d out_grads"
                              % (len(outputs), len(out_grads)))
    _ag.backward(list(outputs), None if out_grads is None else list(out_grads),
                 retain_graph=retain_graph)


def compute_gradient(outputs: Sequence[NDArray]) -> None:
    """Old name of :func:`backward`."""
    backward(outputs)


def _selected(args: tuple, argnum) -> list:
    if argnum is None:
        return list(args)
    indices = argnum if isinstance(argnum, list) else [argnum]
    return [args[i] for i in indices]


def grad_and_loss(func: Callable, argnum: Union[int, list, None] = None) -> Callable:
    """``func`` wrapped to return (gradients of the chosen arguments, func's value)."""
    @functools.wraps(func)
    def wrapped(*args):
        variables = _selected(args, argnum)
        for x in variables:
            if not isinstance(x, NDArray):
                raise MXNetTypeError("grad_and_loss: the arguments to differentiate must be "
                                     "NDArrays, got %s" % type(x).__name__)
        grads = [zeros_like(x) for x in variables]
        mark_variables(variables, grads)
        with train_section():
            outputs = func(*args)
        compute_gradient([outputs] if isinstance(outputs, NDArray) else outputs)
        return grads, outputs
    return wrapped


def grad(func: Callable, argnum: Union[int, list, None] = None) -> Callable:
    """``func`` wrapped to return the gradients of the chosen arguments."""
    grad_with_loss = grad_and_loss(func, argnum)

    @functools.wraps(grad_with_loss)
    def wrapped(*args):
        return grad_with_loss(*args)[0]
    return wrapped
