/* CPU kernels: im2col / col2im of N-d convolution (see include/gluonx/attrs.h).
 *
 * Every problem is seen as 3-D: a 1-D or 2-D one gets leading spatial axes
 * of extent 1 (kernel 1, stride 1, dilation 1, pad 0).  The inner loop runs
 * over the last output axis; its range of positions that read the input
 * (not padding) is computed once per row, so the body is a plain copy
 * (unit stride: vectorised) or a strided gather.  Planes (n, c) are
 * independent: OpenMP splits them when the work is above GX_OMP_MIN_ELEMS.
 * The GEMMs around these kernels run outside any OpenMP region. */
#include "gx_cpu.h"

typedef struct {
    int64_t in[3], out[3], k[3], s[3], d[3], p[3];
    int64_t planes;   /* N * C */
    int64_t plane_in; /* prod(in) */
    int64_t klen;     /* prod(k) */
    int64_t olen;     /* prod(out) */
} geom;

static int read_geom(gx_context *ctx, const char *name, const gx_tensor *img,
                     const gx_tensor *col, const gx_conv_attrs *a, geom *g)
{
    if (!a || a->nsp < 1 || a->nsp > 3 || img->ndim != a->nsp + 2 || col->ndim != 3) {
        ctx->set_error(ctx, "%s: expects (N, C, *spatial) with 1-3 spatial axes and a 3-D column "
                            "array", name);
        return GX_ERR_VALUE;
    }
    if (!gx_is_contiguous(img) || !gx_is_contiguous(col)) {
        ctx->set_error(ctx, "%s: operands must be contiguous", name);
        return GX_ERR_VALUE;
    }
    int lead = 3 - a->nsp;
    g->planes = img->shape[0] * img->shape[1];
    g->plane_in = 1;
    g->klen = 1;
    g->olen = 1;
    for (int i = 0; i < 3; i++) {
        int j = i - lead;
        if (j < 0) {
            g->in[i] = g->out[i] = g->k[i] = g->s[i] = g->d[i] = 1;
            g->p[i] = 0;
        } else {
            g->in[i] = img->shape[2 + j];
            g->out[i] = a->out[j];
            g->k[i] = a->kernel[j];
            g->s[i] = a->stride[j];
            g->d[i] = a->dilate[j];
            g->p[i] = a->pad[j];
            if (g->k[i] < 1 || g->s[i] < 1 || g->d[i] < 1 || g->p[i] < 0 || g->out[i] < 0) {
                ctx->set_error(ctx, "%s: invalid kernel/stride/dilate/pad on axis %d", name, j);
                return GX_ERR_VALUE;
            }
        }
        g->plane_in *= g->in[i];
        g->klen *= g->k[i];
        g->olen *= g->out[i];
    }
    if (col->shape[0] != img->shape[0] || col->shape[1] != img->shape[1] * g->klen ||
        col->shape[2] != g->olen) {
        ctx->set_error(ctx, "%s: column array (%lld, %lld, %lld) does not match the image and "
                            "kernel", name, (long long)col->shape[0], (long long)col->shape[1],
                       (long long)col->shape[2]);
        return GX_ERR_VALUE;
    }
    return GX_OK;
}

/* Positions o in [0, n_out) with 0 <= o*s + off < n_in form [*lo, *hi). */
static inline void valid_range(int64_t off, int64_t s, int64_t n_in, int64_t n_out,
                               int64_t *lo, int64_t *hi)
{
    int64_t l = off >= 0 ? 0 : (-off + s - 1) / s;
    int64_t h = n_in - off <= 0 ? 0 : (n_in - off + s - 1) / s;
    if (h > n_out)
        h = n_out;
    if (l > h)
        l = h;
    *lo = l;
    *hi = h;
}

#define CONV_KERNELS(FLAG, T, ACC)                                                        \
    static void im2col_plane_##FLAG(const geom *g, const T *restrict x, T *restrict col)  \
    {                                                                                     \
        int64_t OW = g->out[2];                                                           \
        for (int64_t k0 = 0; k0 < g->k[0]; k0++)                                          \
        for (int64_t k1 = 0; k1 < g->k[1]; k1++)                                          \
        for (int64_t k2 = 0; k2 < g->k[2]; k2++) {                                        \
            int64_t off2 = k2 * g->d[2] - g->p[2], lo, hi;                                \
            valid_range(off2, g->s[2], g->in[2], OW, &lo, &hi);                           \
            for (int64_t o0 = 0; o0 < g->out[0]; o0++) {                                  \
                int64_t i0 = o0 * g->s[0] - g->p[0] + k0 * g->d[0];                       \
                for (int64_t o1 = 0; o1 < g->out[1]; o1++) {                              \
                    int64_t i1 = o1 * g->s[1] - g->p[1] + k1 * g->d[1];                   \
                    T *restrict dst = col;                                                \
                    col += OW;                                                            \
                    if (i0 < 0 || i0 >= g->in[0] || i1 < 0 || i1 >= g->in[1]) {          \
                        memset(dst, 0, (size_t)OW * sizeof(T));                           \
                        continue;                                                         \
                    }                                                                     \
                    const T *restrict src = x + (i0 * g->in[1] + i1) * g->in[2] + off2;   \
                    for (int64_t o = 0; o < lo; o++)                                      \
                        dst[o] = 0;                                                       \
                    if (g->s[2] == 1) {                                                   \
                        for (int64_t o = lo; o < hi; o++)                                 \
                            dst[o] = src[o];                                              \
                    } else {                                                              \
                        int64_t s2 = g->s[2];                                             \
                        for (int64_t o = lo; o < hi; o++)                                 \
                            dst[o] = src[o * s2];                                         \
                    }                                                                     \
                    for (int64_t o = hi; o < OW; o++)                                     \
                        dst[o] = 0;                                                       \
                }                                                                         \
            }                                                                             \
        }                                                                                 \
    }                                                                                     \
                                                                                          \
    static void col2im_plane_##FLAG(const geom *g, const T *restrict col, T *restrict x)  \
    {                                                                                     \
        int64_t OW = g->out[2];                                                           \
        memset(x, 0, (size_t)g->plane_in * sizeof(T));                                    \
        for (int64_t k0 = 0; k0 < g->k[0]; k0++)                                          \
        for (int64_t k1 = 0; k1 < g->k[1]; k1++)                                          \
        for (int64_t k2 = 0; k2 < g->k[2]; k2++) {                                        \
            int64_t off2 = k2 * g->d[2] - g->p[2], lo, hi;                                \
            valid_range(off2, g->s[2], g->in[2], OW, &lo, &hi);                           \
            for (int64_t o0 = 0; o0 < g->out[0]; o0++) {                                  \
                int64_t i0 = o0 * g->s[0] - g->p[0] + k0 * g->d[0];                       \
                for (int64_t o1 = 0; o1 < g->out[1]; o1++) {                              \
                    int64_t i1 = o1 * g->s[1] - g->p[1] + k1 * g->d[1];                   \
                    const T *restrict src = col;                                          \
                    col += OW;                                                            \
                    if (i0 < 0 || i0 >= g->in[0] || i1 < 0 || i1 >= g->in[1])             \
                        continue;                                                         \
                    T *restrict dst = x + (i0 * g->in[1] + i1) * g->in[2] + off2;         \
                    if (g->s[2] == 1) {                                                   \
                        for (int64_t o = lo; o < hi; o++)                                 \
                            dst[o] = (T)((ACC)dst[o] + (ACC)src[o]);                      \
                    } else {                                                              \
                        int64_t s2 = g->s[2];                                             \
                        for (int64_t o = lo; o < hi; o++)                                 \
                            dst[o * s2] = (T)((ACC)dst[o * s2] + (ACC)src[o]);            \
                    }                                                                     \
                }                                                                         \
            }                                                                             \
        }                                                                                 \
    }                                                                                     \
                                                                                          \
    static int im2col_##FLAG(gx_context *ctx, const gx_tensor *in, int32_t nin,           \
                             gx_tensor *out, int32_t nout, const void *attrs)             \
    {                                                                                     \
        geom g;                                                                           \
        if (nin != 1 || nout != 1) {                                                      \
            ctx->set_error(ctx, "im2col: expects one input and one output");              \
            return GX_ERR_VALUE;                                                          \
        }                                                                                 \
        int st = read_geom(ctx, "im2col", &in[0], &out[0], (const gx_conv_attrs *)attrs, &g); \
        if (st != GX_OK)                                                                  \
            return st;                                                                    \
        const T *x = (const T *)in[0].data;                                               \
        T *col = (T *)out[0].data;                                                        \
        int64_t colplane = g.klen * g.olen;                                               \
        _Pragma("omp parallel for schedule(static) if (g.planes * colplane > GX_OMP_MIN_ELEMS)") \
        for (int64_t q = 0; q < g.planes; q++)                                            \
            im2col_plane_##FLAG(&g, x + q * g.plane_in, col + q * colplane);              \
        return GX_OK;                                                                     \
    }                                                                                     \
                                                                                          \
    static int col2im_##FLAG(gx_context *ctx, const gx_tensor *in, int32_t nin,           \
                             gx_tensor *out, int32_t nout, const void *attrs)             \
    {                                                                                     \
        geom g;                                                                           \
        if (nin != 1 || nout != 1) {                                                      \
            ctx->set_error(ctx, "col2im: expects one input and one output");              \
            return GX_ERR_VALUE;                                                          \
        }                                                                                 \
        int st = read_geom(ctx, "col2im", &out[0], &in[0], (const gx_conv_attrs *)attrs, &g); \
        if (st != GX_OK)                                                                  \
            return st;                                                                    \
        const T *col = (const T *)in[0].data;                                             \
        T *x = (T *)out[0].data;                                                          \
        int64_t colplane = g.klen * g.olen;                                               \
        _Pragma("omp parallel for schedule(static) if (g.planes * colplane > GX_OMP_MIN_ELEMS)") \
        for (int64_t q = 0; q < g.planes; q++)                                            \
            col2im_plane_##FLAG(&g, col + q * colplane, x + q * g.plane_in);              \
        return GX_OK;                                                                     \
    }
GX_FOR_ALL_TYPES(CONV_KERNELS)

int gx_cpu_register_pool(gx_registry *r);

/* The convolution family: im2col/col2im here, the pooling kernels in pool.c. */
int gx_cpu_register_conv(gx_registry *r)
{
#define REG_CONV(FLAG, T, ACC)                     \
    GX_REG(r, "im2col", FLAG, im2col_##FLAG);      \
    GX_REG(r, "col2im", FLAG, col2im_##FLAG);
    GX_FOR_ALL_TYPES(REG_CONV)
    return gx_cpu_register_pool(r);
}
