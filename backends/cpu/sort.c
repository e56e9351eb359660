/* CPU kernels: sorting (see include/gluonx/attrs.h for the contracts).
 *
 *   topk:      input (M, K) contiguous; outputs (M, k) contiguous: values
 *              and/or indices (values first when both); gx_topk_attrs.
 *   topk_mask: input (M, K) contiguous; output (M, K) contiguous in the
 *              input dtype: 1 where the element is among the row's top k,
 *              else 0; gx_topk_attrs (want_* ignored).
 *
 * Ordering is stable: among equal keys the lower index comes first, for
 * ascending and descending order alike.  NaN counts as larger than every
 * number (last when ascending, first when descending), as NumPy sorts. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "gx_cpu.h"


/* "a goes before b" (strictly), NaN largest. */
#define LT_ASC(a, b) ((a) < (b) || ((b) != (b) && (a) == (a)))
#define LT_DESC(a, b) ((a) > (b) || ((a) != (a) && (b) == (b)))

#define DEFINE_TOPK(SUF, FLAG, T, C)                                                   \
    typedef struct { C key; int64_t idx; } pair_##SUF;                                 \
                                                                                       \
    /* Stable bottom-up merge sort of n pairs; returns the sorted buffer. */          \
    static pair_##SUF *msort_##SUF(pair_##SUF *a, pair_##SUF *tmp, int64_t n, int asc) \
    {                                                                                  \
        /* insertion sort runs of 16 */                                                \
        const int64_t RUN = 16;                                                        \
        for (int64_t s = 0; s < n; s += RUN) {                                         \
            int64_t e = s + RUN < n ? s + RUN : n;                                     \
            for (int64_t i = s + 1; i < e; i++) {                                      \
                pair_##SUF v = a[i];                                                   \
                int64_t j = i;                                                         \
                if (asc) {                                                             \
                    while (j > s && LT_ASC(v.key, a[j - 1].key)) { a[j] = a[j - 1]; j--; } \
                } else {                                                               \
                    while (j > s && LT_DESC(v.key, a[j - 1].key)) { a[j] = a[j - 1]; j--; } \
                }                                                                      \
                a[j] = v;                                                              \
            }                                                                          \
        }                                                                              \
        for (int64_t w = RUN; w < n; w *= 2) {                                         \
            for (int64_t lo = 0; lo < n; lo += 2 * w) {                                \
                int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n; \
                int64_t i = lo, j = mid, k = lo;                                       \
                if (asc) {                                                             \
                    while (i < mid && j < hi)                                          \
                        tmp[k++] = LT_ASC(a[j].key, a[i].key) ? a[j++] : a[i++];       \
                } else {                                                               \
                    while (i < mid && j < hi)                                          \
                        tmp[k++] = LT_DESC(a[j].key, a[i].key) ? a[j++] : a[i++];      \
                }                                                                      \
                while (i < mid) tmp[k++] = a[i++];                                     \
                while (j < hi) tmp[k++] = a[j++];                                      \
            }                                                                          \
            pair_##SUF *t = a; a = tmp; tmp = t;                                       \
        }                                                                              \
        return a;                                                                      \
    }                                                                                  \
                                                                                       \
    /* The first k of the row's stable order, into buf (returns it). */               \
    static pair_##SUF *rowtop_##SUF(const T *x, int64_t K, int64_t k, int asc,         \
                                    pair_##SUF *buf, pair_##SUF *tmp)                  \
    {                                                                                  \
        if (k == 1) {                                                                  \
            C best = (C)x[0];                                                          \
            int64_t bi = 0;                                                            \
            for (int64_t i = 1; i < K; i++) {                                          \
                C v = (C)x[i];                                                         \
                if (asc ? LT_ASC(v, best) : LT_DESC(v, best)) { best = v; bi = i; }    \
            }                                                                          \
            buf[0].key = best;                                                         \
            buf[0].idx = bi;                                                           \
            return buf;                                                                \
        }                                                                              \
        if (k <= 32 && K >= 8 * k) {                                                   \
            /* small k: keep a sorted buffer of the best k (stable: a later equal  \
             * key never passes an earlier one) */                                    \
            int64_t cnt = 0;                                                           \
            for (int64_t i = 0; i < K; i++) {                                          \
                C v = (C)x[i];                                                         \
                if (cnt == k && !(asc ? LT_ASC(v, buf[k - 1].key)                      \
                                      : LT_DESC(v, buf[k - 1].key)))                   \
                    continue;                                                          \
                int64_t j = cnt < k ? cnt++ : k - 1;                                   \
                while (j > 0 && (asc ? LT_ASC(v, buf[j - 1].key) : LT_DESC(v, buf[j - 1].key))) { \
                    buf[j] = buf[j - 1];                                               \
                    j--;                                                               \
                }                                                                      \
                buf[j].key = v;                                                        \
                buf[j].idx = i;                                                        \
            }                                                                          \
            return buf;                                                                \
        }                                                                              \
        for (int64_t i = 0; i < K; i++) {                                              \
            buf[i].key = (C)x[i];                                                      \
            buf[i].idx = i;                                                            \
        }                                                                              \
        return msort_##SUF(buf, tmp, K, asc);                                          \
    }                                                                                  \
                                                                                       \
    static int topk_common_##SUF(gx_context *c, const gx_tensor *in, gx_tensor *out,   \
                                 int32_t nout, const gx_topk_attrs *a, int mask)       \
    {                                                                                  \
        if (in[0].ndim != 2) {                                                         \
            c->set_error(c, "topk expects a 2-D (rows, K) input, got %d-D", in[0].ndim); \
            return GX_ERR_VALUE;                                                       \
        }                                                                              \
        int64_t M = in[0].shape[0], K = in[0].shape[1], k = a->k;                      \
        if (k < 1 || k > K) {                                                          \
            c->set_error(c, "topk: k=%lld is out of range for an axis of length %lld", \
                         (long long)k, (long long)K);                                  \
            return GX_ERR_VALUE;                                                       \
        }                                                                              \
        int asc = a->is_ascend != 0;                                                   \
        int wv = !mask && a->want_values, wi = !mask && a->want_indices;               \
        if (!mask && nout < wv + wi) {                                                 \
            c->set_error(c, "topk: expected %d outputs, got %d", wv + wi, nout);       \
            return GX_ERR_VALUE;                                                       \
        }                                                                              \
        const T *x = (const T *)in[0].data;                                            \
        T *ov = wv ? (T *)out[0].data : NULL;                                          \
        char *oi = wi ? (char *)out[wv].data : NULL;                                   \
        int idt = wi ? out[wv].dtype : 0, isz = gx_itemsize[idt];                      \
        T *om = mask ? (T *)out[0].data : NULL;                                        \
        int nt = (M * K > GX_OMP_MIN_ELEMS && M > 1) ? omp_get_max_threads() : 1;      \
        if (nt > M) nt = (int)M;                                                       \
        if (nt < 1) nt = 1;                                                            \
        size_t per = (size_t)(k == 1 ? 1 : 2 * K) * sizeof(pair_##SUF);                \
        pair_##SUF *scratch = c->scratch_alloc(c, per * nt);                           \
        if (!scratch) {                                                                \
            c->set_error(c, "topk: out of memory for %lld scratch bytes", (long long)(per * nt)); \
            return GX_ERR_MEMORY;                                                      \
        }                                                                              \
        _Pragma("omp parallel num_threads(nt) if(nt > 1)")                             \
        {                                                                              \
            pair_##SUF *buf = (pair_##SUF *)((char *)scratch + per * omp_get_thread_num()); \
            _Pragma("omp for schedule(static)")                                        \
            for (int64_t m = 0; m < M; m++) {                                          \
                pair_##SUF *r = rowtop_##SUF(x + m * K, K, k, asc, buf, buf + K);      \
                if (mask) {                                                            \
                    T *q = om + m * K;                                                 \
                    for (int64_t i = 0; i < K; i++) q[i] = (T)0;                       \
                    for (int64_t i = 0; i < k; i++) q[r[i].idx] = (T)1;                \
                    continue;                                                          \
                }                                                                      \
                if (wv)                                                                \
                    for (int64_t i = 0; i < k; i++) ov[m * k + i] = x[m * K + r[i].idx]; \
                if (wi)                                                                \
                    for (int64_t i = 0; i < k; i++)                                    \
                        gx_store_index(oi + (m * k + i) * isz, idt, r[i].idx);              \
            }                                                                          \
        }                                                                              \
        return GX_OK;                                                                  \
    }                                                                                  \
    static int topk_##SUF(gx_context *c, const gx_tensor *in, int32_t nin,             \
                          gx_tensor *out, int32_t nout, const void *attrs)             \
    {                                                                                  \
        return topk_common_##SUF(c, in, out, nout, (const gx_topk_attrs *)attrs, 0);   \
    }                                                                                  \
    static int topk_mask_##SUF(gx_context *c, const gx_tensor *in, int32_t nin,        \
                               gx_tensor *out, int32_t nout, const void *attrs)        \
    {                                                                                  \
        return topk_common_##SUF(c, in, out, nout, (const gx_topk_attrs *)attrs, 1);   \
    }

DEFINE_TOPK(f32, GX_FLOAT32, float, float)
DEFINE_TOPK(f64, GX_FLOAT64, double, double)
DEFINE_TOPK(f16, GX_FLOAT16, gx_half, float)
DEFINE_TOPK(u8, GX_UINT8, uint8_t, int64_t)
DEFINE_TOPK(i8, GX_INT8, int8_t, int64_t)
DEFINE_TOPK(i32, GX_INT32, int32_t, int64_t)
DEFINE_TOPK(i64, GX_INT64, int64_t, int64_t)
DEFINE_TOPK(b, GX_BOOL, uint8_t, int64_t)

int gx_cpu_register_sort(gx_registry *r)
{
#define REG_TOPK(SUF, FLAG)                     \
    GX_REG(r, "topk", FLAG, topk_##SUF);        \
    GX_REG(r, "topk_mask", FLAG, topk_mask_##SUF);
    REG_TOPK(f32, GX_FLOAT32)
    REG_TOPK(f64, GX_FLOAT64)
    REG_TOPK(f16, GX_FLOAT16)
    REG_TOPK(u8, GX_UINT8)
    REG_TOPK(i8, GX_INT8)
    REG_TOPK(i32, GX_INT32)
    REG_TOPK(i64, GX_INT64)
    REG_TOPK(b, GX_BOOL)
    return GX_OK;
}
