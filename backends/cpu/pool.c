/* CPU kernels: pooling, its backward and the max-pick (see include/gluonx/attrs.h).
 *
 * As in conv.c every problem is seen as 3-D (leading spatial axes of extent
 * 1).  One (n, c) plane per iteration; OpenMP over planes above
 * GX_OMP_MIN_ELEMS.  Windows follow MXNet's CPU pooling: start at
 * o*stride - pad, clipped to the input; avg divides by the window clipped to
 * the padded input (count_include_pad) or to the input itself. */
#include <math.h>

#include "gx_cpu.h"

typedef struct {
    int64_t in[3], out[3], k[3], s[3], p[3];
    int64_t planes, plane_in, plane_out;
    int type, include_pad, pv;
    int inside; /* no padding and every window inside the input: the fast loops */
} pgeom;

/* Pooling reads a window per output: more work per element than an add, so
 * two threads pay from far fewer elements than GX_OMP_MIN_ELEMS. */
#define GX_POOL_OMP_MIN ((int64_t)1 << 17)

static int read_pgeom(gx_context *ctx, const char *name, const gx_tensor *x, const gx_tensor *y,
                      const gx_pool_attrs *a, pgeom *g)
{
    if (!a || a->nsp < 1 || a->nsp > 3 || x->ndim != a->nsp + 2 || y->ndim != x->ndim ||
        x->shape[0] != y->shape[0] || x->shape[1] != y->shape[1]) {
        ctx->set_error(ctx, "%s: expects (N, C, *spatial) input and output with 1-3 spatial axes",
                       name);
        return GX_ERR_VALUE;
    }
    if (!gx_is_contiguous(x) || !gx_is_contiguous(y)) {
        ctx->set_error(ctx, "%s: operands must be contiguous", name);
        return GX_ERR_VALUE;
    }
    if (a->type == GX_POOL_LP && (a->p_value < 1 || a->p_value > 3)) {
        ctx->set_error(ctx, "%s: p value of %d is not supported (1, 2 or 3)", name, a->p_value);
        return GX_ERR_VALUE;
    }
    int lead = 3 - a->nsp;
    g->planes = x->shape[0] * x->shape[1];
    g->plane_in = g->plane_out = 1;
    g->type = a->type;
    g->include_pad = a->count_include_pad;
    g->pv = a->p_value;
    for (int i = 0; i < 3; i++) {
        int j = i - lead;
        if (j < 0) {
            g->in[i] = g->out[i] = g->k[i] = g->s[i] = 1;
            g->p[i] = 0;
        } else {
            g->in[i] = x->shape[2 + j];
            g->out[i] = y->shape[2 + j];
            g->k[i] = a->kernel[j];
            g->s[i] = a->stride[j];
            g->p[i] = a->pad[j];
            if (g->k[i] < 1 || g->s[i] < 1 || g->p[i] < 0) {
                ctx->set_error(ctx, "%s: invalid kernel/stride/pad on axis %d", name, j);
                return GX_ERR_VALUE;
            }
        }
        g->plane_in *= g->in[i];
        g->plane_out *= g->out[i];
    }
    g->inside = 1;
    for (int i = 0; i < 3; i++)
        g->inside = g->inside && g->p[i] == 0 && (g->out[i] - 1) * g->s[i] + g->k[i] <= g->in[i];
    return GX_OK;
}

/* The window of output position o on axis i: [lo, hi) in the input, and
 * its extent within the padded input. */
static inline void window(const pgeom *g, int i, int64_t o, int64_t *lo, int64_t *hi,
                          int64_t *padded)
{
    int64_t st = o * g->s[i] - g->p[i];
    int64_t en = st + g->k[i];
    if (en > g->in[i] + g->p[i])
        en = g->in[i] + g->p[i];
    *padded = en - st;
    if (st < 0)
        st = 0;
    if (en > g->in[i])
        en = g->in[i];
    *lo = st;
    *hi = en > st ? en : st;
}

static inline double pow_p(double v, int p)
{
    return p == 1 ? v : p == 2 ? v * v : v * v * v;
}

static inline double root_p(double v, int p)
{
    return p == 1 ? v : p == 2 ? sqrt(v) : cbrt(v);
}

/* Iterates the output positions of one plane: sets w0..w2 lo/hi, the
 * divisor `cnt` and the flat output index `oi`; BODY uses them. */
#define FOR_WINDOWS(g, BODY)                                                              \
    for (int64_t o0 = 0, oi = 0; o0 < (g)->out[0]; o0++) {                                \
        int64_t l0, h0, p0;                                                               \
        window((g), 0, o0, &l0, &h0, &p0);                                                \
        for (int64_t o1 = 0; o1 < (g)->out[1]; o1++) {                                    \
            int64_t l1, h1, p1;                                                           \
            window((g), 1, o1, &l1, &h1, &p1);                                            \
            for (int64_t o2 = 0; o2 < (g)->out[2]; o2++, oi++) {                          \
                int64_t l2, h2, p2;                                                       \
                window((g), 2, o2, &l2, &h2, &p2);                                        \
                int64_t cnt = (g)->include_pad ? p0 * p1 * p2                             \
                                               : (h0 - l0) * (h1 - l1) * (h2 - l2);       \
                (void)cnt;                                                                \
                BODY                                                                      \
            }                                                                             \
        }                                                                                 \
    }

#define FOR_WINDOW_ELEMS(g, IDX, BODY)                                                    \
    for (int64_t i0 = l0; i0 < h0; i0++)                                                  \
        for (int64_t i1 = l1; i1 < h1; i1++) {                                            \
            int64_t base_ = (i0 * (g)->in[1] + i1) * (g)->in[2];                          \
            for (int64_t i2 = l2; i2 < h2; i2++) {                                        \
                int64_t IDX = base_ + i2;                                                 \
                BODY                                                                      \
            }                                                                             \
        }

/* Flat index of the first maximum of the window (-1 if it is empty). */
#define FIRST_MAX(g, x, ACC, RES)                                                         \
    int64_t RES = -1;                                                                     \
    {                                                                                     \
        ACC best_ = 0;                                                                    \
        FOR_WINDOW_ELEMS(g, j_, {                                                         \
            ACC v_ = (ACC)(x)[j_];                                                        \
            if (RES < 0 || v_ > best_) {                                                  \
                best_ = v_;                                                               \
                RES = j_;                                                                 \
            }                                                                             \
        })                                                                                \
    }

/* Windows inside the input (no padding, no clipping): plain index arithmetic.
 * Sets `base` (first input element of the window) per output; the window's
 * elements are base + off with off over OFFS(a0, a1, a2). */
#define FOR_INSIDE(g, BODY)                                                               \
    for (int64_t o0 = 0, oi = 0; o0 < (g)->out[0]; o0++)                                  \
        for (int64_t o1 = 0; o1 < (g)->out[1]; o1++)                                      \
            for (int64_t o2 = 0; o2 < (g)->out[2]; o2++, oi++) {                          \
                int64_t base = ((o0 * (g)->s[0]) * (g)->in[1] + o1 * (g)->s[1]) * (g)->in[2] + \
                               o2 * (g)->s[2];                                            \
                BODY                                                                      \
            }

#define FOR_INSIDE_ELEMS(g, IDX, BODY)                                                    \
    for (int64_t a0 = 0; a0 < (g)->k[0]; a0++)                                            \
        for (int64_t a1 = 0; a1 < (g)->k[1]; a1++)                                        \
            for (int64_t a2 = 0; a2 < (g)->k[2]; a2++) {                                  \
                int64_t IDX = base + (a0 * (g)->in[1] + a1) * (g)->in[2] + a2;            \
                BODY                                                                      \
            }

/* First maximum of an inside window: strictly greater replaces, as FIRST_MAX. */
#define INSIDE_MAX(g, x, ACC, RES)                                                        \
    int64_t RES = base;                                                                   \
    {                                                                                     \
        ACC best_ = (ACC)(x)[base];                                                       \
        FOR_INSIDE_ELEMS(g, j_, {                                                         \
            ACC v_ = (ACC)(x)[j_];                                                        \
            if (v_ > best_) {                                                             \
                best_ = v_;                                                               \
                RES = j_;                                                                 \
            }                                                                             \
        })                                                                                \
    }

/* 2x2 windows with stride 2 on the last two axes, no padding (LeNet's and
 * VGG's pooling): the windows tile the input, so the forward is a max of
 * two rows' column pairs and the backward writes every dx element once,
 * without the zero pass and scattered adds.  Plain loops gcc vectorises;
 * the comparisons are the generic path's (first maximum, NaN kept first). */
static inline int is_max2x2(const pgeom *g)
{
    return g->inside && g->type == GX_POOL_MAX && g->in[0] == 1 && g->k[1] == 2 &&
           g->k[2] == 2 && g->s[1] == 2 && g->s[2] == 2;
}

#define POOL_MAX2X2(FLAG, T, ACC)                                                         \
    static void max2x2_plane_##FLAG(const pgeom *g, const T *restrict x, T *restrict y)   \
    {                                                                                     \
        int64_t W = g->in[2], OW = g->out[2];                                             \
        for (int64_t oh = 0; oh < g->out[1]; oh++) {                                      \
            const T *r0 = x + 2 * oh * W, *r1 = r0 + W;                                   \
            T *yo = y + oh * OW;                                                          \
            for (int64_t ow = 0; ow < OW; ow++) {                                         \
                T m = r0[2 * ow], v = r0[2 * ow + 1];                                     \
                m = v > m ? v : m;                                                        \
                v = r1[2 * ow];                                                           \
                m = v > m ? v : m;                                                        \
                v = r1[2 * ow + 1];                                                       \
                yo[ow] = v > m ? v : m;                                                   \
            }                                                                             \
        }                                                                                 \
    }                                                                                     \
                                                                                          \
    static void max2x2_back_plane_##FLAG(const pgeom *g, const T *restrict dy,            \
                                         const T *restrict x, T *restrict dx)             \
    {                                                                                     \
        int64_t W = g->in[2], OW = g->out[2], OH = g->out[1];                             \
        for (int64_t oh = 0; oh < OH; oh++) {                                             \
            const T *r0 = x + 2 * oh * W, *r1 = r0 + W;                                   \
            T *d0 = dx + 2 * oh * W, *d1 = d0 + W;                                        \
            const T *dyo = dy + oh * OW;                                                  \
            for (int64_t ow = 0; ow < OW; ow++) {                                         \
                T a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], e = r1[2 * ow + 1]; \
                /* selects, not branches: which element wins is data, and a   \
                 * mispredicted branch per window costs more than all this */ \
                T z = (T)0, m01 = b > a ? b : a, m = c > m01 ? c : m01;                  \
                T d = dyo[ow], de = e > m ? d : z, rest = e > m ? z : d;                  \
                T dc = c > m01 ? rest : z, rest2 = c > m01 ? z : rest;                    \
                d1[2 * ow + 1] = de;                                                      \
                d1[2 * ow] = dc;                                                          \
                d0[2 * ow + 1] = b > a ? rest2 : z;                                       \
                d0[2 * ow] = b > a ? z : rest2;                                           \
            }                                                                             \
            /* an odd last column or row lies in no window: its gradient is 0 */ \
            for (int64_t j = 2 * OW; j < W; j++)                                          \
                d0[j] = d1[j] = (T)0;                                                     \
        }                                                                                 \
        for (int64_t j = 2 * OH * W; j < g->plane_in; j++)                                \
            dx[j] = (T)0;                                                                 \
    }
GX_FOR_ALL_TYPES(POOL_MAX2X2)

#define POOL_KERNELS(FLAG, T, ACC)                                                        \
    static void pool_inside_##FLAG(const pgeom *g, const T *restrict x, T *restrict y)    \
    {                                                                                     \
        if (g->type == GX_POOL_MAX) {                                                     \
            FOR_INSIDE(g, {                                                               \
                INSIDE_MAX(g, x, ACC, m);                                                 \
                y[oi] = x[m];                                                             \
            })                                                                            \
        } else {                                                                          \
            ACC inv = (ACC)1 / (ACC)(g->k[0] * g->k[1] * g->k[2]);                        \
            FOR_INSIDE(g, {                                                               \
                ACC s = 0;                                                                \
                FOR_INSIDE_ELEMS(g, j, { s += (ACC)x[j]; })                               \
                y[oi] = (T)(g->type == GX_POOL_AVG ? s * inv : s);                        \
            })                                                                            \
        }                                                                                 \
    }                                                                                     \
                                                                                          \
    static void pool_plane_##FLAG(const pgeom *g, const T *restrict x, T *restrict y)     \
    {                                                                                     \
        if (is_max2x2(g)) {                                                               \
            max2x2_plane_##FLAG(g, x, y);                                                 \
            return;                                                                       \
        }                                                                                 \
        if (g->inside && g->type != GX_POOL_LP) {                                         \
            pool_inside_##FLAG(g, x, y);                                                  \
            return;                                                                       \
        }                                                                                 \
        FOR_WINDOWS(g, {                                                                  \
            if (g->type == GX_POOL_MAX) {                                                 \
                FIRST_MAX(g, x, ACC, m);                                                  \
                y[oi] = m >= 0 ? x[m] : (T)((T)0.5 != (T)0 ? -INFINITY : 0.0);                                   \
            } else if (g->type == GX_POOL_LP) {                                           \
                double s = 0;                                                             \
                FOR_WINDOW_ELEMS(g, j, { s += pow_p((double)x[j], g->pv); })              \
                y[oi] = (T)root_p(s, g->pv);                                              \
            } else {                                                                      \
                ACC s = 0;                                                                \
                FOR_WINDOW_ELEMS(g, j, { s += (ACC)x[j]; })                               \
                if (g->type == GX_POOL_AVG)                                               \
                    s = cnt > 0 ? (ACC)(s / (ACC)cnt) : (ACC)0;                           \
                y[oi] = (T)s;                                                             \
            }                                                                             \
        })                                                                                \
    }                                                                                     \
                                                                                          \
    static void pool_back_plane_##FLAG(const pgeom *g, const T *restrict dy,              \
                                       const T *restrict x, const T *restrict y,          \
                                       T *restrict dx)                                    \
    {                                                                                     \
        if (is_max2x2(g)) {                                                               \
            max2x2_back_plane_##FLAG(g, dy, x, dx);                                       \
            return;                                                                       \
        }                                                                                 \
        for (int64_t j = 0; j < g->plane_in; j++)                                         \
            dx[j] = 0;                                                                    \
        if (g->inside && g->type == GX_POOL_MAX) {                                        \
            FOR_INSIDE(g, {                                                               \
                INSIDE_MAX(g, x, ACC, m);                                                 \
                dx[m] = (T)((ACC)dx[m] + (ACC)dy[oi]);                                    \
            })                                                                            \
            return;                                                                       \
        }                                                                                 \
        FOR_WINDOWS(g, {                                                                  \
            ACC d = (ACC)dy[oi];                                                          \
            if (g->type == GX_POOL_MAX) {                                                 \
                FIRST_MAX(g, x, ACC, m);                                                  \
                if (m >= 0)                                                               \
                    dx[m] = (T)((ACC)dx[m] + d);                                          \
            } else if (g->type == GX_POOL_LP) {                                           \
                double yo = (double)y[oi];                                                \
                FOR_WINDOW_ELEMS(g, j, {                                                  \
                    double r = g->pv == 1 ? 1.0 : pow_p((double)x[j] / yo, g->pv - 1);    \
                    dx[j] = (T)((double)dx[j] + (double)d * r);                           \
                })                                                                        \
            } else {                                                                      \
                if (g->type == GX_POOL_AVG)                                               \
                    d = cnt > 0 ? (ACC)(d / (ACC)cnt) : (ACC)0;                           \
                FOR_WINDOW_ELEMS(g, j, { dx[j] = (T)((ACC)dx[j] + d); })                  \
            }                                                                             \
        })                                                                                \
    }                                                                                     \
                                                                                          \
    static void pool_pick_plane_##FLAG(const pgeom *g, const T *restrict x,               \
                                       const T *restrict gin, T *restrict o)              \
    {                                                                                     \
        FOR_WINDOWS(g, {                                                                  \
            FIRST_MAX(g, x, ACC, m);                                                      \
            o[oi] = m >= 0 ? gin[m] : (T)0;                                               \
        })                                                                                \
    }                                                                                     \
                                                                                          \
    static int pooling_##FLAG(gx_context *ctx, const gx_tensor *in, int32_t nin,          \
                              gx_tensor *out, int32_t nout, const void *attrs)            \
    {                                                                                     \
        pgeom g;                                                                          \
        if (nin != 1 || nout != 1) {                                                      \
            ctx->set_error(ctx, "pooling: expects one input and one output");             \
            return GX_ERR_VALUE;                                                          \
        }                                                                                 \
        int st = read_pgeom(ctx, "pooling", &in[0], &out[0], (const gx_pool_attrs *)attrs, &g); \
        if (st != GX_OK)                                                                  \
            return st;                                                                    \
        const T *x = (const T *)in[0].data;                                               \
        T *y = (T *)out[0].data;                                                          \
        _Pragma("omp parallel for schedule(static) if (g.planes > 1 && g.planes * g.plane_in > GX_POOL_OMP_MIN)") \
        for (int64_t q = 0; q < g.planes; q++)                                            \
            pool_plane_##FLAG(&g, x + q * g.plane_in, y + q * g.plane_out);               \
        return GX_OK;                                                                     \
    }                                                                                     \
                                                                                          \
    static int pooling_backward_##FLAG(gx_context *ctx, const gx_tensor *in, int32_t nin, \
                                       gx_tensor *out, int32_t nout, const void *attrs)   \
    {                                                                                     \
        pgeom g;                                                                          \
        if (nin != 3 || nout != 1) {                                                      \
            ctx->set_error(ctx, "pooling_backward: expects inputs (dy, x, y) and one output"); \
            return GX_ERR_VALUE;                                                          \
        }                                                                                 \
        int st = read_pgeom(ctx, "pooling_backward", &in[1], &in[0],                      \
                            (const gx_pool_attrs *)attrs, &g);                            \
        if (st != GX_OK)                                                                  \
            return st;                                                                    \
        if (gx_numel(&in[2]) != gx_numel(&in[0]) || gx_numel(&out[0]) != gx_numel(&in[1]) || \
            !gx_is_contiguous(&in[2]) || !gx_is_contiguous(&out[0]) ||                    \
            in[0].dtype != in[1].dtype || in[2].dtype != in[1].dtype ||                   \
            out[0].dtype != in[1].dtype) {                                                \
            ctx->set_error(ctx, "pooling_backward: y must match dy and dx must match x "  \
                                "(contiguous, one dtype)");                               \
            return GX_ERR_VALUE;                                                          \
        }                                                                                 \
        const T *dy = (const T *)in[0].data, *x = (const T *)in[1].data;                  \
        const T *y = (const T *)in[2].data;                                               \
        T *dx = (T *)out[0].data;                                                         \
        _Pragma("omp parallel for schedule(static) if (g.planes > 1 && g.planes * g.plane_in > GX_POOL_OMP_MIN)") \
        for (int64_t q = 0; q < g.planes; q++)                                            \
            pool_back_plane_##FLAG(&g, dy + q * g.plane_out, x + q * g.plane_in,          \
                                   y + q * g.plane_out, dx + q * g.plane_in);             \
        return GX_OK;                                                                     \
    }                                                                                     \
                                                                                          \
    static int pooling_pick_##FLAG(gx_context *ctx, const gx_tensor *in, int32_t nin,     \
                                   gx_tensor *out, int32_t nout, const void *attrs)       \
    {                                                                                     \
        pgeom g;                                                                          \
        if (nin != 2 || nout != 1) {                                                      \
            ctx->set_error(ctx, "pooling_pick: expects inputs (x, g) and one output");    \
            return GX_ERR_VALUE;                                                          \
        }                                                                                 \
        int st = read_pgeom(ctx, "pooling_pick", &in[0], &out[0],                         \
                            (const gx_pool_attrs *)attrs, &g);                            \
        if (st != GX_OK)                                                                  \
            return st;                                                                    \
        if (gx_numel(&in[1]) != gx_numel(&in[0]) || !gx_is_contiguous(&in[1]) ||          \
            in[1].dtype != in[0].dtype || out[0].dtype != in[0].dtype) {                  \
            ctx->set_error(ctx, "pooling_pick: g must match x (contiguous, same dtype)"); \
            return GX_ERR_VALUE;                                                          \
        }                                                                                 \
        const T *x = (const T *)in[0].data, *gi = (const T *)in[1].data;                  \
        T *o = (T *)out[0].data;                                                          \
        _Pragma("omp parallel for schedule(static) if (g.planes > 1 && g.planes * g.plane_in > GX_POOL_OMP_MIN)") \
        for (int64_t q = 0; q < g.planes; q++)                                            \
            pool_pick_plane_##FLAG(&g, x + q * g.plane_in, gi + q * g.plane_in,           \
                                   o + q * g.plane_out);                                  \
        return GX_OK;                                                                     \
    }
GX_FOR_ALL_TYPES(POOL_KERNELS)

int gx_cpu_register_pool(gx_registry *r)
{
#define REG_POOL(FLAG, T, ACC)                                       \
    GX_REG(r, "pooling", FLAG, pooling_##FLAG);                      \
    GX_REG(r, "pooling_backward", FLAG, pooling_backward_##FLAG);    \
    GX_REG(r, "pooling_pick", FLAG, pooling_pick_##FLAG);
    GX_FOR_ALL_TYPES(REG_POOL)
    return GX_OK;
}
