/* 3x3 stride-1 float32 convolution by Winograd F(2x2, 3x3), for AVX-512
 * CPUs: conv_forward and conv_transpose (conv.c) come here for ungrouped 2-D
 * 3x3 kernels with stride and dilation 1, which is most of a ResNet, and so
 * does conv_weight_grad (the weight gradient, further down).  Shapes where
 * F(4x4, 3x3) measured faster go there instead (conv_winograd_f4.c; the
 * choice and the loops around the transforms: conv_winograd_run.c).
 *
 * Each 2x2 block ("tile") of outputs is computed from a 4x4 block of inputs
 * as Y = A^T [ (G g G^T) .* (B^T d B) ] A, so a tile costs 16 products per
 * (filter, channel) instead of 36.  Summed over channels, the 16 positions
 * xi of the 4x4 transform are 16 independent GEMMs:
 *
 *     M[xi] (F x T) = U[xi] (F x C) . V[xi] (C x T)       T = tiles
 *
 * U (the transformed weight) is packed as the micro-kernel's left operand
 * (sgemm_avx512.c); V is written by the input transform straight into the
 * micro-kernel's packed right-operand layout, so nothing is copied twice.
 *
 * The input and output transforms run 16 tiles of a tile row per vector, or
 * on small maps 16 gathered tiles.
 * Rounding differs from im2col + GEMM by a few float32 ulps of the inputs'
 * magnitude (the transforms add and subtract up to 4 inputs); tests compare
 * both paths with float64 results.  GLUONX_CONV_WINOGRAD=0 turns it off. */
#include "conv_winograd.h"

#if defined(__x86_64__) && defined(__GNUC__)

/* G g G^T of 16 lanes' 3x3 taps g (row-major), G = [[1, 0, 0], [.5, .5,
 * .5], [.5, -.5, .5], [0, 0, 1]]. */
AVX512 static void weight_tile(const __m512 g[9], __m512 u[16])
{
    const __m512 half = _mm512_set1_ps(0.5f);
    __m512 t[4][3];
    for (int j = 0; j < 3; j++) {
        __m512 outer = _mm512_add_ps(g[j], g[6 + j]);
        t[0][j] = g[j];
        t[1][j] = _mm512_mul_ps(half, _mm512_add_ps(outer, g[3 + j]));
        t[2][j] = _mm512_mul_ps(half, _mm512_sub_ps(outer, g[3 + j]));
        t[3][j] = g[6 + j];
    }
    for (int i = 0; i < 4; i++) {
        __m512 outer = _mm512_add_ps(t[i][0], t[i][2]);
        u[i * 4 + 0] = t[i][0];
        u[i * 4 + 1] = _mm512_mul_ps(half, _mm512_add_ps(outer, t[i][1]));
        u[i * 4 + 2] = _mm512_mul_ps(half, _mm512_sub_ps(outer, t[i][1]));
        u[i * 4 + 3] = t[i][2];
    }
}

/* Rows 2 th - ph + i (i < 4) of one plane, zero-padded to columns
 * [-pw, -pw + 2 TW + 2), combined as B^T d: R0 = d0 - d2, R1 = d1 + d2,
 * R2 = d2 - d1, R3 = d1 - d3.  Masked loads read only the columns inside
 * the plane (masked-off lanes never touch memory). */
AVX512 static void row_transform(const wplan *p, const float *plane, int64_t th, float *R)
{
    int64_t width = 2 * p->TW + 2;
    const float *row[4];
    for (int i = 0; i < 4; i++) {
        int64_t iy = 2 * th - p->ph + i;
        row[i] = iy >= 0 && iy < p->H ? plane + iy * p->W - p->pw : NULL;
    }
    for (int64_t q = 0; q < width; q += 16) {
        /* lanes q + l with 0 <= q + l - pw < W, within the row buffer's width */
        int64_t lo = p->pw - q, hi = p->pw + p->W - q;
        lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
        hi = hi < 0 ? 0 : hi > 16 ? 16 : hi;
        __mmask16 m = hi > lo ? (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1)) : 0;
        __m512 d[4];
        for (int i = 0; i < 4; i++)
            d[i] = row[i] ? _mm512_maskz_loadu_ps(m, row[i] + q) : _mm512_setzero_ps();
        _mm512_storeu_ps(R + q, _mm512_sub_ps(d[0], d[2]));
        _mm512_storeu_ps(R + p->RW + q, _mm512_add_ps(d[1], d[2]));
        _mm512_storeu_ps(R + 2 * p->RW + q, _mm512_sub_ps(d[2], d[1]));
        _mm512_storeu_ps(R + 3 * p->RW + q, _mm512_sub_ps(d[1], d[3]));
    }
}

/* Lanes [0, 16) and [16, 32) of a run of 32 floats of which the first n
 * (n > 0) are wanted: the masks for its two vectors. */
static inline void run_masks(int64_t n, __mmask16 *lo, __mmask16 *hi)
{
    *lo = (__mmask16)(n >= 16 ? 0xFFFFu : (1u << n) - 1);
    *hi = (__mmask16)(n <= 16 ? 0u : n >= 32 ? 0xFFFFu : (1u << (n - 16)) - 1);
}

/* The even and odd elements of the 32 floats a, b (a first). */
AVX512 static inline void deinterleave(__m512 a, __m512 b, __m512 *even, __m512 *odd)
{
    const __m512i e = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i o = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    *even = _mm512_permutex2var_ps(a, e, b);
    *odd = _mm512_permutex2var_ps(a, o, b);
}

/* The 16 transformed values (d B, after the rows' B^T) of tiles tw ..
 * tw + 15 of a tile row from its row transforms R (row stride RW): tile k's
 * columns are 2 (tw + k) + {0, 1, 2, 3}, split into even and odd lanes. */
AVX512 static inline void col_transform(const float *R, int64_t RW, int64_t tw, __m512 v[16])
{
    for (int i = 0; i < 4; i++) {
        const float *r = R + i * RW + 2 * tw;
        __m512 e, o, e2, o2;
        deinterleave(_mm512_loadu_ps(r), _mm512_loadu_ps(r + 16), &e, &o);
        deinterleave(_mm512_loadu_ps(r + 2), _mm512_loadu_ps(r + 18), &e2, &o2);
        v[i * 4 + 0] = _mm512_sub_ps(e, e2);
        v[i * 4 + 1] = _mm512_add_ps(o, e2);
        v[i * 4 + 2] = _mm512_sub_ps(e2, o);
        v[i * 4 + 3] = _mm512_sub_ps(o, o2);
    }
}

/* B^T d B of 16 lanes' 4x4 patches d (row-major). */
AVX512 static void input_tile(const __m512 d[16], __m512 v[16])
{
    __m512 r[4][4];
    for (int j = 0; j < 4; j++) {
        r[0][j] = _mm512_sub_ps(d[j], d[8 + j]);
        r[1][j] = _mm512_add_ps(d[4 + j], d[8 + j]);
        r[2][j] = _mm512_sub_ps(d[8 + j], d[4 + j]);
        r[3][j] = _mm512_sub_ps(d[4 + j], d[12 + j]);
    }
    for (int i = 0; i < 4; i++) {
        v[i * 4 + 0] = _mm512_sub_ps(r[i][0], r[i][2]);
        v[i * 4 + 1] = _mm512_add_ps(r[i][1], r[i][2]);
        v[i * 4 + 2] = _mm512_sub_ps(r[i][2], r[i][1]);
        v[i * 4 + 3] = _mm512_sub_ps(r[i][1], r[i][3]);
    }
}

/* A^T m A: the 2 x 2 outputs of 16 tiles (row-major) from their 16 products. */
AVX512 static void output_tile(const __m512 m[16], __m512 out[4])
{
    __m512 s0[4], s1[4];
    for (int i = 0; i < 4; i++) {
        s0[i] = _mm512_add_ps(_mm512_add_ps(m[i * 4], m[i * 4 + 1]), m[i * 4 + 2]);
        s1[i] = _mm512_sub_ps(_mm512_sub_ps(m[i * 4 + 1], m[i * 4 + 2]), m[i * 4 + 3]);
    }
    out[0] = _mm512_add_ps(_mm512_add_ps(s0[0], s0[1]), s0[2]);
    out[1] = _mm512_add_ps(_mm512_add_ps(s1[0], s1[1]), s1[2]);
    out[2] = _mm512_sub_ps(_mm512_sub_ps(s0[1], s0[2]), s0[3]);
    out[3] = _mm512_sub_ps(_mm512_sub_ps(s1[1], s1[2]), s1[3]);
}

/* A d A^T, A = [[1, 0], [1, 1], [1, -1], [0, -1]]: 16 values of 16 tiles'
 * 2 x 2 output gradients d[row][column]. */
AVX512 static inline void grad_tile(const __m512 d[2][2], __m512 v[16])
{
    __m512 r[4][2], zero = _mm512_setzero_ps();
    for (int b = 0; b < 2; b++) {
        r[0][b] = d[0][b];
        r[1][b] = _mm512_add_ps(d[0][b], d[1][b]);
        r[2][b] = _mm512_sub_ps(d[0][b], d[1][b]);
        r[3][b] = _mm512_sub_ps(zero, d[1][b]);
    }
    for (int i = 0; i < 4; i++) {
        v[i * 4 + 0] = r[i][0];
        v[i * 4 + 1] = _mm512_add_ps(r[i][0], r[i][1]);
        v[i * 4 + 2] = _mm512_sub_ps(r[i][0], r[i][1]);
        v[i * 4 + 3] = _mm512_sub_ps(zero, r[i][1]);
    }
}

/* V[xi] (C x T, packed B layout) = B^T d B for channels [c0, c1) and every
 * tile of the block, 16 tiles of a tile row per vector.  Tile t of the block
 * (tile rows in order) is column t. */
AVX512 static void input_rows(const wplan *p, const float *x, int64_t n0, int64_t ni, int64_t th0,
                              int64_t th1, int64_t c0, int64_t c1, float *V, size_t per_xi, float *R)
{
    int64_t C = p->C;
    for (int64_t c = c0; c < c1; c++) {
        int64_t t = 0;
        for (int64_t j = 0; j < ni; j++) {
            const float *plane = x + ((n0 + j) * C + c) * p->H * p->W;
            for (int64_t th = th0; th < th1; th++, t += p->TW) {
                row_transform(p, plane, th, R);
                /* 16 tiles at a time, never across a 32-column panel */
                for (int64_t tw = 0; tw < p->TW;) {
                    int64_t col = t + tw, lane = col % NR, n = p->TW - tw;
                    n = n < 16 ? n : 16;
                    n = n < NR - lane ? n : NR - lane;
                    __mmask16 m = (__mmask16)((1u << n) - 1);
                    float *dst = V + (col / NR) * C * NR + c * NR + lane;
                    __m512 v[16];
                    col_transform(R, p->RW, tw, v);
                    for (int xi = 0; xi < 16; xi++)
                        _mm512_mask_storeu_ps(dst + xi * per_xi, m, v[xi]);
                    tw += n;
                }
            }
        }
    }
}

/* y tiles of filters [f0, f0 + nf) of the block = A^T M A, M[xi] (nf x T,
 * row stride T) from the GEMMs; A^T = [[1, 1, 1, 0], [0, 1, -1, -1]].  Tile
 * rows of 16 tiles give 32 outputs of a row, interleaved from the tiles' left
 * and right columns. */
AVX512 static void output_rows(const wplan *p, const float *M, size_t per_xi, int64_t T, int64_t n0,
                               int64_t ni, int64_t th0, int64_t th1, int64_t f0, int64_t nf, float *y)
{
    const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    int64_t F = p->F, OW = p->OW, plane = p->OH * OW;
    for (int64_t f = 0; f < nf; f++) {
        int64_t t = 0;
        for (int64_t j = 0; j < ni; j++) {
            float *img = y + ((n0 + j) * F + f0 + f) * plane;
            for (int64_t th = th0; th < th1; th++, t += p->TW) {
                for (int64_t tw = 0; tw < p->TW; tw += 16) {
                    int64_t n = p->TW - tw < 16 ? p->TW - tw : 16;
                    __mmask16 mk = (__mmask16)((1u << n) - 1);
                    __m512 m[16], out[4];
                    for (int xi = 0; xi < 16; xi++)
                        m[xi] = _mm512_maskz_loadu_ps(mk, M + xi * per_xi + f * T + t + tw);
                    output_tile(m, out);
                    __mmask16 m_lo, m_hi;
                    run_masks(OW - 2 * tw, &m_lo, &m_hi);
                    for (int a = 0; a < 2 && 2 * th + a < p->OH; a++) {
                        float *row = img + (2 * th + a) * OW + 2 * tw;
                        _mm512_mask_storeu_ps(row, m_lo, _mm512_permutex2var_ps(out[2 * a], lo, out[2 * a + 1]));
                        _mm512_mask_storeu_ps(row + 16, m_hi, _mm512_permutex2var_ps(out[2 * a], hi, out[2 * a + 1]));
                    }
                }
            }
        }
    }
}

/* Gathers cost about one load per element: they beat the row transforms
 * (about 60 vector operations per tile row) on rows of up to 4 tiles. */
const wkind gx_wino_f2 = {2, 16, 4, weight_tile, input_tile, output_tile, input_rows, output_rows};

/* ---- the weight gradient --------------------------------------------------
 *
 * With U = G g G^T and each tile's output A^T (sum_c U_c .* V_c) A, the
 * gradient of the transformed weight is, summed over tiles t,
 *
 *     dU[xi] (F x C) = DY[xi] (F x T) . V[xi]^T (T x C),   DY_t = A dy_t A^T,
 *
 * and dw = G^T dU G.  The GEMMs contract over tiles, so both operands are
 * packed with tiles as the depth: the transforms run 16 tiles per vector as
 * in the forward pass, and 16 x 16 transposes turn them into vectors of 16
 * channels (or 12 filters: the micro-kernel's MR) per tile. */

/* B[xi] (T x C, packed [C/32][T][32]) = V[xi]^T for the block's tiles;
 * channels past C (up to the panel) are zero. */
AVX512 static void pack_input_by_tile(const wplan *p, const float *x, int64_t n0, int64_t ni,
                                      int64_t th0, int64_t th1, int64_t T, float *B, size_t per_xi,
                                      float *R, float *tmp, int64_t TWp)
{
    int64_t C = p->C, C32 = (C + NR - 1) / NR * NR, t = 0;
    if (p->gather) {
        for (int64_t t0 = 0; t0 < T; t0 += 16) {
            tile_group g;
            gx_wino_group(p, th0, th1, t0, T, &g);
            for (int64_t c0 = 0; c0 < C32; c0 += 16) {
                for (int l = 0; l < 16; l++) {
                    __m512 d[16], v[16];
                    if (c0 + l < C) {
                        wino_gather_patch(x + (n0 * C + c0 + l) * p->H * p->W, &g, p->W, 4, d);
                        input_tile(d, v);
                    }
                    for (int xi = 0; xi < 16; xi++)
                        _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp, c0 + l < C ? v[xi] : _mm512_setzero_ps());
                }
                wino_store_tile_major(tmp, 16, TWp, 0, T - t0 < 16 ? T - t0 : 16,
                                      B + (c0 / NR) * T * NR + t0 * NR + c0 % NR, per_xi, NR, 0xFFFF);
            }
        }
        return;
    }
    for (int64_t j = 0; j < ni; j++)
        for (int64_t th = th0; th < th1; th++, t += p->TW)
            for (int64_t c0 = 0; c0 < C32; c0 += 16) {
                for (int l = 0; l < 16; l++) {
                    int64_t c = c0 + l;
                    if (c < C)
                        row_transform(p, x + ((n0 + j) * C + c) * p->H * p->W, th, R);
                    for (int64_t tw = 0; tw < p->TW; tw += 16) {
                        __m512 v[16];
                        if (c < C)
                            col_transform(R, p->RW, tw, v);
                        for (int xi = 0; xi < 16; xi++)
                            _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp + tw, c < C ? v[xi] : _mm512_setzero_ps());
                    }
                }
                for (int64_t tw = 0; tw < p->TW; tw += 16)
                    wino_store_tile_major(tmp, 16, TWp, tw, p->TW - tw < 16 ? p->TW - tw : 16,
                                          B + (c0 / NR) * T * NR + (t + tw) * NR + c0 % NR, per_xi, NR, 0xFFFF);
            }
}

/* A[xi] (filters [fa, fb) x T, packed [../12][T][12]) = (A dy_t A^T)[xi]
 * for the block's tiles, A = [[1, 0], [1, 1], [1, -1], [0, -1]]; outputs
 * past OH / OW and filters past fb are zero.  fa is a multiple of 12. */
AVX512 static void pack_grad_by_tile(const wplan *p, const float *dy, int64_t n0, int64_t ni,
                                     int64_t th0, int64_t th1, int64_t T, int64_t fa, int64_t fb,
                                     float *A, size_t per_xi, float *tmp, int64_t TWp)
{
    int64_t F = p->F, OW = p->OW, t = 0;
    for (int64_t xi = 0; xi < 16; xi++) /* lanes MR..15 of every transpose stay zero */
        for (int l = MR; l < 16; l++)
            memset(tmp + (xi * 16 + l) * TWp, 0, (size_t)TWp * sizeof(float));
    if (p->gather) {
        for (int64_t t0 = 0; t0 < T; t0 += 16) {
            tile_group g;
            gx_wino_group(p, th0, th1, t0, T, &g);
            for (int64_t f0 = fa; f0 < fb; f0 += MR) {
                for (int l = 0; l < MR; l++) {
                    __m512 d[2][2], v[16];
                    for (int a = 0; a < 2; a++)
                        for (int b = 0; b < 2; b++)
                            d[a][b] = f0 + l < fb ? _mm512_mask_i32gather_ps(
                                                       _mm512_setzero_ps(), g.out_row[a] & g.out_col[b],
                                                       _mm512_add_epi32(g.out_off, _mm512_set1_epi32((int)(a * OW + b))),
                                                       dy + (n0 * F + f0 + l) * p->OH * OW, 4)
                                                 : _mm512_setzero_ps();
                    grad_tile(d, v);
                    for (int xi = 0; xi < 16; xi++)
                        _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp, v[xi]);
                }
                wino_store_tile_major(tmp, 16, TWp, 0, T - t0 < 16 ? T - t0 : 16, A + ((f0 - fa) / MR) * T * MR + t0 * MR,
                                      per_xi, MR, (__mmask16)((1u << MR) - 1));
            }
        }
        return;
    }
    for (int64_t j = 0; j < ni; j++)
        for (int64_t th = th0; th < th1; th++, t += p->TW)
            for (int64_t f0 = fa; f0 < fb; f0 += MR) {
                for (int l = 0; l < MR; l++) {
                    int64_t f = f0 + l;
                    const float *plane = dy + ((n0 + j) * F + f) * p->OH * OW;
                    for (int64_t tw = 0; tw < p->TW; tw += 16) {
                        __mmask16 m_lo, m_hi;
                        run_masks(OW - 2 * tw, &m_lo, &m_hi);
                        __m512 d[2][2]; /* [row][column parity], 16 tiles */
                        for (int a = 0; a < 2; a++) {
                            __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
                            if (f < fb && 2 * th + a < p->OH) {
                                const float *row = plane + (2 * th + a) * OW + 2 * tw;
                                lo = _mm512_maskz_loadu_ps(m_lo, row);
                                hi = _mm512_maskz_loadu_ps(m_hi, row + 16);
                            }
                            deinterleave(lo, hi, &d[a][0], &d[a][1]);
                        }
                        __m512 v[16];
                        grad_tile(d, v);
                        for (int xi = 0; xi < 16; xi++)
                            _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp + tw, v[xi]);
                    }
                }
                for (int64_t tw = 0; tw < p->TW; tw += 16)
                    wino_store_tile_major(tmp, 16, TWp, tw, p->TW - tw < 16 ? p->TW - tw : 16,
                                          A + ((f0 - fa) / MR) * T * MR + (t + tw) * MR, per_xi, MR,
                                          (__mmask16)((1u << MR) - 1));
            }
}

/* dw (F, C, 3, 3) = G^T dU G, 16 channels per vector; G^T = [[1, .5, .5, 0],
 * [0, .5, -.5, 0], [0, .5, .5, 1]]. */
AVX512 static void weight_from_transformed(int64_t F, int64_t C, const float *dU, size_t per_xi,
                                           float *dw, int nt)
{
    const __m512i at = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm512_set1_epi32(9));
    const __m512 half = _mm512_set1_ps(0.5f);
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1 && F * C >= 4096)
    for (int64_t f = 0; f < F; f++)
        for (int64_t c = 0; c < C; c += 16) {
            __mmask16 m = (__mmask16)(C - c >= 16 ? 0xFFFFu : (1u << (C - c)) - 1);
            __m512 s[4][3];
            for (int i = 0; i < 4; i++) {
                const float *src = dU + i * 4 * per_xi + f * C + c;
                __m512 m0 = _mm512_maskz_loadu_ps(m, src), m1 = _mm512_maskz_loadu_ps(m, src + per_xi);
                __m512 m2 = _mm512_maskz_loadu_ps(m, src + 2 * per_xi);
                __m512 m3 = _mm512_maskz_loadu_ps(m, src + 3 * per_xi);
                __m512 sum = _mm512_mul_ps(half, _mm512_add_ps(m1, m2));
                s[i][0] = _mm512_add_ps(m0, sum);
                s[i][1] = _mm512_mul_ps(half, _mm512_sub_ps(m1, m2));
                s[i][2] = _mm512_add_ps(sum, m3);
            }
            float *dst = dw + (f * C + c) * 9;
            for (int b = 0; b < 3; b++) {
                __m512 sum = _mm512_mul_ps(half, _mm512_add_ps(s[1][b], s[2][b]));
                _mm512_mask_i32scatter_ps(dst + b, m, at, _mm512_add_ps(s[0][b], sum), 4);
                _mm512_mask_i32scatter_ps(dst + 3 + b, m, at, _mm512_mul_ps(half, _mm512_sub_ps(s[1][b], s[2][b])), 4);
                _mm512_mask_i32scatter_ps(dst + 6 + b, m, at, _mm512_add_ps(sum, s[3][b]), 4);
            }
        }
}

/* One block's two operands, packed for the nxi GEMMs: B (C x T) from the
 * input, A (filters [fa, fb) x T) from the output gradient; returns T. */
static int64_t pack_block(const wgrad_kind *wk, const wplan *p, const float *x, const float *dy, int64_t b,
                          int64_t fa, int64_t fb, float *B, size_t *bx, float *A, size_t *ax, float *R,
                          float *tmp, int64_t TWp)
{
    int64_t n0, ni, th0, th1;
    gx_wino_block(p, b, &n0, &ni, &th0, &th1);
    int64_t T = ni * (th1 - th0) * p->TW;
    *bx = xi_stride(gx_sgemm_packed_b_floats(p->C, T));
    *ax = xi_stride(gx_sgemm_packed_a_floats(fb - fa, T));
    wk->pack_input(p, x, n0, ni, th0, th1, T, B, *bx, R, tmp, TWp);
    wk->pack_grad(p, dy, n0, ni, th0, th1, T, fa, fb, A, *ax, tmp, TWp);
    return T;
}

/* The transformed weight gradient (nxi F C floats) is accumulated over all
 * blocks.  Up to this many bytes each thread keeps a copy, summed at the
 * end; above it (256 x 256 channels and up) the threads share one, for a
 * run of filters at a time: at 512 x 512 a copy is 16.8 MB, and a
 * hybridized ResNet-18's training peak carried one per thread. */
#define WGRAD_COPY_MAX ((size_t)4 << 20)

int gx_wino_weight_grad(gx_context *ctx, const wgrad_kind *wk, int64_t N, int64_t C, int64_t F, int64_t H,
                        int64_t W, int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                        const float *dy, float *dw)
{
    const int nxi = wk->kind->nxi;
    /* the block's two operands, nxi x (C + F) x T floats, about 4 MiB */
    int64_t want = (1 << 20) / nxi / (C + F);
    wplan p = gx_wino_plan(wk->kind, N, C, F, H, W, OH, OW, ph, pw, want < 32 ? 32 : want > 512 ? 512 : want);
    if (!p.gather && wk->kind->input_rows == NULL) /* images too large for its gathers (int32 offsets) */
        return gx_wino_weight_grad(ctx, &gx_wgrad_f2, N, C, F, H, W, OH, OW, ph, pw, x, dy, dw);
    int64_t TWp = (p.TW + 15) / 16 * 16;
    TWp = TWp < 16 ? 16 : TWp;
    static gx_adapt_site site;
    gx_adapt_call call;
    int nt = gx_adapt_begin(&site, 2.0 * nxi * (double)F * (double)C * (double)(p.N * p.TH * p.TW),
                            gx_adapt_key(N, C, F, H, W, nxi),
                            p.nblocks < omp_get_max_threads() ? (int)p.nblocks : 0, &call);
    nt = nt > 64 ? 64 : nt;
    /* filters per run: all of them, or (shared) runs of whole 12-row panels */
    int64_t fc = F;
    /* (shared on one thread too: its scratch must not outgrow what a
     * graph planned for with all threads) */
    int shared = nxi * (size_t)(F * C) * sizeof(float) > WGRAD_COPY_MAX;
    if (shared) {
        int64_t runs = (int64_t)((nxi * (size_t)(F * C) * sizeof(float) + WGRAD_COPY_MAX - 1) / WGRAD_COPY_MAX);
        fc = ((F + runs - 1) / runs + MR - 1) / MR * MR;
    }
    size_t b_xi = xi_stride(gx_sgemm_packed_b_floats(C, p.tmax));
    size_t a_xi = xi_stride(gx_sgemm_packed_a_floats(fc, p.tmax));
    size_t du_xi = xi_stride((size_t)(fc * C)), du = nxi * du_xi;
    size_t operands = nxi * (b_xi + a_xi) + 4 * (size_t)p.RW + (size_t)nxi * 16 * (size_t)TWp;
    /* private: each thread [dU | operands]; shared: [dU] then each thread's operands */
    size_t per_thread = ((shared ? 0 : du) + operands + 15) / 16 * 16;
    size_t lead = shared ? (du + 15) / 16 * 16 : 0, total = lead + per_thread * (size_t)nt;
    float *work = (float *)ctx->scratch_alloc(ctx, total * sizeof(float));
    if (work == NULL) {
        gx_adapt_end(&call);
        ctx->set_error(ctx, "conv_weight_grad: out of memory for the Winograd buffers (%zu bytes)",
                       total * sizeof(float));
        return GX_ERR_MEMORY;
    }
    if (!shared) {
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            float *dU = work + per_thread * (size_t)omp_get_thread_num();
            float *B = dU + du, *A = B + nxi * b_xi, *R = A + nxi * a_xi, *tmp = R + 4 * p.RW;
            int first = 1;
#pragma omp for schedule(static)
            for (int64_t b = 0; b < p.nblocks; b++) {
                size_t bx, ax;
                int64_t T = pack_block(wk, &p, x, dy, b, 0, F, B, &bx, A, &ax, R, tmp, TWp);
                for (int xi = 0; xi < nxi; xi++)
                    gx_sgemm_prepacked(F, C, T, A + xi * ax, B + xi * bx, !first, dU + xi * du_xi, C);
                first = 0;
            }
        }
        for (int t = 1; t < nt; t++) { /* the threads' partial sums */
            const float *part = work + per_thread * (size_t)t;
            for (size_t i = 0; i < du; i++)
                work[i] += part[i];
        }
        wk->weight_from(F, C, work, du_xi, dw, nt);
        gx_adapt_end(&call);
        return GX_OK;
    }
    /* Shared, per run of filters: rounds of one block per thread, each
     * thread packing its block, then the threads splitting the nxi
     * transformed positions, each adding all the round's blocks into its
     * positions of dU.  The input's transform is redone per run: at these
     * channel counts it costs a few percent of the products. */
    float *dU = work;
    int64_t Ts[64];
    size_t bxs[64], axs[64];
    for (int64_t fa = 0; fa < F; fa += fc) {
        int64_t fb = fa + fc < F ? fa + fc : F;
#pragma omp parallel num_threads(nt)
        {
            int tid = omp_get_thread_num(), nth = omp_get_num_threads();
            float *B = work + lead + per_thread * (size_t)tid, *A = B + nxi * b_xi, *R = A + nxi * a_xi;
            float *tmp = R + 4 * p.RW;
            for (int64_t r0 = 0; r0 < p.nblocks; r0 += nth) {
                int nb = p.nblocks - r0 < nth ? (int)(p.nblocks - r0) : nth;
                if (tid < nb)
                    Ts[tid] = pack_block(wk, &p, x, dy, r0 + tid, fa, fb, B, &bxs[tid], A, &axs[tid], R, tmp, TWp);
#pragma omp barrier
                for (int xi = tid; xi < nxi; xi += nth)
                    for (int t = 0; t < nb; t++) {
                        const float *Bt = work + lead + per_thread * (size_t)t, *At = Bt + nxi * b_xi;
                        gx_sgemm_prepacked(fb - fa, C, Ts[t], At + xi * axs[t], Bt + xi * bxs[t], r0 > 0 || t > 0,
                                           dU + xi * du_xi, C);
                    }
#pragma omp barrier
            }
        }
        wk->weight_from(fb - fa, C, dU, du_xi, dw + fa * C * 9, nt);
    }
    gx_adapt_end(&call);
    return GX_OK;
}

const wgrad_kind gx_wgrad_f2 = {&gx_wino_f2, pack_input_by_tile, pack_grad_by_tile, weight_from_transformed};

#endif
