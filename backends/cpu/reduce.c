/* CPU kernels: reduce family (see include/gluonx/attrs.h for the contracts).
 *
 * sum prod max min mean nansum nanprod norm argmax argmin.
 *
 * The core hands the input view and an output view of the same ndim with
 * extent 1 on reduced axes, already coalesced.  Strategies:
 *   - everything reduced (one output element): the input is walked row by
 *     row, each row by a blocked, multi-accumulator reducer; OpenMP splits
 *     rows (or one long row) into per-thread partials;
 *   - last axis reduced: each output element reduces its rows;
 *   - last axis kept: input rows are accumulated into a chunk of
 *     accumulators (vectorizes across the kept axis);
 * float32 sums use float lane accumulators inside blocks of 2048 elements
 * and double across blocks, float16 accumulates in float. */
#include <math.h>
#include <omp.h>

#include "gx_cpu.h"

#define RED_LANES 32
#define RED_BLOCK 2048
#define RED_CHUNK 1024

/* Hot loops get an AVX2 clone picked at load time (see gx_cpu.h). */
#define RED_CLONES GX_SIMD_CLONES

/* ---- operations -------------------------------------------------------------
 * Each op: INIT (identity), ADD(acc, v), COMB(a, b) and FIN(acc, count). */
#define ISNAN_(v) ((v) != (v))

#define sum_INIT(A) ((A)0)
#define sum_ADD(a, v) ((a) + (v))
#define sum_COMB(a, b) ((a) + (b))
#define sum_FIN(a, n) (a)

#define mean_INIT sum_INIT
#define mean_ADD sum_ADD
#define mean_COMB sum_COMB
#define mean_FIN(a, n) ((double)(a) / (double)(n))

#define nansum_INIT sum_INIT
#define nansum_ADD(a, v) (ISNAN_(v) ? (a) : (a) + (v))
#define nansum_COMB sum_COMB
#define nansum_FIN sum_FIN

#define prod_INIT(A) ((A)1)
#define prod_ADD(a, v) ((a) * (v))
#define prod_COMB(a, b) ((a) * (b))
#define prod_FIN(a, n) (a)

#define nanprod_INIT prod_INIT
#define nanprod_ADD(a, v) (ISNAN_(v) ? (a) : (a) * (v))
#define nanprod_COMB prod_COMB
#define nanprod_FIN prod_FIN

/* max/min propagate NaN like NumPy: once a NaN is seen it stays. */
#define max_INIT(A) ((A)-INFINITY)
#define max_ADD(a, v) (((v) > (a) || ISNAN_(v)) ? (v) : (a))
#define max_COMB max_ADD
#define max_FIN(a, n) (a)

#define min_INIT(A) ((A)INFINITY)
#define min_ADD(a, v) (((v) < (a) || ISNAN_(v)) ? (v) : (a))
#define min_COMB min_ADD
#define min_FIN(a, n) (a)

#define norm1_INIT sum_INIT
#define norm1_ADD(a, v) ((a) + ((v) < 0 ? -(v) : (v)))
#define norm1_COMB sum_COMB
#define norm1_FIN sum_FIN

#define norm2_INIT sum_INIT
#define norm2_ADD(a, v) ((a) + (v) * (v))
#define norm2_COMB sum_COMB
#define norm2_FIN(a, n) sqrt((double)(a))

/* Inside vectorized lanes max/min drop the NaN test (it blocks
 * vectorization); a separate NaN flag is accumulated instead. */
#define sum_LANE sum_ADD
#define mean_LANE sum_ADD
#define nansum_LANE nansum_ADD
#define prod_LANE prod_ADD
#define nanprod_LANE nanprod_ADD
#define norm1_LANE norm1_ADD
#define norm2_LANE norm2_ADD
#define max_LANE(a, v) ((v) > (a) ? (v) : (a))
#define min_LANE(a, v) ((v) < (a) ? (v) : (a))
#define sum_NANFLAG 0
#define mean_NANFLAG 0
#define nansum_NANFLAG 0
#define prod_NANFLAG 0
#define nanprod_NANFLAG 0
#define norm1_NANFLAG 0
#define norm2_NANFLAG 0
#define max_NANFLAG 1
#define min_NANFLAG 1

/* Integer max/min identities (INFINITY does not convert to integers). */
#define IMAX_INIT(A) ((A)INT64_MIN)
#define IMIN_INIT(A) ((A)INT64_MAX)

/* Store converting to the output type; bool stores (v != 0). */
#define STORE_(FLAG, T, p, v)                                      \
    do {                                                           \
        if ((FLAG) == GX_BOOL)                                     \
            *(T *)(p) = (T)((v) != 0);                             \
        else                                                       \
            *(T *)(p) = (T)(v);                                    \
    } while (0)

/* ---- axis bookkeeping ------------------------------------------------------- */
typedef struct {
    int nd;
    const int64_t *shp, *sx, *so;   /* input shape/strides; output strides */
    int red[GX_MAX_NDIM];           /* 1 where reduced */
    int64_t N, M, R;                /* input, output, reduced element counts */
} red_geom;

static void geom_init(red_geom *g, const gx_tensor *x, const gx_tensor *o)
{
    g->nd = x->ndim;
    g->shp = x->shape;
    g->sx = x->strides;
    g->so = o->strides;
    g->N = g->M = g->R = 1;
    for (int d = 0; d < g->nd; d++) {
        g->red[d] = (o->shape[d] == 1 && x->shape[d] != 1);
        g->N *= x->shape[d];
        g->M *= o->shape[d];
        if (g->red[d])
            g->R *= x->shape[d];
    }
}

/* Element offsets (input, output) of flat index `idx` over the axes in
 * `ax[0..n)` (row-major over that subset). */
static inline void sub_offsets(const red_geom *g, const int *ax, int n, int64_t idx,
                               int64_t *ox, int64_t *oo)
{
    int64_t a = 0, b = 0;
    for (int k = n - 1; k >= 0 && idx; k--) {
        int d = ax[k];
        int64_t i = idx % g->shp[d];
        idx /= g->shp[d];
        a += i * g->sx[d];
        b += i * g->so[d];
    }
    *ox = a;
    *oo = b;
}

static int nthreads_for(int64_t work)
{
    if (work <= GX_OMP_MIN_ELEMS)
        return 1;
    int t = omp_get_max_threads();
    return t < 1 ? 1 : t;
}

/* ---- the reduction template ----------------------------------------------------
 * OP: operation prefix; FLAG/T: storage; BT: lane accumulator type; AT:
 * accumulator across blocks; INITM: identity macro. */
#define DEFINE_REDUCE(OP, NAME, FLAG, T, BT, AT, INITM)                              \
    RED_CLONES static AT row_##NAME(const T *restrict x, int64_t n, int64_t s)       \
    {                                                                                \
        AT acc = INITM(AT);                                                          \
        if (s == 1) {                                                                \
            int64_t i = 0;                                                           \
            while (i < n) {                                                          \
                int64_t e = n - i > RED_BLOCK ? i + RED_BLOCK : n;                   \
                BT b[RED_LANES];                                                     \
                int nanf[RED_LANES];                                                 \
                for (int j = 0; j < RED_LANES; j++) {                                \
                    b[j] = INITM(BT);                                                \
                    nanf[j] = 0;                                                     \
                }                                                                    \
                for (; i + RED_LANES <= e; i += RED_LANES)                           \
                    for (int j = 0; j < RED_LANES; j++) {                            \
                        BT v_ = (BT)x[i + j];                                        \
                        b[j] = OP##_LANE(b[j], v_);                                  \
                        if (OP##_NANFLAG)                                            \
                            nanf[j] |= ISNAN_(v_);                                   \
                    }                                                                \
                for (; i < e; i++)                                                   \
                    b[0] = OP##_ADD(b[0], (BT)x[i]);                                 \
                if (OP##_NANFLAG) {                                                  \
                    int any_ = 0;                                                    \
                    for (int j = 0; j < RED_LANES; j++)                              \
                        any_ |= nanf[j];                                             \
                    if (any_)                                                        \
                        return (AT)NAN;                                              \
                }                                                                    \
                for (int w = RED_LANES / 2; w; w /= 2)                               \
                    for (int j = 0; j < w; j++)                                      \
                        b[j] = OP##_COMB(b[j], b[j + w]);                            \
                acc = OP##_COMB(acc, (AT)b[0]);                                      \
            }                                                                        \
        } else {                                                                     \
            for (int64_t i = 0; i < n; i++)                                          \
                acc = OP##_ADD(acc, (AT)x[i * s]);                                   \
        }                                                                            \
        return acc;                                                                  \
    }                                                                                \
                                                                                     \
    /* acc[j] op= p[j] over a contiguous run (outer-axis reductions). */            \
    RED_CLONES static void accrow_##NAME(AT *restrict acc, int *restrict nanf,       \
                                         const T *restrict p, int64_t n)             \
    {                                                                                \
        for (int64_t j = 0; j < n; j++) {                                            \
            AT v_ = (AT)p[j];                                                        \
            acc[j] = OP##_LANE(acc[j], v_);                                          \
            if (OP##_NANFLAG)                                                        \
                nanf[j] |= ISNAN_(v_);                                               \
        }                                                                            \
    }                                                                                \
                                                                                     \
    /* Everything reduced: per-thread partials over rows (or row chunks). */         \
    static AT full_##NAME(const red_geom *g, const T *x)                             \
    {                                                                                \
        int nd = g->nd;                                                              \
        int64_t len = g->shp[nd - 1], s = g->sx[nd - 1];                             \
        int64_t nrows = g->N / (len ? len : 1);                                      \
        int outer[GX_MAX_NDIM];                                                      \
        for (int d = 0; d + 1 < nd; d++)                                             \
            outer[d] = d;                                                            \
        int nt = nthreads_for(g->N);                                                 \
        /* tasks: rows, or chunks of a single long row */                            \
        int64_t chunk = len, ntask = nrows;                                          \
        if (nrows < nt) {                                                            \
            chunk = (len + nt - 1) / nt;                                             \
            chunk = (chunk + RED_BLOCK - 1) / RED_BLOCK * RED_BLOCK;                 \
            ntask = nrows * ((len + chunk - 1) / chunk);                             \
        }                                                                            \
        int64_t per_row = (len + chunk - 1) / chunk;                                 \
        AT part[64];                                                                 \
        if (nt > 64)                                                                 \
            nt = 64;                                                                 \
        for (int t = 0; t < nt; t++)                                                 \
            part[t] = INITM(AT);                                                     \
        _Pragma("omp parallel num_threads(nt) if(nt > 1)")                           \
        {                                                                            \
            int t = omp_get_thread_num();                                            \
            AT acc = INITM(AT);                                                      \
            _Pragma("omp for schedule(static)")                                      \
            for (int64_t k = 0; k < ntask; k++) {                                    \
                int64_t row = k / per_row, c = k % per_row;                          \
                int64_t ox, oo;                                                      \
                sub_offsets(g, outer, nd - 1, row, &ox, &oo);                        \
                int64_t b0 = c * chunk, n = len - b0 < chunk ? len - b0 : chunk;     \
                acc = OP##_COMB(acc, row_##NAME(x + ox + b0 * s, n, s));             \
            }                                                                        \
            part[t] = acc;                                                           \
        }                                                                            \
        AT acc = INITM(AT);                                                          \
        for (int t = 0; t < nt; t++)                                                 \
            acc = OP##_COMB(acc, part[t]);                                           \
        return acc;                                                                  \
    }                                                                                \
                                                                                     \
    static int red_##NAME(gx_context *c, const gx_tensor *in, int32_t nin,           \
                          gx_tensor *out, int32_t nout, const void *attrs)           \
    {                                                                                \
        red_geom g;                                                                  \
        geom_init(&g, &in[0], &out[0]);                                              \
        const T *x = (const T *)in[0].data;                                          \
        T *o = (T *)out[0].data;                                                     \
        int nd = g.nd;                                                               \
        if (g.N == 0) { /* empty reduced axis: the identity */                       \
            if (INITM(double) == -INFINITY || INITM(double) == INFINITY ||           \
                INITM(double) == (double)INT64_MIN || INITM(double) == (double)INT64_MAX) { \
                c->set_error(c, "cannot reduce over a zero-size axis (no identity)"); \
                return GX_ERR_VALUE;                                                 \
            }                                                                        \
            int all[GX_MAX_NDIM];                                                    \
            for (int d = 0; d < nd; d++)                                             \
                all[d] = d;                                                          \
            red_geom go = g;                                                         \
            go.shp = out[0].shape;                                                   \
            for (int64_t m = 0; m < g.M; m++) {                                      \
                int64_t ox, oo;                                                      \
                sub_offsets(&go, all, nd, m, &ox, &oo);                              \
                AT a = INITM(AT);                                                    \
                STORE_(FLAG, T, o + oo, OP##_FIN(a, 0));                             \
            }                                                                        \
            return GX_OK;                                                            \
        }                                                                            \
        if (g.M == 1) {                                                              \
            AT a = full_##NAME(&g, x);                                               \
            STORE_(FLAG, T, o, OP##_FIN(a, g.R));                                    \
            return GX_OK;                                                            \
        }                                                                            \
        int kept[GX_MAX_NDIM], redx[GX_MAX_NDIM], nk = 0, nr = 0;                    \
        int64_t len = g.shp[nd - 1], sxl = g.sx[nd - 1], sol = g.so[nd - 1];         \
        if (g.red[nd - 1]) {                                                         \
            /* last axis reduced: each output element reduces its rows */           \
            for (int d = 0; d < nd; d++) {                                           \
                if (g.red[d]) { if (d < nd - 1) redx[nr++] = d; }                    \
                else kept[nk++] = d;                                                 \
            }                                                                        \
            int64_t nrr = g.R / len;                                                 \
            _Pragma("omp parallel for schedule(static) if(nthreads_for(g.N) > 1)")   \
            for (int64_t m = 0; m < g.M; m++) {                                      \
                int64_t ox, oo;                                                      \
                sub_offsets(&g, kept, nk, m, &ox, &oo);                              \
                AT a = INITM(AT);                                                    \
                for (int64_t r = 0; r < nrr; r++) {                                  \
                    int64_t rx, ro;                                                  \
                    sub_offsets(&g, redx, nr, r, &rx, &ro);                          \
                    a = OP##_COMB(a, row_##NAME(x + ox + rx, len, sxl));             \
                }                                                                    \
                STORE_(FLAG, T, o + oo, OP##_FIN(a, g.R));                           \
            }                                                                        \
            return GX_OK;                                                            \
        }                                                                            \
        /* last axis kept: accumulate input rows into chunks of accumulators */     \
        for (int d = 0; d + 1 < nd; d++) {                                           \
            if (g.red[d]) redx[nr++] = d;                                            \
            else kept[nk++] = d;                                                     \
        }                                                                            \
        int ntr = nthreads_for(g.N);                                                 \
        int64_t nouter = g.M / len, csz = RED_CHUNK;                                 \
        if (ntr > 1 && nouter < ntr) {                                               \
            int64_t want = (len + ntr - 1) / ntr;                                    \
            want = (want + 63) / 64 * 64;                                            \
            if (want < csz) csz = want;                                              \
        }                                                                            \
        int64_t nch = (len + csz - 1) / csz;                                         \
        _Pragma("omp parallel for schedule(static) if(ntr > 1)")                     \
        for (int64_t k = 0; k < nouter * nch; k++) {                                 \
            int64_t m = k / nch, j0 = (k % nch) * csz;                               \
            int64_t n = len - j0 < csz ? len - j0 : csz;                             \
            AT acc[RED_CHUNK];                                                       \
            int nanf[RED_CHUNK];                                                     \
            for (int64_t j = 0; j < n; j++) {                                        \
                acc[j] = INITM(AT);                                                  \
                nanf[j] = 0;                                                         \
            }                                                                        \
            int64_t ox, oo;                                                          \
            sub_offsets(&g, kept, nk, m, &ox, &oo);                                  \
            for (int64_t r = 0; r < g.R; r++) {                                      \
                int64_t rx, ro;                                                      \
                sub_offsets(&g, redx, nr, r, &rx, &ro);                              \
                const T *restrict p = x + ox + rx + j0 * sxl;                        \
                if (sxl == 1) {                                                      \
                    accrow_##NAME(acc, nanf, p, n);                                  \
                } else {                                                             \
                    for (int64_t j = 0; j < n; j++)                                  \
                        acc[j] = OP##_ADD(acc[j], (AT)p[j * sxl]);                   \
                }                                                                    \
            }                                                                        \
            if (OP##_NANFLAG)                                                        \
                for (int64_t j = 0; j < n; j++)                                      \
                    if (nanf[j])                                                     \
                        acc[j] = (AT)NAN;                                            \
            T *q = o + oo + j0 * sol;                                                \
            for (int64_t j = 0; j < n; j++)                                          \
                STORE_(FLAG, T, q + j * sol, OP##_FIN(acc[j], g.R));                 \
        }                                                                            \
        return GX_OK;                                                                \
    }

/* Per dtype: float32 lanes in float, blocks summed in double (max/min stay
 * in float); float64 in
 * double; float16 in float; integers in int64. */
#define DEFINE_OP_ALL(OP, FINIT, IINIT, F32ACC)                               \
    DEFINE_REDUCE(OP, OP##_f32, GX_FLOAT32, float, float, F32ACC, FINIT)      \
    DEFINE_REDUCE(OP, OP##_f64, GX_FLOAT64, double, double, double, FINIT)    \
    DEFINE_REDUCE(OP, OP##_f16, GX_FLOAT16, gx_half, float, float, FINIT)     \
    DEFINE_REDUCE(OP, OP##_u8, GX_UINT8, uint8_t, int64_t, int64_t, IINIT)    \
    DEFINE_REDUCE(OP, OP##_i8, GX_INT8, int8_t, int64_t, int64_t, IINIT)      \
    DEFINE_REDUCE(OP, OP##_i32, GX_INT32, int32_t, int64_t, int64_t, IINIT)   \
    DEFINE_REDUCE(OP, OP##_i64, GX_INT64, int64_t, int64_t, int64_t, IINIT)   \
    DEFINE_REDUCE(OP, OP##_b, GX_BOOL, uint8_t, int64_t, int64_t, IINIT)

DEFINE_OP_ALL(sum, sum_INIT, sum_INIT, double)
DEFINE_OP_ALL(mean, sum_INIT, sum_INIT, double)
DEFINE_OP_ALL(nansum, sum_INIT, sum_INIT, double)
DEFINE_OP_ALL(prod, prod_INIT, prod_INIT, double)
DEFINE_OP_ALL(nanprod, prod_INIT, prod_INIT, double)
DEFINE_OP_ALL(max, max_INIT, IMAX_INIT, float)
DEFINE_OP_ALL(min, min_INIT, IMIN_INIT, float)
/* norms: integers accumulate in double (the result is converted back). */
#define DEFINE_NORM_ALL(OP)                                                   \
    DEFINE_REDUCE(OP, OP##_f32, GX_FLOAT32, float, float, double, sum_INIT)   \
    DEFINE_REDUCE(OP, OP##_f64, GX_FLOAT64, double, double, double, sum_INIT) \
    DEFINE_REDUCE(OP, OP##_f16, GX_FLOAT16, gx_half, float, float, sum_INIT)  \
    DEFINE_REDUCE(OP, OP##_u8, GX_UINT8, uint8_t, double, double, sum_INIT)   \
    DEFINE_REDUCE(OP, OP##_i8, GX_INT8, int8_t, double, double, sum_INIT)     \
    DEFINE_REDUCE(OP, OP##_i32, GX_INT32, int32_t, double, double, sum_INIT)  \
    DEFINE_REDUCE(OP, OP##_i64, GX_INT64, int64_t, double, double, sum_INIT)  \
    DEFINE_REDUCE(OP, OP##_b, GX_BOOL, uint8_t, double, double, sum_INIT)
DEFINE_NORM_ALL(norm1)
DEFINE_NORM_ALL(norm2)

#define DEFINE_NORM(SUF)                                                          \
    static int red_norm_##SUF(gx_context *c, const gx_tensor *in, int32_t nin,    \
                              gx_tensor *out, int32_t nout, const void *attrs)    \
    {                                                                             \
        int ord = attrs ? ((const gx_norm_attrs *)attrs)->ord : 2;                \
        if (ord == 1)                                                             \
            return red_norm1_##SUF(c, in, nin, out, nout, attrs);                 \
        if (ord == 2)                                                             \
            return red_norm2_##SUF(c, in, nin, out, nout, attrs);                 \
        c->set_error(c, "norm: ord must be 1 or 2, got %d", ord);                 \
        return GX_ERR_VALUE;                                                      \
    }
DEFINE_NORM(f32)
DEFINE_NORM(f64)
DEFINE_NORM(f16)
DEFINE_NORM(u8)
DEFINE_NORM(i8)
DEFINE_NORM(i32)
DEFINE_NORM(i64)
DEFINE_NORM(b)

/* ---- argmax / argmin ------------------------------------------------------------
 * Exactly one reduced axis; ties and NaN: the first index wins (as NumPy).
 * The index is written converted to the output's dtype. */

#define ARG_BETTER_max(v, b) ((v) > (b) || (ISNAN_(v) && !ISNAN_(b)))
#define ARG_BETTER_min(v, b) ((v) < (b) || (ISNAN_(v) && !ISNAN_(b)))

#define DEFINE_ARG(WHICH, SUF, FLAG, T, C)                                           \
    /* contiguous row: vectorized extreme value (and NaN flag), then the first   \
     * index holding it */                                                       \
    RED_CLONES static int64_t arg_fast_##WHICH##_##SUF(const T *restrict p, int64_t n) \
    {                                                                                \
        C best = (C)row_##WHICH##_##SUF(p, n, 1);                                    \
        int anyn = ISNAN_(best);                                                     \
        int64_t i;                                                                   \
        if (anyn) {                                                                  \
            for (i = 0; i < n; i++)                                                  \
                if (ISNAN_((C)p[i])) return i;                                       \
        }                                                                            \
        for (i = 0; i + 16 <= n; i += 16) {                                          \
            int hit = 0;                                                             \
            for (int j = 0; j < 16; j++)                                             \
                hit |= ((C)p[i + j] == best);                                        \
            if (hit)                                                                 \
                break;                                                               \
        }                                                                            \
        for (; i < n; i++)                                                           \
            if ((C)p[i] == best) return i;                                           \
        return 0;                                                                    \
    }                                                                                \
    static int arg##WHICH##_##SUF(gx_context *c, const gx_tensor *in, int32_t nin,   \
                                  gx_tensor *out, int32_t nout, const void *attrs)   \
    {                                                                                \
        red_geom g;                                                                  \
        geom_init(&g, &in[0], &out[0]);                                              \
        int nd = g.nd, rd = -1, nr = 0, kept[GX_MAX_NDIM], nk = 0;                   \
        for (int d = 0; d < nd; d++) {                                               \
            if (g.red[d]) { rd = d; nr++; }                                          \
            else kept[nk++] = d;                                                     \
        }                                                                            \
        if (g.N == 0) {                                                              \
            c->set_error(c, "arg" #WHICH " of an empty sequence");                   \
            return GX_ERR_VALUE;                                                     \
        }                                                                            \
        if (nr > 1) {                                                                \
            c->set_error(c, "arg" #WHICH " reduces exactly one axis, got %d", nr);   \
            return GX_ERR_VALUE;                                                     \
        }                                                                            \
        const T *x = (const T *)in[0].data;                                          \
        char *o = (char *)out[0].data;                                               \
        int odt = out[0].dtype, osz = gx_itemsize[odt];                              \
        int64_t n = rd >= 0 ? g.shp[rd] : 1, s = rd >= 0 ? g.sx[rd] : 0;            \
        int inner_kept = nd > 0 && !g.red[nd - 1] && rd >= 0;                        \
        if (!inner_kept) {                                                           \
            _Pragma("omp parallel for schedule(static) if(nthreads_for(g.N) > 1)")   \
            for (int64_t m = 0; m < g.M; m++) {                                      \
                int64_t ox, oo;                                                      \
                sub_offsets(&g, kept, nk, m, &ox, &oo);                              \
                const T *p = x + ox;                                                 \
                C best = (C)p[0];                                                    \
                int64_t bi = 0;                                                      \
                if (s == 1 && n >= 64) {                                             \
                    bi = arg_fast_##WHICH##_##SUF(p, n);                             \
                    gx_store_index(o + oo * osz, odt, bi);                              \
                    continue;                                                        \
                }                                                                    \
                for (int64_t i = 1; i < n; i++) {                                    \
                    C v = (C)p[i * s];                                               \
                    if (ARG_BETTER_##WHICH(v, best)) { best = v; bi = i; }           \
                }                                                                    \
                gx_store_index(o + oo * osz, odt, bi);                                  \
            }                                                                        \
            return GX_OK;                                                            \
        }                                                                            \
        /* reduced axis outside the last: scan rows, a chunk of columns at once */  \
        int64_t len = g.shp[nd - 1], sxl = g.sx[nd - 1], sol = g.so[nd - 1];         \
        int kept2[GX_MAX_NDIM], nk2 = 0;                                             \
        for (int d = 0; d + 1 < nd; d++)                                             \
            if (!g.red[d]) kept2[nk2++] = d;                                         \
        int64_t nouter = g.M / len, nch = (len + RED_CHUNK - 1) / RED_CHUNK;         \
        _Pragma("omp parallel for schedule(static) if(nthreads_for(g.N) > 1)")       \
        for (int64_t k = 0; k < nouter * nch; k++) {                                 \
            int64_t m = k / nch, j0 = (k % nch) * RED_CHUNK;                         \
            int64_t cn = len - j0 < RED_CHUNK ? len - j0 : RED_CHUNK;                \
            C best[RED_CHUNK];                                                       \
            int64_t bi[RED_CHUNK];                                                   \
            int64_t ox, oo;                                                          \
            sub_offsets(&g, kept2, nk2, m, &ox, &oo);                                \
            const T *p = x + ox + j0 * sxl;                                          \
            for (int64_t j = 0; j < cn; j++) {                                       \
                best[j] = (C)p[j * sxl];                                             \
                bi[j] = 0;                                                           \
            }                                                                        \
            for (int64_t i = 1; i < n; i++) {                                        \
                const T *q = p + i * s;                                              \
                for (int64_t j = 0; j < cn; j++) {                                   \
                    C v = (C)q[j * sxl];                                             \
                    if (ARG_BETTER_##WHICH(v, best[j])) { best[j] = v; bi[j] = i; }  \
                }                                                                    \
            }                                                                        \
            for (int64_t j = 0; j < cn; j++)                                         \
                gx_store_index(o + (oo + (j0 + j) * sol) * osz, odt, bi[j]);            \
        }                                                                            \
        return GX_OK;                                                                \
    }

#define DEFINE_ARG_ALL(WHICH)                                 \
    DEFINE_ARG(WHICH, f32, GX_FLOAT32, float, float)          \
    DEFINE_ARG(WHICH, f64, GX_FLOAT64, double, double)        \
    DEFINE_ARG(WHICH, f16, GX_FLOAT16, gx_half, float)        \
    DEFINE_ARG(WHICH, u8, GX_UINT8, uint8_t, int64_t)         \
    DEFINE_ARG(WHICH, i8, GX_INT8, int8_t, int64_t)           \
    DEFINE_ARG(WHICH, i32, GX_INT32, int32_t, int64_t)        \
    DEFINE_ARG(WHICH, i64, GX_INT64, int64_t, int64_t)        \
    DEFINE_ARG(WHICH, b, GX_BOOL, uint8_t, int64_t)
DEFINE_ARG_ALL(max)
DEFINE_ARG_ALL(min)

int gx_cpu_register_sort(gx_registry *r);

int gx_cpu_register_reduce(gx_registry *r)
{
#define REG_SUF(name, fnpre)                          \
    GX_REG(r, name, GX_FLOAT32, fnpre##_f32);         \
    GX_REG(r, name, GX_FLOAT64, fnpre##_f64);         \
    GX_REG(r, name, GX_FLOAT16, fnpre##_f16);         \
    GX_REG(r, name, GX_UINT8, fnpre##_u8);            \
    GX_REG(r, name, GX_INT8, fnpre##_i8);             \
    GX_REG(r, name, GX_INT32, fnpre##_i32);           \
    GX_REG(r, name, GX_INT64, fnpre##_i64);           \
    GX_REG(r, name, GX_BOOL, fnpre##_b);
    REG_SUF("sum", red_sum)
    REG_SUF("mean", red_mean)
    REG_SUF("nansum", red_nansum)
    REG_SUF("prod", red_prod)
    REG_SUF("nanprod", red_nanprod)
    REG_SUF("max", red_max)
    REG_SUF("min", red_min)
    REG_SUF("norm", red_norm)
    REG_SUF("argmax", argmax)
    REG_SUF("argmin", argmin)
    return gx_cpu_register_sort(r);
}
