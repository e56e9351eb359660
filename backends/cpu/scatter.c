/* CPU kernel scatter_add: the gradient of every gather-like operator.
 *
 * inputs:  values (m,) contiguous, indices (m,) contiguous int64
 * output:  (n,) contiguous, updated in place: out[indices[i]] += values[i]
 *          for indices[i] >= 0 (negative = "no source", e.g. constant
 *          padding); an index >= n is an error.  Runs serially: indices
 *          may repeat. */
#include "gx_cpu.h"

#define SCATTER_ADD(FLAG, T, C)                                                       \
    static int scatter_add_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,    \
                                  gx_tensor *out, int32_t nout, const void *attrs)    \
    {                                                                                 \
        (void)attrs;                                                                  \
        if (nin != 2 || nout != 1 || in[1].dtype != GX_INT64) {                       \
            c->set_error(c, "scatter_add expects (values, int64 indices) -> out");     \
            return GX_ERR_VALUE;                                                      \
        }                                                                             \
        const T *v = (const T *)in[0].data;                                           \
        const int64_t *idx = (const int64_t *)in[1].data;                             \
        T *o = (T *)out[0].data;                                                      \
        int64_t m = gx_numel(&in[0]), n = gx_numel(&out[0]);                          \
        for (int64_t i = 0; i < m; i++) {                                             \
            int64_t j = idx[i];                                                       \
            if (j < 0)                                                                \
                continue;                                                             \
            if (j >= n) {                                                             \
                c->set_error(c, "scatter_add: index %lld out of range for %lld elements", \
                             (long long)j, (long long)n);                             \
                return GX_ERR_INDEX;                                                  \
            }                                                                         \
            o[j] = (T)((C)o[j] + (C)v[i]);                                            \
        }                                                                             \
        return GX_OK;                                                                 \
    }
GX_FOR_ALL_TYPES(SCATTER_ADD)

int gx_cpu_register_scatter(gx_registry *r)
{
#define REG_SCATTER(FLAG, T, C) GX_REG(r, "scatter_add", FLAG, scatter_add_##FLAG);
    GX_FOR_ALL_TYPES(REG_SCATTER)
    return GX_OK;
}
