/*
 * Attribute structs of gluonx kernels, and the contract of each kernel name.
 *
 * The core resolves every shape question before a kernel runs (see
 * plugin.h); the comments below say what views a kernel receives.  A kernel
 * name not listed here takes no attribute struct (attrs == NULL).
 *
 * Elementwise (attrs NULL unless noted).  All inputs and outputs have the
 * output's shape; broadcast dimensions have stride 0.  Dispatch dtype: the
 * first input's.  Outputs have the inputs' dtype.
 *   unary:  negative abs sign square sqrt rsqrt cbrt rcbrt reciprocal exp
 *           expm1 log log1p log2 log10 sin cos tan arcsin arccos arctan sinh
 *           cosh tanh arcsinh arccosh arctanh degrees radians sigmoid relu
 *           softsign erf erfinv gamma gammaln round rint fix floor ceil trunc
 *           logical_not
 *   binary: add sub mul div mod power maximum minimum hypot arctan2
 *           equal not_equal greater greater_equal lesser lesser_equal
 *           logical_and logical_or logical_xor
 *           (comparisons write 0/1 in the input dtype, as MXNet does)
 *   clip:   gx_clip_attrs
 *   where:  inputs (condition, x, y); condition may have another dtype;
 *           dispatch dtype is x's.
 *
 * Data movement:
 *   copy:   one input, one output of the same shape, any dtypes: a strided
 *           copy that also casts.  Dispatch dtype: the input's.
 *   fill:   no input; gx_fill_attrs; dispatch dtype: the output's.
 *   arange: no input; 1-D output; gx_arange_attrs; output dtype.
 *   pad:    one input, one output; gx_pad_attrs.
 *
 * Reductions.  The output has the input's ndim, with extent 1 on every
 * reduced axis (axes where output extent is 1 and input extent is not).
 *   sum prod max min mean nansum nanprod: output dtype = input dtype.
 *   norm:   gx_norm_attrs.
 *   argmax argmin: exactly one reduced axis; output dtype may differ (the
 *           index is written converted to it, MXNet uses float32).
 *
 * Sorting.  The core moves the sorted axis last and makes rows contiguous.
 *   topk:   input (M, K) contiguous; outputs (M, k) contiguous: values
 *           and/or indices per gx_topk_attrs (values first when both).
 *
 * Indexing.  Index arrays may be any numeric dtype; float indices are
 * truncated toward zero.
 *   take:   inputs data (outer, n, inner) and indices (m,); output
 *           (outer, m, inner); gx_index_attrs.
 *   pick:   inputs data (outer, n, inner) and index (outer, 1, inner);
 *           output (outer, 1, inner); gx_index_attrs.
 *   one_hot: input indices (m,); output (m, depth); gx_one_hot_attrs.
 *   gather_nd: inputs data (d0..dn-1) contiguous and indices (k, m)
 *           contiguous; output (m, d_k..d_{n-1}) contiguous.
 *           gx_index_attrs (mode RAISE or CLIP).
 *   scatter_nd: inputs values (m, d_k..d_{n-1}) and indices (k, m); the
 *           single output is the array written into (updated in place).
 *   scatter_add: inputs values (m,) and int64 indices (m,), contiguous; the
 *           output (n,) is updated in place: out[idx[i]] += values[i], with
 *           negative indices skipped.  (The gradient of gather-like ops.)
 *
 * Linear algebra.
 *   gemm:   inputs A (B?, M, K), Bm (B?, K, N); output C (B?, M, N), with an
 *           optional leading batch axis on all three.  Each matrix has a
 *           unit stride along one of its two last axes (the core copies
 *           otherwise), so a transposed operand is a stride pattern.
 *           gx_gemm_attrs; C = alpha * A @ Bm + beta * C.
 *
 * Random sampling.  Generator state lives in the backend, per device.
 *   random_seed: no inputs or outputs; gx_seed_attrs.
 *   random_uniform random_normal random_randint random_exponential
 *   random_gamma random_poisson: no inputs; one contiguous output;
 *           gx_random_attrs; dispatch dtype: the output's.
 *   shuffle: input and output contiguous, rows permuted along axis 0.
 *   multinomial: input probabilities (M, K) contiguous; output samples
 *           (M, n) contiguous (int32 or as requested), and optionally a
 *           second output (M, n) of log-probabilities; gx_random_attrs
 *           unused (pass NULL).
 *
 * Neural-network layers (float dtypes).  Normalisations see the data as a
 * contiguous (A, C, B) view with one group per C, reduced over A and B.
 *   norm_moments:  x (A, C, B) -> mean (C,), var (C,) (biased variance).
 *   norm_affine:   inputs x (A, C, B), scale (C,), shift (C,) -> y (A, C, B)
 *           = x * scale[c] + shift[c].
 *   norm_backward: inputs x, dy (A, C, B), mean, var, g (C,); outputs dx
 *           (A, C, B), sum_dy (C,), sum_dy_xhat (C,); gx_norm_bwd_attrs.
 *           xhat = (x - mean) / sqrt(var + eps);
 *           dx = g / sqrt(var + eps) * (dy - mean(dy) - xhat * mean(dy*xhat)).
 *   nn_act: contiguous x -> y of the same size; gx_act_attrs.
 * Softmax family.
 *   softmax log_softmax: input data (outer, K, inner) contiguous, normalised
 *           along K, and optionally a second input length (outer, inner),
 *           contiguous int64: positions k >= length (clamped to [0, K]) are
 *           written 0.  Output (outer, K, inner) contiguous in float16,
 *           float32 or float64 (may differ from the input's).
 *           gx_softmax_attrs: the kernel normalises exp(scale * x)
 *           (scale = 1/temperature; softmin passes -1/temperature).
 * Optimizer updates (MXNet's fused update ops).  All operands contiguous
 * with the weight's element count; dispatch dtype: the weight's (float16/
 * 32/64).  Inputs (weight, grad); outputs (out, states...), the states read
 * and updated in place; gx_optim_attrs (clip_gradient, clip_weights,
 * lower_bound, upper_bound < 0: off).  States have the weight's dtype,
 * except in the mp_* kernels, whose states are float32 with the float32
 * master weight last.
 *   sgd_update: (out)                sgd_mom_update: (out, mom)
 *   nag_mom_update: (out, mom)       adam_update: (out, mean, var)
 *   rmsprop_update: (out, n)         rmspropalex_update: (out, n, g, delta)
 *   ftrl_update: (out, z, n)         ftml_update: (out, d, v, z)
 *   signsgd_update: (out)            signum_update: (out, mom)
 *   mp_sgd_update: (out, weight32)   mp_sgd_mom_update, mp_nag_mom_update:
 *           (out, mom, weight32)
 *   lamb_update_phase1: (g, mean, var), g the update direction
 *   lamb_update_phase2: inputs (weight, g, r1, r2), r1 and r2 one-element
 *           norms of the weight's dtype; output (out).
 * CTC loss (float32, float64).
 *   ctc_loss: inputs data (T, N, A) unnormalised activations (any strides),
 *           label (N, L) int64, then data_lengths (N,) int64 when
 *           use_data_lengths, then label_lengths (N,) int64 when
 *           use_label_lengths; outputs loss (N,) and grad (T, N, A)
 *           contiguous, both of the data's dtype: the negative
 *           log-likelihood under log_softmax(data) over A, and its gradient
 *           w.r.t. data (0 at steps >= the sequence's length).  Without
 *           label_lengths a label ends at its first `padding` value (with
 *           padding 0, i.e. blank first, also at -1).  Labels must lie in
 *           [0, A) and differ from `blank`, lengths in [0, T] / [0, L]
 *           (GX_ERR_VALUE otherwise).  An alignment that cannot exist
 *           (L + repeated neighbours > T) gives loss 0 and grad 0, as MXNet.
 *           gx_ctc_attrs.
 * Fused elementwise (float32, float64, float16; backends/cpu/fused.c).
 *   fused_elemwise: inputs k tensors (0 <= k <= GX_FUSED_MAX_INPUTS), all of
 *           the output's dtype, ndim and shape with any element strides (0
 *           on broadcast axes: a per-channel vector of (N, C, H*W) data is
 *           the view shape (N, C, H*W), strides (0, 1, 0)); one output of
 *           that shape (any strides).  The output may alias an input exactly
 *           (same data pointer and strides; partial overlaps are not
 *           supported).  gx_fused_attrs: a straight-line program over
 *           GX_FUSED_MAX_REGS registers of whole-array values.  Registers
 *           0..n_inputs-1 start as the inputs; instruction j writes register
 *           dst (any register, inputs included) from register a (and b);
 *           the result is the register the last instruction writes.  One
 *           pass over memory: the kernel walks the output in blocks, runs
 *           the whole program on each block in L1-resident buffers, and
 *           stores the block.  Registers compute in the dtype (float16 in
 *           float, rounded to half only on the final store), each op with
 *           the expression of the matching single-op kernel, so results
 *           equal running those kernels one after another (exact ops bit
 *           for bit, libm/libmvec functions to their few-ulp accuracy).
 *           Operands: x = r[a], y = r[b] (b = -1: y = imm converted to the
 *           dtype, as a Python scalar operand is), p = imm, q = imm2 (as C
 *           doubles converted to the compute type).
 *             copy                       x
 *             unary (as the kernels of the same name): negative abs square
 *               sqrt rsqrt reciprocal exp expm1 log log1p sin cos tanh
 *               sigmoid relu softsign erf sign floor ceil round (half away
 *               from zero) trunc, and cbrt rcbrt log2 log10 tan arcsin
 *               arccos arctan sinh cosh arcsinh arccosh arctanh degrees
 *               radians rint logical_not
 *             softrelu log(1+exp(x)) as nn_act: max(x,0) + log1p(exp(-|x|))
 *             leaky    x > 0 ? x : p*x       elu   x > 0 ? x : p*expm1(x)
 *             selu, gelu: as nn_act (selu's fixed constants; gelu
 *                      0.5*x*(1+erf(x/sqrt(2)))); softrelu, elu, selu and
 *                      gelu evaluate their libm calls in double, as nn_act
 *             clip     min(max(x, p), q) (as the clip kernel)
 *             binary (b a register, or -1 for the scalar imm): add sub mul
 *               div maximum minimum power hypot greater greater_equal
 *               lesser lesser_equal equal not_equal (1/0 in the dtype), and
 *               mod arctan2 logical_and logical_or logical_xor
 *             rsub imm - x      rdiv imm / x      rpower imm ** x
 *                      (imm converted to the dtype; b unused)
 *             muladd   x * y + imm2 (imm2 converted to the dtype), rounded
 *                      after the product and after the sum (= mul then add;
 *                      never a fused multiply-add)
 *             const    imm converted to the dtype (reads no register)
 *           A bad program (n_instr outside 1..GX_FUSED_MAX_INSTR, n_inputs
 *           different from the number of inputs, an opcode, dst, a or b out
 *           of range, a read of a register not yet written) fails with
 *           GX_ERR_VALUE; inputs of another dtype or shape too.
 */
#ifndef GLUONX_ATTRS_H
#define GLUONX_ATTRS_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct { double a_min, a_max; } gx_clip_attrs;

typedef struct { double value; } gx_fill_attrs;

typedef struct { double start, step; } gx_arange_attrs;

enum { GX_PAD_CONSTANT = 0, GX_PAD_EDGE = 1, GX_PAD_REFLECT = 2 };
typedef struct {
    int32_t mode;
    int32_t _reserved;
    double value;                  /* for GX_PAD_CONSTANT */
    int64_t before[GX_MAX_NDIM];   /* padding added before each axis */
} gx_pad_attrs;

typedef struct { int32_t ord; } gx_norm_attrs;  /* 1 or 2 */

typedef struct {
    int64_t k;
    int32_t is_ascend;
    int32_t want_values;
    int32_t want_indices;
    int32_t _reserved;
} gx_topk_attrs;

enum { GX_INDEX_CLIP = 0, GX_INDEX_WRAP = 1, GX_INDEX_RAISE = 2 };
typedef struct { int32_t mode; } gx_index_attrs;

typedef struct { double on_value, off_value; } gx_one_hot_attrs;

typedef struct { double alpha, beta; } gx_gemm_attrs;

typedef struct { uint64_t seed; } gx_seed_attrs;

/* Parameters by sampler: uniform (low, high), normal (loc, scale),
 * randint (low, high), exponential (lam, -), gamma (alpha, beta),
 * poisson (lam, -). */
typedef struct { double p0, p1; } gx_random_attrs;

/* Convolution and pooling (backends/cpu/conv.c, pool.c).  Arrays are
 * channel-first (N, C, *spatial) and contiguous; nsp = 1..3 spatial axes
 * (only the first nsp entries of each array attribute are used).  A
 * convolution maps an image x (N, C, *in) with a weight w (F, C/groups,
 * *kernel) to y (N, F, *out), out = gx_conv_attrs.out; a window starts at
 * o*stride - pad, its taps are dilate apart, positions in the padding read 0;
 * channel group i of y reads channel group i of x (groups 0 means 1).
 *   conv_forward: inputs x, w; output y.
 *   conv_transpose: inputs y (N, F, *out), w; output x (N, C, *in),
 *           overwritten: the transpose of conv_forward in x (its gradient
 *           with respect to the image; Deconvolution).
 *   conv_weight_grad: inputs x, dy (N, F, *out); output dw (F, C/groups,
 *           *kernel), overwritten: the gradient of sum(dy * conv(x, w))
 *           with respect to w.
 *   pooling: input x (N, C, *in); output y (N, C, *out); gx_pool_attrs.
 *           A window spans [o*stride - pad, o*stride - pad + kernel) clipped
 *           to the input; avg divides by the window clipped to the padded
 *           input (count_include_pad) or to the input; lp is
 *           (sum x^p)^(1/p) for p = 1, 2, 3 (signed powers, as MXNet).
 *   pooling_backward: inputs dy (y's shape), x, y; output dx (x's shape),
 *           overwritten; max routes dy to the first maximum of each window.
 *   pooling_pick: inputs x and g (x's shape); output (y's shape): g at the
 *           first maximum of x in each window (the transpose of max
 *           pooling_backward; gx_pool_attrs.type is ignored).
 */
typedef struct {
    int32_t nsp;
    int32_t groups;
    int64_t kernel[3], stride[3], dilate[3], pad[3], out[3];
} gx_conv_attrs;

enum { GX_POOL_MAX = 0, GX_POOL_AVG = 1, GX_POOL_SUM = 2, GX_POOL_LP = 3 };
typedef struct {
    int32_t nsp;
    int32_t type;
    int32_t count_include_pad;
    int32_t p_value;
    int64_t kernel[3], stride[3], pad[3];
} gx_pool_attrs;
typedef struct { double eps; } gx_norm_bwd_attrs;

/* nn_act kinds: softrelu log(1+exp(x)); leaky x>0 ? x : slope*x; elu
 * x>0 ? x : slope*expm1(x); selu (fixed constants); gelu (erf form). */
enum { GX_ACT_SOFTRELU = 0, GX_ACT_LEAKY = 1, GX_ACT_ELU = 2, GX_ACT_SELU = 3, GX_ACT_GELU = 4 };
typedef struct {
    int32_t kind;
    int32_t _reserved;
    double slope;
} gx_act_attrs;
typedef struct { double scale; } gx_softmax_attrs;
typedef struct {
    double lr, wd, rescale_grad, clip_gradient;
    double momentum, beta1, beta2, epsilon;
    double gamma1, gamma2, clip_weights;
    double lamda1, beta, wd_lh, t;
    double lower_bound, upper_bound;
    int32_t bias_correction;
    int32_t _reserved;
} gx_optim_attrs;
typedef struct {
    int32_t blank;              /* 0 or A-1 */
    int32_t padding;            /* label value ending a label: 0 (blank first) or -1 */
    int32_t use_data_lengths;
    int32_t use_label_lengths;
} gx_ctc_attrs;

/* fused_elemwise (see the contract above).  Opcode numbers are ABI: new
 * opcodes are only ever appended.  gluonx/_fused.py mirrors this enum and
 * packs the struct as "<ii" + 32 * "iiiidd" (1032 bytes, no padding). */
#define GX_FUSED_MAX_INSTR 32
#define GX_FUSED_MAX_REGS 16
#define GX_FUSED_MAX_INPUTS 8
enum {
    GX_FOP_COPY = 0,
    /* unary */
    GX_FOP_NEGATIVE, GX_FOP_ABS, GX_FOP_SQUARE, GX_FOP_SQRT, GX_FOP_RSQRT,
    GX_FOP_RECIPROCAL, GX_FOP_EXP, GX_FOP_EXPM1, GX_FOP_LOG, GX_FOP_LOG1P,
    GX_FOP_SIN, GX_FOP_COS, GX_FOP_TANH, GX_FOP_SIGMOID, GX_FOP_RELU,
    GX_FOP_SOFTSIGN, GX_FOP_SOFTRELU, GX_FOP_ERF, GX_FOP_SIGN, GX_FOP_FLOOR,
    GX_FOP_CEIL, GX_FOP_ROUND, GX_FOP_TRUNC,                          /* 1..23 */
    /* parametric (imm, imm2) */
    GX_FOP_LEAKY, GX_FOP_ELU, GX_FOP_SELU, GX_FOP_GELU, GX_FOP_CLIP,  /* 24..28 */
    /* binary: b a register or -1 (imm) */
    GX_FOP_ADD, GX_FOP_SUB, GX_FOP_MUL, GX_FOP_DIV, GX_FOP_MAXIMUM,
    GX_FOP_MINIMUM, GX_FOP_POWER, GX_FOP_HYPOT, GX_FOP_GREATER,
    GX_FOP_GREATER_EQUAL, GX_FOP_LESSER, GX_FOP_LESSER_EQUAL, GX_FOP_EQUAL,
    GX_FOP_NOT_EQUAL,                                                 /* 29..42 */
    /* imm (op) x */
    GX_FOP_RSUB, GX_FOP_RDIV, GX_FOP_RPOWER,                          /* 43..45 */
    GX_FOP_MULADD, GX_FOP_CONST,                                      /* 46, 47 */
    /* more unary kernels */
    GX_FOP_CBRT, GX_FOP_RCBRT, GX_FOP_LOG2, GX_FOP_LOG10, GX_FOP_TAN,
    GX_FOP_ARCSIN, GX_FOP_ARCCOS, GX_FOP_ARCTAN, GX_FOP_SINH, GX_FOP_COSH,
    GX_FOP_ARCSINH, GX_FOP_ARCCOSH, GX_FOP_ARCTANH, GX_FOP_DEGREES,
    GX_FOP_RADIANS, GX_FOP_RINT, GX_FOP_LOGICAL_NOT,                  /* 48..64 */
    /* more binary kernels */
    GX_FOP_MOD, GX_FOP_ARCTAN2, GX_FOP_LOGICAL_AND, GX_FOP_LOGICAL_OR,
    GX_FOP_LOGICAL_XOR,                                               /* 65..69 */
    GX_FOP_COUNT
};
typedef struct {
    int32_t op;     /* GX_FOP_* */
    int32_t dst;    /* register written, 0 .. GX_FUSED_MAX_REGS-1 */
    int32_t a;      /* first operand register (unused by const) */
    int32_t b;      /* binary ops and muladd: second operand register, or -1: imm */
    double imm;     /* scalar operand, slope (leaky, elu), lower bound (clip) */
    double imm2;    /* upper bound (clip), addend (muladd) */
} gx_fused_instr;
typedef struct {
    int32_t n_instr;    /* 1 .. GX_FUSED_MAX_INSTR */
    int32_t n_inputs;   /* == the number of input tensors */
    gx_fused_instr instr[GX_FUSED_MAX_INSTR];
} gx_fused_attrs;

#ifdef __cplusplus
}
#endif

#endif /* GLUONX_ATTRS_H */
