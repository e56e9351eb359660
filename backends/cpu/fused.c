/* CPU kernel: fused_elemwise, a chain of elementwise operations in one pass
 * over memory (contract and opcodes: include/gluonx/attrs.h; the program
 * builder: gluonx/_fused.py).
 *
 * The output is walked in rows (axes merged where every operand allows it,
 * size-1 axes dropped); each row in blocks of FX_BLK elements, or, for rows
 * shorter than FX_PACK_LEN, several rows per block.  For a block, every
 * register is an array of FX_BLK compute-type values on the stack
 * (L1-resident), or one value when it is uniform over the block (an input
 * of stride 0 along the block, a constant, or computed only from uniform
 * registers): a bias add then runs the same vector-with-scalar loop as the
 * binary kernel's broadcast path.  Contiguous float32/float64 inputs are read in place, not
 * copied, and the last instruction writes a contiguous output directly; a
 * chain of n instructions then costs one pass over memory plus n-1 passes
 * over L1, fewer where peepholes join neighbours into one loop (op + relu,
 * mul + add [+ relu]: bias + relu and BatchNorm + relu are single loops).
 * All inputs of a block are consumed before its result is stored, so the
 * output may alias an input exactly.
 *
 * Each opcode uses the expression of the single-op kernel it stands for
 * (elemwise_unary.c, elemwise_binary.c, elemwise.c's clip, nn.c's nn_act),
 * with the same libm / libmvec calls, so a fused chain and the same kernels
 * run one after another agree: ops without libm calls bit for bit, the
 * others to libm's few-ulp accuracy (scalar and vector variants of a libm
 * function may differ in the last bit).  Nothing is contracted into a fused
 * multiply-add: muladd and mul + add round as mul then add.
 *
 * Threads: one thread up to GX_OMP_MIN_ELEMS output elements (as the
 * elementwise kernels), above it the flat range is split evenly. */
#include <math.h>
#include <omp.h>

#include "elemwise_simd.h"
#include "gx_cpu.h"

/* No contraction of a*b + c into a fused multiply-add (gcc does it in the
 * avx512f clones by default): the fused loops below compute mul then add in
 * one expression and must round as the mul and add kernels do. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* Elements per block.  The stack workspace holds 16 registers of doubles
 * (70 KiB); a program touches only the registers it names, 2 KiB each in
 * float32.  On the 2-core Zen 4, bias+relu and BN+relu on (32, 64, 1024)
 * rows ran ~25% faster with 512 than with 256 (per-block dispatch), and as
 * fast as with 1024. */
#ifndef FX_BLK
#define FX_BLK 512
#endif
/* Register buffers lie FX_BLK + FX_PAD elements apart: not a multiple of
 * 4 KiB, so that loads from one and stores to another do not alias in L1. */
#ifndef FX_PAD
#define FX_PAD 32
#endif
#define FX_WS_DOUBLES (GX_FUSED_MAX_REGS * (FX_BLK + FX_PAD))
#define FX_MAX_OPS (GX_FUSED_MAX_INPUTS + 1)

/* Hides a value's range from the optimiser (block lengths: gcc would fully
 * unroll every loop bounded by FX_BLK). */
#ifndef FX_OPAQUE
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__aarch64__))
#define FX_OPAQUE(v) __asm__("" : "+r"(v))
#else
#define FX_OPAQUE(v) ((void)0)
#endif
#endif

#define FX_SELU_ALPHA 1.6732632423543772848170429916717
#define FX_SELU_LAMBDA 1.0507009873554804934193349852946

typedef struct {
    int32_t n_instr;
    int32_t n_inputs;
    int32_t res; /* register holding the result */
    const gx_fused_instr *ins;
    int32_t last;                     /* the last instruction run (not FX_SKIP) */
    int8_t arity[GX_FUSED_MAX_INSTR]; /* registers read: 0 (const), 1, 2 (b may be -1) */
    int8_t fuse[GX_FUSED_MAX_INSTR];  /* FX_PLAIN ... FX_SKIP */
    int8_t creg[GX_FUSED_MAX_INSTR];  /* FX_MULADD*: the addend's register, -1: cimm */
    double cimm[GX_FUSED_MAX_INSTR];  /* FX_MULADD*: the scalar addend */
} fx_prog;

/* Peepholes: instructions that feed only the next one run as one loop, so a
 * chain makes fewer passes over L1.  Results are rounded as the separate ops
 * round them (no FMA contraction in this file):
 *   FX_RELU_AFTER       add sub mul maximum minimum, then relu of the result
 *                       in the same register: relu(a op b)
 *   FX_MULADD_AFTER     mul, then add of the product (in the same register)
 *                       and c, a register or a scalar: a*b + c (BatchNorm's
 *                       x*scale[c] + shift[c]; x*2 + 1)
 *   FX_MULADD_RELU      the same, then relu in the same register
 *   FX_SKIP             an instruction done by the one before. */
enum { FX_PLAIN = 0, FX_RELU_AFTER, FX_MULADD_AFTER, FX_MULADD_RELU, FX_SKIP };
#define FX_RELU(v)                     \
    ({                                 \
        C t_ = (C)(v);                 \
        t_ > 0 ? t_ : (C)0;            \
    })
#define FX_ID(v) (v)

/* ---- scalar helpers (as elemwise_binary.c) -------------------------------- */
static inline float fx_fmodf(float a, float b)
{
    if (b == 0)
        return 0;
    float r = fmodf(a, b);
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
static inline double fx_fmodd(double a, double b)
{
    if (b == 0)
        return 0;
    double r = fmod(a, b);
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
#define fx_fmod(a, b) _Generic((a), float: fx_fmodf, default: fx_fmodd)(a, b)

/* ---- opcode tables -----------------------------------------------------------
 * Unary: X(opcode, expression of x); p = (C)imm, q = (C)imm2, w = imm
 * converted to the dtype then to C (a scalar operand).  The expressions are
 * those of the single-op kernels. */
#define FX_UNARY_OPS(X)                                                                   \
    X(GX_FOP_COPY, x)                                                                     \
    X(GX_FOP_NEGATIVE, -x)                                                                \
    X(GX_FOP_ABS, EW_M1(fabs, x))                                                         \
    X(GX_FOP_SQUARE, x * x)                                                               \
    X(GX_FOP_SQRT, EW_M1(sqrt, x))                                                        \
    X(GX_FOP_RSQRT, 1 / EW_M1(sqrt, x))                                                   \
    X(GX_FOP_RECIPROCAL, 1 / x)                                                           \
    X(GX_FOP_EXP, EW_M1(exp, x))                                                          \
    X(GX_FOP_EXPM1, EW_M1(expm1, x))                                                      \
    X(GX_FOP_LOG, EW_M1(log, x))                                                          \
    X(GX_FOP_LOG1P, EW_M1(log1p, x))                                                      \
    X(GX_FOP_SIN, EW_M1(sin, x))                                                          \
    X(GX_FOP_COS, EW_M1(cos, x))                                                          \
    X(GX_FOP_TANH, EW_M1(tanh, x))                                                        \
    X(GX_FOP_SIGMOID, 1 / (1 + EW_M1(exp, -x)))                                           \
    X(GX_FOP_RELU, x > 0 ? x : 0)                                                         \
    X(GX_FOP_SOFTSIGN, x / (1 + EW_M1(fabs, x)))                                          \
    X(GX_FOP_SOFTRELU, (double)(x > 0 ? x : 0) + EW_M1(log1p, EW_M1(exp, -EW_M1(fabs, (double)x)))) \
    X(GX_FOP_ERF, EW_M1(erf, x))                                                          \
    X(GX_FOP_SIGN, (x > 0) - (x < 0))                                                     \
    X(GX_FOP_FLOOR, EW_M1(floor, x))                                                      \
    X(GX_FOP_CEIL, EW_M1(ceil, x))                                                        \
    X(GX_FOP_ROUND, EW_M1(round, x))                                                      \
    X(GX_FOP_TRUNC, EW_M1(trunc, x))                                                      \
    X(GX_FOP_LEAKY, x > 0 ? x : x * p)                                                    \
    X(GX_FOP_ELU, x > 0 ? x : p * (C)EW_M1(expm1, (double)x))                             \
    X(GX_FOP_SELU, FX_SELU_LAMBDA * (x > 0 ? (double)x : FX_SELU_ALPHA * EW_M1(expm1, (double)x))) \
    X(GX_FOP_GELU, 0.5 * (double)x * (1.0 + EW_M1(erf, (double)x * 0.70710678118654752440)))  \
    X(GX_FOP_CLIP, x < p ? p : (x > q ? q : x))                                           \
    X(GX_FOP_RSUB, w - x)                                                                 \
    X(GX_FOP_RDIV, w / x)                                                                 \
    X(GX_FOP_RPOWER, EW_M2(pow, w, x))                                                    \
    X(GX_FOP_CBRT, EW_M1(cbrt, x))                                                        \
    X(GX_FOP_RCBRT, 1 / EW_M1(cbrt, x))                                                   \
    X(GX_FOP_LOG2, EW_M1(log2, x))                                                        \
    X(GX_FOP_LOG10, EW_M1(log10, x))                                                      \
    X(GX_FOP_TAN, EW_M1(tan, x))                                                          \
    X(GX_FOP_ARCSIN, EW_M1(asin, x))                                                      \
    X(GX_FOP_ARCCOS, EW_M1(acos, x))                                                      \
    X(GX_FOP_ARCTAN, EW_M1(atan, x))                                                      \
    X(GX_FOP_SINH, EW_M1(sinh, x))                                                        \
    X(GX_FOP_COSH, EW_M1(cosh, x))                                                        \
    X(GX_FOP_ARCSINH, EW_M1(asinh, x))                                                    \
    X(GX_FOP_ARCCOSH, EW_M1(acosh, x))                                                    \
    X(GX_FOP_ARCTANH, EW_M1(atanh, x))                                                    \
    X(GX_FOP_DEGREES, x * (C)57.29577951308232)                                           \
    X(GX_FOP_RADIANS, x * (C)0.017453292519943295)                                        \
    X(GX_FOP_RINT, EW_M1(floor, x) + ((x - EW_M1(floor, x)) > 0.5f))                      \
    X(GX_FOP_LOGICAL_NOT, x == 0)

/* Binary: X(opcode, expression of a, b). */
#define FX_BINARY_OPS(X)                                 \
    X(GX_FOP_ADD, a + b)                                 \
    X(GX_FOP_SUB, a - b)                                 \
    X(GX_FOP_MUL, a * b)                                 \
    X(GX_FOP_DIV, a / b)                                 \
    X(GX_FOP_MAXIMUM, (a > b || a != a) ? a : b)         \
    X(GX_FOP_MINIMUM, (a < b || a != a) ? a : b)         \
    X(GX_FOP_POWER, EW_M2(pow, a, b))                    \
    X(GX_FOP_HYPOT, EW_M2(hypot, a, b))                  \
    X(GX_FOP_GREATER, a > b)                             \
    X(GX_FOP_GREATER_EQUAL, a >= b)                      \
    X(GX_FOP_LESSER, a < b)                              \
    X(GX_FOP_LESSER_EQUAL, a <= b)                       \
    X(GX_FOP_EQUAL, a == b)                              \
    X(GX_FOP_NOT_EQUAL, a != b)                          \
    X(GX_FOP_MOD, fx_fmod(a, b))                         \
    X(GX_FOP_ARCTAN2, EW_M2(atan2, a, b))                \
    X(GX_FOP_LOGICAL_AND, (a != 0) & (b != 0))           \
    X(GX_FOP_LOGICAL_OR, (a != 0) | (b != 0))            \
    X(GX_FOP_LOGICAL_XOR, (a != 0) ^ (b != 0))

/* What each opcode reads: 0 nothing (const), 1 register a, 2 registers a
 * and b (b may be -1 for imm). */
static int fx_arity(int op)
{
    switch (op) {
    case GX_FOP_CONST:
        return 0;
#define FX_ARITY2(OPC, E) case OPC:
        FX_BINARY_OPS(FX_ARITY2)
    case GX_FOP_MULADD:
        return 2;
    default:
        return 1;
    }
}

/* ---- the block loop, per dtype ----------------------------------------------
 * The driver merges axes into a geometry (fx_geom) and hands each thread a
 * flat index range.  A block is FX_BLK elements of one row or, when rows are
 * shorter than FX_PACK_LEN, up to FX_MAX_SEG row segments packed together
 * (7x7 feature maps): per-row overhead is paid per block, and operands
 * whose row stride is 0 (a per-channel vector) are filled per segment.
 * Measured (819200 float32 elements, per-channel operands): rows of 16, 49
 * and 64 ran bias+relu 1.8x, 1.4x, 1.3x and 6-instruction chains 2.6x,
 * 2.2x, 1.9x faster packed; at 196 and 256 packing lost (the fills) for
 * bias+relu and BN+relu, hence 128. */
#ifndef FX_PACK_LEN
#define FX_PACK_LEN 128
#endif
#define FX_MAX_SEG 64

typedef struct {
    int nd, nops;
    int64_t len, total;
    int64_t shp[GX_MAX_NDIM];
    int64_t bst[FX_MAX_OPS][GX_MAX_NDIM]; /* byte strides per operand */
    int64_t s[FX_MAX_OPS];                /* byte stride along the row */
    char *base[FX_MAX_OPS];
    unsigned char flat[FX_MAX_OPS];       /* C-contiguous over the whole index range */
    unsigned char zero[FX_MAX_OPS];       /* every stride 0: one value */
} fx_geom;

typedef void (*fx_range_fn)(const fx_prog *pg, const fx_geom *g, int64_t lo, int64_t hi,
                            void *ws);

#define FX_CASE_UNARY(OPC, EXPR)                                        \
    case OPC:                                                           \
        if (ua) {                                                       \
            C x = X[0];                                                 \
            o[0] = (C)(EXPR);                                           \
        } else {                                                        \
            _Pragma("omp simd") for (int64_t i = 0; i < m; i++)         \
            {                                                           \
                C x = X[i];                                             \
                o[i] = (C)(EXPR);                                       \
            }                                                           \
        }                                                               \
        break;

/* The four loops of a binary expression: either side may be uniform. */
#define FX_BINARY_LOOPS(EXPR)                                           \
    if (ua && ub) {                                                     \
        C a = X[0], b = Y[0];                                           \
        o[0] = (C)(EXPR);                                               \
    } else if (ub) {                                                    \
        const C b = Y[0];                                               \
        _Pragma("omp simd") for (int64_t i = 0; i < m; i++)             \
        {                                                               \
            C a = X[i];                                                 \
            o[i] = (C)(EXPR);                                           \
        }                                                               \
    } else if (ua) {                                                    \
        const C a = X[0];                                               \
        _Pragma("omp simd") for (int64_t i = 0; i < m; i++)             \
        {                                                               \
            C b = Y[i];                                                 \
            o[i] = (C)(EXPR);                                           \
        }                                                               \
    } else {                                                            \
        _Pragma("omp simd") for (int64_t i = 0; i < m; i++)             \
        {                                                               \
            C a = X[i], b = Y[i];                                       \
            o[i] = (C)(EXPR);                                           \
        }                                                               \
    }

#define FX_CASE_BINARY(OPC, EXPR) \
    case OPC:                     \
        FX_BINARY_LOOPS(EXPR)     \
        break;

/* EPI(a*b + c): factors X, Y, addend Z, each uniform or not (a uniform
 * factor is moved second); the product is rounded before the sum. */
#define FX_MULADD_LOOPS(EPI)                                            \
    if (ua && !ub) {                                                    \
        const C *t_ = X;                                                \
        X = Y;                                                          \
        Y = t_;                                                         \
        ua = 0;                                                         \
        ub = 1;                                                         \
    }                                                                   \
    if (ua) {                                                           \
        const C ab = (C)(X[0] * Y[0]);                                  \
        if (uz) {                                                       \
            o[0] = EPI(ab + Z[0]);                                      \
        } else {                                                        \
            _Pragma("omp simd") for (int64_t i = 0; i < m; i++)         \
                o[i] = EPI(ab + Z[i]);                                  \
        }                                                               \
    } else if (ub && uz) {                                              \
        const C b = Y[0], c = Z[0];                                     \
        _Pragma("omp simd") for (int64_t i = 0; i < m; i++)             \
            o[i] = EPI((C)(X[i] * b) + c);                              \
    } else if (ub) {                                                    \
        const C b = Y[0];                                               \
        _Pragma("omp simd") for (int64_t i = 0; i < m; i++)             \
            o[i] = EPI((C)(X[i] * b) + Z[i]);                           \
    } else if (uz) {                                                    \
        const C c = Z[0];                                               \
        _Pragma("omp simd") for (int64_t i = 0; i < m; i++)             \
            o[i] = EPI((C)(X[i] * Y[i]) + c);                           \
    } else {                                                            \
        _Pragma("omp simd") for (int64_t i = 0; i < m; i++)             \
            o[i] = EPI((C)(X[i] * Y[i]) + Z[i]);                        \
    }

#define FX_RANGE(FLAG, T_, C_)                                                                     \
    GX_SIMD_CLONES static void fx_range_##FLAG(const fx_prog *pg, const fx_geom *g, int64_t lo,    \
                                               int64_t hi, void *wsv)                              \
    {                                                                                              \
        typedef T_ T;                                                                              \
        typedef C_ C;                                                                              \
        C(*buf)[FX_BLK + FX_PAD] = (C(*)[FX_BLK + FX_PAD])wsv;                                     \
        const int k = pg->n_inputs, nI = pg->n_instr, nd = g->nd;                                  \
        const int64_t z = (int64_t)sizeof(T), len = g->len;                                        \
        const int64_t *str = g->s;                                                                 \
        const int maxseg = len < FX_PACK_LEN && nd > 1 ? FX_MAX_SEG : 1;                           \
        /* row odometer: idx over the outer axes, q the row's start pointers */                    \
        int64_t idx[GX_MAX_NDIM];                                                                  \
        char *q[FX_MAX_OPS];                                                                       \
        int64_t row = lo / len, col = lo % len;                                                    \
        for (int t = 0; t <= k; t++)                                                               \
            q[t] = g->base[t];                                                                     \
        for (int d = nd - 2; d >= 0; d--) {                                                        \
            idx[d] = row % g->shp[d];                                                              \
            row /= g->shp[d];                                                                      \
            for (int t = 0; t <= k; t++)                                                           \
                q[t] += idx[d] * g->bst[t][d];                                                     \
        }                                                                                          \
        char *segp[FX_MAX_SEG][FX_MAX_OPS];                                                        \
        int64_t segn[FX_MAX_SEG];                                                                  \
        for (int64_t pos = lo; pos < hi;) {                                                        \
            /* the block: segments of rows */                                                      \
            int nseg = 0;                                                                          \
            int64_t m = 0;                                                                         \
            while (nseg < maxseg && m < FX_BLK && pos + m < hi) {                                  \
                int64_t cnt = len - col;                                                           \
                if (cnt > FX_BLK - m)                                                              \
                    cnt = FX_BLK - m;                                                              \
                if (cnt > hi - pos - m)                                                            \
                    cnt = hi - pos - m;                                                            \
                for (int t = 0; t <= k; t++)                                                       \
                    segp[nseg][t] = q[t] + col * str[t];                                           \
                segn[nseg++] = cnt;                                                                \
                m += cnt;                                                                          \
                col += cnt;                                                                        \
                if (col == len) { /* next row */                                                   \
                    col = 0;                                                                       \
                    for (int d = nd - 2; d >= 0; d--) {                                            \
                        if (++idx[d] < g->shp[d]) {                                                \
                            for (int t = 0; t <= k; t++)                                           \
                                q[t] += g->bst[t][d];                                              \
                            break;                                                                 \
                        }                                                                          \
                        for (int t = 0; t <= k; t++)                                               \
                            q[t] -= (g->shp[d] - 1) * g->bst[t][d];                                \
                        idx[d] = 0;                                                                \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
            pos += m;                                                                              \
            FX_OPAQUE(m); /* no full unrolling by the bound: 16x less code */                      \
            C *r[GX_FUSED_MAX_REGS];                                                               \
            unsigned char u[GX_FUSED_MAX_REGS];                                                    \
            /* load: uniform, in place, converted or gathered */                                   \
            for (int j = 0; j < k; j++) {                                                          \
                const char *src = segp[0][j];                                                      \
                const int64_t sj = str[j];                                                         \
                r[j] = buf[j];                                                                     \
                u[j] = g->zero[j] || (nseg == 1 && sj == 0);                                       \
                if (u[j]) {                                                                        \
                    buf[j][0] = (C) * (const T *)src;                                              \
                } else if (sizeof(T) == sizeof(C) && sj == z && (nseg == 1 || g->flat[j])) {       \
                    r[j] = (C *)src;                                                               \
                } else {                                                                           \
                    C *d = buf[j];                                                                 \
                    for (int e = 0; e < nseg; e++) {                                               \
                        const int64_t ne = segn[e];                                                \
                        src = segp[e][j];                                                          \
                        if (sj == 0) {                                                             \
                            const C v = (C) * (const T *)src;                                      \
                            _Pragma("omp simd") for (int64_t i = 0; i < ne; i++) d[i] = v;         \
                        } else if (sj == z) {                                                      \
                            const T *restrict Q = (const T *)src;                                  \
                            _Pragma("omp simd") for (int64_t i = 0; i < ne; i++) d[i] = (C)Q[i];   \
                        } else {                                                                   \
                            for (int64_t i = 0; i < ne; i++)                                       \
                                d[i] = (C) * (const T *)(src + i * sj);                            \
                        }                                                                          \
                        d += ne;                                                                   \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
            /* run the program; the last instruction writes a contiguous output                    \
             * of the compute type itself */                                                       \
            char *qo = segp[0][k];                                                                 \
            const int direct = sizeof(T) == sizeof(C) && str[k] == z && (nseg == 1 || g->flat[k]); \
            int stored = 0;                                                                        \
            for (int j = 0; j < nI; j++) {                                                         \
                const int8_t how = pg->fuse[j];                                                    \
                if (how == FX_SKIP)                                                                \
                    continue;                                                                      \
                const gx_fused_instr *in = &pg->ins[j];                                            \
                const int op = in->op, ar = pg->arity[j];                                          \
                const C p = (C)in->imm, q = (C)in->imm2;                                           \
                const C w = (C)(T)in->imm;                                                         \
                const C *X = &w, *Y = &w;                                                          \
                int ua = 1, ub = 1;                                                                \
                if (ar >= 1) {                                                                     \
                    X = r[in->a];                                                                  \
                    ua = u[in->a];                                                                 \
                }                                                                                  \
                if (ar == 2 && in->b >= 0) {                                                       \
                    Y = r[in->b];                                                                  \
                    ub = u[in->b];                                                                 \
                }                                                                                  \
                const int fma = how == FX_MULADD_AFTER || how == FX_MULADD_RELU;                   \
                const C cw = (C)(T)pg->cimm[j];                                                    \
                const C *Z = &cw;                                                                  \
                int uz = 1;                                                                        \
                if (fma && pg->creg[j] >= 0) {                                                     \
                    Z = r[pg->creg[j]];                                                            \
                    uz = u[pg->creg[j]];                                                           \
                }                                                                                  \
                const int ud = (ar == 2 ? (ua && ub) : ua) && uz;                                  \
                C *o = buf[in->dst];                                                               \
                if (j == pg->last && direct && !ud) {                                              \
                    o = (C *)qo;                                                                   \
                    stored = 1;                                                                    \
                }                                                                                  \
                (void)p; (void)q;                                                                  \
                if (how == FX_MULADD_AFTER) {                                                      \
                    FX_MULADD_LOOPS(FX_ID)                                                         \
                } else if (how == FX_MULADD_RELU) {                                                \
                    FX_MULADD_LOOPS(FX_RELU)                                                       \
                } else if (how == FX_RELU_AFTER) {                                                 \
                    switch (op) {                                                                  \
                    case GX_FOP_ADD: FX_BINARY_LOOPS(FX_RELU(a + b)) break;                        \
                    case GX_FOP_SUB: FX_BINARY_LOOPS(FX_RELU(a - b)) break;                        \
                    case GX_FOP_MUL: FX_BINARY_LOOPS(FX_RELU(a * b)) break;                        \
                    case GX_FOP_MAXIMUM: FX_BINARY_LOOPS(FX_RELU((a > b || a != a) ? a : b)) break; \
                    case GX_FOP_MINIMUM: FX_BINARY_LOOPS(FX_RELU((a < b || a != a) ? a : b)) break; \
                    }                                                                              \
                } else {                                                                           \
                    switch (op) {                                                                  \
                        FX_UNARY_OPS(FX_CASE_UNARY)                                                \
                        FX_BINARY_OPS(FX_CASE_BINARY)                                              \
                    case GX_FOP_CONST:                                                             \
                        o[0] = w;                                                                  \
                        break;                                                                     \
                    }                                                                              \
                }                                                                                  \
                r[in->dst] = o;                                                                    \
                u[in->dst] = (unsigned char)ud;                                                    \
            }                                                                                      \
            if (stored)                                                                            \
                continue;                                                                          \
            /* store */                                                                            \
            const C *R = r[pg->res];                                                               \
            const int ur = u[pg->res];                                                             \
            for (int e = 0; e < nseg; e++) {                                                       \
                const int64_t ne = segn[e], so = str[k];                                           \
                char *dst = segp[e][k];                                                            \
                if (ur) {                                                                          \
                    const T v = (T)R[0];                                                           \
                    if (so == z) {                                                                 \
                        T *restrict O = (T *)dst;                                                  \
                        _Pragma("omp simd") for (int64_t i = 0; i < ne; i++) O[i] = v;             \
                    } else {                                                                       \
                        for (int64_t i = 0; i < ne; i++)                                           \
                            *(T *)(dst + i * so) = v;                                              \
                    }                                                                              \
                } else {                                                                           \
                    if (so == z) {                                                                 \
                        T *restrict O = (T *)dst;                                                  \
                        _Pragma("omp simd") for (int64_t i = 0; i < ne; i++) O[i] = (T)R[i];       \
                    } else {                                                                       \
                        for (int64_t i = 0; i < ne; i++)                                           \
                            *(T *)(dst + i * so) = (T)R[i];                                        \
                    }                                                                              \
                    R += ne;                                                                       \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

FX_RANGE(GX_FLOAT32, float, float)
FX_RANGE(GX_FLOAT64, double, double)
FX_RANGE(GX_FLOAT16, gx_half, float)

/* ---- validation ------------------------------------------------------------ */
static int fx_check(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                    int32_t nout, const void *attrs, fx_prog *pg)
{
    if (!attrs) {
        c->set_error(c, "fused_elemwise: missing gx_fused_attrs");
        return GX_ERR_VALUE;
    }
    const gx_fused_attrs *at = (const gx_fused_attrs *)attrs;
    if (nout != 1) {
        c->set_error(c, "fused_elemwise: expected 1 output, got %d", (int)nout);
        return GX_ERR_VALUE;
    }
    if (at->n_inputs < 0 || at->n_inputs > GX_FUSED_MAX_INPUTS || at->n_inputs != nin) {
        c->set_error(c, "fused_elemwise: the program has %d inputs, the call %d (at most %d)",
                     (int)at->n_inputs, (int)nin, GX_FUSED_MAX_INPUTS);
        return GX_ERR_VALUE;
    }
    if (at->n_instr < 1 || at->n_instr > GX_FUSED_MAX_INSTR) {
        c->set_error(c, "fused_elemwise: n_instr %d outside 1..%d", (int)at->n_instr,
                     GX_FUSED_MAX_INSTR);
        return GX_ERR_VALUE;
    }
    uint32_t written = (1u << at->n_inputs) - 1u;
    for (int j = 0; j < at->n_instr; j++) {
        const gx_fused_instr *ins = &at->instr[j];
        if (ins->op < 0 || ins->op >= GX_FOP_COUNT) {
            c->set_error(c, "fused_elemwise: instruction %d: opcode %d out of range 0..%d", j,
                         (int)ins->op, GX_FOP_COUNT - 1);
            return GX_ERR_VALUE;
        }
        if (ins->dst < 0 || ins->dst >= GX_FUSED_MAX_REGS) {
            c->set_error(c, "fused_elemwise: instruction %d: dst register %d out of range 0..%d",
                         j, (int)ins->dst, GX_FUSED_MAX_REGS - 1);
            return GX_ERR_VALUE;
        }
        int arity = pg->arity[j] = (int8_t)fx_arity(ins->op);
        int32_t regs[2] = {ins->a, ins->b};
        for (int t = 0; t < arity; t++) {
            int32_t rg = regs[t];
            if (t == 1 && rg == -1)
                continue; /* imm */
            if (rg < 0 || rg >= GX_FUSED_MAX_REGS) {
                c->set_error(c, "fused_elemwise: instruction %d: register %c = %d out of range "
                                "0..%d%s",
                             j, t ? 'b' : 'a', (int)rg, GX_FUSED_MAX_REGS - 1,
                             t ? " (or -1 for imm)" : "");
                return GX_ERR_VALUE;
            }
            if (!(written >> rg & 1u)) {
                c->set_error(c, "fused_elemwise: instruction %d reads register %d before it is "
                                "written",
                             j, (int)rg);
                return GX_ERR_VALUE;
            }
        }
        written |= 1u << ins->dst;
    }
    const gx_tensor *o = &out[0];
    for (int i = 0; i < nin; i++) {
        if (in[i].dtype != o->dtype) {
            c->set_error(c, "fused_elemwise: input %d has dtype %d, the output %d", i,
                         (int)in[i].dtype, (int)o->dtype);
            return GX_ERR_TYPE;
        }
        int same = in[i].ndim == o->ndim;
        for (int d = 0; same && d < o->ndim; d++)
            same = in[i].shape[d] == o->shape[d];
        if (!same) {
            c->set_error(c, "fused_elemwise: input %d does not have the output's shape "
                            "(broadcast it with stride-0 axes)",
                         i);
            return GX_ERR_VALUE;
        }
    }
    pg->n_instr = at->n_instr;
    pg->n_inputs = at->n_inputs;
    pg->ins = at->instr;
    pg->res = at->instr[at->n_instr - 1].dst;
    const int n = at->n_instr;
    const gx_fused_instr *I = at->instr;
    for (int j = 0; j < n; j++) {
        pg->fuse[j] = FX_PLAIN;
        pg->creg[j] = -1;
        pg->cimm[j] = 0.0;
    }
    /* in place on register d: instruction t reads d as its a and writes d */
#define FX_INPLACE(t, d) ((t) < n && I[t].a == (d) && I[t].dst == (d))
    for (int j = 0; j < n; j++) {
        const int op = I[j].op, d = I[j].dst;
        if (op == GX_FOP_MULADD) {
            pg->creg[j] = -1;
            pg->cimm[j] = I[j].imm2;
            pg->fuse[j] = FX_MULADD_AFTER;
            if (FX_INPLACE(j + 1, d) && I[j + 1].op == GX_FOP_RELU) {
                pg->fuse[j] = FX_MULADD_RELU;
                pg->fuse[++j] = FX_SKIP;
            }
        } else if (op == GX_FOP_MUL && j + 1 < n && I[j + 1].op == GX_FOP_ADD &&
                   I[j + 1].dst == d && (I[j + 1].a == d) != (I[j + 1].b == d)) {
            /* mul into d, then d + c or c + d into d */
            pg->creg[j] = I[j + 1].a == d ? I[j + 1].b : I[j + 1].a;
            pg->cimm[j] = I[j + 1].imm;
            pg->fuse[j] = FX_MULADD_AFTER;
            pg->fuse[++j] = FX_SKIP;
            if (FX_INPLACE(j + 1, d) && I[j + 1].op == GX_FOP_RELU) {
                pg->fuse[j - 1] = FX_MULADD_RELU;
                pg->fuse[++j] = FX_SKIP;
            }
        } else if ((op == GX_FOP_ADD || op == GX_FOP_SUB || op == GX_FOP_MUL ||
                    op == GX_FOP_MAXIMUM || op == GX_FOP_MINIMUM) &&
                   FX_INPLACE(j + 1, d) && I[j + 1].op == GX_FOP_RELU) {
            pg->fuse[j] = FX_RELU_AFTER;
            pg->fuse[++j] = FX_SKIP;
        }
    }
#undef FX_INPLACE
    pg->last = at->n_instr - 1;
    while (pg->fuse[pg->last] == FX_SKIP)
        pg->last--;
    return GX_OK;
}

/* ---- the driver ---------------------------------------------------------------
 * Merges axes (size-1 axes dropped; neighbours merged where every operand's
 * strides allow), then runs `range` over the flat index range, on one thread
 * up to GX_OMP_MIN_ELEMS elements, else split evenly over the threads. */
static void fx_drive(gx_context *c, const fx_prog *pg, int nops, const gx_tensor *const *ts,
                     fx_range_fn range)
{
    const gx_tensor *o = ts[nops - 1];
    const int64_t isz = gx_itemsize[o->dtype];
    fx_geom g;
    int nd = 0;
    for (int d = 0; d < o->ndim; d++) {
        int64_t ext = o->shape[d];
        if (ext == 0)
            return;
        if (ext == 1)
            continue;
        int merge = nd > 0;
        for (int k = 0; merge && k < nops; k++)
            merge = g.bst[k][nd - 1] == ts[k]->strides[d] * isz * ext;
        if (merge) {
            g.shp[nd - 1] *= ext;
        } else {
            g.shp[nd] = ext;
            nd++;
        }
        for (int k = 0; k < nops; k++)
            g.bst[k][nd - 1] = ts[k]->strides[d] * isz;
    }
    g.nd = nd;
    g.nops = nops;
    g.len = nd ? g.shp[nd - 1] : 1;
    g.total = 1;
    for (int d = 0; d < nd; d++)
        g.total *= g.shp[d];
    for (int k = 0; k < nops; k++) {
        g.base[k] = (char *)ts[k]->data;
        g.s[k] = nd ? g.bst[k][nd - 1] : 0;
        int64_t want = isz;
        g.flat[k] = g.zero[k] = 1;
        for (int d = nd - 1; d >= 0; d--) {
            g.flat[k] &= g.bst[k][d] == want;
            g.zero[k] &= g.bst[k][d] == 0;
            want *= g.shp[d];
        }
    }
    int nthreads = (c && c->max_threads > 0) ? c->max_threads : omp_get_max_threads();
    if (g.total <= GX_OMP_MIN_ELEMS || nthreads <= 1) {
        _Alignas(64) double ws[FX_WS_DOUBLES];
        range(pg, &g, 0, g.total, ws);
        return;
    }
#pragma omp parallel num_threads(nthreads)
    {
        _Alignas(64) double ws[FX_WS_DOUBLES];
        int nt = omp_get_num_threads(), tid = omp_get_thread_num();
        int64_t lo = (int64_t)((double)g.total * tid / nt);
        int64_t hi = tid == nt - 1 ? g.total : (int64_t)((double)g.total * (tid + 1) / nt);
        if (lo < hi)
            range(pg, &g, lo, hi, ws);
    }
}

#define FX_KERNEL(FLAG, T, C)                                                            \
    static int fx_fused_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,          \
                               gx_tensor *out, int32_t nout, const void *attrs)          \
    {                                                                                    \
        fx_prog pg;                                                                      \
        int st = fx_check(c, in, nin, out, nout, attrs, &pg);                            \
        if (st != GX_OK)                                                                 \
            return st;                                                                   \
        const gx_tensor *ts[FX_MAX_OPS];                                                 \
        for (int i = 0; i < nin; i++)                                                    \
            ts[i] = &in[i];                                                              \
        ts[nin] = &out[0];                                                               \
        fx_drive(c, &pg, nin + 1, ts, fx_range_##FLAG);                                   \
        return GX_OK;                                                                    \
    }
GX_FOR_FLOAT_TYPES(FX_KERNEL)

int gx_cpu_register_fused(gx_registry *r)
{
#define FX_REG(FLAG, T, C) GX_REG(r, "fused_elemwise", FLAG, fx_fused_##FLAG);
    GX_FOR_FLOAT_TYPES(FX_REG)
    return GX_OK;
}
