/* float32 GEMM for AVX-512 CPUs, used where OpenBLAS itself runs without
 * AVX-512 (see gx_sgemm_avx512_available): by convolution (conv.c, one
 * single-threaded product per thread on cache-resident blocks; Winograd's
 * 16 products in conv_winograd.c) and by the gemm kernel (linalg.c, through
 * gx_sgemm_avx512_gemm on all threads).
 *
 * The micro-kernel alone reaches ~245 GFLOP/s per Zen 5 core on
 * (64 x 576) @ (576 x 256), against ~120 for OpenBLAS's AVX2 kernels.
 * GLUONX_SGEMM=blas or =avx512 forces either path (tests use it).
 *
 * Layout: A is packed into panels of MR = 12 rows ([panel][k][12], zero rows
 * past M); B is packed one panel of NR = 32 columns at a time ([k][32]) for a
 * block of KC depths, and stays in L1 while every A panel passes over it.
 * The 12 x 32 micro-tile of C lives in 24 zmm registers. */
#include <omp.h>
#include <stdlib.h>

#include "gx_cpu.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include "simd_avx512.h"

#define MR GX_SGEMM_MR
#define NR GX_SGEMM_NR
#define KC 256
#define NC 256 /* a (KC x NC) block of B, 256 KiB, stays in L2 */


char *scipy_openblas_get_corename(void);

/* Used where the CPU has AVX-512 but OpenBLAS runs kernels without it (a
 * model it does not know, or OPENBLAS_CORETYPE pinned to an older one):
 * measured on Zen 5, a CIFAR ResNet-18's convolutions took 115 ms here
 * against 170 ms with OpenBLAS's Haswell kernels, and 105 ms with its
 * SkylakeX kernels, which are then kept. */
int gx_sgemm_avx512_cpu(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

int gx_sgemm_avx512_available(void)
{
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        const char *force = getenv("GLUONX_SGEMM");
        const char *core = scipy_openblas_get_corename();
        int blas512 = core && (strstr(core, "kylake") || strstr(core, "ooperlake") ||
                               strstr(core, "apphire") || strstr(core, "Zen4") ||
                               strstr(core, "Zen5"));
        cached = __builtin_cpu_supports("avx512f") && !blas512 ? 1 : 0;
        if (force && strcmp(force, "blas") == 0)
            cached = 0;
        else if (force && strcmp(force, "avx512") == 0)
            cached = __builtin_cpu_supports("avx512f") ? 1 : 0;
    }
    return cached;
}

size_t gx_sgemm_packed_a_floats(int64_t M, int64_t K) { return (size_t)((M + MR - 1) / MR) * MR * K; }

size_t gx_sgemm_b_panel_floats(void) { return (size_t)KC * NC; }

size_t gx_sgemm_packed_b_floats(int64_t N, int64_t K) { return (size_t)((N + NR - 1) / NR) * NR * K; }

/* Rows [0, nrows) of a row-major matrix (stride lds; nrows <= lanes), depths
 * [0, kb) from src, into dst[k * lanes + row], rows past nrows zero: the
 * packing of a transposed operand, 16 x 16 blocks at a time. */
AVX512 static void pack_transposed(const float *src, int64_t lds, int64_t nrows, int64_t kb,
                                   int lanes, float *dst)
{
    for (int h = 0; h < lanes; h += 16) {
        int width = lanes - h < 16 ? lanes - h : 16;
        __mmask16 keep = (__mmask16)((1u << width) - 1);
        for (int64_t k = 0; k < kb; k += 16) {
            int64_t nk = kb - k < 16 ? kb - k : 16;
            __mmask16 mk = (__mmask16)((1u << nk) - 1);
            __m512 r[16];
            for (int c = 0; c < 16; c++)
                r[c] = h + c < nrows ? _mm512_maskz_loadu_ps(mk, src + (h + c) * lds + k)
                                     : _mm512_setzero_ps();
            gx_transpose16(r);
            for (int64_t q = 0; q < nk; q++)
                _mm512_mask_storeu_ps(dst + (k + q) * lanes + h, keep, r[q]);
        }
    }
}

/* op(A) (M x K) into panels; ta: A is stored K x M. */
void gx_sgemm_pack_a(int ta, int64_t M, int64_t K, const float *A, int64_t lda, float *Ap)
{
    for (int64_t i0 = 0; i0 < M; i0 += MR) {
        float *dst = Ap + (i0 / MR) * K * MR;
        int64_t mr = M - i0 < MR ? M - i0 : MR;
        if (ta) {
            for (int64_t k = 0; k < K; k++) {
                const float *src = A + k * lda + i0;
                for (int64_t r = 0; r < mr; r++)
                    dst[k * MR + r] = src[r];
                for (int64_t r = mr; r < MR; r++)
                    dst[k * MR + r] = 0.0f;
            }
        } else {
            pack_transposed(A + i0 * lda, lda, mr, K, MR, dst);
        }
    }
}

/* Columns [j0, j0 + nr) and depths [k0, k0 + kb) of op(B) into [k][32]. */
static void pack_b_panel(int tb, const float *B, int64_t ldb, int64_t k0, int64_t kb, int64_t j0,
                         int64_t nr, float *dst)
{
    if (tb) { /* B stored N x K */
        pack_transposed(B + j0 * ldb + k0, ldb, nr, kb, NR, dst);
    } else {
        for (int64_t k = 0; k < kb; k++) {
            const float *src = B + (k0 + k) * ldb + j0;
            float *d = dst + k * NR;
            for (int64_t c = 0; c < nr; c++)
                d[c] = src[c];
            for (int64_t c = nr; c < NR; c++)
                d[c] = 0.0f;
        }
    }
}

/* C[mr x nr] (+)= Ap (kb x 12) . Bp (kb x 32); full tiles go straight to C. */
AVX512 static void micro_tile(int64_t kb, const float *restrict Ap, const float *restrict Bp,
                              float *restrict C, int64_t ldc, int accum, int64_t mr, int64_t nr)
{
    __m512 c[MR][2];
    float edge[MR * NR];
    int full = mr == MR && nr == NR;
    float *out = full ? C : edge;
    int64_t ldo = full ? ldc : NR;
    if (!full) {
        for (int64_t r = 0; r < MR; r++)
            for (int64_t q = 0; q < NR; q++)
                edge[r * NR + q] = accum && r < mr && q < nr ? C[r * ldc + q] : 0.0f;
    }
    if (accum || !full) {
        for (int r = 0; r < MR; r++) {
            c[r][0] = _mm512_loadu_ps(out + r * ldo);
            c[r][1] = _mm512_loadu_ps(out + r * ldo + 16);
        }
    } else {
        for (int r = 0; r < MR; r++)
            c[r][0] = c[r][1] = _mm512_setzero_ps();
    }
    for (int64_t k = 0; k < kb; k++) {
        __m512 b0 = _mm512_load_ps(Bp + k * NR), b1 = _mm512_load_ps(Bp + k * NR + 16);
#pragma GCC unroll 12
        for (int r = 0; r < MR; r++) {
            __m512 a = _mm512_set1_ps(Ap[k * MR + r]);
            c[r][0] = _mm512_fmadd_ps(a, b0, c[r][0]);
            c[r][1] = _mm512_fmadd_ps(a, b1, c[r][1]);
        }
    }
    for (int r = 0; r < MR; r++) {
        _mm512_storeu_ps(out + r * ldo, c[r][0]);
        _mm512_storeu_ps(out + r * ldo + 16, c[r][1]);
    }
    if (!full)
        for (int64_t r = 0; r < mr; r++)
            for (int64_t q = 0; q < nr; q++)
                C[r * ldc + q] = edge[r * NR + q];
}

/* One depth block [k0, k0 + kb) of C (M x N) (+)= Ap . B over panels
 * already packed as [N/32][kb][32] (panel stride bstride floats): each A
 * micro-panel (L1) runs over every B panel (L2). */
static void run_depth_block(int64_t M, int64_t N, int64_t K, int64_t k0, int64_t kb, const float *Ap,
                            const float *Bp, int64_t bstride, int accum, float *C, int64_t ldc)
{
    for (int64_t i0 = 0; i0 < M; i0 += MR) {
        int64_t mr = M - i0 < MR ? M - i0 : MR;
        const float *a = Ap + (i0 / MR) * K * MR + k0 * MR;
        for (int64_t j0 = 0; j0 < N; j0 += NR)
            micro_tile(kb, a, Bp + (j0 / NR) * bstride, C + i0 * ldc + j0, ldc, accum, mr,
                       N - j0 < NR ? N - j0 : NR);
    }
}

static void clear_rows(int64_t M, int64_t N, float *C, int64_t ldc)
{
    for (int64_t i = 0; i < M; i++)
        memset(C + i * ldc, 0, (size_t)N * sizeof(float));
}

/* C (M x N, ldc) = Ap . op(B) (+ C when accum), Ap from gx_sgemm_pack_a with
 * the same M and K; bpanel: gx_sgemm_b_panel_floats() floats, 64-byte
 * aligned.  Loops: depth blocks of KC, column blocks of NC packed into
 * bpanel (L2), then each A micro-panel (L1) over the block's B panels. */
void gx_sgemm_packed(int64_t M, int64_t N, int64_t K, const float *Ap, int tb, const float *B,
                     int64_t ldb, int accum, float *C, int64_t ldc, float *bpanel)
{
    if (K == 0 && !accum)
        clear_rows(M, N, C, ldc);
    for (int64_t k0 = 0; k0 < K; k0 += KC) {
        int64_t kb = K - k0 < KC ? K - k0 : KC;
        for (int64_t jc = 0; jc < N; jc += NC) {
            int64_t nc = N - jc < NC ? N - jc : NC;
            for (int64_t j0 = 0; j0 < nc; j0 += NR)
                pack_b_panel(tb, B, ldb, k0, kb, jc + j0, nc - j0 < NR ? nc - j0 : NR,
                             bpanel + j0 * kb);
            run_depth_block(M, nc, K, k0, kb, Ap, bpanel, kb * NR, accum || k0 > 0, C + jc, ldc);
        }
    }
}

/* C (M x N, ldc) = Ap . B (+ C when accum), B already packed as
 * gx_sgemm_packed_b_floats(N, K) floats: [N/32 panels][K][32], lanes past N
 * zero (the caller's transform writes B straight in this layout). */
void gx_sgemm_prepacked(int64_t M, int64_t N, int64_t K, const float *Ap, const float *Bp,
                        int accum, float *C, int64_t ldc)
{
    if (K == 0 && !accum)
        clear_rows(M, N, C, ldc);
    for (int64_t k0 = 0; k0 < K; k0 += KC)
        run_depth_block(M, N, K, k0, K - k0 < KC ? K - k0 : KC, Ap, Bp + k0 * NR, K * NR,
                        accum || k0 > 0, C, ldc);
}

/* C (M x N, ldc) = op(A) . op(B) (+ C when accum) on the OpenMP threads: the
 * gemm kernel's float32 path (linalg.c) where OpenBLAS runs without AVX-512
 * (gx_sgemm_avx512_available).  A is packed once, in parallel; then each
 * thread takes a run of column panels (or of row panels, when C has few
 * columns), on `threads` threads (<= 0: all).  Returns 0, having done
 * nothing, where it does not apply (small products, inside a parallel
 * region, no scratch memory): the caller uses BLAS. */
int gx_sgemm_avx512_gemm(gx_context *ctx, int threads, int ta, int tb, int64_t M, int64_t N,
                         int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, int accum,
                         float *C, int64_t ldc)
{
    /* below 2^24 multiply-adds OpenBLAS's AVX2 kernels were faster: MLP
     * 784-256-256-10 training at batch 64 ran at 58k samples/s with every
     * product here against 68k with BLAS (at batch 512: 165k against 117k;
     * DEVELOPERS.md, "Threads") */
    if (!gx_sgemm_avx512_available() || omp_in_parallel() || K == 0 ||
        (double)M * (double)N * (double)K < (double)(1 << 24))
        return 0;
    int64_t mpanels = (M + MR - 1) / MR, npanels = (N + NR - 1) / NR;
    int nt = threads > 0 ? threads : omp_get_max_threads();
    float *Ap = (float *)ctx->scratch_alloc(ctx, gx_sgemm_packed_a_floats(M, K) * sizeof(float));
    float *bp = (float *)ctx->scratch_alloc(ctx, gx_sgemm_b_panel_floats() * (size_t)nt * sizeof(float));
    if (Ap == NULL || bp == NULL)
        return 0;
    int by_cols = npanels >= nt || npanels >= mpanels;
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        int tid = omp_get_thread_num(), n = omp_get_num_threads();
#pragma omp for schedule(static)
        for (int64_t pi = 0; pi < mpanels; pi++) {
            int64_t i0 = pi * MR;
            gx_sgemm_pack_a(ta, M - i0 < MR ? M - i0 : MR, K, ta ? A + i0 : A + i0 * lda, lda,
                            Ap + pi * K * MR);
        }
        float *panel = bp + (size_t)tid * gx_sgemm_b_panel_floats();
        if (by_cols) {
            int64_t per = (npanels + n - 1) / n * NR, j0 = tid * per;
            int64_t nj = N - j0 < per ? N - j0 : per;
            if (nj > 0)
                gx_sgemm_packed(M, nj, K, Ap, tb, tb ? B + j0 * ldb : B + j0, ldb, accum, C + j0,
                                ldc, panel);
        } else {
            int64_t per = (mpanels + n - 1) / n, p0 = tid * per;
            int64_t mi = M - p0 * MR < per * MR ? M - p0 * MR : per * MR;
            if (mi > 0)
                gx_sgemm_packed(mi, N, K, Ap + p0 * K * MR, tb, B, ldb, accum, C + p0 * MR * ldc,
                                ldc, panel);
        }
    }
    return 1;
}

#else

int gx_sgemm_avx512_cpu(void) { return 0; }
int gx_sgemm_avx512_available(void) { return 0; }
size_t gx_sgemm_packed_a_floats(int64_t M, int64_t K) { return (size_t)(M * K); }
size_t gx_sgemm_b_panel_floats(void) { return 0; }
size_t gx_sgemm_packed_b_floats(int64_t N, int64_t K) { return (size_t)(N * K); }
void gx_sgemm_pack_a(int ta, int64_t M, int64_t K, const float *A, int64_t lda, float *Ap)
{
    (void)ta; (void)M; (void)K; (void)A; (void)lda; (void)Ap;
}
void gx_sgemm_packed(int64_t M, int64_t N, int64_t K, const float *Ap, int tb, const float *B,
                     int64_t ldb, int accum, float *C, int64_t ldc, float *bpanel)
{
    (void)M; (void)N; (void)K; (void)Ap; (void)tb; (void)B; (void)ldb; (void)accum; (void)C;
    (void)ldc; (void)bpanel;
}
void gx_sgemm_prepacked(int64_t M, int64_t N, int64_t K, const float *Ap, const float *Bp,
                        int accum, float *C, int64_t ldc)
{
    (void)M; (void)N; (void)K; (void)Ap; (void)Bp; (void)accum; (void)C; (void)ldc;
}
int gx_sgemm_avx512_gemm(gx_context *ctx, int threads, int ta, int tb, int64_t M, int64_t N,
                         int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, int accum,
                         float *C, int64_t ldc)
{
    (void)ctx; (void)threads; (void)ta; (void)tb; (void)M; (void)N; (void)K; (void)A; (void)lda;
    (void)B; (void)ldb; (void)accum; (void)C; (void)ldc;
    return 0;
}

#endif
