"""``mx.autograd``: recording, backward, higher-order gradients.

MXNet style: mark variables with ``attach_grad()``, compute inside
``record()``, call ``backward()``::

    >>> import gluonx as mx
    >>> x = mx.nd.array([1.0, 2.0]); x.attach_grad()
    >>> with mx.autograd.record():
    ...     y = (x * x).sum()
    >>> y.backward(); x.grad.asnumpy().tolist()
    [2.0, 4.0]

PyTorch style on the same arrays: ``x.requires_grad = True`` (or
``requires_grad=True`` at creation) records operations on ``x`` also
outside ``record()``; ``y.grad_fn`` names the op that made ``y``.
``pause()`` and its alias ``no_grad()`` stop both.
"""
from __future__ import annotations

from typing import Optional, Sequence, Union

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetError, MXNetTypeError, MXNetValueError, MXNetNotImplementedError

__all__ = ["record", "pause", "no_grad", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "mark_variables", "backward", "grad", "Function",
           "get_symbol", "NDArray"]   # NDArray: MXNet's module has no __all__, and `from mxnet.autograd import *` gives it


class _StateScope:
    """Sets the thread's (recording, training) state within a ``with`` block."""

    __slots__ = ("_record", "_train", "_prev")

    def __init__(self, is_record: Optional[bool], train_mode: Optional[bool]):
        self._record = is_record
        self._train = train_mode
        self._prev = None

    def __enter__(self):
        self._prev = _c.get_state()
        rec, train, enabled = self._prev
        if self._record is not None:
            rec = int(self._record)
            enabled = int(self._record)
        if self._train is not None:
            train = int(self._train)
        _c.set_state(rec, train, enabled)
        return self

    def __exit__(self, *exc):
        _c.set_state(*self._prev)


def record(train_mode: bool = True) -> _StateScope:
    """Records operations on marked arrays for backward().  ``train_mode``
    makes layers such as Dropout and BatchNorm behave as in training."""
    return _StateScope(True, train_mode)


def pause(train_mode: bool = False) -> _StateScope:
    """Stops recording (MXNet style and requires_grad style alike)."""
    return _StateScope(False, train_mode)


def no_grad() -> _StateScope:
    """PyTorch's name for :func:`pause` (keeps the training flag)."""
    return _StateScope(False, None)


def train_mode() -> _StateScope:
    return _StateScope(None, True)


def predict_mode() -> _StateScope:
    return _StateScope(None, False)


def is_recording() -> bool:
    return _c.is_recording()


def is_training() -> bool:
    return _c.is_training()


def set_recording(is_recording: bool) -> bool:
    """Sets the recording flag; returns the previous one."""
    rec, train, enabled = _c.get_state()
    _c.set_state(int(is_recording), train, int(is_recording) if is_recording else enabled)
    return bool(rec)


def set_training(train_mode: bool) -> bool:
    rec, train, enabled = _c.get_state()
    _c.set_state(rec, int(train_mode), enabled)
    return bool(train)


def _as_list(x) -> list:
    if isinstance(x, NDArray):
        return [x]
    if x is None:
        return []
    return list(x)


def mark_variables(variables, gradients, grad_reqs: Union[str, Sequence[str]] = "write") -> None:
    """Marks arrays as variables whose gradients go into `gradients`."""
    variables, gradients = _as_list(variables), _as_list(gradients)
    if len(variables) != len(gradients):
        raise MXNetValueError("mark_variables: %d variables but %d gradient buffers"
                              % (len(variables), len(gradients)))
    reqs = [grad_reqs] * len(variables) if isinstance(grad_reqs, str) else list(grad_reqs)
    for v, g, r in zip(variables, gradients, reqs):
        _c.mark_variable(v, g, r)


def _head_grads(heads: list, head_grads) -> Optional[list]:
    if head_grads is None:
        return None
    hg = _as_list(head_grads) if not isinstance(head_grads, (list, tuple)) else list(head_grads)
    if len(hg) != len(heads):
        raise MXNetValueError("backward: %d heads but %d head gradients" % (len(heads), len(hg)))
    return hg


def backward(heads, head_grads=None, retain_graph: bool = False, train_mode: bool = True) -> None:
    """Computes the gradients of `heads` with respect to the marked
    variables and writes them into the variables' ``.grad`` by grad_req."""
    heads = _as_list(heads)
    for h in heads:
        if not isinstance(h, NDArray):
            raise MXNetTypeError("backward: heads must be NDArrays, got %s" % type(h).__name__)
    prev = set_training(train_mode)
    try:
        _c.run_backward(heads, _head_grads(heads, head_grads), bool(retain_graph), False, None)
    finally:
        set_training(prev)


def grad(heads, variables, head_grads=None, retain_graph: Optional[bool] = None,
         create_graph: bool = False, train_mode: bool = True) -> list:
    """The gradients of `heads` with respect to `variables`, returned (not
    written to ``.grad``).  With ``create_graph=True`` they are recorded, so
    a further backward() gives higher-order derivatives.

    >>> x = mx.nd.ones((2,)); x.attach_grad()
    >>> with mx.autograd.record():
    ...     z = mx.nd.elemwise_add(mx.nd.exp(x), x)
    >>> mx.autograd.grad(z, [x], create_graph=True)[0].asnumpy()
    array([3.7182817, 3.7182817], dtype=float32)
    """
    heads = _as_list(heads)
    variables = _as_list(variables)
    if retain_graph is None:
        retain_graph = create_graph
    prev = set_training(train_mode)
    try:
        out = _c.run_backward(heads, _head_grads(heads, head_grads), bool(retain_graph),
                              bool(create_graph), variables)
        if create_graph:
            _link_constant_grads(out, variables)
    finally:
        set_training(prev)
    return out


def _zero_rule(node, dy):
    from gluonx.ops.registry import F
    return (F.zeros_like(node.inputs[0]),)


def _link_constant_grads(grads: list, variables: list) -> None:
    """A gradient that does not depend on the graph (relu's, clip's, Dropout's:
    a piecewise-constant first derivative) is recorded as a function of its
    variable with derivative 0, so differentiating it again gives zeros, as
    MXNet does, instead of "no graph"."""
    rec, train, enabled = _c.get_state()
    _c.set_state(1, train, 1)
    try:
        for g, v in zip(grads, variables):
            if isinstance(g, NDArray) and g._ag is None:
                _c.record_op("_zero_grad_link", (v,), (g,), None, _zero_rule)
    finally:
        _c.set_state(rec, train, enabled)


# gluonx.symbol (a floor above) installs how a recorded history becomes a Symbol
_tape_to_symbol = None


def get_symbol(x):
    """The history recorded for `x` inside ``record()``, as a Symbol.

    >>> x = mx.nd.ones((2,)); x.attach_grad()
    >>> with mx.autograd.record():
    ...     y = mx.nd.relu(x * 2)
    >>> mx.autograd.get_symbol(y).tojson()  # doctest: +SKIP
    """
    if _tape_to_symbol is None:
        raise MXNetNotImplementedError("autograd.get_symbol needs gluonx.symbol, which is not imported")
    return _tape_to_symbol(x)


class Function:
    """A user-defined differentiable function (MXNet's autograd.Function).

    >>> class Sigmoid(mx.autograd.Function):
    ...     def forward(self, x):
    ...         y = 1 / (1 + mx.nd.exp(-x))
    ...         self.save_for_backward(y)
    ...         return y
    ...     def backward(self, dy):
    ...         y, = self.saved_tensors
    ...         return dy * y * (1 - y)
    """

    def __init__(self):
        self.saved_tensors = ()

    def save_for_backward(self, *args) -> None:
        self.saved_tensors = args

    def forward(self, *inputs):
        raise NotImplementedError

    def backward(self, *output_grads):
        raise NotImplementedError

    def __call__(self, *inputs):
        with pause(train_mode=is_training()):
            outputs = self.forward(*inputs)
        outs = (outputs,) if isinstance(outputs, NDArray) else tuple(outputs)
        func = self

        def rule(node, *ograds):
            with pause(train_mode=is_training()):
                g = func.backward(*ograds)
            g = (g,) if isinstance(g, NDArray) else tuple(g)
            if len(g) != len(node.parents):
                raise MXNetValueError("%s.backward returned %d gradients for %d inputs"
                                      % (type(func).__name__, len(g), len(node.parents)))
            return g

        _c.record_op(type(self).__name__, tuple(inputs), outs, None, rule)
        return outputs
