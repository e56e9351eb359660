/* CPU kernels: shuffle and multinomial, drawn from the serial engine (see
 * random_mt.h), so they never disturb the uniform/normal streams.
 *
 * shuffle: Fisher-Yates (Durstenfeld) over the rows of axis 0, indices drawn
 * without modulo bias; rows are then copied in permuted order.
 * multinomial: one float64 uniform per sample, inverse CDF by a linear scan
 * of the row's probabilities (the last category takes any rounding rest). */
#include <math.h>

#include "gx_cpu.h"
#include "random_mt.h"

static int shuffle_kernel(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                          int32_t nout, const void *attrs)
{
    if (nin != 1 || nout != 1) {
        c->set_error(c, "shuffle takes one input and one output");
        return GX_ERR_VALUE;
    }
    int64_t numel = gx_numel(&in[0]);
    if (numel == 0)
        return GX_OK;
    int64_t rows = in[0].ndim ? in[0].shape[0] : 1;
    size_t rowbytes = (size_t)(numel / rows) * gx_itemsize[in[0].dtype];
    if (in[0].data == out[0].data) {
        c->set_error(c, "shuffle: input and output must not share memory");
        return GX_ERR_VALUE;
    }
    int64_t *perm = (int64_t *)c->scratch_alloc(c, (size_t)rows * sizeof(int64_t));
    if (!perm) {
        c->set_error(c, "shuffle: out of memory");
        return GX_ERR_MEMORY;
    }
    for (int64_t i = 0; i < rows; i++)
        perm[i] = i;
    gx_rng_lock();
    gx_mt *g = gx_rng_serial();
    if (!g) {
        gx_rng_unlock();
        c->set_error(c, "out of memory for the random engines");
        return GX_ERR_MEMORY;
    }
    for (int64_t i = rows - 1; i > 0; i--) {
        int64_t j = (int64_t)gx_rng_below(g, (uint64_t)i + 1);
        int64_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    gx_rng_unlock();
    const char *src = (const char *)in[0].data;
    char *dst = (char *)out[0].data;
#pragma omp parallel for if (numel > GX_OMP_MIN_ELEMS)
    for (int64_t i = 0; i < rows; i++)
        memcpy(dst + (size_t)i * rowbytes, src + (size_t)perm[i] * rowbytes, rowbytes);
    return GX_OK;
}

/* Writes the category index converted to the output dtype. */
static inline void put_index(void *o, int dtype, int64_t i, int64_t v)
{
    switch (dtype) {
    case GX_INT32: ((int32_t *)o)[i] = (int32_t)v; break;
    case GX_INT64: ((int64_t *)o)[i] = v; break;
    case GX_FLOAT32: ((float *)o)[i] = (float)v; break;
    case GX_FLOAT64: ((double *)o)[i] = (double)v; break;
    case GX_FLOAT16: ((gx_half *)o)[i] = (gx_half)(float)v; break;
    case GX_UINT8: case GX_BOOL: ((uint8_t *)o)[i] = (uint8_t)v; break;
    case GX_INT8: ((int8_t *)o)[i] = (int8_t)v; break;
    }
}

#define MULTINOMIAL(NAME, T)                                                    \
    static int NAME(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out, \
                    int32_t nout, const void *attrs)                            \
    {                                                                           \
        if (nin != 1 || nout < 1 || nout > 2 || in[0].ndim != 2 || out[0].ndim != 2) { \
            c->set_error(c, "multinomial takes probabilities (M, K) and outputs (M, n)"); \
            return GX_ERR_VALUE;                                                \
        }                                                                       \
        int64_t M = in[0].shape[0], K = in[0].shape[1], S = out[0].shape[1];    \
        const T *p = (const T *)in[0].data;                                     \
        T *lp = nout == 2 ? (T *)out[1].data : NULL;                            \
        if (K == 0 && M * S > 0) {                                              \
            c->set_error(c, "multinomial: no categories (K = 0)");              \
            return GX_ERR_VALUE;                                                \
        }                                                                       \
        for (int64_t m = 0; m < M; m++)                                         \
            for (int64_t k = 0; k < K; k++) {                                   \
                double v = (double)p[m * K + k];                                \
                if (!(v >= 0)) {                                                \
                    c->set_error(c, "multinomial: probabilities must be >= 0, got %g at [%lld, %lld]", \
                                 v, (long long)m, (long long)k);                \
                    return GX_ERR_VALUE;                                        \
                }                                                               \
            }                                                                   \
        gx_rng_lock();                                                          \
        gx_mt *g = gx_rng_serial();                                             \
        if (!g) {                                                               \
            gx_rng_unlock();                                                    \
            c->set_error(c, "out of memory for the random engines");            \
            return GX_ERR_MEMORY;                                               \
        }                                                                       \
        for (int64_t m = 0; m < M; m++) {                                       \
            const T *row = p + m * K;                                           \
            for (int64_t s = 0; s < S; s++) {                                   \
                double u = gx_canon_d(g), acc = 0;                              \
                int64_t k = 0;                                                  \
                for (; k < K - 1; k++) {                                        \
                    acc += (double)row[k];                                      \
                    if (u < acc)                                                \
                        break;                                                  \
                }                                                               \
                put_index(out[0].data, out[0].dtype, m * S + s, k);             \
                if (lp)                                                         \
                    lp[m * S + s] = (T)log((double)row[k]);                     \
            }                                                                   \
        }                                                                       \
        gx_rng_unlock();                                                        \
        return GX_OK;                                                           \
    }
MULTINOMIAL(multinomial_f32, float)
MULTINOMIAL(multinomial_f64, double)
MULTINOMIAL(multinomial_f16, gx_half)

int gx_cpu_register_random_perm(gx_registry *r)
{
    for (int dt = 0; dt < GX_NUM_DTYPES; dt++)
        GX_REG(r, "shuffle", dt, shuffle_kernel);
    GX_REG(r, "multinomial", GX_FLOAT32, multinomial_f32);
    GX_REG(r, "multinomial", GX_FLOAT64, multinomial_f64);
    GX_REG(r, "multinomial", GX_FLOAT16, multinomial_f16);
    return GX_OK;
}
