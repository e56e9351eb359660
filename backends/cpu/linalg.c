/* CPU kernels: linalg family (see include/gluonx/attrs.h for the contracts).
 *
 * gemm: C = alpha * A @ Bm + beta * C on (B?, M, K) x (B?, K, N) -> (B?, M, N).
 * float32/float64 go to OpenBLAS (scipy-openblas32, prefixed symbols); a
 * transposed operand is a stride pattern turned into a BLAS trans flag.
 * Tiny products and the other dtypes use a plain C loop. */
#include <cblas.h>

#include "gx_cpu.h"
#include "threads.h"

/* One matrix operand: rows x cols, element strides. */
typedef struct {
    char *p;
    int64_t rows, cols, srow, scol, sbatch;
} mat;

/* Picks a BLAS layout for a row-major call: NoTrans when columns are unit
 * stride, Trans when rows are; ld is the other stride.  0 if neither. */
static int pick_layout(const mat *m, int *trans, int64_t *ld)
{
    int64_t r = m->rows, c = m->cols;
    if ((m->scol == 1 || c <= 1) && (r <= 1 || m->srow >= (c > 1 ? c : 1))) {
        *trans = 0;
        *ld = r <= 1 ? (c > 1 ? c : 1) : m->srow;
        return 1;
    }
    if ((m->srow == 1 || r <= 1) && (c <= 1 || m->scol >= (r > 1 ? r : 1))) {
        *trans = 1;
        *ld = c <= 1 ? (r > 1 ? r : 1) : m->scol;
        return 1;
    }
    return 0;
}

#define DEFINE_NAIVE(SUF, T, ACC)                                                   \
    static void naive_##SUF(const mat *a, const mat *b, const mat *c, int64_t K,    \
                            int64_t nb, double alpha, double beta)                  \
    {                                                                               \
        for (int64_t q = 0; q < nb; q++) {                                          \
            const T *A = (const T *)a->p + q * a->sbatch;                           \
            const T *B = (const T *)b->p + q * b->sbatch;                           \
            T *C = (T *)c->p + q * c->sbatch;                                       \
            for (int64_t i = 0; i < c->rows; i++)                                   \
                for (int64_t j = 0; j < c->cols; j++) {                             \
                    ACC s = 0;                                                      \
                    for (int64_t k = 0; k < K; k++)                                 \
                        s += (ACC)A[i * a->srow + k * a->scol] *                    \
                             (ACC)B[k * b->srow + j * b->scol];                     \
                    T *o = C + i * c->srow + j * c->scol;                           \
                    double v = alpha * (double)s;                                   \
                    if (beta != 0)                                                  \
                        v += beta * (double)*o;                                     \
                    *o = (T)v;                                                      \
                }                                                                   \
        }                                                                           \
    }
DEFINE_NAIVE(f32, float, float)
DEFINE_NAIVE(f64, double, double)
DEFINE_NAIVE(f16, gx_half, float)
DEFINE_NAIVE(u8, uint8_t, int64_t)
DEFINE_NAIVE(i8, int8_t, int64_t)
DEFINE_NAIVE(i32, int32_t, int64_t)
DEFINE_NAIVE(i64, int64_t, int64_t)
DEFINE_NAIVE(b, uint8_t, int64_t)

/* One row-major product for other kernels of this backend (conv.c):
 * C = alpha * op(A) @ op(B) + beta * C, op = transpose when ta / tb. */
void gx_cpu_gemm(int32_t dtype, int ta, int tb, int64_t M, int64_t N, int64_t K, double alpha,
                 const void *A, int64_t lda, const void *B, int64_t ldb, double beta, void *C,
                 int64_t ldc)
{
    mat a = {(char *)A, M, K, ta ? 1 : lda, ta ? lda : 1, 0};
    mat b = {(char *)B, K, N, tb ? 1 : ldb, tb ? ldb : 1, 0};
    mat c = {(char *)C, M, N, ldc, 1, 0};
    int blas = K > 0 && M * N * K > 4096 && M <= INT32_MAX && N <= INT32_MAX && K <= INT32_MAX;
    enum CBLAS_TRANSPOSE ta_ = ta ? CblasTrans : CblasNoTrans, tb_ = tb ? CblasTrans : CblasNoTrans;
    switch (dtype) {
    case GX_FLOAT32:
        if (blas)
            scipy_cblas_sgemm(CblasRowMajor, ta_, tb_, (blasint)M, (blasint)N, (blasint)K, (float)alpha,
                              (const float *)A, (blasint)lda, (const float *)B, (blasint)ldb,
                              (float)beta, (float *)C, (blasint)ldc);
        else
            naive_f32(&a, &b, &c, K, 1, alpha, beta);
        break;
    case GX_FLOAT64:
        if (blas)
            scipy_cblas_dgemm(CblasRowMajor, ta_, tb_, (blasint)M, (blasint)N, (blasint)K, alpha,
                              (const double *)A, (blasint)lda, (const double *)B, (blasint)ldb, beta,
                              (double *)C, (blasint)ldc);
        else
            naive_f64(&a, &b, &c, K, 1, alpha, beta);
        break;
    case GX_FLOAT16: naive_f16(&a, &b, &c, K, 1, alpha, beta); break;
    case GX_UINT8: naive_u8(&a, &b, &c, K, 1, alpha, beta); break;
    case GX_INT8: naive_i8(&a, &b, &c, K, 1, alpha, beta); break;
    case GX_INT32: naive_i32(&a, &b, &c, K, 1, alpha, beta); break;
    case GX_INT64: naive_i64(&a, &b, &c, K, 1, alpha, beta); break;
    default: naive_b(&a, &b, &c, K, 1, alpha, beta); break;
    }
}

/* Thread count of OpenBLAS's own pool, for kernels that run single-threaded
 * BLAS calls on several OpenMP threads at once (and for the gemm kernel's
 * choice per call, threads.h). */
int gx_cpu_blas_threads(int n)
{
    int prev = scipy_openblas_get_num_threads();
    if (n > 0)
        scipy_openblas_set_num_threads(n);
    return prev;
}

/* OpenBLAS's pool size as configured at the first product (OPENBLAS_NUM_THREADS
 * / OMP_NUM_THREADS): the most a product may use. */
static int blas_pool_size(void)
{
    static int n = 0;
    if (n == 0)
        n = scipy_openblas_get_num_threads();
    return n;
}

/* One product's thread count, chosen by load (threads.h); OpenBLAS is set to
 * it for the call (and back after, blas_threads_done). */
static int blas_threads_for(gx_adapt_site *site, double work, uint64_t key, gx_adapt_call *call)
{
    int all = blas_pool_size();
    int nt = gx_adapt_begin(site, work, key, all, call);
    if (nt != all)
        scipy_openblas_set_num_threads(nt);
    return nt;
}

static void blas_threads_done(gx_adapt_call *call, int nt)
{
    gx_adapt_end(call);
    if (nt != blas_pool_size())
        scipy_openblas_set_num_threads(blas_pool_size());
}

/* Reads the three views into mats; returns the batch count or -1. */
static int64_t read_views(gx_context *ctx, const gx_tensor *in, const gx_tensor *out,
                          mat *a, mat *b, mat *c, int64_t *K)
{
    const gx_tensor *ts[3] = {&in[0], &in[1], &out[0]};
    mat *ms[3] = {a, b, c};
    int nd = out[0].ndim;
    if (nd < 2 || nd > 3 || in[0].ndim != nd || in[1].ndim != nd) {
        ctx->set_error(ctx, "gemm expects 2-D or 3-D operands of equal ndim, got %d, %d, %d",
                       in[0].ndim, in[1].ndim, out[0].ndim);
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        const gx_tensor *t = ts[i];
        ms[i]->p = (char *)t->data;
        ms[i]->rows = t->shape[nd - 2];
        ms[i]->cols = t->shape[nd - 1];
        ms[i]->srow = t->strides[nd - 2];
        ms[i]->scol = t->strides[nd - 1];
        ms[i]->sbatch = nd == 3 ? t->strides[0] : 0;
    }
    int64_t nb = nd == 3 ? out[0].shape[0] : 1;
    if (a->rows != c->rows || b->cols != c->cols || a->cols != b->rows ||
        (nd == 3 && (in[0].shape[0] != nb || in[1].shape[0] != nb))) {
        ctx->set_error(ctx, "gemm: shapes do not match (A %lldx%lld, B %lldx%lld, C %lldx%lld)",
                       (long long)a->rows, (long long)a->cols, (long long)b->rows,
                       (long long)b->cols, (long long)c->rows, (long long)c->cols);
        return -1;
    }
    if (in[0].dtype != in[1].dtype || in[0].dtype != out[0].dtype) {
        ctx->set_error(ctx, "gemm: operand dtypes differ");
        return -1;
    }
    *K = a->cols;
    return nb;
}

static mat transposed(const mat *m)
{
    mat t = *m;
    t.rows = m->cols;
    t.cols = m->rows;
    t.srow = m->scol;
    t.scol = m->srow;
    return t;
}

/* float32 products go to gluonx's own AVX-512 GEMM where OpenBLAS runs
 * without AVX-512 (sgemm_avx512.c); 0: not taken, use BLAS. */
static int own_f32(gx_context *ctx, int threads, int ta, int tb, int64_t M, int64_t N, int64_t K, double alpha,
                   double beta, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
                   int64_t ldc)
{
    if (alpha != 1.0 || (beta != 0.0 && beta != 1.0))
        return 0;
    return gx_sgemm_avx512_gemm(ctx, threads, ta, tb, M, N, K, A, lda, B, ldb, beta == 1.0, C, ldc);
}

static int own_f64(gx_context *ctx, int threads, int ta, int tb, int64_t M, int64_t N, int64_t K, double alpha,
                   double beta, const double *A, int64_t lda, const double *B, int64_t ldb,
                   double *C, int64_t ldc)
{
    (void)ctx; (void)threads; (void)ta; (void)tb; (void)M; (void)N; (void)K; (void)alpha; (void)beta; (void)A;
    (void)lda; (void)B; (void)ldb; (void)C; (void)ldc;
    return 0;
}

#define DEFINE_BLAS_GEMM(SUF, T, PREFIX)                                                 \
    static int gemm_##SUF(gx_context *ctx, const gx_tensor *in, int32_t nin,             \
                          gx_tensor *out, int32_t nout, const void *attrs)               \
    {                                                                                    \
        const gx_gemm_attrs *at = (const gx_gemm_attrs *)attrs;                          \
        double alpha = at ? at->alpha : 1.0, beta = at ? at->beta : 0.0;                 \
        mat a, b, c;                                                                     \
        int64_t K;                                                                       \
        int64_t nb = read_views(ctx, in, out, &a, &b, &c, &K);                           \
        if (nb < 0)                                                                      \
            return GX_ERR_VALUE;                                                         \
        if (nb == 0 || c.rows == 0 || c.cols == 0)                                       \
            return GX_OK;                                                                \
        /* C with unit row stride: solve the transposed problem C' = B' A'. */           \
        if (!(c.scol == 1 || c.cols == 1) && (c.srow == 1 || c.rows == 1)) {             \
            mat ta = transposed(&b), tb = transposed(&a), tc = transposed(&c);           \
            a = ta; b = tb; c = tc;                                                      \
        }                                                                                \
        int tra, trb, trc;                                                               \
        int64_t lda, ldb, ldc;                                                           \
        int ok = K > 0 && pick_layout(&a, &tra, &lda) && pick_layout(&b, &trb, &ldb) &&  \
                 pick_layout(&c, &trc, &ldc) && !trc;                                    \
        int64_t M = c.rows, N = c.cols;                                                  \
        if (!ok || M * N * K <= 4096 || M > INT32_MAX || N > INT32_MAX || K > INT32_MAX) { \
            naive_##SUF(&a, &b, &c, K, nb, alpha, beta);                                 \
            return GX_OK;                                                                \
        }                                                                                \
        enum CBLAS_TRANSPOSE ta_ = tra ? CblasTrans : CblasNoTrans;                      \
        enum CBLAS_TRANSPOSE tb_ = trb ? CblasTrans : CblasNoTrans;                      \
        static gx_adapt_site site_ = {.periodic = 1}; /* short calls: cheap tries */      \
        gx_adapt_call call_;                                                             \
        int nt_ = blas_threads_for(&site_, (double)M * (double)N * (double)K * (double)nb, \
                                   gx_adapt_key(M, N, K, nb, tra * 2 + trb, 0), &call_); \
        for (int64_t q = 0; q < nb; q++) {                                               \
            const T *aq = (const T *)a.p + q * a.sbatch, *bq = (const T *)b.p + q * b.sbatch; \
            T *cq = (T *)c.p + q * c.sbatch;                                             \
            if (!own_##SUF(ctx, nt_, tra, trb, M, N, K, alpha, beta, aq, lda, bq, ldb, cq, ldc)) \
                PREFIX(CblasRowMajor, ta_, tb_, (blasint)M, (blasint)N, (blasint)K,      \
                       (T)alpha, aq, (blasint)lda, bq, (blasint)ldb, (T)beta, cq,        \
                       (blasint)ldc);                                                    \
        }                                                                                \
        blas_threads_done(&call_, nt_);                                                  \
        return GX_OK;                                                                    \
    }
DEFINE_BLAS_GEMM(f32, float, scipy_cblas_sgemm)
DEFINE_BLAS_GEMM(f64, double, scipy_cblas_dgemm)

#define DEFINE_PLAIN_GEMM(SUF)                                                           \
    static int gemm_##SUF(gx_context *ctx, const gx_tensor *in, int32_t nin,             \
                          gx_tensor *out, int32_t nout, const void *attrs)               \
    {                                                                                    \
        const gx_gemm_attrs *at = (const gx_gemm_attrs *)attrs;                          \
        mat a, b, c;                                                                     \
        int64_t K;                                                                       \
        int64_t nb = read_views(ctx, in, out, &a, &b, &c, &K);                           \
        if (nb < 0)                                                                      \
            return GX_ERR_VALUE;                                                         \
        naive_##SUF(&a, &b, &c, K, nb, at ? at->alpha : 1.0, at ? at->beta : 0.0);       \
        return GX_OK;                                                                    \
    }
DEFINE_PLAIN_GEMM(f16)
DEFINE_PLAIN_GEMM(u8)
DEFINE_PLAIN_GEMM(i8)
DEFINE_PLAIN_GEMM(i32)
DEFINE_PLAIN_GEMM(i64)
DEFINE_PLAIN_GEMM(b)

int gx_cpu_register_linalg(gx_registry *r)
{
    GX_REG(r, "gemm", GX_FLOAT32, gemm_f32);
    GX_REG(r, "gemm", GX_FLOAT64, gemm_f64);
    GX_REG(r, "gemm", GX_FLOAT16, gemm_f16);
    GX_REG(r, "gemm", GX_UINT8, gemm_u8);
    GX_REG(r, "gemm", GX_INT8, gemm_i8);
    GX_REG(r, "gemm", GX_INT32, gemm_i32);
    GX_REG(r, "gemm", GX_INT64, gemm_i64);
    GX_REG(r, "gemm", GX_BOOL, gemm_b);
    return GX_OK;
}
