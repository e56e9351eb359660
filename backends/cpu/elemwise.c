/* CPU kernels: elementwise family (see include/gluonx/attrs.h). */
#include <math.h>

#include "gx_cpu.h"

/* copy: strided copy with a cast from the input dtype to the output's. */
#define COPY_TO(DST_FLAG, DST_T, DST_C)                                        \
    case DST_FLAG:                                                             \
        for (int64_t row = 0; row < it.nrows; row++) {                         \
            char *p[2];                                                        \
            gx_rows_ptrs(&it, row, p);                                         \
            for (int64_t i = 0; i < it.len; i++)                               \
                *(DST_T *)(p[1] + i * so) = (DST_T) * (const SRC_T *)(p[0] + i * si); \
        }                                                                      \
        break;

#define COPY_FROM(SRC_FLAG, SRC_T_, SRC_C)                                     \
    static int copy_from_##SRC_FLAG(gx_context *c, const gx_tensor *in, int32_t nin, \
                                    gx_tensor *out, int32_t nout, const void *attrs) \
    {                                                                          \
        typedef SRC_T_ SRC_T;                                                  \
        const gx_tensor *ts[2] = {&in[0], &out[0]};                            \
        gx_rows it;                                                            \
        gx_rows_init(&it, 2, ts);                                              \
        int64_t si = gx_rows_inner(&it, 0), so = gx_rows_inner(&it, 1);        \
        switch (out[0].dtype) { GX_FOR_ALL_TYPES_INNER(COPY_TO) default: return GX_ERR_TYPE; } \
        return GX_OK;                                                          \
    }
GX_FOR_ALL_TYPES(COPY_FROM)

#define FILL(FLAG, T, C)                                                       \
    static int fill_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,    \
                           gx_tensor *out, int32_t nout, const void *attrs)    \
    {                                                                          \
        T v = (T)((const gx_fill_attrs *)attrs)->value;                        \
        const gx_tensor *ts[1] = {&out[0]};                                    \
        gx_rows it;                                                            \
        gx_rows_init(&it, 1, ts);                                              \
        int64_t so = gx_rows_inner(&it, 0);                                    \
        for (int64_t row = 0; row < it.nrows; row++) {                         \
            char *p[1];                                                        \
            gx_rows_ptrs(&it, row, p);                                         \
            for (int64_t i = 0; i < it.len; i++)                               \
                *(T *)(p[0] + i * so) = v;                                     \
        }                                                                      \
        return GX_OK;                                                          \
    }
GX_FOR_ALL_TYPES(FILL)

static int add_f32(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                   int32_t nout, const void *attrs)
{
    const gx_tensor *ts[3] = {&in[0], &in[1], &out[0]};
    gx_rows it;
    gx_rows_init(&it, 3, ts);
    int64_t s0 = gx_rows_inner(&it, 0), s1 = gx_rows_inner(&it, 1), s2 = gx_rows_inner(&it, 2);
    for (int64_t row = 0; row < it.nrows; row++) {
        char *p[3];
        gx_rows_ptrs(&it, row, p);
        for (int64_t i = 0; i < it.len; i++)
            *(float *)(p[2] + i * s2) = *(float *)(p[0] + i * s0) + *(float *)(p[1] + i * s1);
    }
    return GX_OK;
}

int gx_cpu_register_elemwise(gx_registry *r)
{
#define REG_COPY_FILL(FLAG, T, C)            \
    GX_REG(r, "copy", FLAG, copy_from_##FLAG); \
    GX_REG(r, "fill", FLAG, fill_##FLAG);
    GX_FOR_ALL_TYPES(REG_COPY_FILL)
    GX_REG(r, "add", GX_FLOAT32, add_f32);
    return GX_OK;
}
