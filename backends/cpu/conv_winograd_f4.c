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

#endif
