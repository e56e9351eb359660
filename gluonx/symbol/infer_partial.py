"""Shapes with unknown dimensions (MXNet's 0s): ``Variable('a', shape=(0, 10))``,
``infer_shape_partial(x=(0, 3, 224, 224))``.

The operators' rules (``OpDef.infer``) take whole shapes.  A shape with
unknown dims goes through a rule twice, each unknown dim replaced by a
stand-in number, different in the two runs: an output dim that comes out
the same both times is known; one that differs depends on an unknown dim
(0); one that *is* an unknown dim's stand-in in both runs is tied to that
dim, so that learning it later (from a consumer) fills the input too (a
batch size flowing back through FullyConnected or Convolution).  Stand-ins
are multiples of 5040, which divide by every small count a rule may check
(SliceChannel's num_outputs, a reshape's factors).  Elementwise operators
merge their operands dim by dim instead (``(0, 10) + (12, 0)`` is (12, 10)).
"""
from __future__ import annotations

from typing import Optional

from gluonx.base import MXNetError
from gluonx.ops.registry import ShapeUnknown

_UNIT = 5040


def is_partial(shape) -> bool:
    return shape is not None and any(d == 0 for d in shape)


def merge(a: Optional[tuple], b: Optional[tuple], what: str) -> Optional[tuple]:
    """Two descriptions of one shape (0 = unknown dim, None = unknown shape)."""
    if a is None:
        return b
    if b is None:
        return a
    if len(a) != len(b) or any(x and y and x != y for x, y in zip(a, b)):
        raise MXNetError("%s: Shape inconsistent, Provided = %s, inferred shape=%s" % (what, list(a), list(b)))
    return tuple(x or y for x, y in zip(a, b))


def _stand_ins(shapes: list, tied: bool, second: bool) -> tuple[list, dict]:
    """Shapes with each unknown dim replaced; {stand-in value: [(input, dim)]}."""
    out, where, k = [], {}, 0
    for i, s in enumerate(shapes):
        if s is None:
            out.append(None)
            continue
        dims = []
        for d, v in enumerate(s):
            if v == 0:
                n = 0 if tied else k
                value = _UNIT * (n + (11 if second else 1))
                where.setdefault(value, []).append((i, d))
                k += 1
                dims.append(value)
            else:
                dims.append(v)
        out.append(tuple(dims))
    return out, where


def _run(op, params, shapes, dtypes, tied, second):
    probe, where = _stand_ins(shapes, tied, second)
    filled = list(probe)
    oshapes, odtypes = op.infer(params, filled, list(dtypes))
    return [tuple(s) for s in oshapes], list(odtypes), filled, where


def probe_rule(op, params, shapes: list, dtypes: list):
    """The rule on shapes with unknown dims: (output shapes with 0s, output
    dtypes, input shapes the rule filled in (0s too), ties) or None when the
    rule cannot tell.  ties: [(output index, dim, input index, dim)]."""
    for tied in (False, True):
        try:
            a = _run(op, params, shapes, dtypes, tied, False)
            b = _run(op, params, shapes, dtypes, tied, True)
        except (MXNetError, ShapeUnknown, ValueError, TypeError, ZeroDivisionError, OverflowError):
            continue
        if len(a[0]) != len(b[0]) or any(len(x) != len(y) for x, y in zip(a[0], b[0])):
            continue
        outs, ties = [], []
        for k, (sa, sb) in enumerate(zip(a[0], b[0])):
            dims = []
            for d, (x, y) in enumerate(zip(sa, sb)):
                dims.append(x if x == y else 0)
                if x != y and x in a[3] and a[3][x] == b[3].get(y):
                    ties += [(k, d, i, e) for i, e in a[3][x]]
            outs.append(tuple(dims))
        filled = []
        for i, (before, fa, fb) in enumerate(zip(shapes, a[2], b[2])):
            if before is not None or fa is None or fb is None or len(fa) != len(fb):
                filled.append(None)
            else:
                filled.append(tuple(x if x == y else 0 for x, y in zip(fa, fb)))
        return outs, a[1], filled, ties
    return None


def elementwise(shapes: list, out: Optional[tuple], what: str) -> Optional[tuple]:
    """The common shape of an elementwise op's operands and output."""
    merged = out
    for s in shapes:
        merged = merge(merged, s, what)
    return merged
