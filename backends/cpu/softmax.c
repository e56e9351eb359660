/* CPU kernels: softmax family (softmax, log_softmax; softmin is softmax with
 * a negated scale).  Numerically stable: each row subtracts its maximum of
 * scale*x before exponentiating, and accumulates in float (float16, float32)
 * or double (float64).
 *
 * Views (see include/gluonx/attrs.h): data (outer, K, inner) contiguous,
 * optional int64 length (outer, inner) contiguous, output (outer, K, inner)
 * contiguous in any float dtype (the `dtype=` attribute).  With inner == 1
 * each row is contiguous; otherwise columns are processed in tiles of
 * SM_TILE so that every load stays unit-stride. */
#include <math.h>

#include "elemwise_simd.h"
#include "gx_cpu.h"
#include "gx_math.h"

#define SM_TILE 128

/* Threads: softmax does ~15 flops per element with the vector exp, so two
 * threads pay earlier than for a plain copy.  Measured (2-core Zen 5,
 * passive waits): (32, 10, 1024) = 328k elements 1 thread vs 2: see the
 * commit message / benchmarks/bench_nn_kernels.py; below 1 << 17 elements
 * waking the second thread costs more than it saves. */
#ifndef GX_SOFTMAX_OMP_MIN
#define GX_SOFTMAX_OMP_MIN (1 << 17)
#endif

/* float dtypes, for nesting inside GX_FOR_FLOAT_TYPES */
#define SM_OUT_TYPES(X)              \
    X(GX_FLOAT32, float, float)      \
    X(GX_FLOAT64, double, double)    \
    X(GX_FLOAT16, gx_half, float)

static inline int64_t sm_len(const int64_t *len, int64_t idx, int64_t K)
{
    if (!len) return K;
    int64_t l = len[idx];
    return l < 0 ? 0 : (l > K ? K : l);
}

/* exp in the compute type: the vectorisable gx_expf for float (<= 2 ulp),
 * libm exp (vectorised through libmvec where glibc has it) for double. */
#define SM_EXP(v) _Generic((v), float: gx_expf, default: sm_expd)(v)
static inline double sm_expd(double v) { return exp(v); }

/* SM_ROWS(NAME, IT, C, OT, LOG): instantiates the loops for input type IT,
 * compute type C and output type OT.  LOG: 0 softmax, 1 log_softmax.  Every
 * pass over a row (max, exp + sum, normalise) is an `omp simd` loop. */
#define SM_ROWS(NAME, IT, C, OT, LOG)                                                      \
    GX_SIMD_CLONES static void NAME(const IT *restrict X, OT *restrict Y, const int64_t *len, \
                                    int64_t outer, int64_t K, int64_t inner, C sc)          \
    {                                                                                      \
        if (inner == 1) {                                                                  \
            _Pragma("omp parallel for if(outer * K > GX_SOFTMAX_OMP_MIN && outer > 1)")    \
            for (int64_t o = 0; o < outer; o++) {                                          \
                const IT *restrict x = X + o * K;                                          \
                OT *restrict y = Y + o * K;                                                \
                int64_t n = sm_len(len, o, K);                                             \
                C m = -INFINITY;                                                           \
                _Pragma("omp simd reduction(max:m)")                                       \
                for (int64_t k = 0; k < n; k++) {                                          \
                    C v = sc * (C)x[k];                                                    \
                    m = v > m ? v : m;                                                     \
                }                                                                          \
                if (m == -INFINITY || m != m) m = 0; /* all -inf / nan rows */             \
                C s = 0;                                                                   \
                if (!LOG && sizeof(OT) >= sizeof(C)) {                                     \
                    /* one exp per element: keep it in the output, then scale */           \
                    _Pragma("omp simd reduction(+:s)")                                     \
                    for (int64_t k = 0; k < n; k++) {                                      \
                        C e = SM_EXP(sc * (C)x[k] - m);                                    \
                        y[k] = (OT)e;                                                      \
                        s += e;                                                            \
                    }                                                                      \
                    C r = (C)1 / s;                                                        \
                    _Pragma("omp simd")                                                    \
                    for (int64_t k = 0; k < n; k++) y[k] = (OT)((C)y[k] * r);              \
                    for (int64_t k = n; k < K; k++) y[k] = (OT)0;                          \
                    continue;                                                              \
                }                                                                          \
                _Pragma("omp simd reduction(+:s)")                                         \
                for (int64_t k = 0; k < n; k++) s += SM_EXP(sc * (C)x[k] - m);             \
                if (LOG) {                                                                 \
                    C ls = m + (C)log(s);                                                  \
                    _Pragma("omp simd")                                                    \
                    for (int64_t k = 0; k < n; k++) y[k] = (OT)(sc * (C)x[k] - ls);        \
                } else {                                                                   \
                    C r = (C)1 / s;                                                        \
                    _Pragma("omp simd")                                                    \
                    for (int64_t k = 0; k < n; k++) y[k] = (OT)(SM_EXP(sc * (C)x[k] - m) * r); \
                }                                                                          \
                for (int64_t k = n; k < K; k++) y[k] = (OT)0;                              \
            }                                                                              \
            return;                                                                        \
        }                                                                                  \
        int64_t ntile = (inner + SM_TILE - 1) / SM_TILE;                                   \
        _Pragma("omp parallel for if(outer * K * inner > GX_SOFTMAX_OMP_MIN && outer * ntile > 1)") \
        for (int64_t t = 0; t < outer * ntile; t++) {                                      \
            int64_t o = t / ntile, j0 = (t % ntile) * SM_TILE;                             \
            int64_t w = inner - j0 < SM_TILE ? inner - j0 : SM_TILE;                       \
            const IT *restrict x = X + o * K * inner + j0;                                 \
            OT *restrict y = Y + o * K * inner + j0;                                       \
            C m[SM_TILE], s[SM_TILE];                                                      \
            int64_t n[SM_TILE];                                                            \
            for (int64_t j = 0; j < w; j++) {                                              \
                n[j] = sm_len(len, o * inner + j0 + j, K);                                 \
                m[j] = -INFINITY;                                                          \
                s[j] = 0;                                                                  \
            }                                                                              \
            if (!len) { /* no lengths: branch-free, vectorised along the tile */           \
                for (int64_t k = 0; k < K; k++) {                                          \
                    const IT *restrict xk = x + k * inner;                                 \
                    _Pragma("omp simd")                                                    \
                    for (int64_t j = 0; j < w; j++) {                                      \
                        C v = sc * (C)xk[j];                                               \
                        m[j] = v > m[j] ? v : m[j];                                        \
                    }                                                                      \
                }                                                                          \
                for (int64_t j = 0; j < w; j++)                                            \
                    if (m[j] == -INFINITY || m[j] != m[j]) m[j] = 0;                       \
                for (int64_t k = 0; k < K; k++) {                                          \
                    const IT *restrict xk = x + k * inner;                                 \
                    _Pragma("omp simd")                                                    \
                    for (int64_t j = 0; j < w; j++) s[j] += SM_EXP(sc * (C)xk[j] - m[j]);  \
                }                                                                          \
                for (int64_t j = 0; j < w; j++)                                            \
                    s[j] = LOG ? m[j] + (C)log(s[j]) : (C)1 / s[j];                        \
                for (int64_t k = 0; k < K; k++) {                                          \
                    const IT *restrict xk = x + k * inner;                                 \
                    OT *restrict yk = y + k * inner;                                       \
                    _Pragma("omp simd")                                                    \
                    for (int64_t j = 0; j < w; j++) {                                      \
                        C v = sc * (C)xk[j];                                               \
                        yk[j] = (OT)(LOG ? v - s[j] : SM_EXP(v - m[j]) * s[j]);            \
                    }                                                                      \
                }                                                                          \
                continue;                                                                  \
            }                                                                              \
            for (int64_t k = 0; k < K; k++)                                                \
                for (int64_t j = 0; j < w; j++) {                                          \
                    C v = sc * (C)x[k * inner + j];                                        \
                    if (k < n[j] && v > m[j]) m[j] = v;                                    \
                }                                                                          \
            for (int64_t j = 0; j < w; j++)                                                \
                if (m[j] == -INFINITY || m[j] != m[j]) m[j] = 0;                           \
            for (int64_t k = 0; k < K; k++)                                                \
                for (int64_t j = 0; j < w; j++)                                            \
                    if (k < n[j]) s[j] += SM_EXP(sc * (C)x[k * inner + j] - m[j]);         \
            for (int64_t j = 0; j < w; j++)                                                \
                s[j] = LOG ? m[j] + (C)log(s[j]) : (C)1 / s[j];                            \
            for (int64_t k = 0; k < K; k++)                                                \
                for (int64_t j = 0; j < w; j++) {                                          \
                    C v = sc * (C)x[k * inner + j];                                        \
                    C r = LOG ? v - s[j] : SM_EXP(v - m[j]) * s[j];                        \
                    y[k * inner + j] = k < n[j] ? (OT)r : (OT)0;                           \
                }                                                                          \
        }                                                                                  \
    }

/* Instantiate for every (input, output) float pair by hand: the fan-out macro
 * cannot carry the input type into a nested expansion's token pasting. */
#define SM_PAIR(IF, IT, C, OF, OT)                 \
    SM_ROWS(sm_soft_##IF##_##OF, IT, C, OT, 0)     \
    SM_ROWS(sm_log_##IF##_##OF, IT, C, OT, 1)

/* compute type: double when either side is float64 */
SM_PAIR(GX_FLOAT32, float, float, GX_FLOAT32, float)
SM_PAIR(GX_FLOAT32, float, double, GX_FLOAT64, double)
SM_PAIR(GX_FLOAT32, float, float, GX_FLOAT16, gx_half)
SM_PAIR(GX_FLOAT64, double, double, GX_FLOAT32, float)
SM_PAIR(GX_FLOAT64, double, double, GX_FLOAT64, double)
SM_PAIR(GX_FLOAT64, double, double, GX_FLOAT16, gx_half)
SM_PAIR(GX_FLOAT16, gx_half, float, GX_FLOAT32, float)
SM_PAIR(GX_FLOAT16, gx_half, double, GX_FLOAT64, double)
SM_PAIR(GX_FLOAT16, gx_half, float, GX_FLOAT16, gx_half)

static int sm_check(gx_context *c, const char *name, const gx_tensor *in, int32_t nin,
                    gx_tensor *out, int32_t nout, const void *attrs, const int64_t **len)
{
    if (nin < 1 || nin > 2 || nout != 1 || !attrs) {
        c->set_error(c, "%s: expects data (+ length) and one output with gx_softmax_attrs", name);
        return GX_ERR_VALUE;
    }
    if (in[0].ndim != 3 || out[0].ndim != 3 || !gx_is_contiguous(&in[0]) || !gx_is_contiguous(&out[0])) {
        c->set_error(c, "%s: data and output must be contiguous (outer, K, inner) views", name);
        return GX_ERR_VALUE;
    }
    for (int d = 0; d < 3; d++)
        if (in[0].shape[d] != out[0].shape[d]) {
            c->set_error(c, "%s: data and output shapes differ", name);
            return GX_ERR_VALUE;
        }
    *len = NULL;
    if (nin == 2) {
        if (in[1].dtype != GX_INT64 || !gx_is_contiguous(&in[1]) ||
            gx_numel(&in[1]) != in[0].shape[0] * in[0].shape[2]) {
            c->set_error(c, "%s: length must be a contiguous int64 (outer, inner) array", name);
            return GX_ERR_VALUE;
        }
        *len = (const int64_t *)in[1].data;
    }
    return GX_OK;
}

#define SM_CASE_OUT(IF, OF, LOGNAME, IT, OT)                                                  \
    case OF:                                                                                  \
        LOGNAME##_##IF##_##OF((const IT *)in[0].data, (OT *)out[0].data, len, outer, K, inner, sc); \
        return GX_OK;

#define SM_KERNEL(KNAME, LOGNAME, IF, IT)                                                     \
    static int KNAME##_##IF(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,  \
                            int32_t nout, const void *attrs)                                  \
    {                                                                                         \
        const int64_t *len;                                                                   \
        int st = sm_check(c, #KNAME, in, nin, out, nout, attrs, &len);                        \
        if (st != GX_OK) return st;                                                           \
        const gx_softmax_attrs *a = (const gx_softmax_attrs *)attrs;                          \
        int64_t outer = in[0].shape[0], K = in[0].shape[1], inner = in[0].shape[2];           \
        double sc = a->scale;                                                                 \
        if (outer * K * inner == 0) return GX_OK;                                             \
        switch (out[0].dtype) {                                                               \
            SM_CASE_OUT(IF, GX_FLOAT32, LOGNAME, IT, float)                                   \
            SM_CASE_OUT(IF, GX_FLOAT64, LOGNAME, IT, double)                                  \
            SM_CASE_OUT(IF, GX_FLOAT16, LOGNAME, IT, gx_half)                                 \
        default:                                                                              \
            c->set_error(c, #KNAME ": output dtype must be float16, float32 or float64");     \
            return GX_ERR_TYPE;                                                               \
        }                                                                                     \
    }

SM_KERNEL(softmax, sm_soft, GX_FLOAT32, float)
SM_KERNEL(softmax, sm_soft, GX_FLOAT64, double)
SM_KERNEL(softmax, sm_soft, GX_FLOAT16, gx_half)
SM_KERNEL(log_softmax, sm_log, GX_FLOAT32, float)
SM_KERNEL(log_softmax, sm_log, GX_FLOAT64, double)
SM_KERNEL(log_softmax, sm_log, GX_FLOAT16, gx_half)

int gx_cpu_register_softmax(gx_registry *r)
{
    GX_REG(r, "softmax", GX_FLOAT32, softmax_GX_FLOAT32);
    GX_REG(r, "softmax", GX_FLOAT64, softmax_GX_FLOAT64);
    GX_REG(r, "softmax", GX_FLOAT16, softmax_GX_FLOAT16);
    GX_REG(r, "log_softmax", GX_FLOAT32, log_softmax_GX_FLOAT32);
    GX_REG(r, "log_softmax", GX_FLOAT64, log_softmax_GX_FLOAT64);
    GX_REG(r, "log_softmax", GX_FLOAT16, log_softmax_GX_FLOAT16);
    return GX_OK;
}
