"""Memory planning of a captured graph (see gluonx/_core/_graph.pxi).

A dry run gives the kernel launches of a graph with fake addresses.  Here
every tensor of every launch is resolved to what it points into:

* a *buffer* (a fake allocation of the dry run): intermediate values.
  Buffers get offsets in one arena from their liveness (first to last
  launch that touches them): two buffers share memory when their lifetimes
  do not overlap, and an elementwise kernel writes in place over an input
  that dies at that launch;
* an *external* (a placeholder: graph input, head gradient);
* a *result* buffer (graph outputs and input gradients): fresh arrays per
  call, since the caller keeps them;
* a *pinned* array (a constant the dry run made, kept by the plan) or an
  inline *constant* (a number operand).

The result is a :class:`gluonx._core.ndarray.Program` plus the slot layout.
"""
from __future__ import annotations

import bisect
from typing import Optional

from gluonx._core import ndarray as _c
from gluonx.base import MXNetError

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


def _align(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


class Resolver:
    """Maps captured addresses to (kind, key, byte offset)."""

    def __init__(self, cap):
        allocs = sorted(cap.allocs)
        self.alloc_addr = [a for a, _ in allocs]
        self.alloc_size = [n for _, n in allocs]
        ext = sorted((a, n, k) for a, (n, k) in cap.externals.items())
        self.ext_addr = [a for a, _, _ in ext]
        self.ext = ext

    def buffer(self, addr: int) -> Optional[tuple]:
        i = bisect.bisect_right(self.alloc_addr, addr) - 1
        if i >= 0 and addr < self.alloc_addr[i] + max(self.alloc_size[i], 1):
            return i, addr - self.alloc_addr[i]
        return None

    def external(self, addr: int) -> Optional[tuple]:
        i = bisect.bisect_right(self.ext_addr, addr) - 1
        if i >= 0:
            a, n, key = self.ext[i]
            if addr < a + max(n, 1):
                return key, addr - a
        return None

    def resolve(self, addr, src):
        """('buf', index, off) | ('ext', key, off) | ('pin', owner, off)."""
        b = self.buffer(addr)
        if b is not None:
            return ("buf",) + b
        e = self.external(addr)
        if e is not None:
            return ("ext",) + e
        if isinstance(src, _c.NDArray):
            owner, off = _c.array_owner(src)
            if off is not None and isinstance(owner, _c.NDArray):
                return ("pin", owner, addr - owner._data_ptr)
        raise MXNetError("graph plan: a kernel reads memory that is neither an input of the graph nor made "
                         "by it (address %#x)" % addr)


class Plan:
    """A compiled graph: the program and how to fill its slots per call.

    slots: 0 the arena, 1 the constant pool, then externals (by key),
    result buffers, pinned arrays.  results: {buffer index: (slot, nbytes)}.
    """

    def __init__(self):
        self.program = None
        self.arena_bytes = 0
        self.ext_slots = {}       # key -> slot
        self.result_slots = {}    # buffer index -> (slot, nbytes, dtype)
        self.result_info = {}     # slot -> (elements, dtype) of a fresh result array
        self.pinned = []          # (slot, owner NDArray)
        self.const_pool = None    # NDArray (uint8) of the inline constants
        self.nslots = 2
        self.forward_end = 0
        self.outputs = []         # per output: (slot, byte offset, shape, strides, dtype)
        self.grads = []           # per differentiated input: same, or None
        self.stats = {}

    def bases(self, arena, externals: dict, results: dict) -> list:
        b = [None] * self.nslots
        b[0] = arena
        b[1] = self.const_pool
        for key, slot in self.ext_slots.items():
            b[slot] = externals.get(key)
        for slot, arr in results.items():
            b[slot] = arr
        for slot, owner in self.pinned:
            b[slot] = owner
        return b


def build_plan(cap, outputs: list, grads: list, forward_end: int, fuse: bool = True) -> Plan:
    """Plans `cap` (a Capture): `outputs`/`grads` are the dry run's result
    arrays (grads may hold None)."""
    from gluonx.symbol.fusion import fuse_launches
    res = Resolver(cap)
    plan = Plan()
    launches = []   # [kid, fn, dev_type, dev_id, opname, attrs, nin, [(kind, key, off, dtype, shape, strides)]]
    consts = bytearray()
    for kid, fn, dt, di, opname, ab, nin, tensors in cap.launches:
        ts = []
        for t in tensors:
            if t[0] is None:          # a number operand: into the constant pool
                off = len(consts)
                consts += t[5] + bytes((-len(t[5])) % 8)
                ts.append(("const", 0, off, t[1], t[2], t[3]))
            else:
                kind, key, off = res.resolve(t[0], t[4])
                ts.append((kind, key, off, t[1], t[2], t[3]))
        launches.append([kid, fn, dt, di, opname, ab, nin, ts])

    def result_of(arr, what):
        if arr is None:
            return None
        r = res.buffer(arr._data_ptr)
        if r is None:
            raise MXNetError("graph plan: %s is not computed by the graph" % what)
        return r

    result_bufs = {}
    out_specs = []
    for k, arr in enumerate(list(outputs) + list(grads)):
        r = result_of(arr, "output %d" % k)
        if r is None:
            out_specs.append(None)
            continue
        buf, off = r
        dtype = _c.dtype_name(_c.dtype_flag(arr.dtype))
        prev = result_bufs.get(buf)
        if prev is not None and prev != dtype:
            raise MXNetError("graph plan: one buffer holds results of two dtypes")
        result_bufs[buf] = dtype
        out_specs.append((buf, off, arr.shape, arr.strides, dtype))
    if fuse:
        launches, forward_end = fuse_launches(launches, forward_end, set(result_bufs), res, bytes(consts))
    plan.forward_end = forward_end
    first, last = {}, {}
    for i, L in enumerate(launches):
        for t in L[7]:
            if t[0] == "buf":
                first.setdefault(t[1], i)
                last[t[1]] = i
    alias = _inplace_aliases(launches, first, last, result_bufs, res)
    offsets, arena = _assign_offsets(first, last, alias, res, result_bufs)
    plan.arena_bytes = arena
    # slots
    slot = 2
    ext_keys = sorted({t[1] for L in launches for t in L[7] if t[0] == "ext"}, key=repr)
    for key in ext_keys:
        plan.ext_slots[key] = slot
        slot += 1
    for buf, dtype in result_bufs.items():
        plan.result_slots[buf] = (slot, res.alloc_size[buf], dtype)
        isz = _c.dtype_itemsize(_c.dtype_flag(dtype))
        plan.result_info[slot] = ((res.alloc_size[buf] + isz - 1) // isz, dtype)
        slot += 1
    pin_slot = {}
    for L in launches:
        for t in L[7]:
            if t[0] == "pin" and id(t[1]) not in pin_slot:
                pin_slot[id(t[1])] = slot
                plan.pinned.append((slot, t[1]))
                slot += 1
    plan.nslots = slot
    specs = []
    for kid, fn, dt, di, opname, ab, nin, ts in launches:
        pts = []
        for kind, key, off, dtype, shape, strides in ts:
            if kind == "buf":
                if key in result_bufs:
                    s, o = plan.result_slots[key][0], off
                else:
                    root = alias.get(key, key)
                    s, o = 0, offsets[root] + off
            elif kind == "ext":
                s, o = plan.ext_slots[key], off
            elif kind == "pin":
                s, o = pin_slot[id(key)], off
            else:
                s, o = 1, off
            pts.append((s, o, dtype, shape, strides))
        specs.append((fn, dt, di, opname, ab, nin, pts))
    plan.program = _c.Program(specs, plan.nslots)
    if consts:
        import numpy as np
        plan.const_pool = _c.array_from_numpy(np.frombuffer(bytes(consts), dtype=np.uint8), "uint8")
    n_out = len(outputs)
    conv = [None if s is None else (plan.result_slots[s[0]][0],) + s[1:] for s in out_specs]
    plan.outputs, plan.grads = conv[:n_out], conv[n_out:]
    plan.stats = {"launches": len(launches), "captured_launches": len(cap.launches),
                  "fused": sum(1 for L in launches if "+" in L[4]),
                  "buffers": len(first), "arena_bytes": arena,
                  "unplanned_bytes": sum(_align(res.alloc_size[b]) for b in first if b not in result_bufs),
                  "inplace": len(alias)}
    return plan


def _inplace_aliases(launches, first, last, result_bufs, res) -> dict:
    """{buffer: buffer whose memory it takes}: an elementwise launch writing
    a buffer born there over an input buffer that dies there, with the same
    layout (offset, shape, strides, itemsize)."""
    alias = {}
    for i, L in enumerate(launches):
        if _c.kernel_name(L[0]) not in INPLACE_KERNELS:
            continue
        nin, ts = L[6], L[7]
        for o in ts[nin:]:
            if o[0] != "buf" or o[1] in result_bufs or first[o[1]] != i or o[1] in alias:
                continue
            for t in ts[:nin]:
                if (t[0] == "buf" and t[1] != o[1] and last[t[1]] == i and t[1] not in result_bufs
                        and t[2] == o[2] and t[4] == o[4] and t[5] == o[5]
                        and _c.dtype_itemsize(t[3]) == _c.dtype_itemsize(o[3])
                        and res.alloc_size[o[1]] <= res.alloc_size[alias.get(t[1], t[1])]):
                    root = alias.get(t[1], t[1])
                    alias[o[1]] = root
                    last[root] = max(last[root], last[o[1]])
                    break
    return alias


def _assign_offsets(first, last, alias, res, result_bufs) -> tuple[dict, int]:
    """Arena offsets by greedy best fit over lifetimes, biggest buffers first."""
    bufs = [b for b in first if b not in result_bufs and b not in alias]
    bufs.sort(key=lambda b: (-res.alloc_size[b], first[b]))
    placed = []      # (start, end, offset, size)
    offsets = {}
    top = 0
    for b in bufs:
        size = _align(max(res.alloc_size[b], 1))
        s, e = first[b], last[b]
        busy = sorted((o, o + n) for (ps, pe, o, n) in placed if not (pe < s or ps > e))
        off = 0
        for lo, hi in busy:
            if off + size <= lo:
                break
            off = max(off, hi)
        offsets[b] = off
        placed.append((s, e, off, size))
        top = max(top, off + size)
    return offsets, top
