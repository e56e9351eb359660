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
 * randint (low, high), exponential (scale, -), gamma (alpha, beta),
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

#ifdef __cplusplus
}
#endif

#endif /* GLUONX_ATTRS_H */
