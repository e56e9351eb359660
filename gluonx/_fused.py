"""Programs for the ``fused_elemwise`` kernel: a chain of elementwise
operations run in one pass over memory (contract and opcodes in
include/gluonx/attrs.h, CPU kernel in backends/cpu/fused.c).

A program is straight-line code over 16 registers of whole-array values.
:class:`FusedProgram` builds one in SSA form: every call returns a new value
handle (inputs are handles ``0 .. n_inputs-1``, which are also their
registers); :meth:`FusedProgram.pack` drops instructions the result does not
need, assigns registers (a register is reused once its value is dead) and
returns the ``gx_fused_attrs`` bytes.

>>> p = FusedProgram(2)
>>> r = p.binary('add', p.input(0), p.input(1))
>>> r = p.unary('relu', r)
>>> attrs = p.pack()
>>> len(attrs) == ATTRS_SIZE
True

Launch: ``gluonx._core.ndarray.launch("fused_elemwise", inputs, [out],
attrs, "fused_elemwise")`` with every input already viewed at the output's
shape (stride 0 on broadcast axes), or :func:`launch`.

For a graph compiler: :data:`UNARY_KERNELS` and :data:`BINARY_KERNELS` map
the CPU backend's single-op kernel names to opcodes, :func:`act_opcode` maps
an ``nn_act`` kind (its ``slope`` goes to ``imm``); the ``clip`` kernel is the
``clip`` opcode with ``imm = a_min``, ``imm2 = a_max``.  A binary kernel whose
operand is a broadcast Python scalar becomes :meth:`FusedProgram.scalar`.
"""
import struct

__all__ = ["FusedProgram", "OPCODES", "UNARY_KERNELS", "BINARY_KERNELS", "act_opcode",
           "decode", "launch", "ATTRS_FORMAT", "ATTRS_SIZE", "MAX_INSTR", "MAX_REGS", "MAX_INPUTS"]

MAX_INSTR = 32   # GX_FUSED_MAX_INSTR
MAX_REGS = 16    # GX_FUSED_MAX_REGS
MAX_INPUTS = 8   # GX_FUSED_MAX_INPUTS

# gx_fused_attrs: int32 n_instr, int32 n_inputs, then MAX_INSTR instructions
# {int32 op, dst, a, b; double imm, imm2} (32 bytes each, no padding).
_HEAD = "<ii"
_INSTR = "iiiidd"
ATTRS_FORMAT = _HEAD + _INSTR * MAX_INSTR
ATTRS_SIZE = struct.calcsize(ATTRS_FORMAT)   # 1032

# The order is the ABI (enum GX_FOP_* in attrs.h); new opcodes are appended.
_OPCODE_NAMES = (
    "copy",
    "negative", "abs", "square", "sqrt", "rsqrt", "reciprocal", "exp", "expm1", "log",
    "log1p", "sin", "cos", "tanh", "sigmoid", "relu", "softsign", "softrelu", "erf", "sign",
    "floor", "ceil", "round", "trunc",
    "leaky", "elu", "selu", "gelu", "clip",
    "add", "sub", "mul", "div", "maximum", "minimum", "power", "hypot", "greater",
    "greater_equal", "lesser", "lesser_equal", "equal", "not_equal",
    "rsub", "rdiv", "rpower",
    "muladd", "const",
    "cbrt", "rcbrt", "log2", "log10", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "arcsinh", "arccosh", "arctanh", "degrees", "radians", "rint", "logical_not",
    "mod", "arctan2", "logical_and", "logical_or", "logical_xor",
)
OPCODES = {name: i for i, name in enumerate(_OPCODE_NAMES)}

# Ops of one register (imm / imm2 used by the parametric and reversed ones).
_UNARY = frozenset(["copy", "negative", "abs", "square", "sqrt", "rsqrt", "reciprocal", "exp",
                    "expm1", "log", "log1p", "sin", "cos", "tanh", "sigmoid", "relu", "softsign",
                    "softrelu", "erf", "sign", "floor", "ceil", "round", "trunc", "cbrt", "rcbrt",
                    "log2", "log10", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
                    "arcsinh", "arccosh", "arctanh", "degrees", "radians", "rint",
                    "logical_not"])
_PARAMETRIC = frozenset(["leaky", "elu", "selu", "gelu", "clip", "rsub", "rdiv", "rpower"])
_BINARY = frozenset(["add", "sub", "mul", "div", "maximum", "minimum", "power", "hypot",
                     "greater", "greater_equal", "lesser", "lesser_equal", "equal", "not_equal",
                     "mod", "arctan2", "logical_and", "logical_or", "logical_xor"])
_COMMUTATIVE = frozenset(["add", "mul", "maximum", "minimum", "hypot", "equal", "not_equal",
                          "logical_and", "logical_or", "logical_xor"])
_REVERSED = {"sub": "rsub", "div": "rdiv", "power": "rpower"}
_SWAPPED = {"greater": "lesser", "greater_equal": "lesser_equal", "lesser": "greater",
            "lesser_equal": "greater_equal"}
_READS_B = _BINARY | {"muladd"}

# Single-op kernels of the CPU backend (float dtypes) -> opcode.
UNARY_KERNELS = {name: name for name in sorted(_UNARY - {"copy", "softrelu"})}
UNARY_KERNELS["fix"] = "trunc"
BINARY_KERNELS = {name: name for name in sorted(_BINARY)}

# nn_act kinds (GX_ACT_* in attrs.h)
ACT_SOFTRELU, ACT_LEAKY, ACT_ELU, ACT_SELU, ACT_GELU = 0, 1, 2, 3, 4
_ACT = {ACT_SOFTRELU: "softrelu", ACT_LEAKY: "leaky", ACT_ELU: "elu", ACT_SELU: "selu",
        ACT_GELU: "gelu"}


def act_opcode(kind: int) -> str:
    """The opcode name of an ``nn_act`` kind (gx_act_attrs.kind); its slope
    is the instruction's ``imm`` (leaky, elu)."""
    try:
        return _ACT[int(kind)]
    except KeyError:
        raise ValueError("act_opcode: unknown nn_act kind %r" % (kind,)) from None


class FusedProgram:
    """Builds a gx_fused_attrs program.

    >>> p = FusedProgram(2); r = p.binary('add', p.input(0), p.input(1)); r = p.unary('relu', r); attrs = p.pack()

    Every method returns a value handle (an int).  Handles of the inputs are
    ``0 .. n_inputs-1``; the others name instruction results and are mapped
    to registers by :meth:`pack`.
    """

    def __init__(self, n_inputs: int):
        n_inputs = int(n_inputs)
        if not 0 <= n_inputs <= MAX_INPUTS:
            raise ValueError("FusedProgram: n_inputs %d outside 0..%d" % (n_inputs, MAX_INPUTS))
        self.n_inputs = n_inputs
        # (op, a, b, imm, imm2): a, b value handles or None; b None = imm operand
        self._ins = []

    def __len__(self):
        return len(self._ins)

    # ---- emitting ---------------------------------------------------------------
    def _check(self, v, what="operand"):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < self.n_inputs + len(self._ins):
            raise ValueError("FusedProgram: %s %r is not a value of this program" % (what, v))
        return v

    def _emit(self, op, a, b, imm=0.0, imm2=0.0):
        self._ins.append((op, a, b, float(imm), float(imm2)))
        return self.n_inputs + len(self._ins) - 1

    def input(self, i: int) -> int:
        """The value (and register) of input i."""
        if not 0 <= int(i) < self.n_inputs:
            raise ValueError("FusedProgram: input %r of %d" % (i, self.n_inputs))
        return int(i)

    def unary(self, op: str, a: int, imm=0.0, imm2=0.0) -> int:
        """``op(a)``: a unary opcode, or a parametric one: leaky / elu (imm the
        slope), selu, gelu, clip (imm, imm2 the bounds), rsub / rdiv / rpower
        (imm the left operand)."""
        if op not in _UNARY and op not in _PARAMETRIC:
            raise ValueError("FusedProgram.unary: %r is not a unary opcode" % (op,))
        return self._emit(op, self._check(a), None, imm, imm2)

    def binary(self, op: str, a: int, b: int) -> int:
        """``a op b`` for two values."""
        if op not in _BINARY:
            raise ValueError("FusedProgram.binary: %r is not a binary opcode" % (op,))
        return self._emit(op, self._check(a), self._check(b))

    def scalar(self, op: str, a: int, value: float, reverse: bool = False) -> int:
        """``a op value``, or ``value op a`` with reverse=True.  The scalar is
        converted to the arrays' dtype, as a Python scalar operand of the
        binary kernels is."""
        if op not in _BINARY:
            raise ValueError("FusedProgram.scalar: %r is not a binary opcode" % (op,))
        a = self._check(a)
        if not reverse or op in _COMMUTATIVE:
            return self._emit(op, a, None, value)
        if op in _REVERSED:
            return self._emit(_REVERSED[op], a, None, value)
        if op in _SWAPPED:
            return self._emit(_SWAPPED[op], a, None, value)
        return self.binary(op, self.const(value), a)  # mod, arctan2

    def const(self, value: float) -> int:
        """A constant (converted to the arrays' dtype)."""
        return self._emit("const", None, None, value)

    def muladd(self, a: int, b, addend: float) -> int:
        """``a * b + addend`` (b a value or a number), rounded as mul then add."""
        a = self._check(a)
        if isinstance(b, int) and not isinstance(b, bool):
            return self._emit("muladd", a, self._check(b), 0.0, addend)
        return self._emit("muladd", a, None, b, addend)

    # ---- packing ----------------------------------------------------------------
    def instructions(self, result=None):
        """The packed program as (op name, dst, a, b, imm, imm2) tuples."""
        return self._lower(result)

    def _lower(self, result=None):
        n_in, ins = self.n_inputs, list(self._ins)
        if result is None:
            if not ins:
                if n_in == 0:
                    raise ValueError("FusedProgram: empty program without inputs")
                result = 0
            else:
                result = n_in + len(ins) - 1
        result = self._check(result, "result")
        if result < n_in:  # an input as the result: copy it
            ins.append(("copy", result, None, 0.0, 0.0))
            result = n_in + len(ins) - 1
        # dead code: keep what the result needs
        live = [False] * len(ins)
        need = {result}
        for j in range(len(ins) - 1, -1, -1):
            if n_in + j in need:
                live[j] = True
                op, a, b = ins[j][:3]
                need.update(v for v in (a, b) if v is not None)
        order = [j for j in range(len(ins)) if live[j]]
        if len(order) > MAX_INSTR:
            raise ValueError("FusedProgram: %d instructions, at most %d" % (len(order), MAX_INSTR))
        last_use = {}
        for pos, j in enumerate(order):
            for v in ins[j][1:3]:
                if v is not None:
                    last_use[v] = pos
        # registers: inputs in 0..n_in-1; a register is free once its value is dead
        reg = {i: i for i in range(n_in)}
        free = set(range(n_in, MAX_REGS)) | {i for i in range(n_in) if i not in last_use}
        out = []
        prev = None  # register written by the previous instruction
        for pos, j in enumerate(order):
            op, a, b, imm, imm2 = ins[j]
            ra = reg[a] if a is not None else 0
            rb = reg[b] if b is not None else -1
            released = []
            for v in (a, b):
                if v is not None and last_use.get(v) == pos and reg[v] not in free:
                    free.add(reg[v])
                    released.append(reg[v])
            if released:
                # in place, on the chain's register if it is free: the buffer is
                # hot, and the kernel runs op+relu and mul+add chains as one loop
                dst = prev if prev in released else released[0]
            elif free:
                dst = min(free)
            else:
                raise ValueError("FusedProgram: the program needs more than %d registers" % MAX_REGS)
            free.discard(dst)
            reg[n_in + j] = dst
            prev = dst
            if op not in _READS_B:
                rb = -1
            out.append((op, dst, ra, rb, imm, imm2))
        return out

    def pack(self, result=None) -> bytes:
        """The gx_fused_attrs bytes (ATTRS_SIZE of them).  `result`: the value
        the program computes, by default the last one emitted.  Raises
        ValueError when the program needs more than MAX_INSTR instructions or
        MAX_REGS registers."""
        code = self._lower(result)
        flat = []
        for op, dst, a, b, imm, imm2 in code:
            flat += [OPCODES[op], dst, a, b, imm, imm2]
        flat += [0, 0, 0, -1, 0.0, 0.0] * (MAX_INSTR - len(code))
        return struct.pack(ATTRS_FORMAT, len(code), self.n_inputs, *flat)


def decode(attrs: bytes):
    """(n_inputs, [(op name, dst, a, b, imm, imm2), ...]) of packed attrs."""
    vals = struct.unpack(ATTRS_FORMAT, bytes(attrs[:ATTRS_SIZE]))
    n_instr, n_inputs = vals[0], vals[1]
    code = []
    for j in range(max(0, min(n_instr, MAX_INSTR))):
        op, dst, a, b, imm, imm2 = vals[2 + 6 * j: 8 + 6 * j]
        name = _OPCODE_NAMES[op] if 0 <= op < len(_OPCODE_NAMES) else op
        code.append((name, dst, a, b, imm, imm2))
    return n_inputs, code


def launch(attrs: bytes, inputs, out):
    """Runs a packed program: `inputs` already at `out`'s shape (stride-0
    views for broadcasting, e.g. gluonx._core.ndarray.as_strided), `out`
    written (it may be one of the inputs).  Returns out."""
    from gluonx._core import ndarray as _c
    _c.launch("fused_elemwise", list(inputs), [out], attrs, "fused_elemwise")
    return out
