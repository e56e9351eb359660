/* CPU kernels: elementwise family, data movement part (copy, fill, arange)
 * plus clip and where; unary and binary math live in elemwise_unary.c and
 * elemwise_binary.c.  gx_cpu_register_elemwise registers all of them. */
#include <math.h>

#include "elemwise.h"

/* ---- copy: strided copy with a cast from the input dtype to the output's ----
 * Registered per source dtype; `aux` points at the destination dtype. */
#define EW_COPY_TO(DF, DT, DC, DUT)                                                  \
    case DF: {                                                                       \
        const int64_t zd = (int64_t)sizeof(DT);                                      \
        if (s[0] == zs && s[1] == zd) {                                              \
            if ((int)DF == src_flag) {                                               \
                memcpy(p[1], p[0], (size_t)n * sizeof(DT));                          \
                return;                                                              \
            }                                                                        \
            const SRC_T *restrict X = (const SRC_T *)p[0];                           \
            DT *restrict o = (DT *)p[1];                                             \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) o[i] = (DT)X[i];     \
            return;                                                                  \
        }                                                                            \
        for (int64_t i = 0; i < n; i++)                                              \
            *(DT *)(p[1] + i * s[1]) = (DT) * (const SRC_T *)(p[0] + i * s[0]);      \
        return;                                                                      \
    }

#define EW_COPY_FROM(SF, ST, SC, SUT)                                                 \
    GX_SIMD_CLONES static void ew_copy_loop_##SF(char **p, const int64_t *s, int64_t n, const void *aux) \
    {                                                                                \
        typedef ST SRC_T;                                                            \
        const int src_flag = SF;                                                     \
        const int64_t zs = (int64_t)sizeof(ST);                                      \
        switch (*(const int32_t *)aux) {                                             \
            EW_ALL_TYPES_INNER(EW_COPY_TO)                                           \
        default:                                                                     \
            return;                                                                  \
        }                                                                            \
    }                                                                                \
    static int ew_copy_##SF(gx_context *c, const gx_tensor *in, int32_t nin,         \
                            gx_tensor *out, int32_t nout, const void *attrs)         \
    {                                                                                \
        int32_t dst = out[0].dtype;                                                  \
        if (dst < 0 || dst >= GX_NUM_DTYPES) {                                       \
            c->set_error(c, "copy: unknown destination dtype %d", (int)dst);         \
            return GX_ERR_TYPE;                                                      \
        }                                                                            \
        const gx_tensor *ts[2] = {&in[0], &out[0]};                                  \
        ew_run(c, 2, ts, ew_copy_loop_##SF, &dst);                                   \
        return GX_OK;                                                                \
    }
EW_ALL_TYPES(EW_COPY_FROM)

/* ---- fill ------------------------------------------------------------------- */
#define EW_FILL(FLAG, T, C, UT)                                                      \
    GX_SIMD_CLONES static void ew_fill_loop_##FLAG(char **p, const int64_t *s, int64_t n, const void *aux) \
    {                                                                                \
        const T v = *(const T *)aux;                                                 \
        if (s[0] == (int64_t)sizeof(T)) {                                            \
            T *restrict o = (T *)p[0];                                               \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) o[i] = v;            \
            return;                                                                  \
        }                                                                            \
        for (int64_t i = 0; i < n; i++)                                              \
            *(T *)(p[0] + i * s[0]) = v;                                             \
    }                                                                                \
    static int ew_fill_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,       \
                              gx_tensor *out, int32_t nout, const void *attrs)       \
    {                                                                                \
        double d = ((const gx_fill_attrs *)attrs)->value;                            \
        T v = (T)d;                                                                  \
        const gx_tensor *ts[1] = {&out[0]};                                          \
        ew_run(c, 1, ts, ew_fill_loop_##FLAG, &v);                                   \
        return GX_OK;                                                                \
    }
EW_ALL_TYPES(EW_FILL)

/* ---- arange: out[i] = start + i * step (1-D output) ---------------------------- */
#define EW_ARANGE(FLAG, T, C, UT)                                                    \
    static int ew_arange_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,     \
                                gx_tensor *out, int32_t nout, const void *attrs)     \
    {                                                                                \
        const gx_arange_attrs *a = (const gx_arange_attrs *)attrs;                   \
        const double start = a->start, step = a->step;                               \
        int64_t n = gx_numel(&out[0]);                                               \
        int64_t so = out[0].ndim ? out[0].strides[out[0].ndim - 1] : 1;              \
        T *o = (T *)out[0].data;                                                     \
        _Pragma("omp parallel for if(n > GX_OMP_MIN_ELEMS)")                         \
        for (int64_t i = 0; i < n; i++)                                              \
            o[i * so] = (T)(start + (double)i * step);                               \
        return GX_OK;                                                                \
    }
EW_ALL_TYPES(EW_ARANGE)

/* ---- clip: gx_clip_attrs; integer dtypes clamp to the bounds truncated -------- */
typedef struct { double lo, hi; } ew_bounds_d;
typedef struct { int64_t lo, hi; } ew_bounds_i;

static inline int64_t ew_d2i(double v)
{
    if (v != v)
        return 0;
    if (v <= -9.2e18)
        return INT64_MIN;
    if (v >= 9.2e18)
        return INT64_MAX;
    return (int64_t)v;
}

#define EW_CLIP(FLAG, T, C, UT, BT, BOUNDS)                                          \
    GX_SIMD_CLONES static void ew_clip_loop_##FLAG(char **p, const int64_t *s, int64_t n, const void *aux) \
    {                                                                                \
        const BT lo = ((const BOUNDS *)aux)->lo, hi = ((const BOUNDS *)aux)->hi;     \
        if (s[0] == (int64_t)sizeof(T) && s[1] == (int64_t)sizeof(T)) {              \
            const T *restrict X = (const T *)p[0];                                   \
            T *restrict o = (T *)p[1];                                               \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++)                      \
            {                                                                        \
                BT x = (BT)X[i];                                                     \
                o[i] = (T)(x < lo ? lo : (x > hi ? hi : x));                         \
            }                                                                        \
            return;                                                                  \
        }                                                                            \
        for (int64_t i = 0; i < n; i++) {                                            \
            BT x = (BT) * (const T *)(p[0] + i * s[0]);                              \
            *(T *)(p[1] + i * s[1]) = (T)(x < lo ? lo : (x > hi ? hi : x));          \
        }                                                                            \
    }
#define EW_CLIP_F(FLAG, T, C, UT) EW_CLIP(FLAG, T, C, UT, C, ew_bounds_##FLAG)
#define EW_CLIP_I(FLAG, T, C, UT) EW_CLIP(FLAG, T, C, UT, int64_t, ew_bounds_i)
typedef struct { float lo, hi; } ew_bounds_GX_FLOAT32;
typedef struct { double lo, hi; } ew_bounds_GX_FLOAT64;
typedef struct { float lo, hi; } ew_bounds_GX_FLOAT16;
EW_FLOAT_TYPES(EW_CLIP_F)
EW_INT_TYPES(EW_CLIP_I)

#define EW_CLIP_KF(FLAG, T, C, UT)                                                   \
    static int ew_clip_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,       \
                              gx_tensor *out, int32_t nout, const void *attrs)       \
    {                                                                                \
        const gx_clip_attrs *a = (const gx_clip_attrs *)attrs;                       \
        ew_bounds_##FLAG b = {(C)a->a_min, (C)a->a_max};                             \
        const gx_tensor *ts[2] = {&in[0], &out[0]};                                  \
        ew_run(c, 2, ts, ew_clip_loop_##FLAG, &b);                                   \
        return GX_OK;                                                                \
    }
#define EW_CLIP_KI(FLAG, T, C, UT)                                                   \
    static int ew_clip_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,       \
                              gx_tensor *out, int32_t nout, const void *attrs)       \
    {                                                                                \
        const gx_clip_attrs *a = (const gx_clip_attrs *)attrs;                       \
        ew_bounds_i b = {ew_d2i(a->a_min), ew_d2i(a->a_max)};                        \
        const gx_tensor *ts[2] = {&in[0], &out[0]};                                  \
        ew_run(c, 2, ts, ew_clip_loop_##FLAG, &b);                                   \
        return GX_OK;                                                                \
    }
EW_FLOAT_TYPES(EW_CLIP_KF)
EW_INT_TYPES(EW_CLIP_KI)

/* ---- where(condition, x, y): condition any dtype; dispatch on x's ------------- */
#define EW_WHERE_COND(CF, CT, CC, CUT)                                               \
    case CF: {                                                                       \
        if (s[0] == (int64_t)sizeof(CT) && s[1] == z && s[2] == z && s[3] == z) {     \
            const CT *restrict K = (const CT *)p[0];                                 \
            const VT *restrict X = (const VT *)p[1];                                 \
            const VT *restrict Y = (const VT *)p[2];                                 \
            VT *restrict o = (VT *)p[3];                                             \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) o[i] = K[i] != 0 ? X[i] : Y[i]; \
            return;                                                                  \
        }                                                                            \
        for (int64_t i = 0; i < n; i++)                                              \
            *(VT *)(p[3] + i * s[3]) = *(const CT *)(p[0] + i * s[0]) != 0           \
                                           ? *(const VT *)(p[1] + i * s[1])          \
                                           : *(const VT *)(p[2] + i * s[2]);         \
        return;                                                                      \
    }

#define EW_WHERE(FLAG, T, C, UT)                                                     \
    static void ew_where_loop_##FLAG(char **p, const int64_t *s, int64_t n, const void *aux) \
    {                                                                                \
        typedef T VT;                                                                \
        const int64_t z = (int64_t)sizeof(T);                                        \
        switch (*(const int32_t *)aux) {                                             \
            EW_ALL_TYPES_INNER(EW_WHERE_COND)                                        \
        default:                                                                     \
            return;                                                                  \
        }                                                                            \
    }
EW_ALL_TYPES(EW_WHERE)

/* One kernel for every dispatch dtype: it selects the loop by x's dtype
 * itself, so it is right whether the core dispatches on the condition's
 * dtype (launch: first input) or on x's (the attrs.h contract). */
static int ew_where(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out, int32_t nout,
                    const void *attrs)
{
    if (nin != 3 || nout != 1 || in[0].dtype < 0 || in[0].dtype >= GX_NUM_DTYPES ||
        in[1].dtype != in[2].dtype || in[1].dtype != out[0].dtype) {
        c->set_error(c, "where: expected inputs (condition, x, y) with x, y and the output of one dtype");
        return GX_ERR_TYPE;
    }
    int32_t cd = in[0].dtype;
    const gx_tensor *ts[4] = {&in[0], &in[1], &in[2], &out[0]};
    ew_loop fn;
    switch (in[1].dtype) {
#define EW_WHERE_PICK(FLAG, T, C, UT) case FLAG: fn = ew_where_loop_##FLAG; break;
        EW_ALL_TYPES(EW_WHERE_PICK)
    default:
        c->set_error(c, "where: unknown dtype %d", (int)in[1].dtype);
        return GX_ERR_TYPE;
    }
    ew_run(c, 4, ts, fn, &cd);
    return GX_OK;
}

int gx_cpu_register_elemwise(gx_registry *r)
{
#define EW_REG_MISC(FLAG, T, C, UT)              \
    GX_REG(r, "copy", FLAG, ew_copy_##FLAG);     \
    GX_REG(r, "fill", FLAG, ew_fill_##FLAG);     \
    GX_REG(r, "arange", FLAG, ew_arange_##FLAG); \
    GX_REG(r, "clip", FLAG, ew_clip_##FLAG);     \
    GX_REG(r, "where", FLAG, ew_where);
    EW_ALL_TYPES(EW_REG_MISC)
    int st = gx_cpu_register_elemwise_unary(r);
    if (st != GX_OK)
        return st;
    return gx_cpu_register_elemwise_binary(r);
}
