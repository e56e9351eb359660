/* CPU kernels of convolution: conv_forward, conv_transpose and
 * conv_weight_grad (contracts in include/gluonx/attrs.h).
 *
 * All three are im2col + GEMM, run per group of images:
 *
 * - a group of g images is unrolled into one column matrix (C*K, g*L)
 *   (K = kernel positions, L = output positions), so that a layer with few
 *   output positions (ResNet's 4x4 maps) still gives BLAS a wide product;
 *   g = 1 wherever L alone is wide enough;
 * - the groups are split over the OpenMP threads, each running
 *   single-threaded BLAS on its own column buffer: a thread's im2col output
 *   is still in its cache when its GEMM reads it, and nothing synchronises
 *   between the two (OpenBLAS's own threading on per-image products of a
 *   CIFAR ResNet-18 reached 150-250 GFLOP/s; see benchmarks/bench_gluon.py).
 *   With fewer groups than threads (a single image) the groups run in turn
 *   and OpenBLAS threads each product itself.
 *
 * Every problem is seen as 3-D: 1-D and 2-D ones get leading spatial axes of
 * extent 1.  The kernels hold no shape logic beyond checking the views. */
#include <omp.h>

#include "gx_cpu.h"
#include "threads.h"

typedef struct {
    int64_t N, C, F, G;                /* images, image channels, filters, groups */
    int64_t in[3], out[3], k[3], s[3], d[3], p[3];
    int64_t plane_in; /* prod(in) */
    int64_t klen;     /* prod(k) */
    int64_t L;        /* prod(out) */
    int dtype, isz;
} geom;

/* Reads the geometry of a convolution from its image (N, C, *in), its small
 * side (N, F, *out) and its weight (F, C/G, *k). */
static int read_geom(gx_context *ctx, const char *name, const gx_tensor *img, const gx_tensor *sml,
                     const gx_tensor *w, const gx_conv_attrs *a, geom *g)
{
    if (!a || a->nsp < 1 || a->nsp > 3 || img->ndim != a->nsp + 2 || sml->ndim != img->ndim ||
        w->ndim != img->ndim) {
        ctx->set_error(ctx, "%s: expects (N, C, *spatial) arrays and a weight with 1-3 spatial axes",
                       name);
        return GX_ERR_VALUE;
    }
    if (!gx_is_contiguous(img) || !gx_is_contiguous(sml) || !gx_is_contiguous(w)) {
        ctx->set_error(ctx, "%s: operands must be contiguous", name);
        return GX_ERR_VALUE;
    }
    if (img->dtype != sml->dtype || img->dtype != w->dtype) {
        ctx->set_error(ctx, "%s: operand dtypes differ", name);
        return GX_ERR_TYPE;
    }
    g->N = img->shape[0];
    g->C = img->shape[1];
    g->F = sml->shape[1];
    g->G = a->groups > 0 ? a->groups : 1;
    if (sml->shape[0] != g->N || g->C % g->G || g->F % g->G || w->shape[0] != g->F ||
        w->shape[1] != g->C / g->G) {
        ctx->set_error(ctx, "%s: data, weight and output channels do not match (groups %lld)", name,
                       (long long)g->G);
        return GX_ERR_VALUE;
    }
    int lead = 3 - a->nsp;
    g->plane_in = g->klen = g->L = 1;
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
            if (g->k[i] < 1 || g->s[i] < 1 || g->d[i] < 1 || g->p[i] < 0 || g->out[i] < 0 ||
                sml->shape[2 + j] != g->out[i] || w->shape[2 + j] != g->k[i]) {
                ctx->set_error(ctx, "%s: kernel/stride/dilate/pad/output do not match on axis %d",
                               name, j);
                return GX_ERR_VALUE;
            }
        }
        g->plane_in *= g->in[i];
        g->klen *= g->k[i];
        g->L *= g->out[i];
    }
    g->dtype = img->dtype;
    g->isz = gx_itemsize[img->dtype];
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

/* im2col of one channel plane, output rows [r0, r1) only (a row is one
 * (o0, o1) pair: out[2] positions): kernel position kk's columns go to
 * col + kk * kstride.  col2im is its transpose, accumulating into the plane
 * x (the caller clears it).  axpy: y += x over n elements (the
 * weight-gradient partials of the threads).  Row loops are written out (no
 * memcpy / memset calls): ResNet's deepest maps have rows of 4. */
typedef struct {
    void (*im2col)(const geom *g, const void *x, void *col, int64_t kstride, int64_t r0, int64_t r1);
    void (*col2im)(const geom *g, const void *col, int64_t kstride, int64_t r0, int64_t r1, void *x);
    void (*axpy)(int64_t n, const void *x, void *y);
} plane_ops;

#define PLANE_KERNELS(FLAG, T, ACC)                                                         \
    __attribute__((optimize("no-tree-loop-distribute-patterns")))                          \
    static void im2col_##FLAG(const geom *g, const void *xv, void *colv, int64_t kstride,   \
                              int64_t r0, int64_t r1)                                       \
    {                                                                                       \
        const T *x = (const T *)xv;                                                         \
        int64_t OW = g->out[2], s2 = g->s[2], kk = 0;                                       \
        for (int64_t k0 = 0; k0 < g->k[0]; k0++)                                            \
        for (int64_t k1 = 0; k1 < g->k[1]; k1++)                                            \
        for (int64_t k2 = 0; k2 < g->k[2]; k2++, kk++) {                                    \
            T *col = (T *)colv + kk * kstride;                                              \
            int64_t off2 = k2 * g->d[2] - g->p[2], lo, hi;                                  \
            valid_range(off2, s2, g->in[2], OW, &lo, &hi);                                  \
            for (int64_t r = r0, o0 = r0 / g->out[1], o1 = r0 % g->out[1]; r < r1;          \
                 r++, o1 = o1 + 1 == g->out[1] ? 0 : o1 + 1, o0 += o1 == 0) {                \
                int64_t i0 = o0 * g->s[0] - g->p[0] + k0 * g->d[0];                         \
                int64_t i1 = o1 * g->s[1] - g->p[1] + k1 * g->d[1];                         \
                T *restrict dst = col;                                                      \
                col += OW;                                                                  \
                int inside = i0 >= 0 && i0 < g->in[0] && i1 >= 0 && i1 < g->in[1];         \
                int64_t l = inside ? lo : OW, h = inside ? hi : OW;                         \
                const T *restrict src = inside ? x + (i0 * g->in[1] + i1) * g->in[2] + off2 : x; \
                for (int64_t o = 0; o < l; o++)                                             \
                    dst[o] = 0;                                                             \
                if (s2 == 1) {                                                              \
                    for (int64_t o = l; o < h; o++)                                         \
                        dst[o] = src[o];                                                    \
                } else {                                                                    \
                    for (int64_t o = l; o < h; o++)                                         \
                        dst[o] = src[o * s2];                                               \
                }                                                                           \
                for (int64_t o = h > l ? h : l; o < OW; o++)                                \
                    dst[o] = 0;                                                             \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
                                                                                            \
    static void col2im_##FLAG(const geom *g, const void *colv, int64_t kstride, int64_t r0, \
                              int64_t r1, void *xv)                                         \
    {                                                                                       \
        T *x = (T *)xv;                                                                     \
        int64_t OW = g->out[2], s2 = g->s[2], kk = 0;                                       \
        for (int64_t k0 = 0; k0 < g->k[0]; k0++)                                            \
        for (int64_t k1 = 0; k1 < g->k[1]; k1++)                                            \
        for (int64_t k2 = 0; k2 < g->k[2]; k2++, kk++) {                                    \
            const T *col = (const T *)colv + kk * kstride;                                  \
            int64_t off2 = k2 * g->d[2] - g->p[2], lo, hi;                                  \
            valid_range(off2, s2, g->in[2], OW, &lo, &hi);                                  \
            for (int64_t r = r0, o0 = r0 / g->out[1], o1 = r0 % g->out[1]; r < r1;          \
                 r++, o1 = o1 + 1 == g->out[1] ? 0 : o1 + 1, o0 += o1 == 0) {                \
                int64_t i0 = o0 * g->s[0] - g->p[0] + k0 * g->d[0];                         \
                int64_t i1 = o1 * g->s[1] - g->p[1] + k1 * g->d[1];                         \
                const T *restrict src = col;                                                \
                col += OW;                                                                  \
                if (i0 < 0 || i0 >= g->in[0] || i1 < 0 || i1 >= g->in[1])                   \
                    continue;                                                               \
                T *restrict dst = x + (i0 * g->in[1] + i1) * g->in[2] + off2;               \
                if (s2 == 1) {                                                              \
                    for (int64_t o = lo; o < hi; o++)                                       \
                        dst[o] = (T)((ACC)dst[o] + (ACC)src[o]);                            \
                } else {                                                                    \
                    for (int64_t o = lo; o < hi; o++)                                       \
                        dst[o * s2] = (T)((ACC)dst[o * s2] + (ACC)src[o]);                  \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
                                                                                            \
    static void axpy_##FLAG(int64_t n, const void *xv, void *yv)                            \
    {                                                                                       \
        const T *restrict x = (const T *)xv;                                                \
        T *restrict y = (T *)yv;                                                            \
        for (int64_t i = 0; i < n; i++)                                                     \
            y[i] = (T)((ACC)y[i] + (ACC)x[i]);                                              \
    }
GX_FOR_ALL_TYPES(PLANE_KERNELS)

static const plane_ops *ops_of(int dtype)
{
#define OPS_ENTRY(FLAG, T, ACC) [FLAG] = {im2col_##FLAG, col2im_##FLAG, axpy_##FLAG},
    static const plane_ops table[GX_NUM_DTYPES] = {GX_FOR_ALL_TYPES(OPS_ENTRY)};
#undef OPS_ENTRY
    return &table[dtype];
}

/* ---- work split ---------------------------------------------------------- */

/* Groups of gsz images go to the threads.  A group of one image is walked in
 * blocks of `rows` output rows (about 256 columns), so that the block's
 * column matrix stays in the core's L2 cache between im2col and GEMM; a group
 * of several images (small maps) is one block of gsz * L columns. */
typedef struct {
    int64_t gsz;     /* images per group */
    int64_t ngroups;
    int64_t rows;    /* output rows per block when gsz == 1 */
    int64_t width;   /* columns of a block's column matrix, at most */
    int threads;     /* OpenMP threads over the groups (1: in turn) */
    int direct;      /* 1x1 kernel, stride 1, no pad, one image per group: no im2col */
    int one_thread;  /* the load made one thread faster: the products too run on one */
    gx_adapt_call call; /* the thread count's measurement: ended with gx_adapt_end */
} plan;

#define GX_CONV_BLOCK_COLS 256

/* group_cols: the GEMM width a group of small maps should reach. */
static plan make_plan(const geom *g, int64_t group_cols, gx_adapt_site *site)
{
    plan p;
    int nt = omp_get_max_threads();
    int64_t per_thread = (g->N + nt - 1) / nt;
    int64_t colimg = g->C * g->klen * g->L, R = g->out[0] * g->out[1], OW = g->out[2];
    int64_t gsz = (group_cols + g->L - 1) / g->L;
    if (gsz > per_thread)
        gsz = per_thread;
    if (gsz > 1 && gsz * colimg > ((int64_t)1 << 23)) /* 32 MiB of float32 per buffer */
        gsz = ((int64_t)1 << 23) / colimg;
    if (gsz < 1)
        gsz = 1;
    p.gsz = gsz;
    p.ngroups = (g->N + gsz - 1) / gsz;
    p.rows = gsz > 1 ? R : (GX_CONV_BLOCK_COLS + OW - 1) / OW;
    if (p.rows > R)
        p.rows = R;
    p.width = gsz > 1 ? gsz * g->L : p.rows * OW;
    double macs = (double)g->N * (double)g->F * (double)(g->C / g->G) * (double)g->klen * (double)g->L;
    /* below ~4 MMAC a parallel region's wake-up is not paid back */
    p.threads = (nt > 1 && p.ngroups >= 2 && macs > 4e6) ? (p.ngroups < nt ? (int)p.ngroups : nt) : 1;
    /* one thread or all, as the machine's load makes faster (threads.h) */
    int parallel = p.threads > 1;
    uint64_t key = gx_adapt_key(g->N, g->C, g->F, g->in[0] * g->in[1] * g->in[2], g->klen, g->s[1] * 64 + g->s[2]);
    p.threads = gx_adapt_begin(site, macs, key, p.threads, &p.call);
    p.one_thread = parallel && p.threads == 1;
    int unit = g->klen == 1;
    for (int i = 0; i < 3; i++)
        unit = unit && g->s[i] == 1 && g->p[i] == 0 && g->in[i] == g->out[i];
    p.direct = unit && gsz == 1;
    return p;
}

/* Per-thread scratch: up to SCRATCH_SLOTS buffers of the given sizes per
 * thread, in one block per thread. */
#define SCRATCH_SLOTS 5
typedef struct {
    char *base;
    size_t stride, off[SCRATCH_SLOTS];
} scratch;

static int thread_scratch(gx_context *ctx, const char *name, int threads, const size_t *sizes,
                          scratch *sc)
{
    size_t at = 0, total;
    for (int i = 0; i < SCRATCH_SLOTS; i++) {
        sc->off[i] = at;
        /* checked: buffer sizes are products of the geometry and could wrap to a small block */
        if (__builtin_add_overflow(sizes[i], (size_t)63, &total) ||
            __builtin_add_overflow(at, total & ~(size_t)63, &at)) {
            ctx->set_error(ctx, "%s: column buffers of more than 2^64 bytes", name);
            return GX_ERR_MEMORY;
        }
    }
    sc->stride = at ? at : 64;
    if (__builtin_mul_overflow(sc->stride, (size_t)threads, &total)) {
        ctx->set_error(ctx, "%s: column buffers of %zu bytes for each of %d threads pass 2^64 bytes", name,
                       sc->stride, threads);
        return GX_ERR_MEMORY;
    }
    sc->base = (char *)ctx->scratch_alloc(ctx, total);
    if (sc->base == NULL) {
        ctx->set_error(ctx, "%s: out of memory for %zu bytes of column buffers", name,
                       sc->stride * (size_t)threads);
        return GX_ERR_MEMORY;
    }
    return GX_OK;
}

static inline char *buf(const scratch *sc, int tid, int i) { return sc->base + tid * sc->stride + sc->off[i]; }

/* Copies g images' (rows, L) blocks into / out of one (rows, g*L) matrix. */
static void gather_group(const char *src, char *dst, int64_t gsz, int64_t rows, int64_t L, int isz)
{
    for (int64_t j = 0; j < gsz; j++)
        for (int64_t r = 0; r < rows; r++)
            memcpy(dst + (r * gsz * L + j * L) * isz, src + (j * rows * L + r * L) * isz,
                   (size_t)(L * isz));
}

static void scatter_group(const char *src, char *dst, int64_t gsz, int64_t rows, int64_t L, int isz)
{
    for (int64_t j = 0; j < gsz; j++)
        for (int64_t r = 0; r < rows; r++)
            memcpy(dst + (j * rows * L + r * L) * isz, src + (r * gsz * L + j * L) * isz,
                   (size_t)(L * isz));
}

/* im2col of images [n0, n0 + b), output rows [r0, r1), into col (C*K,
 * width): image j's block starts at column j * (r1 - r0) * out[2]. */
static void unroll(const geom *g, const plane_ops *ops, const char *x, int64_t n0, int64_t b,
                   int64_t r0, int64_t r1, char *col, int64_t width)
{
    int64_t nl = (r1 - r0) * g->out[2];
    for (int64_t j = 0; j < b; j++)
        for (int64_t c = 0; c < g->C; c++)
            ops->im2col(g, x + ((n0 + j) * g->C + c) * g->plane_in * g->isz,
                        col + (c * g->klen * width + j * nl) * g->isz, width, r0, r1);
}

/* The transpose of unroll, accumulating into images cleared beforehand. */
static void fold(const geom *g, const plane_ops *ops, const char *col, int64_t width, int64_t n0,
                 int64_t b, int64_t r0, int64_t r1, char *x)
{
    int64_t nl = (r1 - r0) * g->out[2];
    for (int64_t j = 0; j < b; j++)
        for (int64_t c = 0; c < g->C; c++)
            ops->col2im(g, col + (c * g->klen * width + j * nl) * g->isz, width, r0, r1,
                        x + ((n0 + j) * g->C + c) * g->plane_in * g->isz);
}

/* Runs the body for each group [n0, n0 + b) and each block of output rows
 * [r0, r1) of it, on thread tid, with single-threaded BLAS inside the
 * parallel region. */
#define RUN_BLOCKS(P, R, ...)                                                        \
    do {                                                                             \
        int nthr_ = (P).threads;                                                     \
        int one_ = nthr_ > 1 || (P).one_thread;                                      \
        int saved_ = one_ ? gx_cpu_blas_threads(1) : 0;                              \
        _Pragma("omp parallel num_threads(nthr_) if (nthr_ > 1)")                    \
        {                                                                            \
            int tid = omp_get_thread_num();                                          \
            _Pragma("omp for schedule(static)")                                      \
            for (int64_t grp = 0; grp < (P).ngroups; grp++) {                        \
                int64_t n0 = grp * (P).gsz;                                          \
                int64_t b = (P).gsz < g.N - n0 ? (P).gsz : g.N - n0;                 \
                for (int64_t r0 = 0; r0 < (R); r0 += (P).rows) {                     \
                    int64_t r1 = r0 + (P).rows < (R) ? r0 + (P).rows : (R);          \
                    int64_t nl = (r1 - r0) * g.out[2], wb = b * nl;                  \
                    (void)wb;                                                        \
                    __VA_ARGS__                                                      \
                }                                                                    \
            }                                                                        \
        }                                                                            \
        if (one_)                                                                    \
            gx_cpu_blas_threads(saved_);                                             \
    } while (0)

#define EL(p, i) ((p) + (int64_t)(i) * g.isz) /* element offset into a char pointer */

/* float32 on AVX-512: products through sgemm_avx512.c with the weight packed
 * once per call (ta: its transpose), shared by the threads; NULL otherwise. */
static int use_micro_kernel(const geom *g)
{
    return g->dtype == GX_FLOAT32 && gx_sgemm_avx512_available();
}

static float *packed_weight(gx_context *ctx, const geom *g, int ta, const char *w, size_t *per_group)
{
    if (!use_micro_kernel(g))
        return NULL;
    int64_t Fg = g->F / g->G, CKg = g->C / g->G * g->klen;
    int64_t M = ta ? CKg : Fg, K = ta ? Fg : CKg;
    *per_group = gx_sgemm_packed_a_floats(M, K);
    float *ap = (float *)ctx->scratch_alloc(ctx, *per_group * (size_t)g->G * sizeof(float));
    if (ap != NULL)
        for (int64_t gi = 0; gi < g->G; gi++)
            gx_sgemm_pack_a(ta, M, K, (const float *)w + gi * Fg * CKg, CKg, ap + gi * *per_group);
    return ap; /* NULL (out of memory): the BLAS path needs none */
}

/* What conv_forward and conv_transpose both set up for their weight
 * products (ta: with the weight transposed): the plan, the packed weight
 * (*ap, *pa floats per group; NULL on the BLAS path) and per-thread
 * scratch for a block's column matrix, a group's gathered small side and a
 * micro-kernel B panel (slots 0, 1 and 3). */
static int setup_weight_products(gx_context *ctx, const char *name, const geom *g, int ta,
                                 const char *w, gx_adapt_site *site, plan *p, float **ap, size_t *pa,
                                 scratch *sc)
{
    *p = make_plan(g, GX_CONV_BLOCK_COLS, site);
    *pa = 0;
    *ap = packed_weight(ctx, g, ta, w, pa);
    size_t sizes[SCRATCH_SLOTS] = {p->direct ? 0 : (size_t)(g->C * g->klen * p->width * g->isz),
                                   p->gsz > 1 ? (size_t)(g->F * p->width * g->isz) : 0, 0,
                                   *ap ? gx_sgemm_b_panel_floats() * sizeof(float) : 0, 0};
    return thread_scratch(ctx, name, p->threads, sizes, sc);
}

/* C (M x N) = op(w_g) @ B for one channel group (ta: the weight's transpose,
 * M = CKg): the packed micro-kernel when apg is the packed weight, else BLAS. */
static void weight_product(const geom *g, int ta, const float *apg, const char *wg, int64_t M,
                           int64_t N, int64_t K, const char *B, int64_t ldb, char *C, int64_t ldc,
                           float *bpanel)
{
    if (apg)
        gx_sgemm_packed(M, N, K, apg, 0, (const float *)B, ldb, 0, (float *)C, ldc, bpanel);
    else
        gx_cpu_gemm(g->dtype, ta, 0, M, N, K, 1.0, wg, ta ? M : K, B, ldb, 0.0, C, ldc);
}

/* Ungrouped 2-D 3x3 float32 kernels with stride and dilation 1 go to
 * conv_winograd_run.c (2.25x to 4x fewer multiplications).  The image gradient pads
 * by 2 - pad, so it needs pad <= 2. */
static int winograd_fits(const geom *g, int transpose)
{
    int fits = g->dtype == GX_FLOAT32 && g->G == 1 && g->in[0] == 1 && g->out[0] == 1 && g->k[0] == 1 &&
               g->k[1] == 3 && g->k[2] == 3;
    for (int i = 1; i < 3; i++)
        fits = fits && g->s[i] == 1 && g->d[i] == 1 && (!transpose || g->p[i] <= 2);
    return fits && (transpose ? gx_winograd_eligible(g->F, g->C) : gx_winograd_eligible(g->C, g->F));
}

/* ---- the three products -------------------------------------------------- */

/* y (N, F, *out) = conv(x (N, C, *in), w (F, C/G, *k)). */
static int conv_forward(gx_context *ctx, const gx_tensor *in, int32_t nin, gx_tensor *out,
                        int32_t nout, const void *attrs)
{
    geom g;
    if (nin != 2 || nout != 1)
        return ctx->set_error(ctx, "conv_forward expects (x, w) -> y"), GX_ERR_VALUE;
    int st = read_geom(ctx, "conv_forward", &in[0], &out[0], &in[1], (const gx_conv_attrs *)attrs, &g);
    if (st != GX_OK || g.N == 0 || g.F == 0 || g.L == 0)
        return st;
    const char *x = (const char *)in[0].data, *w = (const char *)in[1].data;
    char *y = (char *)out[0].data;
    if (winograd_fits(&g, 0))
        return gx_winograd_conv(ctx, "conv_forward", g.N, g.C, g.F, g.in[1], g.in[2], g.out[1],
                                g.out[2], g.p[1], g.p[2], (const float *)x, (const float *)w, 0,
                                (float *)y);
    const plane_ops *ops = ops_of(g.dtype);
    int64_t R = g.out[0] * g.out[1], Cg = g.C / g.G, Fg = g.F / g.G, CKg = Cg * g.klen;
    plan p;
    float *ap;
    size_t pa;
    scratch sc;
    static gx_adapt_site site;
    if ((st = setup_weight_products(ctx, "conv_forward", &g, 0, w, &site, &p, &ap, &pa, &sc)) != GX_OK)
        return st;
    RUN_BLOCKS(p, R, {
        char *col = buf(&sc, tid, 0), *tmp = buf(&sc, tid, 1);
        const char *B = col;
        int64_t ldb = p.width;
        if (p.direct) {
            B = EL(x, n0 * g.C * g.plane_in + r0 * g.out[2]);
            ldb = g.L;
        } else {
            unroll(&g, ops, x, n0, b, r0, r1, col, p.width);
        }
        char *C = p.gsz > 1 ? tmp : EL(y, n0 * g.F * g.L + r0 * g.out[2]);
        int64_t ldc = p.gsz > 1 ? wb : g.L;
        for (int64_t gi = 0; gi < g.G; gi++)
            weight_product(&g, 0, ap ? ap + gi * pa : NULL, EL(w, gi * Fg * CKg), Fg, wb, CKg,
                           EL(B, gi * CKg * ldb), ldb, EL(C, gi * Fg * ldc), ldc, (float *)buf(&sc, tid, 3));
        if (p.gsz > 1)
            scatter_group(tmp, EL(y, n0 * g.F * g.L), b, g.F, g.L, g.isz);
    });
    gx_adapt_end(&p.call);
    return GX_OK;
}

/* x (N, C, *in) = conv_transpose(y (N, F, *out), w (F, C/G, *k)): the
 * gradient of conv_forward with respect to its image, and Deconvolution. */
static int conv_transpose(gx_context *ctx, const gx_tensor *in, int32_t nin, gx_tensor *out,
                          int32_t nout, const void *attrs)
{
    geom g;
    if (nin != 2 || nout != 1)
        return ctx->set_error(ctx, "conv_transpose expects (y, w) -> x"), GX_ERR_VALUE;
    int st = read_geom(ctx, "conv_transpose", &out[0], &in[0], &in[1], (const gx_conv_attrs *)attrs, &g);
    if (st != GX_OK || g.N == 0 || g.C == 0)
        return st;
    char *x = (char *)out[0].data;
    if (g.F == 0 || g.L == 0) {
        memset(x, 0, (size_t)(g.N * g.C * g.plane_in * g.isz));
        return GX_OK;
    }
    const char *y = (const char *)in[0].data, *w = (const char *)in[1].data;
    if (winograd_fits(&g, 1)) /* the image gradient is a correlation with the flipped kernel */
        return gx_winograd_conv(ctx, "conv_transpose", g.N, g.F, g.C, g.out[1], g.out[2], g.in[1],
                                g.in[2], 2 - g.p[1], 2 - g.p[2], (const float *)y, (const float *)w, 1,
                                (float *)x);
    const plane_ops *ops = ops_of(g.dtype);
    int64_t R = g.out[0] * g.out[1], Cg = g.C / g.G, Fg = g.F / g.G, CKg = Cg * g.klen;
    plan p;
    float *ap;
    size_t pa;
    scratch sc;
    static gx_adapt_site site;
    if ((st = setup_weight_products(ctx, "conv_transpose", &g, 1, w, &site, &p, &ap, &pa, &sc)) != GX_OK)
        return st;
    size_t image_bytes = (size_t)(g.C * g.plane_in * g.isz);
    RUN_BLOCKS(p, R, {
        char *col = buf(&sc, tid, 0), *yg = buf(&sc, tid, 1);
        const char *B = EL(y, n0 * g.F * g.L + r0 * g.out[2]);
        int64_t ldb = g.L;
        if (p.gsz > 1) {
            gather_group(B, yg, b, g.F, g.L, g.isz);
            B = yg;
            ldb = wb;
        }
        if (r0 == 0 && !p.direct)
            memset(EL(x, n0 * g.C * g.plane_in), 0, image_bytes * (size_t)b);
        char *C = p.direct ? EL(x, n0 * g.C * g.plane_in + r0 * g.out[2]) : col;
        int64_t ldc = p.direct ? g.L : p.width;
        for (int64_t gi = 0; gi < g.G; gi++)
            weight_product(&g, 1, ap ? ap + gi * pa : NULL, EL(w, gi * Fg * CKg), CKg, wb, Fg,
                           EL(B, gi * Fg * ldb), ldb, EL(C, gi * CKg * ldc), ldc, (float *)buf(&sc, tid, 3));
        if (!p.direct)
            fold(&g, ops, col, p.width, n0, b, r0, r1, x);
    });
    gx_adapt_end(&p.call);
    return GX_OK;
}

/* dw (F, C/G, *k) = sum over images of dy @ im2col(x)^T, per group. */
static int conv_weight_grad(gx_context *ctx, const gx_tensor *in, int32_t nin, gx_tensor *out,
                            int32_t nout, const void *attrs)
{
    geom g;
    if (nin != 2 || nout != 1)
        return ctx->set_error(ctx, "conv_weight_grad expects (x, dy) -> dw"), GX_ERR_VALUE;
    int st = read_geom(ctx, "conv_weight_grad", &in[0], &in[1], &out[0], (const gx_conv_attrs *)attrs, &g);
    if (st != GX_OK)
        return st;
    int64_t Cg = g.C / g.G, Fg = g.F / g.G, CKg = Cg * g.klen, nw = g.F * CKg;
    char *dw = (char *)out[0].data;
    memset(dw, 0, (size_t)(nw * g.isz));
    if (g.N == 0 || g.L == 0 || nw == 0)
        return GX_OK;
    if (winograd_fits(&g, 0))
        return gx_winograd_weight_grad(ctx, g.N, g.C, g.F, g.in[1], g.in[2], g.out[1], g.out[2],
                                       g.p[1], g.p[2], (const float *)in[0].data,
                                       (const float *)in[1].data, (float *)dw);
    const plane_ops *ops = ops_of(g.dtype);
    static gx_adapt_site site;
    plan p = make_plan(&g, 4 * GX_CONV_BLOCK_COLS, &site); /* the product's depth: wider pays here */
    int64_t R = g.out[0] * g.out[1];
    int fast = use_micro_kernel(&g);
    size_t sizes[SCRATCH_SLOTS] = {p.direct ? 0 : (size_t)(g.C * g.klen * p.width * g.isz),
                                   p.gsz > 1 ? (size_t)(g.F * p.width * g.isz) : 0,
                                   p.threads > 1 ? (size_t)(nw * g.isz) : 0,
                                   fast ? gx_sgemm_b_panel_floats() * sizeof(float) : 0,
                                   fast ? gx_sgemm_packed_a_floats(Fg, p.width) * sizeof(float) : 0};
    scratch sc;
    if ((st = thread_scratch(ctx, "conv_weight_grad", p.threads, sizes, &sc)) != GX_OK)
        return st;
    const char *x = (const char *)in[0].data, *dy = (const char *)in[1].data;
    /* thread 0 accumulates into dw itself; the others into zeroed partials */
    for (int t = 1; t < p.threads; t++)
        memset(buf(&sc, t, 2), 0, sizes[2]);
    RUN_BLOCKS(p, R, {
        char *col = buf(&sc, tid, 0), *yg = buf(&sc, tid, 1);
        char *acc = tid == 0 ? dw : buf(&sc, tid, 2);
        const char *A = EL(dy, n0 * g.F * g.L + r0 * g.out[2]), *B = col;
        int64_t lda = g.L, ldb = p.width;
        if (p.gsz > 1) {
            gather_group(A, yg, b, g.F, g.L, g.isz);
            A = yg;
            lda = wb;
        }
        if (p.direct) {
            B = EL(x, n0 * g.C * g.plane_in + r0 * g.out[2]);
            ldb = g.L;
        } else {
            unroll(&g, ops, x, n0, b, r0, r1, col, p.width);
        }
        for (int64_t gi = 0; gi < g.G; gi++)
            if (fast) {
                float *ap = (float *)buf(&sc, tid, 4);
                gx_sgemm_pack_a(0, Fg, wb, (const float *)EL(A, gi * Fg * lda), lda, ap);
                gx_sgemm_packed(Fg, CKg, wb, ap, 1, (const float *)EL(B, gi * CKg * ldb), ldb, 1,
                                (float *)EL(acc, gi * Fg * CKg), CKg, (float *)buf(&sc, tid, 3));
            } else {
                gx_cpu_gemm(g.dtype, 0, 1, Fg, CKg, wb, 1.0, EL(A, gi * Fg * lda), lda,
                            EL(B, gi * CKg * ldb), ldb, 1.0, EL(acc, gi * Fg * CKg), CKg);
            }
    });
    for (int t = 1; t < p.threads; t++)
        ops->axpy(nw, buf(&sc, t, 2), dw);
    gx_adapt_end(&p.call);
    return GX_OK;
}

int gx_cpu_register_pool(gx_registry *r);

/* The convolution family: the three products here, pooling in pool.c. */
int gx_cpu_register_conv(gx_registry *r)
{
#define REG_CONV(FLAG, T, ACC)                                  \
    GX_REG(r, "conv_forward", FLAG, conv_forward);              \
    GX_REG(r, "conv_transpose", FLAG, conv_transpose);          \
    GX_REG(r, "conv_weight_grad", FLAG, conv_weight_grad);
    GX_FOR_ALL_TYPES(REG_CONV)
    return gx_cpu_register_pool(r);
}
