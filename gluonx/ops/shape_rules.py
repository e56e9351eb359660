"""Pieces shared by the operators' shape/dtype rules (``OpDef(infer=...)``).

A rule is ``infer(attrs, shapes, dtypes) -> (out_shapes, out_dtypes)``:
pure functions of tuples and dtype names, so that eager calls,
``Symbol.infer_shape``, deferred initialization and the graph's memory
planner all use the same code.  Errors name the operator, the shapes and
dtypes involved and what was expected.

>>> broadcast("broadcast_add", (2, 1, 3), (4, 1))
(2, 4, 3)
"""
from __future__ import annotations

from typing import Optional

from gluonx.base import MXNetIndexError, MXNetTypeError, MXNetValueError

FLOATS = ("float32", "float64", "float16")


def prod(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def same(a: dict, shapes: list, dtypes: list):
    """The rule of an op whose one output is shaped and typed like input 0."""
    return [shapes[0]], [dtypes[0]]


def broadcast(opname: str, a: tuple, b: tuple) -> tuple:
    """NumPy broadcasting of two shapes."""
    nd = max(len(a), len(b))
    pa = (1,) * (nd - len(a)) + tuple(a)
    pb = (1,) * (nd - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise MXNetValueError("Operator %s: shapes %s and %s cannot be broadcast together "
                                  "(axis %d: %d vs %d)" % (opname, tuple(a), tuple(b), i - nd, x, y))
    return tuple(out)


def same_dtype(opname: str, dtypes: list, names: Optional[tuple] = None, shapes: Optional[list] = None) -> str:
    """The common dtype of the known entries of `dtypes`; raises when they differ."""
    first = dtypes[0]
    if first is not None and all(d == first for d in dtypes):
        return first
    known = [(i, d) for i, d in enumerate(dtypes) if d is not None]
    if not known:
        raise MXNetTypeError("Operator %s: no input has a known dtype" % opname)
    first = known[0][1]
    for i, d in known[1:]:
        if d != first:
            def what(k):
                n = names[k] if names and k < len(names) else "input %d" % k
                s = " %s" % (shapes[k],) if shapes and shapes[k] is not None else ""
                return "%s%s %s" % (n, s, dtypes[k])
            raise MXNetTypeError("Operator %s: inputs have different dtypes (%s and %s); cast one with "
                                 ".astype()" % (opname, what(known[0][0]), what(i)))
    return first


def float_only(opname: str, dtype: str, shape=None) -> str:
    if dtype not in FLOATS:
        raise MXNetTypeError("Operator %s: expects float16/32/64 data, got %s%s"
                             % (opname, "%s " % (shape,) if shape is not None else "", dtype))
    return dtype


def axis_index(opname: str, axis: int, ndim: int, what: str = "axis") -> int:
    """`axis` (negative counts from the end) checked against `ndim`."""
    a = int(axis)
    if a < -ndim or a >= ndim:
        raise MXNetIndexError("Operator %s: %s %d is out of range for an array of %d dimensions"
                              % (opname, what, a, ndim))
    return a % ndim


def fill_input(opname: str, shapes: list, i: int, want: tuple, what: str, data_shape=None) -> None:
    """Backward inference: sets unknown input `i` to `want`, or checks a known one."""
    have = shapes[i]
    if have is None:
        shapes[i] = tuple(want)
    elif tuple(have) != tuple(want):
        raise MXNetValueError("Operator %s: %s has shape %s, expected %s%s"
                              % (opname, what, tuple(have), tuple(want),
                                 " for data %s" % (tuple(data_shape),) if data_shape is not None else ""))


def fill_dtype(dtypes: list, i: int, dtype: str) -> None:
    if dtypes[i] is None:
        dtypes[i] = dtype
