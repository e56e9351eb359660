"""A graph compiled per input signature and run as one operation:
``hybridize()``'s cached op and the Executor's engine.

The first call with a new signature (input shapes, dtypes, device, train
mode, which inputs need gradients) traces the graph in a dry run (no
memory, no kernels; gluonx/_core/_graph.pxi) and plans it (planner.py):
for inference the forward launches, for training the forward and the
backward the operators' gradient rules produce, in one arena.  Later calls
replay the program from C.  Inside ``autograd.record()`` a call is one tape
node whose rule replays the backward part.

A graph whose dry run reads values on the host (``asnumpy`` inside an
operator) runs operator by operator instead (``fallback_reason`` says why).
"""
from __future__ import annotations

import warnings
from typing import Optional

from gluonx._core import ndarray as _c
from gluonx.base import MXNetError, MXNetValueError
from gluonx.symbol.graph import topo_order
from gluonx.symbol.planner import build_plan, layout


def interpret(order: list, heads: list, env: dict) -> list:
    """Runs the graph operator by operator: env maps id(variable node) to
    its array; returns the arrays of `heads`."""
    vals = {}
    remaining = {}
    for node in order:
        for src, _ in node.inputs:
            remaining[id(src)] = remaining.get(id(src), 0) + 1
    keep = {id(n) for n, _ in heads}
    for node in order:
        if node.op is None:
            try:
                vals[id(node)] = [env[id(node)]]
            except KeyError:
                raise MXNetValueError("graph input '%s' has no value" % node.name) from None
            continue
        ins = [vals[id(src)][i] for src, i in node.inputs]
        if len(ins) != len(node.op.inputs) and not node.op.variadic:
            ins = [ins[k] if k is not None else None for k in node.op_slots()]
        try:
            out = node.op.invoke(ins, node.params)
        except _c.CaptureAbort:
            raise
        except MXNetError as e:
            raise type(e)("Error in operator %s: %s" % (node.name, e)) from None
        vals[id(node)] = list(out) if isinstance(out, (list, tuple)) else [out]
        for src, _ in node.inputs:
            remaining[id(src)] -= 1
            if remaining[id(src)] == 0 and id(src) not in keep:
                vals.pop(id(src), None)
    return [vals[id(n)][i] for n, i in heads]


class _EagerState:
    """What the backward of a forward run operator by operator needs: the
    recorded outputs and the stand-ins of the inputs."""

    def __init__(self, vars_: list, outs: list, mask: tuple):
        self.vars = vars_
        self.outs = outs
        self.mask = mask

    def backward(self, head_grads: list, keep: bool) -> list:
        if self.outs is None:
            raise MXNetError("graph: its saved values were released by an earlier backward; pass "
                             "retain_graph=True to the first backward to run it twice")
        pairs = [(o, g) for o, g in zip(self.outs, head_grads) if o._ag is not None]
        wrt = [v for v, m in zip(self.vars, self.mask) if m]
        if pairs:
            got = _c.run_backward([o for o, _ in pairs], [g if g is None else _c.contiguous(g) for _, g in pairs],
                                  keep, False, wrt)
        else:
            got = [_c.full(v.shape, 0, v.dtype, v.context) for v in wrt]
        if not keep:
            self.outs = None
        it = iter(got)
        return [next(it) if m else None for m in self.mask]


class ResultSpec:
    """Address, shape, strides and dtype of a dry run's result array."""

    __slots__ = ("_data_ptr", "shape", "strides", "dtype")

    def __init__(self, arr):
        self._data_ptr = arr._data_ptr
        self.shape = arr.shape
        self.strides = arr.strides
        self.dtype = arr.dtype


class _Compiled:
    """One signature's plan plus what its calls need."""

    def __init__(self, plan, train_grads: Optional[tuple]):
        self.plan = plan
        self.train_grads = train_grads      # per input: needs a gradient (None: inference plan)
        self.spare_arena = None
        self.release_cache = False


class CachedGraph:
    """A Symbol compiled per input signature.

    inputs: the graph's input variables in ``list_inputs()`` order; calls
    pass one array per input.
    """

    def __init__(self, sym, static_alloc: bool = False, static_shape: bool = False, fuse: bool = True):
        self.sym = sym
        self.heads = list(sym._outputs)
        self.order = topo_order(self.heads)
        self.inputs = [n for n in self.order if n.op is None]
        self.input_names = [n.name for n in self.inputs]
        self.static_alloc = static_alloc
        self.static_shape = static_shape
        self.fuse = fuse
        self._plans = {}
        # an operator that runs Python code on every call (Custom) rules out a compiled replay
        python_op = next((n for n in self.order if n.op is not None and not n.op.replayable), None)
        self._python_op = None if python_op is None else "operator %s (%s) runs Python code on every call" % (
            python_op.name, python_op.op.name)
        self.fallback_reason = self._python_op
        self.launch_times = None    # set to a list to collect (op name, seconds) of each launch

    # ---- compile ------------------------------------------------------------------
    def _signature(self, arrays, train: bool, grads: tuple) -> tuple:
        return (tuple((a.shape, a.dtype, a.context) for a in arrays), train, grads)

    def _capture(self, arrays, train: bool, grads: Optional[tuple]):
        cap = _c.Capture()
        outs, gouts = [], []
        state = _c.get_state()
        _c.capture_begin(cap)
        try:
            _c.set_state(1 if grads else 0, 1 if train else 0, 1)
            env = {}
            phs = []
            for k, (node, a) in enumerate(zip(self.inputs, arrays)):
                ph = _c.placeholder(a.shape, _c.dtype_name(_c.dtype_flag(a.dtype)), ("in", k))
                if grads and grads[k]:
                    _c.mark_variable(ph, None, "write")
                env[id(node)] = ph
                phs.append(ph)
            outs = interpret(self.order, self.heads, env)
            outs = [self._owned(o, cap) for o in outs]
            forward_end = len(cap.launches)
            if grads and any(grads):
                heads = [_c.placeholder(o.shape, _c.dtype_name(_c.dtype_flag(o.dtype)), ("head", j))
                         for j, o in enumerate(outs)]
                wrt = [ph for ph, g in zip(phs, grads) if g]
                got = _c.run_backward(list(outs), heads, False, False, wrt)
                it = iter(got)
                gouts = [self._owned(next(it), cap) if g else None for g in grads]
            # what the plan needs of the results, read before capture_end empties them
            outs = [ResultSpec(o) for o in outs]
            gouts = [ResultSpec(g) if g is not None else None for g in gouts]
        finally:
            _c.capture_end()
            _c.set_state(*state)
        return cap, outs, gouts, forward_end

    @staticmethod
    def _owned(arr, cap):
        """The array itself when the dry run allocated it, else a copy (a graph
        output must not be an input, which the caller owns)."""
        addr = arr._data_ptr
        for a, n in cap.allocs:
            if a <= addr < a + max(n, 1):
                return arr
        return _c.astype(arr, arr.dtype)

    def compile(self, arrays, train: bool, grads: Optional[tuple]):
        if self._python_op is not None:
            return False
        key = self._signature(arrays, train, grads)
        compiled = self._plans.get(key)
        if compiled is None:
            try:
                cap, outs, gouts, fend = self._capture(arrays, train, grads)
                plan = build_plan(cap, outs, gouts, fend, fuse=self.fuse)
                compiled = _Compiled(plan, grads)
                # the arena replaces what eager runs left in the host cache: hand that back first
                _c.host_cache_release()
            except _c.CaptureAbort as e:
                if self.fallback_reason is None:
                    warnings.warn("hybridize: the graph runs operator by operator (%s)" % e, stacklevel=4)
                self.fallback_reason = str(e)
                compiled = False
            self._plans[key] = compiled
        return compiled

    # ---- run ------------------------------------------------------------------------
    def __call__(self, arrays: list) -> list:
        """Runs the graph on `arrays` (one per input); inside autograd.record()
        the call is recorded as one operation."""
        if len(arrays) != len(self.inputs):
            raise MXNetValueError("graph: %d inputs given, the graph takes %d (%s)"
                                  % (len(arrays), len(self.inputs), ", ".join(self.input_names)))
        arrays = [_c.contiguous(a) for a in arrays]
        mask = _c.grad_mask(arrays)
        train = _c.is_training()
        grads = mask if any(mask) else None
        compiled = self.compile(arrays, train, grads)
        if compiled is False:
            env = {id(n): a for n, a in zip(self.inputs, arrays)}
            return interpret(self.order, self.heads, env)
        outs, state = self._forward(compiled, arrays)
        if grads is None:
            self._give_back_arena(compiled, state[1])
            self._settle(compiled)
            return outs
        self._record(compiled, arrays, outs, state)
        return outs

    def _forward(self, compiled, arrays):
        """Runs the forward launches: (outputs, the state the backward needs).
        The state keeps the program and arena of this call: a later call may
        re-plan (scratch into the arena) while this one waits for its backward."""
        plan = compiled.plan
        program = plan.program
        arena = self._take_arena(compiled)
        ext = {("in", k): a for k, a in enumerate(arrays)}
        results = self._fresh_results(plan, plan.outputs)
        program.run(plan.bases(arena, ext, results), 0, plan.forward_end, self.launch_times)
        outs = [self._view(results, spec) for spec in plan.outputs]
        return outs, [compiled, arena, ext, results, outs, program]

    def forward_backward_parts(self, arrays: list, train: bool, grads: tuple):
        """For the Executor: (outputs, state) after the forward part; pass
        state to :meth:`run_backward`."""
        arrays = [_c.contiguous(a) for a in arrays]
        compiled = self.compile(arrays, train, grads if any(grads) else None)
        if compiled is False:
            return self._eager_parts(arrays, train, grads)
        return self._forward(compiled, arrays)

    def _eager_parts(self, arrays: list, train: bool, grads: tuple):
        """forward_backward_parts of a graph that runs operator by operator:
        the forward is recorded on the tape, from stand-ins of the inputs
        (sharing their memory, so auxiliary states still update)."""
        vars_ = [a.detach() for a in arrays]
        for v, m in zip(vars_, grads):
            if m:
                _c.mark_variable(v, None, "write")
        state = _c.get_state()
        try:
            _c.set_state(1, 1 if train else 0, 1)
            outs = interpret(self.order, self.heads, {id(n): v for n, v in zip(self.inputs, vars_)})
        finally:
            _c.set_state(*state)
        return [o.detach() for o in outs], _EagerState(vars_, outs, grads)

    def run_backward(self, state, head_grads: list, keep: bool = False, into: Optional[list] = None) -> list:
        """Runs the backward part; `into` may give, per input, an array to write
        that input's gradient into (a parameter's .grad buffer)."""
        if isinstance(state, _EagerState):
            return state.backward(head_grads, keep)
        compiled, arena, ext, results, outs, program = state
        plan = compiled.plan
        if program is None or (arena is None and plan.arena_bytes):
            raise MXNetError("graph: its saved values were released by an earlier backward; pass "
                             "retain_graph=True to the first backward to run it twice")
        if keep:
            arena = _c.astype(arena, "uint8") if arena is not None else None
        else:
            state[1] = None          # the arena goes back as soon as this backward is done
        ext = dict(ext)
        for j, (o, g) in enumerate(zip(outs, head_grads)):
            ext[("head", j)] = _c.contiguous(g) if g is not None else _c.full(o.shape, 0, o.dtype, o.context)
        gres = {}
        if into:
            for spec, dst in zip(plan.grads, into):
                if dst is not None and spec is not None and self._fits(plan, spec, dst):
                    gres[spec[0]] = dst
        gres.update(self._fresh_results(plan, [s for s in plan.grads if s is not None and s[0] not in gres]))
        gres.update(results)
        program.run(plan.bases(arena, ext, gres), plan.forward_end, len(program), self.launch_times)
        if not keep:
            if program is plan.program:
                self._give_back_arena(compiled, arena)
            # the tape may hold this state a while (the loss array keeps its graph): let go of the
            # program (an old one keeps its workspace) and the forward's results now
            state[2:] = [None] * 4
        self._settle(compiled)
        return [self._view(gres, s) if s is not None else None for s in plan.grads]

    def _record(self, compiled, arrays, outs, state):
        graph = self

        def rule(node, *ograds):
            if _c.is_recording():     # create_graph: differentiate the operators themselves
                return graph._eager_grads(arrays, ograds, compiled.train_grads)
            into = [_c.free_grad_buffer(a) for a in arrays]
            return tuple(graph.run_backward(state, list(ograds), keep=_c.backward_retains_graph(), into=into))

        _c.record_op("_CachedOp", tuple(arrays), tuple(outs), None, rule)

    def _eager_grads(self, arrays, ograds, mask):
        """Gradients by running the operators eagerly under the tape, on
        stand-ins of the inputs that are then linked to them, so that the
        gradients are differentiable again (create_graph)."""
        vars_ = [a.detach() for a in arrays]
        for v, m in zip(vars_, mask):
            if m:
                _c.mark_variable(v, None, "write")
        env = {id(n): v for n, v in zip(self.inputs, vars_)}
        outs = interpret(self.order, self.heads, env)
        wrt = [v for v, m in zip(vars_, mask) if m]
        got = _c.run_backward(list(outs), list(ograds), True, True, wrt)
        for v, a, m in zip(vars_, arrays, mask):
            if m:
                _c.link_copy(v, a)
        it = iter(got)
        return tuple(next(it) if m else None for m in mask)

    # ---- memory ---------------------------------------------------------------------
    @staticmethod
    def _settle(compiled):
        """Once every launch has run (and said how much scratch it takes), plan
        the scratch into the arena too: one layout, no separate workspace."""
        plan = compiled.plan
        if not plan.stats.get("scratch_in_arena") and plan.program.measured:
            before = plan.arena_bytes
            layout(plan, plan.program.scratch_needs())
            plan.stats["arena_bytes_before_scratch"] = before
            compiled.spare_arena = None
            compiled.release_cache = True    # the old arena and workspace, once the call lets go of them

    def _take_arena(self, compiled):
        if compiled.release_cache:
            compiled.release_cache = False
            _c.host_cache_release()
        arena = compiled.spare_arena
        if arena is not None and arena.size >= compiled.plan.arena_bytes:
            compiled.spare_arena = None
            return arena
        n = compiled.plan.arena_bytes
        return _c.empty((n,), "uint8") if n else None

    def _give_back_arena(self, compiled, arena):
        if self.static_alloc:
            compiled.spare_arena = arena

    @staticmethod
    def _fresh_results(plan, specs) -> dict:
        out = {}
        for spec in specs:
            slot = spec[0]
            if slot not in out:
                n, dtype = plan.result_info[slot]
                out[slot] = _c.empty((n,), dtype)
        return out

    @staticmethod
    def _fits(plan, spec, dst) -> bool:
        """Whether gradient `spec` may be computed straight into `dst`: it alone fills its buffer."""
        slot, off, shape, strides, dtype = spec
        n, dt = plan.result_info[slot]
        return (off == 0 and dst.is_contiguous and dst.shape == tuple(shape) and dst.size == n
                and _c.dtype_name(_c.dtype_flag(dst.dtype)) == dt
                and sum(1 for s in plan.grads if s is not None and s[0] == slot) == 1)

    @staticmethod
    def _view(results, spec):
        slot, off, shape, strides, dtype = spec
        base = results[slot]
        return _c.as_strided(base, shape, strides, off // _c.dtype_itemsize(_c.dtype_flag(dtype)))

    def stats(self) -> list:
        """Per compiled signature: launches, buffers, arena bytes ..."""
        return [p.plan.stats for p in self._plans.values() if p]
