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
from gluonx.symbol import memory
from gluonx.symbol.fusion import fuse_launches

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


def build_plan(cap, outputs: list, grads: list, forward_end: int, fuse: bool = True,
               remat: bool = True) -> Plan:
    """Plans `cap` (a Capture): `outputs`/`grads` are the dry run's result
    arrays (grads may hold None)."""
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
    result_bufs = {}
    out_specs = []
    for k, arr in enumerate(list(outputs) + list(grads)):
        if arr is None:
            out_specs.append(None)
            continue
        r = res.buffer(arr._data_ptr)
        if r is None:
            raise MXNetError("graph plan: output %d is not computed by the graph" % k)
        buf, off = r
        dtype = _c.dtype_name(_c.dtype_flag(arr.dtype))
        if result_bufs.get(buf, dtype) != dtype:
            raise MXNetError("graph plan: one buffer holds results of two dtypes")
        result_bufs[buf] = dtype
        out_specs.append((buf, off, arr.shape, arr.strides, dtype))
    n_captured = len(launches)
    sizes = list(res.alloc_size)
    if fuse:
        launches, forward_end = fuse_launches(launches, forward_end, set(result_bufs), res, bytes(consts))
    if remat and forward_end < len(launches):
        launches, forward_end = memory.rematerialize(launches, forward_end, set(result_bufs), sizes,
                                                     _c.kernel_name)
    plan.forward_end = forward_end
    plan.launches, plan.sizes, plan.result_bufs = launches, sizes, result_bufs
    if consts:
        import numpy as np
        plan.const_pool = _c.array_from_numpy(np.frombuffer(bytes(consts), dtype=np.uint8), "uint8")
    _slots(plan)
    n_out = len(outputs)
    conv = [None if s is None else (plan.result_slots[s[0]][0],) + s[1:] for s in out_specs]
    plan.outputs, plan.grads = conv[:n_out], conv[n_out:]
    layout(plan)
    plan.stats.update({"captured_launches": n_captured, "fused": sum(1 for L in launches if "+" in L[4]),
                       "recomputed": sum(1 for L in launches if L[4].endswith("(again)"))})
    return plan


def _slots(plan: Plan) -> None:
    """Slot numbers: 0 arena, 1 constants, then externals, results, pinned arrays."""
    slot = 2
    for key in sorted({t[1] for L in plan.launches for t in L[7] if t[0] == "ext"}, key=repr):
        plan.ext_slots[key] = slot
        slot += 1
    for buf, dtype in plan.result_bufs.items():
        plan.result_slots[buf] = (slot, plan.sizes[buf], dtype)
        isz = _c.dtype_itemsize(_c.dtype_flag(dtype))
        plan.result_info[slot] = ((plan.sizes[buf] + isz - 1) // isz, dtype)
        slot += 1
    plan.pin_slot = {}
    for L in plan.launches:
        for t in L[7]:
            if t[0] == "pin" and id(t[1]) not in plan.pin_slot:
                plan.pin_slot[id(t[1])] = slot
                plan.pinned.append((slot, t[1]))
                slot += 1
    plan.nslots = slot


def layout(plan: Plan, scratch: Optional[list] = None) -> None:
    """Arena offsets and the Program.  `scratch`: bytes each launch's kernel
    takes as scratch (measured by a run); each becomes a buffer living during
    its launch, so the workspace shares the arena."""
    launches, sizes, keep = plan.launches, list(plan.sizes), plan.result_bufs
    first, last = memory.lifetimes(launches)
    alias = memory.inplace_aliases(launches, first, last, keep, sizes, _c.kernel_name, _c.dtype_itemsize)
    bufs = [b for b in first if b not in keep and b not in alias]
    intervals = [(first[b], last[b], sizes[b]) for b in bufs]
    scratch_at = []
    for i, need in enumerate(scratch or ()):
        if need:
            scratch_at.append(i)
            intervals.append((i, i, need))
    offs, arena = memory.assign_offsets(intervals)
    offsets = dict(zip(bufs, offs))
    plan.arena_bytes = arena
    sc = None
    if scratch is not None:
        sc = [None] * len(launches)
        for k, i in enumerate(scratch_at):
            sc[i] = (offs[len(bufs) + k], scratch[i])
    specs = []
    for kid, fn, dt, di, opname, ab, nin, ts in launches:
        pts = []
        for kind, key, off, dtype, shape, strides in ts:
            if kind == "buf":
                if key in keep:
                    s, o = plan.result_slots[key][0], off
                else:
                    s, o = 0, offsets[alias.get(key, key)] + off
            elif kind == "ext":
                s, o = plan.ext_slots[key], off
            elif kind == "pin":
                s, o = plan.pin_slot[id(key)], off
            else:
                s, o = 1, off
            pts.append((s, o, dtype, shape, strides))
        specs.append((fn, dt, di, opname, ab, nin, pts))
    plan.program = _c.Program(specs, plan.nslots, sc)
    plan.stats.update({"launches": len(launches), "buffers": len(first), "arena_bytes": arena,
                       "unplanned_bytes": sum(memory.align(sizes[b]) for b in first if b not in keep),
                       "inplace": len(alias), "scratch_in_arena": scratch is not None})
