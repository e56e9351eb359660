"""Elementwise fusion of a captured graph's launches (see planner.py).

Adjacent elementwise launches where the first one's result feeds the
second and nothing else reads it (bias add then relu, a BatchNorm affine
then relu, the residual add then relu, relu's backward ``dy * (y > 0)``,
scalar arithmetic) become one ``fused_elemwise`` launch (gluonx/_fused.py,
backends/cpu/fused.c): one pass over memory, and the intermediate buffer
disappears.  Operands are re-viewed at the chain's shape (a per-channel
vector as a stride-0 view); a number operand becomes an immediate.
"""
from __future__ import annotations

import struct
from typing import Optional

import numpy as np

from gluonx import _fused
from gluonx._core import ndarray as _c

_FLOAT = {0: "float32", 1: "float64", 2: "float16"}
_NP = {0: np.float32, 1: np.float64, 2: np.float16}
_ACT = struct.Struct("=iid")
_CLIP = struct.Struct("=dd")
_FUSED_KID = _c.kernel_id("fused_elemwise")


def _contig(shape) -> tuple:
    st, s = [], 1
    for d in reversed(shape):
        st.append(s)
        s *= d
    return tuple(reversed(st))


def _n(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


class _Chain:
    """The fused program being built over launches [start, end]."""

    def __init__(self, shape):
        self.shape = shape        # the iteration shape (the most refined of the chain)
        self.prog = []            # ("unary"/"binary"/"scalar", op, operands, imm, imm2)
        self.inputs = []          # operand tensors (kind, key, off, dtype, shape, strides) at self.shape
        self.value = None         # the handle of the chain's current value


def _operand_view(t, shape, n) -> Optional[tuple]:
    """Tensor t (over n elements) as a view at `shape`, or None."""
    kind, key, off, dt, tshape, tstrides = t
    if tuple(tshape) == tuple(shape):
        return t
    if _n(tshape) == n and tuple(tstrides) == _contig(tshape):   # contiguous: any shape of n elements
        return (kind, key, off, dt, tuple(shape), _contig(shape))
    return None


def _describe(L, consts):
    """What an elementwise launch computes: (op kind, op name, imm, imm2,
    input tensors in order) or None when it cannot be fused."""
    kid, fn, dev, devid, opname, ab, nin, ts = L
    name = _c.kernel_name(kid)
    if len(ts) - nin != 1 or ts[-1][3] not in _FLOAT or any(t[3] != ts[-1][3] for t in ts):
        return None
    ins = ts[:nin]
    if name in _fused.UNARY_KERNELS and nin == 1:
        return ("unary", _fused.UNARY_KERNELS[name], 0.0, 0.0, ins)
    if name in _fused.BINARY_KERNELS and nin == 2:
        return ("binary", _fused.BINARY_KERNELS[name], 0.0, 0.0, ins)
    if name == "nn_act" and nin == 1 and ab is not None:
        kind, _, slope = _ACT.unpack(ab[:_ACT.size])
        return ("unary", _fused.act_opcode(kind), slope, 0.0, ins)
    if name == "clip" and nin == 1 and ab is not None:
        lo, hi = _CLIP.unpack(ab[:_CLIP.size])
        return ("unary", "clip", lo, hi, ins)
    if name == "copy" and nin == 1:
        return ("unary", "copy", 0.0, 0.0, ins)
    if name == "norm_affine" and nin == 3 and len(ins[0][4]) == 3:
        A, C, B = ins[0][4]
        vec = []
        for v in ins[1:]:
            if tuple(v[4]) != (C,):
                return None
            vec.append((v[0], v[1], v[2], v[3], (A, C, B), (0, v[5][0], 0)))
        return ("affine", None, 0.0, 0.0, [ins[0]] + vec)
    return None


def _scalar_value(t, consts) -> float:
    off, dt = t[2], t[3]
    return float(np.frombuffer(bytes(consts[off:off + np.dtype(_NP[dt]).itemsize]), dtype=_NP[dt])[0])


def fuse_launches(launches: list, forward_end: int, result_bufs: set, res, consts=b"") -> tuple[list, int]:
    """Launches with adjacent elementwise chains fused; the new forward_end."""
    users = {}
    for i, L in enumerate(launches):
        for t in L[7]:
            if t[0] == "buf":
                users.setdefault(t[1], set()).add(i)
    out, i = [], 0
    new_end = forward_end
    while i < len(launches):
        j = _chain_end(launches, i, forward_end, users, result_bufs, consts)
        if j > i:
            fused = _build(launches[i:j + 1], consts)
            if fused is not None:
                out.append(fused)
                if i < forward_end:
                    new_end -= j - i
                i = j + 1
                continue
        out.append(launches[i])
        i += 1
    return out, new_end


def _same_elements(a, b) -> bool:
    """Whether tensors a and b are the same elements of one buffer."""
    if a[:4] != b[:4]:
        return False
    if a[4:] == b[4:]:
        return True
    return _n(a[4]) == _n(b[4]) and tuple(a[5]) == _contig(a[4]) and tuple(b[5]) == _contig(b[4])


def _chain_end(launches, i, forward_end, users, result_bufs, consts) -> int:
    """The last launch of the fusable chain starting at i (i when none): each
    next launch reads the value the previous one wrote, and nothing after it
    reads that buffer again."""
    if _describe(launches[i], consts) is None:
        return i
    j = i
    while j + 1 < len(launches) and j + 1 != forward_end and j - i < 12:
        o = launches[j][7][-1]
        dn = _describe(launches[j + 1], consts)
        if (dn is None or o[0] != "buf" or o[1] in result_bufs or max(users[o[1]]) != j + 1
                or not any(_same_elements(o, t) for t in dn[4])):
            break
        j += 1
    return j


def _build(chain, consts):
    """One fused_elemwise launch for `chain`, or None when it does not fit."""
    descs = [_describe(L, consts) for L in chain]
    out_t = chain[-1][7][-1]
    n = _n(out_t[4])
    shape = max((tuple(t[4]) for d in descs for t in d[4] if t[0] != "const") , key=len)
    if _n(shape) != n or _operand_view(out_t, shape, n) is None:
        return None
    prog = _fused.FusedProgram.__new__(_fused.FusedProgram)
    inputs, handles = [], {}
    steps = []
    value_of = {}                     # (buffer key, offset, dtype) of an intermediate -> its step
    for k, (L, d) in enumerate(zip(chain, descs)):
        kind, op, imm, imm2, ins = d
        args = []
        for t in ins:
            if t[0] == "const":
                args.append(("const", _scalar_value(t, consts)))
                continue
            prev = value_of.get(t[:4])
            if prev is not None and any(_same_elements(chain[prev][7][-1], t) for _ in (0,)):
                args.append(("value", ("step", prev)))
                continue
            v = _operand_view(t, shape, n)
            if v is None:
                return None
            if v not in handles:
                handles[v] = len(inputs)
                inputs.append(v)
            args.append(("input", handles[v]))
        steps.append((kind, op, imm, imm2, args))
        value_of[L[7][-1][:4]] = k
    if len(inputs) > _fused.MAX_INPUTS:
        return None
    prog.__init__(len(inputs))
    vals = []

    def h(a):
        if a[0] == "input":
            return prog.input(a[1])
        if a[0] == "value":
            return vals[a[1][1]]
        return None

    try:
        for kind, op, imm, imm2, args in steps:
            if kind == "unary":
                vals.append(prog.unary(op, h(args[0]), imm, imm2))
            elif kind == "affine":
                vals.append(prog.binary("add", prog.binary("mul", h(args[0]), h(args[1])), h(args[2])))
            elif args[0][0] == "const" and args[1][0] == "const":
                return None
            elif args[1][0] == "const":
                vals.append(prog.scalar(op, h(args[0]), args[1][1]))
            elif args[0][0] == "const":
                vals.append(prog.scalar(op, h(args[1]), args[0][1], reverse=True))
            else:
                vals.append(prog.binary(op, h(args[0]), h(args[1])))
        attrs = prog.pack(vals[-1])
    except ValueError:
        return None
    first = chain[-1]
    dt = out_t[3]
    fn = _c.kernel_address("fused_elemwise", first[2], dt)
    if not fn:
        return None
    out_view = _operand_view(out_t, shape, n)
    return [_FUSED_KID, fn, first[2], first[3], "+".join(L[4] for L in chain), attrs, len(inputs),
            list(inputs) + [out_view]]
