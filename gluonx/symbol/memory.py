"""Memory of a compiled graph: where each buffer lives in the arena.

Launches are ``[kid, fn, dev_type, dev_id, opname, attrs, nin, tensors]``
with tensors ``(kind, key, byte offset, dtype, shape, strides)``; a
``"buf"`` tensor lies in buffer ``key`` (see planner.py).

* :func:`rematerialize`: a training graph keeps what its backward reads.
  An output of a cheap elementwise launch (a BatchNorm affine + ReLU, say)
  whose inputs are kept anyway is not kept: the launch runs again just
  before the backward needs it (MXNet's "mirror", done by default here).
* :func:`lifetimes`, :func:`inplace_aliases`: a buffer lives from the first
  to the last launch that touches it; an elementwise kernel may write over
  an input that dies at that launch.
* :func:`assign_offsets`: arena offsets by greedy best fit over lifetimes,
  biggest first; each launch's scratch memory is one more buffer living
  only during that launch.
"""
from __future__ import annotations

ALIGN = 64
# Kernels whose output element i depends only on input element i, read
# before written: the output may take the memory of an input that dies there.
INPLACE_KERNELS = frozenset((
    "copy", "clip", "nn_act", "where", "fused_elemwise",
    "negative", "abs", "sign", "square", "sqrt", "rsqrt", "cbrt", "rcbrt", "reciprocal", "exp", "expm1",
    "log", "log1p", "log2", "log10", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "arcsinh", "arccosh", "arctanh", "degrees", "radians", "sigmoid", "relu", "softsign", "erf",
    "erfinv", "gamma", "gammaln", "digamma", "round", "rint", "fix", "floor", "ceil", "trunc", "logical_not",
    "add", "sub", "mul", "div", "mod", "floor_div", "power", "maximum", "minimum", "hypot", "arctan2",
    "equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal", "logical_and", "logical_or",
    "logical_xor"))
# Cheap, deterministic elementwise kernels worth running twice rather than keeping their output.
REMAT_KERNELS = INPLACE_KERNELS | {"norm_affine"}


def align(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def lifetimes(launches: list) -> tuple[dict, dict]:
    """({buffer: first launch}, {buffer: last launch})."""
    first, last = {}, {}
    for i, L in enumerate(launches):
        for t in L[7]:
            if t[0] == "buf":
                first.setdefault(t[1], i)
                last[t[1]] = i
    return first, last


def rematerialize(launches: list, forward_end: int, keep: set, sizes: list, kernel_name) -> tuple[list, int]:
    """Launches where cheap elementwise results that the backward reads are
    computed again there instead of kept (see the module docstring); `keep`
    are buffers that must not change (results); `sizes` grows with the new
    buffers.  Returns (launches, forward_end) (forward_end is unchanged)."""
    n = len(launches)
    writes = {}                       # buffer -> launches writing it
    for i, L in enumerate(launches):
        for t in L[7][L[6]:]:
            if t[0] == "buf":
                writes.setdefault(t[1], []).append(i)
    first, last = lifetimes(launches)
    reads_after = {}                  # buffer -> first backward launch touching it
    for i in range(forward_end, n):
        for t in launches[i][7]:
            if t[0] == "buf":
                reads_after.setdefault(t[1], i)
    pinned = set(keep)
    plans = []                        # (forward launch index, buffer, recompute before)
    for i in range(forward_end - 1, -1, -1):
        L = launches[i]
        outs = L[7][L[6]:]
        if len(outs) != 1 or outs[0][0] != "buf" or kernel_name(L[0]) not in REMAT_KERNELS:
            continue
        y = outs[0][1]
        r = reads_after.get(y)
        if r is None or y in pinned or writes.get(y) != [i] or sizes[y] < (1 << 16):
            continue
        ok = True
        for t in L[7][:L[6]]:
            if t[0] != "buf":
                continue
            x = t[1]
            # the input must hold the same values at r: nothing writes it after i, and it is kept
            # till r anyway (or it is small enough to keep)
            if any(w > i for w in writes.get(x, ())) or (last[x] < r and sizes[x] * 16 > sizes[y]):
                ok = False
                break
        if not ok:
            continue
        for t in L[7][:L[6]]:
            if t[0] == "buf":
                pinned.add(t[1])
        plans.append((i, y, r))
    if not plans:
        return launches, forward_end
    out = list(launches)
    inserts = {}
    for i, y, r in plans:
        y2 = len(sizes)
        sizes.append(sizes[y])
        rename = lambda t: ("buf", y2) + tuple(t[2:]) if t[0] == "buf" and t[1] == y else t  # noqa: E731
        for j in range(r, n):
            L = out[j]
            if any(t[0] == "buf" and t[1] == y for t in L[7]):
                out[j] = L[:7] + [[rename(t) for t in L[7]]]
        again = launches[i][:7] + [[rename(t) for t in launches[i][7]]]
        again[4] = again[4] + " (again)"
        inserts.setdefault(r, []).append(again)
    result = []
    for j, L in enumerate(out):
        result.extend(inserts.get(j, ()))
        result.append(L)
    return result, forward_end


def inplace_aliases(launches, first, last, keep, sizes, kernel_name, itemsize) -> dict:
    """{buffer: buffer whose memory it takes}: an elementwise launch writing
    a buffer born there over an input that dies there, with the same layout."""
    alias = {}
    for i, L in enumerate(launches):
        if kernel_name(L[0]) not in INPLACE_KERNELS:
            continue
        nin, ts = L[6], L[7]
        for o in ts[nin:]:
            if o[0] != "buf" or o[1] in keep or first[o[1]] != i or o[1] in alias:
                continue
            for t in ts[:nin]:
                if (t[0] == "buf" and t[1] != o[1] and last[t[1]] == i and t[1] not in keep
                        and t[2] == o[2] and t[4] == o[4] and t[5] == o[5]
                        and itemsize(t[3]) == itemsize(o[3])
                        and sizes[o[1]] <= sizes[alias.get(t[1], t[1])]):
                    root = alias.get(t[1], t[1])
                    alias[o[1]] = root
                    last[root] = max(last[root], last[o[1]])
                    break
    return alias


def assign_offsets(intervals: list) -> tuple[list, int]:
    """Offsets for (first, last, size) intervals: greedy best fit, biggest
    first; returns (offsets in the input order, arena size)."""
    order = sorted(range(len(intervals)), key=lambda k: (-intervals[k][2], intervals[k][0]))
    placed = []      # (start, end, offset, size)
    offsets = [0] * len(intervals)
    top = 0
    for k in order:
        s, e, size = intervals[k]
        size = align(max(size, 1))
        busy = sorted((o, o + n) for (ps, pe, o, n) in placed if not (pe < s or ps > e))
        off = 0
        for lo, hi in busy:
            if off + size <= lo:
                break
            off = max(off, hi)
        offsets[k] = off
        placed.append((s, e, off, size))
        top = max(top, off + size)
    return offsets, top
