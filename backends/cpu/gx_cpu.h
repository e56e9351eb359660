/* Shared helpers of the CPU backend: dtype fan-out macros, the strided row
 * iterator and the OpenMP threshold.  The backend holds no shape logic: the
 * core hands every kernel complete views (see include/gluonx/attrs.h). */
#ifndef GX_CPU_H
#define GX_CPU_H

#include <stdint.h>
#include <string.h>

#include <gluonx/attrs.h>
#include <gluonx/plugin.h>

/* Loops over fewer elements than this run on one thread.  Measured on the
 * 2-core machine: a 1M-element add or exp ran faster and steadier on one
 * thread (AVX2 loop, ~105 us) than on two (120-160 us, sleeping workers);
 * memory bandwidth, not arithmetic, bounds these loops. */
#ifndef GX_OMP_MIN_ELEMS
#define GX_OMP_MIN_ELEMS (1 << 22)
#endif

#define GX_CPU_MAX_OPS 4

/* Hot loops are compiled twice, for AVX2 and for baseline x86-64, and the
 * loader picks one (an ifunc): wheels stay portable, yet a 1M-element add
 * runs at the speed of NumPy's hand-dispatched loops. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GX_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define GX_SIMD_CLONES
#endif

typedef _Float16 gx_half;

static const int gx_itemsize[GX_NUM_DTYPES] = {4, 8, 2, 1, 4, 1, 8, 1};

/* One registration function per source file; register.c calls them all. */
int gx_cpu_register_elemwise(gx_registry *r);
int gx_cpu_register_reduce(gx_registry *r);
int gx_cpu_register_linalg(gx_registry *r);
int gx_cpu_register_index(gx_registry *r);
int gx_cpu_register_random(gx_registry *r);
int gx_cpu_register_scatter(gx_registry *r);
int gx_cpu_register_conv(gx_registry *r);
int gx_cpu_register_nn(gx_registry *r);
int gx_cpu_register_softmax(gx_registry *r);
int gx_cpu_register_optimizer(gx_registry *r);
int gx_cpu_register_ctc(gx_registry *r);
int gx_cpu_register_fused(gx_registry *r);

/* linalg.c: one row-major GEMM of any dtype (BLAS for float32/float64), and
 * OpenBLAS's pool size (set to n when n > 0; returns the previous size). */
void gx_cpu_gemm(int32_t dtype, int ta, int tb, int64_t M, int64_t N, int64_t K, double alpha,
                 const void *A, int64_t lda, const void *B, int64_t ldb, double beta, void *C,
                 int64_t ldc);
int gx_cpu_blas_threads(int n);

/* sgemm_avx512.c: single-threaded float32 GEMM with a packed left operand,
 * for AVX-512 CPUs.  Packed A: panels of GX_SGEMM_MR rows, [M/MR][K][MR];
 * packed B: panels of GX_SGEMM_NR columns, [N/NR][K][NR]. */
#define GX_SGEMM_MR 12
#define GX_SGEMM_NR 32
int gx_sgemm_avx512_cpu(void);       /* the CPU runs AVX-512 (the micro-kernel works) */
int gx_sgemm_avx512_available(void); /* ... and convolution's im2col path should use it */
size_t gx_sgemm_packed_a_floats(int64_t M, int64_t K);
size_t gx_sgemm_packed_b_floats(int64_t N, int64_t K);
size_t gx_sgemm_b_panel_floats(void);
void gx_sgemm_pack_a(int ta, int64_t M, int64_t K, const float *A, int64_t lda, float *Ap);
void gx_sgemm_packed(int64_t M, int64_t N, int64_t K, const float *Ap, int tb, const float *B,
                     int64_t ldb, int accum, float *C, int64_t ldc, float *bpanel);
void gx_sgemm_prepacked(int64_t M, int64_t N, int64_t K, const float *Ap, const float *Bp,
                        int accum, float *C, int64_t ldc);
int gx_sgemm_avx512_gemm(gx_context *ctx, int threads, int ta, int tb, int64_t M, int64_t N, int64_t K,
                         const float *A, int64_t lda, const float *B, int64_t ldb, int accum,
                         float *C, int64_t ldc);

/* conv_winograd_run.c: y (N, F, OH, OW) = 3x3 stride-1 correlation of x (N,
 * C, H, W) zero-padded by (ph, pw), by Winograd F(4x4, 3x3) or F(2x2, 3x3).
 * flip: the kernel is w (C, F, 3, 3) transposed and rotated by 180 degrees
 * (the image gradient / Deconvolution); else w is (F, C, 3, 3). */
int gx_winograd_eligible(int64_t C, int64_t F);
int gx_winograd_conv(gx_context *ctx, const char *name, int64_t N, int64_t C, int64_t F, int64_t H,
                     int64_t W, int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                     const float *w, int flip, float *y);
/* dw (F, C, 3, 3) of that correlation (flip 0) from x and dy (N, F, OH, OW). */
int gx_winograd_weight_grad(gx_context *ctx, int64_t N, int64_t C, int64_t F, int64_t H, int64_t W,
                            int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                            const float *dy, float *dw);

#define GX_REG(r, name, dtype, fn)                                         \
    do {                                                                   \
        int st_ = (r)->register_kernel((r), (name), GX_DEV_CPU, (dtype), (fn)); \
        if (st_ != GX_OK) return st_;                                      \
    } while (0)

/* ---- dtype fan-out --------------------------------------------------------
 * X(GX_FLAG, ctype, compute_type) for each dtype.  Kernels instantiate a
 * template macro per dtype instead of copying loops. */
#define GX_FOR_FLOAT_TYPES(X)        \
    X(GX_FLOAT32, float, float)      \
    X(GX_FLOAT64, double, double)    \
    X(GX_FLOAT16, gx_half, float)

#define GX_FOR_INT_TYPES(X)          \
    X(GX_UINT8, uint8_t, int64_t)    \
    X(GX_INT8, int8_t, int64_t)      \
    X(GX_INT32, int32_t, int64_t)    \
    X(GX_INT64, int64_t, int64_t)

#define GX_FOR_ALL_TYPES(X)          \
    GX_FOR_FLOAT_TYPES(X)            \
    GX_FOR_INT_TYPES(X)              \
    X(GX_BOOL, uint8_t, int64_t)

/* The same list again, for use inside an expansion of GX_FOR_ALL_TYPES (a
 * macro cannot expand itself). */
#define GX_FOR_ALL_TYPES_INNER(X)    \
    X(GX_FLOAT32, float, float)      \
    X(GX_FLOAT64, double, double)    \
    X(GX_FLOAT16, gx_half, float)    \
    X(GX_UINT8, uint8_t, int64_t)    \
    X(GX_INT8, int8_t, int64_t)      \
    X(GX_INT32, int32_t, int64_t)    \
    X(GX_INT64, int64_t, int64_t)    \
    X(GX_BOOL, uint8_t, int64_t)

/* ---- strided rows -----------------------------------------------------------
 * Operands that share one shape are walked row by row: a row is the
 * innermost axis.  The core has already merged contiguous axes, so a
 * contiguous operand set is a single row. */
typedef struct {
    int ndim;
    int nops;
    int64_t nrows;                               /* product of outer extents */
    int64_t len;                                 /* innermost extent */
    const int64_t *shape;
    char *base[GX_CPU_MAX_OPS];
    int64_t bstride[GX_CPU_MAX_OPS][GX_MAX_NDIM]; /* bytes */
} gx_rows;

/* `ts[k]` are the operands; all must have ts[0]'s shape. */
static inline void gx_rows_init(gx_rows *it, int nops, const gx_tensor *const *ts)
{
    it->ndim = ts[0]->ndim;
    it->nops = nops;
    it->shape = ts[0]->shape;
    it->len = it->ndim ? ts[0]->shape[it->ndim - 1] : 1;
    it->nrows = 1;
    for (int d = 0; d + 1 < it->ndim; d++)
        it->nrows *= ts[0]->shape[d];
    for (int k = 0; k < nops; k++) {
        int isz = gx_itemsize[ts[k]->dtype];
        it->base[k] = (char *)ts[k]->data;
        for (int d = 0; d < it->ndim; d++)
            it->bstride[k][d] = ts[k]->strides[d] * isz;
    }
}

/* Byte stride of operand k along the row. */
static inline int64_t gx_rows_inner(const gx_rows *it, int k)
{
    return it->ndim ? it->bstride[k][it->ndim - 1] : 0;
}

/* Start pointers of row `row` for every operand. */
static inline void gx_rows_ptrs(const gx_rows *it, int64_t row, char **p)
{
    for (int k = 0; k < it->nops; k++)
        p[k] = it->base[k];
    for (int d = it->ndim - 2; d >= 0 && row; d--) {
        int64_t ext = it->shape[d];
        int64_t i = row % ext;
        row /= ext;
        for (int k = 0; k < it->nops; k++)
            p[k] += i * it->bstride[k][d];
    }
}

/* Writes index `idx` converted to `dtype` (argmax, topk: MXNet returns
 * indices as float32 by default). */
static inline void gx_store_index(void *p, int dtype, int64_t idx)
{
    switch (dtype) {
    case GX_FLOAT32: *(float *)p = (float)idx; break;
    case GX_FLOAT64: *(double *)p = (double)idx; break;
    case GX_FLOAT16: *(gx_half *)p = (gx_half)(float)idx; break;
    case GX_UINT8: case GX_BOOL: *(uint8_t *)p = (uint8_t)idx; break;
    case GX_INT8: *(int8_t *)p = (int8_t)idx; break;
    case GX_INT32: *(int32_t *)p = (int32_t)idx; break;
    case GX_INT64: *(int64_t *)p = idx; break;
    }
}

static inline int64_t gx_numel(const gx_tensor *t)
{
    int64_t n = 1;
    for (int d = 0; d < t->ndim; d++)
        n *= t->shape[d];
    return n;
}

static inline int gx_is_contiguous(const gx_tensor *t)
{
    int64_t s = 1;
    for (int d = t->ndim - 1; d >= 0; d--) {
        if (t->shape[d] != 1 && t->strides[d] != s)
            return 0;
        s *= t->shape[d];
    }
    return 1;
}

#endif
