/* 3x3 stride-1 float32 convolution by Winograd F(4x4, 3x3), for AVX-512
 * CPUs: the same scheme as F(2x2, 3x3) (conv_winograd.c, whose header
 * explains it), with 4x4 output tiles from 6x6 input patches: 36 products
 * per (filter, channel, tile), 2.25 per output instead of 4, in 36 GEMMs.
 * conv_winograd_run.c picks the tile size per shape and drives both.
 *
 * The interpolation points are 0, 1, -1, 1/2, -2 and infinity: the same
 * algorithm as Lavin & Gray's 0, +-1, +-2 ("Fast Algorithms for
 * Convolutional Neural Networks"), with 2.5 to 3 times smaller float32
 * errors (Barabasz et al., "Error analysis and improving the accuracy of
 * Winograd convolution for deep neural networks"):
 *
 *   B^T = [[1, -3/2,   -2,  3/2,   1, 0],   G = [[     1,     0,     0],
 *          [0,   -1,  1/2,  5/2,   1, 0],        [   1/3,   1/3,   1/3],
 *          [0,    1, -5/2,  1/2,   1, 0],        [  -1/3,   1/3,  -1/3],
 *          [0,   -2,   -1,    2,   1, 0],        [-16/15, -8/15, -4/15],
 *          [0,  1/2,   -1, -1/2,   1, 0],        [  1/15, -2/15,  4/15],
 *          [0,    1, -3/2,   -2, 3/2, 1]]        [     0,     0,     1]]
 *
 *   A^T = [[1, 1,  1,   1,  1, 0],
 *          [0, 1, -1, 1/2, -2, 0],
 *          [0, 1,  1, 1/4,  4, 0],
 *          [0, 1, -1, 1/8, -8, 1]]
 *
 * Measured on random normal data at 512 channels, the largest error is about
 * 5e-6 of the outputs' largest magnitude (F(2x2): 5e-7; the tests allow 1e-4;
 * benchmarks/bench_conv.py --accuracy). */
#include "conv_winograd.h"

#if defined(__x86_64__) && defined(__GNUC__)

/* G (g0, g1, g2): the 6 values of one line of taps (o: stride os). */
AVX512 static inline void g6(__m512 g0, __m512 g1, __m512 g2, __m512 *o, int os)
{
    const __m512 third = _mm512_set1_ps(1.0f / 3), two = _mm512_set1_ps(2.0f), four = _mm512_set1_ps(4.0f);
    const __m512 half = _mm512_set1_ps(0.5f), quarter = _mm512_set1_ps(0.25f);
    const __m512 f15 = _mm512_set1_ps(1.0f / 15), m1615 = _mm512_set1_ps(-16.0f / 15);
    __m512 outer = _mm512_add_ps(g0, g2);
    o[0] = g0;
    o[os] = _mm512_mul_ps(_mm512_add_ps(outer, g1), third);
    o[2 * os] = _mm512_mul_ps(_mm512_sub_ps(g1, outer), third);
    o[3 * os] = _mm512_mul_ps(_mm512_fmadd_ps(g1, half, _mm512_fmadd_ps(g2, quarter, g0)), m1615);
    o[4 * os] = _mm512_mul_ps(_mm512_fnmadd_ps(g1, two, _mm512_fmadd_ps(g2, four, g0)), f15);
    o[5 * os] = g2;
}

/* G g G^T of 16 lanes' 3x3 taps g (row-major): 36 values, row-major. */
AVX512 static void weight_tile(const __m512 g[9], __m512 u[36])
{
    __m512 t[6 * 3];
    for (int j = 0; j < 3; j++)
        g6(g[j], g[3 + j], g[6 + j], t + j, 3);
    for (int i = 0; i < 6; i++)
        g6(t[i * 3], t[i * 3 + 1], t[i * 3 + 2], u + i * 6, 1);
}

/* B^T d of one line of 6 values (d, o: strides ds, os); 16 operations. */
AVX512 static inline void bt6(const __m512 *d, int ds, __m512 *o, int os)
{
    const __m512 h3 = _mm512_set1_ps(1.5f), two = _mm512_set1_ps(2.0f), half = _mm512_set1_ps(0.5f);
    __m512 d0 = d[0], d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds], d4 = d[4 * ds], d5 = d[5 * ds];
    __m512 s = _mm512_sub_ps(d4, d2), e = _mm512_sub_ps(d3, d1);
    __m512 sum = _mm512_add_ps(d2, d3), dif = _mm512_sub_ps(d3, d2);
    o[0] = _mm512_fmadd_ps(h3, e, _mm512_add_ps(_mm512_sub_ps(d0, d2), s));
    o[os] = _mm512_fmadd_ps(h3, sum, _mm512_add_ps(s, e));
    o[2 * os] = _mm512_fmadd_ps(h3, dif, _mm512_sub_ps(s, e));
    o[3 * os] = _mm512_fmadd_ps(two, e, s);
    o[4 * os] = _mm512_fnmadd_ps(half, e, s);
    o[5 * os] = _mm512_fmadd_ps(h3, s, _mm512_sub_ps(_mm512_sub_ps(d5, d3), e));
}

/* B^T d B of 16 lanes' 6x6 patches d (row-major). */
AVX512 static void input_tile(const __m512 d[36], __m512 v[36])
{
    __m512 r[36];
    for (int j = 0; j < 6; j++)
        bt6(d + j, 6, r + j, 6);
    for (int i = 0; i < 6; i++)
        bt6(r + i * 6, 1, v + i * 6, 1);
}

/* A^T m of one line of 6 values (m: stride ms; o: 4 values, stride os). */
AVX512 static inline void at6(const __m512 *m, int ms, __m512 *o, int os)
{
    const __m512 half = _mm512_set1_ps(0.5f), quarter = _mm512_set1_ps(0.25f), eighth = _mm512_set1_ps(0.125f);
    const __m512 two = _mm512_set1_ps(2.0f), four = _mm512_set1_ps(4.0f), eight = _mm512_set1_ps(8.0f);
    __m512 p = _mm512_add_ps(m[ms], m[2 * ms]), q = _mm512_sub_ps(m[ms], m[2 * ms]), m3 = m[3 * ms], m4 = m[4 * ms];
    o[0] = _mm512_add_ps(_mm512_add_ps(m[0], p), _mm512_add_ps(m3, m4));
    o[os] = _mm512_fmadd_ps(half, m3, _mm512_fnmadd_ps(two, m4, q));
    o[2 * os] = _mm512_fmadd_ps(quarter, m3, _mm512_fmadd_ps(four, m4, p));
    o[3 * os] = _mm512_add_ps(_mm512_fmadd_ps(eighth, m3, _mm512_fnmadd_ps(eight, m4, q)), m[5 * ms]);
}

/* A^T m A: the 4 x 4 outputs of 16 tiles (row-major) from their 36 products. */
AVX512 static void output_tile(const __m512 m[36], __m512 out[16])
{
    __m512 t[4 * 6];
    for (int j = 0; j < 6; j++)
        at6(m + j, 6, t + j, 6);
    for (int i = 0; i < 4; i++)
        at6(t + i * 6, 1, out + i * 4, 1);
}

const wkind gx_wino_f4 = {4, 36, 1 << 30, weight_tile, input_tile, output_tile, NULL, NULL};

/* ---- the weight gradient ---------------------------------------------------
 *
 * As F(2x2)'s (conv_winograd.c): with y = A^T [(G g G^T) .* (B^T d B)] A,
 *
 *     dg = G^T [sum over tiles of (A dy A^T) .* (B^T d B)] G,
 *
 * the forward's input transform, and the transposes of its output and filter
 * transforms: 4x4 output-gradient tiles to 6x6, and 6x6 sums to the 3x3
 * weight gradient.  36 GEMMs over a quarter of F(2x2)'s tiles: 0.56 of its
 * products.  Tiles are always gathered (any 16 of a block per vector). */

/* A d of one line of 4 output-gradient values (d: stride ds; o: 6, stride os). */
AVX512 static inline void a6(const __m512 *d, int ds, __m512 *o, int os)
{
    const __m512 half = _mm512_set1_ps(0.5f), quarter = _mm512_set1_ps(0.25f), eighth = _mm512_set1_ps(0.125f);
    const __m512 two = _mm512_set1_ps(2.0f), four = _mm512_set1_ps(4.0f), eight = _mm512_set1_ps(8.0f);
    __m512 d0 = d[0], d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds];
    __m512 even = _mm512_add_ps(d0, d2), odd = _mm512_add_ps(d1, d3);
    o[0] = d0;
    o[os] = _mm512_add_ps(even, odd);
    o[2 * os] = _mm512_sub_ps(even, odd);
    o[3 * os] = _mm512_fmadd_ps(eighth, d3, _mm512_fmadd_ps(quarter, d2, _mm512_fmadd_ps(half, d1, d0)));
    o[4 * os] = _mm512_fnmadd_ps(eight, d3, _mm512_fmadd_ps(four, d2, _mm512_fnmadd_ps(two, d1, d0)));
    o[5 * os] = d3;
}

/* A dy A^T of 16 lanes' 4x4 output-gradient tiles (row-major): 36 values. */
AVX512 static void grad_tile(const __m512 d[16], __m512 v[36])
{
    __m512 t[6 * 4];
    for (int j = 0; j < 4; j++)
        a6(d + j, 4, t + j, 4);
    for (int i = 0; i < 6; i++)
        a6(t + i * 4, 1, v + i * 6, 1);
}

/* G^T m of one line of 6 values (m: stride ms; o: 3 values, stride os). */
AVX512 static inline void gt6(const __m512 *m, int ms, __m512 *o, int os)
{
    const __m512 third = _mm512_set1_ps(1.0f / 3), f15 = _mm512_set1_ps(1.0f / 15);
    __m512 p = _mm512_mul_ps(third, _mm512_add_ps(m[ms], m[2 * ms]));
    __m512 q = _mm512_mul_ps(third, _mm512_sub_ps(m[ms], m[2 * ms]));
    __m512 m3 = _mm512_mul_ps(f15, m[3 * ms]), m4 = _mm512_mul_ps(f15, m[4 * ms]);
    /* rows of G^T: [1, 1/3, -1/3, -16/15, 1/15, 0], [0, 1/3, 1/3, -8/15, -2/15, 0],
     * [0, 1/3, -1/3, -4/15, 4/15, 1] */
    o[0] = _mm512_add_ps(_mm512_add_ps(m[0], q), _mm512_fmadd_ps(_mm512_set1_ps(-16.0f), m3, m4));
    o[os] = _mm512_sub_ps(p, _mm512_fmadd_ps(_mm512_set1_ps(8.0f), m3, _mm512_add_ps(m4, m4)));
    o[2 * os] = _mm512_add_ps(_mm512_add_ps(q, m[5 * ms]), _mm512_mul_ps(_mm512_set1_ps(4.0f), _mm512_sub_ps(m4, m3)));
}

/* B[xi] (T x C, packed [C/NR][T][NR]) = (B^T d B)[xi]^T of the block's tiles. */
AVX512 static void pack_input_f4(const wplan *p, const float *x, int64_t n0, int64_t ni, int64_t th0, int64_t th1,
                                 int64_t T, float *B, size_t per_xi, float *R, float *tmp, int64_t TWp)
{
    (void)ni; (void)R;
    int64_t C = p->C, C32 = (C + NR - 1) / NR * NR;
    for (int64_t t0 = 0; t0 < T; t0 += 16) {
        tile_group g;
        gx_wino_group(p, th0, th1, t0, T, &g);
        for (int64_t c0 = 0; c0 < C32; c0 += 16) {
            for (int l = 0; l < 16; l++) {
                __m512 d[36], v[36];
                if (c0 + l < C) {
                    wino_gather_patch(x + (n0 * C + c0 + l) * p->H * p->W, &g, p->W, 6, d);
                    input_tile(d, v);
                }
                for (int xi = 0; xi < 36; xi++)
                    _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp, c0 + l < C ? v[xi] : _mm512_setzero_ps());
            }
            wino_store_tile_major(tmp, 36, TWp, 0, T - t0 < 16 ? T - t0 : 16,
                                  B + (c0 / NR) * T * NR + t0 * NR + c0 % NR, per_xi, NR, 0xFFFF);
        }
    }
}

/* A[xi] (filters [fa, fb) x T, packed [../MR][T][MR]) = (A dy A^T)[xi] of
 * the block's tiles; outputs past OH / OW and filters past fb are zero. */
AVX512 static void pack_grad_f4(const wplan *p, const float *dy, int64_t n0, int64_t ni, int64_t th0, int64_t th1,
                                int64_t T, int64_t fa, int64_t fb, float *A, size_t per_xi, float *tmp, int64_t TWp)
{
    (void)ni;
    int64_t F = p->F, OW = p->OW;
    for (int xi = 0; xi < 36; xi++) /* lanes MR..15 of every transpose stay zero */
        for (int l = MR; l < 16; l++)
            memset(tmp + (xi * 16 + l) * TWp, 0, (size_t)TWp * sizeof(float));
    for (int64_t t0 = 0; t0 < T; t0 += 16) {
        tile_group g;
        gx_wino_group(p, th0, th1, t0, T, &g);
        for (int64_t f0 = fa; f0 < fb; f0 += MR) {
            for (int l = 0; l < MR; l++) {
                __m512 d[16], v[36];
                const float *plane = dy + (n0 * F + f0 + l) * p->OH * OW;
                for (int a = 0; a < 4; a++)
                    for (int b = 0; b < 4; b++)
                        d[a * 4 + b] = f0 + l < fb ? _mm512_mask_i32gather_ps(
                                                         _mm512_setzero_ps(), g.out_row[a] & g.out_col[b],
                                                         _mm512_add_epi32(g.out_off, _mm512_set1_epi32((int)(a * OW + b))),
                                                         plane, 4)
                                                   : _mm512_setzero_ps();
                grad_tile(d, v);
                for (int xi = 0; xi < 36; xi++)
                    _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp, v[xi]);
            }
            wino_store_tile_major(tmp, 36, TWp, 0, T - t0 < 16 ? T - t0 : 16, A + ((f0 - fa) / MR) * T * MR + t0 * MR,
                                  per_xi, MR, (__mmask16)((1u << MR) - 1));
        }
    }
}

/* dw (F, C, 3, 3) = G^T dU G, 16 channels per vector. */
AVX512 static void weight_from_f4(int64_t F, int64_t C, const float *dU, size_t per_xi, float *dw, int nt)
{
    const __m512i at = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm512_set1_epi32(9));
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1 && F * C >= 4096)
    for (int64_t f = 0; f < F; f++)
        for (int64_t c = 0; c < C; c += 16) {
            __mmask16 m = (__mmask16)(C - c >= 16 ? 0xFFFFu : (1u << (C - c)) - 1);
            __m512 u[36], s[6 * 3], o[9];
            for (int xi = 0; xi < 36; xi++)
                u[xi] = _mm512_maskz_loadu_ps(m, dU + xi * per_xi + f * C + c);
            for (int i = 0; i < 6; i++)
                gt6(u + i * 6, 1, s + i * 3, 1);
            for (int b = 0; b < 3; b++)
                gt6(s + b, 3, o + b, 3);
            float *dst = dw + (f * C + c) * 9;
            for (int k = 0; k < 9; k++)
                _mm512_mask_i32scatter_ps(dst + k, m, at, o[k], 4);
        }
}

const wgrad_kind gx_wgrad_f4 = {&gx_wino_f4, pack_input_f4, pack_grad_f4, weight_from_f4};

#endif
