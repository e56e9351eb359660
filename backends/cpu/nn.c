/* CPU kernels: neural-network family (see include/gluonx/attrs.h).
 *
 * Normalisation layers (BatchNorm, LayerNorm, InstanceNorm, GroupNorm) all
 * reduce to one picture: the data viewed as (A, C, B) contiguous with one
 * group per C, reduced over A and B.  The core picks the view; these
 * kernels only loop.
 *   norm_moments:  x (A, C, B) -> mean (C,), var (C,) (biased); two passes
 *                  per channel (mean, then squares), blocked sums in double.
 *   norm_affine:   x (A, C, B), scale (C,), shift (C,) -> x*scale + shift.
 *   norm_backward: x, dy (A, C, B), mean, var, g (C,); gx_norm_bwd_attrs
 *                  -> dx (A, C, B), sum_dy (C,), sum_dy_xhat (C,), where
 *                  xhat = (x - mean) * rstd and
 *                  dx = g*rstd*(dy - sum_dy/M - xhat*sum_dy_xhat/M), M = A*B.
 *   nn_act:        x -> y, gx_act_attrs (softrelu leaky elu selu gelu).
 */
#include <math.h>
#include <omp.h>

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

/* ---- normalisation ----------------------------------------------------------
 * Every statistic is a blocked sum: runs of up to NM_BLK elements are summed
 * in the compute type with a vectorised (`omp simd` reduction) loop and the
 * block sums are added in double, so float32 sums over 32k+ elements keep
 * ~1e-7 relative accuracy while the loops run at AVX-512 speed.  Moments are
 * two-pass per group (mean, then squared deviations from it); a group of a
 * ResNet BatchNorm (<= 128 KiB) is still in L2 for the second pass.  The
 * backward reads x and dy twice (sums, then dx) for the same reason.  With
 * B == 1 (BatchNorm on (N, C) data, the affine step of LayerNorm) the loops
 * run along the channels instead, which are the contiguous axis.
 *
 * Threads: work is split over the channels (or rows).  Measured on the 2-core
 * Zen 5 (passive OMP waits, per-kernel times, 1 vs 2 threads, float32):
 *   moments  (1, 65536, 32) 2M elems: 892 -> 490 us; (32, 64, 1024) 2M: 169 ->
 *            160 us; (256, 512, 1) 131k: 14 -> 51 us (waking the worker loses)
 *   backward (32, 64, 1024): 740 -> 358 us; (32, 256, 64) 524k: 231 -> 146 us;
 *            (256, 512, 1): 32 -> 65 us
 *   affine   (32, 64, 1024): 143 -> 152 us; (32, 128, 256): 68 -> 90 us: one
 *            read + one write stream is bandwidth-bound, a second core only
 *            adds the wake-up, so affine keeps GX_OMP_MIN_ELEMS.
 * Hence GX_NORM_OMP_MIN = 1 << 19 elements for moments and backward. */
#ifndef GX_NORM_OMP_MIN
#define GX_NORM_OMP_MIN (1 << 19)
#endif
#define NM_BLK 2048
#define NM_CB 256 /* channels per accumulator tile when B == 1 */

#define NM_MIN(a, b) ((a) < (b) ? (a) : (b))

#define NORM_HELPERS(FLAG, T, CT)                                                          \
    /* sum of p[0..n) */                                                                   \
    static inline double nm_sum_##FLAG(const T *restrict p, int64_t n)                     \
    {                                                                                      \
        double s = 0;                                                                      \
        for (int64_t i0 = 0; i0 < n; i0 += NM_BLK) {                                       \
            int64_t m = NM_MIN(NM_BLK, n - i0);                                            \
            const T *restrict q = p + i0;                                                  \
            CT t = 0;                                                                      \
            _Pragma("omp simd reduction(+:t)")                                             \
            for (int64_t i = 0; i < m; i++) t += (CT)q[i];                                 \
            s += (double)t;                                                                \
        }                                                                                  \
        return s;                                                                          \
    }                                                                                      \
    /* sum of (p - mu)^2 */                                                                \
    static inline double nm_sq_##FLAG(const T *restrict p, int64_t n, CT mu)               \
    {                                                                                      \
        double s = 0;                                                                      \
        for (int64_t i0 = 0; i0 < n; i0 += NM_BLK) {                                       \
            int64_t m = NM_MIN(NM_BLK, n - i0);                                            \
            const T *restrict q = p + i0;                                                  \
            CT t = 0;                                                                      \
            _Pragma("omp simd reduction(+:t)")                                             \
            for (int64_t i = 0; i < m; i++) {                                              \
                CT d = (CT)q[i] - mu;                                                      \
                t += d * d;                                                                \
            }                                                                              \
            s += (double)t;                                                                \
        }                                                                                  \
        return s;                                                                          \
    }                                                                                      \
    /* sum of d, sum of d * (x - mu) */                                                    \
    static inline void nm_bsum_##FLAG(const T *restrict x, const T *restrict d, int64_t n, \
                                      CT mu, double *s1, double *s2)                       \
    {                                                                                      \
        for (int64_t i0 = 0; i0 < n; i0 += NM_BLK) {                                       \
            int64_t m = NM_MIN(NM_BLK, n - i0);                                            \
            const T *restrict px = x + i0, *restrict pd = d + i0;                          \
            CT t1 = 0, t2 = 0;                                                             \
            _Pragma("omp simd reduction(+:t1, t2)")                                        \
            for (int64_t i = 0; i < m; i++) {                                              \
                CT v = (CT)pd[i];                                                          \
                t1 += v;                                                                   \
                t2 += v * ((CT)px[i] - mu);                                                \
            }                                                                              \
            *s1 += (double)t1;                                                             \
            *s2 += (double)t2;                                                             \
        }                                                                                  \
    }                                                                                      \
                                                                                           \
    /* channels [c0, c1) of an (A, C, B) view, B > 1 */                                    \
    GX_SIMD_CLONES static void nm_moments_rows_##FLAG(const T *x, int64_t A, int64_t C,    \
                                                      int64_t B, int64_t c0, int64_t c1,   \
                                                      T *mo, T *vo)                        \
    {                                                                                      \
        double M = (double)(A * B);                                                        \
        for (int64_t ch = c0; ch < c1; ch++) {                                             \
            double s = 0, q = 0;                                                           \
            if (A == 1) {                                                                  \
                s = nm_sum_##FLAG(x + ch * B, B);                                          \
            } else {                                                                       \
                for (int64_t a = 0; a < A; a++)                                            \
                    s += nm_sum_##FLAG(x + (a * C + ch) * B, B);                           \
            }                                                                              \
            double mean = M > 0 ? s / M : 0.0;                                             \
            CT mf = (CT)mean;                                                              \
            for (int64_t a = 0; a < A; a++)                                                \
                q += nm_sq_##FLAG(x + (a * C + ch) * B, B, mf);                            \
            /* the float mean differs from the exact one by dm: remove dm^2 */             \
            double dm = s / (M > 0 ? M : 1) - (double)mf;                                  \
            q -= M * dm * dm;                                                              \
            mo[ch] = (T)mean;                                                              \
            vo[ch] = (T)(M > 0 && q > 0 ? q / M : 0.0);                                    \
        }                                                                                  \
    }                                                                                      \
                                                                                           \
    /* channels [c0, c1) of an (A, C, 1) view: vectorised along C */                       \
    GX_SIMD_CLONES static void nm_moments_cols_##FLAG(const T *x, int64_t A, int64_t C,    \
                                                      int64_t c0, int64_t c1, T *mo, T *vo) \
    {                                                                                      \
        double acc[NM_CB], mu[NM_CB];                                                      \
        for (int64_t j0 = c0; j0 < c1; j0 += NM_CB) {                                      \
            int64_t w = NM_MIN(NM_CB, c1 - j0);                                            \
            for (int64_t j = 0; j < w; j++) acc[j] = 0;                                    \
            for (int64_t a = 0; a < A; a++) {                                              \
                const T *restrict p = x + a * C + j0;                                      \
                _Pragma("omp simd")                                                        \
                for (int64_t j = 0; j < w; j++) acc[j] += (double)p[j];                    \
            }                                                                              \
            for (int64_t j = 0; j < w; j++) {                                              \
                mu[j] = A > 0 ? acc[j] / (double)A : 0.0;                                  \
                acc[j] = 0;                                                                \
            }                                                                              \
            for (int64_t a = 0; a < A; a++) {                                              \
                const T *restrict p = x + a * C + j0;                                      \
                _Pragma("omp simd")                                                        \
                for (int64_t j = 0; j < w; j++) {                                          \
                    double d = (double)p[j] - mu[j];                                       \
                    acc[j] += d * d;                                                       \
                }                                                                          \
            }                                                                              \
            for (int64_t j = 0; j < w; j++) {                                              \
                mo[j0 + j] = (T)mu[j];                                                     \
                vo[j0 + j] = (T)(A > 0 ? acc[j] / (double)A : 0.0);                        \
            }                                                                              \
        }                                                                                  \
    }                                                                                      \
                                                                                           \
    /* rows [r0, r1) of an (A, C, B) view (row r = a*C + c) */                             \
    GX_SIMD_CLONES static void nm_affine_rows_##FLAG(const T *x, const T *sc, const T *sh, \
                                                     T *y, int64_t C, int64_t B,           \
                                                     int64_t r0, int64_t r1)               \
    {                                                                                      \
        if (B == 1) { /* rows are (a); channels contiguous */                              \
            for (int64_t a = r0; a < r1; a++) {                                            \
                const T *restrict p = x + a * C;                                           \
                T *restrict q = y + a * C;                                                 \
                const T *restrict s = sc, *restrict t = sh;                                \
                _Pragma("omp simd")                                                        \
                for (int64_t j = 0; j < C; j++)                                            \
                    q[j] = (T)((CT)p[j] * (CT)s[j] + (CT)t[j]);                            \
            }                                                                              \
            return;                                                                        \
        }                                                                                  \
        for (int64_t r = r0; r < r1; r++) {                                                \
            int64_t ch = r % C;                                                            \
            CT s = (CT)sc[ch], t = (CT)sh[ch];                                             \
            const T *restrict p = x + r * B;                                               \
            T *restrict q = y + r * B;                                                     \
            _Pragma("omp simd")                                                            \
            for (int64_t b = 0; b < B; b++)                                                \
                q[b] = (T)((CT)p[b] * s + t);                                              \
        }                                                                                  \
    }                                                                                      \
                                                                                           \
    /* channels [c0, c1) of the backward, B > 1 */                                         \
    GX_SIMD_CLONES static void nm_backward_rows_##FLAG(                                    \
        const T *x, const T *dy, const T *mean, const T *var, const T *g, T *dx, T *sdy,   \
        T *sdx, int64_t A, int64_t C, int64_t B, double eps, int64_t c0, int64_t c1)       \
    {                                                                                      \
        double M = (double)(A * B);                                                        \
        for (int64_t ch = c0; ch < c1; ch++) {                                             \
            double rstd = 1.0 / sqrt((double)var[ch] + eps);                               \
            CT mu = (CT)mean[ch];                                                          \
            double s1 = 0, s2 = 0;                                                         \
            for (int64_t a = 0; a < A; a++)                                                \
                nm_bsum_##FLAG(x + (a * C + ch) * B, dy + (a * C + ch) * B, B, mu, &s1, &s2); \
            s2 *= rstd;                                                                    \
            sdy[ch] = (T)s1;                                                               \
            sdx[ch] = (T)s2;                                                               \
            double kd = (double)g[ch] * rstd;                                              \
            CT k = (CT)kd;                                                                 \
            CT km1 = (CT)(M > 0 ? kd * s1 / M : 0);                                        \
            CT km2 = (CT)(M > 0 ? kd * rstd * s2 / M : 0);                                 \
            for (int64_t a = 0; a < A; a++) {                                              \
                const T *restrict px = x + (a * C + ch) * B;                               \
                const T *restrict pd = dy + (a * C + ch) * B;                              \
                T *restrict po = dx + (a * C + ch) * B;                                    \
                _Pragma("omp simd")                                                        \
                for (int64_t b = 0; b < B; b++)                                            \
                    po[b] = (T)(k * (CT)pd[b] - km1 - km2 * ((CT)px[b] - mu));             \
            }                                                                              \
        }                                                                                  \
    }                                                                                      \
                                                                                           \
    /* channels [c0, c1) of the backward, B == 1: vectorised along C */                    \
    GX_SIMD_CLONES static void nm_backward_cols_##FLAG(                                    \
        const T *x, const T *dy, const T *mean, const T *var, const T *g, T *dx, T *sdy,   \
        T *sdx, int64_t A, int64_t C, double eps, int64_t c0, int64_t c1)                  \
    {                                                                                      \
        double a1[NM_CB], a2[NM_CB], mu[NM_CB], rs[NM_CB];                                 \
        CT k[NM_CB], km1[NM_CB], km2[NM_CB], muc[NM_CB];                                   \
        double M = (double)A;                                                              \
        for (int64_t j0 = c0; j0 < c1; j0 += NM_CB) {                                      \
            int64_t w = NM_MIN(NM_CB, c1 - j0);                                            \
            for (int64_t j = 0; j < w; j++) {                                              \
                a1[j] = a2[j] = 0;                                                         \
                mu[j] = (double)mean[j0 + j];                                              \
                rs[j] = 1.0 / sqrt((double)var[j0 + j] + eps);                             \
            }                                                                              \
            for (int64_t a = 0; a < A; a++) {                                              \
                const T *restrict px = x + a * C + j0, *restrict pd = dy + a * C + j0;     \
                _Pragma("omp simd")                                                        \
                for (int64_t j = 0; j < w; j++) {                                          \
                    double v = (double)pd[j];                                              \
                    a1[j] += v;                                                            \
                    a2[j] += v * ((double)px[j] - mu[j]);                                  \
                }                                                                          \
            }                                                                              \
            for (int64_t j = 0; j < w; j++) {                                              \
                double s2 = a2[j] * rs[j], kd = (double)g[j0 + j] * rs[j];                 \
                sdy[j0 + j] = (T)a1[j];                                                    \
                sdx[j0 + j] = (T)s2;                                                       \
                k[j] = (CT)kd;                                                             \
                km1[j] = (CT)(M > 0 ? kd * a1[j] / M : 0);                                 \
                km2[j] = (CT)(M > 0 ? kd * rs[j] * s2 / M : 0);                            \
                muc[j] = (CT)mu[j];                                                        \
            }                                                                              \
            for (int64_t a = 0; a < A; a++) {                                              \
                const T *restrict px = x + a * C + j0, *restrict pd = dy + a * C + j0;     \
                T *restrict po = dx + a * C + j0;                                          \
                _Pragma("omp simd")                                                        \
                for (int64_t j = 0; j < w; j++)                                            \
                    po[j] = (T)(k[j] * (CT)pd[j] - km1[j] - km2[j] * ((CT)px[j] - muc[j])); \
            }                                                                              \
        }                                                                                  \
    }
GX_FOR_FLOAT_TYPES(NORM_HELPERS)

/* [lo, hi) of n items for thread t of nt */
static inline void nm_split(int64_t n, int t, int nt, int64_t *lo, int64_t *hi)
{
    int64_t q = n / nt, r = n % nt;
    *lo = t * q + (t < r ? t : r);
    *hi = *lo + q + (t < r);
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
        int par = A * B * C >= GX_NORM_OMP_MIN && C > 1;                                   \
        _Pragma("omp parallel if(par)")                                                    \
        {                                                                                  \
            int64_t lo, hi;                                                                \
            nm_split(C, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);            \
            if (B == 1)                                                                    \
                nm_moments_cols_##FLAG(x, A, C, lo, hi, mo, vo);                           \
            else                                                                           \
                nm_moments_rows_##FLAG(x, A, C, B, lo, hi, mo, vo);                        \
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
        int64_t rows = B == 1 ? A : A * C;                                                 \
        int par = A * B * C > GX_OMP_MIN_ELEMS && rows > 1;                                \
        _Pragma("omp parallel if(par)")                                                    \
        {                                                                                  \
            int64_t lo, hi;                                                                \
            nm_split(rows, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);         \
            nm_affine_rows_##FLAG(x, sc, sh, y, C, B, lo, hi);                             \
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
        int par = A * B * C >= GX_NORM_OMP_MIN && C > 1;                                   \
        _Pragma("omp parallel if(par)")                                                    \
        {                                                                                  \
            int64_t lo, hi;                                                                \
            nm_split(C, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);            \
            if (B == 1)                                                                    \
                nm_backward_cols_##FLAG(x, dy, mean, var, g, dx, sdy, sdx, A, C, eps, lo, hi); \
            else                                                                           \
                nm_backward_rows_##FLAG(x, dy, mean, var, g, dx, sdy, sdx, A, C, B, eps, lo, hi); \
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
