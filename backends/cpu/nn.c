/* CPU kernels: neural-network family (see include/gluonx/attrs.h).
 *
 * Normalisation layers (BatchNorm, LayerNorm, InstanceNorm, GroupNorm) all
 * reduce to one picture: the data viewed as (A, C, B) contiguous with one
 * group per C, reduced over A and B.  The core picks the view; these
 * kernels only loop.
 *   norm_moments:  x (A, C, B) -> mean (C,), var (C,) (biased), one pass
 *                  per channel in double (two-pass: mean, then squares).
 *   norm_affine:   x (A, C, B), scale (C,), shift (C,) -> x*scale + shift.
 *   norm_backward: x, dy (A, C, B), mean, var, g (C,); gx_norm_bwd_attrs
 *                  -> dx (A, C, B), sum_dy (C,), sum_dy_xhat (C,), where
 *                  xhat = (x - mean) * rstd and
 *                  dx = g*rstd*(dy - sum_dy/M - xhat*sum_dy_xhat/M), M = A*B.
 *   nn_act:        x -> y, gx_act_attrs (softrelu leaky elu selu gelu).
 */
#include <math.h>

#include "gx_cpu.h"

static int check_acb(gx_context *c, const char *name, const gx_tensor *x, const gx_tensor *v,
                     int64_t *A, int64_t *C, int64_t *B)
{
    if (x->ndim != 3 || !gx_is_contiguous(x)) {
        c->set_error(c, "%s expects a contiguous (A, C, B) view", name);
        return GX_ERR_VALUE;
    }
    *A = x->shape[0];
    *C = x->shape[1];
    *B = x->shape[2];
    if (v && (gx_numel(v) != *C || !gx_is_contiguous(v))) {
        c->set_error(c, "%s: per-channel arrays must have %lld contiguous elements", name,
                     (long long)*C);
        return GX_ERR_VALUE;
    }
    return GX_OK;
}

#define NORM_KERNELS(FLAG, T, CT)                                                          \
    static int norm_moments_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,        \
                                   gx_tensor *out, int32_t nout, const void *attrs)        \
    {                                                                                      \
        (void)attrs;                                                                       \
        int64_t A, C, B;                                                                   \
        if (nin != 1 || nout != 2)                                                         \
            return c->set_error(c, "norm_moments expects x -> (mean, var)"), GX_ERR_VALUE; \
        int st = check_acb(c, "norm_moments", &in[0], &out[0], &A, &C, &B);                \
        if (st == GX_OK)                                                                   \
            st = check_acb(c, "norm_moments", &in[0], &out[1], &A, &C, &B);                \
        if (st != GX_OK)                                                                   \
            return st;                                                                     \
        const T *x = (const T *)in[0].data;                                                \
        T *mo = (T *)out[0].data, *vo = (T *)out[1].data;                                  \
        double M = (double)(A * B);                                                        \
        _Pragma("omp parallel for if(A * B * C > GX_OMP_MIN_ELEMS && C > 1)")              \
        for (int64_t ch = 0; ch < C; ch++) {                                               \
            double s = 0;                                                                  \
            for (int64_t a = 0; a < A; a++) {                                              \
                const T *p = x + (a * C + ch) * B;                                         \
                CT ss = 0;                                                                 \
                for (int64_t b = 0; b < B; b++)                                            \
                    ss += (CT)p[b];                                                        \
                s += (double)ss;                                                           \
            }                                                                              \
            double mean = M > 0 ? s / M : 0.0;                                             \
            double q = 0;                                                                  \
            CT mf = (CT)mean;                                                              \
            for (int64_t a = 0; a < A; a++) {                                              \
                const T *p = x + (a * C + ch) * B;                                         \
                CT qq = 0;                                                                 \
                for (int64_t b = 0; b < B; b++) {                                          \
                    CT d = (CT)p[b] - mf;                                                  \
                    qq += d * d;                                                           \
                }                                                                          \
                q += (double)qq;                                                           \
            }                                                                              \
            mo[ch] = (T)mean;                                                              \
            vo[ch] = (T)(M > 0 ? q / M : 0.0);                                             \
        }                                                                                  \
        return GX_OK;                                                                      \
    }                                                                                      \
                                                                                           \
    static int norm_affine_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,         \
                                  gx_tensor *out, int32_t nout, const void *attrs)         \
    {                                                                                      \
        (void)attrs;                                                                       \
        int64_t A, C, B;                                                                   \
        if (nin != 3 || nout != 1)                                                         \
            return c->set_error(c, "norm_affine expects (x, scale, shift) -> y"), GX_ERR_VALUE; \
        int st = check_acb(c, "norm_affine", &in[0], &in[1], &A, &C, &B);                  \
        if (st == GX_OK)                                                                   \
            st = check_acb(c, "norm_affine", &out[0], &in[2], &A, &C, &B);                 \
        if (st != GX_OK)                                                                   \
            return st;                                                                     \
        if (in[0].shape[0] != A || in[0].shape[1] != C || in[0].shape[2] != B)             \
            return c->set_error(c, "norm_affine: x and y shapes differ"), GX_ERR_VALUE;    \
        const T *x = (const T *)in[0].data, *sc = (const T *)in[1].data;                   \
        const T *sh = (const T *)in[2].data;                                               \
        T *y = (T *)out[0].data;                                                           \
        int64_t rows = A * C;                                                              \
        _Pragma("omp parallel for if(rows * B > GX_OMP_MIN_ELEMS)")                        \
        for (int64_t r = 0; r < rows; r++) {                                               \
            int64_t ch = r % C;                                                            \
            CT s = (CT)sc[ch], t = (CT)sh[ch];                                             \
            const T *restrict p = x + r * B;                                               \
            T *restrict q = y + r * B;                                                     \
            for (int64_t b = 0; b < B; b++)                                                \
                q[b] = (T)((CT)p[b] * s + t);                                              \
        }                                                                                  \
        return GX_OK;                                                                      \
    }                                                                                      \
                                                                                           \
    static int norm_backward_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,       \
                                    gx_tensor *out, int32_t nout, const void *attrs)       \
    {                                                                                      \
        int64_t A, C, B;                                                                   \
        if (nin != 5 || nout != 3 || !attrs)                                               \
            return c->set_error(c, "norm_backward expects (x, dy, mean, var, g) -> "       \
                                   "(dx, sum_dy, sum_dy_xhat)"), GX_ERR_VALUE;             \
        double eps = ((const gx_norm_bwd_attrs *)attrs)->eps;                              \
        const gx_tensor *per[5] = {&in[2], &in[3], &in[4], &out[1], &out[2]};              \
        int st = check_acb(c, "norm_backward", &in[0], NULL, &A, &C, &B);                  \
        for (int k = 0; st == GX_OK && k < 5; k++)                                         \
            st = check_acb(c, "norm_backward", &in[0], per[k], &A, &C, &B);                \
        const gx_tensor *big[2] = {&in[1], &out[0]};                                       \
        for (int k = 0; st == GX_OK && k < 2; k++) {                                       \
            int64_t A2, C2, B2;                                                            \
            st = check_acb(c, "norm_backward", big[k], NULL, &A2, &C2, &B2);               \
            if (st == GX_OK && (A2 != A || C2 != C || B2 != B))                            \
                return c->set_error(c, "norm_backward: x, dy, dx shapes differ"), GX_ERR_VALUE; \
        }                                                                                  \
        if (st != GX_OK)                                                                   \
            return st;                                                                     \
        const T *x = (const T *)in[0].data, *dy = (const T *)in[1].data;                   \
        const T *mean = (const T *)in[2].data, *var = (const T *)in[3].data;               \
        const T *g = (const T *)in[4].data;                                                \
        T *dx = (T *)out[0].data, *sdy = (T *)out[1].data, *sdx = (T *)out[2].data;        \
        double M = (double)(A * B);                                                        \
        _Pragma("omp parallel for if(A * B * C > GX_OMP_MIN_ELEMS && C > 1)")              \
        for (int64_t ch = 0; ch < C; ch++) {                                               \
            double rstd = 1.0 / sqrt((double)var[ch] + eps);                               \
            CT mu = (CT)mean[ch], rs = (CT)rstd;                                           \
            double s1 = 0, s2 = 0;                                                         \
            for (int64_t a = 0; a < A; a++) {                                              \
                const T *px = x + (a * C + ch) * B, *pd = dy + (a * C + ch) * B;            \
                CT t1 = 0, t2 = 0;                                                         \
                for (int64_t b = 0; b < B; b++) {                                          \
                    CT d = (CT)pd[b];                                                      \
                    t1 += d;                                                               \
                    t2 += d * ((CT)px[b] - mu);                                            \
                }                                                                          \
                s1 += (double)t1;                                                          \
                s2 += (double)t2;                                                          \
            }                                                                              \
            s2 *= rstd;                                                                    \
            sdy[ch] = (T)s1;                                                               \
            sdx[ch] = (T)s2;                                                               \
            CT k = (CT)((double)g[ch] * rstd);                                             \
            CT m1 = (CT)(M > 0 ? s1 / M : 0), m2 = (CT)(M > 0 ? s2 / M : 0);               \
            for (int64_t a = 0; a < A; a++) {                                              \
                const T *px = x + (a * C + ch) * B, *pd = dy + (a * C + ch) * B;            \
                T *po = dx + (a * C + ch) * B;                                             \
                for (int64_t b = 0; b < B; b++) {                                          \
                    CT xh = ((CT)px[b] - mu) * rs;                                         \
                    po[b] = (T)(k * ((CT)pd[b] - m1 - xh * m2));                           \
                }                                                                          \
            }                                                                              \
        }                                                                                  \
        return GX_OK;                                                                      \
    }
GX_FOR_FLOAT_TYPES(NORM_KERNELS)

/* ---- activations ---------------------------------------------------------- */
#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_LAMBDA 1.0507009873554804934193349852946

#define ACT_KERNEL(FLAG, T, CT)                                                            \
    static int nn_act_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,              \
                             gx_tensor *out, int32_t nout, const void *attrs)              \
    {                                                                                      \
        if (nin != 1 || nout != 1 || !attrs)                                               \
            return c->set_error(c, "nn_act expects x -> y with gx_act_attrs"), GX_ERR_VALUE; \
        const gx_act_attrs *at = (const gx_act_attrs *)attrs;                              \
        if (!gx_is_contiguous(&in[0]) || !gx_is_contiguous(&out[0]) ||                     \
            gx_numel(&in[0]) != gx_numel(&out[0]))                                         \
            return c->set_error(c, "nn_act expects contiguous x and y of one size"), GX_ERR_VALUE; \
        const T *restrict x = (const T *)in[0].data;                                       \
        T *restrict y = (T *)out[0].data;                                                  \
        int64_t n = gx_numel(&in[0]);                                                      \
        CT s = (CT)at->slope;                                                              \
        switch (at->kind) {                                                                \
        case GX_ACT_SOFTRELU:                                                              \
            for (int64_t i = 0; i < n; i++) {                                              \
                CT v = (CT)x[i];                                                           \
                y[i] = (T)((v > 0 ? v : 0) + log1p(exp(-fabs((double)v))));                \
            }                                                                              \
            break;                                                                         \
        case GX_ACT_LEAKY:                                                                 \
            for (int64_t i = 0; i < n; i++) {                                              \
                CT v = (CT)x[i];                                                           \
                y[i] = (T)(v > 0 ? v : v * s);                                             \
            }                                                                              \
            break;                                                                         \
        case GX_ACT_ELU:                                                                   \
            for (int64_t i = 0; i < n; i++) {                                              \
                CT v = (CT)x[i];                                                           \
                y[i] = (T)(v > 0 ? v : s * (CT)expm1((double)v));                          \
            }                                                                              \
            break;                                                                         \
        case GX_ACT_SELU:                                                                  \
            for (int64_t i = 0; i < n; i++) {                                              \
                double v = (double)x[i];                                                   \
                y[i] = (T)(SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * expm1(v)));             \
            }                                                                              \
            break;                                                                         \
        case GX_ACT_GELU:                                                                  \
            for (int64_t i = 0; i < n; i++) {                                              \
                double v = (double)x[i];                                                   \
                y[i] = (T)(0.5 * v * (1.0 + erf(v * 0.70710678118654752440)));             \
            }                                                                              \
            break;                                                                         \
        default:                                                                           \
            c->set_error(c, "nn_act: unknown activation kind %d", (int)at->kind);          \
            return GX_ERR_VALUE;                                                           \
        }                                                                                  \
        return GX_OK;                                                                      \
    }
GX_FOR_FLOAT_TYPES(ACT_KERNEL)

int gx_cpu_register_nn(gx_registry *r)
{
#define REG_NN(FLAG, T, CT)                                        \
    GX_REG(r, "norm_moments", FLAG, norm_moments_##FLAG);          \
    GX_REG(r, "norm_affine", FLAG, norm_affine_##FLAG);            \
    GX_REG(r, "norm_backward", FLAG, norm_backward_##FLAG);        \
    GX_REG(r, "nn_act", FLAG, nn_act_##FLAG);
    GX_FOR_FLOAT_TYPES(REG_NN)
    return GX_OK;
}
