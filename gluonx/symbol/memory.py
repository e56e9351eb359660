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
    buffers.  Returns (launches, forward_end) (forward_end is unchanged).

    Chains count: a residual block's output relu(bn2(c2) + bn_s(cs)) is
    recomputed from the two convolutions' outputs, and so is the shortcut
    affine bn_s(cs) that the recomputation reads, just before it."""
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
    def candidate(i):
        """The buffer launch i writes if it may be computed again, else None."""
        L = launches[i]
        outs = L[7][L[6]:]
        if len(outs) != 1 or outs[0][0] != "buf" or kernel_name(L[0]) not in REMAT_KERNELS:
            return None
        y = outs[0][1]
        if y in keep or writes.get(y) != [i] or sizes[y] < (1 << 16):
            return None
        return y

    def inputs_hold(i, y, r, chain):
        """Whether launch i's inputs hold the same values at r: nothing writes
        them after i, and each is kept till r anyway (or is small enough to
        keep), or (with `chain`) can itself be computed again from such."""
        for t in launches[i][7][:launches[i][6]]:
            if t[0] != "buf":
                continue
            x = t[1]
            if any(w > i for w in writes.get(x, ())):
                return False
            if last[x] < r and sizes[x] * 16 > sizes[y]:
                p = writes.get(x, [None])[0]
                if not (chain and p is not None and candidate(p) == x and inputs_hold(p, x, r, False)):
                    return False
        return True

    plans = []                        # (forward launch index, buffer, recompute before)
    plan_readers = {}                 # buffer -> plans whose recomputation reads it
    for i in range(forward_end - 1, -1, -1):
        y = candidate(i)
        if y is None:
            continue
        firsts = [plans[k][2] for k in plan_readers.get(y, ())]
        if y in reads_after:
            firsts.append(reads_after[y])
        if not firsts:
            continue
        r = min(firsts)
        # (an input that is itself recomputed is planned when the loop reaches its launch:
        # inputs_hold checked it will be)
        if not inputs_hold(i, y, r, True):
            continue
        L = launches[i]
        for t in L[7][:L[6]]:
            if t[0] == "buf":
                plan_readers.setdefault(t[1], []).append(len(plans))
        plans.append((i, y, r))
    if not plans:
        return launches, forward_end
    out = list(launches)
    again = [launches[i][:7] + [list(launches[i][7])] for i, _, _ in plans]
    for k, (i, y, r) in enumerate(plans):
        y2 = len(sizes)
        sizes.append(sizes[y])
        rename = lambda t: ("buf", y2) + tuple(t[2:]) if t[0] == "buf" and t[1] == y else t  # noqa: E731
        for j in range(r, n):
            L = out[j]
            if any(t[0] == "buf" and t[1] == y for t in L[7]):
                out[j] = L[:7] + [[rename(t) for t in L[7]]]
        # its own recomputation, and those of later results that read it
        for m in [k] + plan_readers.get(y, []):
            again[m][7] = [rename(t) for t in again[m][7]]
        again[k][4] = again[k][4] + " (again)"
    inserts = {}
    for k, (i, y, r) in sorted(enumerate(plans), key=lambda e: e[1][0]):   # producers first
        inserts.setdefault(r, []).append(again[k])
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
