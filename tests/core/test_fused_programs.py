"""fused_elemwise: random programs (bit for bit or within ulps), the threaded path, other
dtypes and shapes, malformed programs, and the program builder (see test_fused.py for the
numerics checked)."""

import os
import re
import struct

import numpy as np
import pytest

from gluonx import _fused
from gluonx._core import ndarray as _c
from gluonx._fused import FusedProgram, OPCODES, decode
from gluonx.base import MXNetError

from .fused_check import (BIG, DTYPES, LOOSE, ULP, _bias_relu, _bview, _gaps_untouched, _launch, _nd, _numpy, _out,
                          _strides, _ulp, _unfused, _view)


# ---- random programs ----------------------------------------------------------------------

EXACT_UNARY = ["copy", "negative", "abs", "square", "sqrt", "rsqrt", "reciprocal", "relu",
               "softsign", "sign", "floor", "ceil", "round", "trunc", "rint", "degrees",
               "logical_not", "leaky", "clip", "rsub", "rdiv"]
EXACT_BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "greater", "greater_equal",
                "lesser", "lesser_equal", "equal", "not_equal", "mod", "logical_xor"]
SMOOTH_UNARY = ["negative", "abs", "relu", "softsign", "leaky", "clip", "sigmoid", "tanh", "sin",
                "cos", "erf", "softrelu", "elu", "selu", "gelu", "rsub"]
SMOOTH_BINARY = ["add", "sub", "mul", "maximum", "minimum"]


def _random_program(rng, k, length, unary, binary):
    p = FusedProgram(k)
    vals = [p.input(i) for i in range(k)]
    for _ in range(length):
        r = rng.random()
        a = vals[rng.integers(len(vals))]
        if r < 0.4:
            op = unary[rng.integers(len(unary))]
            imm, imm2 = float(rng.uniform(-1, 1)), 0.0
            if op == "clip":
                imm, imm2 = sorted(float(v) for v in rng.uniform(-1.5, 1.5, 2))
            v = p.unary(op, a, imm, imm2)
        elif r < 0.75:
            v = p.binary(binary[rng.integers(len(binary))], a, vals[rng.integers(len(vals))])
        elif r < 0.95:
            op = binary[rng.integers(len(binary))]
            v = p.scalar(op, a, float(np.round(rng.uniform(-2, 2), 2)), reverse=bool(rng.random() < 0.5))
        else:
            v = p.muladd(a, vals[rng.integers(len(vals))], float(rng.uniform(-1, 1)))
        vals.append(v)
    # the result depends on every input
    r = vals[-1]
    for i in range(k):
        r = p.binary(binary[0], r, p.input(i))
    return p


LAYOUTS = [("contig", "contig"), ("bcast", "contig"), ("mixed", "gapped"), ("mixed", "inplace"),
           ("reversed", "contig")]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS, ids=["-".join(v) for v in LAYOUTS])
@pytest.mark.parametrize("seed", range(6))
def test_random_exact_programs_bitwise(dtype, layout, seed):
    rng = np.random.default_rng(100 + seed)
    shape = [(3, 4, 5), (2, 300), (517,), (2, 3, 2, 67)][seed % 4]
    k = int(rng.integers(1, 5))
    p = _random_program(rng, k, int(rng.integers(3, 14)), EXACT_UNARY, EXACT_BINARY)
    attrs = p.pack()
    kinds = {"contig": ["contig"] * k, "bcast": ["contig"] + ["bcast"] * (k - 1),
             "reversed": ["reversed"] * k,
             "mixed": ["contig"] + [["bcast", "gapped", "reversed"][i % 3] for i in range(k - 1)]}[layout[0]]
    views = [_view(rng, shape, dtype, kd) for kd in kinds]
    ins = [v[0] for v in views]
    ref = _unfused(attrs, ins, shape, dtype)
    np.testing.assert_array_equal(ref, _numpy(attrs, [v[1] for v in views], shape, dtype))
    if layout[1] == "inplace":
        out, wide = ins[0], None
    else:
        out, wide = _out(shape, dtype, layout[1])
    _launch(attrs, ins, out)
    np.testing.assert_array_equal(out.asnumpy(), ref, err_msg=str(decode(attrs)))
    _gaps_untouched(wide)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS, ids=["-".join(v) for v in LAYOUTS])
@pytest.mark.parametrize("seed", range(6))
def test_random_smooth_programs(dtype, layout, seed):
    rng = np.random.default_rng(200 + seed)
    shape = [(3, 4, 5), (2, 300), (517,), (2, 3, 2, 67)][seed % 4]
    k = int(rng.integers(1, 5))
    p = _random_program(rng, k, int(rng.integers(3, 14)), SMOOTH_UNARY, SMOOTH_BINARY)
    attrs = p.pack()
    kinds = {"contig": ["contig"] * k, "bcast": ["contig"] + ["bcast"] * (k - 1),
             "reversed": ["reversed"] * k,
             "mixed": ["contig"] + [["bcast", "gapped", "reversed"][i % 3] for i in range(k - 1)]}[layout[0]]
    views = [_view(rng, shape, dtype, kd) for kd in kinds]
    ins = [v[0] for v in views]
    ref = _unfused(attrs, ins, shape, dtype)
    np.testing.assert_allclose(ref, _numpy(attrs, [v[1] for v in views], shape, dtype), **LOOSE[dtype])
    if layout[1] == "inplace":
        out, wide = ins[0], None
    else:
        out, wide = _out(shape, dtype, layout[1])
    _launch(attrs, ins, out)
    np.testing.assert_allclose(out.asnumpy(), ref, **LOOSE[dtype], err_msg=str(decode(attrs)))
    _gaps_untouched(wide)


# ---- big arrays: the threaded path --------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_big_inplace_1d(dtype):
    n = BIG + 5
    rng = np.random.default_rng(7)
    x = rng.standard_normal(n).astype(dtype)
    s = np.array([1.75], dtype)
    X, S = _nd(x), _nd(s)
    p = FusedProgram(2)
    y = p.binary("mul", p.input(0), p.input(1))
    y = p.scalar("add", y, -0.25)
    y = p.unary("leaky", y, 0.1)
    p.unary("tanh", y)
    attrs = p.pack()
    Sv = _c.as_strided(S, (n,), (0,))
    ref = _unfused(attrs, [X, Sv], (n,), dtype)
    _launch(attrs, [X, Sv], X)
    assert _ulp(X.asnumpy(), ref) <= ULP[dtype]


@pytest.mark.parametrize("dtype", DTYPES)
def test_big_broadcast_strided_out(dtype):
    N, C, L = 4, 3, 349526  # 4194312 elements > GX_OMP_MIN_ELEMS; rows cut between threads
    rng = np.random.default_rng(8)
    x = rng.standard_normal((N, C, L)).astype(dtype)
    b = rng.standard_normal(C).astype(dtype)
    X, B = _nd(x), _nd(b)
    p = FusedProgram(2)
    p.unary("clip", p.binary("sub", p.input(0), p.input(1)), -0.5, 0.75)
    out, wide = _out((N, C, L), dtype, "gapped")
    _launch(p.pack(), [X, _c.as_strided(B, (N, C, L), (0, 1, 0))], out)
    np.testing.assert_array_equal(out.asnumpy(), np.clip(x - b[:, None], -0.5, 0.75))
    _gaps_untouched(wide)


@pytest.mark.parametrize("dtype", DTYPES)
def test_big_short_rows(dtype):
    """7x7 maps: blocks pack many rows (per-channel inputs filled per row),
    split over threads, output strided."""
    N, C, HW = 86, 1000, 49  # 4214000 elements > GX_OMP_MIN_ELEMS
    rng = np.random.default_rng(13)
    x = rng.standard_normal((N, C, HW)).astype(dtype)
    sc, sh = rng.uniform(0.5, 2, C).astype(dtype), rng.standard_normal(C).astype(dtype)
    X = _nd(x)
    p = FusedProgram(3)
    p.unary("relu", p.binary("add", p.binary("mul", 0, 1), 2))
    attrs = p.pack()
    ins = [X, _c.as_strided(_nd(sc), x.shape, (0, 1, 0)), _c.as_strided(_nd(sh), x.shape, (0, 1, 0))]
    ref = np.maximum(x * sc[:, None] + sh[:, None], 0)
    out, wide = _out(x.shape, dtype, "gapped")
    np.testing.assert_array_equal(_launch(attrs, ins, out).asnumpy(), ref)
    _gaps_untouched(wide)
    np.testing.assert_array_equal(_launch(attrs, ins, X).asnumpy(), ref)  # in place


@pytest.mark.parametrize("dtype", DTYPES + [np.float16])
@pytest.mark.parametrize("shape", [(300, 2), (70, 3, 5), (9, 130)])
def test_transposed_and_tiny_rows(dtype, shape):
    """Column-major output, row-broadcast and reversed inputs: rows of 1..5
    elements, blocks of up to 64 of them."""
    rng = np.random.default_rng(14)
    x = rng.uniform(-2, 2, shape).astype(dtype)
    v = rng.uniform(-2, 2, shape[:-1] + (1,)).astype(dtype)
    rv = rng.uniform(-2, 2, shape).astype(dtype)
    V = _bview(_nd(v), shape, {len(shape) - 1})
    R, rv = _view(rng, shape, dtype, "reversed")
    p = FusedProgram(3)
    y = p.binary("sub", p.binary("mul", 0, 1), 2)
    p.unary("abs", y)
    attrs = p.pack()
    out_base = _c.empty(shape[::-1], np.dtype(dtype).name)
    out = _c.as_strided(out_base, shape, _strides(shape[::-1])[::-1])  # column-major
    _launch(attrs, [_nd(x), V, R], out)
    ref = np.abs(x * v - rv) if dtype != np.float16 else np.abs(
        x.astype(np.float32) * v.astype(np.float32) - rv.astype(np.float32)).astype(np.float16)
    np.testing.assert_array_equal(out.asnumpy(), ref)
    np.testing.assert_array_equal(out_base.asnumpy(), np.ascontiguousarray(ref.T))


# ---- other dtypes and shapes --------------------------------------------------------------

def test_float16_bias_relu():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 70)).astype(np.float16)
    b = rng.standard_normal(3).astype(np.float16)
    p = _bias_relu()
    out = _c.empty(x.shape, "float16")
    _launch(p.pack(), [_nd(x), _c.as_strided(_nd(b), x.shape, (0, 1, 0))], out)
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out.asnumpy(), np.maximum(x + b[:, None], 0))


def test_float16_chain_rounds_once():
    x = np.linspace(-3, 3, 301).astype(np.float16)
    p = FusedProgram(1)
    p.unary("sigmoid", p.scalar("mul", 0, 1.5))
    out = _launch(p.pack(), [_nd(x)], _c.empty(x.shape, "float16")).asnumpy()
    ref = (1 / (1 + np.exp(-1.5 * x.astype(np.float64)))).astype(np.float16)
    np.testing.assert_allclose(out.astype(np.float64), ref.astype(np.float64), rtol=1e-3)


@pytest.mark.parametrize("dtype", DTYPES)
def test_no_inputs_const(dtype):
    p = FusedProgram(0)
    p.scalar("mul", p.const(1.5), 3.0)
    out = _launch(p.pack(), [], _c.empty((3, 5), np.dtype(dtype).name))
    np.testing.assert_array_equal(out.asnumpy(), np.full((3, 5), 4.5, dtype))


def test_all_inputs_broadcast_and_empty():
    a = _c.as_strided(_nd(np.array([2.0], np.float32)), (4, 6), (0, 0))
    b = _c.as_strided(_nd(np.arange(6, dtype=np.float32)), (4, 6), (0, 1))
    p = FusedProgram(2)
    p.binary("mul", p.unary("square", 0), 1)
    out = _launch(p.pack(), [a, b], _c.empty((4, 6), "float32"))
    np.testing.assert_array_equal(out.asnumpy(), np.tile(4 * np.arange(6, dtype=np.float32), (4, 1)))
    out = _launch(p.pack(), [_c.empty((0, 3), "float32"), _c.empty((0, 3), "float32")],
                  _c.empty((0, 3), "float32"))
    assert out.shape == (0, 3)


def test_eight_inputs_and_register_reuse():
    rng = np.random.default_rng(10)
    xs = [rng.standard_normal((3, 41)).astype(np.float32) for _ in range(8)]
    p = FusedProgram(8)
    r = p.input(0)
    for i in range(1, 8):
        r = p.binary("add", p.unary("tanh", p.input(i)), r)
    for _ in range(10):
        r = p.unary("negative", r)
    attrs = p.pack()
    _, code = decode(attrs)
    assert max(max(c[1], c[2], c[3]) for c in code) < 8  # inputs' registers reused
    got = _launch(attrs, [_nd(v) for v in xs], _c.empty((3, 41), "float32")).asnumpy()
    ref = _unfused(attrs, [_nd(v) for v in xs], (3, 41), np.float32)
    assert _ulp(got, ref) <= 2


# ---- errors ---------------------------------------------------------------------------------

def _raw(n_inputs, code):
    flat = []
    for ins in code:
        flat += list(ins)
    flat += [0, 0, 0, -1, 0.0, 0.0] * (_fused.MAX_INSTR - len(code))
    return struct.pack(_fused.ATTRS_FORMAT, len(code), n_inputs, *flat)


@pytest.mark.parametrize("n_inputs,code,msg", [
    (1, [(999, 1, 0, -1, 0.0, 0.0)], "opcode"),
    (1, [(-1, 1, 0, -1, 0.0, 0.0)], "opcode"),
    (1, [(OPCODES["relu"], 16, 0, -1, 0.0, 0.0)], "dst"),
    (1, [(OPCODES["relu"], -1, 0, -1, 0.0, 0.0)], "dst"),
    (1, [(OPCODES["relu"], 1, 20, -1, 0.0, 0.0)], "out of range"),
    (1, [(OPCODES["add"], 1, 0, -2, 0.0, 0.0)], "out of range"),
    (1, [(OPCODES["add"], 1, 0, 16, 0.0, 0.0)], "out of range"),
    (1, [(OPCODES["relu"], 1, 5, -1, 0.0, 0.0)], "before it is written"),
    (1, [(OPCODES["add"], 1, 0, 3, 0.0, 0.0)], "before it is written"),
    (2, [(OPCODES["add"], 2, 0, 1, 0.0, 0.0)], "inputs"),
    (1, [], "n_instr"),
])
def test_bad_programs(n_inputs, code, msg):
    x = _nd(np.ones((2, 3), np.float32))
    with pytest.raises(MXNetError, match=msg) as e:
        _launch(_raw(n_inputs, code), [x], _c.empty((2, 3), "float32"))
    assert isinstance(e.value, ValueError)


def test_bad_counts_and_operands():
    x = _nd(np.ones((2, 3), np.float32))
    too_long = struct.pack("<ii", 33, 1) + _raw(1, [(0, 1, 0, -1, 0.0, 0.0)])[8:]
    with pytest.raises(MXNetError, match="n_instr"):
        _launch(too_long, [x], _c.empty((2, 3), "float32"))
    attrs = _bias_relu().pack()
    with pytest.raises(MXNetError, match="inputs"):
        _launch(attrs, [x], _c.empty((2, 3), "float32"))
    with pytest.raises(MXNetError, match="inputs"):
        _launch(attrs, [x, x, x], _c.empty((2, 3), "float32"))
    with pytest.raises(MXNetError, match="shape"):
        _launch(attrs, [x, _nd(np.ones((3,), np.float32))], _c.empty((2, 3), "float32"))
    with pytest.raises(MXNetError) as e:
        _launch(attrs, [x, _nd(np.ones((2, 3), np.float64))], _c.empty((2, 3), "float32"))
    assert isinstance(e.value, TypeError)


# ---- the builder --------------------------------------------------------------------------

def test_opcodes_mirror_header():
    hdr = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "include", "gluonx", "attrs.h")
    with open(hdr) as fh:
        text = fh.read()
    body = re.search(r"enum \{\s*GX_FOP_COPY = 0,(.*?)GX_FOP_COUNT", text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    names = ["copy"] + [n[len("GX_FOP_"):].lower() for n in re.findall(r"GX_FOP_\w+", body)]
    assert {n: i for i, n in enumerate(names)} == OPCODES
    assert struct.calcsize(_fused.ATTRS_FORMAT) == _fused.ATTRS_SIZE == 1032


def test_kernel_maps_name_existing_kernels():
    for name, op in list(_fused.UNARY_KERNELS.items()) + list(_fused.BINARY_KERNELS.items()):
        assert op in OPCODES
        for dt in (0, 1):  # float32, float64
            assert _c.has_kernel(name, 1, dt), name
    assert _c.has_kernel("fused_elemwise", 1, 2)
    assert [_fused.act_opcode(k) for k in range(5)] == ["softrelu", "leaky", "elu", "selu", "gelu"]
    with pytest.raises(ValueError):
        _fused.act_opcode(7)


def test_builder_dead_code_result_and_limits():
    p = FusedProgram(1)
    a = p.unary("exp", 0)
    b = p.unary("relu", 0)
    p.unary("tanh", a)  # dead when the result is b
    n, code = decode(p.pack(result=b))
    assert n == 1 and [c[0] for c in code] == ["relu"]
    assert [c[0] for c in decode(p.pack())[1]] == ["exp", "tanh"]
    assert [c[0] for c in decode(FusedProgram(1).pack())[1]] == ["copy"]  # the input itself
    # 40 live instructions
    p = FusedProgram(1)
    r = 0
    for _ in range(40):
        r = p.unary("negative", r)
    with pytest.raises(ValueError, match="instructions"):
        p.pack()
    # 17 values alive at once
    p = FusedProgram(8)
    vals = [p.unary("negative", i % 8) for i in range(9)]
    r = p.input(0)
    for v in list(range(1, 8)) + vals:
        r = p.binary("add", r, v)
    with pytest.raises(ValueError, match="registers"):
        p.pack()
    with pytest.raises(ValueError):
        FusedProgram(9)
    with pytest.raises(ValueError):
        FusedProgram(1).unary("add", 0)
    with pytest.raises(ValueError):
        FusedProgram(1).binary("relu", 0, 0)
    with pytest.raises(ValueError):
        FusedProgram(1).unary("relu", 3)
